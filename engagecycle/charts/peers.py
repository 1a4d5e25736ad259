"""One organisation against the spread of its peers, one row per dimension."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..framework import Framework
from ..levels import LEVELS
from ..words import dimension_short, join_words, plural
from .rows import box_and_median, dimension_rows_frame, row_layout, rows_figure
from .style import (
    BOX_EDGE,
    DARK_GREY,
    MID_GREY,
    SMALL_PT,
    TEXT_DARK,
    add_legend,
    add_title,
    chart_style,
    flag,
    fmt_score,
    num,
    one_per_dimension,
    require_columns,
    with_alt_text,
)

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


def peer_spread(peer: pd.DataFrame, framework: Framework) -> Figure:
    """Own score against the spread of peers, one row per dimension (hub, then stages).

    Where `shown` is False (too few peers for privacy) only the own score is drawn.
    """
    require_columns(peer, PEER_COLUMNS, "peer_spread")
    rows = one_per_dimension(peer, framework, "peer_spread")
    names = {d.id: dimension_short(framework, d.id) for d in framework.dimensions}
    level_names = framework.levels or LEVELS
    ypos, headings, y_max = row_layout(
        [
            ("Hub elements", [d.id for d in framework.hub]),
            ("The five stages", [d.id for d in framework.stages]),
        ]
    )

    with chart_style():
        fig, ax = rows_figure(
            y_max, width=7.0, base=1.75, top_pad=0.82, bottom_pad=1.2, left=0.245, axis_width=0.53
        )
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
            flag(rows.get(d, {}).get("shown"))
            and num(rows.get(d, {}).get("peer_median")) is not None
            for d in ypos
        )
        for d_id, yy in ypos.items():
            r = rows.get(d_id, {})
            s = num(r.get("score"))
            shown = flag(r.get("shown")) and num(r.get("peer_median")) is not None
            low = flag(r.get("low_evidence"))
            tgt = num(r.get("target"))
            if shown:
                lo_, q1, med, q3, hi_ = (
                    num(r.get(c))
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
                if q1 is not None and q3 is not None and med is not None:
                    box_and_median(
                        ax,
                        yy,
                        q1,
                        med,
                        q3,
                        half_height=0.24,
                        median_half=0.3,
                        face=_BOX,
                        median_colour=DARK_GREY,
                        z=3,
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
            note = fmt_score(s)
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
        scored = sum(1 for d in ypos if num(rows.get(d, {}).get("score")) is not None)
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
        add_title(fig, title, sub)

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
            Patch(facecolor=_BOX, edgecolor=BOX_EDGE, label="Middle half of peers"),
            Line2D([], [], color=_RANGE, linewidth=1.4, label="Lowest to highest peer"),
        ]
        if not any_shown:  # no peer marks drawn, so explain only our own
            handles = handles[:3]
        add_legend(fig, handles, ncols=3, y=0.01)

    alt = [f"Our score for each of the {len(ypos)} dimensions against the spread of peer scores."]
    if compared:
        alt.append(
            f"Of the {len(compared)} dimensions with enough peers to compare, our score is above "
            f"the peer median on {len(above)}, below it on {len(below)} and level on {level}."
        )
        if below:
            alt.append(sub or "")
    if too_few:
        alt.append(f"Too few peers to show for {plural(len(too_few), 'dimension')}.")
    if no_score:
        alt.append(f"No score for {join_words(no_score)}.")
    if lows:
        alt.append(f"Low evidence for {join_words(lows)}.")
    if not scored:
        alt.append("No dimension has a score yet.")
    return with_alt_text(fig, " ".join(alt))
