"""Tests for engagecycle.charts: each chart states a finding, copes with gaps, and prints well."""

from __future__ import annotations

import base64
import io
import math

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from helpers import mini_framework
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.text import Text
from PIL import Image

from engagecycle.benchmark.rules import NOT_ENOUGH
from engagecycle.charts.baton import baton_diagram
from engagecycle.charts.peers import peer_spread
from engagecycle.charts.style import (
    BOX_EDGE,
    LEVEL_COLOURS,
    LOW_EVIDENCE_HATCH,
    MID_GREY,
    MISSING_FACE,
    MISSING_HATCH,
    TEXT_DARK,
    TEXT_LIGHT,
    contrast_ratio,
    figure_title,
    figure_to_data_uri,
    font_family,
    level_legend_handles,
    relative_luminance,
    score_colour,
    text_colour,
)
from engagecycle.charts.trend import trend
from engagecycle.charts.wheel import cycle_wheel
from engagecycle.framework import STAGE_IDS
from engagecycle.levels import LEVELS, band
from engagecycle.scoring import SCORE_COLUMNS

FW = mini_framework()


# --- builders -------------------------------------------------------------------------------


def dims_frame(scores: dict[str, float] | None = None, low: set[str] = frozenset()) -> pd.DataFrame:
    """Score-table rows for one organisation and period; default score 2.0 per dimension."""
    scores = scores or {}
    rows = []
    for d in FW.dimensions:
        s = scores.get(d.id, 2.0)
        rows.append(
            {
                "organisation": "X01",
                "period": "2024/25",
                "dimension": d.id,
                "kind": d.kind,
                "title": d.title,
                "score": s,
                "level": band(s),
                "completeness": 0.3 if d.id in low else 1.0,
                "low_evidence": d.id in low,
                "target": np.nan,
            }
        )
    return pd.DataFrame(rows).reindex(columns=SCORE_COLUMNS)


def peer_frame(shown: bool | dict[str, bool] = True, **kw) -> pd.DataFrame:
    df = dims_frame(**kw)
    df["peer_min"], df["peer_q1"], df["peer_median"] = 0.5, 1.5, 2.5
    df["peer_q3"], df["peer_max"] = 3.0, 3.8
    df["shown"] = [shown.get(d, True) if isinstance(shown, dict) else shown for d in df.dimension]
    df.loc[df.dimension.isin(STAGE_IDS), "target"] = 3.0
    return df


def history_frame(values: dict[str, tuple[float, float, float]], org: str = "X01"):
    rows = [
        {"organisation": org, "period": p, "dimension": k, "score": v}
        for p, trio in values.items()
        for k, v in zip(("overall", "hub", "cycle"), trio, strict=True)
    ]
    return pd.DataFrame(rows)


def baton_frame(values: list[float]) -> pd.DataFrame:
    rows = []
    for i, s in enumerate(STAGE_IDS):
        v = values[i]
        known = not math.isnan(v)
        rows.append(
            {
                "from_stage": s,
                "to_stage": STAGE_IDS[(i + 1) % len(STAGE_IDS)],
                "value": v,
                "level": band(v),
                "status": "answered" if known else "unknown",
                "dropped": known and v < 2,
            }
        )
    return pd.DataFrame(rows)


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def check_common(fig: Figure) -> None:
    """Every chart: a Figure, a finding as title, alt text, drawable, readable text sizes."""
    assert isinstance(fig, Figure)
    assert figure_title(fig).strip()
    assert isinstance(fig.alt_text, str) and len(fig.alt_text) > 20
    figure_to_data_uri(fig)  # draws the figure, creating tick labels
    small = [
        (t.get_text(), t.get_fontsize())
        for t in fig.findobj(Text)
        if t.get_text().strip() and t.get_visible() and t.get_fontsize() < 9
    ]
    assert not small, f"text below 9 pt: {small}"


# --- palette --------------------------------------------------------------------------------


def test_palette_luminance_strictly_falls_with_level():
    lum = [relative_luminance(LEVEL_COLOURS[k]) for k in range(5)]
    assert all(a > b for a, b in zip(lum, lum[1:], strict=False)), lum


def test_palette_neighbours_differ_visibly():
    # A contrast ratio of 1.25 between neighbouring levels keeps them apart in greyscale print.
    for k in range(4):
        a, b = LEVEL_COLOURS[k], LEVEL_COLOURS[k + 1]
        assert contrast_ratio(a, b) >= 1.25, (k, a, b)


def test_text_on_every_level_meets_wcag_aa():
    for k, fill in LEVEL_COLOURS.items():
        assert contrast_ratio(fill, text_colour(fill)) >= 4.5, k
    assert text_colour(LEVEL_COLOURS[4]) == TEXT_LIGHT
    assert text_colour(LEVEL_COLOURS[0]) == TEXT_DARK


def test_relative_luminance_of_black_and_white():
    assert relative_luminance("#000000") == pytest.approx(0.0)
    assert relative_luminance("#FFFFFF") == pytest.approx(1.0)
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)


def test_score_colour_follows_level_bands_and_missing_is_white():
    assert score_colour(0.49) == LEVEL_COLOURS[0]
    assert score_colour(2.5) == LEVEL_COLOURS[3]
    assert score_colour(float("nan")) == MISSING_FACE
    assert score_colour(None) == MISSING_FACE


def test_legend_handles_explain_levels_missing_and_low_evidence():
    handles = level_legend_handles()
    labels = [h.get_label() for h in handles]
    for k, name in LEVELS.items():
        assert f"{k} {name}" in labels
    missing = next(h for h in handles if h.get_label() == "No score")
    assert missing.get_hatch() == MISSING_HATCH
    low = next(h for h in handles if h.get_label().startswith("Low evidence"))
    assert low.get_hatch() == LOW_EVIDENCE_HATCH and low.get_linestyle() == "--"
    assert len(level_legend_handles(missing=False, low_evidence=False)) == 5


def test_font_family_only_names_installed_fonts():
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    fam = font_family()
    assert fam and all(f in installed for f in fam)


# --- cycle wheel ----------------------------------------------------------------------------


def test_wheel_names_the_weakest_stage_and_summarises_in_alt_text():
    fig = cycle_wheel(dims_frame({"procure": 0.8, "identify": 3.4}), FW)
    check_common(fig)
    assert figure_title(fig) == "Procure is the weakest stage"
    assert "0.8 (Procure)" in fig.alt_text and "3.4 (Identify)" in fig.alt_text


def test_wheel_ties_name_every_weakest_stage():
    fig = cycle_wheel(dims_frame({"procure": 1.0, "monitor": 1.0}), FW)
    assert figure_title(fig) == "Procure and Monitor are the weakest stages"


def test_wheel_custom_title_is_used():
    fig = cycle_wheel(dims_frame(), FW, title="Our wheel")
    assert figure_title(fig) == "Our wheel"


def test_wheel_labels_every_dimension_with_its_score():
    fig = cycle_wheel(dims_frame({"vision": 3.25}), FW)
    joined = "\n".join(texts(fig))
    assert "Vision\n3.2" in joined or "Vision\n3.3" in joined
    for d in FW.dimensions:
        assert d.short.capitalize()[:4] in joined


def test_wheel_marks_missing_and_low_evidence():
    fig = cycle_wheel(dims_frame({"roles": np.nan}, low={"monitor"}), FW)
    check_common(fig)
    ax = fig.axes[0]
    hatches = [p.get_hatch() for p in ax.patches]
    assert MISSING_HATCH in hatches
    assert LOW_EVIDENCE_HATCH in hatches
    assert any(p.get_linestyle() not in ("-", "solid") for p in ax.patches)
    assert any("no score" in t for t in texts(fig))
    assert any("low evidence" in t for t in texts(fig))
    assert "Roles" in fig.alt_text and "Low evidence" in fig.alt_text


def test_wheel_with_nothing_answered():
    df = dims_frame({d.id: np.nan for d in FW.dimensions})
    fig = cycle_wheel(df, FW)
    check_common(fig)
    assert figure_title(fig).startswith("No scores yet")
    assert sum("no score" in t for t in texts(fig)) >= 15


def test_wheel_with_no_rows_at_all():
    fig = cycle_wheel(dims_frame().iloc[0:0], FW)
    check_common(fig)
    assert figure_title(fig).startswith("No scores yet")


def test_wheel_ignores_aggregate_rows_but_rejects_two_periods():
    df = dims_frame()
    extra = df.iloc[:1].assign(dimension="overall", score=0.0)
    cycle_wheel(pd.concat([df, extra]), FW)
    with pytest.raises(ValueError, match="more than once"):
        cycle_wheel(pd.concat([df, df]), FW)


def test_wheel_missing_column_is_a_clear_error():
    with pytest.raises(ValueError, match="low_evidence"):
        cycle_wheel(dims_frame().drop(columns=["low_evidence"]), FW)


def test_charts_leave_no_pyplot_figures_or_rc_changes():
    before_figs = plt.get_fignums()
    before_rc = dict(mpl.rcParams)
    cycle_wheel(dims_frame(), FW)
    peer_spread(peer_frame(), FW)
    trend(history_frame({"2023/24": (1, 1, 1), "2024/25": (2, 2, 2)}), FW)
    baton_diagram(baton_frame([3, 1, 2, np.nan, 0]))
    assert plt.get_fignums() == before_figs
    changed = [k for k, v in mpl.rcParams.items() if before_rc.get(k) != v]
    assert not changed


# --- peer spread ----------------------------------------------------------------------------


def test_peer_spread_counts_dimensions_below_median():
    low_dims = ["vision", "roles", "identify"]
    fig = peer_spread(peer_frame(scores={d: 1.0 for d in low_dims}, shown=True), FW)
    check_common(fig)
    # Defaults are 2.0 against a median of 2.5, so every dimension is below.
    assert figure_title(fig) == "Below the peer median on 15 of 15 dimensions"
    fig = peer_spread(
        peer_frame(scores={d.id: 3.0 for d in FW.dimensions if d.id not in low_dims}), FW
    )
    assert figure_title(fig) == "At or above the peer median on 12 of 15 dimensions"
    assert "below it on 3" in fig.alt_text


def middle_half_boxes(ax) -> list:
    """The peers' middle-half boxes (outlined in BOX_EDGE; the level bands are not)."""
    return [
        p for p in ax.patches if isinstance(p, Rectangle) and p.get_edgecolor() == to_rgba(BOX_EDGE)
    ]


def test_peer_spread_hides_peers_when_too_few():
    fig = peer_spread(peer_frame(shown={"vision": False, "monitor": False}), FW)
    check_common(fig)
    ax = fig.axes[0]
    boxes = middle_half_boxes(ax)
    assert len(boxes) == 13
    assert sum("too few peers" in t for t in texts(fig)) == 2
    fig = peer_spread(peer_frame(shown=False), FW)
    assert not middle_half_boxes(fig.axes[0])
    assert figure_title(fig) == "Too few peers to compare this year"


def test_peer_spread_missing_and_low_evidence_scores():
    fig = peer_spread(peer_frame(scores={"roles": np.nan}, low={"develop"}), FW)
    check_common(fig)
    notes = texts(fig)
    assert "no score" in notes
    assert any("low evidence" in t for t in notes)
    assert "No score for Roles" in fig.alt_text


def test_peer_spread_all_missing():
    df = peer_frame(scores={d.id: np.nan for d in FW.dimensions})
    fig = peer_spread(df, FW)
    check_common(fig)
    assert figure_title(fig) == "No scores to compare yet"


def test_peer_spread_targets_drawn_only_when_present():
    def triangles(fig):
        return [
            ln for ln in fig.axes[0].lines if ln.get_marker() == "v" and len(ln.get_xdata()) == 1
        ]

    assert len(triangles(peer_spread(peer_frame(), FW))) == 5
    assert len(triangles(peer_spread(peer_frame().assign(target=np.nan), FW))) == 0


def test_peer_spread_needs_its_columns():
    with pytest.raises(ValueError, match="peer_q3"):
        peer_spread(peer_frame().drop(columns=["peer_q3"]), FW)


# --- trend ----------------------------------------------------------------------------------


def _yoy(direction: str, change: float, n: int = 40, applicable: int = 60) -> dict:
    return {
        "previous_period": "2022/23",
        "direction": direction,
        "change": change,
        "items_compared": n,
        "applicable": applicable,
    }


def test_trend_title_states_the_like_for_like_change_the_report_states():
    # issue 9, point 4: the published points rose by 0.7 (1.2 -> 1.9) but the like-for-like
    # change (what the headline and table say) is +0.5: the title says +0.5, and which it is
    up = history_frame({"2022/23": (1.2, 1.0, 1.4), "2023/24": (1.9, 2.0, 1.8)})
    fig = trend(up, FW, _yoy("improved", 0.5))
    check_common(fig)
    title = figure_title(fig)
    assert title == "Overall score improved by +0.5 since 2022/23, like for like"
    assert "1.2" not in title and "0.7" not in title
    assert "40 items answered in both years" in " ".join(" ".join(texts(fig)).split())
    down = history_frame({"2022/23": (3.0, 3.0, 3.0), "2024/25": (2.0, 2.0, 2.0)})
    assert "declined by −1.0" in figure_title(trend(down, FW, _yoy("declined", -1)))
    flat = history_frame({"2022/23": (2.0, 2.0, 2.0), "2024/25": (2.1, 2.0, 2.0)})
    title = figure_title(trend(flat, FW, _yoy("no real change", 0.1)))
    assert title.startswith("No real change")
    few = trend(flat, FW, _yoy(NOT_ENOUGH, math.nan, n=3))
    assert figure_title(few) == "Too few comparable answers to measure change since 2022/23"
    assert "Only 3 of 60 items" in " ".join(" ".join(texts(few)).split())
    # without the report's change the chart claims none
    assert figure_title(trend(up, FW)) == "Overall score 1.9 in 2023/24"


def test_trend_orders_periods_and_labels_line_ends_directly():
    h = history_frame({"2024/25": (2.4, 2.5, 2.3), "2021/22": (1.0, 1.0, 1.0)})
    fig = trend(h, FW)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2021/22", "2024/25"]
    assert ax.get_legend() is None
    assert {"Overall 2.4", "Hub 2.5", "Five stages 2.3"} <= set(texts(fig))


def test_trend_single_period_says_no_trend_yet():
    fig = trend(history_frame({"2024/25": (2.1, 2.3, 1.9)}), FW)
    check_common(fig)
    assert "First assessment: no trend yet" in texts(fig)
    assert "2.1" in figure_title(fig)
    assert "no trend" in fig.alt_text


def test_trend_handles_a_year_without_scores():
    h = history_frame(
        {"2022/23": (1.0, 1.0, 1.0), "2023/24": (np.nan,) * 3, "2024/25": (2.0, 2.0, 2.0)}
    )
    fig = trend(h, FW)
    check_common(fig)
    assert any("no score" in t and "2023/24" in t for t in texts(fig))


def test_trend_with_no_scores():
    fig = trend(history_frame({"2024/25": (np.nan,) * 3}), FW)
    check_common(fig)
    assert figure_title(fig) == "No scores to show yet"


def test_trend_rejects_several_organisations():
    h = pd.concat(
        [history_frame({"2024/25": (1, 1, 1)}), history_frame({"2024/25": (2, 2, 2)}, "X02")]
    )
    with pytest.raises(ValueError, match="one organisation"):
        trend(h, FW)


# --- baton ----------------------------------------------------------------------------------


def test_baton_dropped_hand_overs_are_labelled_in_words():
    fig = baton_diagram(baton_frame([3.0, 1.0, np.nan, 2.5, 0.0]), FW)
    check_common(fig)
    labels = texts(fig)
    assert labels.count("Baton dropped") == 2
    assert "Not known" in labels
    assert "Level 1\nEmerging" in labels and "Level 2.5\nEstablished" in labels
    assert figure_title(fig) == "The baton is dropped at 2 of 4 rated hand-overs"
    assert "Develop → Improve" in fig.alt_text


def test_baton_unknown_hand_over_is_grey_and_dashed():
    fig = baton_diagram(baton_frame([3.0, 3.0, np.nan, 3.0, 3.0]))
    grey_dashed = [
        ln
        for ln in fig.axes[0].lines
        if mpl.colors.same_color(ln.get_color(), MID_GREY) and ln.get_linestyle() == "--"
    ]
    assert len(grey_dashed) == 1
    assert "Not known" in fig.alt_text


def test_baton_all_passed_and_all_unknown():
    fig = baton_diagram(baton_frame([4, 3, 2, 3.5, 2]))
    check_common(fig)
    assert figure_title(fig) == "The baton is passed on at every hand-over"
    assert "Baton dropped" not in texts(fig)
    fig = baton_diagram(baton_frame([np.nan] * 5))
    check_common(fig)
    assert figure_title(fig) == "No hand-over has been rated yet"


def test_baton_uses_the_dropped_column():
    df = baton_frame([1.0, 3.0, 3.0, 3.0, 3.0])
    df["dropped"] = False  # the caller's rule wins over the default threshold
    assert "Baton dropped" not in texts(baton_diagram(df))


def test_baton_rejects_unknown_stages():
    df = baton_frame([3.0] * 5)
    df.loc[0, "to_stage"] = "deliver"
    with pytest.raises(ValueError, match="deliver"):
        baton_diagram(df)


# --- output ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: cycle_wheel(dims_frame({"roles": np.nan}, low={"monitor"}), FW),
        lambda: peer_spread(peer_frame(), FW),
        lambda: trend(history_frame({"2023/24": (1, 1, 1), "2024/25": (2, 2, 2)}), FW),
        lambda: baton_diagram(baton_frame([3.0, 1.0, np.nan, 2.5, 0.0])),
    ],
)
def test_data_uri_is_a_small_valid_png(make):
    fig = make()
    uri = figure_to_data_uri(fig, dpi=110)
    prefix = "data:image/png;base64,"
    assert uri.startswith(prefix)
    data = base64.b64decode(uri[len(prefix) :], validate=True)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) < 120 * 1024
    with Image.open(io.BytesIO(data)) as img:
        w, h = fig.get_size_inches()
        assert abs(img.size[0] - w * 110) <= 1 and abs(img.size[1] - h * 110) <= 1


def test_legend_patches_are_real_patches():
    assert all(isinstance(h, Patch) for h in level_legend_handles())


def test_trend_counts_too_few_as_the_headline_does():
    # after a change of question bank the headline counts over the items that kept their
    # meaning, and says "none" rather than "only 0": the chart under it says the same
    flat = history_frame({"2023/24": (2.0, 2.0, 2.0), "2024/25": (2.1, 2.0, 2.0)})
    across = {**_yoy(NOT_ENOUGH, math.nan, n=0, applicable=75), "comparable_applicable": 38}
    words = " ".join(" ".join(texts(trend(flat, FW, across))).split())
    assert "None of the 38 comparable items were answered in both years" in words
    assert "Only 0" not in words and "75" not in words
