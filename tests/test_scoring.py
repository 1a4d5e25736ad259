"""Every scoring rule in design §4, checked against numbers worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from helpers import mini_framework

from engagecycle.assessment import Assessment, new_document
from engagecycle.levels import band, bands
from engagecycle.scoring import SCORE_COLUMNS, item_table, score_table

FW = mini_framework()  # 15 dimensions x 3 items, weights 1


def make(answers: dict, code="T01", period="2024/25", fw=FW, targets=None) -> Assessment:
    a = Assessment(new_document(fw, code, period, f"{code} ICB"))
    for item, spec in answers.items():
        if isinstance(spec, dict):
            if "level" in spec:
                a.set_level(item, spec["level"])
            if "raters" in spec:
                a.set_raters(item, spec["raters"])
            if spec.get("flag"):
                a.set_flag(item, True)
        else:
            a.set_level(item, spec)
    for dim, t in (targets or {}).items():
        a.set_target(dim, t)
    return a


def row(table: pd.DataFrame, dim: str, code="T01", period="2024/25") -> pd.Series:
    sel = table[(table.organisation == code) & (table.period == period) & (table.dimension == dim)]
    assert len(sel) == 1
    return sel.iloc[0]


def test_table_shape_and_columns():
    t = score_table([make({}), make({}, code="T02")], FW)
    assert list(t.columns) == SCORE_COLUMNS
    assert len(t) == 2 * (15 + 3)
    assert list(t[t.organisation == "T01"].dimension)[-3:] == ["hub", "cycle", "overall"]


def test_dimension_score_is_mean_of_answered_items():
    t = score_table([make({"vision.1": 4, "vision.2": 1, "vision.3": "unknown"})], FW)
    r = row(t, "vision")
    assert r.score == pytest.approx(2.5)
    assert r.percent == pytest.approx(62.5)
    assert r.level == "Established"  # 2.5 is the lower bound of Established
    assert (r.answered, r.applicable, r.unknown, r["items"]) == (2, 3, 1, 3)
    assert r.completeness == pytest.approx(2 / 3)
    assert not r.low_evidence


def test_weights():
    fw = mini_framework(weights={"vision.1": 2.0})
    a = make({"vision.1": 4, "vision.2": 1}, fw=fw)
    r = row(score_table([a], fw), "vision")
    assert r.score == pytest.approx((2 * 4 + 1) / 3)


def test_na_excluded_from_everything():
    t = score_table([make({"vision.1": "n/a", "vision.2": 2})], FW)
    r = row(t, "vision")
    assert r.score == 2 and r.applicable == 2 and r.na == 1
    assert r.completeness == pytest.approx(0.5)
    assert not r.low_evidence  # exactly 0.5 is not below 0.5


def test_all_na_dimension_has_no_score_and_is_not_low_evidence():
    t = score_table([make({"vision.1": "n/a", "vision.2": "n/a", "vision.3": "n/a"})], FW)
    r = row(t, "vision")
    assert math.isnan(r.score) and r.level == "" and r.applicable == 0
    assert math.isnan(r.completeness)
    assert not r.low_evidence


def test_nothing_answered_is_missing_not_zero():
    t = score_table([make({"vision.1": "unknown"})], FW)
    r = row(t, "vision")
    assert math.isnan(r.score) and r.level == ""
    # no score is never also "low evidence": there is no score to doubt (issue 9, point 5)
    assert r.completeness == 0 and not r.low_evidence
    assert math.isnan(row(t, "overall").score) and not row(t, "overall").low_evidence


def test_low_evidence_below_half():
    t = score_table([make({"vision.1": 3})], FW)
    r = row(t, "vision")
    assert r.completeness == pytest.approx(1 / 3) and r.low_evidence
    assert r.score == 3  # still scored, but marked


def test_raters_without_consensus_use_median_including_half():
    t = item_table(
        [
            make(
                {
                    "vision.1": {"raters": {"A": 1, "B": 2}},
                    "vision.2": {"raters": {"A": 1, "B": 2, "C": 4}},
                    "vision.3": {"level": 3, "raters": {"A": 0, "B": 4}},
                }
            )
        ],
        FW,
    )
    v = t.set_index("item")["value"]
    assert v["vision.1"] == 1.5
    assert v["vision.2"] == 2.0
    assert v["vision.3"] == 3.0  # a recorded consensus wins over the raters
    assert t.set_index("item").loc["vision.3", "spread"] == 4


def test_unknown_and_na_win_over_raters():
    t = item_table(
        [
            make(
                {
                    "vision.1": {"level": "unknown", "raters": {"A": 3, "B": 3}},
                    "vision.2": {"level": "n/a", "raters": {"A": 3}},
                }
            )
        ],
        FW,
    )
    s = t.set_index("item")["status"]
    assert s["vision.1"] == "unknown" and s["vision.2"] == "na"


def test_discussion_flag_from_spread_or_flag():
    t = item_table(
        [
            make(
                {
                    "vision.1": {"raters": {"A": 1, "B": 3}},
                    "vision.2": {"raters": {"A": 1, "B": 2}},
                    "vision.3": {"level": 2, "flag": True},
                }
            )
        ],
        FW,
    )
    d = t.set_index("item")["discuss"]
    assert d["vision.1"] and not d["vision.2"] and d["vision.3"]
    st = score_table(
        [make({"vision.1": {"raters": {"A": 1, "B": 3}}, "vision.3": {"level": 2, "flag": True}})],
        FW,
    )
    assert row(st, "vision").discuss == 2


def test_hub_cycle_overall_are_means_of_dimension_scores_present():
    answers = {"vision.1": 4, "strategy.1": 2, "strategy.2": 1, "identify.1": 3, "monitor.1": 0}
    t = score_table([make(answers)], FW)
    assert row(t, "hub").score == pytest.approx((4 + 1.5) / 2)
    assert row(t, "cycle").score == pytest.approx((3 + 0) / 2)
    # overall: equal weight per dimension, not per item
    assert row(t, "overall").score == pytest.approx((4 + 1.5 + 3 + 0) / 4)
    assert row(t, "overall").dimensions_scored == 4
    assert row(t, "hub").completeness == pytest.approx(3 / 30)


def test_targets_are_carried_into_the_table():
    t = score_table([make({"identify.1": 2}, targets={"identify": 3})], FW)
    assert row(t, "identify").target == 3
    assert pd.isna(row(t, "develop").target)


@pytest.mark.parametrize(
    "score, name",
    [
        (0.0, "Not started"),
        (0.49999, "Not started"),
        (0.5, "Emerging"),
        (1.4999, "Emerging"),
        (1.5, "Developing"),
        (2.5, "Established"),
        (3.4999, "Established"),
        (3.5, "Embedded"),
        (4.0, "Embedded"),
        (2.4999999999999996, "Established"),  # 2.5 after floating-point noise
        (float("nan"), ""),
        (None, ""),
    ],
)
def test_band_boundaries(score, name):
    assert band(score) == name
    if score is not None:
        assert bands(pd.Series([score])).iloc[0] == name


def test_float_noise_at_band_boundary_in_the_table():
    # (0.1 * 3 + 0.2 * 3 ...) style noise: weights chosen so the mean is 1.5 on paper
    fw = mini_framework(weights={"vision.1": 0.1, "vision.2": 0.2, "vision.3": 0.3})
    a = make({"vision.1": 1, "vision.2": 1, "vision.3": 2}, fw=fw)
    r = row(score_table([a], fw), "vision")
    assert r.score == pytest.approx(1.5)
    assert r.level == "Developing"
