"""Producing the pages: running the notebooks and writing files, apart from what they say.

- `paths`: where the notebooks are; `execute`: notebooks in (reused) kernels;
  `export`: HTML with our template and PDF with Chromium; `render`: one page, start to end;
- the batch: `plan` (what to make), `pool` (worker processes, one page at a time),
  `staging` (the output folder, replaced whole), `outputs` (summary files, stand-in pages,
  index and manifest), `batch` (the run, in order); `orphans`: workers end with the batch.

This package must stay light to import: a report kernel imports `execute` for its reset.
"""
