"""System-wide tables: every organisation of a period at once.

What the overview, the dimension pages and the batch's summary files show about the whole
system, built from the same rules as one organisation's report (peers from `peers`, change
from `change`, hand-overs from `findings.baton`), so every figure agrees with the
organisations' own reports. Pure: tables in, tables out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date

import pandas as pd

from ..assessment import Assessment
from ..framework import Dimension, Framework
from ..levels import LEVELS, MAX_LEVEL, band_index, bands
from ..scoring import SCORE_COLUMNS
from .change import change_table
from .findings import BATON_COLUMNS, action_plan, baton
from .peers import PEER_FIGURES, peer_figures
from .rules import MIN_PEERS

# ---------------------------------------------------------------- change and hand-overs


def system_changes(
    items: pd.DataFrame, organisations: Iterable[str], period: str, framework: Framework
) -> pd.DataFrame:
    """Like-for-like change (organisation + YOY_COLUMNS) of each organisation with an earlier
    assessment, in code order."""
    wanted = {str(o) for o in organisations}
    table = change_table(items, period, framework)
    keep = table["organisation"].isin(wanted) & table["previous_period"].ne("")
    return table[keep].reset_index(drop=True)


def system_batons(
    items: pd.DataFrame, organisations: Iterable[str], period: str, framework: Framework
) -> pd.DataFrame:
    """`findings.baton` for every organisation, stacked with an organisation column."""
    by_org = {str(k): g for k, g in items.groupby(items["organisation"].astype(str), sort=False)}
    parts = [
        baton(by_org[org], org, period, framework).assign(organisation=org)
        for org in organisations
        if org in by_org
    ]
    cols = ["organisation", *BATON_COLUMNS]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]


HANDOVER_COLUMNS = [
    "from_stage",
    "to_stage",
    "item",
    "statement",
    "organisations",
    "dropped",
    "passed",
    "not_known",
    "not_applicable",
    "median",
    "dropped_by",
]


def handover_summary(batons: pd.DataFrame) -> pd.DataFrame:
    """How many organisations drop each hand-over; the most dropped (then lowest median) first."""
    rows = []
    for (frm, to), g in batons.groupby(["from_stage", "to_stage"], sort=False):
        values = g["value"].astype(float).dropna()
        rows.append(
            {
                "from_stage": frm,
                "to_stage": to,
                "item": g["item"].iloc[0],
                "statement": g["statement"].iloc[0],
                "organisations": len(g),
                "dropped": int(g["state"].eq("dropped").sum()),
                "passed": int(g["state"].eq("passed").sum()),
                "not_known": int(g["state"].eq("not known").sum()),
                "not_applicable": int(g["state"].eq("not applicable").sum()),
                "median": float(values.median()) if len(values) else math.nan,
                "dropped_by": sorted(g.loc[g["state"].eq("dropped"), "organisation"].astype(str)),
            }
        )
    out = pd.DataFrame(rows, columns=HANDOVER_COLUMNS)
    if len(out):
        out["_o"] = range(len(out))
        out = out.sort_values(
            ["dropped", "median", "_o"], ascending=[False, True, True], na_position="last"
        ).drop(columns="_o")
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- scores across organisations

DIM_SUMMARY_COLUMNS = [
    "dimension",
    "title",
    "kind",
    "n",
    "median",
    "q1",
    "q3",
    "min",
    "max",
    *[f"level_{k}" for k in range(MAX_LEVEL + 1)],
    "no_score",
    "low_evidence",
]


def dimension_summary(scores: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Per dimension (and hub, cycle, overall): spread of scores and organisations per level."""
    order = [(d.id, d.title, d.kind) for d in framework.dimensions] + [
        ("hub", "Hub (mean of elements)", "hub"),
        ("cycle", "Cycle (mean of stages)", "cycle"),
        ("overall", "Overall", "overall"),
    ]
    rows = []
    for dim, title, kind in order:
        sub = scores[scores["dimension"].eq(dim)]
        vals = sub["score"].astype(float).dropna()
        row: dict[str, object] = {"dimension": dim, "title": title, "kind": kind, "n": len(vals)}
        if len(vals):
            row.update(
                median=float(vals.median()),
                q1=float(vals.quantile(0.25)),
                q3=float(vals.quantile(0.75)),
                min=float(vals.min()),
                max=float(vals.max()),
            )
        else:
            row.update(median=math.nan, q1=math.nan, q3=math.nan, min=math.nan, max=math.nan)
        levels = bands(vals) if len(vals) else pd.Series(dtype=object)
        for k in range(MAX_LEVEL + 1):
            row[f"level_{k}"] = int(levels.eq(LEVELS[k]).sum())
        row["no_score"] = int(sub["score"].isna().sum())
        row["low_evidence"] = int(sub["low_evidence"].astype(bool).sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=DIM_SUMMARY_COLUMNS)


ORG_COLUMNS = [
    "organisation",
    "name",
    "org_type",
    "peer_group",
    "score",
    "level",
    "completeness",
    "low_evidence",
    "low_dimensions",
    "unknown",
    "unanswered",
    "answers",
    "unconfirmed",
    "previous_period",
    "items_compared",
    "coverage",
    "change",
    "direction",
    "compared_with",
    "not_assessed",
    "version_then",
    "version_now",
]


def organisation_table(
    scores: pd.DataFrame, changes: pd.DataFrame, framework: Framework
) -> pd.DataFrame:
    """One row per organisation: overall score and level, completeness, like-for-like change."""
    overall = scores[scores["dimension"].eq("overall")]
    dims = scores[scores["dimension"].isin(list(framework.by_id))]
    low = (
        dims[dims["low_evidence"].astype(bool)]
        .groupby(dims["organisation"].astype(str))["dimension"]
        .agg(list)
        .to_dict()
    )
    ch = (
        changes[changes["dimension"].eq("overall")].set_index("organisation")
        if len(changes)
        else pd.DataFrame()
    )
    rows = []
    for r in overall.to_dict("records"):
        org = str(r["organisation"])
        c = ch.loc[org] if org in ch.index else None
        rows.append(
            {
                "organisation": org,
                "name": r["name"],
                "org_type": r["org_type"],
                "peer_group": r["peer_group"],
                "score": r["score"],
                "level": r["level"],
                "completeness": r["completeness"],
                "low_evidence": bool(r["low_evidence"]),
                "low_dimensions": low.get(org, []),
                "unknown": int(r["unknown"]),
                "unanswered": int(r["unanswered"]),
                "answers": int(r["items"]) - int(r["unanswered"]),
                "unconfirmed": int(r["unconfirmed"]),
                "previous_period": c["previous_period"] if c is not None else "",
                "items_compared": int(c["items_compared"]) if c is not None else 0,
                "coverage": float(c["coverage"]) if c is not None else math.nan,
                "change": float(c["change"]) if c is not None else math.nan,
                "direction": str(c["direction"]) if c is not None else "",
                "compared_with": str(c["compared_with"]) if c is not None else "",
                "not_assessed": str(c["not_assessed"]) if c is not None else "",
                "version_then": str(c["version_then"]) if c is not None else "",
                "version_now": int(r["version"]) if "version" in r else 0,
            }
        )
    out = pd.DataFrame(rows, columns=ORG_COLUMNS)
    out["score"] = out["score"].astype(float)
    out["change"] = out["change"].astype(float)
    out["coverage"] = out["coverage"].astype(float)
    out = out.sort_values(["score", "organisation"], ascending=[False, True], na_position="last")
    return out.reset_index(drop=True)


# ---------------------------------------------------------------- one dimension, item by item

ITEM_SUMMARY_COLUMNS = [
    "item",
    "statement",
    "handover_from",
    "organisations",
    "answered",
    "median",
    "mean",
    *[f"level_{k}" for k in range(MAX_LEVEL + 1)],
    "na",
    "unknown",
    "unanswered",
]


def item_summary(items: pd.DataFrame, dimension: Dimension) -> pd.DataFrame:
    """Per item: median and mean of answered values, organisations per level, N/A, unknown.

    A value between levels (the median of several raters, e.g. 2.5) counts in the level band
    it falls in, as scores do.
    """
    rows = []
    for it in dimension.items:
        sub = items[items["item"].eq(it.id)]
        vals = sub.loc[sub["status"].eq("answered"), "value"].astype(float).dropna()
        row: dict[str, object] = {
            "item": it.id,
            "statement": it.statement,
            "handover_from": it.handover_from or "",
            "organisations": len(sub),
            "answered": len(vals),
            "median": float(vals.median()) if len(vals) else math.nan,
            "mean": float(vals.mean()) if len(vals) else math.nan,
        }
        idx = [band_index(v) for v in vals]
        for k in range(MAX_LEVEL + 1):
            row[f"level_{k}"] = sum(1 for i in idx if i == k)
        for status in ("na", "unknown", "unanswered"):
            row[status] = int(sub["status"].eq(status).sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=ITEM_SUMMARY_COLUMNS)


DIMENSION_CHANGE_COLUMNS = [
    "organisation",
    "name",
    "previous_period",
    "items_compared",
    "coverage",
    "score_then",
    "score_now",
    "change",
    "direction",
]


def dimension_changes(
    items: pd.DataFrame, scores: pd.DataFrame, period: str, framework: Framework, dim: str
) -> pd.DataFrame:
    """Like-for-like change on one dimension for every organisation assessed in the period.

    Organisations with no earlier assessment keep an empty `previous_period` and `direction`;
    those with too few comparable answers in this dimension have `direction` NOT_ENOUGH.
    """
    rows = scores[scores["dimension"].eq(dim)]
    names = dict(zip(rows["organisation"].astype(str), rows["name"].astype(str), strict=False))
    orgs = sorted(names)
    # A dimension's change rests on its own items alone, so only they need reading.
    yoy = system_changes(items[items["dimension"].eq(dim)], orgs, period, framework)
    yoy = yoy[yoy["dimension"].eq(dim)].set_index("organisation")
    out = []
    for org in orgs:
        r = yoy.loc[org] if org in yoy.index else None
        out.append(
            {
                "organisation": org,
                "name": names[org],
                "previous_period": r["previous_period"] if r is not None else "",
                "items_compared": int(r["items_compared"]) if r is not None else 0,
                "coverage": float(r["coverage"]) if r is not None else math.nan,
                "score_then": r["score_then"] if r is not None else math.nan,
                "score_now": r["score_now"] if r is not None else math.nan,
                "change": r["change"] if r is not None else math.nan,
                "direction": r["direction"] if r is not None else "",
            }
        )
    df = pd.DataFrame(out, columns=DIMENSION_CHANGE_COLUMNS)
    for c in ("coverage", "score_then", "score_now", "change"):
        df[c] = df[c].astype(float)
    return df


# Evidence is quoted as good practice from organisations rated this or above (Established).
GOOD_FROM = 3.0
GOOD_COLUMNS = ["item", "statement", "organisation", "name", "value", "evidence"]


def good_practice(
    items: pd.DataFrame,
    assessments: Sequence[Assessment],
    period: str,
    dimension: Dimension,
    min_value: float = GOOD_FROM,
) -> tuple[pd.DataFrame, int]:
    """Evidence from organisations rated `min_value` or more that agreed to share it.

    The one place evidence is selected for other organisations to read: an organisation's
    words are returned only when its assessment for the period says `share_evidence: true`.
    Returns the shareable rows (highest value, then fullest evidence, first within each item,
    items in framework order) and how many qualifying rows were held back.
    """
    sharing = {a.code: a.share_evidence for a in assessments if a.period == period}
    names = {a.code: a.name for a in assessments if a.period == period}
    sub = items[
        items["period"].astype(str).eq(period)
        & items["dimension"].eq(dimension.id)
        & items["status"].eq("answered")
        & items["value"].astype(float).ge(min_value - 1e-9)
        & items["evidence"].astype(str).str.strip().ne("")
    ].copy()
    allowed = sub["organisation"].astype(str).map(lambda c: sharing.get(c, False)).astype(bool)
    withheld = int((~allowed).sum())
    sub = sub[allowed]
    order = {it.id: n for n, it in enumerate(dimension.items)}
    statements = {it.id: it.statement for it in dimension.items}
    sub["_o"] = sub["item"].map(order)
    sub["_len"] = sub["evidence"].astype(str).str.len()
    sub = sub.sort_values(
        ["_o", "value", "_len", "organisation"], ascending=[True, False, False, True]
    )
    out = pd.DataFrame(
        {
            "item": sub["item"],
            "statement": sub["item"].map(statements),
            "organisation": sub["organisation"].astype(str),
            "name": sub["organisation"].astype(str).map(lambda c: names.get(c, c)),
            "value": sub["value"].astype(float),
            "evidence": sub["evidence"].astype(str),
        },
        columns=GOOD_COLUMNS,
    )
    return out.reset_index(drop=True), withheld


# ---------------------------------------------------------------- the batch's summary table

CHANGE_FIGURES = [
    "previous_period",
    "items_compared",
    "comparable_applicable",  # applicable items that could be compared (kept their meaning)
    "coverage",
    "score_then",
    "score_now",
    "change",
    "direction",
    "compared_with",
    "compared_periods",
    "not_assessed",
    "version_then",
]
SUMMARY_COLUMNS = SCORE_COLUMNS + PEER_FIGURES + CHANGE_FIGURES
ACTION_COLUMNS = [
    "organisation",
    "name",
    "period",
    "dimension",
    "dimension_title",
    "action",
    "owner",
    "due",
    "status",
    "overdue",
]


def summary_table(
    scores: pd.DataFrame,
    items: pd.DataFrame,
    framework: Framework,
    period: str,
    organisations: Iterable[str] | None = None,
    *,
    peer_group: str | None = None,
    min_peers: int = MIN_PEERS,
) -> pd.DataFrame:
    """The score table's rows for `period` (and `organisations`) plus peers and change.

    The first columns are exactly `scoring.SCORE_COLUMNS`, row for row as
    `engagecycle score --period P --format csv` prints them.
    """
    per = str(period)
    rows = scores[scores["period"].astype(str).eq(per)]
    peers = peer_figures(scores, per, peer_group=peer_group, min_peers=min_peers)
    table = rows.join(peers)
    change = change_table(items, per, framework)[["organisation", "dimension", *CHANGE_FIGURES]]
    table = table.merge(change, on=["organisation", "dimension"], how="left", validate="1:1")
    if organisations is not None:
        wanted = {str(o) for o in organisations}
        table = table[table["organisation"].astype(str).isin(wanted)]
    table["items_compared"] = table["items_compared"].fillna(0).astype(int)
    table["comparable_applicable"] = table["comparable_applicable"].fillna(0).astype(int)
    text = ("previous_period", "direction", "peer_band", "compared_with", "compared_periods")
    for col in (*text, "not_assessed", "version_then"):
        table[col] = table[col].fillna("").astype(object)
    return table[SUMMARY_COLUMNS].reset_index(drop=True)


def actions_table(
    assessments: Sequence[Assessment],
    framework: Framework,
    period: str,
    organisations: Iterable[str] | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """Every chosen organisation's action plan for `period`, one row per action."""
    wanted = None if organisations is None else {str(o) for o in organisations}
    titles = {d.id: d.title for d in framework.dimensions}
    frames = []
    for a in sorted(assessments, key=lambda a: a.code):
        if a.period != str(period) or (wanted is not None and a.code not in wanted):
            continue
        plan = action_plan(a, today)
        if plan.empty:
            continue
        plan.insert(0, "organisation", a.code)
        plan.insert(1, "name", a.name)
        plan.insert(2, "period", a.period)
        plan.insert(4, "dimension_title", plan["dimension"].map(titles).fillna(""))
        frames.append(plan)
    if not frames:
        return pd.DataFrame(columns=ACTION_COLUMNS)
    return pd.concat(frames, ignore_index=True)[ACTION_COLUMNS]
