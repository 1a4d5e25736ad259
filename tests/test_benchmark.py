"""Benchmarking and year on year (design §5) on small hand-computed fixtures, and on random
tables against plain one-organisation-at-a-time references (at the end).

Every expected number in this file was worked out by hand from the fixture in the same test,
using the mini framework (3 items per dimension unless stated, item 1 of each stage is its
hand-over item, all weights 1).
"""

from __future__ import annotations

import math
import random
from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy.stats import percentileofscore

from engagecycle.assessment import Assessment, new_document
from engagecycle.benchmark.change import YOY_COLUMNS, change_table, year_on_year
from engagecycle.benchmark.findings import (
    BATON_COLUMNS,
    DISCUSS_COLUMNS,
    PICK_COLUMNS,
    PLAN_COLUMNS,
    PROGRESS_COLUMNS,
    action_plan,
    action_progress,
    baton,
    discussion_items,
    evidence_gaps,
    evidence_highlights,
    priorities,
    strengths,
)
from engagecycle.benchmark.peers import (
    PEER_COLUMNS,
    PEER_STATS,
    peer_basis,
    peer_figures,
    peer_table,
    percentile_rank,
)
from engagecycle.benchmark.report_data import build_report_data
from engagecycle.benchmark.rules import NOT_ENOUGH, quartile_band
from engagecycle.errors import EngageError
from engagecycle.framework import DIMENSION_IDS, load_framework
from engagecycle.scoring import item_table, score_table
from tests.helpers import mini_framework

FW = mini_framework()
P = "2024/25"
ORDER = list(DIMENSION_IDS) + ["hub", "cycle", "overall"]


def make(
    code: str,
    period: str = P,
    fill: int | None = None,
    answers: dict | None = None,
    *,
    fw=FW,
    peer_group: str | None = None,
    raters: dict | None = None,
    evidence: dict | None = None,
    flags: tuple = (),
    targets: dict | None = None,
) -> Assessment:
    """An in-memory assessment: every item at `fill`, then `answers` (None clears an item)."""
    a = Assessment(new_document(fw, code, period, f"Org {code}", peer_group=peer_group))
    if fill is not None:
        for item in fw.items:
            a.set_level(item, fill)
    for item, level in (answers or {}).items():
        a.set_level(item, level)
    for item, rs in (raters or {}).items():
        a.set_raters(item, {f"r{n}": v for n, v in enumerate(rs, 1)})
    for item, text in (evidence or {}).items():
        a.set_evidence(item, text)
    for item in flags:
        a.set_flag(item, True)
    for dim, t in (targets or {}).items():
        a.set_target(dim, t)
    return a


def dim_items(dim: str, values, fw=FW) -> dict:
    """{dim.1: v1, dim.2: v2, ...} for the items of one dimension."""
    return {f"{dim}.{n}": v for n, v in enumerate(values, 1)}


def tables(assessments, fw=FW):
    items = item_table(assessments, fw)
    return score_table(assessments, fw, items), items


def row(df: pd.DataFrame, dimension: str) -> pd.Series:
    sub = df[df["dimension"] == dimension]
    assert len(sub) == 1, f"expected one row for {dimension}"
    return sub.iloc[0]


# ---------------------------------------------------------------- percentile rank and band


def test_percentile_rank_by_hand_with_ties():
    # peers 1, 2, 2, 3 and own 2: one strictly below, three at or below -> (1 + 3) / 2 / 4
    assert percentile_rank([1, 2, 2, 3], 2) == pytest.approx(50.0)
    # own above everyone: (4 + 4) / 2 / 4 = 100; below everyone: 0
    assert percentile_rank([1, 2, 2, 3], 3.5) == pytest.approx(100.0)
    assert percentile_rank([1, 2, 2, 3], 0) == pytest.approx(0.0)
    # own equal to the single lowest of 4: (0 + 1) / 2 / 4 = 12.5
    assert percentile_rank([1, 2, 2, 3], 1) == pytest.approx(12.5)


def test_percentile_rank_ignores_missing_and_needs_peers_and_own():
    assert percentile_rank([1.0, np.nan, 3.0], 2.0) == pytest.approx(50.0)
    assert math.isnan(percentile_rank([], 2.0))
    assert math.isnan(percentile_rank([np.nan], 2.0))
    assert math.isnan(percentile_rank([1.0, 2.0], np.nan))
    assert math.isnan(percentile_rank([1.0, 2.0], None))


def test_percentile_rank_matches_scipy_mean_kind_on_random_cases():
    rng = random.Random(20240)
    grid = [x / 2 for x in range(9)]  # 0, 0.5, ... 4: a coarse grid makes many ties
    for _ in range(600):
        n = rng.randint(1, 25)
        peers = [rng.choice(grid) if rng.random() < 0.7 else rng.uniform(0, 4) for _ in range(n)]
        own = rng.choice(peers) if rng.random() < 0.5 else rng.choice(grid)
        expected = percentileofscore(peers, own, kind="mean")
        assert percentile_rank(peers, own) == pytest.approx(expected, abs=1e-12), (peers, own)


@pytest.mark.parametrize(
    ("pct", "expected"),
    [
        (100, "top"),
        (75, "top"),
        (74.99, "second"),
        (50, "second"),
        (49.99, "third"),
        (25, "third"),
        (24.99, "bottom"),
        (0, "bottom"),
        (math.nan, ""),
    ],
)
def test_quartile_band_boundaries(pct, expected):
    assert quartile_band(pct) == expected


# ---------------------------------------------------------------- peer table


def five_peers_and_own():
    """Own X00 at 2 everywhere; peers at 1, 1, 2, 3, 4 everywhere."""
    own = make("X00", fill=2)
    peers = [make(f"P{n}", fill=v) for n, v in enumerate([1, 1, 2, 3, 4], 1)]
    return [own, *peers]


def test_peer_table_exactly_five_peers_is_shown_with_hand_statistics():
    scores, _ = tables(five_peers_and_own())
    peer = peer_table(scores, "X00", P)
    assert list(peer.columns) == PEER_COLUMNS
    assert list(peer["dimension"]) == ORDER
    r = row(peer, "vision")
    assert r["peer_n"] == 5 and bool(r["shown"])
    # sorted peers 1, 1, 2, 3, 4 (quantile positions 0, 1, 2, 3, 4 of 0..4)
    assert (r["peer_min"], r["peer_q1"], r["peer_median"], r["peer_q3"], r["peer_max"]) == (
        1.0,
        1.0,
        2.0,
        3.0,
        4.0,
    )
    # own 2: two below, three at or below -> (2 + 3) / 2 / 5 * 100 = 50 -> second quarter
    assert r["percentile"] == pytest.approx(50.0)
    assert r["band"] == "second"
    assert r["score"] == 2.0 and r["level"] == "Developing"
    # the aggregates are compared too
    assert row(peer, "overall")["peer_median"] == 2.0
    assert row(peer, "cycle")["percentile"] == pytest.approx(50.0)


def test_peer_table_interpolates_quartiles_linearly():
    own = make("X00", fill=2)
    peers = [make(f"P{n}", fill=v) for n, v in enumerate([0, 1, 2, 2, 3, 4], 1)]
    scores, _ = tables([own, *peers])
    r = row(peer_table(scores, "X00", P), "identify")
    # six sorted peers 0 1 2 2 3 4; positions q1 1.25, median 2.5, q3 3.75
    assert r["peer_q1"] == pytest.approx(1 + 0.25 * (2 - 1))
    assert r["peer_median"] == pytest.approx(2.0)
    assert r["peer_q3"] == pytest.approx(2 + 0.75 * (3 - 2))
    # own 2 ties with two peers: two below, four at or below -> (2 + 4) / 2 / 6 * 100 = 50
    assert r["percentile"] == pytest.approx(50.0)


def test_peer_table_hides_everything_below_minimum_but_reports_n():
    assessments = five_peers_and_own()[:-1]  # four peers
    scores, _ = tables(assessments)
    peer = peer_table(scores, "X00", P)
    assert (peer["peer_n"] == 4).all()
    assert not peer["shown"].any()
    for c in [*PEER_STATS, "percentile"]:
        assert peer[c].isna().all(), c
    assert (peer["band"] == "").all()
    # the minimum is configurable
    shown = peer_table(scores, "X00", P, min_peers=4)
    assert shown["shown"].all()
    assert row(shown, "vision")["peer_median"] == pytest.approx(1.5)  # peers 1 1 2 3


def test_dimension_without_score_is_missing_not_zero_and_not_a_peer():
    own = make("X00", fill=2, answers=dim_items("vision", [None, None, None]))
    peers = [make(f"P{n}", fill=v) for n, v in enumerate([1, 1, 2, 3, 4], 1)]
    # P5 (all 4s) did not answer strategy: it must not count as a 0 among the peers
    peers[4] = make("P5", fill=4, answers=dim_items("strategy", ["unknown", None, "unknown"]))
    scores, _ = tables([own, *peers])
    peer = peer_table(scores, "X00", P)

    v = row(peer, "vision")
    assert math.isnan(v["score"]) and v["level"] == ""
    assert bool(v["shown"]) and v["peer_n"] == 5  # peers are still shown ...
    assert math.isnan(v["percentile"]) and v["band"] == ""  # ... but no rank without a score

    s = row(peer, "strategy")
    assert s["peer_n"] == 4 and not bool(s["shown"])
    assert math.isnan(s["peer_min"])
    hidden = peer_table(scores, "X00", P, min_peers=4)
    assert row(hidden, "strategy")["peer_min"] == 1.0  # a 0 would have leaked in otherwise
    assert row(hidden, "strategy")["peer_max"] == 3.0


def test_peer_group_filter_and_organisation_given_as_int():
    own = make("101", fill=2, peer_group="North")
    north = [make(f"N{n}", fill=v, peer_group="North") for n, v in enumerate([0, 1, 3, 4, 4], 1)]
    south = [make(f"S{n}", fill=3, peer_group="South") for n in range(1, 4)]
    scores, _ = tables([own, *north, *south])

    everyone = peer_table(scores, 101, P)
    assert (everyone["peer_n"] == 8).all()
    # peers 0 1 3 3 3 3 4 4, own 2: two below -> (2 + 2) / 2 / 8 * 100 = 25 -> third
    assert row(everyone, "roles")["percentile"] == pytest.approx(25.0)
    assert row(everyone, "roles")["band"] == "third"

    group = peer_table(scores, 101, P, peer_group="North")
    assert (group["peer_n"] == 5).all()
    # peers 0 1 3 4 4, own 2: (2 + 2) / 2 / 5 * 100 = 40
    assert row(group, "roles")["percentile"] == pytest.approx(40.0)
    assert row(group, "roles")["peer_median"] == 3.0

    south_only = peer_table(scores, "101", P, peer_group="South")
    assert (south_only["peer_n"] == 3).all() and not south_only["shown"].any()


def test_peers_come_from_the_same_period_only():
    own = make("X00", fill=2)
    peers = [make(f"P{n}", fill=3) for n in range(1, 5)]
    other_year = [make(f"P{n}", "2023/24", fill=0) for n in range(1, 6)]
    scores, _ = tables([own, *peers, *other_year])
    peer = peer_table(scores, "X00", "2024/25")
    assert (peer["peer_n"] == 4).all()


def test_unknown_organisation_or_period_is_a_clear_error():
    scores, _ = tables(five_peers_and_own())
    with pytest.raises(EngageError) as exc:
        peer_table(scores, "ZZZ", P)
    msg = str(exc.value)
    assert "ZZZ" in msg and "X00" in msg and "P1" in msg
    with pytest.raises(EngageError) as exc:
        peer_table(scores, "X00", "2019/20")
    assert "2024/25" in str(exc.value)


# ---------------------------------------------------------------- year on year


def test_year_on_year_without_earlier_period_is_not_comparable():
    _, items = tables([make("X01", fill=2)])
    yoy = year_on_year(items, "X01", P, FW)
    assert list(yoy.columns) == YOY_COLUMNS
    assert list(yoy["dimension"]) == ORDER
    assert (yoy["direction"] == "").all()
    assert (yoy["previous_period"] == "").all()
    assert (yoy["items_compared"] == 0).all()
    assert yoy["change"].isna().all()


def test_year_on_year_uses_most_recent_earlier_period_across_a_gap_like_for_like():
    old = make("X01", "2021/22", fill=0)
    then = make("X01", "2022/23", answers=dim_items("vision", [1, 2, None]))
    # someone else's 2023/24 must not be taken for X01's previous year
    other = make("X02", "2023/24", fill=4)
    now = make("X01", P, answers={**dim_items("vision", [2, 3, 4]), "strategy.1": 3})
    later = make("X01", "2025/26", fill=0)  # later years are ignored too
    _, items = tables([old, then, other, now, later])
    yoy = year_on_year(items, "X01", P, FW)
    assert (yoy["previous_period"] == "2022/23").all()

    v = row(yoy, "vision")
    # vision.3 was unanswered in 2022/23, so only vision.1 and vision.2 are compared:
    # then (1 + 2) / 2 = 1.5, now (2 + 3) / 2 = 2.5 (not 3.0 over all three items)
    assert v["items_compared"] == 2
    assert v["score_then"] == pytest.approx(1.5)
    assert v["score_now"] == pytest.approx(2.5)
    assert v["change"] == pytest.approx(1.0)
    assert v["direction"] == "improved"

    s = row(yoy, "strategy")  # answered now but not then: nothing to compare
    assert s["items_compared"] == 0 and s["direction"] == NOT_ENOUGH
    assert math.isnan(s["score_now"])

    # aggregates: only vision's 2 items are comparable, far less than half of the hub's 30
    # applicable items (or the 45 overall): no change is claimed for them
    for agg, applicable in (("hub", 30), ("overall", 45)):
        r = row(yoy, agg)
        assert (r["items_compared"], r["applicable"]) == (2, applicable)
        assert r["direction"] == NOT_ENOUGH and math.isnan(r["change"])
    assert row(yoy, "cycle")["items_compared"] == 0


def test_year_on_year_items_that_became_unknown_or_na_drop_out():
    fw = mini_framework(items_per_dim=5)
    then = make("X01", "2023/24", answers=dim_items("insight", [1, 1, 1, 1, 1]), fw=fw)
    now = make("X01", P, answers=dim_items("insight", [4, 4, 4, "n/a", "unknown"]), fw=fw)
    _, items = tables([then, now], fw)
    r = row(year_on_year(items, "X01", P, fw), "insight")
    assert (r["items_compared"], r["applicable"]) == (3, 4)  # N/A now is not applicable
    assert r["change"] == pytest.approx(3.0)


def test_year_on_year_weights_and_aggregate_means():
    fw = mini_framework(weights={"vision.1": 3})
    steady = {f"{d}.{n}": 2 for d in DIMENSION_IDS[:10] for n in (1, 2, 3)}  # hub at 2 both years
    then = make(
        "X01",
        "2023/24",
        answers={**steady, **dim_items("vision", [1, 3, None]), **dim_items("roles", [2, 2, 2])},
        fw=fw,
    )
    now = make(
        "X01",
        P,
        answers={**steady, **dim_items("vision", [2, 3, 0]), **dim_items("roles", [1, 1, 1])},
        fw=fw,
    )
    _, items = tables([then, now], fw)
    yoy = year_on_year(items, "X01", P, fw)
    v = row(yoy, "vision")
    # weights 3 and 1 over vision.1 and vision.2: then (3*1 + 3) / 4 = 1.5, now (3*2 + 3) / 4
    assert v["score_then"] == pytest.approx(1.5)
    assert v["score_now"] == pytest.approx(2.25)
    assert v["direction"] == "improved"
    r = row(yoy, "roles")
    assert r["change"] == pytest.approx(-1.0) and r["direction"] == "declined"
    hub = row(yoy, "hub")
    # mean of the ten hub elements: vision 1.5 -> 2.25, roles 2 -> 1, eight others 2 -> 2:
    # then (1.5 + 2 + 16) / 10 = 1.95, now (2.25 + 1 + 16) / 10 = 1.925
    assert hub["score_then"] == pytest.approx(1.95)
    assert hub["score_now"] == pytest.approx(1.925)
    assert hub["direction"] == "no real change"
    assert hub["items_compared"] == 29 and hub["coverage"] == pytest.approx(29 / 30)


def test_change_needs_enough_comparable_answers():
    # issue 9, point 4: at least 2 comparable items, and at least half of this year's
    # applicable items, before a change is called a change (dimension and summary rows)
    fw = mini_framework(items_per_dim=5)
    then = make("X01", "2023/24", fill=1, fw=fw)
    now = make(
        "X01",
        P,
        answers={
            **dim_items("vision", [3, 3, 3, None, None]),  # 3 of 5 comparable: reported
            **dim_items("strategy", [3, 3, None, None, None]),  # 2 of 5 = 40%: not enough
            **dim_items("roles", [3, "n/a", "n/a", "n/a", None]),  # 1 of 2: too few items
            **dim_items("governance", [3, 3, "n/a", "n/a", "n/a"]),  # 2 of 2: reported
            **dim_items("identify", [4, None, None, None, None]),  # "Cycle +2.0 (1 item)"
        },
        fw=fw,
    )
    _, items = tables([then, now], fw)
    yoy = year_on_year(items, "X01", P, fw).set_index("dimension")
    got = {d: (yoy.loc[d, "items_compared"], yoy.loc[d, "direction"]) for d in yoy.index}
    assert got["vision"] == (3, "improved") and yoy.loc["vision", "change"] == 2
    assert got["strategy"] == (2, NOT_ENOUGH) and math.isnan(yoy.loc["strategy", "change"])
    assert got["roles"] == (1, NOT_ENOUGH)
    assert got["governance"] == (2, "improved")
    assert got["identify"] == (1, NOT_ENOUGH)
    assert got["cycle"] == (1, NOT_ENOUGH) and math.isnan(yoy.loc["cycle", "change"])
    # hub: 3 + 2 + 1 + 2 comparable items of 44 applicable (the rest unanswered): not enough
    assert (yoy.loc["hub", "items_compared"], yoy.loc["hub", "applicable"]) == (8, 44)
    assert yoy.loc["hub", "direction"] == NOT_ENOUGH


def test_unconfirmed_carried_over_answers_are_not_compared():
    # issue 9, point 3: an answer copied from last year and never confirmed only repeats it;
    # comparing it would report "no real change" on nothing
    then = make("X01", "2023/24", answers=dim_items("vision", [1, 1, 1]))
    now = make("X01", P, answers=dim_items("vision", [1, 1, 3]))
    now.set_carried_over("vision.1", True)
    now.set_carried_over("vision.2", True)
    _, items = tables([then, now])
    v = row(year_on_year(items, "X01", P, FW), "vision")
    assert (v["items_compared"], v["direction"]) == (1, NOT_ENOUGH)
    now.confirm_dimension("vision")  # the room reviewed them and kept them
    _, items = tables([then, now])
    v = row(year_on_year(items, "X01", P, FW), "vision")
    assert (v["items_compared"], v["direction"]) == (3, "improved")
    assert v["change"] == pytest.approx(2 / 3)


def test_year_on_year_boundaries_exactly_quarter_of_a_level():
    fw = mini_framework(items_per_dim=4)
    then = make(
        "X01",
        "2023/24",
        answers={
            **dim_items("vision", [2, 2, 2, 2]),
            **dim_items("strategy", [2, 2, 2, 2]),
            **dim_items("roles", [2, 2, 2, 2]),
        },
        fw=fw,
    )
    now = make(
        "X01",
        P,
        answers={
            **dim_items("vision", [3, 2, 2, 2]),  # +0.25 exactly
            **dim_items("strategy", [1, 2, 2, 2]),  # -0.25 exactly
            **dim_items("roles", [None, 2, 2, 2]),  # roles.1 from raters: median 2.5
        },
        raters={"roles.1": [2, 3]},
        fw=fw,
    )
    _, items = tables([then, now], fw)
    yoy = year_on_year(items, "X01", P, fw)
    assert row(yoy, "vision")["direction"] == "improved"
    assert row(yoy, "strategy")["direction"] == "declined"
    assert row(yoy, "roles")["change"] == pytest.approx(0.125)
    assert row(yoy, "roles")["direction"] == "no real change"


def test_year_on_year_boundary_survives_floating_point():
    # Stage scores then 1, 0.25, 2, 0.25, 1 and now 1, 1.5, 2, 0.25, 1 (4 items each): the
    # cycle mean rises by exactly 1.25 / 5 = 0.25, which binary floating point computes as
    # 0.2499999999999999. It must still read as "improved".
    fw = mini_framework(items_per_dim=4)
    then_vals = {
        "identify": [1, 1, 1, 1],
        "develop": [1, 0, 0, 0],
        "improve": [2, 2, 2, 2],
        "procure": [1, 0, 0, 0],
        "monitor": [1, 1, 1, 1],
    }
    now_vals = {**then_vals, "develop": [2, 2, 1, 1]}
    # X02: stage scores then 1.75, 0, 0.5, 0.75, 0.5 and now identify falls to 0.5: exactly
    # -0.25, computed as -0.24999999999999994. It must still read as "declined".
    down_then = {
        "identify": [2, 2, 2, 1],
        "develop": [0, 0, 0, 0],
        "improve": [1, 1, 0, 0],
        "procure": [1, 1, 1, 0],
        "monitor": [1, 1, 0, 0],
    }
    down_now = {**down_then, "identify": [1, 1, 0, 0]}
    assessments = [
        make("X01", "2023/24", answers=_merge(then_vals), fw=fw),
        make("X01", P, answers=_merge(now_vals), fw=fw),
        make("X02", "2023/24", answers=_merge(down_then), fw=fw),
        make("X02", P, answers=_merge(down_now), fw=fw),
    ]
    _, items = tables(assessments, fw)
    up = row(year_on_year(items, "X01", P, fw), "cycle")
    assert up["change"] == pytest.approx(0.25)
    assert up["direction"] == "improved"
    down = row(year_on_year(items, "X02", P, fw), "cycle")
    assert down["change"] == pytest.approx(-0.25)
    assert down["direction"] == "declined"


def _merge(per_dim: dict) -> dict:
    out = {}
    for dim, values in per_dim.items():
        out.update(dim_items(dim, values))
    return out


# ---------------------------------------------------------------- the baton


def test_baton_order_dropped_and_not_known():
    a = make(
        "X01",
        answers={
            "develop.1": 3,  # identify -> develop passed
            "improve.1": 1,  # develop -> improve dropped
            "procure.1": "unknown",  # not known, never "dropped"
            # monitor.1 unanswered: not known
            "identify.1": None,
        },
        raters={"identify.1": [1, 2]},  # median 1.5 < 2: dropped
        evidence={"develop.1": "Insight pack handed to the design group."},
    )
    _, items = tables([a])
    b = baton(items, "X01", P, FW)
    assert list(b.columns) == BATON_COLUMNS
    assert list(zip(b["from_stage"], b["to_stage"], strict=True)) == [
        ("identify", "develop"),
        ("develop", "improve"),
        ("improve", "procure"),
        ("procure", "monitor"),
        ("monitor", "identify"),
    ]
    assert list(b["item"]) == ["develop.1", "improve.1", "procure.1", "monitor.1", "identify.1"]
    assert list(b["dropped"]) == [False, True, False, False, True]
    assert list(b["state"]) == ["passed", "dropped", "not known", "not known", "dropped"]
    assert list(b["status"]) == ["answered", "answered", "unknown", "unanswered", "answered"]
    assert b.loc[4, "value"] == 1.5 and b.loc[4, "level"] == "Developing"
    assert b.loc[0, "statement"] == "Statement develop.1"
    assert b.loc[0, "evidence"].startswith("Insight pack")
    assert math.isnan(b.loc[2, "value"]) and b.loc[2, "level"] == ""


def test_baton_exactly_developing_is_not_dropped_and_na_is_not_applicable():
    a = make("X01", answers={"develop.1": 2, "improve.1": "n/a"})
    _, items = tables([a])
    b = baton(items, "X01", P, FW).set_index("to_stage")
    assert not b.loc["develop", "dropped"] and b.loc["develop", "state"] == "passed"
    assert not b.loc["improve", "dropped"] and b.loc["improve", "state"] == "not applicable"


# ---------------------------------------------------------------- strengths and priorities


def peer_frame(rows: list[dict]) -> pd.DataFrame:
    """A hand-made peer_table output: only what strengths/priorities read needs values."""
    base = {
        "title": "",
        "kind": "hub",
        "level": "",
        "completeness": 1.0,
        "low_evidence": False,
        "target": pd.NA,
        "peer_n": 0,
        "percentile": np.nan,
        "band": "",
        "shown": False,
    }
    full = [{**base, **r} for r in rows]
    df = pd.DataFrame(full)
    for c in PEER_COLUMNS:
        if c not in df:
            df[c] = np.nan
    df["target"] = df["target"].astype("Float64")
    return df[PEER_COLUMNS]


def test_strengths_highest_established_plus_top_quarter_never_low_evidence():
    peer = peer_frame(
        [
            {"dimension": "vision", "score": 3.5},
            {"dimension": "strategy", "score": 3.0},
            {"dimension": "roles", "score": 2.5},
            {"dimension": "governance", "score": 3.9, "low_evidence": True},
            {"dimension": "insight", "score": 2.0, "shown": True, "band": "top"},
            {"dimension": "relationships", "score": 3.2},
            {"dimension": "resources", "score": np.nan},
            {"dimension": "identify", "kind": "stage", "score": 1.0, "band": "top"},  # hidden
            {"dimension": "overall", "kind": "overall", "score": 4.0, "shown": True, "band": "top"},
        ]
    )
    s = strengths(peer, n=3)
    assert list(s.columns) == PICK_COLUMNS
    # three highest at >= 2.5 (governance is low evidence), then insight for its peer position
    assert list(s["dimension"]) == ["vision", "relationships", "strategy", "insight"]
    assert "top quarter of peers" in s.set_index("dimension").loc["insight", "reason"]
    assert "3.5" in s.loc[0, "reason"]
    assert strengths(peer, n=4)["dimension"].tolist()[:4] == [
        "vision",
        "relationships",
        "strategy",
        "roles",
    ]


def test_strengths_need_established_or_better():
    peer = peer_frame([{"dimension": "vision", "score": 2.4}, {"dimension": "roles", "score": 1}])
    assert strengths(peer).empty


def test_priorities_lowest_below_target_bottom_quarter_without_duplicates():
    peer = peer_frame(
        [
            {"dimension": "vision", "score": 0.5, "target": 3},
            {"dimension": "strategy", "score": 1.0},
            {"dimension": "roles", "score": 1.5, "shown": True, "band": "bottom"},
            {"dimension": "governance", "score": 2.9, "target": 3},
            {"dimension": "insight", "score": 3.0, "target": 3},  # meets its target exactly
            {"dimension": "structures", "score": 3.5, "shown": True, "band": "bottom"},
            {"dimension": "relationships", "score": np.nan, "target": 4},
            {"dimension": "resources", "score": 3.8},
            {"dimension": "monitor", "kind": "stage", "score": 2.0, "low_evidence": True},
            {"dimension": "cycle", "kind": "cycle", "score": 0.1, "target": 4},
        ]
    )
    p = priorities(peer, n=3).set_index("dimension")
    assert list(p.index) == ["vision", "strategy", "roles", "governance", "structures"]
    assert p.index.is_unique
    assert "below its target of 3" in p.loc["vision", "reason"]
    assert "lowest" in p.loc["vision", "reason"]
    assert "bottom quarter of peers" in p.loc["roles", "reason"]
    assert p.loc["governance", "reason"] == "below its target of 3"
    assert p.loc["structures", "reason"] == "in the bottom quarter of peers"
    assert "insight" not in p.index and "relationships" not in p.index


def test_strengths_and_priorities_from_a_real_peer_table():
    own = make(
        "X00",
        fill=2,
        answers={
            **dim_items("vision", [4, 4, 4]),
            **dim_items("monitor", [0, 0, 1]),
            **dim_items("strategy", [4, None, None]),  # 4 but only one item of three: low evidence
        },
        targets={"identify": 3},
    )
    peers = [make(f"P{n}", fill=v) for n, v in enumerate([1, 1, 2, 3, 3], 1)]
    scores, _ = tables([own, *peers])
    peer = peer_table(scores, "X00", P)
    assert bool(row(peer, "strategy")["low_evidence"])
    s = strengths(peer)
    assert list(s["dimension"]) == ["vision"]
    p = priorities(peer, n=1).set_index("dimension")
    assert "monitor" in p.index and "bottom quarter" in p.loc["monitor", "reason"]
    assert "below its target of 3" in p.loc["identify", "reason"]


# ---------------------------------------------------------------- discussion and evidence


def test_discussion_items_flag_or_wide_spread():
    a = make(
        "X01",
        fill=2,
        raters={"vision.1": [1, 3], "vision.2": [2, 3], "roles.1": [0, 4]},
        flags=("strategy.2", "roles.1"),
    )
    _, items = tables([a])
    d = discussion_items(items, "X01", P, framework=FW)
    assert list(d.columns) == DISCUSS_COLUMNS
    # widest first; vision.2 (spread 1, not flagged) is left out
    assert list(d["item"]) == ["roles.1", "vision.1", "strategy.2"]
    r = d.set_index("item")
    assert r.loc["roles.1", "spread"] == 4 and r.loc["roles.1", "n_raters"] == 2
    assert "flagged" in r.loc["roles.1", "reason"] and "4 levels" in r.loc["roles.1", "reason"]
    assert r.loc["vision.1", "reason"] == "ratings differed by 2 levels"
    assert r.loc["strategy.2", "reason"] == "flagged for discussion in the workshop"
    assert r.loc["vision.1", "statement"] == "Statement vision.1"


def test_evidence_gaps_are_the_unknown_items():
    a = make("X01", fill=2, answers={"insight.2": "unknown", "monitor.3": "unknown"})
    a.set_level("roles.1", None)  # unanswered is not an evidence gap, it is just missing
    a.set_evidence("insight.2", "Nobody had the figures.")
    _, items = tables([a])
    g = evidence_gaps(items, "X01", P)
    assert list(g["item"]) == ["insight.2", "monitor.3"]
    assert g.loc[0, "evidence"] == "Nobody had the figures."


def test_evidence_highlights_highest_value_then_fullest_evidence():
    a = make(
        "X01",
        fill=2,
        answers={"vision.1": 4, "vision.2": 4, "roles.1": 3, "strategy.1": "unknown"},
        evidence={
            "vision.1": "short",
            "vision.2": "a much longer account of what was done",
            "roles.1": "board minute",
            "insight.1": "developing evidence",
            "strategy.1": "unknown items are not highlights",
            "monitor.1": "   ",
        },
    )
    _, items = tables([a])
    h = evidence_highlights(items, "X01", P)
    assert list(h["item"]) == ["vision.2", "vision.1", "roles.1", "insight.1"]
    assert list(h["level"]) == ["Embedded", "Embedded", "Established", "Developing"]
    assert list(evidence_highlights(items, "X01", P, n=2)["item"]) == ["vision.2", "vision.1"]


# ---------------------------------------------------------------- actions


def test_action_progress_matches_text_ignoring_case_and_spaces():
    prev = make("X01", "2023/24")
    prev.add_action("identify", "Run two sessions with carers' groups", "PPE lead", None, "open")
    prev.add_action("monitor", "Publish a 'you said, we did' page", "Comms", None, "done")
    prev.add_action("roles", "Appoint a lay member", "Chair", None, "dropped")
    cur = make("X01")
    cur.add_action("identify", "  run two  SESSIONS with carers' groups ", "PPE lead", None, "done")
    cur.add_action("roles", "Something new", "Chair", None, "open")
    ap = action_progress(cur, prev)
    assert list(ap.columns) == PROGRESS_COLUMNS
    assert list(ap["status_then"]) == ["open", "done", "dropped"]
    assert list(ap["carried_forward"]) == [True, False, False]
    assert list(ap["status_now"]) == ["done", "", ""]

    none = action_progress(cur, None)
    assert none.empty and list(none.columns) == PROGRESS_COLUMNS


def test_action_plan_sorted_by_due_with_overdue_relative_to_today():
    a = make("X01")
    a.add_action("vision", "No date", "", None, "open")
    a.add_action("roles", "Late and open", "", date(2025, 3, 1), "open")
    a.add_action("roles", "Late but done", "", date(2025, 1, 1), "done")
    a.add_action("monitor", "Due later", "", date(2025, 9, 1), "open")
    a.add_action("insight", "Due today", "", date(2025, 4, 1), "open")
    plan = action_plan(a, today=date(2025, 4, 1))
    assert list(plan.columns) == PLAN_COLUMNS
    assert list(plan["action"]) == [
        "Late but done",
        "Late and open",
        "Due today",
        "Due later",
        "No date",
    ]
    assert list(plan["overdue"]) == [False, True, False, False, False]
    assert list(action_plan(a, today=date(2025, 12, 1))["overdue"]) == [
        False,
        True,
        True,
        True,
        False,
    ]


# ---------------------------------------------------------------- the bundle


def test_build_report_data_bundles_everything_for_one_organisation():
    then = make("7", "2022/23", fill=1)
    then.add_action("vision", "Agree the purposes", "Chair", None, "open")
    now = make("7", fill=2, answers={"improve.1": 1}, peer_group="North", targets={"vision": 3})
    now.add_action("vision", "agree the purposes", "Chair", date(2025, 1, 1), "open")
    north = [make(f"N{n}", fill=v, peer_group="North") for n, v in enumerate([1, 2, 3, 4], 1)]
    south = [make("S1", fill=3, peer_group="South")]
    assessments = [then, now, *north, *south]
    items = item_table(assessments, FW)
    scores = score_table(assessments, FW, items)

    data = build_report_data(
        scores, items, assessments, FW, 7, P, today=date(2025, 2, 1), min_peers=5
    )
    assert data.organisation == "7" and data.own is now and data.name == "Org 7"
    assert data.previous is then and data.previous_period == "2022/23"
    assert data.peer_count == 5
    assert data.peer_basis == "5 other organisations in 2024/25"
    assert row(data.peer, "overall")["shown"]
    assert row(data.year_on_year, "vision")["direction"] == "improved"
    assert list(data.baton["dropped"]) == [False, True, False, False, False]
    assert "vision" in set(data.priorities["dimension"])  # 2 is below its target of 3
    assert list(data.action_progress["carried_forward"]) == [True]
    assert list(data.action_plan["overdue"]) == [True]
    assert set(data.scores["dimension"]) == set(ORDER)

    grouped = build_report_data(
        scores, items, assessments, FW, "7", P, peer_group="North", today=date(2025, 2, 1)
    )
    assert grouped.peer_count == 4
    assert grouped.peer_basis == (
        "4 other organisations in the North peer group in 2024/25 – too few to compare (minimum 5)"
    )
    assert not grouped.peer["shown"].any()
    assert grouped.peer[PEER_STATS].isna().all().all()


def test_build_report_data_unknown_organisation_lists_what_exists():
    assessments = [make("X01", "2023/24", fill=1), make("X01", fill=2), make("X02", fill=2)]
    items = item_table(assessments, FW)
    scores = score_table(assessments, FW, items)
    with pytest.raises(EngageError) as exc:
        build_report_data(scores, items, assessments, FW, "X01", "2022/23")
    msg = str(exc.value)
    assert "X01" in msg and "2023/24" in msg and "2024/25" in msg
    with pytest.raises(EngageError) as exc:
        build_report_data(scores, items, assessments, FW, "X09", P)
    assert "X01, X02" in str(exc.value)


def test_peer_basis_wording():
    assert peer_basis(13, P, None) == "13 other organisations in 2024/25"
    assert peer_basis(1, P, None) == (
        "1 other organisation in 2024/25 – too few to compare (minimum 5)"
    )
    assert peer_basis(0, P, "North", 3).startswith("no other organisations in the North")


# ---------------------------------------------------------------- random tables, plain references
#
# `peer_figures` and `change_table` answer for every organisation at once and `peer_table` and
# `year_on_year` read them for one. These references compute the same rules the plainest way
# (one organisation at a time, pandas' quantile, scipy's percentile rank, a loop over the
# dimensions), on random tables with ties, missing scores, small groups and gaps in history.


def _random_scores(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, object]:
    """A random table with ties, missing scores, small groups and gaps in history."""
    rng = random.Random(seed)
    fw = load_framework()
    docs = []
    for n in range(rng.randint(3, 14)):
        group = rng.choice(["A", "B", "C", ""])
        for period in ("2022/23", "2023/24", "2024/25"):
            if rng.random() < 0.2:
                continue
            responses: dict = {}
            # some assessments are sparse or mostly copied, so coverage falls either side of
            # the like-for-like minimum
            skip = rng.choice([0.15, 0.15, 0.5, 0.7])
            copied = rng.choice([0.0, 0.1, 0.6])
            for item in fw.items:
                roll = rng.random()
                if roll < skip:
                    continue
                level = (
                    rng.choice([0, 1, 2, 2, 3, 4])
                    if roll > skip + 0.15
                    else rng.choice(["n/a", "unknown"])
                )
                responses[item] = {"level": level}
                if rng.random() < copied:
                    responses[item]["carried_over"] = True
            docs.append(
                Assessment(
                    {
                        "schema": 1,
                        "framework": {"id": fw.id, "version": fw.version},
                        "organisation": {
                            "code": f"R{n:02d}",
                            "name": f"Org {n}",
                            "type": "ICB",
                            "peer_group": group,
                        },
                        "period": period,
                        "responses": responses,
                    }
                )
            )
    items = item_table(docs, fw)
    return score_table(docs, fw, items=items), items, fw


def _reference_peers(scores, code, period, pool, min_peers):
    """One organisation's peer figures the plain way: filter, pandas quantiles, scipy rank."""
    in_period = scores[scores["period"].eq(period)]
    others = in_period[in_period["organisation"].ne(code) & in_period["score"].notna()]
    if pool is not None:
        others = others[others["peer_group"].eq(pool)]
    rows = []
    for r in in_period[in_period["organisation"].eq(code)].itertuples():
        peer = others.loc[others["dimension"].eq(r.dimension), "score"].astype(float)
        row = {"peer_n": len(peer), "band": ""}
        row.update({c: math.nan for c in [*PEER_STATS, "percentile"]})
        if len(peer) >= max(min_peers, 1):
            for c, q in zip(PEER_STATS, (0, 0.25, 0.5, 0.75, 1), strict=True):
                row[c] = float(peer.quantile(q))
            if not math.isnan(r.score):
                row["percentile"] = float(percentileofscore(peer, r.score, kind="mean"))
                row["band"] = quartile_band(row["percentile"])
        rows.append(row)
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("group", ["", "own", "A"])
def test_peer_figures_equal_a_plain_reference_on_random_tables(seed, group):
    scores, _, _ = _random_scores(seed)
    min_peers = [1, 2, 5][seed % 3]
    for period in sorted(scores["period"].unique()):
        everyone = peer_figures(scores, period, peer_group=group, min_peers=min_peers)
        rows = scores.loc[everyone.index]
        for code in rows["organisation"].unique():
            own_group = rows.loc[rows["organisation"] == code, "peer_group"].iloc[0]
            pool = {"": None, "own": own_group or None}.get(group, group)
            ref = _reference_peers(scores, code, period, pool, min_peers)
            mine = everyone[rows["organisation"] == code].reset_index(drop=True)
            one = peer_table(scores, code, period, peer_group=pool, min_peers=min_peers)
            for got, band in ((mine, "peer_band"), (one, "band")):
                assert list(got["peer_n"]) == list(ref["peer_n"])
                assert list(got[band]) == list(ref["band"])
                for c in [*PEER_STATS, "percentile"]:
                    np.testing.assert_allclose(got[c], ref[c], rtol=0, atol=1e-12)


def _reference_change(items, code, period, fw):
    """One organisation's like-for-like change the plain way, dimension by dimension."""
    mine = items[items["organisation"].eq(code)]
    now = mine[mine["period"].eq(period)]
    earlier = sorted(p for p in mine["period"].unique() if p < period)
    prev = earlier[-1] if earlier else ""
    then = mine[mine["period"].eq(prev)]
    fresh = now[now["status"].eq("answered") & ~now["carried_over"].astype(bool)]
    both = fresh.merge(then[then["status"].eq("answered")], on="item", suffixes=("", "_then"))
    rows, comparable = [], {}
    for d in fw.dimensions:
        sub = both[both["dimension"].eq(d.id)]
        app = int(now[now["dimension"].eq(d.id) & now["status"].ne("na")].shape[0])
        if len(sub):
            comparable[d.id] = (sub["value_then"].mean(), sub["value"].mean(), len(sub))
        rows.append((d.id, len(sub), app, comparable.get(d.id)))
    for name, members in (
        ("hub", [d.id for d in fw.hub]),
        ("cycle", [d.id for d in fw.stages]),
        ("overall", [d.id for d in fw.dimensions]),
    ):
        present = [comparable[m] for m in members if m in comparable]
        app = sum(r[2] for r in rows if r[0] in members)
        n = sum(p[2] for p in present)
        means = None
        if present:
            means = (np.mean([p[0] for p in present]), np.mean([p[1] for p in present]), n)
        rows.append((name, n, app, means))
    out = []
    for dim, n, app, means in rows:
        enough = app > 0 and n >= 2 and n / app >= 0.5
        then_s, now_s = (means[0], means[1]) if (means and enough and prev) else (math.nan,) * 2
        change = now_s - then_s
        if not prev:
            direction = ""
        elif math.isnan(change):
            direction = NOT_ENOUGH
        else:
            direction = (
                "improved"
                if change >= 0.25 - 1e-9
                else "declined"
                if change <= -0.25 + 1e-9
                else "no real change"
            )
        out.append((dim, prev, n, app, then_s, now_s, change, direction))
    cols = ["dimension", "previous_period", "items_compared", "applicable"]
    return pd.DataFrame(out, columns=[*cols, "score_then", "score_now", "change", "direction"])


@pytest.mark.parametrize("seed", range(12))
def test_change_equals_a_plain_reference_on_random_tables(seed):
    _, items, fw = _random_scores(100 + seed)
    for period in sorted(items["period"].unique()):
        everyone = change_table(items, period, fw)
        for code in everyone["organisation"].unique():
            ref = _reference_change(items, code, period, fw)
            mine = everyone[everyone["organisation"] == code].reset_index(drop=True)
            one = year_on_year(items, code, period, fw)
            for got in (mine, one):
                for c in ["dimension", "previous_period", "items_compared", "applicable"]:
                    assert list(got[c]) == list(ref[c]), c
                assert list(got["direction"]) == list(ref["direction"])
                for c in ["score_then", "score_now", "change"]:
                    np.testing.assert_allclose(got[c], ref[c], rtol=0, atol=1e-12)


# ---------------------------------------------------------------- mixed versions, predecessors
#
# The same check on tables where the latest year mixes version 1 and version 2 of the question
# bank and some organisations name predecessors (one never assessed): issue 12. The reference
# follows docs/scoring.md §7 and §10 the plainest way: for each organisation, its sources (its
# own code and each predecessor) with their most recent earlier period; an item's value last
# year is the mean over the sources that answered it, counting a source only where the item
# kept its meaning between that source's version and this year's (read from the lineage
# fields directly, not from `kept_ids`).

V1, V2 = load_framework(version=1), load_framework(version=2)
KEPT = {i.id for i in V2.items.values() if i.lineage and i.lineage.kind in ("same", "reworded")}


def _random_mixed(seed: int):
    rng = random.Random(seed)
    codes = [f"M{n:02d}" for n in range(rng.randint(5, 12))]
    docs = []
    for code in codes:
        group = rng.choice(["A", "B", ""])
        for period in ("2022/23", "2023/24", "2024/25"):
            if rng.random() < 0.2:
                continue
            fw = V2 if period == "2024/25" and rng.random() < 0.7 else V1
            skip = rng.choice([0.1, 0.3, 0.6])
            responses: dict = {}
            for item in fw.items:
                roll = rng.random()
                if roll < skip:
                    continue
                level = rng.choice([0, 1, 2, 3, 4]) if roll > skip + 0.1 else "unknown"
                if rng.random() < 0.03:
                    level = "n/a"
                responses[item] = {"level": level}
                if rng.random() < 0.1:
                    responses[item]["carried_over"] = True
            org = {"code": code, "name": code, "type": "ICB", "peer_group": group}
            if period == "2024/25" and rng.random() < 0.4:
                others = [c for c in codes if c != code]
                org["predecessors"] = rng.sample(others, k=rng.randint(1, 2)) + (
                    ["Z99"] if rng.random() < 0.3 else []
                )
            docs.append(
                Assessment(
                    {
                        "schema": 1,
                        "framework": {"id": fw.id, "version": fw.version},
                        "organisation": org,
                        "period": period,
                        "responses": responses,
                    }
                )
            )
    from engagecycle.versions import Frameworks

    known = Frameworks.packaged()
    items = item_table(docs, known)
    return score_table(docs, known, items=items), items


def _reference_mixed_change(items, code, period):
    mine = items[items["organisation"].eq(code) & items["period"].eq(period)]
    v_now = int(mine["version"].iloc[0])
    named = str(mine["predecessors"].iloc[0]).split()
    sources = {}
    for c in [code, *named]:
        earlier = sorted(
            p for p in items.loc[items["organisation"].eq(c), "period"].unique() if p < period
        )
        if earlier:
            sources[c] = earlier[-1]
    then_values: dict[str, list[float]] = {}
    then_versions = set()
    for c, p in sources.items():
        rows = items[items["organisation"].eq(c) & items["period"].eq(p)]
        v_then = int(rows["version"].iloc[0])
        then_versions.add(v_then)
        for r in rows[rows["status"].eq("answered")].itertuples():
            if v_then == v_now or r.item in KEPT:
                then_values.setdefault(r.item, []).append(r.value)

    def could(item: str) -> bool:  # could this item be compared at all?
        return not then_versions or v_now in then_versions or item in KEPT

    out = {}
    dims = {}
    for d in V2.dimensions:
        now = mine[mine["dimension"].eq(d.id)]
        app = now[now["status"].ne("na")]
        capp = int(app["item"].map(could).sum())
        fresh = now[now["status"].eq("answered") & ~now["carried_over"].astype(bool)]
        pairs = [
            (np.mean(then_values[i]), v)
            for i, v in zip(fresh["item"], fresh["value"], strict=True)
            if i in then_values
        ]
        dims[d.id] = (len(pairs), len(app), capp, pairs)
    for name, members in (
        ("hub", [d.id for d in V2.hub]),
        ("cycle", [d.id for d in V2.stages]),
        ("overall", [d.id for d in V2.dimensions]),
    ):
        n = sum(dims[m][0] for m in members)
        app = sum(dims[m][1] for m in members)
        capp = sum(dims[m][2] for m in members)
        used = [dims[m][3] for m in members if dims[m][0]]
        means = (
            (
                np.mean([np.mean([t for t, _ in u]) for u in used]),
                np.mean([np.mean([v for _, v in u]) for u in used]),
            )
            if used
            else None
        )
        out[name] = (n, app, capp, means)
    for d, (n, app, capp, pairs) in dims.items():
        means = (np.mean([t for t, _ in pairs]), np.mean([v for _, v in pairs])) if pairs else None
        out[d] = (n, app, capp, means)
    rows = []
    prev = max(sources.values(), key=lambda p: p) if sources else ""
    for dim in [d.id for d in V2.dimensions] + ["hub", "cycle", "overall"]:
        n, app, capp, means = out[dim]
        ok = bool(sources) and capp > 0 and n >= 2 and n / capp >= 0.5 and means is not None
        change = means[1] - means[0] if ok else math.nan
        rows.append((dim, prev, n, app, capp, change))
    return (
        pd.DataFrame(
            rows,
            columns=[
                "dimension",
                "previous_period",
                "items_compared",
                "applicable",
                "comparable_applicable",
                "change",
            ],
        ),
        sources,
        named,
    )


@pytest.mark.parametrize("seed", range(8))
def test_change_on_mixed_versions_with_predecessors_equals_a_plain_reference(seed):
    _, items = _random_mixed(300 + seed)
    everyone = change_table(items, "2024/25", V2)
    for code in everyone["organisation"].unique():
        ref, sources, named = _reference_mixed_change(items, code, "2024/25")
        mine = everyone[everyone["organisation"] == code].reset_index(drop=True)
        one = year_on_year(items, code, "2024/25", V2)
        for got in (mine, one):
            for c in [
                "dimension",
                "previous_period",
                "items_compared",
                "applicable",
                "comparable_applicable",
            ]:
                assert list(got[c]) == list(ref[c]), (code, c)
            np.testing.assert_allclose(got["change"], ref["change"], rtol=0, atol=1e-12)
            assert got["compared_with"].iloc[0].split() == list(sources)
            assert got["not_assessed"].iloc[0].split() == [c for c in named if c not in sources]


@pytest.mark.parametrize("seed", range(6))
def test_peers_on_mixed_versions_equal_a_plain_reference(seed):
    scores, _ = _random_mixed(400 + seed)
    period = "2024/25"
    figures = peer_figures(scores, period, min_peers=2)
    rows = scores.loc[figures.index]
    for code in rows["organisation"].unique():
        own = rows[rows["organisation"] == code]
        version = int(own["version"].iloc[0])
        same = scores[scores["version"].eq(version)]
        ref = _reference_peers(same, code, period, None, 2)
        got = figures[rows["organisation"] == code].reset_index(drop=True)
        assert list(got["peer_n"]) == list(ref["peer_n"])
        for c in [*PEER_STATS, "percentile"]:
            np.testing.assert_allclose(got[c], ref[c], rtol=0, atol=1e-12)
        one = peer_table(scores, code, period, min_peers=2)
        assert list(one["peer_n"]) == list(ref["peer_n"])
