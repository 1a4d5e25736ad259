"""The sections of one organisation's report, as HTML strings built from `ReportData`.

Pure functions: data in, HTML out, no file access. Every piece of text that came from a
user (organisation names, evidence, notes, actions, owners) goes through `esc`, so evidence
containing markup shows as text. Every number in the prose comes from the engine; the
wording adapts to what the data can support (no "improved" without an earlier year, no peer
position below the minimum number of peers).
"""

from __future__ import annotations

from html import escape
from typing import Any

import pandas as pd

from ..benchmark import ReportData, format_change
from ..framework import Framework
from ..levels import LEVELS, band_index
from .links import linkify

BAND_WORDS = {
    "top": "top quarter",
    "second": "second quarter",
    "third": "third quarter",
    "bottom": "bottom quarter",
}


def esc(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _missing(x: Any) -> bool:
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def num(x: Any, digits: int = 1) -> str:
    return "–" if _missing(x) else f"{float(x):.{digits}f}"


def pct(x: Any) -> str:
    return "–" if _missing(x) else f"{float(x) * 100:.0f}%"


def signed(x: Any) -> str:
    return "–" if _missing(x) else format_change(float(x))


def level_badge(score: Any, low_evidence: bool = False) -> str:
    idx = None if _missing(score) else band_index(float(score))
    if idx is None:
        return '<span class="level level-none">No score</span>'
    star = " *" if low_evidence else ""
    return f'<span class="level level-{idx}">{idx} {esc(LEVELS[idx])}{star}</span>'


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def figure_html(fig, caption: str = "") -> str:
    """A chart as an embedded PNG with its alt text; the figure is closed afterwards."""
    from ..charts import figure_to_data_uri

    uri = figure_to_data_uri(fig)
    alt = getattr(fig, "alt_text", "") or caption or "Chart"
    cap = f"<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f'<figure class="chart"><img src="{uri}" alt="{esc(alt)}">{cap}</figure>'


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
    if _missing(score):
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
            f"{esc(_title(framework, r.dimension))} ({num(r.score)})" for r in pri.itertuples()
        ]
        sentences.append("Priorities: " + _join(names) + ".")
    if not _missing(completeness) and float(completeness) < 0.5:
        sentences.append(
            "<strong>Treat with care:</strong> fewer than half the items were answered."
        )

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


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _short(framework: Framework, dim: str) -> str:
    return framework.by_id[dim].short if dim in framework.by_id else dim.title()


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _title(framework: Framework, dim: str) -> str:
    return framework.by_id[dim].title if dim in framework.by_id else dim.title()


def _change_sentence(yoy: dict, d: ReportData) -> str:
    if not d.previous_period:
        return "This is its first assessment, so there is no change to report yet."
    direction = yoy.get("direction") or ""
    n = int(yoy.get("items_compared") or 0)
    if not direction or _missing(yoy.get("change")):
        return (
            f"It cannot be compared with {esc(d.previous_period)}: no item was answered in "
            "both years."
        )
    basis = f"on the {plural(n, 'item')} answered in both years"
    if direction == "improved":
        return f"It has <strong>improved</strong> by {signed(yoy['change'])} since {esc(d.previous_period)} ({basis})."
    if direction == "declined":
        return f"It has <strong>declined</strong> by {signed(yoy['change'])} since {esc(d.previous_period)} ({basis})."
    return f"There is no real change since {esc(d.previous_period)} ({signed(yoy['change'])}, {basis})."


def _peer_sentence(ov: dict, d: ReportData) -> str:
    if not ov.get("shown"):
        return f"Not enough peers to compare: {esc(d.peer_basis)}."
    band = BAND_WORDS.get(str(ov.get("band")), "")
    return (
        f"Against {esc(d.peer_basis)} it is in the <strong>{band}</strong> "
        f"(percentile rank {num(ov.get('percentile'), 0)}; peer median {num(ov.get('peer_median'))})."
    )


def _kpis(ov: dict, yoy: dict, d: ReportData) -> str:
    def card(label: str, value: str, sub: str) -> str:
        return (
            f'<div class="kpi"><p class="label">{label}</p><p class="value">{value}</p>'
            f'<p class="sub">{sub}</p></div>'
        )

    cards = [
        card("Overall score", f"{num(ov.get('score'))} / 4", esc(ov.get("level") or "no score")),
        card(
            "Items answered",
            pct(ov.get("completeness")),
            "low evidence" if ov.get("low_evidence") else "of applicable items",
        ),
    ]
    if ov.get("shown"):
        cards.append(
            card(
                "Peer position",
                esc(BAND_WORDS.get(str(ov.get("band")), "–")).capitalize(),
                f"rank {num(ov.get('percentile'), 0)} of 100 · {int(ov.get('peer_n', 0))} peers",
            )
        )
    else:
        cards.append(card("Peer position", "–", "not enough peers to compare"))
    if d.previous_period and yoy.get("direction"):
        cards.append(
            card(
                f"Change since {esc(d.previous_period)}",
                signed(yoy.get("change")),
                esc(yoy.get("direction")),
            )
        )
    else:
        cards.append(card("Change", "–", "no earlier comparable assessment"))
    return '<div class="kpis">' + "".join(cards) + "</div>"


# ---------------------------------------------------------------- wheel


def wheel(d: ReportData, framework: Framework) -> str:
    from ..charts import cycle_wheel

    fig = cycle_wheel(d.scores, framework)
    low = [r for r in d.peer.itertuples() if r.dimension in framework.by_id and r.low_evidence]
    note = ""
    if low:
        names = _join([esc(_title(framework, r.dimension)) for r in low])
        note = (
            f'<p class="note">Low evidence (fewer than half the items answered): {names}. '
            "These are hatched in the wheel; read their scores with care.</p>"
        )
    return (
        "<section><h2>The cycle at a glance</h2>"
        "<p>The ten hub elements that make engagement routine sit in the centre; the five "
        "stages of commissioning run clockwise around them. Darker means more mature.</p>"
        + figure_html(fig, "Maturity of each hub element and stage.")
        + note
        + "</section>"
    )


# ---------------------------------------------------------------- dimension table


def dimension_table(d: ReportData, framework: Framework) -> str:
    from ..charts import peer_spread

    yoy = d.year_on_year.set_index("dimension") if len(d.year_on_year) else pd.DataFrame()
    shown_any = bool(d.peer["shown"].astype(bool).any())
    head = (
        "<tr><th>Dimension</th><th class='num'>Score</th><th>Level</th>"
        "<th class='num'>Answered</th><th class='num'>Peer median</th>"
        "<th class='num'>Middle half of peers</th><th>Position</th>"
        f"<th class='num'>Change since {esc(d.previous_period) if d.previous_period else 'last year'}</th></tr>"
    )
    body: list[str] = []
    groups = [("Hub elements", framework.hub), ("The five stages", framework.stages)]
    for label, dims in groups:
        body.append(f"<tr class='group'><td colspan='8'>{label}</td></tr>")
        for dim in dims:
            body.append(_dim_row(_row(d.peer, dim.id), yoy, dim.title, d))
    for agg, label in (
        ("hub", "Hub (mean of elements)"),
        ("cycle", "Cycle (mean of stages)"),
        ("overall", "Overall"),
    ):
        body.append(_dim_row(_row(d.peer, agg), yoy, label, d, summary=True))
    notes = [
        "* low evidence: fewer than half the applicable items answered.",
        "Change compares like-for-like items only (answered in both years); ±0.25 or more counts "
        "as a real change.",
    ]
    if not shown_any:
        notes.append(f"Peer columns are blank: {esc(d.peer_basis)}.")
    fig = peer_spread(d.peer, framework)
    return (
        "<section><h2>Scores by dimension</h2>"
        f"<table class='dims'><caption>All fifteen dimensions, {esc(d.period)}</caption>"
        f"<thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"
        + "".join(f'<p class="muted">{n}</p>' for n in notes)
        + figure_html(
            fig,
            "Each bar shows the spread of peer scores; the diamond is this "
            "organisation, the triangle its target.",
        )
        + "</section>"
    )


def _dim_row(r: dict, yoy: pd.DataFrame, title: str, d: ReportData, summary: bool = False) -> str:
    if not r:
        return ""
    low = bool(r.get("low_evidence"))
    shown = bool(r.get("shown"))
    change = "–"
    if d.previous_period and r["dimension"] in yoy.index:
        y = yoy.loc[r["dimension"]]
        if y["direction"]:
            n = int(y["items_compared"])
            change = f"{signed(y['change'])} <span class='muted'>({n} item{'s' if n != 1 else ''})</span>"
    position = esc(BAND_WORDS.get(str(r.get("band")), "–")) if shown else "–"
    spread = f"{num(r.get('peer_q1'))}–{num(r.get('peer_q3'))}" if shown else "–"
    cls = " class='summary'" if summary else ""
    answered = pct(r.get("completeness"))
    return (
        f"<tr{cls}><td>{esc(title)}</td><td class='num'>{num(r.get('score'))}{' *' if low else ''}</td>"
        f"<td>{level_badge(r.get('score'), low)}</td><td class='num'>{answered}</td>"
        f"<td class='num'>{num(r.get('peer_median')) if shown else '–'}</td>"
        f"<td class='num'>{spread}</td><td>{position}</td><td class='num'>{change}</td></tr>"
    )


# ---------------------------------------------------------------- trend


def trend_section(d: ReportData, framework: Framework, history: pd.DataFrame) -> str:
    from ..charts import trend

    fig = trend(history, framework)
    yoy = d.year_on_year
    text = "<p>This is the first assessment, so there is no trend yet.</p>"
    if d.previous_period and len(yoy):
        changed = yoy[
            yoy["dimension"].isin(framework.by_id) & yoy["direction"].isin(["improved", "declined"])
        ]
        up = [
            esc(_title(framework, r.dimension))
            for r in changed.itertuples()
            if r.direction == "improved"
        ]
        down = [
            esc(_title(framework, r.dimension))
            for r in changed.itertuples()
            if r.direction == "declined"
        ]
        parts = []
        parts.append(
            f"Improved since {esc(d.previous_period)}: {_join(up)}."
            if up
            else f"No dimension improved by 0.25 or more since {esc(d.previous_period)}."
        )
        if down:
            parts.append(f"Declined: {_join(down)}.")
        own_items = int(d.scores.loc[d.scores["dimension"] == "overall", "answered"].sum())
        ov = _row(yoy, "overall")
        n = int(ov.get("items_compared") or 0)
        if n < own_items:
            parts.append(
                f"Only {n} of this year's {own_items} answered items were also answered in "
                f"{esc(d.previous_period)}; changes are measured on those {n}."
            )
        text = "<p>" + " ".join(parts) + "</p>"
    return "<section><h2>Change over time</h2>" + text + figure_html(fig) + "</section>"


# ---------------------------------------------------------------- strengths and priorities


def strengths_priorities(d: ReportData, framework: Framework) -> str:
    def items(df: pd.DataFrame, empty: str, more_label: str, limit: int = 5) -> str:
        if not len(df):
            return f"<p class='muted'>{empty}</p>"
        lis = [
            f"<li><strong>{esc(_title(framework, r.dimension))}</strong>: {esc(_cap(r.reason))}.</li>"
            for r in df.head(limit).itertuples()
        ]
        more = ""
        if len(df) > limit:
            rest = _join([esc(_title(framework, x)) for x in df["dimension"].iloc[limit:]])
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
    from ..charts import baton_diagram

    b = d.baton
    dropped = [r for r in b.itertuples() if r.state == "dropped"]
    unknown = [r for r in b.itertuples() if r.state == "not known"]

    def hop(r) -> str:
        return f"{_short(framework, r.from_stage)} → {_short(framework, r.to_stage)}"

    if dropped:
        lead = (
            "The baton is dropped at "
            + _join([esc(hop(r)) for r in dropped])
            + ": what one stage learns does not reliably reach the next."
        )
    elif len(b) and not unknown:
        lead = "Every hand-over between stages is at least at Developing level."
    else:
        lead = "No hand-over is rated below Developing."
    if unknown:
        lead += " Not known: " + _join([esc(hop(r)) for r in unknown]) + "."
    rows = "".join(
        f"<tr><td>{esc(hop(r))}</td><td>{esc(r.statement)}</td>"
        f"<td>{level_badge(r.value)}</td><td>{esc(STATE_WORDS.get(r.state, r.state))}</td></tr>"
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


# ---------------------------------------------------------------- items to discuss


def discussion_section(d: ReportData, framework: Framework) -> str:
    df = d.discussion
    if not len(df):
        body = "<p>No item was flagged and no participants' ratings differed by two levels or more.</p>"
    else:
        rows = "".join(
            f"<tr><td>{esc(r.item)}</td><td>{esc(r.statement)}</td>"
            f"<td class='num'>{num(r.value)}</td>"
            f"<td class='num'>{'–' if _missing(r.spread) else int(r.spread)}</td>"
            f"<td>{esc(r.reason)}</td></tr>"
            for r in df.itertuples()
        )
        body = (
            f"<p>{plural(len(df), 'item')} need a conversation before the scores are relied on: "
            "participants' ratings were two or more levels apart, or the team flagged them.</p>"
            "<table><thead><tr><th>Item</th><th>Statement</th><th class='num'>Value</th>"
            "<th class='num'>Spread</th><th>Why</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    return "<section><h2>Items to discuss</h2>" + body + "</section>"


# ---------------------------------------------------------------- evidence


def evidence_section(d: ReportData, framework: Framework) -> str:
    hl = d.evidence_highlights
    parts = ["<section><h2>Evidence highlights</h2>"]
    if len(hl):
        for r in hl.itertuples():
            parts.append(
                f"<blockquote>{linkify(r.evidence)}<span class='who'>{esc(r.item)} · "
                f"{esc(r.statement)} · level {num(r.value)}</span></blockquote>"
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
            f"<tr><td>{esc(_title(framework, r.dimension))}</td><td>{esc(r.action)}</td>"
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
                f"<tr><td>{esc(_title(framework, r.dimension))}</td><td>{esc(r.action)}</td>"
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
    if _missing(x):
        return "–"
    return x.strftime("%-d %b %Y") if hasattr(x, "strftime") else esc(x)


# ---------------------------------------------------------------- method


def method_note(d: ReportData, framework: Framework, peer_names: list[str] | None = None) -> str:
    peers = (
        f"Peers: {esc(d.peer_basis)}."
        if not peer_names
        else f"Peers ({len(peer_names)}): {esc(', '.join(peer_names))}."
    )
    return (
        "<section class='method'><h2>How to read this report</h2>"
        "<ul class='tight'>"
        "<li><strong>Scores</strong> run from 0 (Not started) to 4 (Embedded). A dimension's "
        "score is the average of its answered items; N/A items are left out and “don't know” "
        "counts as unanswered. Hub, cycle and overall scores average the dimension scores.</li>"
        "<li><strong>Low evidence</strong> (*) means fewer than half of a dimension's applicable "
        "items were answered.</li>"
        "<li><strong>Quartiles</strong>: peers are split into four equal groups by score; the "
        "middle half lies between the lower and upper quartile. The percentile rank is the "
        "share of peers scoring lower (ties count half). Peer figures appear only with at least "
        f"{d.min_peers} peers, and peers are not named. {peers}</li>"
        "<li><strong>Change</strong> is measured on like-for-like items, answered in both "
        "years; ±0.25 or more is a real change.</li>"
        "<li><strong>Hand-overs</strong> are the five items that check whether one stage's "
        "learning reaches the next; below level 2 counts as a dropped baton.</li>"
        "</ul><p class='muted'>"
        f"Framework: {esc(framework.title)} (version {framework.version}), "
        f"{len(framework.items)} items in {len(framework.dimensions)} dimensions. The full "
        "method, with a worked example, is in docs/scoring.md of engagecycle.</p></section>"
    )
