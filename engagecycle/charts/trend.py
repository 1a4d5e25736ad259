"""Overall, hub and cycle scores year by year, titled with the like-for-like change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import offset_copy

from ..benchmark.rules import format_change
from ..framework import Framework
from ..levels import LEVELS, MAX_LEVEL, band, band_index
from ..words import cap, only, plural
from .style import (
    BASE_PT,
    DARK_GREY,
    GRID,
    MID_GREY,
    SMALL_PT,
    add_title,
    chart_style,
    new_figure,
    num,
    require_columns,
    tick_fonts,
    with_alt_text,
)

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
    require_columns(history, ["organisation", "period", "dimension", "score"], "trend")
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
            num(agg.loc[(agg["period"] == p) & (agg["dimension"] == key), "score"].iloc[0])
            if ((agg["period"] == p) & (agg["dimension"] == key)).any()
            else None
            for p in periods
        ]
        for key, *_ in _SERIES
    }
    xs = list(range(len(periods)))

    with chart_style():
        fig = new_figure(7.0, 4.4)
        ax = fig.add_axes((0.2, 0.155, 0.63, 0.65))
        tick_fonts(ax)
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
        add_title(fig, title, subtitle)

    alt = [
        f"Line chart of overall, hub and five-stage scores across {plural(len(periods), 'year')}"
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
    return with_alt_text(fig, " ".join(alt))


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
        # counted as the headline counts: over the items that could be compared at all
        app = int(change.get("applicable") or 0)
        kept = int(change.get("comparable_applicable", app) or 0)
        of = f"{app} items" if kept == app else f"the {kept} comparable items"
        return (
            f"Too few comparable answers to measure change since {since}",
            f"{lines} {cap(only(n, of))} were answered in both years.",
        )
    amount = format_change(float(change["change"]))
    title = {
        "improved": f"Overall score improved by {amount} since {since}, like for like",
        "declined": f"Overall score declined by {amount} since {since}, like for like",
        "no real change": f"No real change in the overall score since {since} ({amount})",
    }[direction]
    return title, f"{lines} Change: on the {n} items answered in both years."
