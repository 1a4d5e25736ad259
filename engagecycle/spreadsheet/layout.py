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
from ..dates import parse_uk
from ..framework import Framework
from ..levels import LEVELS, NA, NA_WORDS, UNKNOWN, UNKNOWN_WORDS, read_level
from ..limits import MAX_WORKBOOK_ROWS

FORMAT_VERSION = 2  # 2 added the assessment details, Agreed, Confirmed and live scores
READABLE_FORMATS = (1, 2)  # workbooks already sent out in format 1 still import

INSTRUCTIONS = "Instructions"
ITEMS = "Items"
DIMENSIONS = "Dimensions"
ACTIONS = "Actions"
SHEETS = (INSTRUCTIONS, ITEMS, DIMENSIONS, ACTIONS)
LISTS = "Lists"  # hidden: the words a Level cell may hold, for the live-score formulas
OPTIONAL_SHEETS = (LISTS,)

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
# The assessment's details, below the identity rows (format 2 on); the team fills them in.
DETAIL_LABELS: dict[str, str] = {
    "assessed_on": "Assessed on",
    "facilitator": "Facilitator",
    "participants": "Participants",
    "share_evidence": "Share evidence",
}
DETAIL_FIRST_ROW = max(INFO_ROWS.values()) + 1
DETAIL_ROWS: dict[str, int] = {key: DETAIL_FIRST_ROW + n for n, key in enumerate(DETAIL_LABELS)}
DETAIL_CHECK_COLUMN = 3  # C: the details' fingerprint (hidden), like a row check

# Items sheet headings. Rater columns sit between CARRIED and CHECK.
DIM_TITLE = "Dimension"
ITEM = "Item"
STATEMENT = "Statement"
HELP = "What to look for"
LEVEL = "Level"
EVIDENCE = "Evidence"
DISCUSS = "Discuss"
AGREED = "Agreed"
CARRIED = "Carried over"
CHECK = "Row check (do not change)"
# Formula columns after CHECK: the value the score uses, and hidden helpers for the live
# dimension scores on the Dimensions sheet (design §4 in spreadsheet formulas).
VALUE_USED = "Value used"
HELPERS = (
    "calc: code",
    "calc: value",
    "calc: answered",
    "calc: applicable",
    "calc: w*v",
    "calc: w",
)

# Dimensions sheet headings.
DIM_ID = "Id"
DIM_KIND = "Part"
DIM_PURPOSE = "Purpose"
TARGET = "Target level"
NOTES = "Notes"
CONFIRMED = "Confirmed"
SCORE_NOW = "Score now"
LEVEL_NOW = "Level now"
ANSWERED_NOW = "Answered now"
LOW_NOW = "Low evidence"
LIVE = (SCORE_NOW, LEVEL_NOW, ANSWERED_NOW, LOW_NOW)

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
DATE_ALLOWED = "a date such as 30 June 2025, 30/06/2025 or 2025-06-30"
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
    agreed: str | None = None

    def check(self) -> str:
        parts = [
            "item",
            self.item,
            self.level,
            sorted(self.raters),
            self.evidence,
            self.flag,
            self.carried,
        ]
        if self.agreed is not None:  # format 1 had no Agreed: its fingerprints still match
            parts.append(self.agreed)
        return check_code(*parts)


@dataclass(frozen=True)
class Details:
    """The assessment's details on the Instructions sheet (None means a blank cell)."""

    assessed_on: date | None = None
    facilitator: str | None = None
    participants: tuple[str, ...] | None = None
    share_evidence: bool | None = None

    def check(self) -> str:
        on = self.assessed_on.isoformat() if self.assessed_on else None
        people = list(self.participants) if self.participants is not None else None
        return check_code("details", on, self.facilitator, people, self.share_evidence)


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
        agreed=normalise_newlines(response.agreed) or None,
    )


def details_of(assessment: Any) -> Details:
    """The details an assessment records, as the workbook shows them."""
    return Details(
        assessed_on=assessment.assessed_on,
        facilitator=normalise_newlines(assessment.facilitator) or None,
        participants=tuple(assessment.participants) or None,
        share_evidence=assessment.share_evidence,
    )


def participants_cell(people: tuple[str, ...] | None) -> str | None:
    """One participant per line: roles often contain commas."""
    return "\n".join(people) if people else None


def parse_participants(value: Any) -> tuple[str, ...] | None:
    """Participants typed one per line, or separated by semicolons; None when blank."""
    text = parse_text(value)
    if text is None:
        return None
    people = [p.strip() for line in text.split("\n") for p in line.split(";")]
    return tuple(p for p in people if p) or None


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
            if re.fullmatch(r"\d{4}-\d\d-\d\d[ T]00:00(:00)?", text):
                return date.fromisoformat(text[:10])
            return parse_uk(text)  # the forms a UK team types: 4 March 2026, 4/3/2026, ...
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


# ----------------------------------------------------------------- words a Level cell may hold

LIST_NA, LIST_UNKNOWN = "na", "dk"  # codes on the Lists sheet (levels are the numbers 0-4)


def level_words() -> list[tuple[str, int | str]]:
    """Every way of writing a level the import accepts, lower-cased, with what it means.

    The Lists sheet holds these so the live-score formulas read a Level cell exactly as
    `parse_level` does (after Excel's TRIM and LOWER). Built from candidates filtered through
    `read_level` itself, so the two cannot disagree.
    """
    out: dict[str, int | str] = {}
    for word in sorted(NA_WORDS):
        out[word] = LIST_NA
    for word in sorted(UNKNOWN_WORDS):
        out[word] = LIST_UNKNOWN
        if "'" in word:
            out[word.replace("'", "\u2019")] = LIST_UNKNOWN
    for n, name in LEVELS.items():
        name = name.casefold()
        out[str(n)] = n
        out[name] = n
        for sep in ("", "-", "\u2013", ":", ".", ")"):
            for a in ("", " "):
                for b in ("", " ") if sep else ("",):
                    for tail in (name, ""):
                        word = " ".join(f"{n}{a}{sep}{b}{tail}".split())
                        try:
                            if read_level(word) == n:
                                out[word] = n
                        except ValueError:
                            pass
    return list(out.items())
