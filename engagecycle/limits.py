"""The documented size limits, and the one rule for text, names and codes.

Every way in (assessment files, the workshop form, the Excel import, the command line) checks
the same limits, and they are the limits of the ways out: a text that an Excel cell cannot
hold, or a character a spreadsheet or web page cannot carry, is refused when it arrives,
rather than accepted and then stopping `engagecycle template` or a whole batch later.
The README's "Assessment files" section states these figures; keep the two in step.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# -- assessment files (checked before the YAML is parsed, or while its events are read)
MAX_FILE_BYTES = 8 * 2**20  # 8 MiB: the demo files are 6-8 KB; every text field full is ~5 MB
MAX_DEPTH = 32  # nested lists and mappings (an assessment needs 5)
MAX_NODES = 100_000  # values in one file (an assessment with every field filled has ~2,000)
MAX_NUMBER_CHARS = 100  # an unquoted number longer than this is refused, never converted

# -- text, names and codes (in files, the form and workbooks alike)
MAX_TEXT_CHARS = 32_767  # the most characters one Excel cell holds
MAX_NAME_CHARS = 200  # organisation names, peer groups, individual raters' names

# -- Excel workbooks given to `engagecycle import`
MAX_WORKBOOK_BYTES = 20 * 2**20  # the file as saved (a template is about 40 KB)
MAX_WORKBOOK_UNZIPPED_BYTES = 64 * 2**20  # all its parts unzipped (a template: about 180 KB)
MAX_WORKBOOK_ROWS = 5_000  # rows read per sheet (a template has under 200)
MAX_WORKBOOK_COLUMNS = 100  # columns read per sheet (a template has 15 plus one per rater)

ORG_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")  # always with fullmatch: `$` allows a final \n
CODE_ALLOWED = "1-32 letters, digits, '-' or '_'"

# Characters no spreadsheet cell (XML 1.0) can hold, and lone surrogates, which are not text
# at all (they cannot be written as UTF-8). Tab, line feed and carriage return are fine.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("[\t\n\r\x85\u2028\u2029]")


def _show_char(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def text_problem(value: str, *, limit: int = MAX_TEXT_CHARS) -> str | None:
    """Why `value` cannot be stored as text everywhere we write it, or None if it can."""
    if len(value) > limit:
        return (
            f"is {len(value):,} characters long; at most {limit:,} are allowed "
            "(the most an Excel cell holds)"
            if limit == MAX_TEXT_CHARS
            else f"is {len(value):,} characters long; at most {limit:,} are allowed"
        )
    m = _NOT_TEXT.search(value)
    if m:
        return (
            f"contains a control character ({_show_char(m.group())}, at character "
            f"{m.start() + 1:,}) that spreadsheets and reports cannot hold; remove it"
        )
    return None


def name_problem(value: Any) -> str | None:
    """The one rule for organisation names, peer groups and raters' names.

    Non-empty text on one line, at most MAX_NAME_CHARS characters, no control characters: a
    name becomes a heading, a file's label, a workbook cell and a line in the summary.
    """
    if not isinstance(value, str) or not value.strip():
        return "must be non-empty text"
    why = text_problem(value, limit=MAX_NAME_CHARS)
    if why:
        return why
    m = _LINE_BREAKS.search(value)
    if m:
        return f"must be on one line (it contains {_show_char(m.group())})"
    return None


def code_problem(value: Any) -> str | None:
    """The one rule for organisation codes (store, command line, workshop and workbook)."""
    if not isinstance(value, str):
        return 'must be text (put it in quotes, e.g. "007")'
    if not ORG_CODE.fullmatch(value):
        return f"must be {CODE_ALLOWED}"
    return None


def mib(n: int) -> str:
    """A byte limit as people read it: 4 MiB -> '4 MB'."""
    return f"{n / 2**20:g} MB"
