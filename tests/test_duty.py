"""The duty to involve, principle by principle (issue 12, B1 point 5): every rating below was
worked out by hand from the rule in docs/scoring.md section 9, before running the code."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import DUTY_ANSWERS

from engagecycle.assessment import Assessment, new_document
from engagecycle.duty import AMBER, GREEN, NOT_ENOUGH, RED, duty_view, rate
from engagecycle.framework import load_framework
from engagecycle.scoring import item_table

V1 = load_framework(version=1)
V2 = load_framework(version=2)

ANSWERS = DUTY_ANSWERS


def view(fw=V2, answers=ANSWERS, carried=()):
    a = Assessment(new_document(fw, "T01", "2025/26", "Testbury ICB"))
    for item, level in answers.items():
        a.set_level(item, level)
    for item in carried:
        a.set_carried_over(item, True)
    return duty_view(item_table([a], fw), fw)


def test_green_every_tagged_item_answered_established_and_none_weak():
    # (3 + 3 + 4 + 2) / 4 = 3.0, nothing under 2
    r = view().get("principle", 7)
    assert (r.rating, r.answered, r.applicable, r.average, r.below) == (GREEN, 4, 4, 3.0, ())
    assert r.reason == "Green: 4 of 4 tagged items answered, average 3.0; none is below Developing."


def test_amber_names_the_item_below_developing():
    # limb c: 5 of 8 answered, (3 + 2 + 1 + 3 + 3) / 5 = 2.4; governance.7 is 1
    r = view().get("duty", "c")
    assert (r.rating, r.answered, r.applicable) == (AMBER, 5, 8)
    assert r.average == pytest.approx(2.4)
    assert r.reason == (
        "Amber: 5 of 8 tagged items answered, average 2.4; governance.7 is below Developing."
    )


def test_na_is_left_out_and_said():
    # annual reporting: insight.5 N/A; (3 + 1) / 2 = 2.0 over 2 of 2 applicable
    r = view().get("domain", "annual-reporting")
    assert (r.rating, r.answered, r.applicable, r.average) == (AMBER, 2, 2, 2.0)
    assert r.reason == (
        "Amber: 2 of 2 tagged items answered, average 2.0; governance.7 is below Developing "
        "(1 N/A left out)."
    )


def test_red_below_developing_on_average():
    # principle 6: 7 of 10 answered, (3 + 0 + 1 + 1 + 2 + 0 + 1) / 7 = 8/7 = 1.14
    r = view().get("principle", 6)
    assert (r.rating, r.answered, r.applicable) == (RED, 7, 10)
    assert r.average == pytest.approx(8 / 7)
    assert r.below == (
        "governance.8",
        "structures.6",
        "relationships.4",
        "public-support.7",
        "develop.2",
    )
    assert r.reason == (
        "Red: 7 of 10 tagged items answered, average 1.1; governance.8, structures.6, "
        "relationships.4, public-support.7 and 1 more are below Developing."
    )


def test_not_enough_evidence_under_half_answered():
    # limb a: strategy.7 and governance.7 answered, 2 of 9 (fewer than half)
    r = view().get("duty", "a")
    assert (r.rating, r.answered, r.applicable, r.average) == (NOT_ENOUGH, 2, 9, None)
    assert r.reason == (
        "Not enough evidence: 2 of 9 tagged items answered; a rating needs at least 2, and "
        "at least half of those that apply."
    )


def test_every_principle_limb_and_domain_is_rated_and_it_says_it_is_a_self_assessment():
    v = view()
    assert v.tagged and v.version == 2 and (v.organisation, v.period) == ("T01", "2025/26")
    assert [r.key for r in v.group("principle")] == [str(n) for n in range(1, 11)]
    assert [r.key for r in v.group("duty")] == ["a", "b", "c"]
    assert len(v.group("domain")) == 5
    assert "own self-assessment" in v.basis and "not NHS England's assessment" in v.basis
    assert all(r.reason.startswith(r.word + ":") for r in v.ratings)


def test_carried_over_answers_count_and_are_named():
    r = view(carried=("relationships.6", "identify.3")).get("principle", 7)
    assert r.rating == GREEN and r.unconfirmed == ("relationships.6", "identify.3")
    assert r.reason.endswith(
        "(2 of these answers were carried over from last year and not yet confirmed)."
    )


def test_version_1_answers_carry_no_tags():
    v = view(V1, {"vision.1": 3})
    assert not v.tagged and v.ratings == ()
    assert "version 1 of the question bank, whose items carry no tags" in v.note
    assert "own self-assessment" in v.basis


def rows(values: dict) -> pd.DataFrame:
    """Item-table rows for `rate`: value per item, None for unanswered, "n/a" for N/A."""
    out = []
    for item, v in values.items():
        status = "na" if v == "n/a" else "unanswered" if v is None else "answered"
        value = v if status == "answered" else float("nan")
        out.append((item, status, value, 1.0, False))
    frame = pd.DataFrame(out, columns=["item", "status", "value", "weight", "carried_over"])
    return frame.set_index("item")


def test_thresholds_at_their_edges():
    # exactly 2.5 with nothing under 2 is green; 2.5 with a 1.5 median under 2 is amber
    assert rate("duty", "x", "X", rows({"a.1": 2, "a.2": 3})).rating == GREEN
    held = rate("duty", "x", "X", rows({"a.1": 1.5, "a.2": 3.5}))
    assert held.rating == AMBER and held.below == ("a.1",)
    # exactly 1.5 is amber, just under is red; shown with two decimals near a threshold
    assert rate("duty", "x", "X", rows({"a.1": 1, "a.2": 2})).rating == AMBER
    near = rate("duty", "x", "X", rows({"a.1": 1, "a.2": 2, "a.3": 1.4}))
    assert near.rating == RED and "average 1.47;" in near.reason
    # amber with none below explains what green needs
    mid = rate("duty", "x", "X", rows({"a.1": 2, "a.2": 2}))
    assert mid.reason.endswith("an average of 2.5 (Established) or more is needed for green.")
    # two answered out of four is enough; one is not
    assert (
        rate("duty", "x", "X", rows({"a.1": 3, "a.2": 3, "a.3": None, "a.4": None})).rating == GREEN
    )
    assert rate("duty", "x", "X", rows({"a.1": 3, "a.2": None})).rating == NOT_ENOUGH
    every_na = rate("duty", "x", "X", rows({"a.1": "n/a", "a.2": "n/a"}))
    assert (
        every_na.rating == NOT_ENOUGH and "all 2 tagged items were answered N/A" in every_na.reason
    )


def test_one_assessment_at_a_time():
    a = Assessment(new_document(V2, "T01", "2025/26", "T"))
    b = Assessment(new_document(V2, "T02", "2025/26", "T"))
    with pytest.raises(ValueError, match="one assessment's rows"):
        duty_view(item_table([a, b], V2), V2)
