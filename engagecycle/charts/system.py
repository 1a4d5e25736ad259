"""System-level charts: many organisations at once, for the overview and dimension pages.

Same rules as `charts` (whose palette, fonts and helpers this module reuses rather than
copies): Figures built without pyplot so a reused kernel cannot leak them; maturity on one
sequential hue from NHS Pale Grey to Dark Blue with the level also written in words or
numbers; missing and low-evidence values hatched as well as coloured; a title that states the
finding and plain-English alt text on `fig.alt_text`. Nothing here reads files.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from ..benchmark.rules import REAL_CHANGE, format_change
from ..framework import Framework
from ..levels import LEVELS, MAX_LEVEL
from ..words import dimension_short, plural
from .rows import box_and_median, dimension_rows_frame, row_layout, rows_figure
from .style import (
    BASE_PT,
    BOX_EDGE,
    DARK_GREY,
    GRID,
    LEVEL_COLOURS,
    LOW_EVIDENCE_HATCH,
    MID_GREY,
    MISSING_FACE,
    MISSING_HATCH,
    SMALL_PT,
    TEXT_DARK,
    WARM_YELLOW,
    add_legend,
    add_title,
    chart_style,
    flag,
    label_box,
    level_legend_handles,
    mark_shape,
    new_figure,
    num,
    require_columns,
    score_colour,
    text_colour,
    tick_fonts,
    with_alt_text,
)

IMPROVED_FILL = "#005EB8"  # NHS Blue
DECLINED_FILL = WARM_YELLOW  # never red/green: blue against yellow, plus words and signs
STEADY_FILL = "#C5D3E0"
NA_HATCH = ".."
BOX_FACE = "#DCE6F0"  # the middle half of organisations


def org_label(code: str, name: str, width: int = 34) -> str:
    """'X01 Name of organisation', shortened with an ellipsis to fit a row label."""
    text = f"{code} {name}".strip() if name and name != code else str(code)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# --- 1. heatmap: organisations x dimensions ----------------------------------------------------


def heatmap(
    scores: pd.DataFrame,
    framework: Framework,
    *,
    title: str | None = None,
    subtitle: str | None = None,
) -> Figure:
    """One row per organisation, one column per dimension (hub, then stages) plus overall.

    `scores` holds score-table rows for one period (columns organisation, name, dimension,
    score, low_evidence); rows appear in the order organisations first appear, so the caller
    decides the sort. Each cell is coloured by level with its score written in it; cells
    without a score are hatched white, low-evidence cells carry a dashed, hatched overlay.
    """
    require_columns(
        scores, ["organisation", "name", "dimension", "score", "low_evidence"], "heatmap"
    )
    orgs = list(dict.fromkeys(scores["organisation"].astype(str)))
    if not orgs:
        raise ValueError("heatmap: no organisations to draw")
    first = scores.drop_duplicates("organisation")
    names = dict(zip(first["organisation"].astype(str), first["name"].astype(str), strict=True))
    cells = {(str(r["organisation"]), r["dimension"]): r for r in scores.to_dict("records")}
    groups = [
        ("Hub elements", [d.id for d in framework.hub]),
        ("The five stages", [d.id for d in framework.stages]),
        ("", ["overall"]),
    ]
    # x position of every column, with a gap between the groups
    xpos: dict[str, float] = {}
    spans: list[tuple[str, float, float]] = []
    x = 0.0
    for label, dims in groups:
        start = x
        for d in dims:
            xpos[d] = x
            x += 1.0
        spans.append((label, start, x - 1.0))
        x += 0.35
    x_max = x - 0.35

    n = len(orgs)
    row_h = 0.29
    head_in, foot_in = 2.3, 0.95
    height = round(head_in + foot_in + row_h * n, 2)
    low_cells = missing_cells = 0
    with chart_style():
        fig = new_figure(8.0, height)
        left, right = 0.35, 0.985
        ax = fig.add_axes((left, foot_in / height, right - left, row_h * n / height))
        ax.set_xlim(-0.5, x_max + 0.5)
        ax.set_ylim(n - 0.5, -0.5)
        ax.axis("off")
        for i, org in enumerate(orgs):
            for d, cx in xpos.items():
                r = cells.get((org, d), {})
                s = num(r.get("score"))
                low = flag(r.get("low_evidence")) and s is not None
                fill = score_colour(s)
                low_cells += low
                missing_cells += s is None

                def make(cx=cx, i=i, **kw):
                    return Rectangle((cx - 0.5, i - 0.5), 1.0, 1.0, **kw)

                mark_shape(ax, make, fill, False, s is None)
                if low:
                    # Hatching plus a dashed outline drawn inside the cell, in the text colour,
                    # so it shows on dark cells too (an edge outline would vanish in the gap).
                    ink = text_colour(fill)
                    ax.add_patch(
                        make(
                            facecolor="none",
                            edgecolor="none",
                            hatch=LOW_EVIDENCE_HATCH,
                            hatchcolor=ink,
                            alpha=0.6,
                            zorder=2.1,
                        )
                    )
                    ax.add_patch(
                        Rectangle(
                            (cx - 0.4, i - 0.4),
                            0.8,
                            0.8,
                            facecolor="none",
                            edgecolor=ink,
                            linewidth=1.2,
                            linestyle=(0, (2.5, 1.5)),
                            zorder=2.2,
                        )
                    )
                if s is not None:
                    ax.text(
                        cx,
                        i,
                        f"{s:.1f}",
                        ha="center",
                        va="center",
                        fontsize=SMALL_PT,
                        fontweight="bold" if d == "overall" else "normal",
                        color=text_colour(fill),
                        bbox=label_box(fill) if low else None,
                        zorder=5,
                    )
            label = org_label(org, str(names.get(org, "")), 40)
            ax.text(
                -0.75,
                i,
                label,
                ha="right",
                va="center",
                fontsize=SMALL_PT,
                color=TEXT_DARK,
                clip_on=False,
            )
        # column heads, rotated, with group labels above them
        for d, cx in xpos.items():
            ax.text(
                cx,
                -0.75,
                dimension_short(framework, d),
                rotation=90,
                ha="center",
                va="bottom",
                fontsize=SMALL_PT,
                fontweight="bold" if d == "overall" else "normal",
                color=TEXT_DARK,
                clip_on=False,
            )
        top = -0.5 - 1.2 / row_h  # 1.2 inches above the first row, clear of the column heads
        for label, a, b in spans:
            if not label:
                continue
            ax.plot([a - 0.4, b + 0.4], [top, top], color=DARK_GREY, linewidth=1.0, clip_on=False)
            ax.text(
                (a + b) / 2,
                top - 0.15,
                label,
                ha="center",
                va="bottom",
                fontsize=BASE_PT,
                fontweight="bold",
                color=TEXT_DARK,
                clip_on=False,
            )

        medians = {
            d: float(np.median(vals))
            for d in xpos
            if d != "overall"
            for vals in [[num(cells[(o, d)]["score"]) for o in orgs if (o, d) in cells]]
            for vals in [[v for v in vals if v is not None]]
            if vals
        }
        if title is None:
            if medians:
                lo = min(medians, key=lambda k: (round(medians[k], 1), list(xpos).index(k)))
                title = (
                    f"{dimension_short(framework, lo)} has the lowest median score "
                    f"({medians[lo]:.1f}) across {plural(n, 'organisation')}"
                )
            else:
                title = "No organisation has a score yet"
        add_title(
            fig,
            title,
            subtitle or "Each row is an organisation; darker means more mature.",
        )
        add_legend(fig, level_legend_handles(framework.levels or LEVELS), ncols=4, y=0.005)

    overall = [
        (o, num(cells[(o, "overall")]["score"]))
        for o in orgs
        if (o, "overall") in cells and num(cells[(o, "overall")]["score"]) is not None
    ]
    alt = [
        f"Heatmap of {plural(n, 'organisation')} by {len(xpos) - 1} dimensions and overall "
        "score, each cell coloured by maturity level with its score written in it."
    ]
    if overall:
        lo_o = min(overall, key=lambda t: t[1])
        hi_o = max(overall, key=lambda t: t[1])
        alt.append(
            f"Overall scores range from {lo_o[1]:.1f} ({names.get(lo_o[0], lo_o[0])}) to "
            f"{hi_o[1]:.1f} ({names.get(hi_o[0], hi_o[0])})."
        )
    if medians:
        lo = min(medians, key=medians.get)
        hi = max(medians, key=medians.get)
        alt.append(
            f"Lowest median: {dimension_short(framework, lo)} ({medians[lo]:.1f}); highest: "
            f"{dimension_short(framework, hi)} ({medians[hi]:.1f})."
        )
    if low_cells:
        alt.append(
            f"{plural(low_cells, 'cell')} {'rests' if low_cells == 1 else 'rest'} on low evidence."
        )
    if missing_cells:
        alt.append(
            f"{plural(missing_cells, 'cell')} {'has' if missing_cells == 1 else 'have'} no score."
        )
    return with_alt_text(fig, " ".join(alt))


# --- 2. distribution per dimension -------------------------------------------------------------


def _offsets(values: Sequence[float], step: float = 0.13, cap: float = 0.32) -> list[float]:
    """Deterministic vertical offsets so organisations with the same score stay visible.

    Equal scores (to one decimal) are fanned out 0, +step, -step, +2 step ...; no randomness,
    so the same data always draws the same chart.
    """
    seen: dict[float, int] = {}
    out = []
    for v in values:
        k = round(v, 1)
        j = seen.get(k, 0)
        seen[k] = j + 1
        off = ((j + 1) // 2) * step * (1 if j % 2 else -1)
        out.append(max(-cap, min(cap, off)))
    return out


def distribution(scores: pd.DataFrame, framework: Framework, *, title: str | None = None) -> Figure:
    """Every organisation's score on each dimension (dots) over the middle half (box).

    `scores` holds score-table rows for one period (organisation, dimension, score,
    low_evidence). Hollow dots rest on low evidence. The right-hand column gives the median
    and how many organisations it rests on.
    """
    require_columns(scores, ["organisation", "dimension", "score", "low_evidence"], "distribution")
    level_names = framework.levels or LEVELS
    ypos, headings, y_max = row_layout(
        [
            ("Hub elements", [d.id for d in framework.hub]),
            ("The five stages", [d.id for d in framework.stages]),
            ("", ["overall"]),
        ]
    )

    stats: dict[str, tuple[float, int]] = {}
    n_orgs = int(scores["organisation"].nunique()) if len(scores) else 0
    dot = 26.0 if n_orgs <= 30 else max(9.0, 26.0 * (30 / n_orgs) ** 0.5)  # many dots: smaller
    with chart_style():
        fig, ax = rows_figure(
            y_max, width=7.6, base=1.9, top_pad=0.95, bottom_pad=1.25, left=0.2, axis_width=0.64
        )
        dimension_rows_frame(
            ax,
            ypos,
            [dimension_short(framework, d) for d in ypos],
            headings,
            y_max=y_max,
            level_names=level_names,
            xlabel="Score on the 0 to 4 scale, by maturity level",
            column_title="Median (n)",
            heading_x=-0.3,
        )
        for lbl, d in zip(ax.get_yticklabels(), ypos, strict=True):
            if d == "overall":
                lbl.set_fontweight("bold")
        ax.axhline(ypos["overall"] - 0.7, color=DARK_GREY, linewidth=0.8, zorder=0)

        for d, yy in ypos.items():
            sub = scores[scores["dimension"].eq(d)]
            sub = sub[sub["score"].notna()].sort_values("organisation")
            vals = sub["score"].astype(float).to_numpy()
            if not len(vals):
                ax.text(
                    1.02,
                    yy,
                    "no scores",
                    transform=ax.get_yaxis_transform(),
                    ha="left",
                    va="center",
                    fontsize=SMALL_PT,
                    fontstyle="italic",
                    color=DARK_GREY,
                )
                continue
            q1, med, q3 = (float(np.quantile(vals, q)) for q in (0.25, 0.5, 0.75))
            stats[d] = (med, len(vals))
            box_and_median(
                ax,
                yy,
                q1,
                med,
                q3,
                half_height=0.3,
                median_half=0.36,
                face=BOX_FACE,
                median_colour=TEXT_DARK,
                z=2,
            )
            low = sub["low_evidence"].astype(bool).to_numpy()
            offs = np.array(_offsets(vals, step=0.13 if len(vals) <= 30 else 0.07))
            ax.scatter(
                vals[~low],
                yy + offs[~low],
                s=dot,
                facecolor="#005EB8",
                edgecolor="white",
                linewidth=0.7,
                zorder=4,
            )
            if low.any():
                ax.scatter(
                    vals[low],
                    yy + offs[low],
                    s=dot,
                    facecolor="white",
                    edgecolor="#003087",
                    linewidth=1.3,
                    zorder=4,
                )
            ax.text(
                1.02,
                yy,
                f"{med:.1f} ({len(vals)})",
                transform=ax.get_yaxis_transform(),
                ha="left",
                va="center",
                fontsize=SMALL_PT,
                fontweight="bold" if d == "overall" else "normal",
                color=TEXT_DARK,
            )

        dims_only = {d: v for d, v in stats.items() if d != "overall"}
        if title is None:
            if dims_only:
                order = list(ypos)
                lo = min(dims_only, key=lambda k: (round(dims_only[k][0], 1), order.index(k)))
                title = f"{dimension_short(framework, lo)} has the lowest median score across the system"
            else:
                title = "No organisation has a score yet"
        add_title(
            fig,
            title,
            "Each dot is one organisation; the box holds the middle half of organisations and "
            "the bar marks the median.",
        )
        handles = [
            Line2D(
                [],
                [],
                marker="o",
                markersize=6,
                markerfacecolor="#005EB8",
                markeredgecolor="white",
                linestyle="none",
                label="One organisation",
            ),
            Line2D(
                [],
                [],
                marker="o",
                markersize=6,
                markerfacecolor="white",
                markeredgecolor="#003087",
                markeredgewidth=1.3,
                linestyle="none",
                label="Low evidence",
            ),
            Patch(facecolor=BOX_FACE, edgecolor=BOX_EDGE, label="Middle half"),
            Line2D([], [], color=TEXT_DARK, linewidth=2.4, label="Median"),
        ]
        add_legend(fig, handles, ncols=4, y=0.005)

    alt = [
        "For each dimension, a dot for every organisation's score on the 0 to 4 scale over a "
        "box showing the middle half of organisations."
    ]
    if dims_only:
        lo = min(dims_only, key=lambda k: dims_only[k][0])
        hi = max(dims_only, key=lambda k: dims_only[k][0])
        alt.append(
            f"Medians range from {dims_only[lo][0]:.1f} ({dimension_short(framework, lo)}) to "
            f"{dims_only[hi][0]:.1f} ({dimension_short(framework, hi)})."
        )
    if "overall" in stats:
        alt.append(
            f"The median overall score is {stats['overall'][0]:.1f} across "
            f"{plural(stats['overall'][1], 'organisation')}."
        )
    return with_alt_text(fig, " ".join(alt))


# --- 3. most improved and most declined --------------------------------------------------------


def movers(
    changes: pd.DataFrame,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    limit: int = 10,
) -> Figure:
    """Like-for-like change per organisation as bars either side of zero.

    `changes` has columns label, change, direction ("improved" / "declined" / "no real
    change") and items_compared. With more than 2 x `limit` rows only the `limit` largest
    rises and falls are drawn (the caller's table lists the rest). The band of +/-0.25
    either side of zero is shaded and labelled: movement inside it is not a real change.
    """
    require_columns(changes, ["label", "change", "direction", "items_compared"], "movers")
    df = changes[changes["change"].notna()].copy()
    df["change"] = df["change"].astype(float)
    df = df.sort_values(["change", "label"], ascending=[False, True])
    up = int(df["direction"].eq("improved").sum())
    down = int(df["direction"].eq("declined").sum())
    steady = len(df) - up - down
    shown = df
    trimmed = False
    if len(df) > 2 * limit:
        shown = pd.concat([df.head(limit), df.tail(limit)])
        trimmed = True
    n = max(len(shown), 1)
    with chart_style():
        height = round(1.85 + 0.28 * n, 2)
        fig = new_figure(7.6, height)
        top = 1 - 0.95 / height
        bottom = 1.05 / height
        ax = fig.add_axes((0.36, bottom, 0.58, top - bottom))
        tick_fonts(ax)
        # Room either side for the value labels (about 0.95 in of a 4.4 in axis), so a long
        # bar's label never runs into the organisation names.
        lo0 = min(float(df["change"].min()), 0.0) if len(df) else 0.0
        hi0 = max(float(df["change"].max()), 0.0) if len(df) else 0.0
        rng = max(hi0 - lo0, 0.5)
        pad = max(0.35, 0.5 * rng)
        ax.set_xlim(min(lo0 - (pad if lo0 < 0 else 0.15), -REAL_CHANGE - 0.1), hi0 + pad)
        ax.set_ylim(n - 0.5, -0.5)
        ax.axvspan(-REAL_CHANGE, REAL_CHANGE, color="#F0F4F5", zorder=0, linewidth=0)
        ax.axvline(0, color=DARK_GREY, linewidth=1.0, zorder=1)
        ax.text(
            0,
            -0.55,
            "no real change",
            ha="center",
            va="bottom",
            fontsize=SMALL_PT,
            color=DARK_GREY,
            fontstyle="italic",
        )
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.set_yticks(range(len(shown)))
        ax.set_yticklabels(list(shown["label"]))
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel("Change in score since the previous assessment (like-for-like items)")
        ax.xaxis.grid(True, color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        for i, r in enumerate(shown.itertuples()):
            c = float(r.change)
            fill = {"improved": IMPROVED_FILL, "declined": DECLINED_FILL}.get(
                r.direction, STEADY_FILL
            )
            ax.barh(
                i,
                c,
                height=0.62,
                color=fill,
                edgecolor=TEXT_DARK if r.direction == "declined" else "white",
                linewidth=0.8,
                hatch="//" if r.direction == "declined" else None,
                zorder=2,
            )
            text = format_change(c)
            ax.text(
                c + (0.04 if c >= 0 else -0.04),
                i,
                f"{text}  ({plural(int(r.items_compared), 'item')})",
                ha="left" if c >= 0 else "right",
                va="center",
                fontsize=SMALL_PT,
                color=TEXT_DARK,
                zorder=3,
            )
        if trimmed:
            ax.axhline(limit - 0.5, color=DARK_GREY, linewidth=0.8, linestyle=(0, (1, 2)))
        if not len(df):
            ax.text(0, 0, "No organisation can be compared with an earlier year", ha="center")
        if title is None:
            if not len(df):
                title = "No organisation has an earlier assessment to compare with"
            else:
                title = f"{up} improved and {down} declined since their previous assessment"
        sub = subtitle or (
            f"{plural(len(df), 'organisation')} compared; {steady} with no real change "
            f"(within ±{REAL_CHANGE:g})."
            + (f" The {limit} largest rises and falls are shown." if trimmed else "")
        )
        add_title(fig, title, sub)
        handles = [
            Patch(facecolor=IMPROVED_FILL, edgecolor="white", label="Improved (+0.25 or more)"),
            Patch(
                facecolor=DECLINED_FILL,
                edgecolor=TEXT_DARK,
                hatch="//",
                label="Declined (−0.25 or more)",
            ),
            Patch(facecolor=STEADY_FILL, edgecolor="white", label="No real change"),
        ]
        add_legend(fig, handles, ncols=3, y=0.005)

    alt = [
        f"Bar chart of the change in score for {plural(len(df), 'organisation')} since their "
        f"previous assessment: {up} improved, {down} declined and {steady} showed no real change."
    ]
    if len(df):
        best, worst = df.iloc[0], df.iloc[-1]
        alt.append(f"Largest rise: {best['label']} ({format_change(best['change'])}).")
        if float(worst["change"]) < 0:
            alt.append(f"Largest fall: {worst['label']} ({format_change(worst['change'])}).")
    return with_alt_text(fig, " ".join(alt))


# --- 4. item-level distribution for one dimension ----------------------------------------------

ITEM_COLUMNS = ["item", "statement", "level_0", "level_1", "level_2", "level_3", "level_4"]
EXTRA = (
    ("na", "N/A", MISSING_FACE, NA_HATCH, "-"),
    ("unknown", "Don't know", MISSING_FACE, MISSING_HATCH, "-"),
    ("unanswered", "Not answered", MISSING_FACE, None, "--"),
)


def item_distribution(
    summary: pd.DataFrame,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    level_names: dict[int, str] | None = None,
) -> Figure:
    """For each item, how many organisations are at each level, as one stacked bar.

    `summary` has one row per item with item, statement, level_0 ... level_4 counts and
    optionally na, unknown, unanswered counts and median. Levels run left (0) to right (4)
    in the sequential palette, then N/A, don't know and not answered as white hatched or
    dashed segments. Counts are written in the segments wide enough to hold them.
    """
    require_columns(summary, ITEM_COLUMNS, "item_distribution")
    level_names = level_names or LEVELS
    rows = summary.reset_index(drop=True)
    n = max(len(rows), 1)
    keys = [f"level_{k}" for k in range(MAX_LEVEL + 1)] + [
        e[0] for e in EXTRA if e[0] in rows.columns
    ]
    totals = rows[keys].sum(axis=1).astype(float) if len(rows) else pd.Series([0.0])
    total = float(totals.max()) if len(totals) else 0.0
    with chart_style():
        row_in = 0.62
        height = round(1.95 + row_in * n, 2)
        fig = new_figure(8.0, height)
        top = 1 - 0.75 / height
        bottom = 1.3 / height
        ax = fig.add_axes((0.38, bottom, 0.585, top - bottom))
        tick_fonts(ax)
        ax.set_xlim(0, max(total, 1.0))
        ax.set_ylim(n - 0.5, -0.5)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.set_xlabel("Number of organisations", fontsize=BASE_PT)
        ax.xaxis.get_major_locator().set_params(integer=True)
        labels = []
        for r in rows.itertuples():
            stmt = "\n".join(textwrap.wrap(str(r.statement), 44, max_lines=3, placeholder=" …"))
            labels.append(f"{r.item}\n{stmt}")
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels(labels, fontsize=SMALL_PT, linespacing=1.15)
        for lbl in ax.get_yticklabels():
            lbl.set_color(TEXT_DARK)
        min_w = max(total * 0.035, 0.6)
        for i, r in enumerate(rows.to_dict("records")):
            left = 0.0
            for k in keys:
                count = float(r.get(k) or 0)
                if count <= 0:
                    continue
                if k.startswith("level_"):
                    lvl = int(k[-1])
                    fill = LEVEL_COLOURS[lvl]
                    ax.barh(
                        i,
                        count,
                        left=left,
                        height=0.64,
                        color=fill,
                        edgecolor="white",
                        linewidth=1.2,
                        zorder=2,
                    )
                    ink = text_colour(fill)
                else:
                    _, _, face, hatch, style = next(e for e in EXTRA if e[0] == k)
                    ax.barh(
                        i,
                        count,
                        left=left,
                        height=0.64,
                        color=face,
                        edgecolor=MID_GREY,
                        hatch=hatch,
                        linewidth=1.0,
                        linestyle=style,
                        zorder=2,
                    )
                    ink = TEXT_DARK
                if count >= min_w:
                    ax.text(
                        left + count / 2,
                        i,
                        f"{count:g}",
                        ha="center",
                        va="center",
                        fontsize=SMALL_PT,
                        color=ink,
                        zorder=4,
                        bbox=None if k.startswith("level_") else label_box("white"),
                    )
                left += count
        medians = (
            {r["item"]: num(r.get("median")) for r in rows.to_dict("records")}
            if "median" in rows.columns
            else {}
        )
        scored = {k: v for k, v in medians.items() if v is not None}
        if title is None:
            if scored:
                order = list(rows["item"])
                lo = min(scored, key=lambda k: (scored[k], order.index(k)))
                title = f"Item {lo} has the lowest median score ({scored[lo]:.1f})"
            else:
                title = "No item has been answered yet"
        add_title(
            fig,
            title,
            subtitle or "Each bar is one item; segments count organisations at each level.",
        )
        handles = level_legend_handles(level_names, missing=False, low_evidence=False)
        for key, label, face, hatch, style in EXTRA:
            if key in rows.columns:
                handles.append(
                    Patch(
                        facecolor=face,
                        edgecolor=MID_GREY,
                        hatch=hatch,
                        linestyle=style,
                        linewidth=0.8,
                        label=label,
                    )
                )
        add_legend(fig, handles, ncols=4, y=0.005)

    alt = [
        f"Stacked bars for {plural(len(rows), 'item')}, counting how many organisations "
        "rated each item at each level from 0 to 4, with N/A, don't know and not answered "
        "shown separately."
    ]
    if scored:
        lo = min(scored, key=scored.get)
        hi = max(scored, key=scored.get)
        alt.append(
            f"Lowest median: {lo} ({scored[lo]:.1f}); highest median: {hi} ({scored[hi]:.1f})."
        )
    return with_alt_text(fig, " ".join(alt))
