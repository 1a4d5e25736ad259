"""The duty to involve on the page (issue 12, point 3): the report section and the overview
panel show the ratings of docs/scoring.md section 9, agree with each other, and never show
more than they should.

T01's answers are the hand-worked ones of tests/test_duty.py; the ratings expected below were
worked out by hand from the rule (section 9), not read off the code:

- principle 7 (relationships.6 3, resources.6 3, identify.3 4, identify.6 2): 4 of 4
  answered, (3 + 3 + 4 + 2) / 4 = 3.0, nothing below 2: GREEN.
- principle 6 (strategy.7 3, governance.8 0, structures.6 1, relationships.4 1,
  public-support.4 2, public-support.7 0, develop.2 1; improve.4, procure.5, monitor.5 blank):
  7 of 10 answered, 8 / 7 = 1.14, below 1.5: RED.
- limb c (strategy.7 3, governance.6 2, governance.7 1, governance.9 3, governance.10 3;
  structures.4, develop.3, procure.7 blank): 5 of 8, 12 / 5 = 2.4: not red, not 2.5, and
  governance.7 is below 2: AMBER.
- limb a (9 tagged; only strategy.7 and governance.7 answered): 2 of 9, under half: NOT
  ENOUGH EVIDENCE.
- annual reporting (strategy.7 3, governance.7 1, insight.5 N/A): 2 of 2 applicable,
  (3 + 1) / 2 = 2.0: AMBER (governance.7 below 2), "1 N/A left out".

T02 answers every version 2 item at 3 (Established): every principle, limb and domain has all
its tagged items answered, average 3.0, none below 2: all GREEN. T03 is on version 1.
"""

from __future__ import annotations

import re
import shutil
from html import escape
from pathlib import Path

import pandas as pd
import pytest
from helpers import DUTY_ANSWERS

from engagecycle.duty import AMBER, NOT_ENOUGH, RED, SELF_ASSESSMENT, DutyView, Rating
from engagecycle.framework import load_framework
from engagecycle.reports.pages.duty_sections import TITLE, overview_panel, report_section
from engagecycle.reports.pages.overview import prepare_overview
from engagecycle.reports.pages.report import prepare
from engagecycle.store import Store

V1 = load_framework(version=1)
V2 = load_framework(version=2)
EVIL = '<script>alert("x")</script>'
SECRET = "SECRET-EVIDENCE-7731"
T01 = DUTY_ANSWERS


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("duty") / "assessments"
    store = Store(root)
    a = store.create("T01", "2025/26", f"Testbury {EVIL} ICB", framework=V2)
    for item, level in T01.items():
        a.set_level(item, level)
        a.set_evidence(item, f"{SECRET} for {item}")
    store.save(a)
    b = store.create("T02", "2025/26", "Twoford O'Neill ICB", framework=V2)
    for item in V2.items:
        b.set_level(item, 3)
    store.save(b)
    c = store.create("T03", "2025/26", "Threeley CCG", "CCG", framework=V1)
    for item in V1.items:
        c.set_level(item, 2)
    store.save(c)
    return root


def badges(html: str) -> dict[str, str]:
    """Every rating badge on a piece of page: 'principle:7' -> 'Green'."""
    found = re.findall(r'<span class="rag rag-[a-z-]+" data-key="([^"]+)">([^<]+)</span>', html)
    return dict(found)


def test_report_section_shows_the_hand_worked_ratings_with_reasons_and_items(folder):
    report = prepare("T01", "2025/26", assessments=str(folder))
    html = report.duty().html
    assert f"<h2>{TITLE}</h2>" in html
    got = badges(html)
    assert len(got) == 10 + 3 + 5
    assert got["principle:7"] == "Green"
    assert got["principle:6"] == "Red"
    assert got["duty:c"] == "Amber"
    assert got["duty:a"] == "Not enough evidence"
    assert got["domain:annual-reporting"] == "Amber"
    # the reasons in full, and how many answered
    assert "Green: 4 of 4 tagged items answered, average 3.0; none is below Developing." in html
    assert (
        "Amber: 5 of 8 tagged items answered, average 2.4; governance.7 is below Developing."
    ) in html
    assert "Red: 7 of 10 tagged items answered, average 1.1; governance.8" in html
    assert "Not enough evidence: 2 of 9 tagged items answered" in html
    assert "(1 N/A left out)." in html
    assert "<td class='num'>5 of 8</td>" in html
    # the items each rests on, with the answer given; statements listed once
    assert "governance.7 <strong>1</strong>*" in html
    assert "insight.5 N/A" in html
    assert "procure.7 not answered" in html
    # what each item says, once, in the appendix at the end of the report
    appendix = report.duty_items().html
    row = re.search(r"<tr><td class='nowrap'>governance\.7</td>(.*?)</tr>", appendix).group(1)
    assert V2.items["governance.7"].statement in row
    assert "<strong>1</strong>*" in row and "principles 1, 8; limbs a, b, c" in row
    assert SECRET not in appendix
    assert list(type(report).sections)[-1] == "duty_items"
    # never hidden that it is a self-assessment; no evidence text at all
    assert escape(SELF_ASSESSMENT) in html
    assert SECRET not in html


def test_an_all_established_assessment_is_green_everywhere(folder):
    got = badges(prepare("T02", "2025/26", assessments=str(folder)).duty().html)
    assert len(got) == 18 and set(got.values()) == {"Green"}


def test_version_1_says_so_in_one_line_without_a_table(folder):
    html = prepare("T03", "2025/26", assessments=str(folder)).duty().html
    assert f"<h2>{TITLE}</h2>" in html
    assert "version 1 of the question bank, which has no tags" in html
    assert "<table" not in html and html.count("<p>") == 1
    assert prepare("T03", "2025/26", assessments=str(folder)).duty_items().html == ""


def test_the_section_follows_the_dimension_results():
    from engagecycle.reports.pages.report import Report

    # the dimension table, the trend, and the strengths and priorities drawn from them; then
    # the duty, before the baton
    order = list(Report.sections)
    assert order.index("dimensions") < order.index("trend") < order.index("duty")
    assert order.index("strengths_priorities") < order.index("duty") < order.index("baton")


def test_overview_panel_agrees_with_every_report(folder):
    panel = prepare_overview("2025/26", assessments=str(folder)).duty().html
    assert f"<h2>{TITLE}</h2>" in panel
    assert "own answers, not checked by anyone else" in panel
    rows = dict(re.findall(r"<tr data-org='([^']+)'>(.*?)</tr>", panel))
    assert set(rows) == {"T01", "T02", "T03"}
    assert "not rated (version 1)" in rows["T03"] and not badges(rows["T03"])
    short = {"Green": "Green", "Amber": "Amber", "Red": "Red", "Not enough evidence": "Too few"}
    counts: dict[tuple[str, str], int] = {}
    for code in ("T01", "T02"):
        report = badges(prepare(code, "2025/26", assessments=str(folder)).duty().html)
        wanted = {k: short[v] for k, v in report.items() if not k.startswith("domain:")}
        assert badges(rows[code]) == wanted, code
        for key, word in wanted.items():
            counts[key, word] = counts.get((key, word), 0) + 1
    # the count rows: for each rating, how many organisations have it, column by column
    columns = [f"principle:{n}" for n in range(1, 11)] + [f"duty:{k}" for k in "abc"]
    for rating, word in (
        ("green", "Green"),
        (AMBER, "Amber"),
        (RED, "Red"),
        (NOT_ENOUGH, "Too few"),
    ):
        row = re.search(rf"<tr class='count' data-rating='{rating}'>(.*?)</tr>", panel).group(1)
        shown = [int(n) for n in re.findall(r"<td class='c'>(\d+)</td>", row)]
        assert shown == [counts.get((c, word), 0) for c in columns], rating
    assert SECRET not in panel


def test_user_text_is_escaped_in_the_section_and_the_panel():
    rating = Rating(
        group="principle",
        key="1",
        label=f"Label {EVIL}",
        rating=AMBER,
        items=("a.1",),
        applicable=1,
        answered=1,
        average=2.0,
        below=(),
        unconfirmed=(),
        reason=f"Amber: because {EVIL}.",
    )
    view = DutyView("E01", "2025/26", 2, True, (rating,))
    import pandas as pd

    rows = pd.DataFrame([{"item": "a.1", "status": "answered", "value": 2.0, "afresh": False}])
    section = report_section(view, V2, rows)
    panel = overview_panel({"E01": view}, {"E01": f"Evil {EVIL} ICB"}, "2025/26")
    for html in (section, panel):
        assert "<script>" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "Evil &lt;script&gt;" in panel


def test_no_tagged_organisation_gives_one_line():
    view = DutyView("V01", "2025/26", 1, False, (), "no tags")
    panel = overview_panel({"V01": view}, {"V01": "Vone CCG"}, "2025/26")
    assert "none can be rated" in panel and "<table" not in panel


def test_the_shipped_notebooks_call_the_duty_sections():
    import nbformat

    repo = Path(__file__).resolve().parents[1]
    for name, call in (("report", "report.duty()"), ("overview", "overview.duty()")):
        cells = [
            c.source.strip() for c in nbformat.read(repo / "notebooks" / f"{name}.ipynb", 4).cells
        ]
        assert call in cells, name


def test_the_whole_overview_names_each_rated_organisation_once_in_the_panel(folder, tmp_path):
    # a copy with a fourth, version 2 organisation with no answers: every rating "too few"
    root = tmp_path / "a"
    shutil.copytree(folder, root)
    Store(root).create("T04", "2025/26", "Fourbridge ICB", framework=V2)
    panel = prepare_overview("2025/26", assessments=str(root)).duty().html
    row = re.search(r"<tr data-org='T04'>(.*?)</tr>", panel).group(1)
    assert set(badges(row).values()) == {"Too few"} and len(badges(row)) == 13
    assert "3 of the 4 organisations" in panel


def test_the_batch_summary_workbook_has_a_duty_sheet_that_agrees_with_the_reports(folder, tmp_path):
    # the batch's own path: plan (loads every version), score, duty rows, summary.xlsx
    import openpyxl

    from engagecycle.reports.run.outputs import duty_summary
    from engagecycle.reports.run.plan import BatchOptions, plan_batch
    from engagecycle.reports.summary import write_summary_xlsx
    from engagecycle.reports.summary_book import HEADER_ROW
    from engagecycle.scoring import item_table, score_table

    plan = plan_batch(BatchOptions(assessments=folder, period="2025/26", cache=False))
    assert plan.organisations == ["T01", "T02", "T03"] and not plan.loaded.problems
    items = item_table(plan.loaded.assessments, plan.frameworks)
    scores = score_table(plan.loaded.assessments, plan.frameworks, items=items)
    duty = duty_summary(plan, scores, items)
    path = write_summary_xlsx(
        scores.iloc[:0], pd.DataFrame(), tmp_path / "summary.xlsx", period="2025/26", duty=duty
    )
    sheet = openpyxl.load_workbook(path)["Duty to involve"]
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    group = {"Principle": "principle", "Limb of the duty": "duty", "Domain": "domain"}
    got = {(r[0], f"{group[r[3]]}:{r[4]}"): r[6] for r in rows if r[3]}
    for code in ("T01", "T02"):
        report = badges(prepare(code, "2025/26", assessments=str(folder)).duty().html)
        assert {k: got[code, k] for k in report} == report, code
    t01 = {(r[3], r[4]): r for r in rows if r[0] == "T01"}
    assert t01["Limb of the duty", "c"][7:10] == (5, 8, pytest.approx(2.4))
    assert t01["Limb of the duty", "c"][10] == (
        "Amber: 5 of 8 tagged items answered, average 2.4; governance.7 is below Developing."
    )
    (t03,) = [r for r in rows if r[0] == "T03"]
    assert t03[6] == "not rated" and "version 1" in t03[10]
    assert "own self-assessment" in sheet["A3"].value
    assert SECRET not in str(rows)


def test_an_answer_copied_from_last_year_is_marked_where_it_is_listed():
    rating = Rating(
        "duty", "a", "Planning", AMBER, ("a.1", "a.2"), 2, 2, 2.0, ("a.1",), ("a.1",), "r"
    )
    view = DutyView("C01", "2025/26", 2, True, (rating,))
    rows = pd.DataFrame(
        [
            {"item": "a.1", "status": "answered", "value": 1.0, "carried_over": True},
            {"item": "a.2", "status": "answered", "value": 3.0, "carried_over": False},
        ]
    )
    html = report_section(view, V2, rows)
    assert "a.1 <strong>1</strong>*†" in html and "a.2 <strong>3</strong></span>" in html
    assert "† copied from last year and not yet confirmed" in html


def test_a_report_read_from_the_batch_bundle_rates_as_from_the_folder(folder, tmp_path):
    # the batch's pages read a bundle: it must carry version 2 assessments as they are
    from engagecycle.reports.data import score_folder, write_bundle

    bundle = write_bundle(score_folder(folder), tmp_path / "private" / "bundle.json")
    for code in ("T01", "T03"):
        direct = prepare(code, "2025/26", assessments=str(folder)).duty().html
        via = prepare(code, "2025/26", bundle=str(bundle)).duty().html
        assert via == direct, code
