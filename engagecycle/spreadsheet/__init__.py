"""Offline Excel workbooks: a template to fill in, its import, and the action plan.

Teams prepare a self-assessment in Excel before a workshop, or collect individual ratings by
e-mail, and boards want actions as a spreadsheet. The modules here keep that round trip safe:
`safe` stops text being read as a formula, `template` writes the workbook, `importer` checks
every row before anything is saved and merges through the store, and `actions` writes the
action plan.
"""

from .safe import neutralise

__all__ = ["neutralise"]
