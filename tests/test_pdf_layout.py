"""The PDF a board reads is laid out for A4 (issue 9, point 9), checked with the PDF's own text.

Page 1 holds the headline and the cycle wheel; the dimension table starts page 2; no heading
ends a page; a table that runs onto another page repeats its header row; no page is nearly
empty. Positions come from `pdftotext` (poppler-utils), page fill from `pdftoppm`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from engagecycle.reports.run.notebooks import REPO
from engagecycle.reports.run.render import render_report
from engagecycle.store import Store

POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdfinfo")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("chromium_path"),  # skipped without Chromium, failed on CI
    pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed (pdftotext)"),
]
NEARLY_EMPTY = 0.25  # a page whose content ends in its top quarter


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))


def page_lines(pdf: Path) -> list[list[str]]:
    """Each page's text lines, in reading order, blank lines dropped."""
    pages = []
    for n in range(1, page_count(pdf) + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        pages.append([" ".join(line.split()) for line in text.splitlines() if line.strip()])
    return pages


def page_fill(pdf: Path, tmp: Path) -> list[float]:
    """How far down each page its content reaches (0 = empty, 1 = to the bottom edge)."""
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png", str(pdf), str(tmp / "p")], check=True)
    fills = []
    for png in sorted(tmp.glob("p-*.png")):
        im = Image.open(png).convert("L")
        w, h = im.size
        px = im.load()
        rows = [y for y in range(h) if any(px[x, y] < 235 for x in range(0, w, 2))]
        fills.append((rows[-1] + 1) / h if rows else 0.0)
    return fills


def headings(html: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", "", h).split()) for h in re.findall(r"<h2>(.*?)</h2>", html)
    ]


def where(pages: list[list[str]], text: str) -> list[int]:
    """1-based pages with a line that is exactly `text`."""
    return [n for n, lines in enumerate(pages, 1) if text in lines]


def check_layout(pdf: Path, html: str, tmp: Path) -> list[list[str]]:
    pages = page_lines(pdf)
    first = pages[0]
    # page 1: the masthead, the headline and the wheel with its caption
    assert any("benchmark report" in line.lower() for line in first)
    assert "The cycle at a glance" in first
    assert "Maturity of each hub element and stage." in first
    # the dimension table starts page 2, with its header row and its first row
    assert pages[1][0] == "Scores by dimension"
    assert any(line.startswith("Dimension Score Level Answered") for line in pages[1])
    assert any(line.startswith("Vision and shared") for line in pages[1])
    # no heading is the last line of a page: it always has something after it
    for title in headings(html):
        found = where(pages, title)
        assert found, f"heading {title!r} not found as a line of its own"
        for n in found:
            lines = pages[n - 1]
            assert lines.index(title) < len(lines) - 1, f"{title!r} ends page {n}"
    # no nearly empty page
    fills = page_fill(pdf, tmp)
    assert len(fills) == len(pages)
    empty = [n for n, f in enumerate(fills, 1) if f < NEARLY_EMPTY]
    assert empty == [], f"nearly empty page(s) {empty}: content ends at {fills}"
    # and no more pages than the content needs: on average they are well filled
    assert sum(fills) >= 0.75 * len(fills), f"pages are half empty on average: {fills}"
    return pages


@pytest.mark.parametrize("org", ["X05", "X08", "X13"])
def test_demo_report_pdf_is_laid_out_for_a4(org, tmp_path):
    result = render_report(
        org, "2024/25", tmp_path, assessments=REPO / "assessments", pdf=True, as_of="2025-06-01"
    )
    pages = check_layout(result.pdf, result.html.read_text(encoding="utf-8"), tmp_path)
    # Version 2 reports (the demo's latest year) carry the duty to involve: about three pages
    # of ratings and a four-page appendix of the items behind them, on top of the 6-11
    # pages a version 1 report takes.
    assert 10 <= len(pages) <= 18


def test_a_long_table_repeats_its_header_on_every_page(tmp_path):
    # 45 actions make the action plan run over two pages or more
    folder = tmp_path / "assessments"
    shutil.copytree(REPO / "assessments" / "X01", folder / "X01")
    store = Store(folder)
    a = store.find("X01", "2024/25")
    for n in range(45):
        a.add_action("monitor", f"Follow-up action number {n + 1}", "Lead", date(2025, 9, 1))
    store.save(a)
    result = render_report("X01", "2024/25", tmp_path, assessments=folder, pdf=True)
    pages = check_layout(result.pdf, result.html.read_text(encoding="utf-8"), tmp_path)
    holding = [n for n, lines in enumerate(pages, 1) if any("Follow-up action" in x for x in lines)]
    assert len(holding) >= 2
    for n in holding:
        header = [x for x in pages[n - 1] if x.startswith("Dimension Action Owner")]
        assert header, f"page {n} has action rows but no header row"


def test_the_duty_to_involve_section_prints_whole_headings_and_text_labels(tmp_path):
    # a version 2 assessment: its duty section (three tables and the item list) in the PDF
    from engagecycle.framework import load_framework

    v2 = load_framework(version=2)
    folder = tmp_path / "assessments"
    store = Store(folder)
    a = store.create("V01", "2025/26", "Vetchley ICB", framework=v2)
    for n, item in enumerate(v2.items):
        if n % 4:  # three quarters answered, levels 0 to 4 in turn
            a.set_level(item, n % 5)
    store.save(a)
    result = render_report("V01", "2025/26", tmp_path, assessments=folder, pdf=True)
    html = result.html.read_text(encoding="utf-8")
    pages = check_layout(result.pdf, html, tmp_path)
    title = "The duty to involve: what these answers show"
    (start,) = where(pages, title)
    for sub in ("The three limbs of the duty to involve",):
        for n in where(pages, sub):
            assert pages[n - 1].index(sub) < len(pages[n - 1]) - 1, f"{sub!r} ends page {n}"
    # the ratings print as words (a greyscale page loses nothing), beside the reasons
    text = " ".join(" ".join(p) for p in pages[start - 1 :])
    assert re.search(r"\b(Green|Amber|Red|Not enough evidence)\b", text)
    assert "tagged items answered" in text
    assert "own self-assessment" in text
