"""Offline Excel workbooks: a template to fill in, its import, and the action plan.

Teams prepare a self-assessment in Excel before a workshop, or collect individual ratings by
e-mail, and boards want actions as a spreadsheet. The modules here keep that round trip safe:
`safe` stops text being read as a formula; `layout` is the workbook's shape shared by writer
and reader; `template` writes the workbook; `importer` runs the import: `reader` streams the
cells within the limits, `sheets` turns them into checked rows listing every problem,
`merging` applies the rows to the assessment (blank cells, fingerprints, conflicts) and
`changes` words what changed; `actions` writes the action plan.
"""

from .safe import neutralise

__all__ = ["neutralise"]
