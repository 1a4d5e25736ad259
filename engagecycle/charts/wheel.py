"""The cycle wheel: the ten hub elements inside, the five stages round them as arrows."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Polygon, Wedge

from ..framework import STAGE_IDS, Framework
from ..levels import LEVELS, band, band_index
from ..words import dimension_short, join_words, plural
from .style import (
    BASE_PT,
    DARK_GREY,
    MID_GREY,
    SMALL_PT,
    TEXT_DARK,
    add_legend,
    add_title,
    chart_style,
    flag,
    fmt_score,
    label_box,
    level_legend_handles,
    mark_shape,
    mean_present,
    new_figure,
    num,
    one_per_dimension,
    polar,
    require_columns,
    score_colour,
    text_colour,
    with_alt_text,
)

# --- 1. cycle wheel -------------------------------------------------------------------------

_HUB_IN, _HUB_OUT = 0.20, 0.63
_STAGE_IN, _STAGE_OUT = 0.69, 1.06
_STAGE_GAP = 3.0  # degrees between stage segments
_CHEVRON = 7.0  # degrees the arrow point sticks out


def _chevron(i: int, n: int) -> np.ndarray:
    """Outline of stage i of n as an arrow-shaped ring segment, clockwise from the top.

    The leading (clockwise) end comes to a point and the trailing end is notched, so the
    ring reads as a cycle even without the caption.
    """
    span = 360.0 / n
    a = 90.0 - span * i - _STAGE_GAP / 2  # trailing edge angle
    b = 90.0 - span * (i + 1) + _STAGE_GAP / 2  # leading edge angle
    mid = (_STAGE_IN + _STAGE_OUT) / 2
    outer = [polar(_STAGE_OUT, t) for t in np.linspace(a, b, 60)]
    inner = [polar(_STAGE_IN, t) for t in np.linspace(b, a, 60)]
    pts = outer + [polar(mid, b - _CHEVRON)] + inner + [polar(mid, a - _CHEVRON)]
    return np.array(pts)


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
    require_columns(dims, ["dimension", "score", "low_evidence"], "cycle_wheel")
    rows = one_per_dimension(dims, framework, "cycle_wheel")
    score = {d.id: num(rows.get(d.id, {}).get("score")) for d in framework.dimensions}
    low = {d.id: flag(rows.get(d.id, {}).get("low_evidence")) for d in framework.dimensions}
    hub, stages = framework.hub, framework.stages
    stage_by_id = {d.id: d for d in stages}
    stage_order = [stage_by_id[s] for s in STAGE_IDS if s in stage_by_id]
    names = {d.id: dimension_short(framework, d.id) for d in framework.dimensions}
    level_names = framework.levels or LEVELS

    with chart_style():
        fig = new_figure(7.0, 7.4)
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

            mark_shape(ax, make, fill, low[d.id], s is None)
            x, y = polar((_HUB_IN + _HUB_OUT) / 2 + 0.01, (t1 + t2) / 2)
            label = "\n".join(textwrap.wrap(names[d.id], 9, break_long_words=False))
            ink = TEXT_DARK if s is None else text_colour(fill)
            ax.text(
                x,
                y,
                f"{label}\n{fmt_score(s)}" if s is not None else f"{label}\nno score",
                ha="center",
                va="center",
                fontsize=SMALL_PT,
                color=ink,
                linespacing=1.05,
                zorder=5,
                bbox=label_box(fill) if (low[d.id] or s is None) else None,
            )

        # Centre: the hub as a whole.
        hub_score = mean_present(score[d.id] for d in hub)
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
        ax.text(
            0, -0.06, fmt_score(hub_score), ha="center", va="center", fontsize=BASE_PT, zorder=5
        )

        # Stage ring: arrow-shaped segments in cycle order, clockwise from the top.
        n_st = len(stage_order)
        for i, d in enumerate(stage_order):
            s = score[d.id]
            fill = score_colour(s)
            pts = _chevron(i, n_st)

            def make(pts=pts, **kw):
                return Polygon(pts, closed=True, **kw)

            mark_shape(ax, make, fill, low[d.id], s is None)
            mid_angle = 90.0 - 360.0 / n_st * (i + 0.5) - _CHEVRON / 2
            x, y = polar((_STAGE_IN + _STAGE_OUT) / 2, mid_angle)
            if s is None:
                detail = "no score"
            else:
                detail = f"{s:.1f}\n{level_names.get(band_index(s), band(s))}"
                if low[d.id]:
                    detail += "\nlow evidence"
            ink = TEXT_DARK if s is None else text_colour(fill)
            box = label_box(fill) if (low[d.id] or s is None) else None
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
                title = f"{join_words(st_lo)} are the weakest stages"
        sub = []
        if hub_scores:
            if len(hub_scores) > 1 and len(hub_lo) < len(hub_scores):
                sub.append(
                    f"Weakest hub element: {join_words(hub_lo)} ({min(hub_scores.values()):.1f})"
                )
            sub.append(f"hub average {hub_score:.1f}" if sub else f"Hub average {hub_score:.1f}")
        add_title(fig, title, "; ".join(sub) + "." if sub else None)

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
        add_legend(fig, level_legend_handles(level_names), ncols=4)

    alt = ["Engagement Cycle wheel: each hub element and stage coloured by its maturity level."]
    if stage_scores:
        lo_v, hi_v = min(stage_scores.values()), max(stage_scores.values())
        alt.append(
            f"The stages with a score range from {lo_v:.1f} ({join_words(st_lo)}) to "
            f"{hi_v:.1f} ({join_words(st_hi)}) on a 0 to 4 scale."
        )
    if hub_scores:
        lo_v, hi_v = min(hub_scores.values()), max(hub_scores.values())
        alt.append(
            f"The hub elements range from {lo_v:.1f} ({join_words(hub_lo)}) to {hi_v:.1f} "
            f"({join_words(hub_hi)}), an average of {hub_score:.1f}."
        )
    if missing:
        alt.append(f"{plural(len(missing), 'dimension')} without a score: {join_words(missing)}.")
    if lows:
        alt.append(f"Low evidence (under half the items answered) for {join_words(lows)}.")
    if not stage_scores and not hub_scores:
        alt.append("No dimension has a score yet.")
    return with_alt_text(fig, " ".join(alt))
