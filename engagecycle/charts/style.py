"""The look every chart shares, public so a new chart starts from it: palette, fonts, figure
scaffolding, legends, hatching, input checks, and the one way a chart leaves the package (a
PNG data URI).

Why it looks this way:
- Readers include lay board members, people with colour-vision deficiency and people reading
  a greyscale print. So maturity levels use one sequential hue (pale grey to NHS Dark Blue)
  whose luminance falls strictly with the level, every coloured shape also carries its level
  in words, missing scores and low evidence are shown by pattern and outline as well as
  colour, and each figure states its finding in the title and carries plain-English alt
  text (`fig.alt_text`).
- Fonts are chosen from what is installed (Arial, Helvetica, Liberation Sans, DejaVu Sans):
  nothing is fetched and no missing-font warnings are logged.
- Every Figure is built directly, never through pyplot, so a report kernel that is reused
  between organisations cannot leak figures or state from one report into the next.
"""

from __future__ import annotations

import base64
import io
import math
import textwrap
from collections.abc import Iterable
from contextlib import contextmanager
from functools import lru_cache

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..framework import Framework
from ..levels import LEVELS, MAX_LEVEL, band_index

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
    return level_colour(band_index(num(score)))


def num(x: object) -> float | None:
    """A float, or None for NaN / None / pandas NA (charts treat all of these as missing)."""
    if x is None or x is pd.NA:
        return None
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def flag(x: object) -> bool:
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
def chart_style():
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


def new_figure(width: float, height: float) -> Figure:
    """A Figure that belongs to no pyplot manager (so it can never leak between reports)."""
    fig = Figure(figsize=(width, height), dpi=100, facecolor="white")
    fig.alt_text = ""  # type: ignore[attr-defined]
    return fig


def tick_fonts(ax: Axes) -> None:
    """Fix tick fonts on the Axes: ticks are created lazily at draw time, outside chart_style()."""
    ax.tick_params(labelfontfamily=list(font_family()), labelsize=SMALL_PT, colors=DARK_GREY)


def add_title(fig: Figure, title: str, subtitle: str | None = None) -> None:
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


def with_alt_text(fig: Figure, alt: str) -> Figure:
    fig.alt_text = " ".join(alt.split())  # type: ignore[attr-defined]
    return fig


def fmt_score(score: float | None) -> str:
    return "no score" if score is None else f"{score:.1f}"


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


def add_legend(fig: Figure, handles: list, ncols: int, y: float = 0.015, **kw) -> None:
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


def mark_shape(ax: Axes, make, fill: str, low: bool, missing: bool, z: float = 2) -> None:
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


def label_box(fill: str) -> dict:
    """A tight box in the fill colour behind a label, so hatching never runs through text."""
    return {"boxstyle": "round,pad=0.18", "facecolor": fill, "edgecolor": "none"}


# --- input checks ---------------------------------------------------------------------------


def require_columns(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{what}: the table is missing column(s) {', '.join(missing)}; "
            f"it has {', '.join(map(str, df.columns)) or 'no columns'}"
        )


def one_per_dimension(df: pd.DataFrame, framework: Framework, what: str) -> dict[str, dict]:
    """Rows keyed by dimension id; rows for hub/cycle/overall aggregates are ignored."""
    rows = df[df["dimension"].isin(list(framework.by_id))]
    dup = rows["dimension"][rows["dimension"].duplicated()].unique().tolist()
    if dup:
        raise ValueError(
            f"{what}: dimension(s) {', '.join(dup)} appear more than once; pass the rows of one "
            "organisation and one period"
        )
    return {r["dimension"]: r for r in rows.to_dict("records")}


def polar(r: float, deg: float) -> tuple[float, float]:
    """A point at radius `r` and `deg` degrees anticlockwise from three o'clock."""
    t = math.radians(deg)
    return r * math.cos(t), r * math.sin(t)


def mean_present(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


GRID = "#D5DDE0"
BOX_EDGE = "#8A9FB5"  # outline of a middle-half box


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
