"""What a report says about one organisation beyond its scores: strengths, priorities, the
baton, items to discuss, answers not yet confirmed, evidence, and the action plan.

Each function reads the tidy score or item table (plus the `Assessment` for actions) and
returns a small DataFrame; nothing reads files.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from ..assessment import Assessment
from ..framework import STAGE_IDS, Framework
from ..levels import band, bands
from ..scoring import AGGREGATES, DISCUSS_SPREAD
from .rows import is_missing, own_items, statements
from .rules import DROPPED_BELOW, STRENGTH_FROM, TOLERANCE

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


# ---------------------------------------------------------------- the baton


def baton(
    items: pd.DataFrame, organisation: Any, period: Any, framework: Framework
) -> pd.DataFrame:
    """The five hand-overs round the cycle, identify -> develop first, monitor -> identify last.

    Each hand-over is checked by the one item in the *receiving* stage tagged `handover_from`.
    An answered value below DROPPED_BELOW (Developing) means the baton was dropped; an
    unanswered or "unknown" item is "not known" - we never claim a drop the data cannot show.
    """
    own = own_items(items, organisation, period).set_index("item")
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


def _fmt(score: float) -> str:
    """A 0-4 score rounded for reading (one decimal)."""
    return f"{score:.1f}"


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
        if not is_missing(target) and r["score"] < float(target) - TOLERANCE:
            reasons.setdefault(r["dimension"], []).append(f"below its target of {int(target)}")
    for _, r in scored[scored["shown"].astype(bool) & scored["band"].eq("bottom")].iterrows():
        reasons.setdefault(r["dimension"], []).append("in the bottom quarter of peers")
    for _, r in scored[scored["low_evidence"].astype(bool)].iterrows():
        if r["dimension"] in reasons:
            reasons[r["dimension"]].append("few items answered, so treat with care")
    return _picked(dims, reasons, ascending=True)


# ---------------------------------------------------------------- items to discuss, evidence


def discussion_items(
    items: pd.DataFrame, organisation: Any, period: Any, framework: Framework | None = None
) -> pd.DataFrame:
    """Items flagged in the workshop or where raters were DISCUSS_SPREAD or more levels apart
    (the item table's `discuss`).

    Open ones (no `agreed` outcome recorded) first, then resolved ones; within each, widest
    disagreement first. `statement` is filled when `framework` is given.
    """
    own = own_items(items, organisation, period)
    sub = own[own["discuss"].astype(bool)].copy()
    reasons = []
    for _, r in sub.iterrows():
        why = []
        if r["flag"]:
            why.append("flagged for discussion in the workshop")
        if not is_missing(r["spread"]) and r["spread"] >= DISCUSS_SPREAD:
            why.append(f"ratings differed by {int(r['spread'])} levels")
        reasons.append("; ".join(why))
    sub["reason"] = reasons
    sub["statement"] = statements(sub["item"], framework)
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
    items: pd.DataFrame, organisation: Any, period: Any, framework: Framework | None = None
) -> pd.DataFrame:
    """Answers carried over from the year before that the team has not confirmed, in order."""
    own = own_items(items, organisation, period)
    sub = own[own["carried_over"].astype(bool) & own["status"].ne("unanswered")].copy()
    sub["statement"] = statements(sub["item"], framework)
    out = sub[UNCONFIRMED_COLUMNS].reset_index(drop=True)
    out["value"] = out["value"].astype(float)
    return out


def evidence_gaps(
    items: pd.DataFrame, organisation: Any, period: Any, framework: Framework | None = None
) -> pd.DataFrame:
    """Items the team said they did not know ("unknown"), in framework order."""
    own = own_items(items, organisation, period)
    sub = own[own["status"].eq("unknown")].copy()
    sub["statement"] = statements(sub["item"], framework)
    return sub[GAP_COLUMNS].reset_index(drop=True)


def evidence_highlights(
    items: pd.DataFrame,
    organisation: Any,
    period: Any,
    n: int = 6,
    framework: Framework | None = None,
) -> pd.DataFrame:
    """The best-supported answers: answered items with evidence, highest value first, then the
    fullest evidence (longest text) - a cheap but fair proxy for "most to show"."""
    own = own_items(items, organisation, period)
    sub = own[own["status"].eq("answered") & own["evidence"].astype(str).str.strip().ne("")].copy()
    sub["_len"] = sub["evidence"].astype(str).str.len()
    sub["_o"] = range(len(sub))
    sub = sub.sort_values(["value", "_len", "_o"], ascending=[False, False, True]).head(n)
    sub["level"] = bands(sub["value"])
    sub["statement"] = statements(sub["item"], framework)
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
    now: dict[str, str] = {}
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
