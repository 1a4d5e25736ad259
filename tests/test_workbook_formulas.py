"""Live dimension scores in the workbook follow the scoring rules exactly (issue 9, point 8).

The template's Dimensions sheet works out each dimension's score, level, share answered and
low evidence with spreadsheet formulas (design §4). Here a workbook is filled in with every
kind of answer, recalculated by LibreOffice headless (which saves the results it computed
as the cells' cached values), and the values it computed are compared with `engagecycle
score` on the same answers imported into an assessment file.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from helpers import mini_framework

from engagecycle.scoring import score_table
from engagecycle.spreadsheet import layout as L
from engagecycle.spreadsheet.importer import import_workbook
from engagecycle.spreadsheet.template import write_template
from tests.helpers import store_v1

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    not SOFFICE, reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"
)

# LibreOffice recalculates formulas on loading an .xlsx only when told to: a private profile
# says "always" (and keeps the test away from the user's own profile and its lock).
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def recalculate(path: Path, work: Path) -> Path:
    """Open `path` in LibreOffice headless, recalculate, save as .xlsx; return the new file."""
    profile = work / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS)
    out = work / "recalculated"
    proc = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    result = out / path.name
    assert proc.returncode == 0 and result.exists(), proc.stderr
    return result


def fill(path: Path, answers: dict[str, object], raters: dict[str, dict[str, int]]) -> None:
    """Type answers into the Items sheet as a person would (numbers, words, blanks)."""
    wb = openpyxl.load_workbook(path)
    ws = wb[L.ITEMS]
    head = {
        ws.cell(L.HEADER_ROW, c).value: c
        for c in range(1, ws.max_column + 1)
        if ws.cell(L.HEADER_ROW, c).value
    }
    rows = {ws.cell(r, head[L.ITEM]).value: r for r in range(L.FIRST_ROW, ws.max_row + 1)}
    for item, value in answers.items():
        ws.cell(rows[item], head[L.LEVEL]).value = value
    for item, people in raters.items():
        for name, value in people.items():
            ws.cell(rows[item], head[name]).value = value
    wb.save(path)


def live_scores(path: Path) -> dict[str, dict]:
    ws = openpyxl.load_workbook(path, data_only=True)[L.DIMENSIONS]
    head = {
        ws.cell(L.HEADER_ROW, c).value: c
        for c in range(1, ws.max_column + 1)
        if ws.cell(L.HEADER_ROW, c).value
    }
    names = {
        "Hub (mean of elements)": "hub",
        "Cycle (mean of stages)": "cycle",
        "Overall": "overall",
    }
    out = {}
    for r in range(L.FIRST_ROW, ws.max_row + 1):
        key = ws.cell(r, head[L.DIM_ID]).value or names.get(ws.cell(r, head[L.DIM_TITLE]).value)
        if key:
            out[key] = {h: ws.cell(r, head[h]).value for h in L.LIVE}
    return out


def compare(live: dict[str, dict], table) -> list[str]:
    """Every difference between the workbook's live figures and the score table."""
    diffs = []
    for row in table.itertuples():
        got = live[row.dimension]
        score = got[L.SCORE_NOW]
        if math.isnan(row.score):
            if score not in (None, ""):
                diffs.append(f"{row.dimension}: score {score!r}, expected none")
        elif not isinstance(score, int | float) or abs(score - row.score) > 1e-9:
            diffs.append(f"{row.dimension}: score {score!r}, expected {row.score}")
        level = got[L.LEVEL_NOW]
        if row.level:
            expected_level = f"{['Not started', 'Emerging', 'Developing', 'Established', 'Embedded'].index(row.level)} {row.level}"
        else:
            expected_level = "all N/A" if row.applicable == 0 else "no score"
        if level != expected_level:
            diffs.append(f"{row.dimension}: level {level!r}, expected {expected_level!r}")
        done = got[L.ANSWERED_NOW]
        if math.isnan(row.completeness):
            if done not in (None, ""):
                diffs.append(f"{row.dimension}: answered {done!r}, expected none")
        elif done is None or abs(done - row.completeness) > 1e-9:
            diffs.append(f"{row.dimension}: answered {done!r}, expected {row.completeness}")
        low = got[L.LOW_NOW] == "low evidence"
        if low != bool(row.low_evidence):
            diffs.append(f"{row.dimension}: low evidence {low}, expected {row.low_evidence}")
    return diffs


def _case(framework, answers, raters, tmp_path: Path):
    store = store_v1(tmp_path / "assessments", framework)
    a = store.create("T01", "2024/25", "Testvale ICB", "ICB")
    a.set_header(participants=["AB", "CD", "EF"])
    store.save(a)
    book = tmp_path / "t01.xlsx"
    write_template(store, "T01", "2024/25", book, today=date(2025, 1, 10))
    fill(book, answers, raters)
    live = live_scores(recalculate(book, tmp_path))
    import_workbook(book, store)
    saved = store.find("T01", "2024/25", roundtrip=False)
    return live, score_table([saved], framework)


def test_live_scores_equal_engagecycle_score(tmp_path):
    framework = store_v1(tmp_path).framework
    ids = {d.id: [i.id for i in d.items] for d in framework.dimensions}
    answers: dict[str, object] = {}
    raters: dict[str, dict[str, int]] = {}
    for n, item in enumerate(framework.items):
        answers[item] = n % 5  # a spread of plain levels
    answers.update(
        {
            ids["vision"][0]: "N/A",
            ids["vision"][1]: "Don't know",
            ids["vision"][2]: "2 Developing",  # words the import reads
            ids["vision"][3]: "established",
            ids["strategy"][0]: None,  # no level: the median of the ratings (1, 2) = 1.5
            ids["strategy"][1]: "unknown",  # don't know wins over ratings
            ids["strategy"][2]: "n/a",  # N/A wins over ratings
            ids["strategy"][3]: None,  # nothing at all: not answered
            ids["strategy"][4]: "4 - Embedded",
        }
    )
    raters[ids["strategy"][0]] = {"AB": 1, "CD": 2}
    raters[ids["strategy"][1]] = {"AB": 3, "CD": 4}
    raters[ids["strategy"][2]] = {"AB": 0, "CD": 4, "EF": 1}
    raters[ids["roles"][0]] = {"AB": 0, "CD": 4, "EF": 1}  # agreed level stays in charge
    for item in ids["governance"]:
        answers[item] = "N/A"  # every item N/A: no score, not low evidence
    for item in ids["insight"]:
        answers[item] = None  # nothing answered: no score, not low evidence
    for item in ids["monitor"][1:]:
        answers[item] = None  # one of five answered: low evidence
    for item in ids["relationships"]:
        answers[item] = 2
    answers[ids["relationships"][0]] = None
    raters[ids["relationships"][0]] = {"AB": 2, "CD": 3}  # 2.5 is Established (a boundary)
    answers[ids["resources"][0]] = None
    raters[ids["resources"][0]] = {"AB": 0, "CD": 1, "EF": 4}  # median 1, not the mean 1.67
    for item in ids["procure"][2:]:
        answers[item] = None  # 2 of 5 answered (40%): low evidence
    for item in ids["structures"][2:]:
        answers[item] = None  # 2 of 4 answered (exactly half): not low evidence
    live, table = _case(framework, answers, raters, tmp_path)
    assert set(live) == set(table["dimension"])
    assert compare(live, table) == []
    # and the cases are really there
    t = table.set_index("dimension")
    assert math.isnan(t.loc["governance", "score"]) and t.loc["governance", "applicable"] == 0
    assert math.isnan(t.loc["insight", "score"]) and not t.loc["insight", "low_evidence"]
    assert t.loc["monitor", "low_evidence"] and t.loc["procure", "low_evidence"]
    assert not t.loc["structures", "low_evidence"]
    assert t.loc["strategy", "answered"] == 2
    assert t.loc["relationships", "score"] == pytest.approx((2.5 + 2 + 2 + 2) / 4)
    assert t.loc["resources", "answered"] == 4


def test_live_scores_use_item_weights(tmp_path):
    framework = mini_framework(weights={"vision.1": 3, "monitor.2": 0.5})
    answers = {i: 2 for i in framework.items}
    answers.update({"vision.1": 4, "vision.2": 1, "vision.3": None, "monitor.2": 0})
    live, table = _case(framework, answers, {}, tmp_path)
    assert compare(live, table) == []
    vision = table.set_index("dimension").loc["vision", "score"]
    assert vision == pytest.approx((3 * 4 + 1) / 4)  # weighted, not (4 + 1) / 2
