"""The benchmarking rules (design §5, docs/scoring.md §6-8): every threshold, named once.

Every page, the summary files and the charts read these names, and every sentence that
quotes a threshold (the method notes, chart legends) formats it from here, so a rule changes
in one edit. The scoring thresholds (low evidence, the spread that asks for a discussion)
are scoring rules and live in `scoring`.

This module imports nothing but the standard library: the command line reads `MIN_PEERS`
for its `--help` without loading pandas.
"""

from __future__ import annotations

import math

# Peers: figures about other organisations are shown only when at least this many have a
# score on the row (privacy, and too few to read anything into).
MIN_PEERS = 5
# Percentile rank from which an organisation is in each quarter of its peers.
QUARTER_FROM = {"top": 75.0, "second": 50.0, "third": 25.0}
BOTTOM = "bottom"

# Year on year: a change of at least REAL_CHANGE either way is real (within TOLERANCE, so a
# change that is exactly a quarter of a level on paper is not lost to binary rounding).
REAL_CHANGE = 0.25
TOLERANCE = 1e-9
# A change is claimed only when it rests on at least CHANGE_MIN_ITEMS like-for-like items
# making up at least CHANGE_MIN_SHARE of this year's applicable items (a dimension and the
# hub, cycle and overall rows alike); otherwise the direction is NOT_ENOUGH.
CHANGE_MIN_ITEMS = 2
CHANGE_MIN_SHARE = 0.5
IMPROVED, DECLINED, NO_REAL_CHANGE = "improved", "declined", "no real change"
CHANGES = (IMPROVED, DECLINED, NO_REAL_CHANGE)  # the directions that are a finding
NOT_ENOUGH = "not enough comparable answers"

# The headline warns when at least this share of the answers were copied from the year
# before and not yet confirmed.
UNCONFIRMED_WARN_SHARE = 0.1
# Strengths: a dimension at this score or above ("Established") with enough evidence.
STRENGTH_FROM = 2.5
# The baton: a hand-over item answered below this ("Developing") has dropped the baton.
DROPPED_BELOW = 2.0


def quartile_band(pct: float | None) -> str:
    """'top', 'second', 'third' or 'bottom' quarter of peers; '' when there is no percentile."""
    if pct is None or (isinstance(pct, float) and math.isnan(pct)):
        return ""
    for band, start in QUARTER_FROM.items():
        if pct >= start:
            return band
    return BOTTOM


def direction(change: float) -> str:
    """improved, declined or no real change; '' for a missing change."""
    if math.isnan(change):
        return ""
    if change >= REAL_CHANGE - TOLERANCE:
        return IMPROVED
    if change <= -REAL_CHANGE + TOLERANCE:
        return DECLINED
    return NO_REAL_CHANGE


def is_change(value: object) -> bool:
    """Is this year-on-year direction a finding (improved, declined, no real change)?"""
    return value in CHANGES


def enough_to_compare(n: int, applicable: int) -> bool:
    """Do `n` like-for-like items out of `applicable` support calling a change a change?"""
    return (
        applicable > 0 and n >= CHANGE_MIN_ITEMS and n / applicable >= CHANGE_MIN_SHARE - TOLERANCE
    )


def format_change(change: float) -> str:
    """A change on the 0-4 scale for reading: one decimal with a true minus sign.

    Two decimals when one would misstate the REAL_CHANGE threshold (an exact +0.25 is a
    real change, but rounds to "+0.2", which a reader would take for no real change).
    """
    v = float(change)
    digits = 1
    if (abs(round(v, 1)) >= REAL_CHANGE) != (abs(v) >= REAL_CHANGE - TOLERANCE):
        digits = 2
    r = round(v, digits)
    if r == 0:
        return f"{0:.{digits}f}"
    return f"+{r:.{digits}f}" if r > 0 else f"−{abs(r):.{digits}f}"
