"""The HTML toolkit every page is built with: escaping, numbers, badges, cards, charts.

One place for each way a value becomes HTML, so a score, a missing figure or a level looks
the same on a report, the overview, a dimension page and the batch index, and every piece of
user text is escaped by the same function (`esc`). Pure: values in, HTML strings out.
"""

from __future__ import annotations

from html import escape
from typing import Any

import pandas as pd

from ...benchmark.rules import format_change
from ...levels import LEVELS, band_index


class Html:
    """A piece of HTML a notebook cell displays (without importing IPython.display).

    `metadata` travels with the output into the executed notebook: the exporter reads the
    page title and footer from the first output that carries them, so it never has to reload
    the data to name the page.
    """

    def __init__(self, html: str, metadata: dict[str, str] | None = None):
        self.html = html
        self.metadata = metadata or {}

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        return {"text/html": self.html}, ({"engagecycle": self.metadata} if self.metadata else {})

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def esc(value: Any) -> str:
    """Any value as HTML text or a quoted attribute value; None as ''."""
    return escape("" if value is None else str(value), quote=True)


def missing(x: Any) -> bool:
    """None, NaN and pandas NA: a figure that is not there."""
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def num(x: Any, digits: int = 1) -> str:
    """A score for reading ('2.3'); a dash when there is none."""
    return "–" if missing(x) else f"{float(x):.{digits}f}"


def pct(x: Any) -> str:
    """A share as a whole percentage ('75%'); a dash when there is none."""
    return "–" if missing(x) else f"{float(x) * 100:.0f}%"


def signed(x: Any) -> str:
    """A change with its sign ('+0.3', '−0.25'); a dash when there is none."""
    return "–" if missing(x) else format_change(float(x))


def level_badge(score: Any, low_evidence: bool = False) -> str:
    """The level a score falls in as a coloured badge ('3 Established'), starred on low evidence."""
    idx = None if missing(score) else band_index(float(score))
    if idx is None:
        return '<span class="level level-none">No score</span>'
    star = " *" if low_evidence else ""
    return f'<span class="level level-{idx}">{idx} {esc(LEVELS[idx])}{star}</span>'


def score_badge(score: Any, level: str | None) -> str:
    """A score and its level name in the level's colour ('2.3 Developing')."""
    if missing(score) or level in (None, ""):
        return '<span class="level level-none">No score</span>'
    idx = band_index(float(score))
    return f'<span class="level level-{idx}">{esc(f"{float(score):.1f}")} {esc(level)}</span>'


def kpi_card(label: str, value: str, sub: str) -> str:
    """One headline figure with its label and a line under it (arguments are HTML)."""
    return (
        f'<div class="kpi"><p class="label">{label}</p><p class="value">{value}</p>'
        f'<p class="sub">{sub}</p></div>'
    )


def cap_first(text: str) -> str:
    """Capitalise the first visible letter of HTML, skipping any leading tags."""
    i = 0
    while i < len(text) and text[i] == "<":
        i = text.find(">", i) + 1
    return text[:i] + text[i : i + 1].upper() + text[i + 1 :]


def figure_html(fig: Any, caption: str = "") -> str:
    """A chart as an embedded PNG with its alt text; the figure is closed afterwards."""
    from ...charts.style import figure_title, figure_to_data_uri

    title = figure_title(fig)
    uri = figure_to_data_uri(fig)
    alt = getattr(fig, "alt_text", "") or caption or "Chart"
    if title and not alt.startswith(title):
        alt = f"{title}. {alt}"  # the finding first, as a sighted reader gets it
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure class="chart"><img src="{uri}" alt="{esc(alt)}">{cap}</figure>'
