"""Reports: what the pages say, the data behind them, and how they are produced.

- `pages/`: content. Data in, escaped HTML out: the HTML toolkit, the page base, the
  report, overview, dimension and index pages.
- `tables.py`: the system-level tables the overview and dimension pages show; `data.py`
  and `cache.py`: the scored data every page reads (folder, bundle, load cache);
  `summary.py` and `summary_book.py`: the batch's summary.csv and summary.xlsx.
- `run/`: execution and export, apart from content: notebooks in reused kernels, HTML and
  PDF export, one page, and the batch (plan, worker pool, staging, outputs).
- `cli.py`: `engagecycle report` and `engagecycle batch`.
"""
