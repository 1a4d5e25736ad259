"""One dimension across all organisations: item counts, change, shared evidence, the notebook."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from helpers import mini_framework

from engagecycle.assessment import Assessment, new_document
from engagecycle.benchmark.change import year_on_year
from engagecycle.benchmark.rules import NOT_ENOUGH
from engagecycle.benchmark.system import good_practice, item_summary
from engagecycle.charts.system import item_distribution
from engagecycle.errors import EngageError
from engagecycle.framework import DIMENSION_IDS
from engagecycle.reports.data import Scored
from engagecycle.reports.pages.dimension import (
    DimensionPage,
    good_practice_section,
    headline,
    movement_section,
    page_title,
    prepare_dimension,
)
from engagecycle.reports.run.export import external_references
from engagecycle.reports.run.notebooks import REPO
from engagecycle.reports.run.render import render_notebook
from engagecycle.reports.tables import build_dimension, resolve_dimension, weakest_items
from engagecycle.scoring import item_table, score_table

FW = mini_framework()
DEMO = REPO / "assessments"
EVIL = '<script>alert("x")</script>'
SECTIONS = [
    "Item by item",
    "Where the system is weakest",
    "Change since the previous assessment",
    "Good practice to learn from",
    "How to read this page",
]


def make(code, period, name, answers, *, share=False, evidence=None, base=2):
    """Every item at `base`, monitor items as in `answers`, evidence per item, share flag."""
    a = Assessment(new_document(FW, code, period, name, "ICB", "G1"))
    a.doc["share_evidence"] = share
    for item in FW.items:
        value = answers.get(item, base) if item.startswith("monitor.") else base
        if value is not None:
            a.set_level(item, value)
    for item, text in (evidence or {}).items():
        a.set_evidence(item, text)
    return a


def scored(assessments) -> Scored:
    items = item_table(assessments, FW)
    return Scored(FW, assessments, score_table(assessments, FW, items=items), items, [])


@pytest.fixture(scope="module")
def system() -> Scored:
    """Monitor items (monitor.1-3):
    S01 shares evidence: 4, 3, 2 (evidence on all three, with markup in one)
    H02 does not share:  4, 4, n/a (evidence on the first two)
    L03 shares:          1, unknown, unanswered; last year 0, 0, 0
    S01 last year:       3, 3, 3
    """
    return scored(
        [
            make("S01", "2023/24", "Sharer ICB", {"monitor.1": 3, "monitor.2": 3, "monitor.3": 3}),
            make(
                "S01",
                "2024/25",
                "Sharer ICB",
                {"monitor.1": 4, "monitor.2": 3, "monitor.3": 2},
                share=True,
                evidence={
                    "monitor.1": f"Quarterly panel {EVIL} reviews every contract",
                    "monitor.2": "Providers agreed a data-sharing schedule",
                    "monitor.3": "LOW-RATED shared text",
                },
            ),
            make(
                "H02",
                "2024/25",
                "Holdback ICB",
                {"monitor.1": 4, "monitor.2": 4, "monitor.3": "n/a"},
                evidence={"monitor.1": "SECRET-H1 text", "monitor.2": "SECRET-H2 text"},
            ),
            make("L03", "2023/24", "Learner ICB", {"monitor.1": 0, "monitor.2": 0, "monitor.3": 0}),
            make(
                "L03",
                "2024/25",
                "Learner ICB",
                {"monitor.1": 1, "monitor.2": "unknown", "monitor.3": None},
                share=True,
            ),
        ]
    )


@pytest.fixture(scope="module")
def monitor(system):
    return build_dimension(
        system.scores, system.items, system.assessments, FW, "2024/25", "monitor"
    )


# ---------------------------------------------------------------- the dimension id


def test_unknown_dimension_lists_every_valid_id():
    with pytest.raises(EngageError) as err:
        resolve_dimension("monitoring", FW)
    msg = str(err.value)
    assert "'monitoring'" in msg
    assert all(d in msg for d in DIMENSION_IDS)


def test_dimension_accepts_id_in_any_case():
    assert resolve_dimension(" Monitor ", FW) == "monitor"
    assert resolve_dimension("staff-support", FW) == "staff-support"


def test_prepare_rejects_unknown_dimension_on_real_data():
    with pytest.raises(EngageError, match="valid dimension ids: vision, strategy"):
        prepare_dimension("nonsense", assessments=str(DEMO))


# ---------------------------------------------------------------- item by item


def test_item_summary_counts_by_hand(monitor):
    s = monitor.summary.set_index("item")
    m1 = s.loc["monitor.1"]  # 4, 4, 1
    assert (m1.level_0, m1.level_1, m1.level_2, m1.level_3, m1.level_4) == (0, 1, 0, 0, 2)
    assert m1["median"] == 4.0 and m1["answered"] == 3
    assert m1["handover_from"] == "procure"
    m2 = s.loc["monitor.2"]  # 3, 4, unknown
    assert (m2.level_3, m2.level_4, m2.unknown) == (1, 1, 1)
    assert m2["median"] == 3.5
    m3 = s.loc["monitor.3"]  # 2, n/a, unanswered
    assert (m3.level_2, m3.na, m3.unanswered, m3.answered) == (1, 1, 1, 1)
    assert m3["median"] == 2.0


def test_rater_medians_count_in_their_level_band():
    a = make("R01", "2024/25", "Raters ICB", {"monitor.1": None})
    a.set_raters("monitor.1", {"x": 2, "y": 3})  # median 2.5 -> Established band
    s = scored([a])
    row = item_summary(s.items[s.items["dimension"].eq("monitor")], FW.by_id["monitor"])
    first = row.set_index("item").loc["monitor.1"]
    assert first["level_3"] == 1 and first["level_2"] == 0


def test_weakest_items_lowest_median_first(monitor):
    assert list(weakest_items(monitor.summary)["item"]) == ["monitor.3", "monitor.2", "monitor.1"]


def test_item_chart_names_the_weakest_item(monitor):
    fig = item_distribution(monitor.summary)
    assert fig.get_suptitle() == "Item monitor.3 has the lowest median score (2.0)"
    assert "monitor.3 (2.0)" in fig.alt_text


# ---------------------------------------------------------------- year on year


def test_changes_like_for_like_per_organisation(monitor):
    ch = monitor.changes.set_index("organisation")
    # S01: 3,3,3 -> 4,3,2: no real change; L03: only monitor.1 in both years (0 -> 1), one
    # item of three: too few to call it a change (issue 9, point 4), so it is not a mover
    assert ch.loc["S01", "direction"] == "no real change"
    assert ch.loc["S01", "items_compared"] == 3
    assert ch.loc["L03", "direction"] == NOT_ENOUGH
    assert ch.loc["L03", "items_compared"] == 1
    assert math.isnan(ch.loc["L03", "change"])
    assert ch.loc["H02", "previous_period"] == "" and math.isnan(ch.loc["H02", "change"])
    html = movement_section(monitor)
    assert "0 improved, 0 declined and 1 showed no real change" in html
    assert "first assessment: H02" in html and "too few comparable answers" in html
    assert "L03" not in html.split("Not compared")[1].split("</p>", 1)[1]  # not in the table


def test_changes_agree_with_each_organisations_own_report(system, monitor):
    for org in ("S01", "L03"):
        own = year_on_year(system.items, org, "2024/25", FW).set_index("dimension")
        mine = monitor.changes.set_index("organisation").loc[org]
        assert mine["items_compared"] == own.loc["monitor", "items_compared"]
        np.testing.assert_allclose(mine["change"], own.loc["monitor", "change"])
        assert mine["direction"] == own.loc["monitor", "direction"]
        assert mine["previous_period"] == own.loc["monitor", "previous_period"]


# ---------------------------------------------------------------- good practice


def test_good_practice_only_from_sharing_organisations_rated_3_or_4(system, monitor):
    shared = monitor.good_practice
    assert set(shared["organisation"]) == {"S01"}
    assert list(shared["item"]) == ["monitor.1", "monitor.2"]  # monitor.3 is rated 2
    assert monitor.withheld == 2  # H02's two 3-4 items with evidence
    html = good_practice_section(monitor)
    assert "SECRET-H" not in html and "LOW-RATED" not in html
    assert "Quarterly panel &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "Sharer ICB" in html and "2 further examples" in html


def test_unshared_evidence_never_appears_anywhere_on_the_page(system, monitor):
    page = DimensionPage(system, monitor, report_links="r/{organisation}.html").all_sections()
    assert "SECRET-H" not in page
    assert "<script>" not in page


def test_sharing_is_decided_per_period():
    """Agreeing to share last year does not publish this year's words."""
    ev = {"monitor.1": "LAST-YEAR words"}
    then = make("S01", "2023/24", "Sharer ICB", {"monitor.1": 4}, share=True, evidence=ev)
    now = make("S01", "2024/25", "Sharer ICB", {"monitor.1": 4}, evidence={"monitor.1": "NOW"})
    s = scored([then, now])
    shared, withheld = good_practice(s.items, s.assessments, "2024/25", FW.by_id["monitor"])
    assert shared.empty and withheld == 1
    shared, withheld = good_practice(s.items, s.assessments, "2023/24", FW.by_id["monitor"])
    assert list(shared["evidence"]) == ["LAST-YEAR words"] and withheld == 0


def test_no_shared_evidence_is_said_plainly():
    s = scored(
        [make("H01", "2024/25", "Holdback ICB", {"monitor.1": 4}, evidence={"monitor.1": "X"})]
    )
    data = build_dimension(s.scores, s.items, s.assessments, FW, "2024/25", "monitor")
    html = good_practice_section(data)
    assert "No shared evidence is available for Monitor in 2024/25" in html
    assert "1 further example from organisations rated 3 or 4 is not shown" in html
    assert "<blockquote>" not in html


def test_organisation_names_are_escaped():
    a = make(
        "E01",
        "2024/25",
        f"Evil {EVIL} ICB",
        {"monitor.1": 4},
        share=True,
        evidence={"monitor.1": "fine"},
    )
    b = make("E01", "2023/24", f"Evil {EVIL} ICB", {"monitor.1": 1})
    s = scored([a, b])
    data = build_dimension(s.scores, s.items, s.assessments, FW, "2024/25", "monitor")
    page = DimensionPage(s, data, report_links="r/{organisation}.html").all_sections()
    assert "<script>" not in page
    assert "Evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; ICB" in page
    assert '<a href="r/E01.html">' in page


def test_headline_and_title(monitor):
    assert page_title(monitor) == "Monitor: across all organisations 2024/25"
    html = headline(monitor)
    assert "What it is for.</strong> p</p>" in html  # the mini framework's purpose
    # monitor scores: S01 (4+3+2)/3 = 3.0, H02 (4+4)/2 = 4.0, L03 1.0 -> median 3.0
    assert "the median is <strong>3.0</strong>" in html
    assert "stage 5 of 5" in html


# ---------------------------------------------------------------- the notebook


def test_notebook_is_committed_clean_with_the_parameter_contract():
    nb = nbformat.read(REPO / "notebooks" / "dimension.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and code[0] is params[0]
    values: dict = {}
    exec(params[0].source, {}, values)  # our own notebook's literal assignments
    assert values == {
        "period": "latest",
        "dimension": "monitor",
        "assessments": "assessments",
        "bundle": "",
        "report_links": "",
    }
    assert all(len(c.source.strip().splitlines()) == 1 for c in code[2:])


@pytest.mark.notebook
def test_dimension_notebook_renders_a_self_contained_page(tmp_path):
    out = render_notebook(
        "dimension",
        {
            "period": "2024/25",
            "dimension": "strategy",
            "assessments": str(DEMO),
            "report_links": "reports/{organisation}.html",
        },
        tmp_path / "strategy.html",
        default_title="fallback",
    )
    html = out.html.read_text(encoding="utf-8")
    assert (
        "<title>Engagement strategy linked to other work: across all organisations 2024/25"
        "</title>" in html
    )
    for section in SECTIONS:
        assert f"{section}</h2>" in html, section
    assert external_references(html) == []
    assert out.html.stat().st_size < 1.5 * 1024 * 1024
    assert "<blockquote>" in html  # the demo has organisations that share at level 3-4
    assert 'href="reports/X11.html"' in html


@pytest.mark.notebook
def test_dimension_notebook_runs_by_hand_from_the_notebooks_folder(tmp_path):
    out = tmp_path / "out.ipynb"
    r = subprocess.run(
        [
            str(Path(sys.executable).parent / "papermill"),
            "dimension.ipynb",
            str(out),
            "--no-progress-bar",
        ],
        cwd=REPO / "notebooks",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Monitor services: across all organisations 2024/25" in out.read_text()
