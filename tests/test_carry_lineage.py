"""Carrying answers across versions by lineage, items to rate afresh, predecessor
organisations (issue 12, B1 points 2 and 4)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engagecycle import cli as main_cli
from engagecycle.assessment import (
    Assessment,
    carry_forward,
    mark_afresh,
    new_document,
    validate_document,
)
from engagecycle.framework import load_framework
from engagecycle.scoring import item_table, score_table
from engagecycle.store import Store
from engagecycle.versions import Frameworks
from engagecycle.yamlio import dump, load_roundtrip

V1 = load_framework(version=1)
V2 = load_framework(version=2)
ALL = Frameworks.packaged()
NOT_KEPT = [i.id for i in V2.items.values() if not i.lineage.carried]


def make(fw, code: str = "T01", period: str = "2024/25") -> Assessment:
    return Assessment(new_document(fw, code, period, f"{code} ICB"))


def last_year() -> Assessment:
    """A version 1 assessment with one answer of each kind of fate in version 2."""
    a = make(V1)
    a.set_level("vision.1", 3)  # reworded in version 2: kept
    a.set_evidence("vision.1", "Board workshop in May")
    a.set_level("develop.2", 2)  # same: kept
    a.set_level("structures.4", "n/a")  # same: kept, N/A is an answer too
    a.set_level("vision.2", 4)  # merged into governance.6
    a.set_level("vision.3", 1)  # retired
    a.set_level("strategy.1", 3)  # merged into strategy.6
    a.set_raters("roles.4", {"AB": 2, "CD": 3})  # kept, but only individual ratings
    return a


def test_carrying_from_version_1_copies_only_what_kept_its_meaning():
    this = make(V2, period="2025/26")
    copied = carry_forward(this, last_year(), today=date(2025, 4, 1))
    assert copied == 3  # vision.1, develop.2, structures.4
    r = this.response("vision.1")
    assert (r.level, r.evidence, r.carried_over, r.afresh) == (
        3,
        "Board workshop in May",
        True,
        False,
    )
    assert this.response("develop.2").carried_over and this.response("structures.4").level == "n/a"
    # answers to merged and retired items are not copied: the question is not the same
    for gone in ("vision.2", "vision.3", "strategy.1"):
        assert gone not in (this.doc.get("responses") or {})
    assert this.response("governance.6").level is None
    # every item whose meaning is new or changed is marked to rate afresh, nothing else
    assert sorted(this.afresh()) == sorted(NOT_KEPT) and len(NOT_KEPT) == 33
    assert not this.response("vision.4").afresh  # same meaning, simply not answered last year
    assert not this.response("roles.4").afresh  # kept; ratings are never copied
    assert validate_document(this.doc, ALL, "x.yaml") == []


def test_carrying_within_one_version_is_unchanged():
    this = make(V1, period="2025/26")
    assert carry_forward(this, last_year()) == 6
    assert this.afresh() == [] and this.response("vision.3").level == 1


def test_afresh_items_score_as_unanswered_and_answering_clears_the_mark():
    this = make(V2, period="2025/26")
    carry_forward(this, last_year())
    items = item_table([this], ALL).set_index("item")
    assert items.loc["governance.6", "status"] == "unanswered"
    assert bool(items.loc["governance.6", "afresh"]) and not bool(items.loc["vision.1", "afresh"])
    assert int(items["afresh"].sum()) == 33
    gov = score_table([this], ALL).set_index("dimension").loc["governance"]
    assert (gov.answered, gov.unanswered, gov.applicable) == (0, 5, 5)
    this.set_level("governance.6", 2)
    assert this.response("governance.6").afresh is False
    assert "afresh" not in this.doc["responses"]["governance.6"]
    this.set_raters("governance.7", {"AB": 1})
    assert "governance.7" not in this.afresh()
    assert len(this.afresh()) == 31


def test_afresh_is_validated():
    this = make(V2)
    this.doc["responses"]["vision.5"] = {"afresh": "yes"}
    this.doc["responses"]["strategy.6"] = {"level": 2, "carried_over": True, "afresh": True}
    problems = {p.where: p for p in validate_document(this.doc, ALL, "x.yaml")}
    assert problems["vision.5.afresh"].message == "must be true or false"
    assert "either carried over" in problems["strategy.6.afresh"].message
    old = make(V1)
    old.doc["responses"]["vision.1"] = {"afresh": True}
    (p,) = validate_document(old.doc, ALL, "y.yaml")
    assert p.where == "vision.1.afresh" and "version 1 has none" in p.message


def test_mark_afresh_never_touches_an_answer():
    this = make(V2)
    this.set_level("vision.5", 2)
    marked = mark_afresh(this, last_year(), frameworks=ALL)
    assert "vision.5" not in marked and len(marked) == 32
    assert mark_afresh(this, last_year(), frameworks=ALL) == []  # already marked: idempotent


# --- engagecycle new --------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "assessments"
    path = folder / "T01" / "2024-25.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(dump(last_year().doc), encoding="utf-8")
    return folder


def test_new_from_previous_on_version_2_says_how_many_to_rate_afresh(folder, capsys):
    code = main_cli.main(
        [
            "new",
            "T01",
            "2025/26",
            "--from-previous",
            "--framework-version",
            "2",
            "--assessments",
            str(folder),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "on version 2 of the question bank" in out
    assert "copied 3 answer(s) from 2024/25" in out
    assert "33 item(s) are new or changed in version 2" in out and "rate afresh" in out
    a = Store(folder).find("T01", "2025/26")
    assert a.framework_version == 2 and len(a.afresh()) == 33
    text = (folder / "T01" / "2025-26.yaml").read_text(encoding="utf-8")
    assert V2.items["governance.6"].statement in text  # listed for a text editor
    # the next year stays on version 2 without being asked, and cannot go back
    assert main_cli.main(["new", "T01", "2026/27", "--assessments", str(folder)]) == 0
    assert Store(folder).find("T01", "2026/27").framework_version == 2
    capsys.readouterr()
    args = ["new", "T01", "2027/28", "--framework-version", "1", "--assessments", str(folder)]
    assert main_cli.main(args) == 1
    assert "cannot go back to version 1" in capsys.readouterr().err
    args = ["new", "T02", "2025/26", "--name", "X", "--framework-version", "5"]
    assert main_cli.main([*args, "--assessments", str(folder)]) == 1
    assert "versions available are 1 or 2" in capsys.readouterr().err


def test_new_on_a_later_version_marks_new_items_even_without_last_years_answers(folder, capsys):
    args = ["new", "T01", "2025/26", "--framework-version", "2", "--assessments", str(folder)]
    assert main_cli.main(args) == 0
    a = Store(folder).find("T01", "2025/26")
    assert sorted(a.afresh()) == sorted(NOT_KEPT) and a.unconfirmed() == []


# --- predecessor organisations ----------------------------------------------------------------


def test_predecessors_are_codes_other_than_its_own():
    a = make(V2, code="X20")
    assert a.predecessors == []
    a.doc["organisation"]["predecessors"] = ["X13", "X14"]
    assert validate_document(a.doc, ALL, "x.yaml") == []
    assert a.predecessors == ["X13", "X14"]
    a.doc["organisation"]["predecessors"] = ["X13", "X20", "X13", "../up", 7]
    problems = [(p.where, p.message) for p in validate_document(a.doc, ALL, "x.yaml")]
    assert (
        "organisation.predecessors[2]",
        "an organisation cannot be its own predecessor",
    ) in problems
    assert ("organisation.predecessors[3]", "listed twice") in problems
    assert problems[2][0] == "organisation.predecessors[4]" and "code" in problems[2][1]
    assert problems[3][0] == "organisation.predecessors[5]"
    a.doc["organisation"]["predecessors"] = "X13"
    (p,) = validate_document(a.doc, ALL, "x.yaml")
    assert p.where == "organisation.predecessors" and "[X13, X14]" in p.allowed


def test_predecessors_survive_a_round_trip_with_their_line_numbers():
    text = dump(make(V2, code="X20").doc).replace(
        "type: ICB\n", "type: ICB\n  predecessors: [X13, X20]\n"
    )
    (p,) = validate_document(load_roundtrip(text), ALL, "x.yaml")
    assert p.where == "organisation.predecessors[2]" and p.line == 7  # the line it is on
