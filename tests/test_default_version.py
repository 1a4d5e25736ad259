"""Version 2 of the question bank is the default for new assessments (issue 12, "done when"):
`engagecycle new`, the workshop's new file and the workbook for a new file all start on it,
from one constant; a new year from a version 1 file carries over through the lineage and marks
the rest to rate afresh; version 1 files still validate and score against version 1.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from engagecycle.framework import NEW_ASSESSMENT_VERSION, load_framework
from engagecycle.scoring import score_table
from engagecycle.spreadsheet.template import write_template
from engagecycle.store import Store
from engagecycle.versions import Frameworks, kept_ids
from engagecycle.workshop.session import open_or_create

DATA = Path(__file__).parent / "data"
V1, V2 = load_framework(version=1), load_framework(version=2)


def _last_year_on_v1(tmp_path: Path) -> Path:
    folder = tmp_path / "assessments"
    (folder / "T01").mkdir(parents=True)
    shutil.copy(DATA / "good.yaml", folder / "T01" / "2024-25.yaml")  # version 1
    return folder


def test_the_one_constant_is_version_2():
    assert NEW_ASSESSMENT_VERSION == 2
    assert Frameworks.packaged().new is V2


def test_the_workshop_starts_a_new_organisation_on_version_2(tmp_path):
    a, _ = open_or_create(Store(tmp_path / "a"), "T05", "2025/26", name="Fiveby ICB")
    assert a.framework_version == 2


def test_the_workshop_from_last_years_version_1_answers_marks_the_rest_afresh(tmp_path):
    folder = _last_year_on_v1(tmp_path)
    a, notices = open_or_create(Store(folder), "T01", "2025/26", from_previous=True)
    assert a.framework_version == 2
    # good.yaml answers vision.1 (kept, reworded), vision.2 (merged) and strategy.1 (merged)
    assert a.unconfirmed() == ["vision.1"]
    new_or_changed = set(V2.items) - kept_ids(V2, V1, Frameworks.packaged())
    assert set(a.afresh()) == new_or_changed and len(new_or_changed) == 33
    assert any("afresh" in n for n in notices)


def test_the_workbook_for_a_new_file_is_on_version_2(tmp_path):
    folder = _last_year_on_v1(tmp_path)
    out = tmp_path / "t01.xlsx"
    write_template(Store(folder), "T01", "2025/26", out, from_previous=True)
    wb = openpyxl.load_workbook(out)
    ids = {
        c.value
        for r in wb["Items"].iter_rows()
        for c in r
        if isinstance(c.value, str) and c.value.startswith("vision.")
    }
    assert "vision.5" in ids and "vision.2" not in ids  # version 2's items
    assert not (folder / "T01" / "2025-26.yaml").exists()  # a template writes no file


def test_version_1_files_still_validate_and_score_on_version_1(tmp_path):
    folder = _last_year_on_v1(tmp_path)
    loaded = Store(folder).load_all()
    assert loaded.problems == []
    (a,) = loaded.assessments
    assert a.framework_version == 1
    table = score_table([a], Frameworks.packaged())
    assert set(table["version"]) == {1}
    vision = table.set_index("dimension").loc["vision"]
    assert vision["items"] == len(V1.by_id["vision"].items) == 4
