"""Writing text into spreadsheets and CSV files without it turning into a formula.

Evidence, notes, actions and names are typed by people and may start with `=`, `+`, `-` or
`@`. Excel and LibreOffice treat such a cell as a formula when a CSV file is opened, or when
someone edits the cell and presses Enter, which can run commands or leak data (formula
injection). Every spreadsheet or CSV writer in the project sends text through this module.

- CSV: a risky value gets a leading `'`, the usual defence; spreadsheet programs show it as
  text and the apostrophe tells a reader the value was escaped. Line breaks are written as
  `\n` first: a CSV writer quotes a field only for the line break it ends rows with, so a
  lone carriage return went out unquoted, and LibreOffice (tested headless: `soffice
  --convert-to xlsx`) reads a carriage return as the end of a row, so "Agreed\r=1+1" became
  a cell "Agreed" and, in the next row, the formula =1+1. With `\n` the field is quoted and
  stays one cell of text.
- xlsx: the value is stored unchanged as a text cell with Excel's *quote prefix* flag (the
  invisible apostrophe Excel adds when you type `'=...`). The text survives a round trip
  exactly, and editing the cell keeps it as text.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from ..files import public_mode

RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\n")
EXCEL_MAX_TEXT = 32_767  # the most characters one Excel cell can hold


class CellTextError(ValueError):
    """Text that cannot be stored in a spreadsheet cell without losing part of it."""


def is_risky(value: Any) -> bool:
    """Would a spreadsheet program read this text as the start of a formula?"""
    return isinstance(value, str) and value.startswith(RISKY_START)


def neutralise(text: Any) -> Any:
    """The CSV-safe form of a value: line breaks as \n, and risky text behind an apostrophe.

    Anything that is not text is returned unchanged.
    """
    if not isinstance(text, str):
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if is_risky(text):
        return "'" + text
    return text


def put(cell: Any, value: Any) -> Any:
    """Write `value` into an openpyxl cell so that text is always stored as text.

    openpyxl would otherwise store text starting with `=` as a formula and `#N/A` as an
    error. Raises CellTextError for text Excel cannot hold (too long, or control characters),
    because silently cutting it would lose an answer on the way back in.
    """
    if not isinstance(value, str):
        cell.value = value
        return cell
    if len(value) > EXCEL_MAX_TEXT:
        raise CellTextError(
            f"is {len(value):,} characters long; an Excel cell holds at most {EXCEL_MAX_TEXT:,}"
        )
    try:
        cell.value = value
    except ValueError as exc:  # openpyxl's IllegalCharacterError
        raise CellTextError("contains control characters that Excel cannot store") from exc
    cell.data_type = "s"
    if is_risky(value):
        cell.quotePrefix = True
    return cell


def save_workbook(workbook: Any, path: str | Path, *, overwrite: bool = True) -> Path:
    """Save atomically: a reader (or a crash) never sees half a workbook.

    With overwrite=False an existing file is left alone, because it may be a workbook
    someone has already filled in.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    # mkstemp makes the file owner-only; a workbook gets the same permissions as every other
    # file the tool writes (files.public_mode), also when it replaces an older one.
    os.fchmod(fd, public_mode())
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        workbook.save(tmp)
        if not overwrite and path.exists():
            raise FileExistsError(str(path))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
