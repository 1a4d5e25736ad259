"""Addresses in evidence become safe links; a link is not a resource the page loads.

An e-mail address in evidence once made that organisation's report fail in the batch with
"refusing to write ... it references external resources": the check matched "@import" in
the address (pals@important-care...).
"""

from __future__ import annotations

import re

import pytest

from engagecycle.reports.pages.links import linkify
from engagecycle.reports.run.export import external_references, write_html

REL = 'rel="noopener noreferrer" target="_blank"'


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "Minutes at https://example.org/board?a=1&b=2.",
            f'Minutes at <a href="https://example.org/board?a=1&amp;b=2" {REL}>'
            "https://example.org/board?a=1&amp;b=2</a>.",
        ),
        (
            "Write to pals@important-care.example.org, please",
            f'Write to <a href="mailto:pals@important-care.example.org" {REL}>'
            "pals@important-care.example.org</a>, please",
        ),
        (
            "See www.example.net/plan (page 3)",
            f'See <a href="https://www.example.net/plan" {REL}>www.example.net/plan</a> (page 3)',
        ),
        (
            "(https://en.example.org/wiki/Relay_(race))",
            f'(<a href="https://en.example.org/wiki/Relay_(race)" {REL}>'
            "https://en.example.org/wiki/Relay_(race)</a>)",
        ),
        (
            "No address here <b>bold</b> & more",
            "No address here &lt;b&gt;bold&lt;/b&gt; &amp; more",
        ),
        ("javascript:alert(1)", "javascript:alert(1)"),
        ("http://", "http://"),
    ],
)
def test_linkify(text, html):
    assert linkify(text) == html


@pytest.mark.parametrize(
    "evil",
    [
        'https://x.org/"onmouseover="alert(1)',
        "https://x.org/<script>alert(1)</script>",
        "https://x.org/'><img src=x onerror=alert(1)>",
        "javascript:alert(document.cookie)//https://x.org",
        "JaVaScRiPt:alert(1) www.x.org",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1) mailto:x@y.org",
    ],
)
def test_nothing_in_evidence_can_become_markup_or_a_script_link(evil):
    html = linkify(evil)
    assert (
        "<script" not in html
        and "<img" not in html
        and "onmouseover=" not in html.replace("&quot;onmouseover=&quot;", "")
    )
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith(("https://", "http://", "mailto:")), href
    assert external_references(f"<blockquote>{html}</blockquote>") == []


def test_links_are_allowed_and_loads_are_not():
    page = (
        "<p>Contact pals@important-care.example.org about @import and url(http://x)</p>"
        f"<blockquote>{linkify('pals@important-care.example.org https://example.org')}</blockquote>"
        '<a href="#top">top</a><a href="reports/X01.html">X01</a>'
        '<img src="data:image/png;base64,AAAA">'
    )
    assert external_references(page) == []
    for bad in (
        '<img src="https://example.org/x.png">',
        "<img src='//example.org/x.png'>",
        '<img srcset="data:a 1x, https://example.org/b.png 2x">',
        '<link rel="stylesheet" href="https://cdn.example.org/x.css">',
        '<script src="http://example.org/x.js"></script>',
        "<style>p{background:url('https://example.org/x.png')}</style>",
        '<style>@import "x.css";</style>',
        '<p style="background:url(//example.org/x.png)">x</p>',
        '<meta http-equiv="refresh" content="0;url=https://example.org">',
        '<svg><image href="https://example.org/x.png"/></svg>',
        '<a href="javascript:alert(1)">x</a>',
    ):
        assert external_references(page + bad), bad


def test_a_page_with_addresses_in_evidence_is_written(tmp_path):
    html = f"<html><body><blockquote>{linkify('pals@important-care.example.org')}</blockquote>"
    path = write_html(html + "</body></html>", tmp_path / "page.html")
    assert 'href="mailto:pals@important-care.example.org"' in path.read_text()


def test_good_practice_quotes_show_addresses_as_links():
    from engagecycle.assessment import Assessment, new_document
    from engagecycle.framework import load_framework
    from engagecycle.reports.pages.dimension import good_practice_section
    from engagecycle.reports.tables import build_dimension
    from engagecycle.scoring import item_table, score_table

    fw = load_framework()
    a = Assessment(new_document(fw, "S01", "2024/25", "Sharer ICB", "ICB", "G1"))
    a.doc["share_evidence"] = True
    a.set_level("monitor.1", 4)
    a.set_evidence("monitor.1", "Panel notes at https://example.org/panel; ask lead@example.org")
    items = item_table([a], fw)
    data = build_dimension(score_table([a], fw, items=items), items, [a], fw, "2024/25", "monitor")
    html = good_practice_section(data)
    assert f'<a href="https://example.org/panel" {REL}>https://example.org/panel</a>;' in html
    assert f'<a href="mailto:lead@example.org" {REL}>lead@example.org</a>' in html


@pytest.mark.notebook
def test_a_report_whose_evidence_holds_addresses_is_produced(tmp_path):
    """The batch's failure, end to end: the real report notebook and export."""
    import shutil

    from engagecycle.reports.run.notebooks import REPO
    from engagecycle.reports.run.render import render_report
    from engagecycle.store import Store, read_file

    folder = tmp_path / "assessments"
    shutil.copytree(REPO / "assessments", folder, ignore=shutil.ignore_patterns(".history"))
    store = Store(folder)
    path = folder / "X01" / "2024-25.yaml"
    a = read_file(path, store.frameworks, roundtrip=True)
    for item, r in a.responses().items():  # whichever the highlights choose
        if r.value is not None:
            a.set_evidence(
                item, "Ask pals@important-care.example.org; plan at https://example.org/p"
            )
    store.save(a)
    result = render_report("X01", "2024/25", tmp_path / "out", assessments=folder)
    html = result.html.read_text(encoding="utf-8")
    assert f'<a href="mailto:pals@important-care.example.org" {REL}>' in html
    assert f'<a href="https://example.org/p" {REL}>https://example.org/p</a>' in html
    assert external_references(html) == []
