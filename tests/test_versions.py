"""Several question bank versions side by side (issue 12, B1 point 1).

Every assessment validates and scores against the version it records; a file naming a
version the tool does not have gets one clear message; scoring mixes versions with rows per
item of each assessment's own version and dimension rows that still compare.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engagecycle import cli as main_cli
from engagecycle.assessment import Assessment, new_document, validate_document
from engagecycle.errors import FrameworkError
from engagecycle.framework import NEW_ASSESSMENT_VERSION, load_framework
from engagecycle.scoring import item_table, score_table
from engagecycle.store import Store
from engagecycle.versions import Frameworks, kept_ids
from engagecycle.yamlio import dump

V1 = load_framework(version=1)
V2 = load_framework(version=2)
ALL = Frameworks.packaged()


def make(fw, answers: dict, code: str = "T01", period: str = "2024/25") -> Assessment:
    a = Assessment(new_document(fw, code, period, f"{code} ICB"))
    for item, level in answers.items():
        a.set_level(item, level)
    return a


def write(folder: Path, a: Assessment) -> Path:
    path = folder / a.code / f"{a.period.replace('/', '-')}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(a.doc), encoding="utf-8")
    return path


# --- the registry ---------------------------------------------------------------------------


def test_packaged_versions_and_the_version_for_new_assessments():
    assert ALL.versions == (1, 2)
    assert ALL.get(1) is V1 and ALL.get(2) is V2 and ALL.newest is V2
    # new assessments start on version 2 (issue 12): one named constant
    assert NEW_ASSESSMENT_VERSION == 2 and ALL.new is V2
    assert ALL.for_new(None) is V2 and ALL.for_new(1) is V2  # a version 1 year moves up
    assert ALL.for_new(2) is V2
    with pytest.raises(FrameworkError, match=r"version 7 is not one this tool knows; .* 1 or 2"):
        ALL.get(7)


def test_new_assessments_start_on_version_2_and_version_1_stays_available(tmp_path):
    a = Store(tmp_path).create("T01", "2025/26", "Testbury ICB")
    assert a.framework_version == 2 and Store(tmp_path).framework_for(a) is V2
    # a set whose new version is 1 still makes version 1 files, through the same plumbing
    old = Store(tmp_path / "b", frameworks=Frameworks([V1, V2], new_version=1))
    assert old.create("T01", "2025/26", "Testbury ICB").framework_version == 1


def test_kept_ids_follow_the_lineage():
    kept = kept_ids(V2, V1, ALL)
    assert len(kept) == 42  # 14 same + 28 reworded (docs/question-bank.md)
    assert {"vision.1", "vision.4", "develop.2", "structures.4"} <= kept
    assert not {"vision.5", "strategy.6", "governance.6"} & kept  # new and merged
    assert kept_ids(V1, V1, ALL) == frozenset(V1.items)
    with pytest.raises(FrameworkError, match="cannot be carried from version 2 back to version 1"):
        kept_ids(V1, V2, ALL)


# --- validation against the recorded version --------------------------------------------------


def test_each_document_is_checked_against_the_version_it_records():
    v1 = make(V1, {"vision.2": 3})
    v2 = make(V2, {"vision.5": 2, "governance.8": 1})
    assert validate_document(v1.doc, ALL, "a.yaml") == []
    assert validate_document(v2.doc, ALL, "b.yaml") == []
    # a version 2 item in a version 1 file is unknown there, and the other way round
    v1.set_level("vision.5", 2)
    v2.set_level("vision.2", 3)
    (p1,) = validate_document(v1.doc, ALL, "a.yaml")
    (p2,) = validate_document(v2.doc, ALL, "b.yaml")
    assert (p1.where, p1.message) == ("responses.vision.5", "unknown item id")
    assert "engagement-cycle v1" in p1.allowed
    assert (p2.where, p2.message) == ("responses.vision.2", "unknown item id")
    assert "engagement-cycle v2" in p2.allowed


def test_an_unknown_version_gets_one_message_listing_the_versions(tmp_path):
    a = make(V1, {"vision.1": 3, "vision.2": 2})
    a.doc["framework"]["version"] = 3
    path = write(tmp_path, a)
    result = Store(tmp_path).load_all()
    (problem,) = result.problems
    assert problem.where == "framework.version"
    assert problem.message == "not a framework version this tool knows"
    assert problem.allowed == "1 or 2 (the versions available)"
    assert problem.line == 2  # the line of `version` in the file
    assert str(path.name) in problem.file
    # one framework given (as the reports still do): the old message, naming that version
    (pinned,) = validate_document(a.doc, V1, "x.yaml")
    assert (pinned.message, pinned.allowed) == ("framework version does not match", "1")


def test_validate_command_passes_both_versions_and_names_the_unknown(tmp_path, capsys):
    write(tmp_path, make(V1, {"vision.2": 3}, period="2023/24"))
    write(tmp_path, make(V2, {"vision.5": 2}, period="2024/25"))
    assert main_cli.main(["validate", "--assessments", str(tmp_path)]) == 0
    assert "2 file(s) valid" in capsys.readouterr().out
    bad = make(V2, {}, period="2025/26")
    bad.doc["framework"]["version"] = 9
    write(tmp_path, bad)
    assert main_cli.main(["validate", "--assessments", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "framework.version: not a framework version this tool knows" in out
    assert "1 or 2" in out


# --- scoring mixed versions -------------------------------------------------------------------


def test_item_rows_are_the_items_of_each_assessments_own_version():
    old = make(V1, {"vision.1": 3, "vision.2": 1}, period="2023/24")
    new = make(V2, {"vision.1": 2, "vision.5": 4}, period="2024/25")
    items = item_table([old, new], ALL)
    by = dict(tuple(items.groupby("period")))
    assert len(by["2023/24"]) == 70 and len(by["2024/25"]) == 75
    assert set(by["2023/24"]["version"]) == {1} and set(by["2024/25"]["version"]) == {2}
    assert list(by["2023/24"]["item"]) == list(V1.items)
    assert list(by["2024/25"]["item"]) == list(V2.items)
    assert "vision.2" not in set(by["2024/25"]["item"])
    # the same rows as scoring each assessment alone
    alone = item_table([new], V2).reset_index(drop=True)
    mixed = by["2024/25"].reset_index(drop=True)
    assert mixed.equals(alone)


def test_dimension_rows_compare_across_versions():
    # Hand-worked: vision in version 1 has 4 items, in version 2 three.
    old = make(V1, {"vision.1": 3, "vision.2": 1, "vision.3": "n/a"}, period="2023/24")
    new = make(V2, {"vision.1": 2, "vision.5": 4}, period="2024/25")
    table = score_table([old, new], ALL)
    assert len(table) == 2 * 18  # 15 dimensions and hub, cycle, overall each
    v_old = table[(table.period == "2023/24") & (table.dimension == "vision")].iloc[0]
    v_new = table[(table.period == "2024/25") & (table.dimension == "vision")].iloc[0]
    # 2023/24: (3 + 1) / 2 = 2.0 over 3 applicable of 4 items
    assert (v_old.score, v_old["items"], v_old.applicable, v_old.answered) == (2.0, 4, 3, 2)
    # 2024/25: (2 + 4) / 2 = 3.0 over 3 applicable of 3 items
    assert (v_new.score, v_new["items"], v_new.applicable, v_new.answered) == (3.0, 3, 3, 2)
    overall = table[table.dimension.eq("overall")].set_index("period")
    assert overall.loc["2023/24", "items"] == 70 and overall.loc["2024/25", "items"] == 75
    assert overall.loc["2024/25", "score"] == 3.0 and overall.loc["2023/24", "score"] == 2.0


def test_one_framework_given_refuses_an_assessment_on_another_version():
    new = make(V2, {"vision.5": 4})
    with pytest.raises(FrameworkError, match="records framework version 2, which is not one"):
        item_table([new], V1)


def test_score_command_scores_both_versions_together(tmp_path, capsys):
    write(tmp_path, make(V1, {"vision.1": 3, "vision.2": 1}, period="2023/24"))
    write(tmp_path, make(V2, {"vision.1": 2, "vision.5": 4}, period="2024/25"))
    code = main_cli.main(["score", "--assessments", str(tmp_path), "--format", "json"])
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    vision = {r["period"]: r for r in rows if r["dimension"] == "vision"}
    assert vision["2023/24"]["score"] == 2.0 and vision["2024/25"]["score"] == 3.0


# --- the store --------------------------------------------------------------------------------


def test_store_reads_every_version_and_new_files_never_go_back_a_version(tmp_path):
    write(tmp_path, make(V1, {"vision.1": 3}, period="2023/24"))
    write(tmp_path, make(V2, {"vision.5": 2}, period="2024/25"))
    store = Store(tmp_path)
    found = {a.period: a for a in store.load_all().assessments}
    assert store.framework_for(found["2023/24"]) is V1
    assert store.framework_for(found["2024/25"]) is V2
    assert store.framework is V2  # the default for a brand-new organisation
    assert store.framework_for_new("T01", "2025/26") is V2  # T01 is already on version 2
    assert store.framework_for_new("T01", "2024/25") is V2  # moves up from version 1
    assert store.framework_for_new("T09", "2025/26") is V2
    one = Store(tmp_path, frameworks=Frameworks([V1, V2], new_version=1))
    assert one.framework_for_new("T01", "2025/26") is V2  # never goes back a version
    assert one.framework_for_new("T09", "2025/26") is V1
    assert store.create("T01", "2025/26", "Testbury ICB").framework_version == 2
    # a store pinned to one version (as the reports are) refuses the other
    pinned = Store(tmp_path, V1).load_all()
    assert [a.period for a in pinned.assessments] == ["2023/24"]
    refused = {p.file for p in pinned.problems if p.message == "framework version does not match"}
    assert len(refused) == 2 == len(pinned.invalid_files)
