"""One dimension across all organisations (design §6, `notebooks/dimension.ipynb`).

Same shape as the report and the overview: `prepare_dimension()` loads the data,
`tables.build_dimension()` computes every table once, one pure function per section returns
escaped HTML, and the notebook is one call per section.

Good-practice evidence is the sensitive part: an organisation's words appear here only when
its assessment for the period says `share_evidence: true`. The filter lives in
`benchmark.system.good_practice()`, the one place evidence is selected, so no section can
show evidence from an organisation that did not agree.
"""

from __future__ import annotations

import math

import pandas as pd

from ...assessment import period_slug
from ...benchmark.rules import (
    CHANGE_MIN_ITEMS,
    CHANGE_MIN_SHARE,
    NOT_ENOUGH,
    REAL_CHANGE,
    format_change,
    is_change,
)
from ...benchmark.system import GOOD_FROM
from ...charts.system import item_distribution, movers, org_label
from ...errors import EngageError
from ...levels import LEVELS, MAX_LEVEL, band, band_index
from ...scoring import LOW_EVIDENCE_BELOW
from ...words import join_words, plural
from ..data import Scored, read_bundle, resolve_period, score_folder
from ..tables import DimensionData, build_dimension, resolve_dimension, weakest_items
from .html import Html, esc, figure_html, num
from .links import link_href, linkify, report_link
from .page import Page

QUOTES_PER_ITEM = 5


# ---------------------------------------------------------------- sections (pure HTML)


def page_title(d: DimensionData) -> str:
    return f"{d.dimension.title}: across all organisations {d.period}"


def _what(d: DimensionData) -> str:
    fw = d.framework
    if d.dimension.kind == "stage":
        n = [s.id for s in fw.stages].index(d.dimension.id) + 1
        return f"stage {n} of {len(fw.stages)}"
    return f"hub element ({len(fw.hub)} in all)"


def _level_counts(scores: pd.Series) -> dict[int, int]:
    counts = {k: 0 for k in range(MAX_LEVEL + 1)}
    for v in scores.astype(float).dropna():
        counts[band_index(v)] += 1
    return counts


def headline(d: DimensionData) -> str:
    dim = d.dimension
    vals = d.scores["score"].astype(float).dropna()
    n = len(d.scores)
    med = float(vals.median()) if len(vals) else math.nan
    sentences = []
    if len(vals):
        q1, q3 = float(vals.quantile(0.25)), float(vals.quantile(0.75))
        sentences.append(
            f"Across {plural(len(vals), 'organisation')} with a score in {esc(d.period)}, the "
            f"median is <strong>{num(med)}</strong> out of 4: <strong>{esc(band(med))}</strong> "
            f"level. The middle half score between {num(q1)} and {num(q3)}; scores range from "
            f"{num(vals.min())} to {num(vals.max())}."
        )
    else:
        sentences.append(f"No organisation has a score on this dimension in {esc(d.period)}.")
    ch = d.changes[d.changes["direction"].map(is_change)]
    if len(ch):
        up = int(ch["direction"].eq("improved").sum())
        down = int(ch["direction"].eq("declined").sum())
        sentences.append(
            f"Compared like-for-like with their previous assessment, <strong>{up} improved"
            f"</strong> and <strong>{down} declined</strong> ({len(ch) - up - down} no real change)."
        )
    weak = weakest_items(d.summary, 1)
    if len(weak):
        w = weak.iloc[0]
        sentences.append(
            f"The weakest item is <strong>{esc(w['item'])}</strong> (median {num(w['median'])}): "
            f"{esc(w['statement'])}"
        )
    low = int(d.scores["low_evidence"].astype(bool).sum())
    if low:
        sentences.append(
            f"{plural(low, 'organisation')} answered fewer than half of its items: read "
            "those scores with care."
        )
    counts = _level_counts(d.scores["score"])
    chips = "".join(
        f"<li><span class='level level-{k}'>{k} {esc(LEVELS[k])}</span> "
        f"<strong>{counts[k]}</strong></li>"
        for k in range(MAX_LEVEL + 1)
    )
    missing = n - len(vals)
    if missing:
        chips += (
            f"<li><span class='level level-none'>No score</span> <strong>{missing}</strong></li>"
        )
    meta = [
        f"Period {esc(d.period)}",
        esc(_what(d)),
        plural(len(dim.items), "item"),
        plural(n, "organisation"),
    ]
    return (
        '<header class="masthead">'
        '<p class="kicker">Engagement Cycle self-assessment · one dimension across the system</p>'
        f"<h1>{esc(page_title(d))}</h1>"
        f'<p class="meta">{" · ".join(meta)}</p></header>'
        f"<p class='purpose'><strong>What it is for.</strong> {esc(dim.purpose)}</p>"
        '<section class="headline" aria-label="Headline">'
        + "".join(f"<p>{s}</p>" for s in sentences)
        + "</section>"
        + "<h3 class='levelcounts-title'>Organisations at each level</h3>"
        + f"<ul class='levelcounts'>{chips}</ul>"
    )


def items_section(d: DimensionData) -> str:

    s = d.summary
    fw = d.framework
    weak = weakest_items(s, 1)
    title = None
    if len(weak):
        title = (
            f"{weak.iloc[0]['item']} has the lowest median score ({num(weak.iloc[0]['median'])})"
        )
    fig = item_distribution(s, title=title, level_names=fw.levels or LEVELS)
    head = (
        "<tr><th>Item</th><th>Statement</th><th class='num'>Median</th>"
        + "".join(
            f"<th class='num lvl'><span class='level level-{k} swatch' title='{esc(LEVELS[k])}'>"
            f"{k}</span></th>"
            for k in range(MAX_LEVEL + 1)
        )
        + "<th class='num'>N/A</th><th class='num'>Don't know</th>"
        "<th class='num'>Not answered</th></tr>"
    )

    def cell(v: int) -> str:
        return f"<td class='num'>{v}</td>" if v else "<td class='num zero'>·</td>"

    rows = []
    for r in s.itertuples():
        hand = ""
        if r.handover_from:
            src = (
                fw.by_id[r.handover_from].short if r.handover_from in fw.by_id else r.handover_from
            )
            hand = f"<br><span class='muted'>Hand-over from {esc(src)}</span>"
        rows.append(
            f"<tr><td>{esc(r.item)}</td><td>{esc(r.statement)}{hand}</td>"
            f"<td class='num'><strong>{num(r.median) if r.answered else '<span class=muted>none answered</span>'}</strong></td>"
            + "".join(cell(int(getattr(r, f"level_{k}"))) for k in range(MAX_LEVEL + 1))
            + cell(int(r.na))
            + cell(int(r.unknown))
            + cell(int(r.unanswered))
            + "</tr>"
        )
    return (
        "<section><h2>Item by item</h2>"
        f"<p>How the organisations rated each of the {plural(len(s), 'item')} in "
        f"{esc(d.dimension.title)}. Each count is a number of organisations.</p>"
        + figure_html(fig)
        + "<table class='compact counts'><thead>"
        + head
        + f"</thead><tbody>{''.join(rows)}</tbody></table>"
        "<p class='muted'>Median of the answered ratings. N/A: the item does not apply to that "
        "organisation; don't know and not answered count as missing, never as 0.</p></section>"
    )


def weakest_section(d: DimensionData) -> str:
    s = d.summary
    weak = weakest_items(s)
    if weak.empty:
        return (
            "<section><h2>Where the system is weakest</h2>"
            "<p>No item in this dimension has been answered yet.</p></section>"
        )
    parts = []
    for r in weak.itertuples():
        low = int(r.level_0 + r.level_1)
        unsure = int(r.unknown)
        extra = f" {plural(unsure, 'organisation')} did not know." if unsure else ""
        parts.append(
            f"<li><strong>{esc(r.item)}</strong>: {esc(r.statement)} "
            f"<span class='muted'>Median {num(r.median)} ({esc(band(r.median))}); "
            f"{low} of {int(r.answered)} organisations answering are at Not started or "
            f"Emerging.{extra}</span></li>"
        )
    strongest = s[s["answered"].gt(0)].sort_values("median", ascending=False, kind="stable")
    best = ""
    if len(strongest) > len(weak):
        b = strongest.iloc[0]
        best = (
            f"<p>By contrast, the strongest item is <strong>{esc(b['item'])}</strong> "
            f"(median {num(b['median'])}): {esc(b['statement'])}</p>"
        )
    return (
        "<section><h2>Where the system is weakest</h2>"
        f"<p>The {plural(len(weak), 'item')} with the lowest median across organisations: "
        "the places where shared support, guidance or peer learning would do most good.</p>"
        f"<ol class='tight'>{''.join(parts)}</ol>" + best + "</section>"
    )


def movement_section(d: DimensionData, report_links: str = "") -> str:

    ch = d.changes
    comparable = ch[ch["direction"].map(is_change)]
    first = ch[ch["previous_period"].eq("")]
    not_comp = ch[ch["direction"].eq(NOT_ENOUGH)]
    short = d.dimension.short
    if comparable.empty:
        return (
            "<section><h2>Change since the previous assessment</h2>"
            "<p>No organisation can be compared with an earlier year on this dimension.</p>"
            + (f"<p class='muted'>Not compared ({'; '.join(_not_compared(first, not_comp))}).</p>")
            + "</section>"
        )
    up = int(comparable["direction"].eq("improved").sum())
    down = int(comparable["direction"].eq("declined").sum())
    same = len(comparable) - up - down
    lead = (
        f"<p>Of the {plural(len(comparable), 'organisation')} that can be compared on "
        f"{esc(d.dimension.title)} with their previous assessment, {up} improved, {down} "
        f"declined and {same} showed no real change.</p>"
    )
    notes = []
    if len(first):
        notes.append(f"first assessment: {esc(join_words(list(first['organisation'])))}")
    if len(not_comp):
        notes.append(
            "too few comparable answers (a change needs at least "
            f"{CHANGE_MIN_ITEMS} items and {CHANGE_MIN_SHARE:.0%} of the applicable ones "
            f"answered in both years): {esc(join_words(list(not_comp['organisation'])))}"
        )
    if notes:
        lead += f"<p class='muted'>Not compared ({'; '.join(notes)}).</p>"
    chart_df = comparable.assign(
        label=[org_label(r.organisation, r.name, 36) for r in comparable.itertuples()]
    )
    fig = movers(chart_df, title=f"{up} improved and {down} declined on {short}")
    rows = "".join(
        f"<tr><td>{report_link(r.organisation, r.name, report_links, period_slug(d.period))}</td>"
        f"<td class='num'>{esc(r.previous_period)}</td>"
        f"<td class='num'>{num(r.score_then)}</td><td class='num'>{num(r.score_now)}</td>"
        f"<td class='num'>{format_change(r.change)}</td><td class='num'>{int(r.items_compared)}</td>"
        f"<td>{esc(r.direction)}</td></tr>"
        for r in comparable.sort_values(
            ["change", "organisation"], ascending=[False, True]
        ).itertuples()
    )
    return (
        "<section><h2>Change since the previous assessment</h2>"
        + lead
        + figure_html(fig)
        + "<table class='compact'><thead><tr><th>Organisation</th><th class='num'>Since</th>"
        "<th class='num'>Then</th><th class='num'>Now</th><th class='num'>Change</th>"
        "<th class='num'>Items</th><th>Result</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        "<p class='muted'>Then and now are recomputed on the items answered in both years "
        "only, so they can differ from each year's published score. Only organisations with "
        "enough comparable answers are listed and charted.</p></section>"
    )


def _not_compared(first: pd.DataFrame, not_comp: pd.DataFrame) -> list[str]:
    notes = []
    if len(first):
        notes.append(f"first assessment: {esc(join_words(list(first['organisation'])))}")
    if len(not_comp):
        notes.append(
            f"too few comparable answers: {esc(join_words(list(not_comp['organisation'])))}"
        )
    return notes or ["none"]


def good_practice_section(d: DimensionData, report_links: str = "") -> str:
    g = d.good_practice
    parts = [
        "<section><h2>Good practice to learn from</h2>"
        f"<p>Evidence recorded by organisations rated {GOOD_FROM:g} (Established) or 4 "
        "(Embedded) on an item, quoted as they wrote it, from organisations that agreed to "
        "share their evidence with others.</p>"
    ]
    if g.empty:
        parts.append(
            f"<p class='note'>No shared evidence is available for {esc(d.dimension.title)} in "
            f"{esc(d.period)}: no organisation rated {GOOD_FROM:g} or 4 on these items has "
            "both recorded evidence and agreed to share it.</p>"
        )
    for item, grp in g.groupby("item", sort=False):
        shown = grp.head(QUOTES_PER_ITEM)
        quotes = "".join(
            f"<blockquote>{linkify(r.evidence)}<span class='who'>"
            f"{report_link(r.organisation, r.name, report_links, period_slug(d.period))} "
            f"({esc(r.organisation)}) · rated {float(r.value):g} ({esc(band(r.value))})</span>"
            "</blockquote>"
            for r in shown.itertuples()
        )
        more = ""
        if len(grp) > len(shown):
            more = f"<p class='muted'>And {len(grp) - len(shown)} more for this item.</p>"
        parts.append(
            f"<div class='quote-item'><h3>{esc(item)}</h3>"
            f"<p class='statement'>{esc(grp['statement'].iloc[0])}</p>{quotes}{more}</div>"
        )
    if d.withheld:
        parts.append(
            f"<p class='muted'>{plural(d.withheld, 'further example')} from organisations "
            f"rated {GOOD_FROM:g} or 4 {'is' if d.withheld == 1 else 'are'} not shown because "
            "those organisations have not agreed to share their evidence "
            "(<code>share_evidence</code> in the assessment file).</p>"
        )
    parts.append("</section>")
    return "".join(parts)


def method_note(d: DimensionData) -> str:
    fw = d.framework
    return (
        "<section class='method'><h2>How to read this page</h2><ul class='tight'>"
        "<li><strong>Scores</strong> run from 0 (Not started) to 4 (Embedded). An "
        "organisation's score on a dimension is the average of its answered items; N/A items "
        "are left out and “don't know” counts as unanswered.</li>"
        "<li><strong>Median</strong>: half the organisations score at or below it; the "
        "<strong>middle half</strong> lies between the lower and upper quartiles.</li>"
        "<li>Item counts place each organisation's rating in its level band; where several "
        "participants rated an item, their median is used (2.5 counts as Established).</li>"
        f"<li><strong>Low evidence</strong> means fewer than {LOW_EVIDENCE_BELOW * 100:.0f}% "
        "of the dimension's applicable items were answered.</li>"
        "<li><strong>Change</strong> compares each organisation with its own most recent "
        "earlier assessment on like-for-like items (answered in both years, this year's "
        "answer given or confirmed this year). A change of "
        f"{REAL_CHANGE:g} or more either way counts as real. It is measured only when at "
        f"least {CHANGE_MIN_ITEMS} of the dimension's items, and {CHANGE_MIN_SHARE:.0%} of "
        "those that apply, can be compared.</li>"
        "<li><strong>Good practice</strong> quotes only organisations whose assessment sets "
        "<code>share_evidence: true</code>; the words are theirs and have not been checked.</li>"
        "</ul><p class='muted'>"
        f"Framework: {esc(fw.title)} (version {fw.version}).</p></section>"
    )


# ---------------------------------------------------------------- what the notebook calls


class DimensionPage(Page):
    """The dimension notebook's one object: one method per section, each returning Html."""

    sections = ("headline", "items", "weakest", "movement", "good_practice", "method")

    def __init__(self, scored: Scored, data: DimensionData, report_links: str = ""):
        self.scored = scored
        self.data = data
        self.framework = data.framework
        self.report_links = str(report_links or "").strip()
        link_href(self.report_links, "report_links", organisation="X", period="2024-25")

    @property
    def title(self) -> str:
        return page_title(self.data)

    def headline(self) -> Html:
        return self.head(headline(self.data))

    def items(self) -> Html:
        return Html(items_section(self.data))

    def weakest(self) -> Html:
        return Html(weakest_section(self.data))

    def movement(self) -> Html:
        return Html(movement_section(self.data, self.report_links))

    def good_practice(self) -> Html:
        return Html(good_practice_section(self.data, self.report_links))

    def method(self) -> Html:
        return Html(method_note(self.data))


def prepare_dimension(
    dimension="monitor",
    period="latest",
    *,
    assessments: str = "assessments",
    bundle: str = "",
    report_links: str = "",
) -> DimensionPage:
    """Load (or read the batch's bundle) and build one dimension's page for one period.

    Raises EngageError for an unknown dimension (listing the valid ids) or period.
    """
    scored = read_bundle(bundle) if bundle else score_folder(assessments)
    dim = resolve_dimension(dimension, scored.framework)
    periods = sorted({a.period for a in scored.assessments})
    if not periods:
        raise EngageError(f"no assessments found in {assessments!r}")
    per = resolve_period(period, periods)
    framework = scored.framework_for_period(per)
    data = build_dimension(scored.scores, scored.items, scored.assessments, framework, per, dim)
    return DimensionPage(scored, data, report_links)
