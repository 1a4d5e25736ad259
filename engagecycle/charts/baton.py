"""The baton: the five hand-overs between stages, passed on, dropped or not known."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib import patheffects as pe
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch, Polygon

from ..benchmark.rules import DROPPED_BELOW
from ..framework import STAGE_IDS, Framework
from ..levels import LEVELS, band, band_index
from ..words import cap, join_words
from .style import (
    BASE_PT,
    DARK_GREY,
    DEFAULT_STAGE_NAMES,
    MID_GREY,
    SMALL_PT,
    TEXT_DARK,
    WARM_YELLOW,
    add_legend,
    add_title,
    chart_style,
    flag,
    level_legend_handles,
    new_figure,
    num,
    polar,
    require_columns,
    score_colour,
    text_colour,
    with_alt_text,
)

# --- 4. baton diagram -----------------------------------------------------------------------

BATON_COLUMNS = ("from_stage", "to_stage", "value", "level", "status", "dropped")
_STATUS_WORDS = {"na": "Not applicable", "unknown": "Not known", "unanswered": "Not answered"}
_BOX_W, _BOX_H, _RING = 0.74, 0.42, 1.12


def _box_exit(centre: float, step: float, half_w: float, half_h: float) -> float:
    """Angle (degrees) where the ring leaves a stage box centred on the ring at `centre`,
    walking in direction `step`; the arrow starts or ends there, so it never hides a box."""
    cx, cy = polar(_RING, centre)
    t = centre
    for _ in range(720):
        t += step
        x, y = polar(_RING, t)
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
        pts = np.array([polar(_RING, t) for t in np.linspace(a, b, 40)])
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
    bx, by = polar(_RING, shaft_end + 0.6)
    nx, ny = polar(1.0, shaft_end)  # radial unit vector
    tip = polar(_RING, end)
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
    require_columns(baton, BATON_COLUMNS, "baton_diagram")
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
        names.update({d.id: cap(d.short) for d in framework.stages})
    level_names = (framework.levels if framework is not None else None) or LEVELS

    n = len(STAGE_IDS)
    angle = {s: 90.0 - 360.0 / n * i for i, s in enumerate(STAGE_IDS)}
    margin = 0.05  # gap between a box and the arrow

    with chart_style():
        fig = new_figure(7.0, 7.0)
        ax = fig.add_axes((0.02, 0.13, 0.96, 0.745))
        ax.set_aspect("equal")
        ax.set_xlim(-1.78, 1.78)
        ax.set_ylim(-1.72, 1.6)
        ax.axis("off")

        for i, s in enumerate(STAGE_IDS):
            x, y = polar(_RING, angle[s])
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
            value = num(r.get("value"))
            a_next = angle[nxt] if angle[nxt] < angle[s] else angle[nxt] - 360.0
            start = _box_exit(angle[s], -0.5, half_w, half_h)
            end = _box_exit(a_next, 0.5, half_w, half_h)
            hand = f"{names[s]} → {names[nxt]}"
            is_dropped = value is not None and (
                flag(r.get("dropped")) if "dropped" in r else value < DROPPED_BELOW
            )
            colour = MID_GREY if value is None else score_colour(value)
            _arc_arrow(ax, start, end, colour, value is not None, is_dropped)

            # Label outside the ring at the arrow's midpoint; "Baton dropped" just below it.
            mid = (start + end) / 2
            lx, ly = polar(_RING + 0.32, mid)
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
        sub = f"Dropped: {join_words(dropped)}." if dropped else None
        if unknown and not dropped:
            sub = f"Not known: {join_words(unknown)}."
        add_title(fig, title, sub)

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
        add_legend(fig, handles, ncols=4)

    alt = [
        "Loop of the five stages with an arrow for each hand-over, coloured by how well "
        "the baton is passed on."
    ]
    if dropped:
        alt.append(
            f"The baton is dropped (below level {DROPPED_BELOW:g}) at {join_words(dropped)}."
        )
    if passed:
        alt.append(f"It is passed on at {join_words(passed)}.")
    if unknown:
        alt.append(f"Not known: {join_words(unknown)}.")
    vals = [
        (f"{names[s]} to {names[STAGE_IDS[(i + 1) % n]]}", num(by_from[s]["value"]))
        for i, s in enumerate(STAGE_IDS)
        if s in by_from and num(by_from[s]["value"]) is not None
    ]
    if vals:
        alt.append("Levels: " + "; ".join(f"{h} {v:g}" for h, v in vals) + ".")
    return with_alt_text(fig, " ".join(alt))
