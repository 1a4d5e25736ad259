"""Year on year (design §5, docs/scoring.md §7): change since the last assessment, like for like.

Comparable items are those answered in *both* years whose answer this year was given or
confirmed this year: an answer carried over from last year and not yet confirmed only
repeats last year's, so comparing it would report "no real change" on nothing. Each
dimension's score is recomputed over its comparable items alone, so a team that answered
more items this year is not credited (or blamed) for the new ones. Hub, cycle and overall
are means of the dimensions with any comparable item (design §5). A change is reported only
with enough comparable items (`rules.enough_to_compare`); otherwise the direction is
NOT_ENOUGH and the scores and change are blank; with no earlier assessment it is "".

One implementation, `change_table`, answers for every organisation of a period at once, on
integer codes and `np.bincount` (10,000 assessments make 700,000 item rows); `year_on_year`,
what one organisation's report shows, is the same code given that organisation's rows, so a
change reads the same in the report, the overview, a dimension page and the summary files.
tests/test_benchmark.py checks it against a plain one-organisation reference on random data.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..assessment import period_start
from ..framework import Framework
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
    "applicable",
    "coverage",
    "score_then",
    "score_now",
    "change",
    "direction",
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


def _previous_periods(orgs: np.ndarray, periods: pd.Series, period: str) -> dict[int, str]:
    """organisation (factorised code) -> its most recent period before `period`."""
    pairs = pd.DataFrame({"o": orgs, "p": periods.to_numpy()}).drop_duplicates()
    pairs["start"] = pairs["p"].map(period_start)
    earlier = pairs[pairs["start"] < period_start(period)]
    latest = earlier.sort_values("start").groupby("o")["p"].last()
    return {int(k): str(v) for k, v in latest.items()}


def change_table(items: pd.DataFrame, period: str, framework: Framework) -> pd.DataFrame:
    """Like-for-like change for every organisation of `period`, in one pass.

    One row per organisation (by code) x (each dimension, then hub, cycle, overall), with
    `organisation` and YOY_COLUMNS.
    """
    per = str(period)
    dim_ids = [d.id for d in framework.dimensions]
    nd = len(dim_ids)
    org_codes, org_names = pd.factorize(items["organisation"])
    item_codes, item_names = pd.factorize(items["item"])
    periods = items["period"].astype(str)
    in_now = periods.eq(per).to_numpy()
    status = items["status"]
    answered = status.eq("answered").to_numpy()
    fresh = answered & ~items["carried_over"].to_numpy(dtype=bool)
    value = items["value"].to_numpy(dtype=float)

    present = np.unique(org_codes[in_now])
    order = np.argsort(np.asarray(org_names[present], dtype=object).astype(str), kind="stable")
    present = present[order]
    orgs = [str(org_names[c]) for c in present]
    slot = np.full(len(org_names), -1)
    slot[present] = np.arange(len(present))
    size = len(orgs) * nd
    dim_of_row = pd.Index(dim_ids).get_indexer(items["dimension"].to_numpy()).astype(np.int64)

    prev = _previous_periods(org_codes, periods, per)
    prev_of_row = pd.Series(org_codes).map(prev)
    in_then = answered & periods.eq(prev_of_row.to_numpy()).to_numpy()
    key = org_codes.astype(np.int64) * max(len(item_names), 1) + item_codes
    now_rows = np.flatnonzero(fresh & in_now)
    then_rows = np.flatnonzero(in_then)
    pos = pd.Index(key[then_rows]).get_indexer(key[now_rows])
    matched = pos >= 0
    nr, tr = now_rows[matched], then_rows[pos[matched]]
    w = items["weight"].to_numpy(dtype=float)[nr]
    group = slot[org_codes[nr]] * nd + dim_of_row[nr]
    n = np.bincount(group, minlength=size).reshape(-1, nd)
    app_rows = np.flatnonzero(in_now & status.ne("na").to_numpy())
    app_group = slot[org_codes[app_rows]] * nd + dim_of_row[app_rows]
    app = np.bincount(app_group, minlength=size).reshape(-1, nd)
    wsum = np.bincount(group, weights=w, minlength=size).reshape(-1, nd)
    with np.errstate(invalid="ignore", divide="ignore"):
        now_s = np.bincount(group, weights=value[nr] * w, minlength=size).reshape(-1, nd) / wsum
        then_s = np.bincount(group, weights=value[tr] * w, minlength=size).reshape(-1, nd) / wsum
    has_prev = np.array([int(c) in prev for c in present], dtype=bool)[:, None]

    members = {
        "hub": [k for k, d in enumerate(framework.dimensions) if d.kind == "hub"],
        "cycle": [k for k, d in enumerate(framework.dimensions) if d.kind == "stage"],
        "overall": list(range(nd)),
    }
    ns, apps = [n], [app]
    thens = [np.where(enough(n, app) & has_prev, then_s, np.nan)]
    nows = [np.where(enough(n, app) & has_prev, now_s, np.nan)]
    for cols in members.values():
        used = n[:, cols] > 0  # dimensions with any comparable item (design §5)
        count = used.sum(axis=1)
        n_agg = n[:, cols].sum(axis=1)
        app_agg = app[:, cols].sum(axis=1)
        good = (count > 0) & enough(n_agg, app_agg) & has_prev[:, 0]
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(used, then_s[:, cols], 0).sum(axis=1) / count
            m = np.where(used, now_s[:, cols], 0).sum(axis=1) / count
        thens.append(np.where(good, t, np.nan)[:, None])
        nows.append(np.where(good, m, np.nan)[:, None])
        ns.append(n_agg[:, None])
        apps.append(app_agg[:, None])
    labels = dim_ids + list(members)
    k = len(labels)
    then_all = np.hstack(thens).ravel()
    now_all = np.hstack(nows).ravel()
    n_all = np.hstack(ns).ravel().astype(int)
    app_all = np.hstack(apps).ravel().astype(int)
    change = now_all - then_all
    previous = np.repeat(np.asarray([prev.get(int(c), "") for c in present], dtype=object), k)
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.where(app_all > 0, n_all / np.maximum(app_all, 1), np.nan)
    return pd.DataFrame(
        {
            "organisation": np.repeat(np.asarray(orgs, dtype=object), k),
            "dimension": np.tile(np.asarray(labels, dtype=object), len(orgs)),
            "previous_period": previous,
            "items_compared": n_all,
            "applicable": app_all,
            "coverage": coverage.astype(float),
            "score_then": then_all,
            "score_now": now_all,
            "change": change,
            "direction": np.where(previous == "", "", directions(change)).astype(object),
        },
        columns=["organisation", *YOY_COLUMNS],
    )


def year_on_year(
    items: pd.DataFrame, organisation: Any, period: Any, framework: Framework
) -> pd.DataFrame:
    """Change since the organisation's most recent earlier assessment, like for like.

    One row per dimension, then hub, cycle and overall (YOY_COLUMNS): `change_table` read for
    one organisation. `items_compared` is always the number of comparable items, so "on the
    40 items answered in both years" means exactly those 40.
    """
    org, per = keys(organisation, period)
    own_items(items, org, per)  # a clear error when there is nothing to compare
    mine = items[items["organisation"].astype(str).eq(org)]
    out = change_table(mine, per, framework).drop(columns="organisation")
    out["items_compared"] = out["items_compared"].astype(int)
    out["applicable"] = out["applicable"].astype(int)
    return out.reset_index(drop=True)
