"""Reports: what the pages say, the data behind them, and how they are produced.

- `pages/`: content. Data in, escaped HTML out: the HTML toolkit, the page base, the
  report, overview, dimension and index pages (see its docstring).
- `tables.py`: the system-level tables the overview and dimension pages show; `data.py`
  and `cache.py`: the scored data every page reads (folder, bundle, load cache);
  `summary.py` and `summary_book.py`: the batch's summary.csv and summary.xlsx.
- execution and export: `execute.py` (notebooks in reused kernels), `export.py` (HTML
  and PDF), `render.py` (one page), `batch.py` (every page of a period), `orphans.py`;
- `cli.py`: `engagecycle report` and `engagecycle batch`.
"""
