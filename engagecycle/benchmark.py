"""Benchmarking and year on year (design §5, contract) as pure functions over pandas.

Everything here reads the tidy score table and the item table from `scoring` (plus the
`Assessment` objects for actions) and returns small DataFrames a report can print or chart.
Nothing reads files, so every rule can be tested on hand-computed fixtures.

Two choices worth knowing about:

- The percentile rank is computed here rather than with `scipy.stats.percentileofscore`:
  importing `scipy.stats` costs about 0.4 s in every fresh report kernel, which matters in a
  batch of hundreds of reports. The formula is scipy's `kind="mean"` and a test checks the
  two agree.
- Privacy comes first: when fewer than `min_peers` other organisations have a score, every
  peer statistic (and the percentile and band derived from them) is blanked out, not just
  hidden by the caller, so a careless notebook cannot leak a small peer set.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .assessment import Assessment, normalise_code, normalise_period, period_start
from .errors import EngageError
from .framework import STAGE_IDS, Framework
from .levels import band, bands

MIN_PEERS = 5
REAL_CHANGE = 0.25
TOLERANCE = 1e-9
# A change is called a change only when it rests on enough like-for-like answers (items
# answered in both years, this year's answer given or confirmed this year): at least
# CHANGE_MIN_ITEMS of them, making up at least CHANGE_MIN_SHARE of this year's applicable
# items, for a dimension and for hub, cycle and overall alike. Below that the report says
# "not enough comparable answers" and shows no change. Documented in docs/scoring.md §7.
CHANGE_MIN_ITEMS = 2
CHANGE_MIN_SHARE = 0.5
NOT_ENOUGH = "not enough comparable answers"
CHANGES = ("improved", "declined", "no real change")  # the directions that are a finding
# Unconfirmed carried-over answers: the report's headline warns when at least this share of
# the answers were copied from the year before and not yet confirmed (docs/scoring.md §7).
UNCONFIRMED_WARN_SHARE = 0.1
STRENGTH_FROM = 2.5  # "Established" or better
DROPPED_BELOW = 2.0  # a hand-over below "Developing" has dropped the baton
AGGREGATES = ("hub", "cycle", "overall")

PEER_COLUMNS = [
    "dimension",
    "title",
    "kind",
    "score",
    "level",
    "completeness",
    "low_evidence",
    "target",
    "peer_n",
    "peer_min",
    "peer_q1",
    "peer_median",
    "peer_q3",
    "peer_max",
    "percentile",
    "band",
    "shown",
]
PEER_STATS = ["peer_min", "peer_q1", "peer_median", "peer_q3", "peer_max"]
YOY_COLUMNS = [
    "dimension",
    "previous_period",
    "items_compared",
    "applicable",
    "coverage",
    "score_then",
    "score_now",
    "change",
    "direction",
]
BATON_COLUMNS = [
    "from_stage",
    "to_stage",
    "item",
    "statement",
    "value",
    "level",
    "status",
    "evidence",
    "dropped",
    "state",
]
PICK_COLUMNS = [
    "dimension",
    "title",
    "kind",
    "score",
    "level",
    "target",
    "percentile",
    "band",
    "reason",
]
DISCUSS_COLUMNS = [
    "item",
    "dimension",
    "statement",
    "value",
    "spread",
    "n_raters",
    "flag",
    "resolved",
    "reason",
]
UNCONFIRMED_COLUMNS = ["item", "dimension", "statement", "value", "status", "level_recorded"]
GAP_COLUMNS = ["item", "dimension", "statement", "evidence"]
HIGHLIGHT_COLUMNS = ["item", "dimension", "statement", "value", "level", "evidence"]
PROGRESS_COLUMNS = [
    "dimension",
    "action",
    "owner",
    "due",
    "status_then",
    "carried_forward",
    "status_now",
]
PLAN_COLUMNS = ["dimension", "action", "owner", "due", "status", "overdue"]


def format_change(change: float) -> str:
    """A change on the 0-4 scale for reading: one decimal with a true minus sign.

    Two decimals when one would misstate the 0.25 threshold (an exact +0.25 is a real
    change, but rounds to "+0.2", which a reader would take for no real change).
    """
    v = float(change)
    digits = 1
    if (abs(round(v, 1)) >= REAL_CHANGE) != (abs(v) >= REAL_CHANGE - 1e-9):
        digits = 2
    r = round(v, digits)
    if r == 0:
        return f"{0:.{digits}f}"
    return f"+{r:.{digits}f}" if r > 0 else f"−{abs(r):.{digits}f}"


# ---------------------------------------------------------------- percentile and band


def percentile_rank(peer_scores: Iterable[float], own: float) -> float:
    """Percentile rank of `own` among `peer_scores`, as scipy's percentileofscore(kind="mean").

    Mean of the "strictly below" and "at or below" percentages, so ties count half. Missing
    peer scores are ignored; with no peers or no own score the answer is NaN.
    """
    a = np.asarray(list(peer_scores), dtype=float)
    a = a[~np.isnan(a)]
    if own is None or a.size == 0:
        return math.nan
    own = float(own)
    if math.isnan(own):
        return math.nan
    below = np.count_nonzero(a < own)
    at_or_below = np.count_nonzero(a <= own)
    return (below + at_or_below) / 2 / a.size * 100


def quartile_band(pct: float) -> str:
    """'top', 'second', 'third' or 'bottom' quarter of peers; '' when there is no percentile."""
    if pct is None or (isinstance(pct, float) and math.isnan(pct)):
        return ""
    if pct >= 75:
        return "top"
    if pct >= 50:
        return "second"
    if pct >= 25:
        return "third"
    return "bottom"


# ---------------------------------------------------------------- helpers


def _keys(organisation, period) -> tuple[str, str]:
    """Papermill and Excel hand codes over as numbers; compare everything as text."""
    return normalise_code(organisation), normalise_period(period)


def _require(table: pd.DataFrame, organisation: str, period: str, what: str) -> None:
    """Raise a clear EngageError when the table has nothing for this organisation/period."""
    orgs = table["organisation"].astype(str)
    periods = table["period"].astype(str)
    if ((orgs == organisation) & (periods == period)).any():
        return
    in_period = sorted(orgs[periods == period].unique())
    for_org = sorted(periods[orgs == organisation].unique(), key=period_start)
    all_periods = sorted(periods.unique(), key=period_start)
    parts = [f"no {what} for organisation {organisation!r} in period {period!r}."]
    if for_org:
        parts.append(f"Periods with an assessment for {organisation}: {', '.join(for_org)}.")
    else:
        parts.append(f"{organisation} has no assessment in any period.")
    if in_period:
        parts.append(f"Organisations with an assessment in {period}: {', '.join(in_period)}.")
    else:
        parts.append(
            f"Nobody has an assessment in {period}; periods available: "
            f"{', '.join(all_periods) or 'none'}."
        )
    raise EngageError(" ".join(parts))


def _is_missing(value) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _fmt(score: float) -> str:
    """A 0-4 score rounded for reading (one decimal)."""
    return f"{score:.1f}"


def _statements(items: pd.Series, framework: Framework | None) -> list[str]:
    """The statement of each item id ("" without a framework: the item table has none)."""
    if framework is None:
        return [""] * len(items)
    return [framework.items[i].statement if i in framework.items else "" for i in items]


def _own_items(items: pd.DataFrame, organisation, period) -> pd.DataFrame:
    org, per = _keys(organisation, period)
    _require(items, org, per, "answers")
    mask = items["organisation"].astype(str).eq(org) & items["period"].astype(str).eq(per)
    return items[mask]


# ---------------------------------------------------------------- peers


def peer_table(
    scores: pd.DataFrame,
    organisation,
    period,
    *,
    peer_group: str | None = None,
    min_peers: int = MIN_PEERS,
) -> pd.DataFrame:
    """The organisation's scores beside its peers', one row per dimension then hub/cycle/overall.

    Peers for a row are every *other* organisation with a score on that row in the same period
    (only those in `peer_group` when given). A missing peer score is left out, never read as 0.
    When fewer than `min_peers` peers remain the statistics are blanked (`shown` False) but
    `peer_n` is still reported so the reader knows why.
    """
    org, per = _keys(organisation, period)
    _require(scores, org, per, "scores")
    orgs = scores["organisation"].astype(str)
    in_period = scores[scores["period"].astype(str).eq(per)]
    own = in_period[orgs[in_period.index].eq(org)]
    peers = in_period[~orgs[in_period.index].eq(org)]
    if peer_group is not None:
        peers = peers[peers["peer_group"].astype(str).eq(str(peer_group))]
    peers = peers[peers["score"].notna()]
    by_dim = {d: g["score"].astype(float) for d, g in peers.groupby("dimension", sort=False)}

    rows = []
    for _, r in own.iterrows():
        peer = by_dim.get(r["dimension"], pd.Series(dtype=float))
        n = int(peer.size)
        shown = n >= min_peers and n > 0
        score = float(r["score"]) if not _is_missing(r["score"]) else math.nan
        row = {
            "dimension": r["dimension"],
            "title": r["title"],
            "kind": r["kind"],
            "score": score,
            "level": r["level"],
            "completeness": r["completeness"],
            "low_evidence": bool(r["low_evidence"]),
            "target": r["target"],
            "peer_n": n,
            "shown": shown,
        }
        if shown:
            row.update(
                peer_min=float(peer.min()),
                peer_q1=float(peer.quantile(0.25)),
                peer_median=float(peer.quantile(0.5)),
                peer_q3=float(peer.quantile(0.75)),
                peer_max=float(peer.max()),
            )
            row["percentile"] = percentile_rank(peer, score)
            row["band"] = quartile_band(row["percentile"])
        else:
            row.update({c: math.nan for c in PEER_STATS}, percentile=math.nan, band="")
        rows.append(row)
    out = pd.DataFrame(rows, columns=PEER_COLUMNS)
    for c in ["score", "completeness", "percentile", *PEER_STATS]:
        out[c] = out[c].astype(float)
    out["peer_n"] = out["peer_n"].astype(int)
    out["shown"] = out["shown"].astype(bool)
    out["target"] = out["target"].astype("Float64")
    return out.reset_index(drop=True)


def peer_set(scores: pd.DataFrame, organisation, period, peer_group: str | None = None) -> list:
    """Codes of the other organisations assessed in the period (in the peer group if given)."""
    org, per = _keys(organisation, period)
    sub = scores[scores["period"].astype(str).eq(per)]
    sub = sub[~sub["organisation"].astype(str).eq(org)]
    if peer_group is not None:
        sub = sub[sub["peer_group"].astype(str).eq(str(peer_group))]
    return sorted(sub["organisation"].astype(str).unique())


def peer_basis(n: int, period: str, peer_group: str | None, min_peers: int = MIN_PEERS) -> str:
    """One line saying what the peer comparison rests on, e.g. '13 other organisations in 2024/25'."""
    who = "no other organisations" if n == 0 else f"{n} other organisation{'s' if n != 1 else ''}"
    where = f"in the {peer_group} peer group in {period}" if peer_group else f"in {period}"
    text = f"{who} {where}"
    if n < min_peers:
        text += f" – too few to compare (minimum {min_peers})"
    return text


# ---------------------------------------------------------------- year on year


def _direction(change: float) -> str:
    if math.isnan(change):
        return ""
    if change >= REAL_CHANGE - TOLERANCE:
        return "improved"
    if change <= -REAL_CHANGE + TOLERANCE:
        return "declined"
    return "no real change"


def earlier_period(table: pd.DataFrame, organisation, period) -> str | None:
    """The organisation's most recent period before `period` (not necessarily the year before)."""
    org, per = _keys(organisation, period)
    mine = table[table["organisation"].astype(str).eq(org)]["period"].astype(str).unique()
    earlier = [p for p in mine if period_start(p) < period_start(per)]
    return max(earlier, key=period_start) if earlier else None


def is_change(direction: object) -> bool:
    """Is this year-on-year direction a finding (improved, declined, no real change)?"""
    return direction in CHANGES


def enough_to_compare(n: int, applicable: int) -> bool:
    """Do `n` like-for-like items out of `applicable` support calling a change a change?"""
    return (
        applicable > 0 and n >= CHANGE_MIN_ITEMS and n / applicable >= CHANGE_MIN_SHARE - TOLERANCE
    )


def year_on_year(items: pd.DataFrame, organisation, period, framework: Framework) -> pd.DataFrame:
    """Change since the organisation's most recent earlier assessment, like for like.

    Comparable items are those answered in *both* years whose answer this year was given or
    confirmed this year: an answer carried over from last year and not yet confirmed only
    repeats last year's, so comparing it would report "no real change" on nothing. Each
    dimension score is recomputed over its comparable items alone, so a team that answered
    more items this year is not credited (or blamed) for the new ones.

    A change is reported only with enough comparable items (`enough_to_compare`: at least
    CHANGE_MIN_ITEMS, and CHANGE_MIN_SHARE of this year's applicable items); otherwise
    `direction` is NOT_ENOUGH and the scores and change are left blank. Hub, cycle and overall
    are means of the dimensions with any comparable item (design §5), and need the same
    coverage over all their items; `items_compared` is always the number of comparable items,
    so "on the 40 items answered in both years" means exactly those 40. With no earlier
    assessment, `direction` is "".
    """
    org, per = _keys(organisation, period)
    now = _own_items(items, org, per)
    prev = earlier_period(items, org, per)
    previous_period = prev or ""

    then = (
        items[items["organisation"].astype(str).eq(org) & items["period"].astype(str).eq(prev)]
        if prev
        else items.iloc[0:0]
    )
    fresh = now["status"].eq("answered") & ~now["carried_over"].astype(bool)
    a = now[fresh][["item", "dimension", "weight", "value"]]
    b = then[then["status"].eq("answered")][["item", "value"]]
    both = a.merge(b, on="item", suffixes=("_now", "_then"))
    applicable = now[now["status"].ne("na")].groupby("dimension").size().to_dict()

    rows = []
    comparable: dict[str, tuple[float, float, int]] = {}
    for d in framework.dimensions:
        sub = both[both["dimension"].eq(d.id)]
        n, app = len(sub), int(applicable.get(d.id, 0))
        s_then = s_now = math.nan
        if n:
            w = sub["weight"].astype(float)
            comparable[d.id] = (
                float((sub["value_then"] * w).sum() / w.sum()),
                float((sub["value_now"] * w).sum() / w.sum()),
                n,
            )
            if prev and enough_to_compare(n, app):
                s_then, s_now, _ = comparable[d.id]
        rows.append((d.id, n, app, s_then, s_now))

    kinds = {
        "hub": [d.id for d in framework.hub],
        "cycle": [d.id for d in framework.stages],
        "overall": [d.id for d in framework.dimensions],
    }
    for name, members in kinds.items():
        present = [comparable[m] for m in members if m in comparable]
        n = sum(p[2] for p in present)
        app = sum(int(applicable.get(m, 0)) for m in members)
        s_then = s_now = math.nan
        if prev and present and enough_to_compare(n, app):
            s_then = float(np.mean([p[0] for p in present]))
            s_now = float(np.mean([p[1] for p in present]))
        rows.append((name, n, app, s_then, s_now))

    def direction(change: float) -> str:
        if not prev:
            return ""
        return NOT_ENOUGH if math.isnan(change) else _direction(change)

    out = pd.DataFrame(
        [
            {
                "dimension": dim,
                "previous_period": previous_period,
                "items_compared": n,
                "applicable": app,
                "coverage": n / app if app else math.nan,
                "score_then": s_then,
                "score_now": s_now,
                "change": s_now - s_then,
                "direction": direction(s_now - s_then),
            }
            for dim, n, app, s_then, s_now in rows
        ],
        columns=YOY_COLUMNS,
    )
    out["items_compared"] = out["items_compared"].astype(int)
    out["applicable"] = out["applicable"].astype(int)
    out["coverage"] = out["coverage"].astype(float)
    return out


# ---------------------------------------------------------------- the baton


def baton(items: pd.DataFrame, organisation, period, framework: Framework) -> pd.DataFrame:
    """The five hand-overs round the cycle, identify -> develop first, monitor -> identify last.

    Each hand-over is checked by the one item in the *receiving* stage tagged `handover_from`.
    An answered value below 2 (Developing) means the baton was dropped; an unanswered or
    "unknown" item is "not known" - we never claim a drop the data cannot show.
    """
    own = _own_items(items, organisation, period).set_index("item")
    receivers = framework.handover_items()
    order = list(STAGE_IDS[1:]) + [STAGE_IDS[0]]  # develop (from identify) ... identify
    rows = []
    for to_stage in order:
        it = receivers.get(to_stage)
        if it is None:
            continue
        r = own.loc[it.id] if it.id in own.index else None
        status = str(r["status"]) if r is not None else "unanswered"
        value = float(r["value"]) if r is not None and status == "answered" else math.nan
        dropped = status == "answered" and value < DROPPED_BELOW
        if status == "answered":
            state = "dropped" if dropped else "passed"
        elif status == "na":
            state = "not applicable"
        else:
            state = "not known"
        rows.append(
            {
                "from_stage": it.handover_from,
                "to_stage": to_stage,
                "item": it.id,
                "statement": it.statement,
                "value": value,
                "level": band(value),
                "status": status,
                "evidence": str(r["evidence"]) if r is not None else "",
                "dropped": dropped,
                "state": state,
            }
        )
    out = pd.DataFrame(rows, columns=BATON_COLUMNS)
    out["value"] = out["value"].astype(float)
    out["dropped"] = out["dropped"].astype(bool)
    return out


# ---------------------------------------------------------------- strengths and priorities


def _dimensions_only(peer: pd.DataFrame) -> pd.DataFrame:
    dims = peer[~peer["dimension"].isin(AGGREGATES)].copy()
    dims["_order"] = range(len(dims))
    return dims


def _picked(dims: pd.DataFrame, reasons: dict[str, list[str]], ascending: bool) -> pd.DataFrame:
    sub = dims[dims["dimension"].isin(reasons)].copy()
    sub["reason"] = ["; ".join(reasons[d]) for d in sub["dimension"]]
    sub = sub.sort_values(["score", "_order"], ascending=[ascending, True], na_position="last")
    out = sub[PICK_COLUMNS].reset_index(drop=True)
    out["score"] = out["score"].astype(float)
    return out


def strengths(peer: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """What is going well: the `n` highest dimensions at Established or better, plus any in the
    top quarter of peers (when peers are shown). Low-evidence dimensions never qualify: a
    strength resting on one answered item would not survive a board member's question."""
    dims = _dimensions_only(peer)
    ok = dims[dims["score"].notna() & ~dims["low_evidence"].astype(bool)]
    reasons: dict[str, list[str]] = {}
    high = ok[ok["score"].round(9) >= STRENGTH_FROM]
    high = high.sort_values(["score", "_order"], ascending=[False, True]).head(n)
    for _, r in high.iterrows():
        reasons.setdefault(r["dimension"], []).append(
            f"one of the highest scores ({_fmt(r['score'])}, {r['level']})"
        )
    for _, r in ok[ok["shown"].astype(bool) & ok["band"].eq("top")].iterrows():
        reasons.setdefault(r["dimension"], []).append("in the top quarter of peers")
    return _picked(dims, reasons, ascending=False)


def priorities(peer: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """Where to focus: the `n` lowest dimensions, plus any below their own target, plus any in
    the bottom quarter of peers (when peers are shown). Lowest first. A dimension with no
    score is not a priority here (it shows up as an evidence gap instead)."""
    dims = _dimensions_only(peer)
    scored = dims[dims["score"].notna()]
    reasons: dict[str, list[str]] = {}
    low = scored.sort_values(["score", "_order"], ascending=[True, True]).head(n)
    for _, r in low.iterrows():
        reasons.setdefault(r["dimension"], []).append(
            f"one of the lowest scores ({_fmt(r['score'])}, {r['level']})"
        )
    for _, r in scored.iterrows():
        target = r["target"]
        if not _is_missing(target) and r["score"] < float(target) - TOLERANCE:
            reasons.setdefault(r["dimension"], []).append(f"below its target of {int(target)}")
    for _, r in scored[scored["shown"].astype(bool) & scored["band"].eq("bottom")].iterrows():
        reasons.setdefault(r["dimension"], []).append("in the bottom quarter of peers")
    for _, r in scored[scored["low_evidence"].astype(bool)].iterrows():
        if r["dimension"] in reasons:
            reasons[r["dimension"]].append("few items answered, so treat with care")
    return _picked(dims, reasons, ascending=True)


# ---------------------------------------------------------------- items to discuss, evidence


def discussion_items(
    items: pd.DataFrame, organisation, period, framework: Framework | None = None
) -> pd.DataFrame:
    """Items flagged in the workshop or where raters were two or more levels apart.

    Open ones (no `agreed` outcome recorded) first, then resolved ones; within each, widest
    disagreement first. `statement` is filled when `framework` is given.
    """
    own = _own_items(items, organisation, period)
    spread = own["spread"].astype(float)
    wide = spread.ge(2)
    flag = own["flag"].astype(bool)
    sub = own[flag | wide].copy()
    reasons = []
    for _, r in sub.iterrows():
        why = []
        if r["flag"]:
            why.append("flagged for discussion in the workshop")
        if not _is_missing(r["spread"]) and r["spread"] >= 2:
            why.append(f"ratings differed by {int(r['spread'])} levels")
        reasons.append("; ".join(why))
    sub["reason"] = reasons
    sub["statement"] = _statements(sub["item"], framework)
    sub["_o"] = range(len(sub))
    sub["resolved"] = sub["resolved"].astype(bool)
    sub = sub.sort_values(
        ["resolved", "spread", "_o"], ascending=[True, False, True], na_position="last"
    )
    out = sub[DISCUSS_COLUMNS].reset_index(drop=True)
    out["n_raters"] = out["n_raters"].astype(int)
    out["flag"] = out["flag"].astype(bool)
    out["resolved"] = out["resolved"].astype(bool)
    return out


def unconfirmed_answers(
    items: pd.DataFrame, organisation, period, framework: Framework | None = None
) -> pd.DataFrame:
    """Answers carried over from the year before that the team has not confirmed, in order."""
    own = _own_items(items, organisation, period)
    sub = own[own["carried_over"].astype(bool) & own["status"].ne("unanswered")].copy()
    sub["statement"] = _statements(sub["item"], framework)
    out = sub[UNCONFIRMED_COLUMNS].reset_index(drop=True)
    out["value"] = out["value"].astype(float)
    return out


def evidence_gaps(
    items: pd.DataFrame, organisation, period, framework: Framework | None = None
) -> pd.DataFrame:
    """Items the team said they did not know ("unknown"), in framework order."""
    own = _own_items(items, organisation, period)
    sub = own[own["status"].eq("unknown")].copy()
    sub["statement"] = _statements(sub["item"], framework)
    return sub[GAP_COLUMNS].reset_index(drop=True)


def evidence_highlights(
    items: pd.DataFrame,
    organisation,
    period,
    n: int = 6,
    framework: Framework | None = None,
) -> pd.DataFrame:
    """The best-supported answers: answered items with evidence, highest value first, then the
    fullest evidence (longest text) - a cheap but fair proxy for "most to show"."""
    own = _own_items(items, organisation, period)
    sub = own[own["status"].eq("answered") & own["evidence"].astype(str).str.strip().ne("")].copy()
    sub["_len"] = sub["evidence"].astype(str).str.len()
    sub["_o"] = range(len(sub))
    sub = sub.sort_values(["value", "_len", "_o"], ascending=[False, False, True]).head(n)
    sub["level"] = bands(sub["value"])
    sub["statement"] = _statements(sub["item"], framework)
    out = sub[HIGHLIGHT_COLUMNS].reset_index(drop=True)
    out["value"] = out["value"].astype(float)
    return out


# ---------------------------------------------------------------- actions


def _norm_text(text: str) -> str:
    """Action text compared case- and space-insensitively ("Run  Sessions" == "run sessions")."""
    return " ".join(str(text).split()).casefold()


def action_progress(current: Assessment, previous: Assessment | None) -> pd.DataFrame:
    """Last year's actions, their status then, and whether (and how) they carry on this year.

    An action carries forward when this year's plan has one with the same words, ignoring
    case and spacing - exactly what `carry_forward` copies across.
    """
    if previous is None:
        return pd.DataFrame(columns=PROGRESS_COLUMNS).astype({"carried_forward": bool})
    now = {}
    for a in current.actions():
        now.setdefault(_norm_text(a.action), a.status)
    rows = []
    for a in previous.actions():
        key = _norm_text(a.action)
        rows.append(
            {
                "dimension": a.dimension,
                "action": a.action,
                "owner": a.owner,
                "due": a.due,
                "status_then": a.status,
                "carried_forward": key in now,
                "status_now": now.get(key, ""),
            }
        )
    out = pd.DataFrame(rows, columns=PROGRESS_COLUMNS)
    out["carried_forward"] = out["carried_forward"].astype(bool)
    return out


def action_plan(current: Assessment, today: date | None = None) -> pd.DataFrame:
    """This year's actions by due date (undated last); `overdue` = still open and past due.

    `today` is an argument so a report is reproducible; it defaults to the real date.
    """
    today = today or date.today()
    acts = current.actions()
    rows = [
        {
            "dimension": a.dimension,
            "action": a.action,
            "owner": a.owner,
            "due": a.due,
            "status": a.status,
            "overdue": a.status == "open" and a.due is not None and a.due < today,
        }
        for a in sorted(acts, key=lambda a: (a.due is None, a.due or date.min, a.index))
    ]
    out = pd.DataFrame(rows, columns=PLAN_COLUMNS)
    out["overdue"] = out["overdue"].astype(bool)
    return out


# ---------------------------------------------------------------- everything for one report


@dataclass
class ReportData:
    """Everything one organisation's report needs, computed once by `build_report_data`."""

    organisation: str
    name: str
    period: str
    own: Assessment
    previous: Assessment | None
    previous_period: str
    peer_group: str | None
    min_peers: int
    peer_count: int
    peer_basis: str
    scores: pd.DataFrame  # this organisation's rows of the score table
    peer: pd.DataFrame
    year_on_year: pd.DataFrame
    baton: pd.DataFrame
    strengths: pd.DataFrame
    priorities: pd.DataFrame
    discussion: pd.DataFrame
    unconfirmed: pd.DataFrame
    evidence_gaps: pd.DataFrame
    evidence_highlights: pd.DataFrame
    action_progress: pd.DataFrame
    action_plan: pd.DataFrame
    today: date = field(default_factory=date.today)


def _find(assessments: Sequence[Assessment], org: str, period: str | None) -> Assessment | None:
    if period is None:
        return None
    for a in assessments:
        if a.code == org and a.period == period:
            return a
    return None


def build_report_data(
    scores: pd.DataFrame,
    items: pd.DataFrame,
    assessments: Iterable[Assessment],
    framework: Framework,
    organisation,
    period,
    *,
    peer_group: str | None = None,
    min_peers: int = MIN_PEERS,
    today: date | None = None,
) -> ReportData:
    """Bundle every table of §5 for one organisation and period.

    Raises EngageError naming the organisations and periods that do exist when the requested
    one is not in the score table.
    """
    org, per = _keys(organisation, period)
    _require(scores, org, per, "assessment")
    assessments = list(assessments)
    own = _find(assessments, org, per)
    if own is None:
        raise EngageError(
            f"the score table has {org} {per} but no assessment was passed for it; "
            "pass the same assessments the table was scored from"
        )
    prev_period = earlier_period(scores, org, per)
    previous = _find(assessments, org, prev_period)
    group = peer_group if peer_group not in (None, "") else None
    peer = peer_table(scores, org, per, peer_group=group, min_peers=min_peers)
    n_peers = len(peer_set(scores, org, per, group))
    today = today or date.today()
    mine = scores[scores["organisation"].astype(str).eq(org) & scores["period"].astype(str).eq(per)]
    return ReportData(
        organisation=org,
        name=own.name,
        period=per,
        own=own,
        previous=previous,
        previous_period=prev_period or "",
        peer_group=group,
        min_peers=min_peers,
        peer_count=n_peers,
        peer_basis=peer_basis(n_peers, per, group, min_peers),
        scores=mine.reset_index(drop=True),
        peer=peer,
        year_on_year=year_on_year(items, org, per, framework),
        baton=baton(items, org, per, framework),
        strengths=strengths(peer),
        priorities=priorities(peer),
        discussion=discussion_items(items, org, per, framework),
        unconfirmed=unconfirmed_answers(items, org, per, framework),
        evidence_gaps=evidence_gaps(items, org, per, framework),
        evidence_highlights=evidence_highlights(items, org, per, framework=framework),
        action_progress=action_progress(own, previous),
        action_plan=action_plan(own, today),
        today=today,
    )
