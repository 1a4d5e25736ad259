"""The rating guide's words as the form and the workbook show them (docs/rating-guide.md).

Version 2 of the question bank is rated by one rule; the room needs it in front of it, not in
a document nobody opens. Both the workshop form and the workbook's Instructions sheet show
the short version below, and point to the glossary the framework file carries. Kept in one
module so the two can never word the rule differently. Version 1 banks have no such rule
(`has_guide` is False) and are shown as before.
"""

from __future__ import annotations

import re
from html import escape

from .framework import Framework

# The one rule, short (our own words; the full guide is docs/rating-guide.md).
RULE = (
    "Rate what is done and can be shown: a written plan or promise on its own is at most level 1."
)
POINTS = (
    (
        "Count",
        "Each item says what to count. Find the share of those cases where it happened "
        "in the last 12 months, and pick the level that share reaches.",
    ),
    ("Two levels true?", "Take the higher."),
    ("Level 4", "Every case, and a record of the effect the item names."),
    ("Don't know", "Nobody present can say. It counts as not answered."),
    ("N/A", "Only where the activity cannot apply here. Something you could do but do not is 0."),
)


def has_guide(framework: Framework) -> bool:
    """Does this version come with the one rule, counts and evidence (format 2 on)?"""
    return framework.scale is not None


def afresh_label(version: int | None) -> str:
    """What an item still to rate afresh is called everywhere it is shown."""
    return f"New or changed in version {version}: rate afresh"


def glossary_terms(framework: Framework) -> list[tuple[str, str]]:
    """The glossary as (term, meaning), in the file's order."""
    return list(framework.glossary.items())


def mark_terms(text: str, framework: Framework) -> str:
    """`text` escaped for HTML, each glossary term's first use marked with its meaning.

    An `<abbr title>` shows the meaning on hover or long press, and a dotted underline tells
    the room the word is explained in the glossary. Longer terms win where two overlap
    ("Patient experience data" over "Engagement").
    """
    if not framework.glossary or not text:
        return escape(text)
    spans: list[tuple[int, int, str]] = []
    for term in sorted(framework.glossary, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.IGNORECASE)
        m = pattern.search(text)
        if m and not any(a < m.end() and m.start() < b for a, b, _ in spans):
            spans.append((m.start(), m.end(), framework.glossary[term]))
    out, at = [], 0
    for start, end, meaning in sorted(spans):
        out.append(escape(text[at:start]))
        out.append(
            f'<abbr class="ec-term" title="{escape(meaning)}">{escape(text[start:end])}</abbr>'
        )
        at = end
    out.append(escape(text[at:]))
    return "".join(out)
