"""The batch's index page and the page that stands in for a report that failed.

Both are built from the batch manifest alone (pure functions returning HTML), styled with the
board stylesheet inlined, so they open offline like the reports. Every piece of text that came
from a file or an error message is escaped.
"""

from __future__ import annotations

from pathlib import Path

from ... import __version__
from ...scoring import LOW_EVIDENCE_BELOW
from .html import esc, score_badge
from .links import file_href

CSS_FILE = Path(__file__).parents[1] / "templates" / "board" / "board.css"
EXTRA_CSS = """
.status-ok { color: #007f3b; font-weight: bold; }
.status-failed { color: #d5281b; font-weight: bold; }
.error { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85rem;
         white-space: pre-wrap; word-break: break-word; }
ul.links li { margin: .3rem 0; }
td .level { white-space: nowrap; min-width: 0; }
"""


def _page(title: str, body: str, footer: str) -> str:
    css = CSS_FILE.read_text(encoding="utf-8")
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="engagecycle">\n'
        f"<title>{esc(title)}</title>\n<style>\n{css}\n{EXTRA_CSS}</style>\n</head>\n<body>\n"
        f'<main class="page">\n{body}\n<footer class="page-footer">{esc(footer)}</footer>\n'
        "</main>\n</body>\n</html>\n"
    )


def _uk_date(stamp: str) -> str:
    """'2026-12-03T10:00:00' -> '3 December 2026' (the form a reader in the UK expects)."""
    from datetime import date

    try:
        return date.fromisoformat(str(stamp)[:10]).strftime("%-d %B %Y")
    except ValueError:
        return str(stamp)


def _failure_text(page: dict) -> str:
    where = ""
    if page.get("cell") is not None:
        where = f"cell {page['cell']}"
        if page.get("cell_source"):
            where += f" ({page['cell_source']})"
    elif page.get("stage"):
        where = {"pdf": "PDF export", "export": "HTML export"}.get(page["stage"], page["stage"])
    text = page.get("error") or "unknown error"
    return f"{where}: {text}" if where else text


def problem_lines(manifest: dict) -> list[str]:
    """One plain-text line per problem: failed pages first, then invalid files."""
    lines = []
    for page in manifest.get("pages", []):
        if page.get("status") != "ok":
            lines.append(f"{page['kind']} {page['key']} failed at {_failure_text(page)}")
    for bad in manifest.get("invalid_files", []):
        found = bad.get("problems") or [bad["file"]]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        lines.append(f"invalid file, skipped: {found[0]}{more}")
    return lines


def _pages_of(manifest: dict, kind: str) -> list[dict]:
    return [p for p in manifest.get("pages", []) if p.get("kind") == kind]


def _link(page: dict, text: str) -> str:
    target = (page.get("files") or [page.get("error_page") or ""])[0]
    if not target:
        return esc(text)
    return f'<a href="{file_href(target)}">{esc(text)}</a>'


def index_html(manifest: dict) -> str:
    """The page listing everything one batch produced, with problems first."""
    period = manifest.get("period", "")
    reports = _pages_of(manifest, "report")
    overview = _pages_of(manifest, "overview")
    dimensions = _pages_of(manifest, "dimension")
    ok = sum(p["status"] == "ok" for p in reports)
    opts = manifest.get("options", {})
    peers = {
        "": "all other organisations",
        "own": "each organisation's own peer group",
    }.get(opts.get("peer_group", ""), f"the {opts.get('peer_group')} peer group")
    parts = [
        '<header class="masthead">',
        '<p class="kicker">Engagement Cycle self-assessment</p>',
        f"<h1>Reports for {esc(period)}</h1>",
        f'<p class="meta">{ok} of {len(reports)} organisation reports produced on '
        f"{esc(_uk_date(manifest.get('created', '')))}; peers: {esc(peers)}.</p>",
        "</header>",
    ]
    problems = problem_lines(manifest)
    if problems:
        parts.append('<div class="note"><h2>Problems</h2><ul class="tight">')
        parts += [f'<li class="error">{esc(line)}</li>' for line in problems]
        parts.append(
            "</ul><p>Everything else was produced. Details are in "
            f'<a href="{file_href("manifest.json")}">manifest.json</a>.</p></div>'
        )

    parts.append('<h2>For the programme team</h2><ul class="links">')
    for page in overview:
        status = "" if page["status"] == "ok" else ' <span class="status-failed">(failed)</span>'
        parts.append(
            f"<li>{_link(page, 'System overview')}{status}: every organisation "
            "side by side, movers, hand-overs and completeness</li>"
        )
    parts.append(
        f'<li>Summary spreadsheet: <a href="{file_href("summary.xlsx")}">summary.xlsx</a> '
        f'(also as <a href="{file_href("summary.csv")}">CSV</a>): scores, levels, completeness, '
        "peer bands and change for every organisation and dimension, and every action plan</li>"
    )
    parts.append(
        f'<li><a href="{file_href("manifest.json")}">manifest.json</a>: what this run produced, '
        "how long each page took, and any errors</li></ul>"
    )

    if dimensions:
        parts.append(
            "<h2>Dimension deep dives</h2><p>One hub element or stage across every "
            "organisation, item by item, with good practice shared by those who agreed.</p>"
        )
        groups = {"hub": "The hub: strategy, culture and systems", "stage": "The five stages"}
        for kind, heading in groups.items():
            pages = [p for p in dimensions if p.get("info", {}).get("dimension_kind") == kind]
            if not pages:
                continue
            parts.append(f'<h3>{esc(heading)}</h3><ul class="links">')
            for page in pages:
                failed = page["status"] != "ok"
                status = ' <span class="status-failed">(failed)</span>' if failed else ""
                text = page.get("info", {}).get("title") or page.get("title") or page["key"]
                parts.append(f"<li>{_link(page, text)}{status}</li>")
            parts.append("</ul>")

    parts.append("<h2>Organisation reports</h2>")
    low_evidence_seen = False
    unconfirmed_seen = 0
    if reports:
        parts.append(
            '<table class="dims"><thead><tr><th>Organisation</th><th>Type</th>'
            '<th>Peer group</th><th>Overall</th><th class="num">Completeness</th>'
            '<th class="num">Not confirmed</th><th>Status</th><th>Report</th></tr></thead><tbody>'
        )
        for page in reports:
            info = page.get("info", {})
            completeness = info.get("completeness")
            shown = "" if completeness is None else f"{float(completeness) * 100:.0f}%"
            if completeness is not None and float(completeness) < LOW_EVIDENCE_BELOW:
                shown += " *"
                low_evidence_seen = True
            if page["status"] == "ok":
                status = '<span class="status-ok">ready</span>'
                links = [_link(page, "HTML")]
                links += [
                    f'<a href="{file_href(f)}">PDF</a>'
                    for f in page.get("files", [])
                    if f.endswith(".pdf")
                ]
                cell = " · ".join(links)
            else:
                status = (
                    '<span class="status-failed">failed</span>'
                    f'<br><span class="error">{esc(_failure_text(page))}</span>'
                )
                cell = _link(page, "what went wrong")
            unconfirmed = int(info.get("unconfirmed") or 0)
            answers = int(info.get("answers") or 0)
            carried = "0"
            if unconfirmed:
                unconfirmed_seen += unconfirmed
                carried = f"{unconfirmed}" + (
                    f' <span class="muted">({unconfirmed / answers * 100:.0f}%)</span>'
                    if answers
                    else ""
                )
            parts.append(
                f"<tr><td><strong>{esc(page['key'])}</strong> {esc(info.get('name', ''))}</td>"
                f"<td>{esc(info.get('org_type', ''))}</td>"
                f"<td>{esc(info.get('peer_group', '') or 'none')}</td>"
                f"<td>{score_badge(info.get('score'), info.get('level', ''))}</td>"
                f'<td class="num">{esc(shown)}</td><td class="num">{carried}</td>'
                f"<td>{status}</td><td>{cell}</td></tr>"
            )
        parts.append("</tbody></table>")
        if low_evidence_seen:
            parts.append(
                '<p class="muted">* low evidence: fewer than half the applicable items were '
                "answered, so the overall score rests on little and should be read with care.</p>"
            )
        parts.append(
            '<p class="muted">Not confirmed: answers copied from the year before that the team '
            "has not yet confirmed or changed (in brackets, their share of all its answers); "
            "they count in the scores but not in any change"
            + (f"; {unconfirmed_seen} in all" if unconfirmed_seen else "")
            + ".</p>"
        )
    else:
        parts.append("<p>No organisation had an assessment to report on.</p>")

    invalid = manifest.get("invalid_files", [])
    if invalid:
        parts.append(
            "<h2>Files that could not be used</h2><p>These files were skipped. Run "
            "<code>engagecycle validate</code> for the same list, fix them and run the batch "
            "again.</p><table><thead><tr><th>File</th><th>Problems</th></tr></thead><tbody>"
        )
        for bad in invalid:
            items = "".join(f"<li>{esc(p)}</li>" for p in bad.get("problems", []))
            parts.append(
                f'<tr><td class="error">{esc(bad["file"])}</td>'
                f'<td><ul class="tight">{items}</ul></td></tr>'
            )
        parts.append("</tbody></table>")

    footer = f"engagecycle {manifest.get('version', __version__)} · {period} · batch index"
    return _page(f"Engagement Cycle reports {period}", "\n".join(parts), footer)


def failure_html(page: dict, period: str) -> str:
    """Stands in for a page that could not be made, so no link anywhere leads nowhere."""
    title = page.get("title") or page.get("key", "")
    body = (
        '<header class="masthead"><p class="kicker">Engagement Cycle self-assessment</p>'
        f"<h1>Not produced: {esc(title)}</h1>"
        f'<p class="meta">{esc(period)}</p></header>'
        '<div class="note"><p>This page could not be made in the last batch run. The error '
        f'was:</p><p class="error">{esc(_failure_text(page))}</p><p>The other pages were made '
        "as usual. See <code>manifest.json</code> for details, fix the cause and run "
        "<code>engagecycle batch</code> again.</p></div>"
    )
    return _page(f"Not produced: {title}", body, f"engagecycle · {period}")
