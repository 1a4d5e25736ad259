"""Offline workbook: template out, answers in, action plan out (issue 6).

Every test builds its own assessment folder and workbooks under tmp_path; bad workbooks are
made by editing a real template with openpyxl, the way a person (or a stray cell) would.
"""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from helpers import run_cli

from engagecycle.framework import load_framework
from engagecycle.levels import NA, UNKNOWN
from engagecycle.spreadsheet import layout as L
from engagecycle.spreadsheet.actions import plan_csv, plan_rows, write_action_plan
from engagecycle.spreadsheet.importer import ImportFailed, import_workbook
from engagecycle.spreadsheet.safe import neutralise, put
from engagecycle.spreadsheet.template import write_template
from engagecycle.store import Store

FW = load_framework()
RISKY = [
    "=cmd|' /C calc'!A0",
    "+1 from the survey",
    "-1 since last year",
    "@SUM(A1:A2)",
    "\tindented",
    "\rreturn first",
]
LONG = ("Evidence paragraph with detail. " * 400).strip()

RICH = f"""\
# A hand-written assessment: comments and layout must survive an import.
schema: 1
framework: {{id: engagement-cycle, version: 1}}
organisation: {{code: T01, name: "Testvale ICB \u2014 \u00c6r\u00f8", type: ICB, peer_group: North}}
period: 2024/25
participants: [AB, "Chlo\u00e9 D"]
responses:
  vision.1: {{level: 3, raters: {{AB: 3, "Chlo\u00e9 D": 2}}, evidence: "Board workshop \u2713 \u4e2d\u6587"}}
  vision.2: {{level: n/a}}
  strategy.1: {{level: unknown, flag: true}}
  strategy.2:
    level: 2
    evidence: |
      Line one
      Line two

      After a blank line
  roles.1: {{raters: [1, 2, 4]}}
  roles.2: {{level: 4, carried_over: true, evidence: "{LONG}"}}
  identify.1: {{level: 0, evidence: "=cmd|' /C calc'!A0"}}
  identify.2: {{level: 1, evidence: "+1 from the survey"}}
  identify.3: {{level: 2, evidence: "-1 since last year"}}
  develop.1: {{level: 3, evidence: "@SUM(A1:A2)"}}
  develop.2: {{level: 3, evidence: "\\tindented"}}
dimensions:
  identify: {{target: 3, notes: "Refresh due in the autumn.\\nSecond line"}}
  vision: {{target: 4}}
  monitor: {{notes: "=HYPERLINK(\\"http://example.invalid\\")"}}
actions:
  - {{dimension: identify, action: "Run two outreach sessions", owner: PPE lead, due: 2025-06-30, status: open}}
  - {{dimension: monitor, action: "-Publish you said, we did", owner: "@comms", due: 2024-12-01, status: done}}
  - {{dimension: vision, action: "Agree the definition", status: dropped}}
"""

PREVIOUS = """\
schema: 1
framework: {id: engagement-cycle, version: 1}
organisation: {code: T01, name: "Testvale ICB", type: ICB, peer_group: North}
period: 2023/24
responses:
  vision.1: {level: 2, evidence: "Last year's workshop"}
  vision.3: {level: 1}
dimensions:
  vision: {target: 3}
actions:
  - {dimension: vision, action: "Draft a definition", owner: Lead, due: 2024-03-31, status: open}
"""


# ----------------------------------------------------------------- helpers


def make_store(tmp: Path, files: dict[str, str]) -> Store:
    folder = tmp / "assessments"
    for rel, text in files.items():
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    folder.mkdir(exist_ok=True)
    return Store(folder, FW)


def typed(a) -> dict:
    """Everything the workbook carries, as typed values."""
    return {
        "header": (a.code, a.period, a.name, a.org_type, a.peer_group),
        "responses": a.responses(),
        "targets": {d: a.target(d) for d in FW.by_id},
        "notes": {d: a.notes(d) for d in FW.by_id},
        "actions": a.actions(),
    }


def headers(ws) -> dict[str, int]:
    return {
        str(ws.cell(L.HEADER_ROW, c).value): c
        for c in range(1, ws.max_column + 1)
        if ws.cell(L.HEADER_ROW, c).value is not None
    }


def item_rows(ws) -> dict[str, int]:
    col = headers(ws)[L.ITEM]
    return {ws.cell(r, col).value: r for r in range(L.FIRST_ROW, ws.max_row + 1)}


def edit(src: Path, dst: Path, change) -> Path:
    wb = openpyxl.load_workbook(src)
    change(wb)
    wb.save(dst)
    return dst


def set_item(wb, item: str, column: str, value) -> int:
    ws = wb[L.ITEMS]
    row = item_rows(ws)[item]
    ws.cell(row, headers(ws)[column]).value = value
    return row


@pytest.fixture
def rich(tmp_path, monkeypatch):
    """A store holding RICH, its template, and the YAML file's bytes."""
    monkeypatch.chdir(tmp_path)
    store = make_store(tmp_path, {"T01/2024-25.yaml": RICH})
    out = tmp_path / "t01.xlsx"
    write_template(store, "T01", "2024/25", out, today=date(2025, 1, 10))
    path = store.folder / "T01" / "2024-25.yaml"
    return store, out, path


# ----------------------------------------------------------------- neutralisation


@pytest.mark.parametrize("text", RISKY)
def test_neutralise_prefixes_risky_text_for_csv(text):
    assert neutralise(text) == "'" + L.normalise_newlines(text)  # \r as \n: see safe.py


@pytest.mark.parametrize("value", ["plain text", "3", "", "a=b", "e-mail", 3, None, 2.5])
def test_neutralise_leaves_safe_values_alone(value):
    assert neutralise(value) == value


@pytest.mark.parametrize("text", [*RISKY, "#N/A", "=1+2"])
def test_put_stores_risky_text_as_text(tmp_path, text):
    wb = openpyxl.Workbook()
    put(wb.active.cell(1, 1), text)
    wb.save(tmp_path / "x.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "x.xlsx").active.cell(1, 1)
    assert cell.data_type == "s"
    assert cell.value == L.normalise_newlines(text)
    if text[0] in "=+-@\t\r":
        assert cell.quotePrefix


def _all_cells(path: Path):
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            yield from row


def test_template_formulas_only_in_locked_worked_out_columns_and_marks_risky_text(rich):
    _, out, _ = rich
    wb = openpyxl.load_workbook(out)
    worked_out = {
        L.ITEMS: {L.VALUE_USED, *L.HELPERS},
        L.DIMENSIONS: set(L.LIVE),
    }
    for ws in wb.worksheets:
        heads = headers(ws)
        allowed = {heads[h] for h in worked_out.get(ws.title, ()) if h in heads}
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    assert c.column in allowed and c.protection.locked, (ws.title, c.coordinate)
    cells = list(_all_cells(out))
    found = {L.normalise_newlines(t): False for t in RISKY[:5]}
    found['=HYPERLINK("http://example.invalid")'] = False  # notes
    found["-Publish you said, we did"] = False  # action
    found["@comms"] = False  # owner
    for c in cells:
        if c.value in found:
            assert c.data_type == "s" and c.quotePrefix, c.coordinate
            found[c.value] = True
    assert all(found.values()), [k for k, v in found.items() if not v]


def test_template_refuses_text_longer_than_a_cell(tmp_path):
    text = RICH.replace(LONG, "x" * 40_000)
    store = make_store(tmp_path, {"T01/2024-25.yaml": text})
    with pytest.raises(Exception, match="roles.2.*32,767"):
        write_template(store, "T01", "2024/25", tmp_path / "t.xlsx")
    assert not (tmp_path / "t.xlsx").exists()


def test_action_plan_xlsx_and_csv_neutralise(rich, tmp_path):
    store, _, _ = rich
    a = store.find("T01", "2024/25")
    out = tmp_path / "plan.xlsx"
    write_action_plan(out, [a], FW, today=date(2025, 1, 1))
    cells = list(_all_cells(out))
    assert not [c for c in cells if c.data_type == "f"]
    risky = [c for c in cells if c.value in ("-Publish you said, we did", "@comms")]
    assert len(risky) == 2 and all(c.quotePrefix and c.data_type == "s" for c in risky)
    text = plan_csv(plan_rows([a], FW, date(2025, 1, 1)))
    rows = list(csv.reader(io.StringIO(text)))
    flat = [v for r in rows for v in r]
    assert "'-Publish you said, we did" in flat and "'@comms" in flat
    assert not [v for v in flat if v[:1] in ("=", "+", "-", "@", "\t", "\r")]


# ----------------------------------------------------------------- the template


def test_template_data_validation_and_protection_survive_reopening(rich):
    _, out, _ = rich
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [*L.SHEETS, L.LISTS]
    assert wb[L.LISTS].sheet_state == "hidden"
    ws = wb[L.ITEMS]
    cols = headers(ws)
    rows = item_rows(ws)
    assert len(rows) == len(FW.items) == 70
    level_cells = {f"{openpyxl.utils.get_column_letter(cols[L.LEVEL])}{r}" for r in rows.values()}
    lists = {dv.formula1: dv for dv in ws.data_validations.dataValidation}
    level_dv = lists['"0,1,2,3,4,N/A,Don\'t know"']
    assert level_dv.type == "list" and all(c in level_dv.sqref for c in level_cells)
    assert '"Yes,No"' in lists and '"0,1,2,3,4"' in lists
    dims = wb[L.DIMENSIONS]
    assert any(dv.formula1 == '"0,1,2,3,4"' for dv in dims.data_validations.dataValidation)
    acts = wb[L.ACTIONS]
    kinds = {dv.type: dv for dv in acts.data_validations.dataValidation}
    assert "date" in kinds
    assert any(dv.formula1 == '"open,done,dropped"' for dv in acts.data_validations.dataValidation)
    for sheet in wb.worksheets:
        assert sheet.protection.sheet and not sheet.protection.password
    row = rows["vision.1"]
    assert ws.cell(row, cols[L.STATEMENT]).protection.locked
    assert ws.cell(row, cols[L.ITEM]).protection.locked
    for head in (L.LEVEL, L.EVIDENCE, L.DISCUSS, L.CARRIED, "AB"):
        assert not ws.cell(row, cols[head]).protection.locked, head
    assert ws.freeze_panes is not None
    info = wb[L.INSTRUCTIONS]
    assert info[f"B{L.INFO_ROWS['code']}"].value == "T01"
    assert info[f"B{L.INFO_ROWS['period']}"].value == "2024/25"
    assert info[f"B{L.INFO_ROWS['framework']}"].value == FW.id
    assert info[f"B{L.INFO_ROWS['version']}"].value == FW.version


def test_template_prefills_saved_answers(rich):
    _, out, _ = rich
    ws = openpyxl.load_workbook(out)[L.ITEMS]
    cols, rows = headers(ws), item_rows(ws)
    assert ws.cell(rows["vision.1"], cols[L.LEVEL]).value == 3
    assert ws.cell(rows["vision.2"], cols[L.LEVEL]).value == "N/A"
    assert ws.cell(rows["strategy.1"], cols[L.LEVEL]).value == "Don't know"
    assert ws.cell(rows["strategy.1"], cols[L.DISCUSS]).value == "Yes"
    assert ws.cell(rows["roles.2"], cols[L.CARRIED]).value == "Yes"
    assert ws.cell(rows["vision.1"], cols["Chlo\u00e9 D"]).value == 2
    assert ws.cell(rows["roles.1"], cols["rater 3"]).value == 4


def test_template_without_raters_offers_six_rater_columns(tmp_path):
    store = make_store(tmp_path, {})
    out = tmp_path / "new.xlsx"
    write_template(store, "X20", "2025/26", out, name="Fenwold Place", org_type="place")
    cols = headers(openpyxl.load_workbook(out)[L.ITEMS])
    assert [f"Rater {n}" for n in range(1, 7)] == [c for c in cols if c.startswith("Rater")]
    assert not (store.folder / "X20").exists()  # a template never writes an assessment


def test_template_refuses_to_overwrite(rich):
    store, out, _ = rich
    before = out.read_bytes()
    with pytest.raises(Exception, match="already exists"):
        write_template(store, "T01", "2024/25", out)
    assert out.read_bytes() == before


# ----------------------------------------------------------------- round trip


def test_round_trip_into_an_empty_folder_is_lossless(rich, tmp_path):
    store, out, _ = rich
    original = typed(store.find("T01", "2024/25"))
    fresh = Store(tmp_path / "fresh", FW)
    result = import_workbook(out, fresh)
    assert result.created and result.written
    again = typed(fresh.find("T01", "2024/25"))
    assert again == original


def test_round_trip_into_the_same_file_changes_nothing(rich):
    store, out, path = rich
    before = path.read_bytes()
    result = import_workbook(out, store)
    assert not result.merge.changed and not result.written
    assert "No changes" in result.report(FW)
    assert path.read_bytes() == before
    assert not (path.parent / ".history").exists()


def test_filled_workbook_merges_and_reports_per_dimension(rich, tmp_path):
    store, out, path = rich

    def fill(wb):
        set_item(wb, "vision.3", L.LEVEL, "3")
        set_item(wb, "vision.3", L.EVIDENCE, "Named clinical lead\nsince May")
        set_item(wb, "identify.4", L.LEVEL, 2.0)
        set_item(wb, "identify.4", L.DISCUSS, "Yes")
        set_item(wb, "identify.1", L.LEVEL, None)  # blank: must not erase the saved level 0
        ws = wb[L.ITEMS]
        rater = headers(ws)["Rater 4"]
        ws.cell(L.HEADER_ROW, rater).value = "JS"
        ws.cell(item_rows(ws)["identify.4"], rater).value = 1
        acts = wb[L.ACTIONS]
        acts.cell(L.FIRST_ROW, 6).value = "done"
        acts.cell(L.FIRST_ROW + 3, 2).value = "Monitor"  # short label is accepted
        acts.cell(L.FIRST_ROW + 3, 3).value = "Publish what changed"
        acts.cell(L.FIRST_ROW + 3, 5).value = datetime(2025, 9, 30)
        dims = wb[L.DIMENSIONS]
        dims.cell(L.FIRST_ROW + 2, headers(dims)[L.TARGET]).value = "2"  # roles, as text

    filled = edit(out, tmp_path / "filled.xlsx", fill)
    result = import_workbook(filled, store)
    report = result.report(FW)
    a = store.find("T01", "2024/25")
    assert a.response("vision.3").level == 3
    assert a.response("vision.3").evidence == "Named clinical lead\nsince May"
    assert a.response("identify.4").level == 2 and a.response("identify.4").flag
    assert dict(a.response("identify.4").raters) == {"JS": 1}
    assert a.response("identify.1").level == 0
    assert a.target("roles") == 2
    assert [x.status for x in a.actions()][:1] == ["done"]
    assert a.actions()[-1].action == "Publish what changed"
    assert a.actions()[-1].due == date(2025, 9, 30)
    assert "Vision and shared understanding: 1 answer changed (1 level, 1 evidence note)" in report
    assert "Identify needs" in report and "Action plan: 1 added, 1 updated" in report
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# A hand-written assessment")  # comments survive
    again = import_workbook(filled, store)  # importing twice adds nothing
    assert not again.merge.changed and again.merge.actions["already"] == 1


def test_replace_clears_blank_cells_but_merge_does_not(rich, tmp_path):
    store, out, _ = rich
    blanked = edit(out, tmp_path / "b.xlsx", lambda wb: set_item(wb, "vision.1", L.LEVEL, None))
    import_workbook(blanked, store)
    assert store.find("T01", "2024/25").response("vision.1").level == 3
    import_workbook(blanked, store, replace=True)
    r = store.find("T01", "2024/25").response("vision.1")
    assert r.level is None and dict(r.raters) == {"AB": 3, "Chlo\u00e9 D": 2}


@pytest.mark.parametrize(
    "value,expected",
    [
        ("3", 3),
        (3, 3),
        (3.0, 3),
        (" 4 ", 4),
        ("N/A", "n/a"),
        ("n/a", "n/a"),
        ("Don\u2019t know", "unknown"),
        ("don't know", "unknown"),
        (0, 0),
        (None, None),
    ],
)
def test_level_forms_accepted(value, expected):
    assert L.parse_level(value) == expected


@pytest.mark.parametrize("value", ["three", 5, 2.5, -1, True, "3a"])
def test_level_forms_rejected(value):
    with pytest.raises(L.CellError, match="is not a level"):
        L.parse_level(value)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2025, 6, 30),
        date(2025, 6, 30),
        45838,
        45838.0,
        "2025-06-30",
        "30/06/2025",
        "2025-06-30 00:00:00",
        "30 June 2025",
        "30th Jun 2025",
        "30.6.25",
    ],
)
def test_due_dates_accepted(value):
    assert L.parse_date(value) == date(2025, 6, 30)


@pytest.mark.parametrize(
    "value", ["next week", "31/02/2025", "2025-13-01", True, 3, "2025-06-30 extra", "06/30/2025"]
)
def test_due_dates_rejected(value):
    with pytest.raises(L.CellError, match="is not a date"):
        L.parse_date(value)


# ----------------------------------------------------------------- bad workbooks


def _bad_level(wb):
    return set_item(wb, "strategy.3", L.LEVEL, "three")


def _unknown_item(wb):
    ws = wb[L.ITEMS]
    row = item_rows(ws)["vision.4"]
    ws.cell(row, headers(ws)[L.ITEM]).value = "vision.99"
    return row


def _duplicate_item(wb):
    ws = wb[L.ITEMS]
    row = item_rows(ws)["vision.4"]
    ws.cell(row, headers(ws)[L.ITEM]).value = "vision.3"
    return row


def _missing_sheet(wb):
    wb.remove(wb[L.DIMENSIONS])


def _wrong_org(wb):
    wb[L.INSTRUCTIONS][f"B{L.INFO_ROWS['code']}"].value = "T02"


def _wrong_period(wb):
    wb[L.INSTRUCTIONS][f"B{L.INFO_ROWS['period']}"].value = "2023/24"


def _bad_date(wb):
    wb[L.ACTIONS].cell(L.FIRST_ROW, 5).value = "soon"


BAD = {
    "level-three": (
        _bad_level,
        "bad.xlsx: sheet Items, row {row}, column Level: 'three' is not a level "
        "(allowed: 0-4, N/A, Don't know)",
    ),
    "unknown-item": (
        _unknown_item,
        "bad.xlsx: sheet Items, row {row}, column Item: 'vision.99' is not an item of "
        "engagement-cycle version 1",
    ),
    "duplicate-item": (
        _duplicate_item,
        "bad.xlsx: sheet Items, row {row}, column Item: item vision.3 is also in row",
    ),
    "missing-sheet": (_missing_sheet, "bad.xlsx: sheet 'Dimensions' is missing"),
    "wrong-organisation": (
        _wrong_org,
        f"bad.xlsx: sheet Instructions, cell B{L.INFO_ROWS['check']}: the organisation, period or framework on this "
        "sheet was changed after the workbook was made (it now says T02 2024/25)",
    ),
    "wrong-period": (
        _wrong_period,
        "(it now says T01 2023/24)",
    ),
    "bad-date": (
        _bad_date,
        "bad.xlsx: sheet Actions, row 3, column Due date: 'soon' is not a date",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_workbook_is_refused_and_changes_nothing(rich, case):
    store, out, path = rich
    before = path.read_bytes()
    change, expected = BAD[case]
    rows = []
    bad = edit(out, Path("bad.xlsx"), lambda wb: rows.append(change(wb)))
    with pytest.raises(ImportFailed) as caught:
        import_workbook(bad, store)
    messages = [str(p) for p in caught.value.problems]
    expected = expected.format(row=rows[0])
    assert any(m.startswith(expected) or expected in m for m in messages), messages
    assert path.read_bytes() == before
    assert not (path.parent / ".history").exists()


def test_every_problem_is_reported_at_once(rich):
    store, out, _ = rich

    def many(wb):
        set_item(wb, "vision.1", L.LEVEL, "three")
        set_item(wb, "vision.2", L.DISCUSS, "maybe")
        set_item(wb, "vision.3", "AB", 7)
        wb[L.ACTIONS].cell(L.FIRST_ROW, 6).value = "finished"

    bad = edit(out, Path("many.xlsx"), many)
    with pytest.raises(ImportFailed) as caught:
        import_workbook(bad, store)
    text = "\n".join(str(p) for p in caught.value.problems)
    for fragment in (
        "'three' is not a level",
        "'maybe' is not Yes or No",
        "column AB: 7 is not an individual rating",
        "'finished' is not a status",
    ):
        assert fragment in text


def test_expected_organisation_and_existing_name_are_checked(rich, tmp_path):
    store, out, path = rich
    before = path.read_bytes()
    with pytest.raises(ImportFailed, match="this workbook is for T01 2024/25, not X01 2024/25"):
        import_workbook(out, store, expect_code="X01")
    other = make_store(
        tmp_path / "other",
        {
            "T01/2024-25.yaml": RICH.replace(
                "Testvale ICB \u2014 \u00c6r\u00f8", "Somewhere Else ICB"
            )
        },
    )
    with pytest.raises(ImportFailed, match="'Somewhere Else ICB'"):
        import_workbook(out, other)
    assert path.read_bytes() == before


def test_unknown_extra_column_is_a_warning(rich, tmp_path):
    store, out, _ = rich

    def extra(wb):
        ws = wb[L.ITEMS]
        col = ws.max_column + 1
        ws.cell(L.HEADER_ROW, col).value = "Comments"
        ws.cell(L.FIRST_ROW, col).value = "ignored text"
        set_item(wb, "vision.4", L.LEVEL, 1)

    result = import_workbook(edit(out, tmp_path / "x.xlsx", extra), store)
    assert any(
        "'Comments' is not a column of the template; ignored" in str(w) for w in result.warnings
    )
    assert store.find("T01", "2024/25").response("vision.4").level == 1


def test_formula_without_a_saved_result_is_refused(rich, tmp_path):
    store, out, path = rich
    before = path.read_bytes()
    bad = edit(out, tmp_path / "f.xlsx", lambda wb: set_item(wb, "vision.4", L.LEVEL, "=1+2"))
    with pytest.raises(ImportFailed, match="is a formula with no saved result"):
        import_workbook(bad, store)
    assert path.read_bytes() == before


def test_not_a_workbook(rich, tmp_path):
    store, _, _ = rich
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip")
    with pytest.raises(ImportFailed, match="cannot be read as an Excel workbook"):
        import_workbook(fake, store)


# ----------------------------------------------------------------- changes in two places


def test_file_changed_since_template_keeps_newer_answers_and_stops_on_conflict(rich, tmp_path):
    store, out, path = rich
    a = store.find("T01", "2024/25")
    a.set_level("vision.2", 1)
    a.set_level("vision.4", 4)
    store.save(a)
    # The workbook still says N/A for vision.2 (unchanged): the newer file answer is kept.
    edited = edit(out, tmp_path / "e.xlsx", lambda wb: set_item(wb, "vision.3", L.LEVEL, 2))
    result = import_workbook(edited, store)
    a = store.find("T01", "2024/25")
    assert a.response("vision.2").level == 1 and a.response("vision.3").level == 2
    assert result.merge.kept_newer == 2
    # vision.4 changed in both places, to different values: a conflict, nothing written.
    before = path.read_bytes()
    clash = edit(out, tmp_path / "c.xlsx", lambda wb: set_item(wb, "vision.4", L.LEVEL, 1))
    with pytest.raises(ImportFailed, match="the answer to vision.4 was changed in"):
        import_workbook(clash, store)
    assert path.read_bytes() == before
    import_workbook(clash, store, replace=True)  # --replace lets the workbook win
    assert store.find("T01", "2024/25").response("vision.4").level == 1


# ----------------------------------------------------------------- carried over


def test_from_previous_prefills_and_import_creates_the_new_assessment(tmp_path):
    store = make_store(tmp_path, {"T01/2023-24.yaml": PREVIOUS})
    out = tmp_path / "next.xlsx"
    result = write_template(store, "T01", "2024/25", out, from_previous=True)
    assert result.carried == 2 and result.carried_from == "2023/24"
    wb = openpyxl.load_workbook(out)
    ws = wb[L.ITEMS]
    cols, rows = headers(ws), item_rows(ws)
    assert ws.cell(rows["vision.1"], cols[L.LEVEL]).value == 2
    assert ws.cell(rows["vision.1"], cols[L.CARRIED]).value == "Yes"
    assert ws.cell(rows["vision.2"], cols[L.CARRIED]).value == "No"
    assert not (store.folder / "T01" / "2024-25.yaml").exists()

    def confirm(wb):
        set_item(wb, "vision.3", L.LEVEL, 2)
        set_item(wb, "vision.3", L.CARRIED, "No")

    import_workbook(edit(out, tmp_path / "n.xlsx", confirm), store)
    a = store.find("T01", "2024/25")
    assert a.name == "Testvale ICB"
    assert a.response("vision.1").level == 2 and a.response("vision.1").carried_over
    assert a.response("vision.3").level == 2 and not a.response("vision.3").carried_over
    assert a.target("vision") == 3
    assert [(x.action, x.status) for x in a.actions()] == [("Draft a definition", "open")]
    assert store.find("T01", "2023/24").response("vision.3").level == 1


# ----------------------------------------------------------------- action plan


def test_plan_rows_sorted_by_due_date_with_overdue_marked(rich):
    store, _, _ = rich
    rows = plan_rows([store.find("T01", "2024/25")], FW, date(2025, 7, 1))
    assert [r.due for r in rows] == [date(2024, 12, 1), date(2025, 6, 30), None]
    assert [r.overdue for r in rows] == [False, True, False]  # done is never overdue
    assert rows[1].dimension == FW.by_id["identify"].title


# ----------------------------------------------------------------- command line


def run(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    """The command in this process (see `helpers.run_cli`)."""
    return run_cli(*args, "--assessments", "assessments", cwd=tmp)


def test_cli_template_import_actions_and_score(tmp_path):
    make_store(tmp_path, {"T01/2024-25.yaml": RICH})
    path = tmp_path / "assessments" / "T01" / "2024-25.yaml"
    p = run(tmp_path, "template", "T01", "2024/25", "--out", "wb.xlsx")
    assert p.returncode == 0, p.stderr
    assert "wrote wb.xlsx" in p.stdout
    p = run(tmp_path, "template", "T01", "2024/25", "--out", "wb.xlsx")
    assert p.returncode == 1 and "already exists" in p.stderr

    before = path.read_bytes()
    edit(tmp_path / "wb.xlsx", tmp_path / "bad.xlsx", _bad_level)
    p = run(tmp_path, "import", "bad.xlsx")
    assert p.returncode == 1
    assert "column Level: 'three' is not a level (allowed: 0-4, N/A, Don't know)" in p.stderr
    assert "nothing was written" in p.stderr
    assert path.read_bytes() == before

    score = run(tmp_path, "score", "--organisation", "T01", "--format", "csv")
    assert score.returncode == 0, score.stderr

    def all_fours(wb):
        for item in FW.by_id["procure"].items:
            set_item(wb, item.id, L.LEVEL, 4)

    edit(tmp_path / "wb.xlsx", tmp_path / "good.xlsx", all_fours)
    p = run(tmp_path, "import", "good.xlsx", "--dry-run")
    assert p.returncode == 0 and "Dry run" in p.stdout
    assert path.read_bytes() == before
    p = run(tmp_path, "import", "good.xlsx")
    assert p.returncode == 0, p.stderr
    assert FW.by_id["procure"].title in p.stdout
    after = run(tmp_path, "score", "--organisation", "T01", "--format", "csv")
    rows = {r["dimension"]: r for r in csv.DictReader(io.StringIO(after.stdout))}
    old = {r["dimension"]: r for r in csv.DictReader(io.StringIO(score.stdout))}
    assert old["procure"]["score"] == "" and float(rows["procure"]["score"]) == 4.0

    p = run(tmp_path, "actions", "T01", "2024/25", "--out", "plan.xlsx", "--today", "2025-07-01")
    assert p.returncode == 0, p.stderr
    assert "1 overdue" in p.stdout
    ws = openpyxl.load_workbook(tmp_path / "plan.xlsx").active
    assert [c.value for c in ws[4]][:3] == ["Dimension", "Action", "Owner"]
    p = run(tmp_path, "actions", "T99", "2024/25")
    assert p.returncode == 1 and "no assessment for T99 2024/25" in p.stderr


# ----------------------------------------------------------------- issue 9: details, agreed,
# confirmed, unconfirmed in the change report


def set_detail(wb, key: str, value) -> None:
    wb[L.INSTRUCTIONS][f"B{L.DETAIL_ROWS[key]}"].value = value


def test_workbook_records_the_assessment_details(rich, tmp_path):
    # issue 9, point 8: date, facilitator, participants and share_evidence without YAML edits
    store, out, _ = rich
    info = openpyxl.load_workbook(out)[L.INSTRUCTIONS]
    assert info[f"B{L.DETAIL_ROWS['participants']}"].value == "AB\nChloé D"
    assert info[f"B{L.DETAIL_ROWS['share_evidence']}"].value == "No"
    assert not info[f"B{L.DETAIL_ROWS['facilitator']}"].protection.locked

    def fill(wb):
        set_detail(wb, "assessed_on", datetime(2025, 2, 11))
        set_detail(wb, "facilitator", "Head of engagement")
        set_detail(wb, "participants", "Lay member, PPE\nHealthwatch; AB")
        set_detail(wb, "share_evidence", "Yes")

    result = import_workbook(edit(out, tmp_path / "d.xlsx", fill), store)
    assert "Assessment details: assessment date, facilitator, participants, evidence sharing" in (
        result.report(FW)
    )
    a = store.find("T01", "2024/25")
    assert a.assessed_on == date(2025, 2, 11) and a.facilitator == "Head of engagement"
    assert a.participants == ["Lay member, PPE", "Healthwatch", "AB"]
    assert a.share_evidence is True
    # a new workbook made from the saved file carries them, and round-trips unchanged
    again = tmp_path / "again.xlsx"
    write_template(store, "T01", "2024/25", again)
    assert not import_workbook(again, store).merge.changed


def test_bad_details_are_reported_with_their_cell(rich, tmp_path):
    store, out, path = rich
    before = path.read_bytes()
    bad = edit(out, tmp_path / "b.xlsx", lambda wb: set_detail(wb, "share_evidence", "maybe"))
    with pytest.raises(ImportFailed) as exc:
        import_workbook(bad, store)
    assert f"cell B{L.DETAIL_ROWS['share_evidence']}: 'maybe' is not Yes or No" in str(exc.value)
    assert path.read_bytes() == before


def test_agreed_column_records_what_the_room_agreed(rich, tmp_path):
    # issue 9, point 6: a disputed item is resolved from the workbook
    store, out, _ = rich
    text = "Level 3: the board minutes show the definition in use."

    def fill(wb):
        set_item(wb, "vision.1", L.AGREED, text)

    result = import_workbook(edit(out, tmp_path / "a.xlsx", fill), store)
    assert "1 agreed outcome" in result.report(FW)
    a = store.find("T01", "2024/25")
    assert a.response("vision.1").agreed == text and a.response("vision.1").resolved
    again = tmp_path / "again.xlsx"
    write_template(store, "T01", "2024/25", again)
    ws = openpyxl.load_workbook(again)[L.ITEMS]
    assert ws.cell(item_rows(ws)["vision.1"], headers(ws)[L.AGREED]).value == text


def test_confirmed_column_confirms_a_whole_dimension(tmp_path):
    # issue 9, point 3: confirm everything carried over in one dimension at once; the change
    # report says what is still unconfirmed
    store = make_store(tmp_path, {"T01/2023-24.yaml": PREVIOUS})
    out = tmp_path / "next.xlsx"
    write_template(store, "T01", "2024/25", out, from_previous=True)
    ws = openpyxl.load_workbook(out)[L.DIMENSIONS]
    cols = headers(ws)
    vision = next(r for r in range(L.FIRST_ROW, ws.max_row + 1) if ws.cell(r, 2).value == "vision")
    assert ws.cell(vision, cols[L.CONFIRMED]).value == "No"  # something to confirm
    assert ws.cell(vision + 1, cols[L.CONFIRMED]).value is None  # strategy: nothing carried
    first = import_workbook(out, store)
    report = first.report(FW)
    assert "Still not confirmed: 2 answers carried over from last year" in report
    assert "Vision and shared understanding (2)" in report

    def confirm(wb):
        dims = wb[L.DIMENSIONS]
        dims.cell(vision, headers(dims)[L.CONFIRMED]).value = "Yes"

    again = tmp_path / "again.xlsx"
    write_template(store, "T01", "2024/25", again)
    result = import_workbook(edit(again, tmp_path / "c.xlsx", confirm), store)
    report = result.report(FW)
    assert "Confirmed as a whole" in report and "Vision and shared understanding (2 answers)" in (
        report
    )
    assert "Still not confirmed" not in report
    a = store.find("T01", "2024/25")
    assert a.unconfirmed() == [] and not a.dimension_carried_over("vision")
    assert not any(x.carried_over for x in a.actions())


def test_a_format_1_workbook_still_imports_and_keeps_agreed(rich, tmp_path):
    store, out, _ = rich
    a = store.find("T01", "2024/25")
    a.set_agreed("vision.1", "Kept")
    store.save(a)
    fresh = tmp_path / "fresh.xlsx"
    write_template(store, "T01", "2024/25", fresh)

    def as_format_1(wb):
        info = wb[L.INSTRUCTIONS]
        info[f"B{L.INFO_ROWS['format']}"].value = 1
        for row in L.DETAIL_ROWS.values():
            info[f"A{row}"].value = info[f"B{row}"].value = None
        ws = wb[L.ITEMS]
        col = headers(ws)[L.AGREED]
        for row in range(L.HEADER_ROW, ws.max_row + 1):
            ws.cell(row, col).value = None
        set_item(wb, "vision.2", L.LEVEL, 4)

    import_workbook(edit(fresh, tmp_path / "v1.xlsx", as_format_1), store, replace=True)
    a = store.find("T01", "2024/25")
    assert a.response("vision.2").level == 4 and a.response("vision.1").agreed == "Kept"


def test_level_words_mean_what_the_import_reads():
    words = dict(L.level_words())
    for word, code in words.items():
        expected = {L.LIST_NA: NA, L.LIST_UNKNOWN: UNKNOWN}.get(code, code)
        assert L.parse_level(word) == expected, word
    for typed in (
        "2 Developing",
        "N/A",
        "Don't know",
        "don\u2019t know",
        "Embedded",
        "4 - Embedded",
    ):
        assert " ".join(typed.lower().split()) in words, typed


def test_a_new_level_for_a_carried_answer_confirms_it(tmp_path):
    # As in the workshop: choosing a level is this year's view; an untouched carried answer
    # stays unconfirmed, and so does one whose evidence alone was edited.
    store = make_store(tmp_path, {"T01/2023-24.yaml": PREVIOUS})
    out = tmp_path / "next.xlsx"
    write_template(store, "T01", "2024/25", out, from_previous=True)

    def answer(wb):
        set_item(wb, "vision.1", L.LEVEL, "3 Established")

    import_workbook(edit(out, tmp_path / "a.xlsx", answer), store)
    a = store.find("T01", "2024/25")
    assert a.response("vision.1").level == 3 and not a.response("vision.1").carried_over
    assert a.unconfirmed() == ["vision.3"]


def test_a_new_level_confirms_a_carried_answer_in_an_existing_file_too(tmp_path):
    store = make_store(tmp_path, {"T01/2023-24.yaml": PREVIOUS})
    a = store.create("T01", "2024/25", "Testvale ICB")
    from engagecycle.assessment import carry_forward

    carry_forward(a, store.find("T01", "2023/24"))
    store.save(a)
    out = tmp_path / "next.xlsx"
    write_template(store, "T01", "2024/25", out)

    def answer(wb):
        set_item(wb, "vision.3", L.LEVEL, 2)
        set_item(wb, "vision.1", L.EVIDENCE, "Evidence reworded, level kept")

    import_workbook(edit(out, tmp_path / "a.xlsx", answer), store)
    a = store.find("T01", "2024/25")
    assert a.response("vision.3").level == 2 and not a.response("vision.3").carried_over
    assert a.unconfirmed() == ["vision.1"]
