"""Maturity levels and the level band of a score (design §4, contract)."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: the command line reads levels before it needs pandas
    import pandas as pd

LEVELS: dict[int, str] = {
    0: "Not started",
    1: "Emerging",
    2: "Developing",
    3: "Established",
    4: "Embedded",
}
MAX_LEVEL = 4
NA = "n/a"
UNKNOWN = "unknown"

# What people write for "not applicable" and "we don't know", in any case: the labels the
# workbook, the form and the docs show, and the usual abbreviations.
NA_WORDS = frozenset({"n/a", "na", "n.a.", "not applicable"})
UNKNOWN_WORDS = frozenset(
    {"unknown", "don't know", "dont know", "do not know", "not known", "dk", "?"}
)
LEVEL_LABELS = "0-4 (or a level name such as Developing), N/A or Don't know"
_NAMES = {name.casefold(): n for n, name in LEVELS.items()}
_NUMBERED = re.compile(r"^([0-4])\s*(?:[-–:.)]\s*)?(.*)$")

# Lower bounds of each band, inclusive: [0, 0.5) Not started ... [3.5, 4] Embedded.
_BOUNDS = (0.5, 1.5, 2.5, 3.5)


def read_level(value: Any) -> int | str | None:
    """The canonical level of what someone wrote: 0-4, NA, UNKNOWN, or None when blank.

    Accepts the labels people see, in any case: "N/A", "Don't know", "Developing",
    "2 Developing", "2 - Developing", "2". Raises ValueError for anything else (a number out of
    range, a decimal, a number whose name disagrees such as "2 Embedded"), because guessing
    would put a wrong score in front of a board.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("yes/no is not a level")
    if isinstance(value, int):
        if 0 <= value <= MAX_LEVEL:
            return value
        raise ValueError("level out of range")
    if not isinstance(value, str):
        raise ValueError("not a level")
    word = " ".join(value.replace("\u2019", "'").strip().casefold().split())
    if not word:
        return None
    if word in NA_WORDS:
        return NA
    if word in UNKNOWN_WORDS:
        return UNKNOWN
    if word in _NAMES:
        return _NAMES[word]
    m = _NUMBERED.match(word)
    if m:
        number, name = int(m.group(1)), m.group(2).strip()
        if not name or _NAMES.get(name) == number:
            return number
    raise ValueError("not a level")


def band(score: float | None) -> str:
    """Name of the level band a 0-4 score falls in; "" when there is no score.

    Scores are rounded to 9 decimals first so that a mean which is 2.5 on paper but
    2.4999999999 in binary lands in the band a reader computing by hand would expect.
    """
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return ""
    s = round(float(score), 9)
    for level, bound in enumerate(_BOUNDS):
        if s < bound:
            return LEVELS[level]
    return LEVELS[MAX_LEVEL]


def band_index(score: float | None) -> int | None:
    """Band as a level number 0-4 (for colouring), None when there is no score."""
    name = band(score)
    if not name:
        return None
    return next(k for k, v in LEVELS.items() if v == name)


def bands(scores: pd.Series) -> pd.Series:
    """Vectorised `band` for a column of scores."""
    import numpy as np
    import pandas as pd

    s = scores.astype(float).round(9).to_numpy()
    idx = np.searchsorted(np.array(_BOUNDS), s, side="right")
    names = np.array([LEVELS[i] for i in range(MAX_LEVEL + 1)], dtype=object)
    out = np.where(np.isnan(s), "", names[np.clip(idx, 0, MAX_LEVEL)])
    return pd.Series(out, index=scores.index, dtype=object)


def percent(score: float) -> float:
    """Score on 0-4 as a percentage of the maximum."""
    return float(score) / MAX_LEVEL * 100.0
