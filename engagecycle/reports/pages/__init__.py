"""What each page says: data in, escaped HTML out (no notebook, no files written).

- `html`: the toolkit (escaping, numbers, badges, cards, charts as images, `Html`);
- `links`: links in evidence and between the batch's pages;
- `page`: the page base (title, footer, sections in order);
- `report` and `report_sections`: one organisation's benchmark report;
- `overview`: every organisation of a period; `dimension`: one dimension across them;
- `index`: the batch's index page and the page standing in for a failed one.

The data each page shows comes from `benchmark` (one organisation) and `reports.tables`
(the system-level tables); running the notebooks and writing files is `reports.run`.
"""
