"""Reading a workbook for import: limits checked before parsing, then one streaming pass.

A workbook is a zip of XML files, and a small file can unzip into something enormous (a
1 GiB shared string, a sheet formatted down to row 1,048,576), which openpyxl's normal mode
would load whole: minutes and gigabytes. So, in order:

1. the file's size, then the unzipped size the zip's own directory declares (Python's
   `zipfile` never inflates a member past its declared size, so the check is binding), are
   compared with the limits in `engagecycle.limits`, before any XML is parsed;
2. each sheet is read in openpyxl's read-only (streaming) mode, keeping the cells that hold
   something in the first `MAX_WORKBOOK_ROWS` rows and `MAX_WORKBOOK_COLUMNS` columns, and
   stopping at the first row below that holds anything (the import then refuses the sheet);
3. every text cell is held to the same rule as text in an assessment (`limits.
   text_problem`): longer than an Excel cell, or with a control character, is refused here,
   with its sheet and cell, rather than imported and then unable to get out again.

Formulas need a second, values-only pass for their saved results; it runs only when the
first pass found a formula.
"""

from __future__ import annotations

import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..limits import (
    MAX_WORKBOOK_BYTES,
    MAX_WORKBOOK_COLUMNS,
    MAX_WORKBOOK_ROWS,
    MAX_WORKBOOK_UNZIPPED_BYTES,
    mib,
    text_problem,
)


@dataclass(frozen=True)
class Cell:
    """What the importer needs of a cell: its value and openpyxl's type letter."""

    value: Any = None
    data_type: str = "n"


EMPTY = Cell()
EXCEL_ROWS = 1_048_576  # the last row of an Excel sheet


@dataclass(frozen=True)
class BadCell:
    """A cell whose content cannot be imported (its value is read as blank)."""

    sheet: str
    ref: str
    message: str


class Grid:
    """The non-empty cells of one sheet, addressed like openpyxl's `ws.cell(row, col)`.

    `max_row` is the last row holding something, or beyond MAX_WORKBOOK_ROWS when there
    is content below the limit (those rows are not kept), so the caller can say so.
    """

    def __init__(self, cells: dict[tuple[int, int], Cell], max_row: int, max_column: int):
        self._cells = cells
        self.max_row = max_row
        self.max_column = max_column

    def cell(self, row: int, column: int) -> Cell:
        return self._cells.get((row, column), EMPTY)

    def formulas(self) -> bool:
        return any(c.data_type == "f" for c in self._cells.values())


@dataclass
class Book:
    sheetnames: list[str] = field(default_factory=list)
    sheets: dict[str, Grid] = field(default_factory=dict)
    bad_cells: list[BadCell] = field(default_factory=list)
    wide_sheets: list[str] = field(default_factory=list)  # more columns than were read

    def __getitem__(self, name: str) -> Grid:
        return self.sheets[name]


class WorkbookRefused(ValueError):
    """The file is not a workbook we will read; the message says why, for the user."""


def check_archive(path: Path) -> None:
    """Refuse an oversized or unzippable file before any of its XML is parsed."""
    size = path.stat().st_size
    if size > MAX_WORKBOOK_BYTES:
        raise WorkbookRefused(
            f"the file is {size / 2**20:.1f} MB; a workbook to import may be at most "
            f"{mib(MAX_WORKBOOK_BYTES)} (a filled-in template is well under 1 MB)"
        )
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookRefused(
            f"cannot be read as an Excel workbook (.xlsx): it is not a valid workbook file ({exc})"
        ) from None
    total = sum(m.file_size for m in members)
    if total > MAX_WORKBOOK_UNZIPPED_BYTES:
        biggest = max(members, key=lambda m: m.file_size)
        raise WorkbookRefused(
            f"the workbook unzips to {total / 2**20:,.0f} MB (most of it in "
            f"{biggest.filename}); a workbook to import may unzip to at most "
            f"{mib(MAX_WORKBOOK_UNZIPPED_BYTES)} (a filled-in template: under 5 MB)"
        )


def _ref(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def _read_book(path: Path, *, data_only: bool) -> Book:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
        wb = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    book = Book(sheetnames=list(wb.sheetnames))
    try:
        for name in wb.sheetnames:
            ws = wb[name]
            cells: dict[tuple[int, int], Cell] = {}
            max_row = max_column = 0
            if hasattr(ws, "iter_rows"):  # chart sheets have no cells
                claimed = getattr(ws, "max_column", None) or 0
                if claimed > MAX_WORKBOOK_COLUMNS:
                    book.wide_sheets.append(name)
                # Up to Excel's last row, so that content anywhere below the limit is noticed;
                # reading stops at the first row past the limit that holds anything, and
                # rows missing from the file cost nothing.
                rows = ws.iter_rows(min_row=1, max_row=EXCEL_ROWS, max_col=MAX_WORKBOOK_COLUMNS)
                for r, row in enumerate(rows, 1):
                    if r > MAX_WORKBOOK_ROWS:
                        if any(cell.value is not None for cell in row):
                            max_row = r  # tells the caller there is content below the limit
                            break
                        continue
                    for c, cell in enumerate(row, 1):
                        value = cell.value
                        if value is None:
                            continue
                        if isinstance(value, str):
                            why = text_problem(value)
                            if why:
                                book.bad_cells.append(BadCell(name, _ref(r, c), f"the text {why}"))
                                continue
                        cells[(r, c)] = Cell(value, cell.data_type)
                        max_row, max_column = max(max_row, r), max(max_column, c)
            book.sheets[name] = Grid(cells, max_row, max_column)
    finally:
        wb.close()
    return book


def read_workbook_cells(path: str | Path) -> tuple[Book, Book]:
    """The workbook's cells as written (formulas as text) and as last calculated.

    Raises WorkbookRefused for a file over the limits or one that cannot be read.
    """
    path = Path(path)
    check_archive(path)
    try:
        formulas = _read_book(path, data_only=False)
        values = formulas
        if any(g.formulas() for g in formulas.sheets.values()):
            values = _read_book(path, data_only=True)
    except WorkbookRefused:
        raise
    except Exception as exc:  # any unreadable file gets the same advice
        raise WorkbookRefused(
            f"cannot be read as an Excel workbook (.xlsx): {type(exc).__name__}: {exc}"
        ) from None
    return formulas, values
