"""The system overview: aggregation on hand-made fixtures, escaping, links, the notebook."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from helpers import mini_framework

from engagecycle.assessment import Assessment, new_document
from engagecycle.benchmark.change import year_on_year
from engagecycle.benchmark.rules import NOT_ENOUGH, REAL_CHANGE, format_change
from engagecycle.charts.system import heatmap, movers
from engagecycle.errors import EngageError
from engagecycle.reports.data import Scored
from engagecycle.reports.pages.links import link_href
from engagecycle.reports.pages.overview import (
    Overview,
    completeness_section,
    handovers_section,
    headline,
    movers_section,
    organisations_section,
    prepare_overview,
)
from engagecycle.reports.run.export import external_references
from engagecycle.reports.run.notebooks import REPO
from engagecycle.reports.run.render import render_notebook
from engagecycle.reports.tables import build_overview, top_movers
from engagecycle.scoring import item_table, score_table

FW = mini_framework()
DEMO = REPO / "assessments"
EVIL = '<script>alert("x")</script>'
SECTIONS = [
    "Scores by organisation and dimension",
    "How scores are spread across the system",
    "Most improved and most declined",
    "Weakest hand-overs across the system",
    "Completeness of evidence",
    "Every organisation",
    "How to read this overview",
]


def make(code, period, name, levels, *, group="G1", org_type="ICB", overrides=None):
    """An in-memory assessment: every item at `levels` (None: unanswered) plus overrides."""
    a = Assessment(new_document(FW, code, period, name, org_type, group))
    for item in FW.items:
        value = (overrides or {}).get(item, levels)
        if value is not None:
            a.set_level(item, value)
    return a


def scored(assessments) -> Scored:
    items = item_table(assessments, FW)
    return Scored(FW, assessments, score_table(assessments, FW, items=items), items, [])


def monitor_zero():
    return {i: 0 for i in FW.items if i.startswith("monitor.")}


@pytest.fixture(scope="module")
def system() -> Scored:
    """A improves 2 -> 3, B declines 2 -> 1, C is new with every monitor item at 0."""
    return scored(
        [
            make("A01", "2023/24", "Alpha ICB", 2),
            make("A01", "2024/25", "Alpha ICB", 3),
            make("B02", "2023/24", "Beta ICB", 2, group="G2"),
            make("B02", "2024/25", "Beta ICB", 1, group="G2"),
            make("C03", "2024/25", "Gamma Place", 2, org_type="place", overrides=monitor_zero()),
        ]
    )


@pytest.fixture(scope="module")
def ov(system):
    return build_overview(system.scores, system.items, FW, "2024/25")


# ---------------------------------------------------------------- aggregation


def test_organisation_table_scores_and_like_for_like_change(ov):
    orgs = ov.organisations.set_index("organisation")
    assert list(ov.organisations["organisation"]) == ["A01", "C03", "B02"]  # best first
    assert orgs.loc["A01", "score"] == pytest.approx(3.0)
    assert orgs.loc["B02", "score"] == pytest.approx(1.0)
    assert orgs.loc["C03", "score"] == pytest.approx((14 * 2 + 0) / 15)
    assert orgs.loc["A01", "direction"] == "improved"
    assert orgs.loc["A01", "change"] == pytest.approx(1.0)
    assert orgs.loc["A01", "items_compared"] == len(FW.items)
    assert orgs.loc["B02", "direction"] == "declined"
    assert orgs.loc["C03", "previous_period"] == "" and orgs.loc["C03", "direction"] == ""
    assert math.isnan(orgs.loc["C03", "change"])


def test_changes_agree_with_benchmark_year_on_year(system, ov):
    """The overview must say exactly what each organisation's own report says."""
    for org in ("A01", "B02"):
        own = year_on_year(system.items, org, "2024/25", FW)
        mine = ov.changes[ov.changes["organisation"].eq(org)].drop(columns="organisation")
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), own)


def test_handovers_count_organisations_dropping_each(ov):
    h = ov.handovers
    first = h.iloc[0]
    # B02 (all 1s) drops every hand-over; C03 (monitor at 0) also drops procure -> monitor
    assert (first["from_stage"], first["to_stage"]) == ("procure", "monitor")
    assert first["dropped"] == 2 and first["dropped_by"] == ["B02", "C03"]
    others = h.iloc[1:]
    assert list(others["dropped"]) == [1] * 4
    assert all(d == ["B02"] for d in others["dropped_by"])
    assert list(h["organisations"]) == [3] * 5


def test_dimension_summary_counts_levels(ov):
    ds = ov.dimensions.set_index("dimension")
    mon = ds.loc["monitor"]
    assert (mon.level_0, mon.level_1, mon.level_2, mon.level_3, mon.level_4) == (1, 1, 0, 1, 0)
    assert mon["median"] == pytest.approx(1.0)
    vis = ds.loc["vision"]
    assert (vis.level_1, vis.level_2, vis.level_3) == (1, 1, 1)
    assert vis["q1"] == pytest.approx(1.5) and vis["q3"] == pytest.approx(2.5)


def test_headline_states_median_movement_and_weakest_places(ov):
    html = headline(ov)
    assert "Engagement Cycle overview 2024/25" in html
    assert f"<strong>{(14 * 2) / 15:.1f}</strong> out of 4" in html  # median of 3.0, 1.87, 1.0
    assert "<strong>1 improved</strong>" in html and "<strong>1 declined</strong>" in html
    assert "Of the 2 that can be compared" in html
    assert "<strong>Monitor</strong> is the weakest stage (median 1.0)" in html
    assert "Procure → Monitor" in html and "(2 of 3 organisations)" in html


def test_movers_are_ordered_and_limited_to_real_change(ov):
    assert list(top_movers(ov, "improved")["organisation"]) == ["A01"]
    assert list(top_movers(ov, "declined")["organisation"]) == ["B02"]


def test_movers_only_with_enough_comparable_answers_and_unconfirmed_counted():
    # issue 9, points 3 and 4: S01 "improves" by 2 levels on 1 item in 15 answered both
    # years (about 2% of its items): it must not be listed or charted as most improved.
    # U02's team copied every vision answer and never confirmed them.
    thin = {i: None for i in FW.items if not i.startswith("vision.1")}
    copied = {i: 2 for i in FW.items}
    a = make("U02", "2024/25", "Uncopied ICB", 3)
    for i in [i for i in FW.items if i.startswith("vision.")]:
        a.set_level(i, 2)
        a.set_carried_over(i, True)
    s = scored(
        [
            make("A01", "2023/24", "Alpha ICB", 2),
            make("A01", "2024/25", "Alpha ICB", 3),
            make("S01", "2023/24", "Sparse ICB", 1),
            make("S01", "2024/25", "Sparse ICB", 3, overrides=thin),
            make("U02", "2023/24", "Uncopied ICB", 2, overrides=copied),
            a,
        ]
    )
    data = build_overview(s.scores, s.items, FW, "2024/25")
    orgs = data.organisations.set_index("organisation")
    assert orgs.loc["S01", "direction"] == NOT_ENOUGH
    assert orgs.loc["S01", "items_compared"] == 1
    assert list(top_movers(data, "improved")["organisation"]) == ["A01", "U02"]  # both +1
    html = movers_section(data)
    improved = html.split("Most improved</h3>")[1].split("</table>")[0]
    assert "Sparse ICB" not in improved and "Alpha ICB" in improved
    assert "S01 (" in html and "too few comparable answers" in html
    assert orgs.loc["U02", "unconfirmed"] == 3
    assert "3 answers in all" in headline(data)
    table = organisations_section(data)
    row = table.split("Uncopied ICB")[1].split("</tr>")[0]
    assert "<td class='num'>3 <span class='muted'>(7%)</span></td>" in row
    assert "too few to compare" in table.split("Sparse ICB")[1].split("</tr>")[0]


def test_first_assessment_is_never_called_a_change():
    only_new = scored([make("N01", "2024/25", "New ICB", 2)])
    data = build_overview(only_new.scores, only_new.items, FW, "2024/25")
    html = headline(data)
    assert "No organisation has an earlier assessment" in html
    assert "improved" not in html.replace("Improved / declined", "")
    assert "first assessment" in organisations_section(data)


def test_peer_group_filter_and_unknown_group(system):
    g2 = build_overview(system.scores, system.items, FW, "2024/25", peer_group="G2")
    assert list(g2.organisations["organisation"]) == ["B02"]
    assert "(G2)" in headline(g2)
    with pytest.raises(EngageError, match="G1, G2"):
        build_overview(system.scores, system.items, FW, "2024/25", peer_group="Nowhere")


def test_completeness_lists_low_evidence_organisations():
    sparse = {i: None for i in FW.items if i.startswith(("vision.", "monitor."))}
    sparse["vision.1"] = 2  # 1 of 3 vision items answered: low evidence
    s = scored(
        [
            make("A01", "2024/25", "Alpha ICB", 2),
            make("L02", "2024/25", "Lowly ICB", 2, overrides=sparse),
        ]
    )
    data = build_overview(s.scores, s.items, FW, "2024/25")
    row = data.organisations.set_index("organisation").loc["L02"]
    # monitor has nothing answered: no score, which is never also low evidence
    assert sorted(row["low_dimensions"]) == ["vision"]
    assert row["unanswered"] == 5
    html = completeness_section(data)
    assert "1 organisation has low evidence" in html
    assert "Lowly ICB" in html and "Alpha ICB" not in html


# ---------------------------------------------------------------- links and escaping


def test_links_only_when_a_pattern_is_given(ov):
    plain = organisations_section(ov)
    assert "<a " not in plain
    linked = organisations_section(ov, "reports/{organisation}-{period}.html")
    assert '<a href="reports/A01-2024-25.html">Alpha ICB</a>' in linked
    assert "Link</th>" in linked
    assert 'href="reports/B02-2024-25.html"' in handovers_section(
        ov, "reports/{organisation}-{period}.html"
    )


def test_link_pattern_errors_and_quoting():
    with pytest.raises(EngageError, match=r"uses \{org\}; allowed placeholders: \{organisation\}"):
        link_href("r/{org}.html", "report_links", organisation="A01")
    assert link_href("r/{organisation}.html", "report_links", organisation="a/b c") == (
        "r/a%2Fb%20c.html"
    )
    assert link_href("", "report_links", organisation="A01") == ""


def test_user_text_is_escaped_everywhere():
    s = scored(
        [
            make("E01", "2023/24", f"Evil {EVIL} ICB", 1, group=f"G {EVIL}"),
            make("E01", "2024/25", f"Evil {EVIL} ICB", 3, group=f"G {EVIL}", org_type=EVIL),
            make("A02", "2024/25", "Alpha ICB", 2),
        ]
    )
    data = build_overview(s.scores, s.items, FW, "2024/25")
    page = Overview(s, data, report_links="r/{organisation}.html").all_sections()
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "Evil &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; ICB" in page


def test_bad_link_pattern_fails_at_prepare_time(system):
    data = build_overview(system.scores, system.items, FW, "2024/25")
    with pytest.raises(EngageError, match="dimension_links"):
        Overview(system, data, dimension_links="d/{dim}.html")


def test_unknown_period_is_a_clear_error():
    with pytest.raises(EngageError, match="periods found: 2022/23, 2023/24, 2024/25"):
        prepare_overview("1999/00", assessments=str(DEMO))


# ---------------------------------------------------------------- charts


def test_change_labels_never_misstate_the_threshold():
    assert REAL_CHANGE == REAL_CHANGE
    assert format_change(0.25) == "+0.25"  # a real change must not read as +0.2
    assert format_change(-0.25) == "−0.25"
    assert format_change(0.24) == "+0.2"
    assert format_change(0.31) == "+0.3"
    assert format_change(-1.0) == "−1.0"
    assert format_change(0.0) == "0.0"


def test_heatmap_states_the_weakest_dimension_and_marks_gaps(ov):
    fig = heatmap(ov.scores, FW)
    assert fig.get_suptitle().startswith("Monitor has the lowest median score (1.0)")
    assert "3 organisations" in fig.alt_text
    assert "from 1.0 (Beta ICB) to 3.0 (Alpha ICB)" in fig.alt_text
    rows = ov.scores.copy()
    rows.loc[rows["organisation"].eq("C03") & rows["dimension"].eq("vision"), "score"] = math.nan
    assert "1 cell has no score" in heatmap(rows, FW).alt_text


def test_movers_chart_trims_long_lists():
    df = pd.DataFrame(
        {
            "label": [f"O{n:02d}" for n in range(30)],
            "change": [n / 10 - 1.5 for n in range(30)],
            "direction": [
                "improved" if n > 17 else "declined" if n < 13 else "no real change"
                for n in range(30)
            ],
            "items_compared": [10] * 30,
        }
    )
    fig = movers(df, limit=5)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["O29", "O28", "O27", "O26", "O25", "O04", "O03", "O02", "O01", "O00"]
    assert "12 improved and 13 declined" in fig.get_suptitle()


# ---------------------------------------------------------------- the notebook


def test_notebook_is_committed_clean_with_the_parameter_contract():
    nb = nbformat.read(REPO / "notebooks" / "overview.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and code[0] is params[0]
    values: dict = {}
    exec(params[0].source, {}, values)  # our own notebook's literal assignments
    assert values == {
        "period": "latest",
        "assessments": "assessments",
        "bundle": "",
        "report_links": "",
        "dimension_links": "",
        "peer_group": "",
    }
    assert all(len(c.source.strip().splitlines()) == 1 for c in code[2:])  # one call per cell


@pytest.mark.notebook
def test_overview_notebook_renders_a_self_contained_page(tmp_path):
    out = render_notebook(
        "overview",
        {
            "period": "latest",
            "assessments": str(DEMO),
            "report_links": "reports/{organisation}.html",
            "dimension_links": "dimensions/{dimension}.html",
        },
        tmp_path / "overview.html",
        default_title="fallback",
    )
    html = out.html.read_text(encoding="utf-8")
    assert "<title>Engagement Cycle overview 2024/25</title>" in html
    for section in SECTIONS:
        assert f"{section}</h2>" in html, section
    assert external_references(html) == []
    assert out.html.stat().st_size < 1.5 * 1024 * 1024
    assert 'href="reports/X01.html"' in html and 'href="dimensions/monitor.html"' in html
    assert "prepare_overview" not in html  # no code on the page


@pytest.mark.notebook
def test_overview_notebook_runs_by_hand_from_the_notebooks_folder(tmp_path):
    """As in JupyterLab: the kernel starts in notebooks/ and the defaults must just work."""
    out = tmp_path / "out.ipynb"
    r = subprocess.run(
        [
            str(Path(sys.executable).parent / "papermill"),
            "overview.ipynb",
            str(out),
            "--no-progress-bar",
        ],
        cwd=REPO / "notebooks",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    text = out.read_text()
    assert "Engagement Cycle overview 2024/25" in text and "<a href" not in text
