"""Scoring (design §4, contract) as pure functions over pandas.

Two steps, both pure: `item_table` flattens assessments into one row per organisation x
period x framework item (every item, answered or not, so counts are right), and
`score_table` aggregates it into the tidy score table every report reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from statistics import median

import numpy as np
import pandas as pd

from .assessment import Assessment
from .framework import Framework
from .levels import NA, UNKNOWN, bands

LOW_EVIDENCE_BELOW = 0.5
DISCUSS_SPREAD = 2
AGGREGATES = ("hub", "cycle", "overall")

ITEM_COLUMNS = [
    "organisation",
    "period",
    "dimension",
    "item",
    "weight",
    "status",
    "value",
    "level_recorded",
    "n_raters",
    "spread",
    "flag",
    "discuss",
    "carried_over",
    "evidence",
    "handover_from",
]
SCORE_COLUMNS = [
    "organisation",
    "name",
    "org_type",
    "peer_group",
    "period",
    "dimension",
    "kind",
    "title",
    "score",
    "percent",
    "level",
    "completeness",
    "answered",
    "applicable",
    "unknown",
    "unanswered",
    "na",
    "items",
    "low_evidence",
    "target",
    "discuss",
    "dimensions_scored",
]


def item_status(level, raters: list[int]) -> tuple[str, float]:
    """(status, value) of one answer: the rule in design §4, in one place."""
    if level == NA:
        return "na", np.nan
    if level == UNKNOWN:
        return "unknown", np.nan
    if isinstance(level, int) and not isinstance(level, bool):
        return "answered", float(level)
    if raters:
        return "answered", float(median(raters))
    return "unanswered", np.nan


def _rater_levels(raw) -> list[int]:
    if isinstance(raw, dict):
        return [int(v) for v in raw.values() if v is not None]
    if isinstance(raw, list):
        return [int(v) for v in raw if v is not None]
    return []


def item_table(assessments: Iterable[Assessment], framework: Framework) -> pd.DataFrame:
    """One row per organisation x period x framework item."""
    items = list(framework.items.values())
    cols: dict[str, list] = {c: [] for c in ITEM_COLUMNS}
    for a in assessments:
        responses = a.doc.get("responses") or {}
        code, period = a.code, a.period
        for it in items:
            raw = responses.get(it.id) or {}
            raters = _rater_levels(raw.get("raters"))
            level = raw.get("level")
            status, value = item_status(level, raters)
            spread = (max(raters) - min(raters)) if len(raters) >= 2 else np.nan
            flag = bool(raw.get("flag", False))
            cols["organisation"].append(code)
            cols["period"].append(period)
            cols["dimension"].append(it.dimension)
            cols["item"].append(it.id)
            cols["weight"].append(it.weight)
            cols["status"].append(status)
            cols["value"].append(value)
            cols["level_recorded"].append(level if level is not None else "")
            cols["n_raters"].append(len(raters))
            cols["spread"].append(spread)
            cols["flag"].append(flag)
            cols["discuss"].append(flag or (len(raters) >= 2 and spread >= DISCUSS_SPREAD))
            cols["carried_over"].append(bool(raw.get("carried_over", False)))
            cols["evidence"].append(str(raw.get("evidence") or ""))
            cols["handover_from"].append(it.handover_from or "")
    df = pd.DataFrame(cols, columns=ITEM_COLUMNS)
    df["value"] = df["value"].astype(float)
    df["spread"] = df["spread"].astype(float)
    df["level_recorded"] = df["level_recorded"].astype(str)
    return df


def dimension_scores(items: pd.DataFrame) -> pd.DataFrame:
    """Per organisation x period x dimension: score, completeness and the counts behind them."""
    df = items.assign(
        answered=items["status"].eq("answered"),
        na=items["status"].eq("na"),
        unknown=items["status"].eq("unknown"),
        unanswered=items["status"].eq("unanswered"),
    )
    df["wv"] = np.where(df["answered"], df["value"] * df["weight"], 0.0)
    df["w"] = np.where(df["answered"], df["weight"], 0.0)
    g = df.groupby(["organisation", "period", "dimension"], sort=False)
    out = g.agg(
        items=("item", "size"),
        answered=("answered", "sum"),
        na=("na", "sum"),
        unknown=("unknown", "sum"),
        unanswered=("unanswered", "sum"),
        discuss=("discuss", "sum"),
        wv=("wv", "sum"),
        w=("w", "sum"),
    ).reset_index()
    out["applicable"] = out["items"] - out["na"]
    out["score"] = np.where(out["w"] > 0, out["wv"] / out["w"].where(out["w"] > 0), np.nan)
    out["completeness"] = out["answered"] / out["applicable"].where(out["applicable"] > 0)
    return out.drop(columns=["wv", "w"])


def score_table(
    assessments: Iterable[Assessment],
    framework: Framework,
    items: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The tidy score table (see docs/architecture.md): dimensions plus hub, cycle, overall."""
    assessments = list(assessments)
    if items is None:
        items = item_table(assessments, framework)
    dims = dimension_scores(items)
    kind_of = {d.id: d.kind for d in framework.dimensions}
    title_of = {d.id: d.title for d in framework.dimensions}
    dims["kind"] = dims["dimension"].map(kind_of)
    dims["title"] = dims["dimension"].map(title_of)
    dims["dimensions_scored"] = dims["score"].notna().astype(int)

    parts = [dims]
    groups = {
        "hub": dims["kind"].eq("hub"),
        "cycle": dims["kind"].eq("stage"),
        "overall": pd.Series(True, index=dims.index),
    }
    titles = {
        "hub": "Hub: strategy, culture and systems",
        "cycle": "The five stages",
        "overall": "Overall",
    }
    for name, mask in groups.items():
        sub = dims[mask]
        agg = (
            sub.groupby(["organisation", "period"], sort=False)
            .agg(
                score=("score", "mean"),  # mean of the dimension scores present (NaN skipped)
                items=("items", "sum"),
                answered=("answered", "sum"),
                na=("na", "sum"),
                unknown=("unknown", "sum"),
                unanswered=("unanswered", "sum"),
                applicable=("applicable", "sum"),
                discuss=("discuss", "sum"),
                dimensions_scored=("dimensions_scored", "sum"),
            )
            .reset_index()
        )
        agg["completeness"] = agg["answered"] / agg["applicable"].where(agg["applicable"] > 0)
        agg["dimension"] = name
        agg["kind"] = name
        agg["title"] = titles[name]
        parts.append(agg)
    table = pd.concat(parts, ignore_index=True)

    meta = pd.DataFrame(
        [(a.code, a.period, a.name, a.org_type, a.peer_group) for a in assessments],
        columns=["organisation", "period", "name", "org_type", "peer_group"],
    )
    targets = pd.DataFrame(
        [
            (a.code, a.period, d.id, a.target(d.id))
            for a in assessments
            for d in framework.dimensions
            if a.target(d.id) is not None
        ],
        columns=["organisation", "period", "dimension", "target"],
    )
    table = table.merge(meta, on=["organisation", "period"], how="left")
    table = table.merge(targets, on=["organisation", "period", "dimension"], how="left")
    table["percent"] = table["score"] / 4 * 100
    table["level"] = bands(table["score"])
    table["low_evidence"] = table["completeness"].lt(LOW_EVIDENCE_BELOW) & table["applicable"].gt(0)
    order = {d: n for n, d in enumerate([d.id for d in framework.dimensions] + list(AGGREGATES))}
    table["_o"] = table["dimension"].map(order)
    table["_p"] = table["period"].str[:4].astype(int) if len(table) else 0
    table = table.sort_values(["organisation", "_p", "_o"], kind="stable").drop(
        columns=["_o", "_p"]
    )
    for c in (
        "items",
        "answered",
        "na",
        "unknown",
        "unanswered",
        "applicable",
        "discuss",
        "dimensions_scored",
    ):
        table[c] = table[c].astype(int)
    table["target"] = table["target"].astype("Float64")
    return table[SCORE_COLUMNS].reset_index(drop=True)
