"""The system overview: one period, every organisation (design §6, `notebooks/overview.ipynb`).

Same shape as the single-organisation report: `prepare_overview()` loads (or reads the
batch's bundle), `tables.build_overview()` computes every table once from the score and item
tables, and one pure function per section turns those tables into escaped HTML. The notebook
is one call per section.

This page is for the people who run the programme, so unlike an organisation's report it
names organisations. Change and hand-overs come from the same benchmarking rules as each
organisation's report (`benchmark.system`), so every number here agrees with theirs.
"""

from __future__ import annotations

import math

import pandas as pd

from ...assessment import period_slug
from ...benchmark.rules import (
    CHANGE_MIN_ITEMS,
    CHANGE_MIN_SHARE,
    DROPPED_BELOW,
    NOT_ENOUGH,
    REAL_CHANGE,
    format_change,
    is_change,
)
from ...charts.system import distribution, heatmap, org_label
from ...charts.system import movers as movers_chart
from ...errors import EngageError
from ...levels import LEVELS, MAX_LEVEL, band
from ...scoring import LOW_EVIDENCE_BELOW
from ...words import dimension_short, handover_name, join_words, plural
from ..data import Scored, read_bundle, resolve_period, score_folder
from ..tables import OverviewData, build_overview, top_movers, weakest_stage
from .duty_sections import duty_views, overview_panel
from .html import Html, cap_first, esc, figure_html, kpi_card, level_badge, missing, num, pct
from .links import dimension_link, link_href, linked, report_link
from .page import Page

HEATMAP_ROWS = 40  # organisations per heatmap chart: one A4 page each
WELL_ANSWERED = 0.9

# ---------------------------------------------------------------- sections (pure HTML)


def page_title(ov: OverviewData) -> str:
    group = f" ({ov.peer_group})" if ov.peer_group else ""
    return f"Engagement Cycle overview {ov.period}{group}"


def headline(ov: OverviewData) -> str:
    fw = ov.framework
    orgs = ov.organisations
    n = len(orgs)
    scored = orgs["score"].dropna()
    med = float(scored.median()) if len(scored) else math.nan
    where = f"in the {esc(ov.peer_group)} peer group " if ov.peer_group else ""
    sentences = []
    if len(scored):
        sentences.append(
            f"Across the {plural(n, 'organisation')} {where}assessed in {esc(ov.period)}, the "
            f"median overall score is <strong>{num(med)}</strong> out of 4: "
            f"<strong>{esc(band(med))}</strong> level."
        )
    else:
        sentences.append(f"No organisation {where}has an overall score in {esc(ov.period)}.")
    comparable = orgs[orgs["direction"].map(is_change)]
    too_few = orgs[orgs["direction"].eq(NOT_ENOUGH)]
    up = int(comparable["direction"].eq("improved").sum())
    down = int(comparable["direction"].eq("declined").sum())
    if len(comparable):
        sentences.append(
            f"Of the {len(comparable)} that can be compared with their previous assessment, "
            f"<strong>{up} improved</strong> and <strong>{down} declined</strong> "
            f"(like-for-like items); {len(comparable) - up - down} showed no real change."
            + (
                f" {plural(len(too_few), 'other')} had too few comparable answers to measure "
                "a change."
                if len(too_few)
                else ""
            )
        )
    elif len(too_few):
        sentences.append("No organisation has enough comparable answers to measure a change.")
    merged = [
        r
        for r in orgs.itertuples()
        if any(c != r.organisation for c in str(r.compared_with).split())
    ]
    if merged:
        sentences.append(
            " ".join(
                f"{esc(r.organisation)} is compared with its predecessors "
                f"{esc(join_words([c for c in str(r.compared_with).split() if c != r.organisation]))}."
                for r in merged
            )
        )
    else:
        sentences.append("No organisation has an earlier assessment to compare with yet.")
    carried = orgs[orgs["unconfirmed"].gt(0)]
    if len(carried):
        total = int(carried["unconfirmed"].sum())
        sentences.append(
            f"<strong>Not yet confirmed:</strong> {plural(len(carried), 'organisation')} "
            f"{'has' if len(carried) == 1 else 'have'} answers copied from the year before "
            f"that {'its' if len(carried) == 1 else 'their'} team has not confirmed "
            f"({plural(total, 'answer')} in all); they are left out of every change."
        )
    ws = weakest_stage(ov)
    hand = ov.handovers
    parts = []
    if ws:
        parts.append(
            f"<strong>{esc(ws['title'])}</strong> is the weakest stage (median {num(ws['median'])})"
        )
    if len(hand) and int(hand.iloc[0]["dropped"]) > 0:
        h = hand.iloc[0]
        parts.append(
            f"the baton is most often dropped at <strong>{esc(handover_name(fw, h.from_stage, h.to_stage))}"
            f"</strong> ({int(h.dropped)} of {int(h.organisations)} organisations)"
        )
    elif len(hand):
        parts.append("no organisation drops the baton at any hand-over")
    if parts:
        sentences.append(cap_first("; ".join(parts)) + ".")
    low = orgs[orgs["low_dimensions"].map(len).gt(0)]
    if len(low):
        sentences.append(
            f"{plural(len(low), 'organisation')} {'has' if len(low) == 1 else 'have'} low "
            "evidence on at least one dimension; read those scores with care."
        )

    groups = sorted(g for g in orgs["peer_group"].astype(str).unique() if g)
    meta = [f"Period {esc(ov.period)}", plural(n, "organisation")]
    if ov.peer_group:
        meta.append(f"peer group {esc(ov.peer_group)}")
    elif groups:
        meta.append(plural(len(groups), "peer group"))
    meta.append("for the programme team: organisations are named")

    cards = [
        kpi_card("Organisations", str(n), f"assessed in {esc(ov.period)}"),
        kpi_card("Median overall score", f"{num(med)} / 4", esc(band(med) or "no score")),
        kpi_card(
            "Improved / declined",
            f"{up} / {down}" if len(comparable) else "–",
            f"of {len(comparable)} comparable"
            if len(comparable)
            else ("too few comparable answers" if len(too_few) else "no earlier year"),
        ),
        kpi_card(
            "Weakest stage",
            esc(dimension_short(fw, ws["dimension"])) if ws else "–",
            f"median {num(ws['median'])}" if ws else "no stage scored",
        ),
    ]
    return (
        '<header class="masthead">'
        '<p class="kicker">Engagement Cycle self-assessment · system overview</p>'
        f"<h1>{esc(page_title(ov))}</h1>"
        f'<p class="meta">{" · ".join(meta)}</p></header>'
        '<section class="headline" aria-label="Headline">'
        + "".join(f"<p>{s}</p>" for s in sentences)
        + "</section>"
        + '<div class="kpis">'
        + "".join(cards)
        + "</div>"
    )


def heatmap_section(ov: OverviewData) -> str:

    fw = ov.framework
    order = list(ov.organisations["organisation"])
    if not order:
        return "<section><h2>Scores by organisation</h2><p>No organisation to show.</p></section>"
    keep = [d.id for d in fw.dimensions] + ["overall"]
    rows = ov.scores[ov.scores["dimension"].isin(keep)]
    figs = []
    chunks = [order[i : i + HEATMAP_ROWS] for i in range(0, len(order), HEATMAP_ROWS)]
    for k, chunk in enumerate(chunks):
        sub = rows[rows["organisation"].astype(str).isin(chunk)].copy()
        sub["_o"] = sub["organisation"].astype(str).map({c: i for i, c in enumerate(chunk)})
        sub = sub.sort_values("_o", kind="stable")
        title = None
        if len(chunks) > 1:
            title = f"Organisations {k * HEATMAP_ROWS + 1} to {k * HEATMAP_ROWS + len(chunk)} of {len(order)}, by overall score"
        figs.append(
            figure_html(
                heatmap(
                    sub,
                    fw,
                    title=title,
                    subtitle="Highest overall score first. Hatched: low evidence or no score.",
                )
            )
        )
    low = int(rows[rows["dimension"].isin(list(fw.by_id))]["low_evidence"].astype(bool).sum())
    note = ""
    if low:
        note = (
            f'<p class="note">{plural(low, "score")} {"rests" if low == 1 else "rest"} on low '
            "evidence (fewer than half the "
            "items answered): they are hatched with a dashed outline. Read them with care.</p>"
        )
    return (
        "<section class='newpage'><h2>Scores by organisation and dimension</h2>"
        "<p>Every organisation's score on each of the fifteen dimensions, and overall. Reading "
        "across a row shows one organisation's profile; reading down a column shows where the "
        "system as a whole is strong or weak.</p>" + "".join(figs) + note + "</section>"
    )


def distribution_section(ov: OverviewData, dimension_links: str = "") -> str:

    fw = ov.framework
    ds = ov.dimensions
    head = (
        "<tr><th>Dimension</th><th class='num'>Median</th><th class='num'>Middle half</th>"
        "<th class='num'>Range</th>"
        + "".join(
            f"<th class='num lvl'><span class='level level-{k} swatch' title='{esc(LEVELS[k])}'>"
            f"{k}</span></th>"
            for k in range(MAX_LEVEL + 1)
        )
        + "<th class='num'>Low evidence</th></tr>"
    )
    body = []
    groups = [
        ("Hub elements", [d.id for d in fw.hub]),
        ("The five stages", [d.id for d in fw.stages]),
        ("", ["hub", "cycle", "overall"]),
    ]
    by = ds.set_index("dimension")
    for label, dims in groups:
        if label:
            body.append(f"<tr class='group'><td colspan='10'>{label}</td></tr>")
        for dim in dims:
            if dim not in by.index:
                continue
            r = by.loc[dim]
            summary = dim in ("hub", "cycle", "overall")
            title = (
                esc(r["title"])
                if summary
                else dimension_link(dim, r["title"], dimension_links, period_slug(ov.period))
            )
            cells = "".join(
                f"<td class='num'>{int(r[f'level_{k}']) or '<span class=muted>·</span>'}</td>"
                for k in range(MAX_LEVEL + 1)
            )
            none = "<span class='muted'>no scores</span>"
            spread = f"{num(r['q1'])}–{num(r['q3'])}" if r["n"] else none
            rng = f"{num(r['min'])}–{num(r['max'])}" if r["n"] else none
            body.append(
                f"<tr{' class=summary' if dim == 'hub' else ''}><td>{title}</td>"
                f"<td class='num'><strong>{num(r['median']) if r['n'] else none}</strong></td>"
                f"<td class='num'>{spread}</td><td class='num'>{rng}</td>{cells}"
                f"<td class='num'>{int(r['low_evidence'])}</td></tr>"
            )
    dims_only = ds[ds["dimension"].isin(list(fw.by_id)) & ds["n"].gt(0)]
    lead = ""
    if len(dims_only):
        widest = dims_only.assign(iqr=dims_only["q3"] - dims_only["q1"]).sort_values(
            "iqr", ascending=False
        )
        w = widest.iloc[0]
        hi = dims_only.sort_values("median", ascending=False).iloc[0]
        lead = (
            f"<p>The strongest dimension across the system is <strong>{esc(hi['title'])}</strong> "
            f"(median {num(hi['median'])}). Organisations differ most on "
            f"<strong>{esc(w['title'])}</strong>, where the middle half runs from {num(w['q1'])} "
            f"to {num(w['q3'])}.</p>"
        )
    link_note = (
        "<p class='muted'>Each dimension's name links to its page across all organisations.</p>"
        if dimension_links
        else ""
    )
    return (
        "<section class='newpage'><h2>How scores are spread across the system</h2>"
        + lead
        + figure_html(distribution(ov.scores, fw))
        + "<table class='dims compact'><caption>Organisations at each level, by dimension"
        f"</caption><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"
        "<p class='muted'>Level columns count organisations whose score falls in each level "
        "band (0 Not started to 4 Embedded).</p>" + link_note + "</section>"
    )


def movers_section(ov: OverviewData, report_links: str = "") -> str:

    orgs = ov.organisations
    comparable = orgs[orgs["direction"].map(is_change)]
    first = orgs[orgs["previous_period"].eq("")]
    too_few = orgs[orgs["direction"].eq(NOT_ENOUGH)]
    not_compared = []
    if len(first):
        not_compared.append(
            f"{esc(join_words([str(c) for c in first['organisation']]))} "
            f"({'first assessment' if len(first) == 1 else 'first assessments'})"
        )
    if len(too_few):
        shown = [f"{r.organisation} ({_coverage(r)})" for r in too_few.itertuples()]
        not_compared.append(
            f"{esc(join_words(shown))}: too few comparable answers (a change needs at least "
            f"{CHANGE_MIN_SHARE:.0%} of the applicable items that could be compared answered "
            "in both years)"
        )
    note = f"<p class='muted'>Not compared: {'; '.join(not_compared)}.</p>" if not_compared else ""
    if comparable.empty:
        body = (
            "<p>No organisation can be compared with an earlier year: for each one this is "
            "either its first assessment or too few items were answered in both years.</p>"
        )
        return "<section><h2>Most improved and most declined</h2>" + body + note + "</section>"
    chart_df = comparable.assign(
        label=[org_label(r.organisation, r.name, 36) for r in comparable.itertuples()]
    )

    def table(direction: str, empty: str) -> str:
        top = top_movers(ov, direction)
        if top.empty:
            return f"<p class='muted'>{empty}</p>"
        rows = "".join(
            f"<tr><td>{report_link(r.organisation, r.name, report_links, period_slug(ov.period))}</td>"
            f"<td class='num'>{format_change(r.change)}</td>"
            f"<td class='num'>{num(r.score)}</td>"
            f"<td class='num'>{esc(r.previous_period)}{_with_predecessors(r)}</td>"
            f"<td class='num'>{int(r.items_compared)} <span class='muted'>"
            f"({_coverage(r)})</span></td></tr>"
            for r in top.itertuples()
        )
        return (
            "<table class='compact'><thead><tr><th>Organisation</th><th class='num'>Change</th>"
            "<th class='num'>Now</th><th class='num'>Since</th>"
            "<th class='num'>Items compared</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>"
        )

    up = int(comparable["direction"].eq("improved").sum())
    down = int(comparable["direction"].eq("declined").sum())
    lead = (
        f"<p>{plural(len(comparable), 'organisation')} can be compared with "
        f"{'its' if len(comparable) == 1 else 'their'} previous assessment on the items "
        f"answered both times: {up} improved by {REAL_CHANGE:g} or more, {down} declined by "
        f"{REAL_CHANGE:g} or more. Only organisations with enough comparable answers are "
        "listed or charted.</p>" + _versions_note(orgs)
    )
    return (
        "<section><h2>Most improved and most declined</h2>"
        + lead
        + note
        + figure_html(movers_chart(chart_df))
        + "<div class='cols'><div><h3>Most improved</h3>"
        + table("improved", f"No organisation improved by {REAL_CHANGE:g} or more.")
        + "</div><div><h3>Most declined</h3>"
        + table("declined", f"No organisation declined by {REAL_CHANGE:g} or more.")
        + "</div></div>"
        "<p class='muted'>Items compared: items answered in both years; in brackets, their "
        "share of the items that apply this year and could be compared (across versions of "
        "the question bank, those that kept their meaning).</p></section>"
    )


def _with_predecessors(r) -> str:
    """Under 'Since': which predecessors an organisation formed by a merger is compared with."""
    used = [c for c in str(r.compared_with or "").split() if c != r.organisation]
    if not used:
        return ""
    return f"<br><span class='muted'>with predecessors {esc(join_words(used))}</span>"


def _versions_note(orgs: pd.DataFrame) -> str:
    """Say when the question bank changed between the years compared, and what that means."""
    changed = orgs[
        orgs["version_then"].astype(str).ne("")
        & orgs["version_then"].astype(str).ne(orgs["version_now"].astype(str))
    ]
    if changed.empty:
        return ""
    pairs = sorted({(str(r.version_then), int(r.version_now)) for r in changed.itertuples()})
    what = join_words(f"version {t} to version {n}" for t, n in pairs)
    return (
        f"<p class='muted'>For {plural(len(changed), 'organisation')} the question bank changed "
        f"from {what} between the years: only items that kept their meaning are compared, and "
        "a change still needs at least half of those answered in both years.</p>"
    )


def _coverage(r) -> str:
    """'40% comparable' style share of a row's applicable items answered in both years."""
    cov = getattr(r, "coverage", math.nan)
    return "none comparable" if cov != cov or not cov else f"{cov * 100:.0f}%"


def handovers_section(ov: OverviewData, report_links: str = "") -> str:
    fw = ov.framework
    h = ov.handovers
    if h.empty:
        return (
            "<section><h2>Weakest hand-overs across the system</h2>"
            "<p>No hand-over item was found in the framework.</p></section>"
        )
    names = dict(zip(ov.organisations["organisation"], ov.organisations["name"], strict=False))
    worst = h.iloc[0]
    if int(worst["dropped"]):
        lead = (
            f"The baton is most often dropped at <strong>"
            f"{esc(handover_name(fw, worst.from_stage, worst.to_stage))}</strong>: "
            f"{int(worst.dropped)} of {int(worst.organisations)} organisations rate it below "
            "Developing."
        )
    else:
        lead = "No organisation rates any hand-over below Developing."
    never = h[h["dropped"].eq(0)]
    if len(never) and int(worst["dropped"]):
        lead += (
            " No organisation drops the baton at "
            + join_words(
                [esc(handover_name(fw, r.from_stage, r.to_stage)) for r in never.itertuples()]
            )
            + "."
        )
    rows = []
    for r in h.itertuples():
        share = r.dropped / r.organisations if r.organisations else 0
        who = ", ".join(
            linked(
                f"<span title='{esc(names.get(c, c))}'>{esc(c)}</span>",
                link_href(
                    report_links, "report_links", organisation=c, period=period_slug(ov.period)
                ),
            )
            for c in r.dropped_by
        )
        rows.append(
            f"<tr><td><strong>{esc(handover_name(fw, r.from_stage, r.to_stage))}</strong>"
            f"<br><span class='muted'>{esc(r.statement)}</span></td>"
            f"<td class='num'>{int(r.dropped)} of {int(r.organisations)}"
            f"<span class='bar' aria-hidden='true'><span style='width:{share * 100:.0f}%'>"
            "</span></span></td>"
            f"<td class='num'>{int(r.passed)}</td><td class='num'>{int(r.not_known)}</td>"
            f"<td>{level_badge(r.median)}</td><td>{who or 'none'}</td></tr>"
        )
    return (
        "<section><h2>Weakest hand-overs across the system</h2>"
        "<p>Each stage should pass what it learned to the next, like a baton in a relay. One "
        f"item in each stage checks that it arrives. {lead}</p>"
        "<table class='compact'><thead><tr><th>Hand-over</th><th class='num'>Dropped</th>"
        "<th class='num'>Passed</th><th class='num'>Not known</th><th>Median level</th>"
        f"<th>Dropped by</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"<p class='muted'>Dropped: the hand-over item is rated below {DROPPED_BELOW:g} (Developing). "
        "Not known: "
        "the item was not answered or the team did not know.</p></section>"
    )


def completeness_section(ov: OverviewData, report_links: str = "") -> str:
    fw = ov.framework
    orgs = ov.organisations
    n = len(orgs)
    well = int(orgs["completeness"].astype(float).ge(WELL_ANSWERED).sum())
    low_any = orgs[orgs["low_dimensions"].map(len).gt(0)]
    low_overall = orgs[orgs["low_evidence"]]
    parts = [
        f"<p>{well} of {plural(n, 'organisation')} answered at least "
        f"{WELL_ANSWERED * 100:.0f}% of the items that apply to them. "
    ]
    if len(low_any):
        parts[0] += (
            f"{plural(len(low_any), 'organisation')} {'has' if len(low_any) == 1 else 'have'} "
            "low evidence (fewer than half the items answered) on at least one dimension"
        )
        parts[0] += f", and {len(low_overall)} overall.</p>" if len(low_overall) else ".</p>"
        shown = orgs[orgs["low_dimensions"].map(len).gt(0) | orgs["low_evidence"]]
        shown = shown.sort_values(["completeness", "organisation"])
        rows = "".join(
            f"<tr><td>{report_link(r.organisation, r.name, report_links, period_slug(ov.period))} "
            f"<span class='muted'>({esc(r.organisation)})</span></td>"
            f"<td class='num'>{pct(r.completeness)}</td>"
            f"<td class='num'>{int(r.unknown)}</td><td class='num'>{int(r.unanswered)}</td>"
            f"<td>{esc(join_words([dimension_short(fw, d) for d in r.low_dimensions])) or 'none'}</td></tr>"
            for r in shown.itertuples()
        )
        parts.append(
            "<table class='compact'><thead><tr><th>Organisation</th><th class='num'>Answered</th>"
            "<th class='num'>Don't know</th><th class='num'>Not answered</th>"
            "<th>Dimensions with low evidence</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    else:
        parts[0] += (
            "Every organisation answered at least half the applicable items in every dimension.</p>"
        )
    unknown = int(orgs["unknown"].sum())
    if unknown:
        parts.append(
            f"<p class='muted'>Across the system, teams answered “don't know” {unknown} times: "
            "finding out is often a quick win.</p>"
        )
    return "<section><h2>Completeness of evidence</h2>" + "".join(parts) + "</section>"


def organisations_section(ov: OverviewData, report_links: str = "") -> str:
    orgs = ov.organisations.sort_values("organisation")
    links = bool(str(report_links or "").strip())
    rows = []
    for r in orgs.itertuples():
        if is_change(r.direction):
            change = f"{format_change(r.change)} <span class='muted'>{esc(r.direction)}</span>"
        elif r.direction == NOT_ENOUGH:
            change = f"<span class='muted'>too few to compare ({_coverage(r)})</span>"
        else:
            change = "<span class='muted'>first assessment</span>"
        star = " *" if r.low_evidence else ""
        href = link_href(
            report_links, "report_links", organisation=r.organisation, period=period_slug(ov.period)
        )
        score = num(r.score) if not missing(r.score) else "<span class='muted'>no score</span>"
        unconfirmed = (
            f"{int(r.unconfirmed)} <span class='muted'>({r.unconfirmed / r.answers * 100:.0f}%)"
            "</span>"
            if r.unconfirmed and r.answers
            else "0"
        )
        rows.append(
            f"<tr><td>{esc(r.organisation)}</td><td>{linked(esc(r.name), href)}</td>"
            f"<td>{esc(r.org_type)}</td><td>{esc(r.peer_group) or 'none'}</td>"
            f"<td class='num'>{score}{star}</td>"
            f"<td>{level_badge(r.score, bool(r.low_evidence))}</td>"
            f"<td class='num'>{pct(r.completeness)}</td><td class='num'>{unconfirmed}</td>"
            f"<td class='num'>{change}</td>"
            + (f"<td>{linked('Report', href)}</td>" if links else "")
            + "</tr>"
        )
    head = (
        "<tr><th>Code</th><th>Organisation</th><th>Type</th><th>Peer group</th>"
        "<th class='num'>Overall</th><th>Level</th><th class='num'>Answered</th>"
        "<th class='num'>Not confirmed</th><th class='num'>Change</th>"
        + ("<th>Link</th>" if links else "")
        + "</tr>"
    )
    return (
        "<section class='newpage'><h2>Every organisation</h2>"
        f"<table class='compact orgs'><caption>{plural(len(orgs), 'organisation')} assessed in "
        f"{esc(ov.period)}, by code</caption><thead>{head}</thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        "<p class='muted'>* low evidence overall: fewer than half the applicable items "
        "answered. Not confirmed: answers copied from the year before that the team has not "
        "confirmed (share of all its answers). Change is like-for-like, on the items answered "
        "in both years; “too few to compare” when fewer than "
        f"{CHANGE_MIN_SHARE:.0%} of the applicable items (or fewer than {CHANGE_MIN_ITEMS}) "
        "were, with the share that was in brackets.</p></section>"
    )


def method_note(ov: OverviewData) -> str:
    fw = ov.framework
    group = (
        f"Only organisations in the {esc(ov.peer_group)} peer group are included. "
        if ov.peer_group
        else ""
    )
    return (
        "<section class='method'><h2>How to read this overview</h2><ul class='tight'>"
        "<li><strong>Scores</strong> run from 0 (Not started) to 4 (Embedded). An item's value "
        "is the level the team agreed, or the median of individual ratings when none was "
        "agreed. A dimension's score is the average of its answered items; N/A items are left "
        "out and “don't know” counts as unanswered; with nothing answered there is no score "
        "(never 0). Overall is the average of the dimension scores that exist. "
        f"{group}</li>"
        "<li><strong>Median</strong>: half the organisations score at or below it. The "
        "<strong>middle half</strong> runs from the lower quartile to the upper quartile: a "
        "quarter of organisations score below it and a quarter above.</li>"
        f"<li><strong>Low evidence</strong> means fewer than {LOW_EVIDENCE_BELOW * 100:.0f}% of "
        "a dimension's applicable items were answered; such scores are hatched in the charts. "
        "A dimension with no score is never marked low evidence.</li>"
        "<li><strong>Change</strong> compares each organisation with its own most recent "
        "earlier assessment, on like-for-like items only: answered in both years, this year's "
        "answer given or confirmed this year. When the question bank changed version between "
        "the years, only items that kept their meaning are compared, and the share below "
        "counts over them. An organisation formed by a merger is compared with the average, "
        "item by item, of its predecessors' most recent answers. Peers are organisations on "
        "the same version. A change of "
        f"{REAL_CHANGE:g} or more either way counts as real; smaller movements are treated as "
        f"no real change. A change is only measured when at least {CHANGE_MIN_ITEMS} items, "
        f"and at least {CHANGE_MIN_SHARE:.0%} of the applicable items, can be compared; "
        "organisations below that are not ranked among the movers.</li>"
        "<li><strong>Not confirmed</strong>: answers copied from the year before as a "
        "starting point that the team has not yet confirmed or changed. They count in the "
        "scores but not in any change.</li>"
        "<li><strong>Hand-overs</strong>: one item in each stage checks whether the previous "
        f"stage's learning reaches it. Rated below {DROPPED_BELOW:g} (Developing) counts as a "
        "dropped baton.</li>"
        "<li>This page names organisations and is meant for the programme team. Each "
        "organisation's own report compares it with anonymous peers.</li>"
        "</ul><p class='muted'>"
        f"Framework: {esc(fw.title)} (version {fw.version}), {len(fw.items)} items in "
        f"{len(fw.dimensions)} dimensions.</p></section>"
    )


# ---------------------------------------------------------------- what the notebook calls


class Overview(Page):
    """The overview notebook's one object: one method per section, each returning Html."""

    sections = (
        "headline",
        "heatmap",
        "distribution",
        "movers",
        "handovers",
        "completeness",
        "organisations",
        "duty",
        "method",
    )

    def __init__(
        self,
        scored: Scored,
        data: OverviewData,
        report_links: str = "",
        dimension_links: str = "",
    ):
        self.scored = scored
        self.data = data
        self.framework = data.framework
        self.report_links = str(report_links or "").strip()
        self.dimension_links = str(dimension_links or "").strip()
        # fail at prepare time, not half-way down the page, on a bad pattern
        link_href(self.report_links, "report_links", organisation="X", period="2024-25")
        link_href(self.dimension_links, "dimension_links", dimension="x", period="2024-25")

    @property
    def title(self) -> str:
        return page_title(self.data)

    def headline(self) -> Html:
        return self.head(headline(self.data))

    def heatmap(self) -> Html:
        return Html(heatmap_section(self.data))

    def distribution(self) -> Html:
        return Html(distribution_section(self.data, self.dimension_links))

    def movers(self) -> Html:
        return Html(movers_section(self.data, self.report_links))

    def handovers(self) -> Html:
        return Html(handovers_section(self.data, self.report_links))

    def completeness(self) -> Html:
        return Html(completeness_section(self.data, self.report_links))

    def organisations(self) -> Html:
        return Html(organisations_section(self.data, self.report_links))

    def duty(self) -> Html:
        """Every organisation's principles and limbs, from the same call as its report."""
        orgs = self.data.organisations.sort_values("organisation")
        codes = [str(c) for c in orgs["organisation"]]
        views = duty_views(self.scored, self.data.period, codes)
        names = dict(zip(codes, orgs["name"].astype(str), strict=True))
        period = period_slug(self.data.period)

        def link(code: str, name: str) -> str:
            href = link_href(self.report_links, "report_links", organisation=code, period=period)
            return linked(esc(name), href)

        ordered = {c: views[c] for c in codes if c in views}
        return Html(overview_panel(ordered, names, self.data.period, link))

    def method(self) -> Html:
        return Html(method_note(self.data))


def prepare_overview(
    period="latest",
    *,
    assessments: str = "assessments",
    bundle: str = "",
    report_links: str = "",
    dimension_links: str = "",
    peer_group: str = "",
) -> Overview:
    """Load (or read the batch's bundle), score and aggregate one period across organisations.

    `report_links` / `dimension_links`: patterns such as "reports/{organisation}.html" and
    "dimensions/{dimension}.html" ({period} gives the file-name form, e.g. 2024-25); when
    empty, names are plain text. `peer_group`: only that group's organisations.
    """
    scored = read_bundle(bundle) if bundle else score_folder(assessments)
    periods = sorted({a.period for a in scored.assessments})
    if not periods:
        raise EngageError(f"no assessments found in {assessments!r}")
    per = resolve_period(period, periods)
    framework = scored.framework_for_period(per)
    data = build_overview(scored.scores, scored.items, framework, per, peer_group)
    return Overview(scored, data, report_links, dimension_links)
