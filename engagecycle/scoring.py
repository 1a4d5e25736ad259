"""Scoring (design §4, contract) as pure functions over pandas.

Two steps, both pure: `item_table` flattens assessments into one row per organisation x
period x framework item (every item, answered or not, so counts are right), and
`score_table` aggregates it into the tidy score table every report reads.

Assessments may be on different versions of the question bank: each one's rows are the items
of its own version (the `version` column says which). The dimension, hub, cycle and overall
rows stay comparable across versions because the fifteen dimensions are the contract.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from operator import itemgetter
from statistics import median

import numpy as np
import pandas as pd

from .assessment import Assessment
from .framework import Framework, Item
from .levels import NA, UNKNOWN, bands, read_level
from .versions import Frameworks, as_frameworks

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
    "resolved",
    "carried_over",
    "evidence",
    "handover_from",
    "version",  # the framework version the assessment was answered with
    "afresh",  # new or changed in that version, and not yet rated (counts as unanswered)
    # the organisations this one took over from, space-separated codes ("" for none): year
    # on year compares with them too (benchmark.change)
    "predecessors",
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
    "unconfirmed",
    "dimensions_scored",
    "version",  # the question bank version the assessment was answered with
]


def item_status(level, raters: list[int]) -> tuple[str, float]:
    """(status, value) of one answer: the rule in design §4, in one place.

    `level` may be written as people see it ("N/A", "2 Developing"); files reaching scoring
    have been validated, so `read_level` cannot fail here.
    """
    if isinstance(level, str):
        level = read_level(level)
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


# The row of an item with no response at all: status, value, level, raters, spread, flag,
# discuss, resolved, carried over, evidence, afresh.
_UNANSWERED = ("unanswered", np.nan, "", 0, np.nan, False, False, False, False, "", False)
# The first nine of those columns (level is a whole number, "n/a", "unknown" or "" if none).
_Answer = tuple[str, float, int | str, int, float, bool, bool, bool, bool]


def _answer_rows(
    assessments: list[Assessment], item_ids: tuple[str, ...] | list[tuple[str, ...]]
) -> list[tuple]:
    """The per-answer columns of `item_table` as one tuple per assessment x item, in row order.

    Why tuples: scoring 10,000 assessments walks 700,000 answers. One small tuple per answer,
    transposed into columns afterwards in C by `zip`, is much cheaper than appending to fifteen
    column lists; columns that depend only on the item are made by repetition instead. The
    common answer (a whole-number level, no raters) is settled without `item_status`, with
    the same result. `item_ids` is one tuple for every assessment, or one per assessment
    when they are on different versions.
    """
    rows: list[tuple] = []
    append = rows.append
    nan = np.nan
    row: _Answer
    per_assessment = isinstance(item_ids, list)
    for n, a in enumerate(assessments):
        get = (a.doc.get("responses") or {}).get
        for iid in item_ids[n] if per_assessment else item_ids:
            raw = get(iid)
            if not raw:
                append(_UNANSWERED)
                continue
            g = raw.get
            level = g("level")
            rater_doc = g("raters")
            flag = bool(g("flag", False))
            resolved = bool(str(g("agreed") or "").strip())
            carried = bool(g("carried_over", False))
            evidence = str(g("evidence") or "")
            if rater_doc is None and type(level) is int:
                row = ("answered", float(level), level, 0, nan, flag, flag, resolved, carried)
                append((*row, evidence, False))
                continue
            if rater_doc is None and level is None:  # not answered: perhaps to rate afresh
                row = ("unanswered", nan, "", 0, nan, flag, flag, resolved, carried)
                append((*row, evidence, g("afresh") is True))
                continue
            if isinstance(level, str):
                level = read_level(level)
            recorded = level if level is not None else ""
            raters = _rater_levels(rater_doc)
            status, value = item_status(level, raters)
            k = len(raters)
            spread = float(max(raters) - min(raters)) if k >= 2 else nan
            discuss = flag or (k >= 2 and spread >= DISCUSS_SPREAD)
            afresh = status == "unanswered" and g("afresh") is True
            row = (status, value, recorded, k, spread, flag, discuss, resolved, carried)
            append((*row, evidence, afresh))
    return rows


def item_table(
    assessments: Iterable[Assessment], frameworks: Framework | Frameworks
) -> pd.DataFrame:
    """One row per organisation x period x item of the version each assessment is on.

    `frameworks` is the set of versions (a `Frameworks`), or one framework that every
    assessment must be on (as callers passed before there were several versions).
    """
    assessments = list(assessments)
    known = as_frameworks(frameworks)
    fws = [known.for_assessment(a) for a in assessments]
    n = len(assessments)
    single = len({id(fw) for fw in fws}) <= 1
    items = tuple(fws[0].items.values()) if fws else ()
    # The loop makes 700,000 small tuples at 10,000 assessments; pausing the garbage collector
    # meanwhile saves its repeated scans of them (they hold no reference cycles).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        if single:
            rows = _answer_rows(assessments, tuple(it.id for it in items))
        else:
            ids = {fw.version: tuple(fw.items) for fw in fws}
            rows = _answer_rows(assessments, [ids[fw.version] for fw in fws])
    finally:
        if was_enabled:
            gc.enable()
    if not rows:  # keep the dtypes an empty table has always had
        df = pd.DataFrame({c: [] for c in ITEM_COLUMNS}, columns=ITEM_COLUMNS)
        return df.astype(
            {"value": float, "spread": float, "level_recorded": str, "version": np.int64}
        ).astype({"afresh": bool, "predecessors": object})
    # Column by column with `itemgetter`: `zip(*rows)` is four times slower on 700,000 rows.
    (
        status,
        value,
        recorded,
        n_raters,
        spread,
        flag,
        discuss,
        resolved,
        carried,
        evidence,
        afresh,
    ) = (list(map(itemgetter(i), rows)) for i in range(len(_UNANSWERED)))
    if single:
        per = np.full(n, len(items))
        dimension = [it.dimension for it in items] * n
        item_ids = [it.id for it in items] * n
        weight = [it.weight for it in items] * n
        handover = [it.handover_from or "" for it in items] * n
    else:
        per = np.array([len(fw.items) for fw in fws])
        cols = {fw.version: _item_columns(tuple(fw.items.values())) for fw in fws}
        dimension, item_ids, weight, handover = ([] for _ in range(4))
        for fw in fws:
            d, i, w, h = cols[fw.version]
            dimension += d
            item_ids += i
            weight += w
            handover += h
    df = pd.DataFrame(
        {
            "organisation": np.repeat(np.array([a.code for a in assessments], dtype=object), per),
            "period": np.repeat(np.array([a.period for a in assessments], dtype=object), per),
            "dimension": dimension,
            "item": item_ids,
            "weight": weight,
            "status": status,
            "value": np.array(value, dtype=float),
            "level_recorded": recorded,
            "n_raters": np.array(n_raters, dtype=np.int64),
            "spread": np.array(spread, dtype=float),
            "flag": np.array(flag, dtype=bool),
            "discuss": np.array(discuss, dtype=bool),
            "resolved": np.array(resolved, dtype=bool),
            "carried_over": np.array(carried, dtype=bool),
            "evidence": evidence,
            "handover_from": handover,
            "version": np.repeat(np.array([fw.version for fw in fws], dtype=np.int64), per),
            "afresh": np.array(afresh, dtype=bool),
            "predecessors": np.repeat(
                np.array([" ".join(a.predecessors) for a in assessments], dtype=object), per
            ),
        },
        columns=ITEM_COLUMNS,
    )
    df["level_recorded"] = df["level_recorded"].astype(str)
    return df


def _item_columns(items: tuple[Item, ...]) -> tuple[list, list, list, list]:
    """The columns of `item_table` that depend only on the item, for one version."""
    return (
        [it.dimension for it in items],
        [it.id for it in items],
        [it.weight for it in items],
        [it.handover_from or "" for it in items],
    )


def dimension_scores(items: pd.DataFrame) -> pd.DataFrame:
    """Per organisation x period x dimension: score, completeness and the counts behind them."""
    df = items.assign(
        answered=items["status"].eq("answered"),
        na=items["status"].eq("na"),
        unknown=items["status"].eq("unknown"),
        unanswered=items["status"].eq("unanswered"),
        # still to discuss: flagged or disputed, and the room has not recorded what it agreed
        open_discuss=items["discuss"].astype(bool) & ~items["resolved"].astype(bool),
        # answers copied from last year that the team has not confirmed this year
        unconfirmed=items["carried_over"].astype(bool) & items["status"].ne("unanswered"),
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
        discuss=("open_discuss", "sum"),
        unconfirmed=("unconfirmed", "sum"),
        wv=("wv", "sum"),
        w=("w", "sum"),
    ).reset_index()
    out["applicable"] = out["items"] - out["na"]
    out["score"] = np.where(out["w"] > 0, out["wv"] / out["w"].where(out["w"] > 0), np.nan)
    out["completeness"] = out["answered"] / out["applicable"].where(out["applicable"] > 0)
    return out.drop(columns=["wv", "w"])


def score_table(
    assessments: Iterable[Assessment],
    frameworks: Framework | Frameworks,
    items: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The tidy score table (see docs/architecture.md): dimensions plus hub, cycle, overall.

    Assessments on different versions score side by side: each dimension's score comes from
    the items of the assessment's own version, and the fifteen dimensions are the same in
    every version, so the rows compare.
    """
    assessments = list(assessments)
    known = as_frameworks(frameworks)
    framework = known.new  # for the dimensions' kinds, titles and order (the contract)
    if items is None:
        items = item_table(assessments, known)
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
                unconfirmed=("unconfirmed", "sum"),
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
        [
            (a.code, a.period, a.name, a.org_type, a.peer_group, known.for_assessment(a).version)
            for a in assessments
        ],
        columns=["organisation", "period", "name", "org_type", "peer_group", "version"],
    )
    dim_ids = [d.id for d in framework.dimensions]
    targets = pd.DataFrame(
        [
            (a.code, a.period, dim_id, t)
            for a in assessments
            for dim_id, t in ((dim_id, a.target(dim_id)) for dim_id in dim_ids)
            if t is not None
        ],
        columns=["organisation", "period", "dimension", "target"],
    )
    table = table.merge(meta, on=["organisation", "period"], how="left")
    table = table.merge(targets, on=["organisation", "period", "dimension"], how="left")
    table["percent"] = table["score"] / 4 * 100
    table["level"] = bands(table["score"])
    # Low evidence warns that a score rests on few answers; with no score there is nothing to
    # doubt, so "no score" is shown instead (never both).
    table["low_evidence"] = table["completeness"].lt(LOW_EVIDENCE_BELOW) & table["answered"].gt(0)
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
        "unconfirmed",
        "dimensions_scored",
        "version",
    ):
        table[c] = table[c].astype(int)
    table["target"] = table["target"].astype("Float64")
    return table[SCORE_COLUMNS].reset_index(drop=True)
