"""The single-organisation report: wording, escaping, self-containment, papermill, PDF."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from engagecycle.errors import EngageError
from engagecycle.files import public_mode
from engagecycle.reports import export
from engagecycle.reports.export import external_references
from engagecycle.reports.notebook import prepare
from engagecycle.reports.render import REPO, render_report
from engagecycle.store import Store

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
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _copy_demo(tmp_path: Path) -> Path:
    folder = tmp_path / "assessments"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns(".history"))
    return folder


@pytest.fixture(scope="module")
def evil_folder(tmp_path_factory) -> Path:
    """Demo data plus an organisation whose every text field carries markup."""
    folder = _copy_demo(tmp_path_factory.mktemp("evil"))
    store = Store(folder)
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
    assert f"{int(yoy['items_compared'])} items answered in both years" in html
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
    assert "percentile rank" in r.headline().html
    names = {a.name for a in r.scored.assessments if a.code != "X01"}
    body = r.all_sections()
    assert not any(n in body for n in names)  # peers are never named by default
    named = prepare("X01", "2024/25", assessments=str(DEMO), anonymise=False)
    assert any(n in named.method().html for n in names)


def test_numeric_organisation_parameter(tmp_path):
    folder = _copy_demo(tmp_path)
    store = Store(folder)
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


def test_every_section_present_and_title(evil_html):
    for heading in SECTIONS:
        assert heading in evil_html, heading
    title = re.search(r"<title>(.*?)</title>", evil_html).group(1)
    assert "Z99" in title and "2024/25" in title


def test_user_text_is_escaped(evil_html):
    assert "<script>alert" not in evil_html
    assert "onerror=alert" not in evil_html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(" in evil_html and "&lt;img src=x onerror" in evil_html
    for field in ("Evil", "Evidence", "Action", "Owner", "Fac"):
        assert f"{field} &lt;script&gt;" in evil_html, field
    assert "<script" not in evil_html.lower()  # the page needs no script at all


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
    store = Store(folder)
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
def test_page_loads_offline_in_chromium_without_failed_requests(evil_folder, tmp_path):
    if not CHROMIUM:
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    result = render_report("X01", "2024/25", tmp_path, assessments=evil_folder)
    requests, failed = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(offline=True)
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
        browser.close()
    assert overflowing == []  # every table and chart fits inside the page
    assert failed == []
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert images and all(w > 0 for w in images)  # every chart decoded
    assert "X01" in title


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.mark.browser
def test_pdf_export(tmp_path):
    if not CHROMIUM:
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
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


def test_report_cli_bad_organisation_fails_fast():
    r = subprocess.run(
        [sys.executable, "-m", "engagecycle.cli", "report", "NOPE", "2024/25", "--out", "/tmp"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 1 and "no assessment for organisation 'NOPE'" in r.stderr
    assert "Traceback" not in r.stderr


def test_badge_colours_match_chart_palette():
    from engagecycle.charts import LEVEL_COLOURS, text_colour
    from engagecycle.reports.export import TEMPLATES

    css = (TEMPLATES / "board" / "board.css").read_text().lower()
    for level in range(5):
        colour = LEVEL_COLOURS[level].lower()
        fg = "#fff" if text_colour(LEVEL_COLOURS[level]).lower() == "#ffffff" else "#212b32"
        assert f".level-{level} {{ background: {colour}; color: {fg}; }}" in css
