"""The single-organisation report: wording, escaping, self-containment, papermill, PDF."""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from helpers import run_cli

from engagecycle.benchmark.rules import format_change
from engagecycle.errors import EngageError
from engagecycle.files import public_mode
from engagecycle.reports.pages.report import prepare
from engagecycle.reports.run import export
from engagecycle.reports.run.export import external_references
from engagecycle.reports.run.notebooks import REPO
from engagecycle.reports.run.render import render_report
from tests.helpers import store_v1

DEMO = REPO / "assessments"
SECTIONS = [
    "Scores by dimension",
    "The cycle at a glance",
    "Change over time",
    "Strengths and priorities",
    "The baton: hand-overs between stages",
    "Items to discuss",
    "Evidence highlights",
    "Action plan",
    "How to read this report",
]
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _copy_demo(tmp_path: Path) -> Path:
    folder = tmp_path / "assessments"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns(".history"))
    return folder


@pytest.fixture(scope="module")
def evil_folder(tmp_path_factory) -> Path:
    """Demo data plus an organisation whose every text field carries markup."""
    folder = _copy_demo(tmp_path_factory.mktemp("evil"))
    store = store_v1(folder)
    a = store.create("Z99", "2024/25", f"Evil {EVIL} ICB", "ICB")
    a.set_header(facilitator=f"Fac {EVIL}", participants=[f"P {EVIL}"])
    for n, item in enumerate(store.framework.items):
        if n % 3 == 0:
            a.set_level(item, 3)
            a.set_evidence(item, f"Evidence {EVIL} line one\nline two")
    a.set_level("monitor.2", "unknown")
    a.set_flag("vision.1", True)
    a.add_action("monitor", f"Action {EVIL}", f"Owner {EVIL}", date(2025, 6, 30), "open")
    store.save(a)
    return folder


@pytest.fixture(scope="module")
def evil_html(evil_folder, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("evil-out")
    result = render_report("Z99", "2024/25", out, assessments=evil_folder, as_of="2025-07-01")
    return result.html.read_text(encoding="utf-8")


# ---------------------------------------------------------------- wording adapts to the data


def test_first_assessment_never_claims_change():
    # X11 joined in 2023/24: its first assessment has nothing to compare with
    r = prepare("X11", "2023/24", assessments=str(DEMO))
    text = r.headline().html + r.dimensions().html + r.trend().html
    assert "first assessment" in text
    assert "improved" not in r.headline().html and "declined" not in r.headline().html


def test_change_is_reported_with_items_compared():
    r = prepare("X01", "2024/25", assessments=str(DEMO))
    yoy = r.data.year_on_year.set_index("dimension").loc["overall"]
    html = r.headline().html
    # 2024/25 is on version 2, 2023/24 on version 1: like for like on the items kept
    n, app = int(yoy["items_compared"]), int(yoy["applicable"])
    assert f"(like for like, on {n} of its {app} applicable items)" in html
    kept = int(yoy["comparable_applicable"])
    assert f"only the {kept} items that kept their meaning could be compared" in html
    word = {"improved": "improved", "declined": "declined"}.get(yoy["direction"], "no real change")
    assert word in html


def test_too_few_peers_hides_peer_figures():
    # a peer group of 4 organisations gives 3 peers: below the minimum of 5
    r = prepare("X01", "2024/25", assessments=str(DEMO), peer_group="own")
    assert r.data.peer_count < 5
    html = r.headline().html
    assert "Not enough peers to compare" in html
    assert "percentile rank" not in html and "quarter" not in html
    assert not r.data.peer["shown"].any()


def test_peers_shown_with_enough_peers_and_anonymous():
    r = prepare("X01", "2024/25", assessments=str(DEMO))
    assert r.data.peer_count >= 5
    # issue 9, point 5: the position in words, not "percentile rank" or "rank 38 of 100"
    html = r.headline().html
    assert "higher than" in html and "% of its" in html and "peers" in html
    assert "percentile rank" not in html and "of 100" not in html
    names = {a.name for a in r.scored.assessments if a.code != "X01"}
    body = r.all_sections()
    assert not any(n in body for n in names)  # peers are never named by default
    named = prepare("X01", "2024/25", assessments=str(DEMO), anonymise=False)
    assert any(n in named.method().html for n in names)


def test_numeric_organisation_parameter(tmp_path):
    folder = _copy_demo(tmp_path)
    store = store_v1(folder)
    a = store.create("007", "2024/25", "Bond Place", "place")
    a.set_level("vision.1", 2)
    store.save(a)
    r = prepare(7, "2024/25", assessments=str(folder))  # papermill -p organisation 007 -> 7
    assert r.data.organisation == "007"


def test_unknown_organisation_or_period_is_a_clear_error():
    with pytest.raises(EngageError, match="organisations found: X01"):
        prepare("NOPE", "2024/25", assessments=str(DEMO))
    with pytest.raises(EngageError, match="periods found"):
        prepare("X01", "2019/20", assessments=str(DEMO))


# ---------------------------------------------------------------- the exported page


@pytest.mark.notebook  # evil_html runs the report notebook
def test_every_section_present_and_title(evil_html):
    for heading in SECTIONS:
        assert heading in evil_html, heading
    title = re.search(r"<title>(.*?)</title>", evil_html).group(1)
    assert "Z99" in title and "2024/25" in title


@pytest.mark.notebook  # evil_html runs the report notebook
def test_user_text_is_escaped(evil_html):
    assert "<script>alert" not in evil_html
    assert "onerror=alert" not in evil_html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(" in evil_html and "&lt;img src=x onerror" in evil_html
    for field in ("Evil", "Evidence", "Action", "Owner", "Fac"):
        assert f"{field} &lt;script&gt;" in evil_html, field
    assert "<script" not in evil_html.lower()  # the page needs no script at all


@pytest.mark.notebook  # evil_html runs the report notebook
def test_self_contained_and_small(evil_html):
    assert external_references(evil_html) == []
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']?https?:""", evil_html, re.I)
    tags = re.findall(r"<img\b[^>]*>", evil_html)
    assert len(tags) >= 4
    for tag in tags:
        assert re.search(r'src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', tag)
        alt = re.search(r'alt="([^"]*)"', tag)
        assert alt and len(alt.group(1)) > 20, tag[:200]
    size_kb = len(evil_html.encode()) / 1024
    print(f"report size: {size_kb:.0f} KB")
    assert size_kb < 600


@pytest.mark.notebook  # evil_html runs the report notebook
def test_no_code_or_prompts_in_page(evil_html):
    assert "prepare(" not in evil_html and "In&nbsp;[" not in evil_html
    assert "import " not in evil_html


# ---------------------------------------------------------------- papermill from the repo root


@pytest.mark.notebook
def test_papermill_cli_from_repo_root(tmp_path):
    out = tmp_path / "out.ipynb"
    r = subprocess.run(
        [
            str(Path(sys.executable).parent / "papermill"),
            "notebooks/report.ipynb",
            str(out),
            "-r",
            "organisation",
            "X03",
            "-r",
            "period",
            "2024/25",
            "--no-progress-bar",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    nb = json.loads(out.read_text())
    html = "".join(
        "".join(o.get("data", {}).get("text/html", ""))
        for c in nb["cells"]
        for o in c.get("outputs", [])
    )
    assert "X03" in html and "Scores by dimension" in html


@pytest.mark.notebook
def test_papermill_with_numeric_code_parameter(tmp_path):
    folder = _copy_demo(tmp_path)
    store = store_v1(folder)
    a = store.create("007", "2024/25", "Bond Place", "place")
    a.set_level("vision.1", 2)
    store.save(a)
    out = tmp_path / "out.ipynb"
    r = subprocess.run(
        [
            str(Path(sys.executable).parent / "papermill"),
            "notebooks/report.ipynb",
            str(out),
            "-p",
            "organisation",
            "007",
            "-r",
            "period",
            "2024/25",
            "-r",
            "assessments",
            str(folder),
            "--no-progress-bar",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Bond Place" in out.read_text()


# ---------------------------------------------------------------- in a browser, offline


@pytest.mark.browser
def test_page_loads_offline_in_chromium_without_failed_requests(evil_folder, tmp_path, chromium):
    result = render_report("X01", "2024/25", tmp_path, assessments=evil_folder)
    requests, failed = [], []
    context = chromium.new_context(offline=True)
    try:
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.goto(result.html.as_uri(), wait_until="load")
        images = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
        title = page.title()
        page.set_viewport_size({"width": 1280, "height": 900})
        overflowing = page.evaluate(
            """() => {
                const edge = document.querySelector('.page').getBoundingClientRect().right;
                return Array.from(document.querySelectorAll('.page table, .page figure'))
                    .filter(e => e.getBoundingClientRect().right > edge + 1)
                    .map(e => e.tagName + ': ' + (e.textContent || '').slice(0, 40));
            }"""
        )
    finally:
        context.close()
    assert overflowing == []  # every table and chart fits inside the page
    assert failed == []
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert images and all(w > 0 for w in images)  # every chart decoded
    assert "X01" in title


@pytest.mark.browser
def test_pdf_export(tmp_path, chromium_path):
    """End to end in a real process: `engagecycle report --pdf` finds Chromium and prints."""
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "engagecycle.cli",
            "report",
            "X02",
            "2024/25",
            "--pdf",
            "--out",
            str(tmp_path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    pdf = tmp_path / "X02-2024-25.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert pdf.stat().st_size > 20_000
    html = tmp_path / "X02-2024-25.html"
    assert pdf.stat().st_mode & 0o777 == html.stat().st_mode & 0o777 == public_mode()


def test_pdf_without_chromium_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "find_chromium", lambda: None)
    page = tmp_path / "x.html"
    page.write_text("<html></html>")
    with pytest.raises(EngageError, match="needs Chromium.*apt-get install chromium"):
        export.html_to_pdf(page, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_report_cli_bad_organisation_fails_fast(tmp_path):
    r = run_cli("report", "NOPE", "2024/25", "--out", str(tmp_path), cwd=REPO)
    assert r.returncode == 1 and "no assessment for organisation 'NOPE'" in r.stderr
    assert "Traceback" not in r.stderr


def test_badge_colours_match_chart_palette():
    from engagecycle.charts.style import LEVEL_COLOURS, text_colour
    from engagecycle.reports.run.export import TEMPLATES

    css = (TEMPLATES / "board" / "board.css").read_text().lower()
    for level in range(5):
        colour = LEVEL_COLOURS[level].lower()
        fg = "#fff" if text_colour(LEVEL_COLOURS[level]).lower() == "#ffffff" else "#212b32"
        assert f".level-{level} {{ background: {colour}; color: {fg}; }}" in css


# ---------------------------------------------------------------- issue 9: a board can rely on it


def _board_folder(root: Path) -> Path:
    """Two years of one organisation plus five peers, shaped for points 3, 4, 5 and 6.

    Z01 2024/25: vision copied from 2023/24 and never confirmed; strategy answered afresh
    (all comparable); roles with only one item also answered last year; governance with
    nothing answered; one open disagreement and one the room resolved.
    """
    folder = root / "assessments"
    store = store_v1(folder)
    fw = store.framework
    ids = {d.id: [i.id for i in d.items] for d in fw.dimensions}
    then = store.create("Z01", "2023/24", "Zedford ICB", "ICB")
    for item in fw.items:
        then.set_level(item, 1)
    for item in ids["roles"][1:]:
        then.set_level(item, None)  # only roles.1 answered last year
    store.save(then)
    now = store.create("Z01", "2024/25", "Zedford ICB", "ICB")
    for item in fw.items:
        now.set_level(item, 3)
    for item in ids["vision"]:
        now.set_level(item, 1)
        now.set_carried_over(item, True)
    for item in ids["governance"]:
        now.set_level(item, None)
    now.set_level("strategy.1", None)
    now.set_raters("strategy.1", {"AB": 1, "CD": 3})  # open: spread 2, nothing agreed
    now.set_raters("strategy.2", {"AB": 1, "CD": 4})
    now.set_agreed("strategy.2", "Level 3: the strategy is approved but not yet used.")
    store.save(now)
    for n, level in enumerate([1, 2, 2, 3, 4], 1):
        peer = store.create(f"P0{n}", "2024/25", f"Peer {n} ICB", "ICB")
        for item in fw.items:
            peer.set_level(item, level)
        store.save(peer)
    return folder


@pytest.fixture(scope="module")
def board(tmp_path_factory):
    folder = _board_folder(tmp_path_factory.mktemp("board"))
    return prepare("Z01", "2024/25", assessments=str(folder))


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_unconfirmed_answers_are_counted_listed_and_warned_about(board):
    # issue 9, point 3: 4 vision answers copied and never confirmed, of 66 answers (6%...)
    headline = _text(board.headline().html)
    n = len(board.data.unconfirmed)
    total = 70 - int(board.data.scores.set_index("dimension").loc["overall", "unanswered"])
    assert n == 4 and list(board.data.unconfirmed["item"]) == [f"vision.{k}" for k in (1, 2, 3, 4)]
    assert n / total < 0.1 and "Not yet confirmed:" not in headline  # below the threshold
    section = _text(board.unconfirmed().html)
    assert f"4 answers of {total}" in section and "Vision and shared understanding (4)" in section
    assert all(f"vision.{k}" in section for k in (1, 2, 3, 4))
    table = _text(board.dimensions().html)
    assert "4 not confirmed" in table
    # vision's answers are copies: not compared, so no "no real change" on nothing
    yoy = board.data.year_on_year.set_index("dimension")
    assert yoy.loc["vision", "direction"] == "not enough comparable answers"


def test_headline_warns_when_many_answers_are_unconfirmed(tmp_path):
    folder = _board_folder(tmp_path)
    store = store_v1(folder)
    a = store.find("Z01", "2024/25")
    for item in [i for i in store.framework.items if i.startswith(("strategy.", "insight."))]:
        a.set_carried_over(item, True)
    store.save(a)
    r = prepare("Z01", "2024/25", assessments=str(folder))
    n = len(r.data.unconfirmed)
    assert n >= 10
    assert "Not yet confirmed:" in r.headline().html and f"{n} of its" in r.headline().html


def test_change_needs_enough_comparable_answers_and_agrees_everywhere(board):
    # issue 9, point 4
    yoy = board.data.year_on_year.set_index("dimension")
    assert yoy.loc["roles", "items_compared"] == 1
    assert yoy.loc["roles", "direction"] == "not enough comparable answers"
    table = board.dimensions().html
    assert "too few to compare (1 of 5)" in table and "too few to compare (0 of 4)" in table
    ov = yoy.loc["overall"]
    assert ov["direction"] == "improved"
    change = format_change(ov["change"])
    headline = board.headline().html
    assert f"improved</strong> by {change} since 2023/24" in headline
    assert f'<p class="value">{change}</p>' in headline  # the KPI card
    overall_row = re.search(r"<td>Overall</td>.*?</tr>", table, re.S).group(0)
    assert change in overall_row and f"({int(ov['items_compared'])} items)" in overall_row
    trend = board.trend().html
    assert f"Overall score improved by {change} since 2023/24, like for like" in trend
    # the published points (1.0 then, ~2.6 now) are not what the title compares
    assert "rose from" not in trend


def test_words_a_board_member_reads(board):
    # issue 9, point 5
    html = board.headline().html + board.discussion().html
    assert "percentile rank" not in html and "of 100" not in html
    assert re.search(r"higher than (all \d+ peers|\d+% of its \d+ peers)", _text(html))
    assert "1 item still needs a conversation" in _text(board.discussion().html)
    # governance has no score: shown as such, never also as low evidence
    peer = board.data.peer.set_index("dimension")
    assert math.isnan(peer.loc["governance", "score"])
    assert not peer.loc["governance", "low_evidence"]
    row = re.search(r"<td>Engagement in governance</td>.*?</tr>", board.dimensions().html, re.S)
    assert "no score" in row.group(0) and "*" not in row.group(0)
    assert "Engagement in governance" not in board.wheel().html.split("Low evidence")[-1]
    # the method is in the report, in words, with the thresholds the code uses
    method = _text(board.method().html)
    assert "docs/scoring.md" not in method and "engagecycle" not in method.lower()
    for words in ("median", "at least 2 items", "50%", "0.25", "10%", "below 2"):
        assert words in method


def test_every_dash_in_a_table_has_its_reason_on_the_page(tmp_path):
    # issue 9, point 5: a first assessment with too few peers leaves dashes in the peer and
    # change columns; each kind is explained under the table that shows it
    folder = _board_folder(tmp_path)
    r = prepare("Z01", "2023/24", assessments=str(folder), min_peers=5)
    for name in ("dimensions", "discussion", "actions", "baton", "unconfirmed"):
        html = getattr(r, name)().html
        for table in re.findall(r"<table.*?</table>", html, re.S):
            head = [_text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
                cells = [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
                for col, cell in enumerate(cells):
                    if cell == "–":
                        notes = _text(html.split(table, 1)[1])
                        assert "– in" in notes, (name, head[col] if col < len(head) else col)
    table = r.dimensions().html
    assert "– in the peer columns" in table and "– in the change column" in table


def test_open_disagreements_listed_resolved_ones_counted(board):
    # issue 9, point 6
    d = board.data.discussion.set_index("item")
    assert bool(d.loc["strategy.2", "resolved"]) and not bool(d.loc["strategy.1", "resolved"])
    html = board.discussion().html
    open_part, resolved_part = html.split("Resolved in discussion")
    assert "strategy.1" in open_part and "strategy.2" not in open_part
    assert "(1)" in resolved_part and "strategy.2" in resolved_part
    assert "Level 3: the strategy is approved but not yet used." in resolved_part
    assert board.data.scores.set_index("dimension").loc["strategy", "discuss"] == 1
