"""The sections of one organisation's report, as HTML strings built from `ReportData`.

Pure functions: data in, HTML out, no file access. Every piece of text that came from a
user (organisation names, evidence, notes, actions, owners) goes through `esc`, so evidence
containing markup shows as text. Every number in the prose comes from the engine; the
wording adapts to what the data can support (no "improved" without an earlier year, no peer
position below the minimum number of peers).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...benchmark.report_data import ReportData
from ...benchmark.rules import (
    CHANGE_MIN_ITEMS,
    CHANGE_MIN_SHARE,
    DROPPED_BELOW,
    REAL_CHANGE,
    UNCONFIRMED_WARN_SHARE,
    is_change,
)
from ...framework import Framework
from ...scoring import DISCUSS_SPREAD, LOW_EVIDENCE_BELOW
from ...words import (
    cap,
    dimension_short,
    dimension_title,
    join_words,
    only,
    plural,
    share,
    verb,
)
from .html import esc, figure_html, kpi_card, level_badge, missing, num, pct, signed
from .links import linkify

BAND_WORDS = {
    "top": "top quarter",
    "second": "second quarter",
    "third": "third quarter",
    "bottom": "bottom quarter",
}


def peer_words(percentile, n: int) -> str:
    """What a percentile rank means, in words: 'higher than 38% of its 13 peers'.

    Ties count half (see the method note), so 0 means every peer scored higher and 100 that
    every peer scored lower.
    """
    if missing(percentile):
        return ""
    p = round(float(percentile))
    peers = plural(n, "peer")
    if p <= 0:
        return f"lower than all {peers}" if n > 1 else "lower than its one peer"
    if p >= 100:
        return f"higher than all {peers}" if n > 1 else "higher than its one peer"
    return f"higher than {p}% of its {peers}"


def _row(df: pd.DataFrame, dim: str) -> dict:
    sel = df[df["dimension"] == dim]
    return sel.iloc[0].to_dict() if len(sel) else {}


# ---------------------------------------------------------------- headline


def headline(d: ReportData, framework: Framework) -> str:
    ov = _row(d.peer, "overall")
    yoy = _row(d.year_on_year, "overall")
    own = d.own
    score = ov.get("score")
    completeness = ov.get("completeness")
    sentences: list[str] = []
    if missing(score):
        sentences.append(f"{esc(d.name)} has no overall score yet: no item has been answered.")
    else:
        sentences.append(
            f"{esc(d.name)} is at <strong>{esc(ov['level'])}</strong> level overall "
            f"(<strong>{num(score)}</strong> out of 4, {float(score) / 4 * 100:.0f}%), "
            f"with {pct(completeness)} of applicable items answered."
        )
    sentences.append(_change_sentence(yoy, d))
    sentences.append(_peer_sentence(ov, d))
    pri = d.priorities.head(3)
    if len(pri):
        names = [
            f"{esc(dimension_title(framework, r.dimension))} ({num(r.score)})"
            for r in pri.itertuples()
        ]
        sentences.append("Priorities: " + join_words(names) + ".")
    if not missing(completeness) and float(completeness) < LOW_EVIDENCE_BELOW:
        sentences.append(
            "<strong>Treat with care:</strong> fewer than half the items were answered."
        )
    warning = unconfirmed_warning(d)
    if warning:
        sentences.append(warning)

    meta = [f"Period {esc(d.period)}"]
    if own.assessed_on:
        meta.append(f"assessed on {own.assessed_on.strftime('%-d %B %Y')}")
    if own.facilitator:
        meta.append(f"facilitated by {esc(own.facilitator)}")
    if own.participants:
        meta.append(plural(len(own.participants), "participant"))
    kpis = _kpis(ov, yoy, d)
    return (
        '<header class="masthead">'
        '<p class="kicker">Engagement Cycle self-assessment · benchmark report</p>'
        f"<h1>{esc(d.name)} ({esc(d.organisation)})</h1>"
        f'<p class="meta">{" · ".join(meta)}</p></header>'
        '<section class="headline" aria-label="Headline">'
        + "".join(f"<p>{s}</p>" for s in sentences if s)
        + "</section>"
        + kpis
    )


def _answers(d: ReportData) -> int:
    """Items with an answer this year (a level, N/A or don't know)."""
    ov = _row(d.scores, "overall")
    return int(ov.get("items", 0)) - int(ov.get("unanswered", 0)) if ov else 0


def unconfirmed_warning(d: ReportData) -> str:
    """The headline's warning when many answers are last year's, copied and not confirmed.

    Given from UNCONFIRMED_WARN_SHARE of the answers upward; fewer are listed in their own
    section without a headline warning.
    """
    n, total = len(d.unconfirmed), _answers(d)
    if not n or not total or n / total < UNCONFIRMED_WARN_SHARE:
        return ""
    since = f" from {esc(d.previous_period)}" if d.previous_period else " from last year"
    return (
        f"<strong>Not yet confirmed:</strong> {n} of its {total} answers ({share(n, total)}) "
        f"{verb(n, 'was', 'were')} copied{since} and {verb(n, 'has', 'have')} not been confirmed "
        "by the team; they are listed below and left out of the change."
    )


def org_label(d: ReportData, code: str, period: str = "") -> str:
    """'Saltmire ICB (X03)' or 'Saltmire ICB (X03, 2023/24)'; the bare code for an
    organisation never assessed here."""
    name = d.names.get(code)
    inside = f"{esc(code)}, {period}" if period else esc(code)
    return f"{esc(name)} ({inside})" if name and name != code else inside


def predecessor_sentence(d: ReportData) -> str:
    """'It is compared with its predecessors A (X06, 2022/23) and B (X12, 2023/24): the mean
    of their answers, item by item.', or '' when it is compared with itself alone."""
    used = [c for c in d.compared_with if c != d.organisation]
    if not used:
        return ""
    when = dict(zip(d.compared_with, d.compared_periods, strict=False))
    what = "predecessor" if len(used) == 1 else "predecessors"
    who = join_words(f"{org_label(d, c, esc(when[c]))}" for c in used)
    own = d.organisation in when
    if own:
        who += f", and with its own {esc(when[d.organisation])} assessment"
    how = ": the mean of their answers, item by item" if len(used) + own > 1 else ""
    return f"It is compared with its {what} {who}{how}."


def version_sentence(d: ReportData, kept: int | None = None) -> str:
    """'The question bank changed from version 1 to version 2 between the years; only the 41
    items that kept their meaning could be compared.', or ''."""
    then = [v for v in d.versions_then if v != d.version_now]
    if not then:
        return ""
    before = " and ".join(f"version {v}" for v in then)
    which = f"the {kept} items" if kept is not None else "items"
    return (
        f"The question bank changed from {before} to version {d.version_now} between the "
        f"years; only {which} that kept their meaning could be compared."
    )


def not_assessed_sentence(d: ReportData) -> str:
    """Predecessors named with no earlier assessment: said, never silently dropped."""
    if not d.not_assessed:
        return ""
    k = len(d.not_assessed)
    return (
        f"{join_words(org_label(d, c) for c in d.not_assessed)} {verb(k, 'has', 'have')} no "
        f"earlier assessment, so {verb(k, 'it is', 'they are')} not in the comparison."
    )


def comparison_notes(d: ReportData, kept: int | None = None) -> str:
    """The sentences that say what a change was compared with (docs/scoring.md §7, §10)."""
    parts = [predecessor_sentence(d), version_sentence(d, kept), not_assessed_sentence(d)]
    return " ".join(p for p in parts if p)


def comparison_basis(d: ReportData, n: int, app: int) -> str:
    """What a change rests on, in brackets after it."""
    if not comparison_notes(d):
        return f"on the {plural(n, 'item')} answered in both years"
    return f"like for like, on {n} of its {app} applicable items"


def _change_sentence(yoy: dict, d: ReportData) -> str:
    if not d.previous_period:
        if d.not_assessed:
            return (
                "There is no change to report yet: no earlier assessment of it or of its "
                f"predecessors. {not_assessed_sentence(d)}"
            )
        return "This is its first assessment, so there is no change to report yet."
    direction = yoy.get("direction") or ""
    n = int(yoy.get("items_compared") or 0)
    app = int(yoy.get("applicable") or 0)
    kept = int(yoy.get("comparable_applicable", app) or 0)
    since = esc(d.previous_period)
    notes = comparison_notes(d, kept if kept != app else None)
    tail = f" {notes}" if notes else ""
    if not is_change(direction):
        of = f"its {app} applicable items" if kept == app else f"the {kept} comparable items"
        return (
            f"It cannot yet be compared with {since}: {only(n, of)} "
            f"were answered in both years{_unconfirmed_clause(d)}, and at least half are needed "
            f"to call a movement a change.{tail}"
        )
    basis = comparison_basis(d, n, app)
    change = signed(yoy["change"])
    if direction == "improved":
        return f"It has <strong>improved</strong> by {change} since {since} ({basis}).{tail}"
    if direction == "declined":
        return f"It has <strong>declined</strong> by {change} since {since} ({basis}).{tail}"
    return f"There is no real change since {since} ({change}, {basis}).{tail}"


def _unconfirmed_clause(d: ReportData) -> str:
    n = len(d.unconfirmed)
    if not n:
        return ""
    return f" and confirmed this year ({n} copied {verb(n, 'answer is', 'answers are')} not)"


def _peer_sentence(ov: dict, d: ReportData) -> str:
    if not ov.get("shown"):
        return f"Not enough peers to compare: {esc(d.peer_basis)}."
    band = BAND_WORDS.get(str(ov.get("band")), "")
    if not band:
        return (
            f"It cannot be placed among its peers without an overall score ({esc(d.peer_basis)})."
        )
    n = int(ov.get("peer_n", 0))
    return (
        f"Against {esc(d.peer_basis)} it is in the <strong>{band}</strong>: its overall score is "
        f"{peer_words(ov.get('percentile'), n)} (peer median {num(ov.get('peer_median'))})."
    )


def _kpis(ov: dict, yoy: dict, d: ReportData) -> str:
    cards = [
        kpi_card(
            "Overall score", f"{num(ov.get('score'))} / 4", esc(ov.get("level") or "no score")
        ),
        kpi_card(
            "Items answered",
            pct(ov.get("completeness")),
            "low evidence" if ov.get("low_evidence") else "of applicable items",
        ),
    ]
    band = BAND_WORDS.get(str(ov.get("band")), "")
    if ov.get("shown") and band:
        cards.append(
            kpi_card(
                "Peer position",
                esc(band).capitalize(),
                esc(cap(peer_words(ov.get("percentile"), int(ov.get("peer_n", 0))))),
            )
        )
    elif ov.get("shown"):
        cards.append(kpi_card("Peer position", "–", "no overall score to place"))
    else:
        cards.append(kpi_card("Peer position", "–", "not enough peers to compare"))
    direction = yoy.get("direction") or ""
    if d.previous_period and is_change(direction):
        cards.append(
            kpi_card(
                f"Change since {esc(d.previous_period)}",
                signed(yoy.get("change")),
                f"{esc(direction)}, like for like",
            )
        )
    elif d.previous_period:
        cards.append(
            kpi_card(f"Change since {esc(d.previous_period)}", "–", "not enough comparable answers")
        )
    else:
        cards.append(kpi_card("Change", "–", "first assessment: nothing to compare"))
    return '<div class="kpis">' + "".join(cards) + "</div>"


# ---------------------------------------------------------------- wheel


def wheel(d: ReportData, framework: Framework) -> str:
    from ...charts.wheel import cycle_wheel

    fig = cycle_wheel(d.scores, framework)
    low = [r for r in d.peer.itertuples() if r.dimension in framework.by_id and r.low_evidence]
    note = ""
    if low:
        names = join_words([esc(dimension_short(framework, r.dimension)) for r in low])
        note = (
            f'<p class="note">Low evidence on {plural(len(low), "dimension")} (fewer than half '
            f"the items answered), hatched in the wheel: {names}. Read those scores with care.</p>"
        )
    return (
        "<section class='wheel-section'><h2>The cycle at a glance</h2>"
        "<p>The ten hub elements that make engagement routine sit in the centre; the five "
        "stages of commissioning run clockwise around them. Darker means more mature.</p>"
        + figure_html(fig, "Maturity of each hub element and stage.")
        + note
        + "</section>"
    )


# ---------------------------------------------------------------- dimension table


# Why a cell of the dimension table holds no figure; each reason used gets a footnote.
DASH_NOTES = {
    "no score": "No score: nothing in that dimension was answered (N/A, don't know and blank "
    "items do not count), so there is no score to show or to compare.",
    "all N/A": "All N/A: every item of that dimension was marked as not applying.",
    "too few peers": "– in the peer columns, “too few peers”: fewer than {min_peers} other "
    "organisations have a score for that row, so peer figures are hidden (they would rest "
    "on too few organisations and could identify them).",
    "first assessment": "– in the change column: this is the organisation's first "
    "assessment, so there is nothing to compare with.",
    "too few to compare": "Too few to compare: a change needs at least {min_items} items, and "
    "at least {share} of this year's applicable items, answered in both years (and confirmed "
    "this year); below that no change is claimed. Brackets show items compared of items "
    "applicable (when the question bank changed between the years, of the applicable items "
    "that kept their meaning).",
    "all new": "All new: every item of that dimension is new or changed in this version of the "
    "question bank, so it has nothing from last year to be compared with.",
}


def dimension_table(d: ReportData, framework: Framework) -> str:
    from ...charts.peers import peer_spread

    yoy = d.year_on_year.set_index("dimension") if len(d.year_on_year) else pd.DataFrame()
    since = esc(d.previous_period) if d.previous_period else "last year"
    head = (
        "<tr><th>Dimension</th><th class='num'>Score</th><th>Level</th>"
        "<th class='num'>Answered</th><th class='num'>Peer median</th>"
        "<th class='num'>Middle half of peers</th><th>Position</th>"
        f"<th class='num'>Change since {since}</th></tr>"
    )
    used: set[str] = set()
    body: list[str] = []
    groups = [("Hub elements", framework.hub), ("The five stages", framework.stages)]
    for label, dims in groups:
        body.append(f"<tr class='group'><td colspan='8'>{label}</td></tr>")
        for dim in dims:
            body.append(_dim_row(_row(d.peer, dim.id), yoy, dim.title, d, used))
    for agg, label in (
        ("hub", "Hub (mean of elements)"),
        ("cycle", "Cycle (mean of stages)"),
        ("overall", "Overall"),
    ):
        body.append(_dim_row(_row(d.peer, agg), yoy, label, d, used, summary=True))
    notes = []
    if any(bool(r) for r in d.peer["low_evidence"]):
        notes.append(
            f"* Low evidence: fewer than {LOW_EVIDENCE_BELOW:.0%} of the applicable items were "
            "answered, so the score rests on few answers."
        )
    if "unconfirmed" in used:
        notes.append(
            "Not confirmed: answers copied from last year that the team has not yet confirmed; "
            "they count in the score but not in the change."
        )
    notes.append(
        f"Change compares like-for-like items only (answered in both years); {REAL_CHANGE:g} or "
        "more either way counts as a real change. Brackets give the number of items compared."
    )
    values = {
        "min_peers": d.min_peers,
        "min_items": CHANGE_MIN_ITEMS,
        "share": f"{CHANGE_MIN_SHARE:.0%}",
    }
    notes += [DASH_NOTES[k].format(**values) for k in DASH_NOTES if k in used]
    fig = peer_spread(d.peer, framework)
    return (
        "<section class='dims-section'><h2>Scores by dimension</h2>"
        f"<table class='dims'><caption>All fifteen dimensions, {esc(d.period)}</caption>"
        f"<thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"
        "<div class='table-notes'>"
        + "".join(f'<p class="muted">{n}</p>' for n in notes)
        + "</div>"
        + figure_html(
            fig,
            "Each bar shows the spread of peer scores; the diamond is this "
            "organisation, the triangle its target.",
        )
        + "</section>"
    )


def _dim_row(
    r: dict, yoy: pd.DataFrame, title: str, d: ReportData, used: set[str], summary: bool = False
) -> str:
    if not r:
        return ""
    low = bool(r.get("low_evidence"))
    shown = bool(r.get("shown"))
    has_score = not missing(r.get("score"))
    scores = _row(d.scores, r["dimension"])

    if has_score:
        score = f"{num(r.get('score'))}{' *' if low else ''}"
    elif int(scores.get("applicable", 1)) == 0:
        score = "<span class='muted'>all N/A</span>"
        used.add("all N/A")
    else:
        score = "<span class='muted'>no score</span>"
        used.add("no score")

    answered = pct(r.get("completeness")) if int(scores.get("applicable", 0)) else "–"
    if answered == "–":
        answered = "<span class='muted'>all N/A</span>"
        used.add("all N/A")
    unconfirmed = int(scores.get("unconfirmed", 0) or 0)
    if unconfirmed:
        answered += f"<br><span class='muted small'>{unconfirmed} not confirmed</span>"
        used.add("unconfirmed")

    if not shown:
        median = spread = position = "–"
        position = "<span class='muted'>too few peers</span>"
        used.add("too few peers")
    else:
        median = num(r.get("peer_median"))
        spread = f"{num(r.get('peer_q1'))}–{num(r.get('peer_q3'))}"
        band = BAND_WORDS.get(str(r.get("band")), "")
        position = esc(band) if band else "<span class='muted'>no score</span>"
        if not band:
            used.add("no score")

    change = "–"
    if not d.previous_period:
        used.add("first assessment")
    elif r["dimension"] in yoy.index:
        y = yoy.loc[r["dimension"]]
        n, app = int(y["items_compared"]), int(y["comparable_applicable"])
        if is_change(y["direction"]):
            change = f"{signed(y['change'])} <span class='muted'>({plural(n, 'item')})</span>"
        elif not has_score:
            change = "<span class='muted'>no score</span>"
            used.add("no score")
        elif app == 0 and int(y["applicable"]) > 0:
            change = "<span class='muted'>all new</span>"
            used.add("all new")
        else:
            change = f"<span class='muted'>too few to compare ({n} of {app})</span>"
            used.add("too few to compare")
    cls = " class='summary'" if summary else ""
    return (
        f"<tr{cls}><td>{esc(title)}</td><td class='num'>{score}</td>"
        f"<td>{level_badge(r.get('score'), low)}</td><td class='num'>{answered}</td>"
        f"<td class='num'>{median}</td><td class='num'>{spread}</td><td>{position}</td>"
        f"<td class='num'>{change}</td></tr>"
    )


# ---------------------------------------------------------------- trend


def trend_section(d: ReportData, framework: Framework, history: pd.DataFrame) -> str:
    from ...charts.trend import trend

    yoy = d.year_on_year
    ov = _row(yoy, "overall")
    fig = trend(history, framework, ov if d.previous_period else None)
    text = "<p>This is the first assessment, so there is no trend yet.</p>"
    if d.previous_period and len(yoy):
        dims = yoy[yoy["dimension"].isin(framework.by_id)]
        up = [
            esc(dimension_title(framework, r.dimension))
            for r in dims.itertuples()
            if r.direction == "improved"
        ]
        down = [
            esc(dimension_title(framework, r.dimension))
            for r in dims.itertuples()
            if r.direction == "declined"
        ]
        few = [
            esc(dimension_title(framework, r.dimension))
            for r in dims.itertuples()
            if not is_change(r.direction)
            and not missing(_row(d.scores, r.dimension).get("score"))
            and not (r.comparable_applicable == 0 and r.applicable > 0)
        ]
        new = [
            esc(dimension_title(framework, r.dimension))
            for r in dims.itertuples()
            if r.comparable_applicable == 0 and r.applicable > 0
        ]
        since = esc(d.previous_period)
        parts = []
        parts.append(
            f"Improved since {since}: {join_words(up)}."
            if up
            else f"No dimension improved by {REAL_CHANGE:g} or more since {since}."
        )
        if down:
            parts.append(f"Declined: {join_words(down)}.")
        if few:
            parts.append(f"Too few answers in both years to measure change: {join_words(few)}.")
        if new:
            parts.append(
                f"Nothing to compare, every item being new in this version: {join_words(new)}."
            )
        own_items = int(d.scores.loc[d.scores["dimension"] == "overall", "answered"].sum())
        n = int(ov.get("items_compared") or 0)
        notes = comparison_notes(d)
        if is_change(ov.get("direction")) and n < own_items:
            basis = f"were also answered in {since}" if not notes else "could be compared"
            parts.append(
                f"Only {n} of this year's {own_items} answered items {basis}; changes are "
                f"measured on those {n}."
            )
        if notes:
            parts.append(notes)
        if predecessor_sentence(d):
            parts.append(
                "The chart shows this organisation's own assessments only; the change is "
                "measured against its predecessors."
            )
        elif version_sentence(d):
            parts.append(
                "The chart's earlier points were scored on version "
                f"{join_words(str(v) for v in d.versions_then)}, whose items differ."
            )
        text = "<p>" + " ".join(parts) + "</p>"
    return (
        "<section class='trend-section'><h2>Change over time</h2>"
        + text
        + figure_html(fig)
        + "</section>"
    )


# ---------------------------------------------------------------- strengths and priorities


def strengths_priorities(d: ReportData, framework: Framework) -> str:
    def items(df: pd.DataFrame, empty: str, more_label: str, limit: int = 5) -> str:
        if not len(df):
            return f"<p class='muted'>{empty}</p>"
        lis = [
            f"<li><strong>{esc(dimension_title(framework, r.dimension))}</strong>: {esc(cap(r.reason))}.</li>"
            for r in df.head(limit).itertuples()
        ]
        more = ""
        if len(df) > limit:
            rest = join_words(
                [esc(dimension_title(framework, x)) for x in df["dimension"].iloc[limit:]]
            )
            more = f"<p class='muted'>{more_label}: {rest}.</p>"
        return "<ul class='tight'>" + "".join(lis) + "</ul>" + more

    return (
        "<section><h2>Strengths and priorities</h2><div class='cols'>"
        "<div><h3>Strengths</h3>"
        + items(
            d.strengths,
            "No dimension is yet at Established level with enough evidence.",
            "Also strong",
        )
        + "</div><div><h3>Priorities</h3>"
        + items(
            d.priorities,
            "No priorities could be identified: no dimension has a score.",
            "Also to watch",
        )
        + "</div></div></section>"
    )


# ---------------------------------------------------------------- baton


OVERDUE = ' · <span class="overdue">overdue</span>'
STATE_WORDS = {
    "passed": "passed on",
    "dropped": "baton dropped",
    "not known": "not known",
    "not applicable": "not applicable",
}


def baton_section(d: ReportData, framework: Framework) -> str:
    from ...charts.baton import baton_diagram

    b = d.baton
    dropped = [r for r in b.itertuples() if r.state == "dropped"]
    unknown = [r for r in b.itertuples() if r.state == "not known"]

    def hop(r) -> str:
        return (
            f"{dimension_short(framework, r.from_stage)} → {dimension_short(framework, r.to_stage)}"
        )

    if dropped:
        lead = (
            "The baton is dropped at "
            + join_words([esc(hop(r)) for r in dropped])
            + ": what one stage learns does not reliably reach the next."
        )
    elif len(b) and not unknown:
        lead = "Every hand-over between stages is at least at Developing level."
    elif not any(r.state == "passed" for r in b.itertuples()):
        lead = "No hand-over has been rated, so the baton cannot be judged yet."
    else:
        lead = "No hand-over that was rated is below Developing."
    if unknown:
        lead += " Not known: " + join_words([esc(hop(r)) for r in unknown]) + "."
    rows = "".join(
        f"<tr><td>{esc(hop(r))}</td><td>{esc(r.statement)}</td>"
        f"<td>{_baton_level(r)}</td><td>{esc(STATE_WORDS.get(r.state, r.state))}</td></tr>"
        for r in b.itertuples()
    )
    return (
        "<section><h2>The baton: hand-overs between stages</h2>"
        "<p>Each stage should pass what it learned to the next, like a baton in a relay. "
        f"{lead}</p>"
        + figure_html(baton_diagram(b, framework))
        + "<table><thead><tr><th>Hand-over</th><th>What was rated</th><th>Level</th>"
        f"<th>Result</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _baton_level(r) -> str:
    if r.status == "answered":
        return level_badge(r.value)
    words = {"na": "N/A", "unknown": "don't know"}.get(r.status, "not answered")
    return f"<span class='muted'>{words}</span>"


# ---------------------------------------------------------------- items to discuss


def discussion_section(d: ReportData, framework: Framework) -> str:
    df = d.discussion
    open_ = df[~df["resolved"].astype(bool)]
    done = df[df["resolved"].astype(bool)]
    parts = ["<section class='discussion-section'><h2>Items to discuss</h2>"]
    if not len(df):
        parts.append(
            "<p>No item was flagged and no participants' ratings differed by "
            f"{DISCUSS_SPREAD} levels or more.</p>"
        )
    elif not len(open_):
        parts.append(
            f"<p>Every item that was flagged or disputed has been discussed: the team recorded "
            f"what it agreed for all {plural(len(done), 'item')} (below).</p>"
        )
    else:
        n = len(open_)
        lead = (
            f"<p>{plural(n, 'item')} still {verb(n, 'needs', 'need')} a conversation before "
            f"{verb(n, 'its score is', 'their scores are')} relied on: participants' ratings "
            f"were {DISCUSS_SPREAD} or more levels apart, or the team flagged "
            f"{verb(n, 'it', 'them')}, and no outcome has been recorded yet."
        )
        if len(done):
            lead += (
                f" {plural(len(done), 'other')} {verb(len(done), 'was', 'were')} resolved (below)."
            )
        dash = False
        rows = []
        for r in open_.itertuples():
            if missing(r.spread):
                spread, dash = "–", True
            else:
                spread = str(int(r.spread))
            value = (
                num(r.value) if not missing(r.value) else "<span class='muted'>not answered</span>"
            )
            rows.append(
                f"<tr><td>{esc(r.item)}</td><td>{esc(r.statement)}</td>"
                f"<td class='num'>{value}</td><td class='num'>{spread}</td>"
                f"<td>{esc(cap(r.reason))}</td></tr>"
            )
        parts.append(
            lead + "</p>"
            "<table><thead><tr><th>Item</th><th>Statement</th><th class='num'>Value</th>"
            "<th class='num'>Spread</th><th>Why</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
        notes = [
            "Value: the level agreed, or the median of individual ratings. Spread: highest "
            "individual rating minus lowest."
        ]
        if dash:
            notes.append("– in Spread: fewer than two people gave individual ratings.")
        parts.append("".join(f"<p class='muted'>{n}</p>" for n in notes))
    if len(done):
        lis = "".join(
            f"<li><strong>{esc(r.item)}</strong> {esc(r.statement)}"
            f"<br><span class='agreed'>Agreed: {esc(d.own.response(r.item).agreed)}</span></li>"
            for r in done.itertuples()
        )
        parts.append(
            f"<h3>Resolved in discussion ({len(done)})</h3><ul class='tight resolved'>{lis}</ul>"
        )
    parts.append("</section>")
    return "".join(parts)


def unconfirmed_section(d: ReportData, framework: Framework) -> str:
    """Answers carried over from last year and not yet confirmed: listed, never hidden."""
    df = d.unconfirmed
    if not len(df):
        return ""
    n, total = len(df), _answers(d)
    since = esc(d.previous_period) if d.previous_period else "last year"
    by_dim = df.groupby("dimension", sort=False).size()
    rows = "".join(
        f"<tr><td>{esc(dimension_title(framework, r.dimension))}</td><td>{esc(r.item)}</td>"
        f"<td>{esc(r.statement)}</td><td>{_answer_badge(r)}</td></tr>"
        for r in df.itertuples()
    )
    dims = join_words(
        [f"{esc(dimension_title(framework, dim))} ({k})" for dim, k in by_dim.items()]
    )
    return (
        "<section class='unconfirmed-section'><h2>Answers not yet confirmed this year</h2>"
        f"<p>{plural(n, 'answer')} of {total} ({share(n, total)}) {verb(n, 'was', 'were')} "
        f"copied from {since} as a starting point and {verb(n, 'has', 'have')} not been "
        "confirmed by the team this year. They count in this year's scores, but they only "
        "repeat last year's view, so they are left out of every change in this report. "
        f"By dimension: {dims}.</p>"
        "<table><thead><tr><th>Dimension</th><th>Item</th><th>Statement</th>"
        f"<th>Answer copied</th></tr></thead><tbody>{rows}</tbody></table>"
        "<p class='muted'>To confirm them, the team reviews each answer in the workshop form "
        "or the workbook and keeps or changes it; confirming a whole dimension at once is "
        "possible in both.</p></section>"
    )


def _answer_badge(r) -> str:
    if r.status == "na":
        return "N/A"
    if r.status == "unknown":
        return "Don't know"
    return level_badge(r.value)


# ---------------------------------------------------------------- evidence


def evidence_section(d: ReportData, framework: Framework) -> str:
    hl = d.evidence_highlights
    parts = ["<section><h2>Evidence highlights</h2>"]
    if len(hl):
        for r in hl.itertuples():
            parts.append(
                f"<blockquote>{linkify(r.evidence)}<span class='who'>{esc(r.item)} · "
                f"{esc(r.statement)} · rated {float(r.value):g} ({esc(r.level)})</span></blockquote>"
            )
    else:
        parts.append("<p>No evidence was recorded for any answered item.</p>")
    gaps = d.evidence_gaps
    if len(gaps):
        lis = "".join(f"<li>{esc(r.item)}: {esc(r.statement)}</li>" for r in gaps.itertuples())
        parts.append(
            f"<h3>Evidence gaps</h3><p>The team did not know the answer to "
            f"{plural(len(gaps), 'item')}; finding out is a quick win.</p><ul class='tight'>{lis}</ul>"
        )
    parts.append("</section>")
    return "".join(parts)


# ---------------------------------------------------------------- actions


def actions_section(d: ReportData, framework: Framework) -> str:
    plan = d.action_plan
    parts = ["<section><h2>Action plan</h2>"]
    if len(plan):
        overdue = int(plan["overdue"].sum())
        rows = "".join(
            f"<tr><td>{esc(dimension_title(framework, r.dimension))}</td><td>{esc(r.action)}</td>"
            f"<td>{esc(r.owner) or '–'}</td><td class='num'>{_date(r.due)}</td>"
            f"<td class='status'>{esc(r.status)}{OVERDUE if r.overdue else ''}</td></tr>"
            for r in plan.itertuples()
        )
        lead = f"{plural(len(plan), 'action')} agreed"
        if overdue:
            lead += f", {overdue} overdue at {d.today.strftime('%-d %B %Y')}"
        parts.append(
            f"<p>{lead}.</p><table><thead><tr><th>Dimension</th><th>Action</th><th>Owner</th>"
            f"<th class='num'>Due</th><th>Status</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    else:
        parts.append("<p>No actions have been recorded for this period.</p>")
    prog = d.action_progress
    if d.previous is not None:
        parts.append(f"<h3>Last year's actions ({esc(d.previous_period)})</h3>")
        if len(prog):
            done = int((prog["status_then"] == "done").sum())
            carried = int(prog["carried_forward"].sum())
            rows = "".join(
                f"<tr><td>{esc(dimension_title(framework, r.dimension))}</td><td>{esc(r.action)}</td>"
                f"<td>{esc(r.owner) or '–'}</td><td>{esc(r.status_then)}</td>"
                f"<td>{('carried forward: ' + esc(r.status_now)) if r.carried_forward else 'not carried forward'}</td></tr>"
                for r in prog.itertuples()
            )
            parts.append(
                f"<p>{done} of {len(prog)} were recorded as done; {carried} carried into this "
                "year's plan.</p><table><thead><tr><th>Dimension</th><th>Action</th><th>Owner</th>"
                f"<th>Status then</th><th>This year</th></tr></thead><tbody>{rows}</tbody></table>"
            )
        else:
            parts.append("<p>No actions were recorded last year.</p>")
    parts.append("</section>")
    return "".join(parts)


def _date(x: Any) -> str:
    if missing(x):
        return "–"
    return x.strftime("%-d %b %Y") if hasattr(x, "strftime") else esc(x)


# ---------------------------------------------------------------- method


def method_note(d: ReportData, framework: Framework, peer_names: list[str] | None = None) -> str:
    """How every number in the report is worked out, in plain English (design §4 and §5)."""
    peers = (
        f"Peers: {esc(d.peer_basis)}."
        if not peer_names
        else f"Peers ({len(peer_names)}): {esc(', '.join(peer_names))}."
    )
    bands = ", ".join(f"{k} {esc(v)}" for k, v in sorted(framework.levels.items()))
    return (
        "<section class='method'><h2>How to read this report</h2>"
        "<ul class='tight'>"
        f"<li><strong>Levels.</strong> Each statement is rated on five levels: {bands}. "
        "N/A means it does not apply; “don't know” means nobody could say.</li>"
        "<li><strong>An item's value</strong> is the level the team agreed. Where people "
        "rated on their own and no level was agreed, it is the middle of their ratings (the "
        "median), so ratings of 1 and 2 give 1.5.</li>"
        "<li><strong>A dimension's score</strong> is the average of its answered items, from 0 "
        "to 4. N/A items are left out; “don't know” and blank items count as not answered. A "
        "dimension with nothing answered has no score: it is shown as “no score”, never as 0. "
        "Hub, cycle and overall scores are the average of the dimension scores that exist, "
        "each dimension counting equally. A score's level is the band it falls in: under 0.5 "
        "Not started, under 1.5 Emerging, under 2.5 Developing, under 3.5 Established, "
        "otherwise Embedded. Scores are shown to one decimal place.</li>"
        "<li><strong>Answered</strong> is the share of the items that apply (not N/A) that "
        f"have an answer. Below {LOW_EVIDENCE_BELOW:.0%} a score is marked <strong>low "
        "evidence</strong> (*): it rests on few answers and should be read with care.</li>"
        "<li><strong>Peers</strong> are the other organisations assessed in the same year "
        "on the same version of the question bank. "
        "The peer median is the middle peer score; the middle half of peers lies between the "
        "lower and upper quartiles (a quarter of peers score below that range and a quarter "
        "above). “Higher than 38% of its peers” means 38% of peers have a lower score, a "
        "peer with exactly the same score counting as half. The quarter (top, second, third, "
        "bottom) follows from that share. Peer figures appear only when at least "
        f"{d.min_peers} peers have a score, and peers are never named. {peers}</li>"
        "<li><strong>Change</strong> compares this year with the most recent earlier "
        "assessment on like-for-like items only: items answered in both years, where this "
        "year's answer was given or confirmed this year. Both years' scores are worked out "
        f"again on those items alone. A change of {REAL_CHANGE:g} or more either way is a "
        "real change; anything smaller is “no real change”. A change is only reported when "
        f"at least {CHANGE_MIN_ITEMS} items, and at least {CHANGE_MIN_SHARE:.0%} of this "
        "year's applicable items, can be compared (for each dimension, and for hub, cycle "
        "and overall); otherwise the report says there are not enough comparable answers. "
        "Hub, cycle and overall changes average the dimensions with any comparable item, over "
        "all the items compared. When the question bank changed version between the years, "
        "an item is comparable only if it kept its meaning (the same statement, or reworded "
        "with the same meaning); new and merged items still count among this year's "
        "applicable items. An organisation formed from others (its predecessors) is compared "
        "with the average, item by item, of their most recent earlier answers, and its own if "
        "it has one.</li>"
        "<li><strong>Carried over.</strong> An answer copied from last year as a starting "
        "point is marked until the team confirms or changes it. Unconfirmed answers count in "
        "the scores but never in a change, and are listed; when they make up "
        f"{UNCONFIRMED_WARN_SHARE:.0%} or more of the answers, the headline says so.</li>"
        "<li><strong>Items to discuss</strong> are those the team flagged, or where individual "
        f"ratings were {DISCUSS_SPREAD} or more levels apart. One is resolved once the team "
        "records what it agreed.</li>"
        "<li><strong>Hand-overs</strong> are the five items that check whether what one stage "
        f"learns reaches the next; a hand-over rated below {DROPPED_BELOW:g} (Developing) is "
        "a dropped baton, and an unanswered one is “not known”.</li>"
        "</ul><p class='muted'>"
        f"Framework: {esc(framework.title)} (version {framework.version}), "
        f"{len(framework.items)} items in {len(framework.dimensions)} dimensions.</p></section>"
    )
