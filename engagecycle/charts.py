"""Charts for the reports: pure functions that take score tables and return Figures.

Why this shape:
- Every function builds a `matplotlib.figure.Figure` directly and never touches pyplot, so a
  report kernel that is reused between organisations cannot leak figures or state from one
  report into the next, and nothing here does I/O (the caller decides where a chart goes).
- Readers include lay board members, people with colour-vision deficiency and people reading a
  greyscale print. So maturity levels use one sequential hue (pale grey to NHS Dark Blue) whose
  luminance falls strictly with the level, every coloured shape also carries its level in words,
  missing scores and low evidence are shown by pattern and outline as well as colour, and each
  figure states its finding in the title and carries plain-English alt text (`fig.alt_text`).
- Fonts are chosen from what is installed (Arial, Helvetica, Liberation Sans, DejaVu Sans):
  nothing is fetched and no missing-font warnings are logged.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib import patheffects as pe
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyBboxPatch, Patch, Polygon, Wedge
from matplotlib.transforms import offset_copy

from .benchmark.rules import DROPPED_BELOW, format_change
from .framework import STAGE_IDS, Framework
from .levels import LEVELS, MAX_LEVEL, band, band_index

# --- palette --------------------------------------------------------------------------------

# One hue, pale to dark; NHS identity colours from Pale Grey to Dark Blue.
LEVEL_COLOURS: dict[int, str] = {
    0: "#E8EDEE",  # Pale Grey
    1: "#41B6E6",  # Light Blue
    2: "#0072CE",  # Bright Blue
    3: "#005EB8",  # NHS Blue
    4: "#003087",  # Dark Blue
}
TEXT_DARK = "#212B32"  # near-black used for body text on NHS sites
TEXT_LIGHT = "#FFFFFF"
DARK_GREY = "#425563"
MID_GREY = "#768692"
PALE_GREY = "#E8EDEE"
WARM_YELLOW = "#FFB81C"
MISSING_FACE = "#FFFFFF"
MISSING_HATCH = "///"
LOW_EVIDENCE_HATCH = "\\\\"

FONT_PREFERENCE = ("Arial", "Helvetica", "Liberation Sans", "DejaVu Sans")
BASE_PT = 10.0
SMALL_PT = 9.0  # the smallest text on any chart
TITLE_PT = 14.0

DEFAULT_STAGE_NAMES: dict[str, str] = {
    "identify": "Identify needs",
    "develop": "Develop plans",
    "improve": "Improve care",
    "procure": "Procure",
    "monitor": "Monitor",
}


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a colour (0 black to 1 white)."""
    r, g, b = mpl.colors.to_rgb(colour)

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour(fill: str) -> str:
    """Dark or white text, whichever contrasts more with `fill` (so AA holds on every level)."""
    light, dark = contrast_ratio(fill, TEXT_LIGHT), contrast_ratio(fill, TEXT_DARK)
    return TEXT_LIGHT if light > dark else TEXT_DARK


def level_colour(level: int | None) -> str:
    """Fill colour of a level number; white (drawn hatched by callers) when there is none."""
    if level is None:
        return MISSING_FACE
    return LEVEL_COLOURS[int(level)]


def score_colour(score: float | None) -> str:
    """Fill colour of a 0-4 score, by the level band it falls in."""
    return level_colour(band_index(_num(score)))


def _num(x: object) -> float | None:
    """A float, or None for NaN / None / pandas NA (charts treat all of these as missing)."""
    if x is None or x is pd.NA:
        return None
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _flag(x: object) -> bool:
    return bool(x) if x is not None and x is not pd.NA and not _isnan(x) else False


def _isnan(x: object) -> bool:
    return isinstance(x, float) and math.isnan(x)


# --- fonts and figure scaffolding -------------------------------------------------------------


@lru_cache(maxsize=1)
def font_family() -> tuple[str, ...]:
    """Preferred sans-serif families that are installed, best first (never fetched)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    found = tuple(f for f in FONT_PREFERENCE if f in installed)
    return found or ("DejaVu Sans",)


@contextmanager
def _style():
    """Local rc settings while a chart is built; rc_context restores the globals on exit."""
    with mpl.rc_context(
        {
            "font.family": list(font_family()),
            "font.size": BASE_PT,
            "axes.titlesize": BASE_PT,
            "axes.labelsize": BASE_PT,
            "xtick.labelsize": SMALL_PT,
            "ytick.labelsize": SMALL_PT,
            "legend.fontsize": SMALL_PT,
            "hatch.linewidth": 0.8,
            "axes.edgecolor": MID_GREY,
            "axes.labelcolor": TEXT_DARK,
            "xtick.color": DARK_GREY,
            "ytick.color": DARK_GREY,
            "text.color": TEXT_DARK,
            "svg.fonttype": "none",
        }
    ):
        yield


def _new_figure(width: float, height: float) -> Figure:
    """A Figure that belongs to no pyplot manager (so it can never leak between reports)."""
    fig = Figure(figsize=(width, height), dpi=100, facecolor="white")
    fig.alt_text = ""  # type: ignore[attr-defined]
    return fig


def _ticks(ax: Axes) -> None:
    """Fix tick fonts on the Axes: ticks are created lazily at draw time, outside _style()."""
    ax.tick_params(labelfontfamily=list(font_family()), labelsize=SMALL_PT, colors=DARK_GREY)


def _title(fig: Figure, title: str, subtitle: str | None = None) -> None:
    fig.suptitle(title, x=0.03, y=0.975, ha="left", va="top", fontsize=TITLE_PT, fontweight="bold")
    if subtitle:
        fig.text(
            0.03,
            0.975 - 0.34 / fig.get_figheight(),
            "\n".join(textwrap.wrap(subtitle, int(fig.get_figwidth() * 13))),
            ha="left",
            va="top",
            fontsize=BASE_PT,
            color=DARK_GREY,
            linespacing=1.3,
        )


def figure_title(fig: Figure) -> str:
    """The finding a chart states in its title ('' if none)."""
    return fig.get_suptitle()


def _finish(fig: Figure, alt: str) -> Figure:
    fig.alt_text = " ".join(alt.split())  # type: ignore[attr-defined]
    return fig


def _fmt(score: float | None) -> str:
    return "no score" if score is None else f"{score:.1f}"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _join(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


# --- shared legend ----------------------------------------------------------------------------


def level_legend_handles(
    level_names: dict[int, str] | None = None,
    missing: bool = True,
    low_evidence: bool = True,
) -> list[Patch]:
    """Legend patches for the five levels, plus 'no score' and 'low evidence' when asked.

    The patterns match how the charts draw them, so the legend explains both the colour and
    the hatching (which is what survives a greyscale print).
    """
    names = level_names or LEVELS
    handles = [
        Patch(
            facecolor=LEVEL_COLOURS[k],
            edgecolor=DARK_GREY,
            linewidth=0.6,
            label=f"{k} {names.get(k, LEVELS[k])}",
        )
        for k in range(MAX_LEVEL + 1)
    ]
    if missing:
        handles.append(
            Patch(
                facecolor=MISSING_FACE,
                edgecolor=MID_GREY,
                hatch=MISSING_HATCH,
                linewidth=0.6,
                label="No score",
            )
        )
    if low_evidence:
        handles.append(
            Patch(
                facecolor=LEVEL_COLOURS[1],
                edgecolor=TEXT_DARK,
                hatchcolor=TEXT_DARK,
                hatch=LOW_EVIDENCE_HATCH,
                linestyle="--",
                linewidth=1.0,
                label="Low evidence (under half the items answered)",
            )
        )
    return handles


def _legend(fig: Figure, handles: list, ncols: int, y: float = 0.015, **kw) -> None:
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, y),
        ncols=ncols,
        frameon=False,
        fontsize=SMALL_PT,
        handlelength=1.8,
        handleheight=1.2,
        columnspacing=1.4,
        **kw,
    )


def _mark_shape(ax: Axes, make, fill: str, low: bool, missing: bool, z: float = 2) -> None:
    """Draw a shape (made by `make(**style)`) with its fill, hatch for missing, and the
    low-evidence overlay (hatching in the text colour plus a dashed outline)."""
    if missing:
        ax.add_patch(make(facecolor=MISSING_FACE, edgecolor="none", zorder=z))
        ax.add_patch(
            make(
                facecolor="none",
                edgecolor="none",
                hatch=MISSING_HATCH,
                hatchcolor=MID_GREY,
                zorder=z + 0.1,
            )
        )
        ax.add_patch(make(facecolor="none", edgecolor=MID_GREY, linewidth=1.0, zorder=z + 0.2))
        return
    ax.add_patch(make(facecolor=fill, edgecolor="white", linewidth=2.0, zorder=z))
    if low:
        ink = text_colour(fill)
        ax.add_patch(
            make(
                facecolor="none",
                edgecolor="none",
                hatch=LOW_EVIDENCE_HATCH,
                hatchcolor=ink,
                zorder=z + 0.1,
                alpha=0.55,
            )
        )
        ax.add_patch(
            make(
                facecolor="none",
                edgecolor=ink,
                linewidth=1.3,
                linestyle=(0, (4, 2)),
                zorder=z + 0.2,
            )
        )


def _label_box(fill: str) -> dict:
    """A tight box in the fill colour behind a label, so hatching never runs through text."""
    return {"boxstyle": "round,pad=0.18", "facecolor": fill, "edgecolor": "none"}


# --- input checks ---------------------------------------------------------------------------


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{what}: the table is missing column(s) {', '.join(missing)}; "
            f"it has {', '.join(map(str, df.columns)) or 'no columns'}"
        )


def _one_per_dimension(df: pd.DataFrame, framework: Framework, what: str) -> dict[str, dict]:
    """Rows keyed by dimension id; rows for hub/cycle/overall aggregates are ignored."""
    rows = df[df["dimension"].isin(list(framework.by_id))]
    dup = rows["dimension"][rows["dimension"].duplicated()].unique().tolist()
    if dup:
        raise ValueError(
            f"{what}: dimension(s) {', '.join(dup)} appear more than once; pass the rows of one "
            "organisation and one period"
        )
    return {r["dimension"]: r for r in rows.to_dict("records")}


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


# --- 1. cycle wheel -------------------------------------------------------------------------

_HUB_IN, _HUB_OUT = 0.20, 0.63
_STAGE_IN, _STAGE_OUT = 0.69, 1.06
_STAGE_GAP = 3.0  # degrees between stage segments
_CHEVRON = 7.0  # degrees the arrow point sticks out


def _polar(r: float, deg: float) -> tuple[float, float]:
    t = math.radians(deg)
    return r * math.cos(t), r * math.sin(t)


def _chevron(i: int, n: int) -> np.ndarray:
    """Outline of stage i of n as an arrow-shaped ring segment, clockwise from the top.

    The leading (clockwise) end comes to a point and the trailing end is notched, so the
    ring reads as a cycle even without the caption.
    """
    span = 360.0 / n
    a = 90.0 - span * i - _STAGE_GAP / 2  # trailing edge angle
    b = 90.0 - span * (i + 1) + _STAGE_GAP / 2  # leading edge angle
    mid = (_STAGE_IN + _STAGE_OUT) / 2
    outer = [_polar(_STAGE_OUT, t) for t in np.linspace(a, b, 60)]
    inner = [_polar(_STAGE_IN, t) for t in np.linspace(b, a, 60)]
    pts = outer + [_polar(mid, b - _CHEVRON)] + inner + [_polar(mid, a - _CHEVRON)]
    return np.array(pts)


def _short(framework: Framework, dim_id: str) -> str:
    return _cap(framework.dimension(dim_id).short)


def _extremes(scored: dict[str, float], names: dict[str, str]) -> tuple[list[str], list[str]]:
    """Names of the lowest and highest scoring dimensions (ties at one decimal kept)."""
    if not scored:
        return [], []
    rounded = {k: round(v, 1) for k, v in scored.items()}
    lo, hi = min(rounded.values()), max(rounded.values())
    return (
        [names[k] for k, v in rounded.items() if v == lo],
        [names[k] for k, v in rounded.items() if v == hi],
    )


def cycle_wheel(dims: pd.DataFrame, framework: Framework, title: str | None = None) -> Figure:
    """The hub's ten elements as an inner ring and the five stages as an outer arrow ring.

    `dims` has one row per dimension (score-table columns; at least dimension, score,
    low_evidence). Rows for hub/cycle/overall aggregates are ignored; the hub score in the
    centre is the mean of the hub element scores present, as in the scoring contract.
    """
    _require(dims, ["dimension", "score", "low_evidence"], "cycle_wheel")
    rows = _one_per_dimension(dims, framework, "cycle_wheel")
    score = {d.id: _num(rows.get(d.id, {}).get("score")) for d in framework.dimensions}
    low = {d.id: _flag(rows.get(d.id, {}).get("low_evidence")) for d in framework.dimensions}
    hub, stages = framework.hub, framework.stages
    stage_by_id = {d.id: d for d in stages}
    stage_order = [stage_by_id[s] for s in STAGE_IDS if s in stage_by_id]
    names = {d.id: _short(framework, d.id) for d in framework.dimensions}
    level_names = framework.levels or LEVELS

    with _style():
        fig = _new_figure(7.0, 7.4)
        ax = fig.add_axes((0.03, 0.125, 0.94, 0.77))
        ax.set_aspect("equal")
        ax.set_xlim(-1.1, 1.1)
        ax.set_ylim(-1.1, 1.1)
        ax.axis("off")

        # Hub ring: ten wedges clockwise from the top.
        n_hub = len(hub)
        for j, d in enumerate(hub):
            t2 = 90.0 - 360.0 / n_hub * j
            t1 = t2 - 360.0 / n_hub
            s = score[d.id]
            fill = score_colour(s)

            def make(t1=t1, t2=t2, **kw):
                return Wedge((0, 0), _HUB_OUT, t1, t2, width=_HUB_OUT - _HUB_IN, **kw)

            _mark_shape(ax, make, fill, low[d.id], s is None)
            x, y = _polar((_HUB_IN + _HUB_OUT) / 2 + 0.01, (t1 + t2) / 2)
            label = "\n".join(textwrap.wrap(names[d.id], 9, break_long_words=False))
            ink = TEXT_DARK if s is None else text_colour(fill)
            ax.text(
                x,
                y,
                f"{label}\n{_fmt(s)}" if s is not None else f"{label}\nno score",
                ha="center",
                va="center",
                fontsize=SMALL_PT,
                color=ink,
                linespacing=1.05,
                zorder=5,
                bbox=_label_box(fill) if (low[d.id] or s is None) else None,
            )

        # Centre: the hub as a whole.
        hub_score = _mean(score[d.id] for d in hub)
        ax.add_patch(
            Circle(
                (0, 0),
                _HUB_IN - 0.01,
                facecolor="white",
                edgecolor=MID_GREY,
                linewidth=1.0,
                zorder=3,
            )
        )
        ax.text(
            0,
            0.035,
            "Hub",
            ha="center",
            va="center",
            fontsize=BASE_PT + 1,
            fontweight="bold",
            zorder=5,
        )
        ax.text(0, -0.06, _fmt(hub_score), ha="center", va="center", fontsize=BASE_PT, zorder=5)

        # Stage ring: arrow-shaped segments in cycle order, clockwise from the top.
        n_st = len(stage_order)
        for i, d in enumerate(stage_order):
            s = score[d.id]
            fill = score_colour(s)
            pts = _chevron(i, n_st)

            def make(pts=pts, **kw):
                return Polygon(pts, closed=True, **kw)

            _mark_shape(ax, make, fill, low[d.id], s is None)
            mid_angle = 90.0 - 360.0 / n_st * (i + 0.5) - _CHEVRON / 2
            x, y = _polar((_STAGE_IN + _STAGE_OUT) / 2, mid_angle)
            if s is None:
                detail = "no score"
            else:
                detail = f"{s:.1f}\n{level_names.get(band_index(s), band(s))}"
                if low[d.id]:
                    detail += "\nlow evidence"
            ink = TEXT_DARK if s is None else text_colour(fill)
            box = _label_box(fill) if (low[d.id] or s is None) else None
            name = "\n".join(textwrap.wrap(f"{i + 1}. {names[d.id]}", 12, break_long_words=False))
            # Name (bold) above the centre point, score and level below it.
            ax.annotate(
                name,
                (x, y),
                xytext=(0, 1.5),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=BASE_PT,
                fontweight="bold",
                color=ink,
                zorder=5,
                linespacing=1.05,
                bbox=box,
            )
            ax.annotate(
                detail,
                (x, y),
                xytext=(0, -1.5),
                textcoords="offset points",
                ha="center",
                va="top",
                fontsize=BASE_PT,
                color=ink,
                zorder=5,
                linespacing=1.1,
                bbox=box,
            )

        # Finding.
        stage_scores = {d.id: score[d.id] for d in stage_order if score[d.id] is not None}
        hub_scores = {d.id: score[d.id] for d in hub if score[d.id] is not None}
        st_lo, st_hi = _extremes(stage_scores, names)
        hub_lo, hub_hi = _extremes(hub_scores, names)
        missing = [names[d.id] for d in framework.dimensions if score[d.id] is None]
        lows = [names[d.id] for d in framework.dimensions if low[d.id] and score[d.id] is not None]

        if title is None:
            if not stage_scores and not hub_scores:
                title = "No scores yet: nothing has been answered"
            elif not stage_scores:
                title = "None of the five stages has a score yet"
            elif len(stage_scores) == 1:
                title = f"{st_lo[0]} is the only stage with a score"
            elif len(st_lo) == len(stage_scores):
                title = "All the scored stages are level with each other"
            elif len(st_lo) == 1:
                title = f"{st_lo[0]} is the weakest stage"
            else:
                title = f"{_join(st_lo)} are the weakest stages"
        sub = []
        if hub_scores:
            if len(hub_scores) > 1 and len(hub_lo) < len(hub_scores):
                sub.append(f"Weakest hub element: {_join(hub_lo)} ({min(hub_scores.values()):.1f})")
            sub.append(f"hub average {hub_score:.1f}" if sub else f"Hub average {hub_score:.1f}")
        _title(fig, title, "; ".join(sub) + "." if sub else None)

        fig.text(
            0.5,
            0.103,
            "Inner ring: the ten hub elements.  Outer ring: the five stages, "
            "read clockwise from the top.",
            ha="center",
            va="center",
            fontsize=SMALL_PT,
            color=DARK_GREY,
        )
        _legend(fig, level_legend_handles(level_names), ncols=4)

    alt = ["Engagement Cycle wheel: each hub element and stage coloured by its maturity level."]
    if stage_scores:
        lo_v, hi_v = min(stage_scores.values()), max(stage_scores.values())
        alt.append(
            f"The stages with a score range from {lo_v:.1f} ({_join(st_lo)}) to "
            f"{hi_v:.1f} ({_join(st_hi)}) on a 0 to 4 scale."
        )
    if hub_scores:
        lo_v, hi_v = min(hub_scores.values()), max(hub_scores.values())
        alt.append(
            f"The hub elements range from {lo_v:.1f} ({_join(hub_lo)}) to {hi_v:.1f} "
            f"({_join(hub_hi)}), an average of {hub_score:.1f}."
        )
    if missing:
        alt.append(f"{_plural(len(missing), 'dimension')} without a score: {_join(missing)}.")
    if lows:
        alt.append(f"Low evidence (under half the items answered) for {_join(lows)}.")
    if not stage_scores and not hub_scores:
        alt.append("No dimension has a score yet.")
    return _finish(fig, " ".join(alt))


# --- 2. peer spread -------------------------------------------------------------------------

PEER_COLUMNS = (
    "dimension",
    "score",
    "target",
    "peer_min",
    "peer_q1",
    "peer_median",
    "peer_q3",
    "peer_max",
    "shown",
    "low_evidence",
)
_OWN = "#003087"
_BOX = "#C5D3E0"
_RANGE = MID_GREY


def _x_levels(ax: Axes, level_names: dict[int, str]) -> None:
    """x axis 0-4 with level names, and the level bands shaded lightly so a marker's band
    can be read without counting grid lines."""
    ax.set_xlim(-0.15, MAX_LEVEL + 0.15)
    ax.set_xticks(range(MAX_LEVEL + 1))
    ax.set_xticklabels([f"{k}\n{level_names.get(k, LEVELS[k])}" for k in range(MAX_LEVEL + 1)])
    for lo in (0.5, 2.5):
        ax.axvspan(lo, lo + 1, color="#F3F6F7", zorder=0, linewidth=0)


GRID = "#D5DDE0"


def dimension_rows_frame(
    ax: Axes,
    ypos: dict[str, float],
    labels: list[str],
    headings: list[tuple[float, str]],
    *,
    y_max: float,
    level_names: dict[int, str],
    xlabel: str,
    column_title: str,
    heading_x: float,
) -> None:
    """The frame of a one-row-per-dimension chart on the 0-4 scale, drawn one way everywhere.

    Used by the peer spread here and the system distribution in `charts_system`: level names
    on the x axis, dimension names as row labels, group headings ("Hub elements", "The five
    stages") with a rule under each, and a bold title over the right-hand number column.
    """
    _ticks(ax)
    _x_levels(ax, level_names)
    ax.set_ylim(y_max - 0.4, -0.6)
    ax.set_yticks(list(ypos.values()))
    ax.set_yticklabels(labels)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(xlabel, fontsize=BASE_PT)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.xaxis.grid(True, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.text(
        1.02,
        -0.6,
        column_title,
        transform=ax.get_yaxis_transform(),
        ha="left",
        va="bottom",
        fontsize=SMALL_PT,
        fontweight="bold",
        color=DARK_GREY,
    )
    for hy, heading in headings:
        ax.text(
            heading_x,
            hy,
            heading,
            transform=ax.get_yaxis_transform(),
            ha="left",
            va="center",
            fontsize=BASE_PT,
            fontweight="bold",
            color=TEXT_DARK,
        )
        ax.axhline(hy + 0.45, color=GRID, linewidth=0.6, zorder=0)


def peer_spread(peer: pd.DataFrame, framework: Framework) -> Figure:
    """Own score against the spread of peers, one row per dimension (hub, then stages).

    Where `shown` is False (too few peers for privacy) only the own score is drawn.
    """
    _require(peer, PEER_COLUMNS, "peer_spread")
    rows = _one_per_dimension(peer, framework, "peer_spread")
    names = {d.id: _short(framework, d.id) for d in framework.dimensions}
    level_names = framework.levels or LEVELS
    groups = [("Hub elements", framework.hub), ("The five stages", framework.stages)]

    # y layout, top to bottom: a heading line then the group's rows.
    ypos: dict[str, float] = {}
    headings: list[tuple[float, str]] = []
    y = 0.0
    for heading, members in groups:
        headings.append((y, heading))
        y += 1.0
        for d in members:
            ypos[d.id] = y
            y += 1.0
        y += 0.4
    y_max = y - 0.4

    with _style():
        height = round(1.75 + 0.3 * y_max, 1)
        fig = _new_figure(7.0, height)
        top = 1 - 0.82 / height
        bottom = 1.2 / height
        ax = fig.add_axes((0.245, bottom, 0.53, top - bottom))
        dimension_rows_frame(
            ax,
            ypos,
            [names[d] for d in ypos],
            headings,
            y_max=y_max,
            level_names=level_names,
            xlabel="Maturity level (0 to 4)",
            column_title="Our score",
            heading_x=-0.42,
        )
        # Right-hand column: our score in numbers, with any caveat in words.
        note_x = 1.02

        compared: list[tuple[str, float, float]] = []
        too_few, no_score, lows = [], [], []
        any_shown = any(
            _flag(rows.get(d, {}).get("shown"))
            and _num(rows.get(d, {}).get("peer_median")) is not None
            for d in ypos
        )
        for d_id, yy in ypos.items():
            r = rows.get(d_id, {})
            s = _num(r.get("score"))
            shown = _flag(r.get("shown")) and _num(r.get("peer_median")) is not None
            low = _flag(r.get("low_evidence"))
            tgt = _num(r.get("target"))
            if shown:
                lo_, q1, med, q3, hi_ = (
                    _num(r.get(c))
                    for c in ("peer_min", "peer_q1", "peer_median", "peer_q3", "peer_max")
                )
                if lo_ is not None and hi_ is not None:
                    ax.plot(
                        [lo_, hi_],
                        [yy, yy],
                        color=_RANGE,
                        linewidth=1.4,
                        zorder=2,
                        solid_capstyle="butt",
                    )
                    ax.plot(
                        [lo_, lo_], [yy - 0.12, yy + 0.12], color=_RANGE, linewidth=1.4, zorder=2
                    )
                    ax.plot(
                        [hi_, hi_], [yy - 0.12, yy + 0.12], color=_RANGE, linewidth=1.4, zorder=2
                    )
                if q1 is not None and q3 is not None:
                    ax.add_patch(
                        FancyBboxPatch(
                            (q1, yy - 0.24),
                            max(q3 - q1, 1e-6),
                            0.48,
                            boxstyle="square,pad=0",
                            facecolor=_BOX,
                            edgecolor="#8A9FB5",
                            linewidth=0.8,
                            zorder=3,
                        )
                    )
                ax.plot(
                    [med, med],
                    [yy - 0.3, yy + 0.3],
                    color=DARK_GREY,
                    linewidth=2.4,
                    zorder=4,
                    solid_capstyle="butt",
                )
                if s is not None:
                    compared.append((d_id, s, med))
            if tgt is not None:
                ax.plot(
                    [tgt],
                    [yy - 0.36],
                    marker="v",
                    markersize=8,
                    markerfacecolor="white",
                    markeredgecolor=TEXT_DARK,
                    markeredgewidth=1.3,
                    linestyle="none",
                    zorder=6,
                )
            if s is not None:
                ax.plot(
                    [s],
                    [yy],
                    marker="D",
                    markersize=8.5,
                    markerfacecolor="white" if low else _OWN,
                    markeredgecolor=_OWN,
                    markeredgewidth=1.6,
                    linestyle="none",
                    zorder=7,
                )
            note = _fmt(s)
            if s is not None and low:
                note += " · low evidence"
                lows.append(names[d_id])
            if s is None:
                no_score.append(names[d_id])
            if not shown:
                too_few.append(names[d_id])
                if any_shown:  # otherwise the subtitle says it once for every row
                    note += "\ntoo few peers" if "·" in note else " · too few peers"
            ax.text(
                note_x,
                yy,
                note,
                transform=ax.get_yaxis_transform(),
                ha="left",
                va="center",
                fontsize=SMALL_PT,
                color=TEXT_DARK if s is not None else DARK_GREY,
                fontstyle="normal" if s is not None else "italic",
            )

        above = [c for c in compared if round(c[1], 1) > round(c[2], 1)]
        below = [c for c in compared if round(c[1], 1) < round(c[2], 1)]
        level = len(compared) - len(above) - len(below)
        scored = sum(1 for d in ypos if _num(rows.get(d, {}).get("score")) is not None)
        if not scored:
            title = "No scores to compare yet"
        elif not compared:
            title = "Too few peers to compare this year"
        elif len(below) > len(compared) / 2:
            title = f"Below the peer median on {len(below)} of {len(compared)} dimensions"
        else:
            title = (
                f"At or above the peer median on {len(compared) - len(below)} of "
                f"{len(compared)} dimensions"
            )
        sub = None
        if below:
            worst = min(below, key=lambda c: c[1] - c[2])
            sub = (
                f"Furthest below: {names[worst[0]]} ({worst[1]:.1f} against a peer median "
                f"of {worst[2]:.1f})."
            )
        if not any_shown and scored:
            sub = "Fewer peers than the minimum for every dimension: only our scores are shown."
        _title(fig, title, sub)

        handles = [
            Line2D(
                [], [], marker="D", color=_OWN, markersize=8, linestyle="none", label="Our score"
            ),
            Line2D(
                [],
                [],
                marker="D",
                markerfacecolor="white",
                markeredgecolor=_OWN,
                markeredgewidth=1.6,
                markersize=8,
                linestyle="none",
                label="Our score, low evidence",
            ),
            Line2D(
                [],
                [],
                marker="v",
                markerfacecolor="white",
                markeredgecolor=TEXT_DARK,
                markeredgewidth=1.3,
                markersize=8,
                linestyle="none",
                label="Our target",
            ),
            Line2D(
                [],
                [],
                color=DARK_GREY,
                linewidth=2.4,
                marker="|",
                markersize=12,
                linestyle="none",
                markeredgewidth=2.4,
                label="Peer median",
            ),
            Patch(facecolor=_BOX, edgecolor="#8A9FB5", label="Middle half of peers"),
            Line2D([], [], color=_RANGE, linewidth=1.4, label="Lowest to highest peer"),
        ]
        if not any_shown:  # no peer marks drawn, so explain only our own
            handles = handles[:3]
        _legend(fig, handles, ncols=3, y=0.01)

    alt = [f"Our score for each of the {len(ypos)} dimensions against the spread of peer scores."]
    if compared:
        alt.append(
            f"Of the {len(compared)} dimensions with enough peers to compare, our score is above "
            f"the peer median on {len(above)}, below it on {len(below)} and level on {level}."
        )
        if below:
            alt.append(sub or "")
    if too_few:
        alt.append(f"Too few peers to show for {_plural(len(too_few), 'dimension')}.")
    if no_score:
        alt.append(f"No score for {_join(no_score)}.")
    if lows:
        alt.append(f"Low evidence for {_join(lows)}.")
    if not scored:
        alt.append("No dimension has a score yet.")
    return _finish(fig, " ".join(alt))


# --- 3. trend -------------------------------------------------------------------------------

_SERIES = (
    ("overall", "Overall", "#003087", "-", "o", 2.6),
    ("hub", "Hub", "#0072CE", (0, (5, 2)), "s", 2.0),
    ("cycle", "Five stages", DARK_GREY, (0, (1.5, 1.5)), "^", 2.0),
)


def _period_key(p: str) -> tuple[int, str]:
    head = str(p)[:4]
    return (int(head) if head.isdigit() else 0, str(p))


def _y_levels(ax: Axes, level_names: dict[int, str]) -> None:
    ax.set_ylim(-0.1, MAX_LEVEL + 0.15)
    ax.set_yticks(range(MAX_LEVEL + 1))
    ax.set_yticklabels([f"{k} {level_names.get(k, LEVELS[k])}" for k in range(MAX_LEVEL + 1)])
    for lo in (0.5, 2.5):
        ax.axhspan(lo, lo + 1, color="#F0F4F5", zorder=0, linewidth=0)


def _spread_labels(ys: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Nudge end-label positions apart (keeping order) so direct labels never overlap."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = list(ys)
    for n, i in enumerate(order):
        if n and out[i] < out[order[n - 1]] + gap:
            out[i] = out[order[n - 1]] + gap
    if order and out[order[-1]] > hi:  # pushed off the top: shift the stack down
        shift = out[order[-1]] - hi
        for i in order:
            out[i] -= shift
        for n, i in enumerate(order):
            if n == 0:
                out[i] = max(out[i], lo)
            elif out[i] < out[order[n - 1]] + gap:
                out[i] = out[order[n - 1]] + gap
    return out


def trend(
    history: pd.DataFrame, framework: Framework, change: Mapping[str, Any] | None = None
) -> Figure:
    """Overall, hub and cycle scores of one organisation across all its periods.

    Lines are labelled at their ends (no legend to decode). With one period the chart shows
    the single year's points and says there is no trend yet.

    The lines are each year's published scores, from all the answers given that year. The
    title states the change the report states everywhere else: `change` is the overall row of
    `benchmark.year_on_year` (like for like), so the chart never claims a different change
    from the headline and the table. Without `change` the title claims no change at all.
    """
    _require(history, ["organisation", "period", "dimension", "score"], "trend")
    agg = history[history["dimension"].isin([s[0] for s in _SERIES])]
    orgs = agg["organisation"].dropna().unique().tolist()
    if len(orgs) > 1:
        raise ValueError(
            f"trend: the history holds {len(orgs)} organisations ({', '.join(map(str, orgs))}); "
            "pass the rows of one organisation"
        )
    dup = agg[agg.duplicated(["period", "dimension"])]
    if len(dup):
        raise ValueError(
            f"trend: period {dup['period'].iloc[0]} has more than one {dup['dimension'].iloc[0]} "
            "row; pass one row per period and aggregate"
        )
    periods = sorted(history["period"].dropna().astype(str).unique().tolist(), key=_period_key)
    level_names = framework.levels or LEVELS
    table = {
        key: [
            _num(agg.loc[(agg["period"] == p) & (agg["dimension"] == key), "score"].iloc[0])
            if ((agg["period"] == p) & (agg["dimension"] == key)).any()
            else None
            for p in periods
        ]
        for key, *_ in _SERIES
    }
    xs = list(range(len(periods)))

    with _style():
        fig = _new_figure(7.0, 4.4)
        ax = fig.add_axes((0.2, 0.155, 0.63, 0.65))
        _ticks(ax)
        _y_levels(ax, level_names)
        ax.set_xticks(xs)
        ax.set_xticklabels(periods)
        ax.set_xlim(-0.5 if len(xs) > 1 else -1.0, (len(xs) - 1) + (0.35 if len(xs) > 1 else 1.0))
        ax.set_xlabel("Assessment year (April to March)", fontsize=BASE_PT)
        ax.set_ylabel("Score on the 0 to 4 scale", fontsize=BASE_PT)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.yaxis.grid(True, color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)

        ends: list[tuple[str, float, float, str]] = []
        for key, label, colour, style, marker, lw in _SERIES:
            vals = np.array([np.nan if v is None else v for v in table[key]], dtype=float)
            if np.isnan(vals).all():
                continue
            ax.plot(
                xs,
                vals,
                color=colour,
                linestyle=style,
                linewidth=lw,
                marker=marker,
                markersize=7,
                markerfacecolor=colour,
                markeredgecolor="white",
                markeredgewidth=1.0,
                zorder=4 if key == "overall" else 3,
            )
            # Isolated points between gaps still show as markers; a lone point has no line.
            last = int(np.flatnonzero(~np.isnan(vals))[-1])
            ends.append((label, float(xs[last]), float(vals[last]), colour))

        placed = _spread_labels([e[2] for e in ends], 0.3, 0.0, MAX_LEVEL + 0.1)
        nudge = offset_copy(ax.transData, fig=fig, x=9, y=0, units="points")
        for (label, x, _yv, colour), y_lab in zip(ends, placed, strict=True):
            ax.text(
                x,
                y_lab,
                f"{label} {_yv:.1f}",
                transform=nudge,
                ha="left",
                va="center",
                fontsize=BASE_PT,
                fontweight="bold",
                color=colour,
                zorder=6,
                clip_on=False,
            )
        overall = [(p, v) for p, v in zip(periods, table["overall"], strict=True) if v is not None]
        for x, p in zip(xs, periods, strict=True):
            if all(table[key][x] is None for key, *_ in _SERIES):
                ax.text(
                    x,
                    0.12,
                    f"no score\nin {p}",
                    ha="center",
                    va="bottom",
                    fontsize=SMALL_PT,
                    fontstyle="italic",
                    color=DARK_GREY,
                )

        if len(periods) <= 1 or len(overall) <= 1:
            note = (
                "First assessment: no trend yet"
                if len(periods) <= 1
                else "Only one year has an overall score: no trend yet"
            )
            ax.text(
                0.02,
                0.97,
                note,
                transform=ax.transAxes,
                ha="left",
                va="top",
                fontsize=BASE_PT,
                fontstyle="italic",
                color=DARK_GREY,
                bbox={
                    "boxstyle": "round,pad=0.3",
                    "facecolor": "white",
                    "edgecolor": MID_GREY,
                    "linewidth": 0.6,
                },
            )

        title, subtitle = _trend_title(periods, overall, change, level_names)
        _title(fig, title, subtitle)

    alt = [
        f"Line chart of overall, hub and five-stage scores across {_plural(len(periods), 'year')}"
        f"{' (' + ', '.join(periods) + ')' if periods else ''}."
    ]
    for key, label, *_ in _SERIES:
        pts = [(p, v) for p, v in zip(periods, table[key], strict=True) if v is not None]
        if len(pts) == 1:
            alt.append(f"{label}: {pts[0][1]:.1f} in {pts[0][0]}.")
        elif pts:
            alt.append(
                f"{label}: {pts[0][1]:.1f} in {pts[0][0]}, {pts[-1][1]:.1f} in {pts[-1][0]}."
            )
    if len(periods) <= 1:
        alt.append("This is the first assessment, so there is no trend yet.")
    if not overall:
        alt.append("No year has a score yet.")
    return _finish(fig, " ".join(alt))


def _trend_title(
    periods: list[str],
    overall: list[tuple[str, float]],
    change: Mapping[str, Any] | None,
    level_names: Mapping[int, str],
) -> tuple[str, str]:
    lines = "Points: each year's score from all the answers given that year."
    if not overall:
        return "No scores to show yet", lines
    if len(periods) <= 1 or not change or not change.get("previous_period"):
        if len(overall) == 1 and len(periods) <= 1:
            p, v = overall[0]
            name = level_names.get(band_index(v), band(v))
            return f"First assessment: overall score {v:.1f} ({name})", lines
        return f"Overall score {overall[-1][1]:.1f} in {overall[-1][0]}", lines
    since = change["previous_period"]
    n = int(change.get("items_compared") or 0)
    direction = str(change.get("direction") or "")
    if direction not in ("improved", "declined", "no real change"):
        app = int(change.get("applicable") or 0)
        return (
            f"Too few comparable answers to measure change since {since}",
            f"{lines} Only {n} of {app} items were answered in both years.",
        )
    amount = format_change(float(change["change"]))
    title = {
        "improved": f"Overall score improved by {amount} since {since}, like for like",
        "declined": f"Overall score declined by {amount} since {since}, like for like",
        "no real change": f"No real change in the overall score since {since} ({amount})",
    }[direction]
    return title, f"{lines} Change: on the {n} items answered in both years."


# --- 4. baton diagram -----------------------------------------------------------------------

BATON_COLUMNS = ("from_stage", "to_stage", "value", "level", "status", "dropped")
_STATUS_WORDS = {"na": "Not applicable", "unknown": "Not known", "unanswered": "Not answered"}
_BOX_W, _BOX_H, _RING = 0.74, 0.42, 1.12


def _box_exit(centre: float, step: float, half_w: float, half_h: float) -> float:
    """Angle (degrees) where the ring leaves a stage box centred on the ring at `centre`,
    walking in direction `step`; the arrow starts or ends there, so it never hides a box."""
    cx, cy = _polar(_RING, centre)
    t = centre
    for _ in range(720):
        t += step
        x, y = _polar(_RING, t)
        if abs(x - cx) > half_w or abs(y - cy) > half_h:
            return t
    return t  # pragma: no cover - the ring always leaves a box smaller than the ring


def _arc_arrow(ax: Axes, start: float, end: float, colour: str, known: bool, broken: bool) -> None:
    """A thick arrow along the ring, clockwise from angle `start` to `end` (end < start).

    Drawn as a line plus a triangle rather than a FancyArrowPatch so that the outline, the
    dashes for 'not known' and the gap for a dropped baton are all under our control.
    """
    head = 9.0  # degrees of arc taken by the arrow head
    shaft_end = end + head
    if broken:  # a visible gap in the middle: the baton falls between the stages
        mid = (start + shaft_end) / 2
        pieces = [(start, mid + 4.0), (mid - 4.0, shaft_end)]
    else:
        pieces = [(start, shaft_end)]
    lw = 7.0 if known else 2.6
    effects = [pe.Stroke(linewidth=lw + 2.4, foreground=DARK_GREY), pe.Normal()] if known else []
    for a, b in pieces:
        pts = np.array([_polar(_RING, t) for t in np.linspace(a, b, 40)])
        ax.plot(
            pts[:, 0],
            pts[:, 1],
            color=colour,
            linewidth=lw,
            zorder=2,
            linestyle="-" if known else (0, (3, 2)),
            solid_capstyle="butt",
            path_effects=effects,
        )
    # Head: tip on the ring at `end`, base across the ring at `shaft_end`.
    width = 0.085 if known else 0.06
    bx, by = _polar(_RING, shaft_end + 0.6)
    nx, ny = _polar(1.0, shaft_end)  # radial unit vector
    tip = _polar(_RING, end)
    tri = [(bx + nx * width, by + ny * width), tip, (bx - nx * width, by - ny * width)]
    ax.add_patch(
        Polygon(
            tri,
            closed=True,
            facecolor=colour,
            edgecolor=DARK_GREY,
            linewidth=1.2,
            zorder=3,
            joinstyle="miter",
        )
    )


def baton_diagram(baton: pd.DataFrame, framework: Framework | None = None) -> Figure:
    """The five hand-overs as arrows round a loop of the stages, coloured by level.

    A hand-over rated below level 2 is labelled "Baton dropped" in words (boxed in warm
    yellow) and its arrow is broken, so the message survives greyscale print and
    colour-vision deficiency. Stage names come from `framework` when given, else from
    built-in short names.
    """
    _require(baton, BATON_COLUMNS, "baton_diagram")
    bad = sorted(set(baton["from_stage"]).union(baton["to_stage"]) - set(STAGE_IDS))
    if bad:
        raise ValueError(
            f"baton_diagram: unknown stage id(s) {', '.join(map(str, bad))}; "
            f"allowed: {', '.join(STAGE_IDS)}"
        )
    by_from = {r["from_stage"]: r for r in baton.to_dict("records")}
    if len(by_from) != len(baton):
        raise ValueError(
            "baton_diagram: a stage appears twice in from_stage; pass one row per hand-over"
        )
    names = dict(DEFAULT_STAGE_NAMES)
    if framework is not None:
        names.update({d.id: _cap(d.short) for d in framework.stages})
    level_names = (framework.levels if framework is not None else None) or LEVELS

    n = len(STAGE_IDS)
    angle = {s: 90.0 - 360.0 / n * i for i, s in enumerate(STAGE_IDS)}
    margin = 0.05  # gap between a box and the arrow

    with _style():
        fig = _new_figure(7.0, 7.0)
        ax = fig.add_axes((0.02, 0.13, 0.96, 0.745))
        ax.set_aspect("equal")
        ax.set_xlim(-1.78, 1.78)
        ax.set_ylim(-1.72, 1.6)
        ax.axis("off")

        for i, s in enumerate(STAGE_IDS):
            x, y = _polar(_RING, angle[s])
            ax.add_patch(
                FancyBboxPatch(
                    (x - _BOX_W / 2, y - _BOX_H / 2),
                    _BOX_W,
                    _BOX_H,
                    boxstyle="round,pad=0,rounding_size=0.07",
                    facecolor="white",
                    edgecolor=DARK_GREY,
                    linewidth=1.6,
                    zorder=4,
                )
            )
            label = "\n".join(textwrap.wrap(f"{i + 1}. {names[s]}", 13, break_long_words=False))
            ax.text(
                x,
                y,
                label,
                ha="center",
                va="center",
                fontsize=BASE_PT + 1,
                fontweight="bold",
                zorder=5,
                linespacing=1.1,
            )

        half_w, half_h = _BOX_W / 2 + margin, _BOX_H / 2 + margin
        dropped, passed, unknown = [], [], []
        for i, s in enumerate(STAGE_IDS):
            nxt = STAGE_IDS[(i + 1) % n]
            r = by_from.get(s, {"to_stage": nxt, "value": None, "status": "unanswered"})
            value = _num(r.get("value"))
            a_next = angle[nxt] if angle[nxt] < angle[s] else angle[nxt] - 360.0
            start = _box_exit(angle[s], -0.5, half_w, half_h)
            end = _box_exit(a_next, 0.5, half_w, half_h)
            hand = f"{names[s]} → {names[nxt]}"
            is_dropped = value is not None and (
                _flag(r.get("dropped")) if "dropped" in r else value < DROPPED_BELOW
            )
            colour = MID_GREY if value is None else score_colour(value)
            _arc_arrow(ax, start, end, colour, value is not None, is_dropped)

            # Label outside the ring at the arrow's midpoint; "Baton dropped" just below it.
            mid = (start + end) / 2
            lx, ly = _polar(_RING + 0.32, mid)
            if value is None:
                text = _STATUS_WORDS.get(str(r.get("status")), "Not known")
                box = {
                    "boxstyle": "round,pad=0.35",
                    "facecolor": "white",
                    "edgecolor": MID_GREY,
                    "linestyle": "--",
                    "linewidth": 1.0,
                }
                ink = DARK_GREY
                unknown.append(hand)
            else:
                lvl = level_names.get(band_index(value), band(value))
                text = f"Level {value:g}\n{lvl}"
                fill = score_colour(value)
                box = {
                    "boxstyle": "round,pad=0.35",
                    "facecolor": fill,
                    "edgecolor": DARK_GREY,
                    "linewidth": 0.8,
                }
                ink = text_colour(fill)
                (dropped if is_dropped else passed).append(hand)
            ax.text(
                lx,
                ly,
                text,
                ha="center",
                va="center",
                fontsize=SMALL_PT + 0.5,
                color=ink,
                bbox=box,
                zorder=6,
                linespacing=1.15,
            )
            if is_dropped:
                # Stack the tag away from the ring, so it never sits on an arrow.
                up = ly > 0.2
                ax.annotate(
                    "Baton dropped",
                    (lx, ly),
                    xytext=(0, 26 if up else -26),
                    textcoords="offset points",
                    ha="center",
                    va="bottom" if up else "top",
                    fontsize=BASE_PT,
                    fontweight="bold",
                    color=TEXT_DARK,
                    zorder=6,
                    bbox={
                        "boxstyle": "round,pad=0.3",
                        "facecolor": WARM_YELLOW,
                        "edgecolor": TEXT_DARK,
                        "linewidth": 1.2,
                    },
                )

        ax.text(
            0,
            0.1,
            "The baton",
            ha="center",
            va="center",
            fontsize=BASE_PT + 3,
            fontweight="bold",
            color=TEXT_DARK,
        )
        ax.text(
            0,
            0.0,
            "what each stage passes\non to the next,\nclockwise from the top",
            ha="center",
            va="top",
            fontsize=SMALL_PT + 0.5,
            color=DARK_GREY,
            linespacing=1.25,
        )

        rated = len(dropped) + len(passed)
        if not rated:
            title = "No hand-over has been rated yet"
        elif dropped:
            title = (
                f"The baton is dropped at {len(dropped)} of {rated} rated hand-overs"
                if unknown
                else f"The baton is dropped at {len(dropped)} of {n} hand-overs"
            )
        elif unknown:
            title = f"The baton is passed on at all {rated} rated hand-overs"
        else:
            title = "The baton is passed on at every hand-over"
        sub = f"Dropped: {_join(dropped)}." if dropped else None
        if unknown and not dropped:
            sub = f"Not known: {_join(unknown)}."
        _title(fig, title, sub)

        handles = level_legend_handles(level_names, missing=False, low_evidence=False)
        handles.append(
            Line2D(
                [],
                [],
                color=MID_GREY,
                linestyle=(0, (3, 2)),
                linewidth=2.6,
                label="Not known or not answered",
            )
        )
        handles.append(
            Patch(
                facecolor=WARM_YELLOW,
                edgecolor=TEXT_DARK,
                label=f"Baton dropped: below level {DROPPED_BELOW:g}",
            )
        )
        _legend(fig, handles, ncols=4)

    alt = [
        "Loop of the five stages with an arrow for each hand-over, coloured by how well "
        "the baton is passed on."
    ]
    if dropped:
        alt.append(f"The baton is dropped (below level {DROPPED_BELOW:g}) at {_join(dropped)}.")
    if passed:
        alt.append(f"It is passed on at {_join(passed)}.")
    if unknown:
        alt.append(f"Not known: {_join(unknown)}.")
    vals = [
        (f"{names[s]} to {names[STAGE_IDS[(i + 1) % n]]}", _num(by_from[s]["value"]))
        for i, s in enumerate(STAGE_IDS)
        if s in by_from and _num(by_from[s]["value"]) is not None
    ]
    if vals:
        alt.append("Levels: " + "; ".join(f"{h} {v:g}" for h, v in vals) + ".")
    return _finish(fig, " ".join(alt))


# --- output ---------------------------------------------------------------------------------


def figure_to_data_uri(fig: Figure, dpi: int = 110) -> str:
    """PNG of `fig` as a `data:image/png;base64,...` URI for self-contained HTML reports.

    The PNG is reduced to an adaptive 256-colour palette: these charts use a handful of flat
    colours, so this keeps files small (well under 80 KB) without visible change.

    Why not `fig.savefig`: that encodes a full-colour PNG only for us to decode it again before
    quantising. Taking the pixels straight from an Agg canvas drawn at `dpi` on a white
    background gives the same pixels, and ordinary zlib compression (`optimize=False`) is
    much cheaper for files a few per cent larger. Median cut stays: fast octree was quicker
    still but merged the pale band shading into the white background.
    The figure's dpi, background and canvas are put back afterwards.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image  # Pillow is a matplotlib dependency

    old_canvas, old_dpi, old_face = fig.canvas, fig.dpi, fig.patch.get_facecolor()
    try:
        fig.dpi = dpi
        fig.patch.set_facecolor("white")
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        rgb = np.asarray(canvas.buffer_rgba())[..., :3]  # alpha dropped, as savefig+RGB did
        small = Image.fromarray(np.ascontiguousarray(rgb), mode="RGB").quantize(
            colors=256, method=Image.Quantize.MEDIANCUT
        )
    finally:
        fig.dpi = old_dpi
        fig.patch.set_facecolor(old_face)
        fig.set_canvas(old_canvas)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=False, compress_level=6)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")
