"""The frame of the one-row-per-dimension charts (the peer spread in a report, the system
distribution on the overview), and the box-and-median mark both draw, in one place."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ..levels import LEVELS, MAX_LEVEL
from .style import (
    BASE_PT,
    BOX_EDGE,
    DARK_GREY,
    GRID,
    SMALL_PT,
    TEXT_DARK,
    new_figure,
    tick_fonts,
)


def row_layout(
    groups: list[tuple[str, list[str]]],
) -> tuple[dict[str, float], list[tuple[float, str]], float]:
    """Where each row and group heading sits, top to bottom, on the one-row-per-dimension charts.

    A group with a heading gets a heading line before its rows; groups are 0.4 of a row apart.
    Returns the y of each row by id, the (y, heading) pairs and the y of the last row, so both
    charts space their rows alike.
    """
    ypos: dict[str, float] = {}
    headings: list[tuple[float, str]] = []
    y = 0.0
    for heading, members in groups:
        if heading:
            headings.append((y, heading))
            y += 1.0
        for member in members:
            ypos[member] = y
            y += 1.0
        y += 0.4
    return ypos, headings, y - 0.4


def rows_figure(
    y_max: float,
    *,
    width: float,
    base: float,
    top_pad: float,
    bottom_pad: float,
    left: float,
    axis_width: float,
) -> tuple[Figure, Axes]:
    """A figure that grows 0.3 in per row, with the axes placed by fixed margins in inches.

    Margins in inches rather than fractions keep the title and the x labels the same size
    whether a chart has fifteen rows or sixteen.
    """
    height = round(base + 0.3 * y_max, 1)
    fig = new_figure(width, height)
    top = 1 - top_pad / height
    bottom = bottom_pad / height
    ax = fig.add_axes((left, bottom, axis_width, top - bottom))
    return fig, ax


def x_levels(ax: Axes, level_names: dict[int, str]) -> None:
    """x axis 0-4 with level names, and the level bands shaded lightly so a marker's band
    can be read without counting grid lines."""
    ax.set_xlim(-0.15, MAX_LEVEL + 0.15)
    ax.set_xticks(range(MAX_LEVEL + 1))
    ax.set_xticklabels([f"{k}\n{level_names.get(k, LEVELS[k])}" for k in range(MAX_LEVEL + 1)])
    for lo in (0.5, 2.5):
        ax.axvspan(lo, lo + 1, color="#F3F6F7", zorder=0, linewidth=0)


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

    Used by the peer spread here and the system distribution in `system`: level names
    on the x axis, dimension names as row labels, group headings ("Hub elements", "The five
    stages") with a rule under each, and a bold title over the right-hand number column.
    """
    tick_fonts(ax)
    x_levels(ax, level_names)
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


def box_and_median(
    ax: Axes,
    y: float,
    q1: float,
    median: float,
    q3: float,
    *,
    half_height: float,
    median_half: float,
    face: str,
    median_colour: str,
    z: float,
) -> None:
    """The middle half as a box and the median as a bar across it, on row `y`."""
    ax.add_patch(
        Rectangle(
            (q1, y - half_height),
            max(q3 - q1, 1e-6),
            2 * half_height,
            facecolor=face,
            edgecolor=BOX_EDGE,
            linewidth=0.8,
            zorder=z,
        )
    )
    ax.plot(
        [median, median],
        [y - median_half, y + median_half],
        color=median_colour,
        linewidth=2.4,
        zorder=z + 1,
        solid_capstyle="butt",
    )
