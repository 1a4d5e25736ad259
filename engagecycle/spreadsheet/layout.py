"""The workbook layout shared by the template writer and the importer, and cell conversions.

Keeping sheet names, fixed cells, headings and the value conversions in one module means the
writer and the reader cannot drift apart: whatever `template` writes, `importer` reads back
to the same value. The conversions are pure functions so they are easy to test.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..assessment import Action, Response
from ..framework import Framework
from ..levels import NA, UNKNOWN, read_level
from ..limits import MAX_WORKBOOK_ROWS

FORMAT_VERSION = 1

INSTRUCTIONS = "Instructions"
ITEMS = "Items"
DIMENSIONS = "Dimensions"
ACTIONS = "Actions"
SHEETS = (INSTRUCTIONS, ITEMS, DIMENSIONS, ACTIONS)

GROUP_ROW = 1  # a band of labels above the headings, for people
HEADER_ROW = 2
FIRST_ROW = 3
MAX_ROWS = MAX_WORKBOOK_ROWS  # rows read per sheet (see spreadsheet/reader.py)

# Instructions sheet: label in column A, value in column B, at fixed rows.
INFO_LABELS: dict[str, str] = {
    "code": "Organisation code",
    "name": "Organisation name",
    "type": "Organisation type",
    "peer_group": "Peer group",
    "period": "Period",
    "framework": "Framework",
    "version": "Framework version",
    "format": "Workbook format",
    "check": "Check code",
    "made": "Made on",
    "source": "Made from",
}
INFO_FIRST_ROW = 3
INFO_ROWS: dict[str, int] = {key: INFO_FIRST_ROW + n for n, key in enumerate(INFO_LABELS)}

# Items sheet headings. Rater columns sit between CARRIED and CHECK.
DIM_TITLE = "Dimension"
ITEM = "Item"
STATEMENT = "Statement"
HELP = "What to look for"
LEVEL = "Level"
EVIDENCE = "Evidence"
DISCUSS = "Discuss"
CARRIED = "Carried over"
CHECK = "Row check (do not change)"

# Dimensions sheet headings.
DIM_ID = "Id"
DIM_KIND = "Part"
DIM_PURPOSE = "Purpose"
TARGET = "Target level"
NOTES = "Notes"

# Actions sheet headings.
ACTION_NO = "No."
ACTION_DIM = "Dimension"
ACTION_TEXT = "Action"
OWNER = "Owner"
DUE = "Due date"
STATUS = "Status"
BLANK_ACTION_ROWS = 30

LEVEL_CHOICES = ("0", "1", "2", "3", "4", "N/A", "Don't know")
LEVEL_ALLOWED = "0-4, N/A, Don't know"
RATING_ALLOWED = "0-4"
YES, NO = "Yes", "No"
YES_NO_ALLOWED = "Yes, No"
DATE_ALLOWED = "a date such as 2025-06-30 or 30/06/2025"
EXCEL_2000, EXCEL_2099 = 36_526, 73_050  # Excel day numbers of 2000-01-01 and 2099-12-31
SPARE_RATERS = 6  # rater columns offered when the assessment names nobody


def level_headers(framework: Framework) -> list[str]:
    """Headings of the level-description columns, e.g. '2 Developing'."""
    return [f"{n} {name}" for n, name in sorted(framework.levels.items())]


def check_code(*parts: Any) -> str:
    """A short fingerprint of some values, to notice when they change later."""
    text = json.dumps(parts, default=str, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def header_check(code: str, period: str, framework_id: str, version: int) -> str:
    return check_code("header", code, period, framework_id, version)


# ----------------------------------------------------------------- row models


def normalise_newlines(text: str) -> str:
    """Cells hold line breaks as \\n; a \\r in YAML text comes back from Excel as \\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class ItemRow:
    """One row of the Items sheet as values (None means a blank cell)."""

    item: str
    level: int | str | None = None
    raters: tuple[tuple[str, int], ...] = ()
    evidence: str | None = None
    flag: bool | None = None
    carried: bool | None = None

    def check(self) -> str:
        return check_code(
            "item",
            self.item,
            self.level,
            sorted(self.raters),
            self.evidence,
            self.flag,
            self.carried,
        )


@dataclass(frozen=True)
class DimRow:
    dimension: str
    target: int | None = None
    notes: str | None = None

    def check(self) -> str:
        return check_code("dimension", self.dimension, self.target, self.notes)


@dataclass(frozen=True)
class ActionRow:
    number: int | None  # 1-based position in the saved action list; None for a new action
    dimension: str | None = None
    action: str | None = None
    owner: str | None = None
    due: date | None = None
    status: str | None = None

    def check(self) -> str:
        due = self.due.isoformat() if self.due else None
        return check_code("action", self.dimension, self.action, self.owner, due, self.status)


@dataclass
class RowChecks:
    """The fingerprints a template row carries: saved state then, and what was written."""

    saved: str
    written: str

    def cell(self) -> str:
        return f"{self.saved}:{self.written}"

    @classmethod
    def parse(cls, value: Any) -> RowChecks | None:
        if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]{16}:[0-9a-f]{16}", value):
            return None
        saved, written = value.split(":")
        return cls(saved, written)


def item_row(response: Response) -> ItemRow:
    """The row a saved answer is written as (the template's prefill)."""
    return ItemRow(
        item=response.item,
        level=response.level,
        raters=tuple(response.raters),
        evidence=normalise_newlines(response.evidence) or None,
        flag=response.flag,
        carried=response.carried_over,
    )


def dim_row(dim_id: str, target: int | None, notes: str) -> DimRow:
    return DimRow(dim_id, target, normalise_newlines(notes) or None)


def action_row(number: int | None, action: Action) -> ActionRow:
    return ActionRow(
        number=number,
        dimension=action.dimension,
        action=normalise_newlines(action.action) or None,
        owner=normalise_newlines(action.owner) or None,
        due=action.due,
        status=action.status,
    )


# ----------------------------------------------------------------- cell values out


def level_cell(level: int | str | None) -> int | str | None:
    if level == NA:
        return "N/A"
    if level == UNKNOWN:
        return "Don't know"
    return level


def yes_no_cell(value: bool | None) -> str | None:
    if value is None:
        return None
    return YES if value else NO


# ----------------------------------------------------------------- cell values in


class CellError(ValueError):
    """A cell value that is not allowed; the message says what was found and what is allowed."""


def show(value: Any) -> str:
    """A cell value as a person would recognise it in a message."""
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return repr(shown)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def whole(value: Any) -> int | None:
    """3, 3.0, '3', ' 3.0 ' -> 3; anything else -> None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        # Only short numbers: float() of a 40,000-digit cell is infinity, and int() of it
        # an OverflowError that once stopped the import.
        if len(text) <= 20 and re.fullmatch(r"[+-]?\d+(\.0*)?", text):
            return int(float(text))
    return None


def parse_level(value: Any) -> int | str | None:
    """A Level cell: 0-4, a level name, N/A or Don't know (several spellings); None when blank.

    The same words as an assessment file accepts (`levels.read_level`), plus the decimals a
    spreadsheet makes of whole numbers (3.0).
    """
    if is_blank(value):
        return None
    n = whole(value)
    if n is not None and 0 <= n <= 4:
        return n
    if isinstance(value, str):
        try:
            return read_level(value)
        except ValueError:
            pass
    raise CellError(f"{show(value)} is not a level (allowed: {LEVEL_ALLOWED})")


def parse_rating(value: Any) -> int | None:
    """An individual rating: a whole number 0-4; None when blank."""
    if is_blank(value):
        return None
    n = whole(value)
    if n is not None and 0 <= n <= 4:
        return n
    raise CellError(f"{show(value)} is not an individual rating (allowed: {RATING_ALLOWED})")


def parse_target(value: Any) -> int | None:
    if is_blank(value):
        return None
    n = whole(value)
    if n is not None and 0 <= n <= 4:
        return n
    raise CellError(f"{show(value)} is not a target level (allowed: {RATING_ALLOWED})")


def parse_yes_no(value: Any) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in ("yes", "y", "true"):
            return True
        if word in ("no", "n", "false"):
            return False
    raise CellError(f"{show(value)} is not Yes or No (allowed: {YES_NO_ALLOWED})")


def parse_text(value: Any) -> str | None:
    """Free text; numbers and dates typed into a text column are kept as they read."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return show(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalise_newlines(str(value))


def parse_date(value: Any) -> date | None:
    """A due date: an Excel date, an Excel day number, or text 2025-06-30 or 30/06/2025."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        # An Excel day number, as a date cell shows when its format is lost. Only 2000-2099
        # is accepted, so a stray 3 is not read as 3 January 1900.
        if EXCEL_2000 <= value <= EXCEL_2099:
            return from_excel(value).date()
    if isinstance(value, str):
        text = value.strip()
        try:
            if re.fullmatch(r"\d{4}-\d\d-\d\d([ T]00:00(:00)?)?", text):
                return date.fromisoformat(text[:10])
            if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
                return datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            pass
    raise CellError(f"{show(value)} is not a date (allowed: {DATE_ALLOWED})")


def parse_status(value: Any) -> str | None:
    from ..assessment import ACTION_STATUSES

    if is_blank(value):
        return None
    if isinstance(value, str) and value.strip().casefold() in ACTION_STATUSES:
        return value.strip().casefold()
    raise CellError(f"{show(value)} is not a status (allowed: {', '.join(ACTION_STATUSES)})")


@dataclass
class DimensionNames:
    """Accept a dimension by id, short label or title, ignoring case."""

    framework: Framework
    lookup: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.lookup = {}
        for d in self.framework.dimensions:
            for name in (d.id, d.short, d.title):
                self.lookup[name.strip().casefold()] = d.id

    def parse(self, value: Any) -> str | None:
        if is_blank(value):
            return None
        if isinstance(value, str) and value.strip().casefold() in self.lookup:
            return self.lookup[value.strip().casefold()]
        ids = ", ".join(d.id for d in self.framework.dimensions)
        raise CellError(f"{show(value)} is not a dimension (allowed: {ids})")
