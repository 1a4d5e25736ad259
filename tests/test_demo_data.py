"""The shipped demo data: valid, up to date with its generator, and shaped as promised.

Reports, charts and notebooks are demonstrated on `assessments/`, so these tests guard that it
loads cleanly, that it is exactly what `scripts/make_demo_data.py` writes (stale data after a
change to the question bank or the generator fails here), and that it still contains the
awkward cases the rest of the product must handle: missing years, n/a, unknown, rater
disagreement, medians from raters alone and a very incomplete assessment.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from engagecycle.framework import load_framework
from engagecycle.scoring import item_table, score_table
from engagecycle.store import Store
from engagecycle.versions import Frameworks

ALL = Frameworks.packaged()

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "assessments"
SCRIPT = REPO / "scripts" / "make_demo_data.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("make_demo_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_demo_data", module)
    spec.loader.exec_module(module)
    return module


demo = _load_script()


def _yaml_files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*.yaml"))
        if not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }


@pytest.fixture(scope="module")
def shipped():
    return Store(SHIPPED).load_all()


@pytest.fixture(scope="module")
def items(shipped):
    return item_table(shipped.assessments, ALL)


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """A fresh run with the default seed into a folder that also holds someone else's file."""
    out = tmp_path_factory.mktemp("demo")
    other = out / "README.txt"
    other.write_text("not the generator's\n", encoding="utf-8")
    demo.generate(out, force=True)
    return out, other


def test_shipped_demo_data_loads_without_problems(shipped):
    assert shipped.files > 0
    assert [str(p) for p in shipped.problems] == []
    assert len(shipped.assessments) == shipped.files


def test_regenerating_with_default_seed_matches_the_shipped_files(regenerated):
    out, _ = regenerated
    fresh = _yaml_files(out)
    committed = _yaml_files(SHIPPED)
    assert sorted(fresh) == sorted(committed), "run: python scripts/make_demo_data.py"
    stale = [name for name in committed if fresh[name] != committed[name]]
    assert stale == [], "demo data is stale; run: python scripts/make_demo_data.py"


def test_force_rewrites_only_the_demo_folders(regenerated):
    out, other = regenerated
    assert other.read_text(encoding="utf-8") == "not the generator's\n"
    planned = demo.planned_files()
    written = {p.parent.name for p in out.rglob("*.yaml")}
    assert written == set(planned)
    assert not list(out.rglob(".history")), "store backups should be cleaned away"


def test_refuses_a_folder_holding_other_files(tmp_path):
    stray = tmp_path / "mine.yaml"
    stray.write_text("keep me\n", encoding="utf-8")
    with pytest.raises(demo.RefuseError, match="mine.yaml"):
        demo.generate(tmp_path)
    assert stray.read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]


def test_own_output_is_not_foreign(tmp_path):
    assert demo.foreign_files(SHIPPED) == []
    (tmp_path / "X01").mkdir()
    (tmp_path / "X01" / "2022-23.yaml").write_text("", encoding="utf-8")
    (tmp_path / "X01" / "extra.yaml").write_text("", encoding="utf-8")
    assert demo.foreign_files(tmp_path) == [tmp_path / "X01" / "extra.yaml"]


def test_organisations_periods_and_missing_years(shipped):
    periods_of: dict[str, set[str]] = {}
    for a in shipped.assessments:
        periods_of.setdefault(a.code, set()).add(a.period)
    assert len(periods_of) >= 12
    assert set().union(*periods_of.values()) == {"2022/23", "2023/24", "2024/25"}
    assert any(len(p) < 3 for p in periods_of.values())
    members: dict[str, set[str]] = {}
    for a in shipped.assessments:
        members.setdefault(a.peer_group, set()).add(a.code)
    assert sorted(len(m) for m in members.values()) == [3, 4, 8]  # X15 joined by merger


def test_awkward_answers_are_present(items):
    assert (items["status"] == "na").any()
    assert (items["status"] == "unknown").any()
    assert (items["status"] == "unanswered").any()
    assert (items["spread"] >= 2).any()
    raters_only = (items["n_raters"] >= 3) & (items["level_recorded"] == "")
    assert raters_only.any(), "some items should be scored from the raters' median alone"
    assert items["flag"].any()
    assert (items["evidence"] != "").any()


def test_one_organisation_is_very_incomplete_in_latest_year(shipped):
    table = score_table(shipped.assessments, ALL)
    overall = table[(table["dimension"] == "overall") & (table["period"] == "2024/25")]
    assert (overall["completeness"] < 0.5).sum() >= 1
    assert (overall["completeness"] >= 0.5).sum() >= 10


def test_demo_shows_what_a_board_must_not_miss(shipped, items):
    # issue 9: the demo shows unconfirmed carried-over answers (with a headline warning),
    # an organisation with too few comparable answers to report a change, and disagreements
    # both resolved and still open
    from engagecycle.benchmark.change import year_on_year
    from engagecycle.benchmark.rules import NOT_ENOUGH, UNCONFIRMED_WARN_SHARE

    fw = load_framework(version=2)
    table = score_table(shipped.assessments, ALL, items=items)
    overall = table[(table["dimension"] == "overall") & (table["period"] == "2024/25")]
    answers = overall["items"] - overall["unanswered"]
    share = overall["unconfirmed"] / answers
    assert (share >= UNCONFIRMED_WARN_SHARE).sum() >= 1  # a headline warning
    assert ((overall["unconfirmed"] > 0) & (share < UNCONFIRMED_WARN_SHARE)).sum() >= 3
    latest = items[items["period"] == "2024/25"]
    directions = {
        code: year_on_year(items, code, "2024/25", fw).set_index("dimension").loc["overall"]
        for code in sorted(latest["organisation"].unique())
    }
    assert any(r["direction"] == NOT_ENOUGH for r in directions.values())
    disputed = latest[latest["discuss"]]
    assert disputed["resolved"].sum() >= 5 and (~disputed["resolved"]).sum() >= 5


def test_latest_year_on_version_2_and_earlier_years_on_version_1(shipped, items):
    # issue 12, point 5: the demo shows year on year across versions
    versions = {(a.code, a.period): a.framework_version for a in shipped.assessments}
    assert {v for (_, p), v in versions.items() if p == "2024/25"} == {2}
    assert {v for (_, p), v in versions.items() if p != "2024/25"} == {1}
    latest = items[items["period"] == "2024/25"]
    # a real team's first year on version 2: answers copied from 2023/24 and not yet
    # confirmed, items new in version 2 not yet rated, counts written in the evidence
    assert latest["carried_over"].sum() >= 20
    assert latest["afresh"].sum() >= 20
    assert latest["evidence"].str.contains(r"\b\d+ of (?:the )?\d+\b").sum() >= 50


def test_cross_version_change_is_reported_on_the_items_that_kept_their_meaning(items):
    from engagecycle.benchmark.change import change_table
    from engagecycle.benchmark.rules import CHANGES, NOT_ENOUGH

    overall = change_table(items, "2024/25", load_framework(version=2))
    overall = overall[overall["dimension"] == "overall"].set_index("organisation")
    assert set(overall["version_then"]) == {"1"} and set(overall["version_now"]) == {2}
    assert (overall["applicable"] > overall["comparable_applicable"]).all()
    assert overall["comparable_applicable"].max() <= 42  # items kept from version 1
    assert overall["direction"].isin(CHANGES).sum() >= 10
    assert overall.loc["X08", "direction"] == NOT_ENOUGH


def test_a_merger_is_compared_with_its_predecessors(shipped, items):
    from engagecycle.benchmark.change import year_on_year

    periods = {a.code: set() for a in shipped.assessments}
    for a in shipped.assessments:
        periods[a.code].add(a.period)
    x15 = next(a for a in shipped.assessments if a.code == "X15")
    assert x15.predecessors == ["X06", "X12"] and periods["X15"] == {"2024/25"}
    assert "2024/25" not in periods["X06"] | periods["X12"]
    o = year_on_year(items, "X15", "2024/25", load_framework(version=2)).iloc[-1]
    assert (o.compared_with, o.compared_periods) == ("X06 X12", "2022/23 2023/24")
    assert o.previous_period == "2023/24" and o.items_compared >= 21
