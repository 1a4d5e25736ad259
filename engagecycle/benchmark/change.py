"""Year on year (design §5, docs/scoring.md §7): change since the last assessment, like for like.

Comparable items are those answered in *both* years whose answer this year was given or
confirmed this year: an answer carried over from last year and not yet confirmed only
repeats last year's, so comparing it would report "no real change" on nothing. Each
dimension's score is recomputed over its comparable items alone, so a team that answered
more items this year is not credited (or blamed) for the new ones. Hub, cycle and overall
are means of the dimensions with any comparable item (design §5). A change is reported only
with enough comparable items (`rules.enough_to_compare`); otherwise the direction is
NOT_ENOUGH and the scores and change are blank; with no earlier assessment it is "".

Two things widen "last year" beyond one file (docs/scoring.md §7 and §10):

- **Versions.** Last year may have been answered on an earlier version of the question bank.
  An item is comparable only where its lineage says it kept its meaning at every step
  between the two versions (`versions.kept_ids`: same or reworded with the same meaning);
  merged, split and new items are not, though they still count as this year's applicable
  items, so a dimension made mostly of new items shows "not enough comparable answers".
- **Predecessors.** An organisation formed by a merger names the organisations it took over
  from (`organisation.predecessors`, the item table's `predecessors` column). Last year's
  value of an item is then the mean of the values of every source that answered it: each
  predecessor's most recent earlier assessment, and the organisation's own if it has one.

One implementation, `change_table`, answers for every organisation of a period at once, on
integer codes and `np.bincount` (10,000 assessments make 700,000 item rows); `year_on_year`,
what one organisation's report shows, is the same code given the rows it needs, so a
change reads the same in the report, the overview, a dimension page and the summary files.
tests/test_benchmark.py checks it against a plain one-organisation reference on random data,
on one version and on mixed versions with predecessors.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..assessment import period_start
from ..framework import Framework
from ..versions import Frameworks, as_frameworks, kept_ids
from .rows import keys, own_items
from .rules import (
    CHANGE_MIN_ITEMS,
    CHANGE_MIN_SHARE,
    DECLINED,
    IMPROVED,
    NO_REAL_CHANGE,
    NOT_ENOUGH,
    REAL_CHANGE,
    TOLERANCE,
)

YOY_COLUMNS = [
    "dimension",
    "previous_period",
    "items_compared",
    "applicable",  # this year's applicable items (not N/A)
    # ...of which could be compared at all: on the same version, all of them; across
    # versions, those that kept their meaning. The minimum-coverage rule counts over these.
    "comparable_applicable",
    "coverage",  # items_compared / comparable_applicable
    "score_then",
    "score_now",
    "change",
    "direction",
    # what the comparison was made with (the same on every row of one organisation)
    "compared_with",  # codes whose earlier answers were used, own code first ("" if none)
    "compared_periods",  # the period used for each of them, in the same order
    "not_assessed",  # predecessors named with no earlier assessment
    "version_then",  # question bank version(s) of the earlier answers: "1", or "1, 2"
    "version_now",  # this year's version
]


def earlier_period(table: pd.DataFrame, organisation: Any, period: Any) -> str | None:
    """The organisation's most recent period before `period` (not necessarily the year before)."""
    org, per = keys(organisation, period)
    mine = table[table["organisation"].astype(str).eq(org)]["period"].astype(str).unique()
    earlier = [p for p in mine if period_start(p) < period_start(per)]
    return max(earlier, key=period_start) if earlier else None


def enough(n: np.ndarray, applicable: np.ndarray) -> np.ndarray:
    """`rules.enough_to_compare` for arrays of counts."""
    with np.errstate(invalid="ignore", divide="ignore"):
        share = n / np.maximum(applicable, 1)
    return (applicable > 0) & (n >= CHANGE_MIN_ITEMS) & (share >= CHANGE_MIN_SHARE - TOLERANCE)


def directions(change: np.ndarray) -> np.ndarray:
    """`rules.direction` for an array of changes, NOT_ENOUGH where none could be reported."""
    return np.select(
        [np.isnan(change), change >= REAL_CHANGE - TOLERANCE, change <= -REAL_CHANGE + TOLERANCE],
        [NOT_ENOUGH, IMPROVED, DECLINED],
        default=NO_REAL_CHANGE,
    ).astype(object)


def predecessor_codes(value: Any) -> list[str]:
    """The codes in one cell of the item table's `predecessors` column (space-separated).

    A code never holds a space (`assessment.CODE_PATTERN`), so a space joins them safely.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    return str(value).split()


def comparable_ids(
    version_now: int, version_then: int, frameworks: Frameworks
) -> frozenset[str] | None:
    """Items whose answer on `version_then` is a fair answer to the same id on `version_now`.

    None means every item (the same version). An item keeps its id only while it keeps its
    meaning (docs/question-bank.md), so the lineage map is the identity on the kept ids:
    `kept_ids` walks it, step by step, from the later version back to the earlier. Which
    year came first does not matter to a meaning, so a later year answered on an older
    version (unusual, but a file can record any version) compares by the same map.
    """
    if version_now == version_then:
        return None
    newer, older = max(version_now, version_then), min(version_now, version_then)
    return kept_ids(frameworks.get(int(newer)), frameworks.get(int(older)), frameworks)


def _previous_periods(codes: pd.Series, periods: pd.Series, period: str) -> dict[str, str]:
    """organisation code -> its most recent period before `period` (codes with one only)."""
    pairs = pd.DataFrame({"o": codes.to_numpy(), "p": periods.to_numpy()}).drop_duplicates()
    pairs["start"] = pairs["p"].map(period_start)
    earlier = pairs[pairs["start"] < period_start(period)]
    latest = earlier.sort_values("start", kind="stable").groupby("o")["p"].last()
    return {str(k): str(v) for k, v in latest.items()}


def _versions(items: pd.DataFrame) -> np.ndarray:
    """The item table's `version` column (tables made before versions: all one version)."""
    if "version" in items:
        return items["version"].to_numpy(dtype=np.int64)
    return np.ones(len(items), dtype=np.int64)


def change_table(
    items: pd.DataFrame,
    period: str,
    framework: Framework,
    frameworks: Framework | Frameworks | None = None,
) -> pd.DataFrame:
    """Like-for-like change for every organisation of `period`, in one pass.

    One row per organisation (by code) x (each dimension, then hub, cycle, overall), with
    `organisation` and YOY_COLUMNS. `framework` gives the dimensions (the same in every
    version); `frameworks` the versions whose lineage decides which items compare across
    versions (default: every packaged version).
    """
    per = str(period)
    dim_ids = [d.id for d in framework.dimensions]
    nd = len(dim_ids)
    codes = items["organisation"].astype(str)
    periods = items["period"].astype(str)
    code_arr = codes.to_numpy()
    in_now = periods.eq(per).to_numpy()
    status = items["status"]
    answered = status.eq("answered").to_numpy()
    fresh = answered & ~items["carried_over"].to_numpy(dtype=bool)
    value = items["value"].to_numpy(dtype=float)
    version = _versions(items)
    item_codes, item_names = pd.factorize(items["item"])
    n_items = max(len(item_names), 1)

    # One row per assessment (not per item): its version and the predecessors it names.
    heads = pd.DataFrame(
        {
            "o": code_arr,
            "p": periods.to_numpy(),
            "v": version,
            "named": (
                items["predecessors"].to_numpy()
                if "predecessors" in items
                else np.full(len(items), "", dtype=object)
            ),
        }
    ).drop_duplicates(["o", "p"])
    first = heads[heads["p"].eq(per)].sort_values("o", kind="stable")
    orgs = [str(o) for o in first["o"]]
    named_of = dict(zip(orgs, first["named"], strict=True))
    org_index = pd.Index(orgs)
    size = len(orgs) * nd
    dim_of_row = pd.Index(dim_ids).get_indexer(items["dimension"].to_numpy()).astype(np.int64)

    # Where each organisation's "last year" comes from: its own most recent earlier
    # assessment and each predecessor's (docs/scoring.md §7).
    prev = _previous_periods(heads["o"], heads["p"], per)
    version_of = dict(zip(zip(heads["o"], heads["p"], strict=True), heads["v"], strict=True))
    pair_code: list[str] = []
    pair_slot: list[int] = []
    used_codes, used_periods, missing, then_versions = [], [], [], []
    version_sets: list[tuple[int, ...]] = []
    for slot, org in enumerate(orgs):
        named = [c for c in predecessor_codes(named_of[org]) if c != org]
        sources = [c for c in [org, *named] if c in prev]
        pair_code += sources
        pair_slot += [slot] * len(sources)
        used_codes.append(" ".join(sources))
        used_periods.append(" ".join(prev[c] for c in sources))
        missing.append(" ".join(c for c in named if c not in prev))
        vs = sorted({version_of[(c, prev[c])] for c in sources})
        then_versions.append(", ".join(str(v) for v in vs))
        version_sets.append(tuple(vs))
    has_prev = np.array([bool(u) for u in used_codes], dtype=bool)[:, None]
    previous = [
        max(p.split(), key=period_start) if p else "" for p in used_periods
    ]  # the most recent period used

    # Last year's value of each item for each organisation: the mean over its sources that
    # answered it, counting only items that kept their meaning between the two versions.
    prev_of_row = codes.map(prev).to_numpy()
    cand = np.flatnonzero(answered & (periods.to_numpy() == prev_of_row))
    links = pd.DataFrame({"code": code_arr[cand].astype(object), "row": cand}).merge(
        pd.DataFrame(
            {"code": np.asarray(pair_code, dtype=object), "slot": np.asarray(pair_slot, int)}
        ),
        on="code",
    )
    rows = links["row"].to_numpy(dtype=np.int64)
    slots = links["slot"].to_numpy(dtype=np.int64)
    if len(rows):
        v_now = first["v"].to_numpy(dtype=np.int64)[slots]
        v_then = version[rows]
        keep = np.ones(len(rows), dtype=bool)
        differ = v_now != v_then
        if differ.any():
            known = as_frameworks(frameworks)
            names = np.asarray(item_names, dtype=object)[item_codes[rows]]
            for vn, vt in set(zip(v_now[differ].tolist(), v_then[differ].tolist(), strict=True)):
                sel = (v_now == vn) & (v_then == vt)
                ok = comparable_ids(vn, vt, known)
                keep[sel] = pd.Index(names[sel]).isin(list(ok or ()))
        rows, slots = rows[keep], slots[keep]
    then_key = slots * n_items + item_codes[rows]
    then_sum = np.bincount(then_key, weights=value[rows], minlength=len(orgs) * n_items)
    then_cnt = np.bincount(then_key, minlength=len(orgs) * n_items)

    nr = np.flatnonzero(fresh & in_now)
    now_slot = org_index.get_indexer(code_arr[nr])
    now_key = now_slot * n_items + item_codes[nr]
    matched = then_cnt[now_key] > 0
    nr, now_slot, now_key = nr[matched], now_slot[matched], now_key[matched]
    then_value = then_sum[now_key] / then_cnt[now_key]
    w = items["weight"].to_numpy(dtype=float)[nr]
    group = now_slot * nd + dim_of_row[nr]
    n = np.bincount(group, minlength=size).reshape(-1, nd)
    app_rows = np.flatnonzero(in_now & status.ne("na").to_numpy())
    app_slot = org_index.get_indexer(code_arr[app_rows])
    app_group = app_slot * nd + dim_of_row[app_rows]
    app = np.bincount(app_group, minlength=size).reshape(-1, nd)
    # The applicable items that could be compared at all: an item new or changed since every
    # version last year's answers were on has nothing to be compared with, so it is left out
    # of the share the minimum-coverage rule asks for (docs/scoring.md §10).
    linkable = np.ones(len(app_rows), dtype=bool)
    now_versions = first["v"].to_numpy(dtype=np.int64)
    by_versions: dict[tuple[int, tuple[int, ...]], list[int]] = {}
    for slot, earlier in enumerate(version_sets):
        if earlier and int(now_versions[slot]) not in earlier:
            by_versions.setdefault((int(now_versions[slot]), earlier), []).append(slot)
    if by_versions:
        known = as_frameworks(frameworks)
        app_items = items["item"].to_numpy()[app_rows]
        for (vn, earlier), slot_list in by_versions.items():
            linked: set[str] = set()
            for vt in earlier:
                linked |= set(comparable_ids(vn, vt, known) or ())
            sel = np.isin(app_slot, slot_list)
            linkable[sel] = pd.Index(app_items[sel]).isin(list(linked))
    capp = np.bincount(app_group[linkable], minlength=size).reshape(-1, nd)
    wsum = np.bincount(group, weights=w, minlength=size).reshape(-1, nd)
    with np.errstate(invalid="ignore", divide="ignore"):
        now_s = np.bincount(group, weights=value[nr] * w, minlength=size).reshape(-1, nd) / wsum
        then_s = np.bincount(group, weights=then_value * w, minlength=size).reshape(-1, nd) / wsum

    members = {
        "hub": [k for k, d in enumerate(framework.dimensions) if d.kind == "hub"],
        "cycle": [k for k, d in enumerate(framework.dimensions) if d.kind == "stage"],
        "overall": list(range(nd)),
    }
    ns, apps, capps = [n], [app], [capp]
    thens = [np.where(enough(n, capp) & has_prev, then_s, np.nan)]
    nows = [np.where(enough(n, capp) & has_prev, now_s, np.nan)]
    for cols in members.values():
        used = n[:, cols] > 0  # dimensions with any comparable item (design §5)
        count = used.sum(axis=1)
        n_agg = n[:, cols].sum(axis=1)
        app_agg = app[:, cols].sum(axis=1)
        capp_agg = capp[:, cols].sum(axis=1)
        good = (count > 0) & enough(n_agg, capp_agg) & has_prev[:, 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(used, then_s[:, cols], 0).sum(axis=1) / count
            m = np.where(used, now_s[:, cols], 0).sum(axis=1) / count
        thens.append(np.where(good, t, np.nan)[:, None])
        nows.append(np.where(good, m, np.nan)[:, None])
        ns.append(n_agg[:, None])
        apps.append(app_agg[:, None])
        capps.append(capp_agg[:, None])
    labels = dim_ids + list(members)
    k = len(labels)
    then_all = np.hstack(thens).ravel()
    now_all = np.hstack(nows).ravel()
    n_all = np.hstack(ns).ravel().astype(int)
    app_all = np.hstack(apps).ravel().astype(int)
    capp_all = np.hstack(capps).ravel().astype(int)
    change = now_all - then_all
    previous_all = np.repeat(np.asarray(previous, dtype=object), k)

    def per_org(values: Iterable[Any]) -> np.ndarray:
        return np.repeat(np.asarray(list(values), dtype=object), k)

    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(capp_all > 0, n_all / np.maximum(capp_all, 1), np.nan)
    return pd.DataFrame(
        {
            "organisation": per_org(orgs),
            "dimension": np.tile(np.asarray(labels, dtype=object), len(orgs)),
            "previous_period": previous_all,
            "items_compared": n_all,
            "applicable": app_all,
            "comparable_applicable": capp_all,
            "coverage": coverage.astype(float),
            "score_then": then_all,
            "score_now": now_all,
            "change": change,
            "direction": np.where(previous_all == "", "", directions(change)).astype(object),
            "compared_with": per_org(used_codes),
            "compared_periods": per_org(used_periods),
            "not_assessed": per_org(missing),
            "version_then": per_org(then_versions),
            "version_now": np.repeat(first["v"].to_numpy(dtype=np.int64), k),
        },
        columns=["organisation", *YOY_COLUMNS],
    )


def year_on_year(
    items: pd.DataFrame,
    organisation: Any,
    period: Any,
    framework: Framework,
    frameworks: Framework | Frameworks | None = None,
) -> pd.DataFrame:
    """Change since the organisation's most recent earlier assessment, like for like.

    One row per dimension, then hub, cycle and overall (YOY_COLUMNS): `change_table` read for
    one organisation, given its rows and its predecessors'. `items_compared` is always the
    number of comparable items, so "on the 40 comparable items" means exactly those 40.
    """
    org, per = keys(organisation, period)
    now = own_items(items, org, per)  # a clear error when there is nothing to compare
    named = predecessor_codes(now["predecessors"].iloc[0]) if "predecessors" in now else []
    wanted = {org, *named}
    mine = items[items["organisation"].astype(str).isin(wanted)]
    out = change_table(mine, per, framework, frameworks)
    out = out[out["organisation"].eq(org)].drop(columns="organisation")
    out["items_compared"] = out["items_compared"].astype(int)
    out["applicable"] = out["applicable"].astype(int)
    out["comparable_applicable"] = out["comparable_applicable"].astype(int)
    return out.reset_index(drop=True)
