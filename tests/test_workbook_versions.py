"""The offline workbook on version 2 of the question bank (issue 12, B1 points 1, 2 and 6):
made for the assessment's own version, marking the items to rate afresh, showing the rating
rule, counts, evidence and glossary, and imported back losing nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from test_workbook_formulas import SOFFICE, compare, fill, live_scores, recalculate

from engagecycle.framework import load_framework
from engagecycle.guide import RULE
from engagecycle.migrate import migrate_files
from engagecycle.scoring import score_table
from engagecycle.spreadsheet import layout as L
from engagecycle.spreadsheet.importer import ImportFailed, import_workbook
from engagecycle.spreadsheet.template import write_template
from engagecycle.store import Store
from engagecycle.versions import Frameworks
from tests.helpers import store_v1

V1 = load_framework(version=1)
V2 = load_framework(version=2)
AFRESH = "New or changed in version 2: rate afresh."


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """T01 answered version 1 in 2024/25 and is moving to version 2 for 2025/26."""
    store = store_v1(tmp_path / "assessments")
    last = store.create("T01", "2024/25", "Testbury ICB")
    last.set_level("vision.1", 3)  # kept (reworded)
    last.set_level("vision.2", 2)  # merged into governance.6
    last.set_level("develop.2", 1)  # kept (same)
    store.save(last)
    return store


def sheet_rows(ws) -> tuple[dict[str, int], dict[str, int]]:
    head = {
        str(ws.cell(L.HEADER_ROW, c).value): c
        for c in range(1, ws.max_column + 1)
        if ws.cell(L.HEADER_ROW, c).value is not None
    }
    rows = {ws.cell(r, head[L.ITEM]).value: r for r in range(L.FIRST_ROW, ws.max_row + 1)}
    return head, rows


def instructions_text(wb) -> str:
    ws = wb[L.INSTRUCTIONS]
    return "\n".join(
        str(ws.cell(r, c).value)
        for r in range(1, ws.max_row + 1)
        for c in (1, 2)
        if ws.cell(r, c).value is not None
    )


def test_a_version_2_workbook_from_last_years_version_1_answers(store, tmp_path):
    store.create("T01", "2025/26", "Testbury ICB", framework=V2)
    out = tmp_path / "t01.xlsx"
    result = write_template(store, "T01", "2025/26", out, from_previous=True)
    assert (result.version, result.carried, result.afresh) == (2, 2, 33)
    wb = openpyxl.load_workbook(out)
    head, rows = sheet_rows(wb[L.ITEMS])
    assert [i for i in rows if i] == list(V2.items)
    ws = wb[L.ITEMS]
    # the rule, the scale, the count of items to rate afresh and the glossary
    text = instructions_text(wb)
    for words in (
        RULE,
        "Two levels true?",
        "3 Established: Done in three quarters or more",
        "33 statement(s) are new or changed in version 2",
        "Words used",
        V2.glossary["VCSE"],
        "count the cases it names",
    ):
        assert words in text
    assert wb[L.INSTRUCTIONS].cell(L.INFO_ROWS["version"], 2).value == 2
    # per item: what to count, and the evidence under each level's text
    item = V2.items["vision.4"]
    assert ws.cell(rows["vision.4"], head[L.HELP]).value.endswith(f"Count: {item.count}")
    level2 = ws.cell(rows["vision.4"], head["2 Developing"]).value
    assert level2 == f"{item.levels[2]}\nEvidence: {item.evidence[2]}"
    # the items to rate afresh are marked; the carried and kept ones are not
    fresh = ws.cell(rows["governance.6"], head[L.STATEMENT])
    assert fresh.value == f"{AFRESH}\n{V2.items['governance.6'].statement}"
    assert fresh.fill.fgColor.rgb.endswith("E5DCEF")
    for kept in ("vision.1", "vision.4", "develop.2"):
        assert ws.cell(rows[kept], head[L.STATEMENT]).value == V2.items[kept].statement
    assert ws.cell(rows["vision.1"], head[L.CARRIED]).value == "Yes"

    # the team rates two of them and imports the workbook
    ws.cell(rows["governance.6"], head[L.LEVEL]).value = 2
    ws.cell(rows["vision.5"], head[L.LEVEL]).value = "Don't know"
    wb.save(out)
    import_workbook(out, store)
    a = store.find("T01", "2025/26")
    assert a.framework_version == 2
    assert a.response("governance.6").level == 2 and not a.response("governance.6").afresh
    assert a.response("vision.5").level == "unknown"
    assert a.response("vision.1").carried_over and a.response("vision.1").level == 3
    assert len(a.afresh()) == 31 and "strategy.6" in a.afresh()


def test_a_new_file_made_by_import_keeps_the_afresh_marks(store, tmp_path):
    out = tmp_path / "t01.xlsx"
    # no file yet for 2025/26, and T01 is on version 1: its workbook is version 1 too
    assert write_template(store, "T01", "2025/26", out).version == 1
    # once new assessments start on version 2 (the one-line switch), the workbook for a new
    # file asks version 2 and marks what T01 was never asked; the import keeps the marks
    switched = Store(store.folder, frameworks=Frameworks([V1, V2], new_version=2))
    result = write_template(switched, "T01", "2025/26", out, overwrite=True)
    assert (result.version, result.carried, result.afresh) == (2, 0, 33)
    wb = openpyxl.load_workbook(out)
    head, rows = sheet_rows(wb[L.ITEMS])
    wb[L.ITEMS].cell(rows["strategy.6"], head[L.LEVEL]).value = 3
    wb.save(out)
    import_workbook(out, switched)
    a = switched.find("T01", "2025/26")
    assert a.framework_version == 2 and a.response("strategy.6").level == 3
    assert len(a.afresh()) == 32 and "strategy.7" in a.afresh()


def test_a_version_2_file_round_trips_unchanged(store, tmp_path):
    a = store.create("T01", "2025/26", "Testbury ICB", framework=V2)
    a.set_level("vision.5", 3)
    a.set_evidence("vision.5", "Programme records, 7 of 8")
    store.save(a)
    before = a.path.read_bytes()
    out = tmp_path / "t01.xlsx"
    write_template(store, "T01", "2025/26", out)
    result = import_workbook(out, store)
    assert not result.written and a.path.read_bytes() == before
    assert len(store.find("T01", "2025/26").afresh()) == 32  # made with the marks, kept


def test_a_workbook_for_the_old_version_is_refused_after_a_migration(store, tmp_path):
    out = tmp_path / "t01.xlsx"
    write_template(store, "T01", "2024/25", out)
    migrate_files([store.folder / "T01" / "2024-25.yaml"], store, say=lambda _: None)
    before = (store.folder / "T01" / "2024-25.yaml").read_bytes()
    with pytest.raises(ImportFailed, match="now on version 2 .*migrated after the workbook"):
        import_workbook(out, store)
    assert (store.folder / "T01" / "2024-25.yaml").read_bytes() == before


def test_a_workbook_naming_an_unknown_version_lists_the_versions(store, tmp_path):
    out = tmp_path / "t01.xlsx"
    write_template(store, "T01", "2024/25", out)
    wb = openpyxl.load_workbook(out)
    wb[L.INSTRUCTIONS].cell(L.INFO_ROWS["version"], 2).value = 9
    wb.save(out)
    with pytest.raises(ImportFailed, match="version 9, but this tool has versions 1 or 2"):
        import_workbook(out, store)


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice is not installed")
def test_live_scores_of_a_version_2_workbook_equal_engagecycle_score(store, tmp_path):
    store.create("T01", "2025/26", "Testbury ICB", framework=V2)
    book = tmp_path / "t01.xlsx"
    write_template(store, "T01", "2025/26", book, from_previous=True, today=date(2025, 4, 1))
    answers = {i: n % 5 for n, i in enumerate(V2.items) if not i.startswith("governance")}
    answers.update({"vision.5": "N/A", "develop.6": "Don't know", "procure.7": None})
    fill(book, answers, {})
    live = live_scores(recalculate(book, tmp_path))
    import_workbook(book, store)
    saved = store.find("T01", "2025/26", roundtrip=False)
    table = score_table([saved], store.frameworks)
    assert compare(live, table) == []
    t = table.set_index("dimension")
    assert t.loc["governance", "answered"] == 0 and t.loc["overall", "items"] == 75
