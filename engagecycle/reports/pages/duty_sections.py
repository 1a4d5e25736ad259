"""The duty to involve on a page: one organisation's report section and the overview's panel.

Both show what `engagecycle.duty.duty_view` returns and nothing else, and both get their
views from `duty_views` below, so a rating in the overview is the rating in that
organisation's report. Every rating is shown as a word as well as a colour (the colours are
for speed, not meaning: greyscale print and colour-vision deficiency lose nothing), with the
reason the rule gives in full, and every view says first that these are the organisation's
own answers. No evidence text is shown: ratings rest on levels only, so what a team wrote
as evidence (and whether it agreed to share it) does not reach either page.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ...duty import (
    AMBER,
    GREEN,
    GROUPS,
    NOT_ENOUGH,
    RED,
    RULE_WORDS,
    WEAK_BELOW,
    WORDS,
    DutyView,
    Rating,
    duty_view,
)
from ...framework import Framework
from ...words import join_words, plural
from ..data import Scored
from .html import esc

TITLE = "The duty to involve: what these answers show"
ORDER = (GREEN, AMBER, RED, NOT_ENOUGH)
SHORT = {GREEN: "Green", AMBER: "Amber", RED: "Red", NOT_ENOUGH: "Too few"}
COUNT_WORDS = {GREEN: "Green", AMBER: "Amber", RED: "Red", NOT_ENOUGH: "Too few to rate"}
LIMB_WORDS = {"a": "planning", "b": "proposals for change", "c": "decisions"}

RULE = "How each is rated: " + RULE_WORDS[0].lower() + RULE_WORDS[1:]


def duty_views(scored: Scored, period: str, organisations: Iterable[str]) -> dict[str, DutyView]:
    """Each organisation's view for `period`, from its own version of the question bank.

    The one call behind both the report section and the overview panel.
    """
    wanted = [str(o) for o in organisations]
    own = {a.code: a for a in scored.assessments if a.period == period and a.code in wanted}
    items = scored.items[scored.items["period"].astype(str).eq(period)]
    rows = {str(k): g for k, g in items.groupby("organisation", sort=False)}
    return {
        code: duty_view(rows[code], scored.framework_of(own[code]))
        for code in wanted
        if code in own and code in rows
    }


def badge(r: Rating, short: bool = False) -> str:
    """A rating as a word in its colour; the word is the signal, the colour a help."""
    word = SHORT[r.rating] if short else r.word
    cls = r.rating.replace(" ", "-")
    key = f"{r.group}:{r.key}"
    return f'<span class="rag rag-{cls}" data-key="{esc(key)}">{esc(word)}</span>'


def _answer(row: pd.Series | None) -> str:
    """An item's answer as a reader checks it against the rule: '3', '1.5', 'N/A', '–'."""
    if row is None:
        return "–"
    status = row["status"]
    if status == "answered":
        value = float(row["value"])
        mark = "*" if value < WEAK_BELOW else ""
        if "carried_over" in row and bool(row["carried_over"]):
            mark += "†"  # copied from last year and not yet confirmed
        return f"<strong>{value:g}</strong>{mark}"
    if status == "na":
        return "N/A"
    if status == "unknown":
        return "don't know"
    if "afresh" in row and bool(row["afresh"]):
        return "to rate afresh"
    return "not answered"


def _counts(ratings: Iterable[Rating]) -> dict[str, int]:
    out = dict.fromkeys(ORDER, 0)
    for r in ratings:
        out[r.rating] += 1
    return out


def _count_words(counts: dict[str, int]) -> str:
    parts = [f"{counts[k]} {WORDS[k].lower()}" for k in (GREEN, AMBER, RED) if counts[k]]
    if counts[NOT_ENOUGH]:
        parts.append(f"{counts[NOT_ENOUGH]} without enough evidence to rate")
    return join_words(parts) if parts else "none rated"


def _reds(principles: tuple[Rating, ...]) -> str:
    """The red principles by number and name: what a board asks about first."""
    red = [f"{esc(r.key)} ({esc(r.label)})" for r in principles if r.rating == RED]
    if not red:
        return ""
    return f" Red: principle{'s' if len(red) > 1 else ''} {join_words(red)}."


def _label(r: Rating) -> str:
    if r.group == "principle":
        return f"<strong>{esc(r.key)}.</strong> {esc(r.label)}"
    if r.group == "duty":
        return f"<strong>({esc(r.key)})</strong> {esc(r.label)}"
    return esc(r.label)


# ---------------------------------------------------------------- one organisation's report


def report_section(view: DutyView | None, framework: Framework, items: pd.DataFrame) -> str:
    """The report's section: the self-assessment line, the ratings with reasons, the items.

    `items` are the organisation's item-table rows for the period (for the answers shown
    beside each item id); `view` is None only when the organisation has no rows at all.
    """
    tagged = " tagged" if view is not None and view.tagged else ""  # starts a printed page
    head = f"<section class='duty-section{tagged}'><h2>{TITLE}</h2>"
    if view is None:
        return head + "<p>No answers were found to rate.</p></section>"
    if not view.tagged:
        return (
            head + f"<p>Not shown for this assessment: it used version {view.version} of the "
            "question bank, which has no tags to the duty to involve or the principles, so "
            "these ratings cannot be drawn.</p></section>"
        )
    answers = {str(r["item"]): r for _, r in items.iterrows()}
    principles, limbs = view.group("principle"), view.group("duty")
    pc = _counts(principles)
    limb_words = join_words(
        [f"{LIMB_WORDS.get(r.key, r.key)} ({esc(r.key)}) {esc(r.word.lower())}" for r in limbs]
    )
    parts = [
        head,
        f"<p class='selfassess'><strong>A self-assessment.</strong> {esc(view.basis)} "
        "They show what the team's answers say about the duty, not whether it was met.</p>",
        f"<p>The ten principles: {_count_words(pc)}.{_reds(principles)} The three limbs of "
        f"the duty to involve: {limb_words}.</p>",
        f"<p class='muted small'>{esc(RULE)} Each row names the items it rests on with the "
        "answer given (* below Developing; † copied from last year and not yet confirmed); what "
        "each item says is listed at the end of the report.</p>",
    ]
    for group, caption in GROUPS:
        ratings = view.group(group)
        if not ratings:
            continue
        first = {"principle": "Principle", "duty": "Limb of the duty", "domain": "Domain"}[group]
        rows = "".join(_report_row(r, answers) for r in ratings)
        parts.append(
            f"<table class='duty{'' if group == 'principle' else ' short'}'>"
            f"<caption>{esc(caption)}</caption><thead><tr>"
            f"<th class='what'>{first}</th><th class='rating'>Rating</th>"
            "<th class='num'>Answered</th><th>Why</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    parts.append("</section>")
    return "".join(parts)


def _report_row(r: Rating, answers: dict[str, pd.Series]) -> str:
    listed = " · ".join(
        f"<span class='nowrap'>{esc(i)} {_answer(answers.get(i))}</span>" for i in r.items
    )
    return (
        f"<tr><td>{_label(r)}</td><td>{badge(r)}</td>"
        f"<td class='num'>{r.answered} of {r.applicable}</td>"
        f"<td>{esc(r.reason)}<div class='rests'>Rests on {plural(len(r.items), 'item')}: "
        f"{listed}</div></td></tr>"
    )


def items_appendix(view: DutyView | None, framework: Framework, items: pd.DataFrame) -> str:
    """Reference matter at the end of the report: every tagged item, its answer and tags.

    Nothing for an assessment without tags (the section has said why already).
    """
    if view is None or not view.tagged:
        return ""
    answers = {str(r["item"]): r for _, r in items.iterrows()}
    tagged = {i for r in view.ratings for i in r.items}
    rows = []
    for item in framework.items.values():
        if item.id not in tagged:
            continue
        towards = []
        if item.principles:
            towards.append(
                ("principle " if len(item.principles) == 1 else "principles ")
                + ", ".join(str(p) for p in item.principles)
            )
        if item.duty:
            towards.append(
                ("limb " if len(item.duty) == 1 else "limbs ")
                + ", ".join(str(k) for k in item.duty)
            )
        if item.domains:
            towards.append(", ".join(framework.domains[d].lower() for d in item.domains))
        rows.append(
            f"<tr><td class='nowrap'>{esc(item.id)}</td><td>{esc(item.statement)}</td>"
            f"<td class='num'>{_answer(answers.get(item.id))}</td>"
            f"<td>{esc('; '.join(towards))}</td></tr>"
        )
    return (
        "<section class='duty-items-section'><h2>The items behind the duty to involve ratings"
        "</h2><p>What each item tagged to a principle, a limb of the duty or a national domain "
        "says, the team's answer and what it counts towards (see “The duty to involve: what "
        "these answers show”).</p>"
        "<table class='compact duty-items'><thead><tr><th>Item</th><th>Statement</th>"
        "<th class='num'>Answer</th><th>Counts towards</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        "<p class='muted'>Answer: the level agreed (0 Not started to 4 Embedded), or the median "
        "of individual ratings; * below Developing; † copied from last year and not yet "
        "confirmed. Domains are those of the national "
        "assessment used from 2016/17 to 2020/21.</p></section>"
    )


# ---------------------------------------------------------------- the overview panel


def overview_panel(
    views: dict[str, DutyView],
    names: dict[str, str],
    period: str,
    link=lambda code, name: esc(name),
) -> str:
    """Every organisation's principles and limbs in one grid, with counts per rating.

    `views` in the order to show them; `link(code, name)` gives the organisation's cell
    (a link to its report when the batch makes them).
    """
    head = f"<section class='newpage duty-panel'><h2>{TITLE}</h2>"
    rated = [v for v in views.values() if v.tagged]
    old = [v for v in views.values() if not v.tagged]
    basis = (
        "<p class='selfassess'><strong>Self-assessments.</strong> Each rating comes from that "
        "organisation's own answers, not checked by anyone else and not NHS England's "
        "assessment. " + esc(RULE) + "</p>"
    )
    if not rated:
        return (
            head + f"<p>No organisation assessed in {esc(period)} used a version of the "
            "question bank with tags to the duty to involve (version 2 or later), so none can "
            "be rated.</p></section>"
        )
    first = rated[0]
    keys = [("principle", r.key) for r in first.group("principle")]
    keys += [("duty", r.key) for r in first.group("duty")]
    first_limb = ("duty", first.group("duty")[0].key) if first.group("duty") else None
    cols = "".join(
        f"<th class='c' scope='col'>{esc(k if g == 'principle' else f'({k})')}</th>"
        for g, k in keys
    )
    header = (
        "<tr><th rowspan='2'>Organisation</th>"
        f"<th colspan='{len(first.group('principle'))}' class='c'>Principles</th>"
        f"<th colspan='{len(first.group('duty'))}' class='c limbs'>Limbs of the duty</th></tr>"
        f"<tr>{cols}</tr>"
    )
    body = []
    for code, v in views.items():
        who = f"{link(code, names.get(code, code))} <span class='muted'>({esc(code)})</span>"
        if not v.tagged:
            body.append(
                f"<tr data-org='{esc(code)}'><td>{who}</td><td colspan='{len(keys)}' "
                f"class='muted'>not rated (version {v.version})</td></tr>"
            )
            continue
        cells = "".join(
            f"<td class='c{' limbs' if (g, k) == first_limb else ''}'>"
            f"{badge(v.get(g, k), short=True)}</td>"
            for g, k in keys
        )
        body.append(f"<tr data-org='{esc(code)}'><td>{who}</td>{cells}</tr>")
    foot = []
    for rating in ORDER:
        cells = "".join(
            f"<td class='c'>{sum(1 for v in rated if v.get(g, k).rating == rating)}</td>"
            for g, k in keys
        )
        foot.append(
            f"<tr class='count' data-rating='{esc(rating)}'><th scope='row'>"
            f"{esc(COUNT_WORDS[rating])}</th>{cells}</tr>"
        )
    key_list = "".join(
        f"<li><strong>{esc(r.key)}.</strong> {esc(r.label)}</li>" for r in first.group("principle")
    )
    limb_list = "".join(
        f"<li><strong>({esc(r.key)})</strong> {esc(r.label)}</li>" for r in first.group("duty")
    )
    totals = _counts(r for v in rated for r in v.group("principle"))
    lead = (
        f"<p>{len(rated)} of the {plural(len(views), 'organisation')} answered on a version "
        "of the question bank tagged to the duty to involve. Across them, the "
        f"{len(rated) * len(first.group('principle'))} principle ratings are "
        f"{_count_words(totals)}."
    )
    if old:
        lead += (
            f" {plural(len(old), 'organisation')} answered on version 1, which has no tags, "
            f"so {'it is' if len(old) == 1 else 'they are'} not rated."
        )
    lead += "</p>"
    return (
        head
        + basis
        + lead
        + "<table class='compact duty-grid'><caption>Ratings by organisation: principles 1 to "
        f"10 and the three limbs of the duty, {esc(period)}</caption>"
        f"<thead>{header}</thead><tbody>{''.join(body)}</tbody>"
        f"<tfoot>{''.join(foot)}</tfoot></table>"
        "<p class='muted'>Bottom rows: how many organisations have each rating. Too few: not "
        "enough evidence to rate (too few of the tagged items answered). Each organisation's report gives every rating's reason and "
        "the items it rests on.</p>"
        "<div class='cols duty-key'><div><h3>The ten principles</h3>"
        f"<ul class='tight keylist'>{key_list}</ul></div><div><h3>The three limbs of the duty"
        f"</h3><ul class='tight keylist'>{limb_list}</ul></div></div></section>"
    )
