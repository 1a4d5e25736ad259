"""Dates as people in an NHS meeting room write and read them: "2 December 2026" (form, workbook).

A browser's own date picker shows dates in the browser's locale (12/02/2026 on a laptop set
to US English), which a UK room reads as 12 February. So the form shows and accepts dates as
text of our own: always written out in full, and typed in any common UK form. Month names
are our own list, not `strftime("%B")`, which follows the process locale.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUMBER = {m.lower(): n for n, m in enumerate(MONTHS, 1)}
_MONTH_NUMBER.update({m[:3].lower(): n for n, m in enumerate(MONTHS, 1)})
_MONTH_NUMBER["sept"] = 9
EXAMPLE = "2 December 2026"


def format_uk(value: date | None) -> str:
    """`2 December 2026`; "" for no date."""
    if value is None:
        return ""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def parse_uk(text: str | None) -> date | None:
    """Read a date typed the UK way; None for an empty box.

    Accepts "2 December 2026", "2 Dec 2026", "2nd December 2026", "2/12/2026", "2.12.26",
    "2-12-2026" (day first, as in the UK) and "2026-12-02". Raises ValueError with a message
    for the facilitator when the text is not a real date.
    """
    raw = (text or "").strip()
    if not raw:
        return None
    clean = raw.lower().replace(",", " ")
    try:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", clean)
        if m:
            return date(int(m[1]), int(m[2]), int(m[3]))
        m = re.fullmatch(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4}|\d{2})", clean)
        if m:
            return date(_year(m[3]), int(m[2]), int(m[1]))
        m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?\s+(\d{4}|\d{2})", clean)
        if m and m[2] in _MONTH_NUMBER:
            return date(_year(m[3]), _MONTH_NUMBER[m[2]], int(m[1]))
    except ValueError:
        raise ValueError(f"{raw!r} is not a real date; type it like {EXAMPLE}") from None
    raise ValueError(f"{raw!r} is not a date the form can read; type it like {EXAMPLE}")
