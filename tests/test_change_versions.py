"""Year on year across versions of the question bank and with predecessor organisations
(issue 12, points 4 and 5; docs/scoring.md §7 and §10), on small hand-computed fixtures.

The fixtures use the real packaged banks: version 1 (70 items) and version 2 (75 items, 42 of
them kept with the same meaning, 33 new or merged). The lineage facts the numbers rest on:

- vision: version 1 has vision.1-4; version 2 has vision.1 and vision.4 (reworded, kept) and
  vision.5 (new).
- identify: version 2 keeps identify.1-5 (same or reworded) and adds identify.6 (new).
- monitor: version 2 keeps monitor.1, .3, .4 and .5 and adds monitor.6 and monitor.7 (new).
- strategy: version 2's strategy.6-8 are all merged or new: nothing to compare.

Every expected number was worked out by hand in the comment beside it.
"""

from __future__ import annotations

import math

import pytest

from engagecycle.assessment import Assessment
from engagecycle.benchmark.change import change_table, year_on_year
from engagecycle.benchmark.peers import peer_basis, peer_figures, peer_set, peer_table
from engagecycle.benchmark.report_data import build_report_data
from engagecycle.benchmark.rules import NOT_ENOUGH
from engagecycle.benchmark.system import organisation_table, summary_table
from engagecycle.framework import load_framework
from engagecycle.reports.pages import report_sections as sections
from engagecycle.scoring import item_table, score_table
from engagecycle.versions import Frameworks

V1 = load_framework(version=1)
V2 = load_framework(version=2)
KNOWN = Frameworks.packaged()
NOW, THEN, OLDER = "2024/25", "2023/24", "2022/23"


def doc(code, period, version, responses, *, name=None, predecessors=None, group="North"):
    org = {"code": code, "name": name or f"{code} ICB", "type": "ICB", "peer_group": group}
    if predecessors:
        org["predecessors"] = list(predecessors)
    return Assessment(
        {
            "schema": 1,
            "framework": {"id": "engagement-cycle", "version": version},
            "organisation": org,
            "period": period,
            "responses": {
                k: (v if isinstance(v, dict) else {"level": v}) for k, v in responses.items()
            },
        }
    )


def tables(docs):
    items = item_table(docs, KNOWN)
    return items, score_table(docs, KNOWN, items=items)


def row(yoy, dim):
    return yoy.set_index("dimension").loc[dim]


# ---------------------------------------------------------------- one organisation, v1 -> v2

A_THEN = {
    "vision.1": 1,
    "vision.2": 3,  # merged into governance.6 in version 2: never compared
    "vision.3": 3,  # retired: never compared
    "vision.4": 2,
    "identify.1": 1,
    "identify.2": 2,
    "identify.3": 2,
    "identify.4": 1,
    "identify.5": 0,
    "monitor.1": 1,
    "monitor.3": 1,
    "monitor.4": 2,
    "strategy.1": 2,
    "strategy.2": 2,
}
A_NOW = {
    "vision.1": 2,
    "vision.4": 3,
    "vision.5": 4,  # new
    "identify.1": 2,
    "identify.2": 2,
    "identify.3": {"level": 2, "carried_over": True},  # copied, not confirmed: not compared
    "identify.4": 3,
    "identify.5": "unknown",
    "identify.6": 3,  # new
    "monitor.1": 2,
    "monitor.3": 1,
    "monitor.6": {"afresh": True},
    "monitor.7": {"afresh": True},
    "strategy.6": 3,
    "strategy.7": 3,
    "strategy.8": {"afresh": True},
}


@pytest.fixture(scope="module")
def across():
    docs = [doc("A01", THEN, 1, A_THEN), doc("A01", NOW, 2, A_NOW)]
    return docs, *tables(docs)


def test_cross_version_change_compares_only_items_that_kept_their_meaning(across):
    _, items, _ = across
    yoy = year_on_year(items, "A01", NOW, V2)
    v = row(yoy, "vision")
    # vision.1 and vision.4 kept their meaning; vision.5 is new; vision.2/.3 are gone.
    # 2 compared of 3 applicable, 2 of which could be compared at all.
    # then (1 + 2) / 2 = 1.5, now (2 + 3) / 2 = 2.5, change +1.0. (The published scores,
    # 2.25 on version 1 and 3.0 on version 2, would have said +0.75.)
    assert (v.items_compared, v.applicable, v.comparable_applicable) == (2, 3, 2)
    assert (v.score_then, v.score_now, v.change) == (1.5, 2.5, 1.0)
    assert v.direction == "improved"
    i = row(yoy, "identify")
    # kept: identify.1-5 (5); compared: .1 (1 -> 2), .2 (2 -> 2), .4 (1 -> 3); .3 is copied and
    # unconfirmed, .5 don't know. 3 of 5 >= half: then 4/3, now 7/3, change +1.0
    assert (i.items_compared, i.applicable, i.comparable_applicable) == (3, 6, 5)
    assert i.score_then == pytest.approx(4 / 3) and i.score_now == pytest.approx(7 / 3)
    assert i.change == pytest.approx(1.0) and i.direction == "improved"


def test_minimum_coverage_counts_over_the_items_that_could_be_compared(across):
    # monitor: 6 applicable in version 2, 4 kept (monitor.1, .3, .4, .5). Compared: monitor.1
    # (1 -> 2) and monitor.3 (1 -> 1): 2 of the 4 kept is half, so a change is reported,
    # though 2 of all 6 would not be. then (1 + 1) / 2 = 1.0, now (2 + 1) / 2 = 1.5: +0.5.
    _, items, _ = across
    m = row(year_on_year(items, "A01", NOW, V2), "monitor")
    assert (m.items_compared, m.applicable, m.comparable_applicable) == (2, 6, 4)
    assert m.coverage == 0.5
    assert (m.score_then, m.score_now, m.change, m.direction) == (1.0, 1.5, 0.5, "improved")


def test_a_dimension_of_new_items_has_nothing_to_compare(across):
    _, items, _ = across
    s = row(year_on_year(items, "A01", NOW, V2), "strategy")
    # strategy.6-8 are merged or new: 3 applicable, none could be compared
    assert (s.items_compared, s.applicable, s.comparable_applicable) == (0, 3, 0)
    assert s.direction == NOT_ENOUGH and math.isnan(s.change)


def test_cross_version_overall_and_what_it_compared_with(across):
    _, items, _ = across
    o = row(year_on_year(items, "A01", NOW, V2), "overall")
    # 2 + 3 + 2 = 7 compared; 75 applicable (nothing N/A); 42 kept their meaning: 7/42 < half
    assert (o.items_compared, o.applicable, o.comparable_applicable) == (7, 75, 42)
    assert o.direction == NOT_ENOUGH
    assert (o.previous_period, o.compared_with, o.compared_periods) == (THEN, "A01", THEN)
    assert (o.version_then, o.version_now, o.not_assessed) == ("1", 2, "")


def test_the_report_says_the_question_bank_changed(across):
    docs, items, scores = across
    d = build_report_data(scores, items, docs, V2, "A01", NOW, frameworks=KNOWN)
    assert (d.version_now, d.versions_then, d.compared_with) == (2, [1], ["A01"])
    text = sections.headline(d, V2)
    assert "only 7 of the 42 comparable items were answered in both years" in text
    assert (
        "The question bank changed from version 1 to version 2 between the years; only the 42 "
        "items that kept their meaning could be compared."
    ) in text
    table = sections.dimension_table(d, V2)
    assert "all new" in table  # strategy (and every dimension of new items)
    trend = sections.trend_section(d, V2, scores[scores["organisation"] == "A01"])
    assert "question bank changed from version 1 to version 2" in trend
    assert "Nothing to compare, every item being new in this version" in trend
    assert "Engagement strategy linked to other work" in trend.split("Nothing to compare")[1]


def test_a_reported_cross_version_change_says_on_how_many_items():
    # B answered every version 1 item 1 and every version 2 item 2: 42 kept items compared,
    # each dimension with a kept item goes 1 -> 2, so overall +1.0 on 42 of 75 applicable
    then = {i: 1 for i in V1.items}
    now = {i: 2 for i in V2.items}
    docs = [doc("B01", THEN, 1, then), doc("B01", NOW, 2, now)]
    items, scores = tables(docs)
    o = row(year_on_year(items, "B01", NOW, V2), "overall")
    assert (o.items_compared, o.applicable, o.comparable_applicable) == (42, 75, 42)
    assert (o.score_then, o.score_now, o.change, o.direction) == (1.0, 2.0, 1.0, "improved")
    d = build_report_data(scores, items, docs, V2, "B01", NOW, frameworks=KNOWN)
    text = sections.headline(d, V2)
    assert (
        "improved</strong> by +1.0 since 2023/24 (like for like, on 42 of its 75 applicable "
        "items). The question bank changed from version 1 to version 2 between the years; only "
        "the 42 items that kept their meaning could be compared."
    ) in text


# ---------------------------------------------------------------- predecessors

X13_THEN = {
    "vision.1": 2,
    "vision.4": 3,
    "identify.1": 1,
    "identify.2": {"level": 2, "carried_over": True},  # still their published answer
    "identify.3": 0,
}
X14_THEN = {"vision.1": 3, "identify.1": 2, "identify.4": 3}
X14_OLDER = {"vision.1": 0, "vision.4": 0}  # not the most recent: never used
X20_NOW = {
    "vision.1": 3,
    "vision.4": 3,
    "vision.5": 2,
    "identify.1": 2,
    "identify.2": 3,
    "identify.3": 1,
    "identify.4": 2,
    "identify.5": 2,
    "identify.6": 4,
}


@pytest.fixture(scope="module")
def merged():
    docs = [
        doc("X13", THEN, 1, X13_THEN, name="Kestrel ICB"),
        doc("X14", OLDER, 1, X14_OLDER, name="Heron ICB"),
        doc("X14", THEN, 1, X14_THEN, name="Heron ICB"),
        doc("X20", NOW, 2, X20_NOW, name="Coast ICB", predecessors=["X13", "X14", "X15"]),
    ]
    return docs, *tables(docs)


def test_predecessors_mean_per_item_as_in_the_worked_example(merged):
    # docs/scoring.md §7: vision.1 (2 + 3) / 2 = 2.5 and vision.4 3 (X13 alone); vision.5 is
    # new. then (2.5 + 3) / 2 = 2.75, now (3 + 3) / 2 = 3.0, change +0.25: improved
    _, items, _ = merged
    yoy = year_on_year(items, "X20", NOW, V2)
    v = row(yoy, "vision")
    assert (v.items_compared, v.applicable, v.comparable_applicable) == (2, 3, 2)
    assert (v.score_then, v.score_now, v.change, v.direction) == (2.75, 3.0, 0.25, "improved")
    i = row(yoy, "identify")
    # predecessors' values: identify.1 (1 + 2) / 2 = 1.5, identify.2 2 (X13's, unconfirmed
    # there but published), identify.3 0, identify.4 3 (X14 alone); identify.5 none.
    # compared .1-.4: 4 of the 5 kept. then 6.5 / 4 = 1.625, now (2 + 3 + 1 + 2) / 4 = 2.0
    assert (i.items_compared, i.applicable, i.comparable_applicable) == (4, 6, 5)
    assert (i.score_then, i.score_now, i.change) == (1.625, 2.0, 0.375)
    assert i.direction == "improved"
    o = row(yoy, "overall")
    assert (o.previous_period, o.compared_with, o.compared_periods) == (
        THEN,
        "X13 X14",
        "2023/24 2023/24",
    )
    assert (o.not_assessed, o.version_then, o.version_now) == ("X15", "1", 2)


def test_all_organisations_and_one_agree_with_predecessors(merged):
    _, items, scores = merged
    everyone = change_table(items, NOW, V2)
    mine = everyone[everyone["organisation"] == "X20"].drop(columns="organisation")
    one = year_on_year(items, "X20", NOW, V2)
    assert mine.reset_index(drop=True).equals(one)
    summary = summary_table(scores, items, V2, NOW)
    s = summary.set_index("dimension").loc["vision"]
    assert (s.change, s.compared_with, s.not_assessed) == (0.25, "X13 X14", "X15")
    orgs = organisation_table(scores[scores["period"] == NOW], everyone, V2)
    assert orgs.iloc[0][
        ["compared_with", "not_assessed", "version_then", "version_now"]
    ].tolist() == [
        "X13 X14",
        "X15",
        "1",
        2,
    ]


def test_the_report_names_predecessors_and_the_one_never_assessed(merged):
    docs, items, scores = merged
    d = build_report_data(scores, items, docs, V2, "X20", NOW, frameworks=KNOWN)
    assert d.previous is None and d.previous_period == THEN
    assert d.compared_with == ["X13", "X14"] and d.not_assessed == ["X15"]
    text = sections.headline(d, V2)
    assert (
        "It is compared with its predecessors Kestrel ICB (X13, 2023/24) and Heron ICB (X14, "
        "2023/24): the mean of their answers, item by item."
    ) in text
    assert "X15 has no earlier assessment, so it is not in the comparison." in text


def test_own_earlier_assessment_counts_with_the_predecessors():
    # X30 kept its code and absorbed X31: vision.1 mean (1 + 3) / 2 = 2 against now 3;
    # vision.4 X30's 2 against now 2. then 2.0, now 2.5, +0.5 (same version: 3 applicable)
    docs = [
        doc("X30", THEN, 2, {"vision.1": 1, "vision.4": 2}),
        doc("X31", THEN, 2, {"vision.1": 3}),
        doc("X30", NOW, 2, {"vision.1": 3, "vision.4": 2}, predecessors=["X31"]),
    ]
    items, _ = tables(docs)
    v = row(year_on_year(items, "X30", NOW, V2), "vision")
    assert (v.items_compared, v.comparable_applicable) == (2, 3)
    assert (v.score_then, v.score_now, v.change) == (2.0, 2.5, 0.5)
    assert v.compared_with == "X30 X31"


def test_no_earlier_assessment_anywhere_is_a_first_assessment():
    docs = [doc("X40", NOW, 2, {"vision.1": 3}, predecessors=["X41"])]
    items, scores = tables(docs)
    o = row(year_on_year(items, "X40", NOW, V2), "overall")
    assert (o.previous_period, o.direction, o.not_assessed) == ("", "", "X41")
    d = build_report_data(scores, items, docs, V2, "X40", NOW, frameworks=KNOWN)
    text = sections.headline(d, V2)
    assert "no earlier assessment of it or of its predecessors" in text
    assert "X41 has no earlier assessment" in text


# ---------------------------------------------------------------- peers on mixed versions


def test_peers_are_only_organisations_on_the_same_version():
    # 2024/25: P1-P6 on version 2 with vision 1, 2, 2, 3, 3, 4; Q1-Q3 still on version 1 with
    # vision 0, 0, 0. P1's peers are P2-P6 (5, the minimum): vision 2, 2, 3, 3, 4, median 3,
    # and P1 (1) is lower than all of them. Had Q1-Q3 counted, P1 would be higher than 3 of 8.
    docs = [
        doc(f"P{k}", NOW, 2, {"vision.1": level}) for k, level in enumerate([1, 2, 2, 3, 3, 4], 1)
    ] + [doc(f"Q{k}", NOW, 1, {"vision.1": 0}) for k in range(1, 4)]
    _, scores = tables(docs)
    p1 = peer_table(scores, "P1", NOW).set_index("dimension").loc["vision"]
    assert (p1.peer_n, p1.peer_median, p1.percentile, p1.band) == (5, 3.0, 0.0, "bottom")
    q1 = peer_table(scores, "Q1", NOW).set_index("dimension").loc["vision"]
    assert q1.peer_n == 2 and not q1.shown  # Q2 and Q3: too few
    figures = peer_figures(scores, NOW)
    rows = scores.loc[figures.index]
    mine = figures[(rows["organisation"] == "P1") & (rows["dimension"] == "vision")].iloc[0]
    assert (mine.peer_n, mine.peer_median) == (5, 3.0)
    assert peer_set(scores, "P1", NOW) == ["P2", "P3", "P4", "P5", "P6"]
    assert peer_basis(5, NOW, None, version=2, other_versions=3) == (
        "5 other organisations in 2024/25 on version 2 of the question bank (3 on another "
        "version are not compared: different items)"
    )
    d = build_report_data(scores, item_table(docs, KNOWN), docs, V2, "P1", NOW)
    assert d.peer_count == 5 and "3 on another version are not compared" in d.peer_basis


def test_no_comparable_answer_reads_none_not_only_0():
    from engagecycle.words import only

    assert only(0, "the 38 comparable items") == "none of the 38 comparable items"
    assert only(7, "the 42 comparable items") == "only 7 of the 42 comparable items"
