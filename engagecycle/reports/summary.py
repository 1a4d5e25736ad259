"""The batch's summary: every organisation x dimension of one period, with peers and change.

`benchmark.peer_table` and `benchmark.year_on_year` answer for one organisation at a time and
filter the whole table on each call, so doing every organisation that way grows with the
square of their number (10,000 assessments would take minutes). The functions here compute
the same figures for all organisations at once; tests/test_batch.py checks them against the
one-at-a-time versions, which stay the reference.

Writers send every text cell through `spreadsheet.safe` (formula injection).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from ..assessment import Assessment, period_start
from ..benchmark import (
    CHANGE_MIN_ITEMS,
    CHANGE_MIN_SHARE,
    MIN_PEERS,
    NOT_ENOUGH,
    REAL_CHANGE,
    TOLERANCE,
    action_plan,
)
from ..files import write_public_text
from ..framework import Framework
from ..scoring import SCORE_COLUMNS
from ..spreadsheet.safe import neutralise

PEER_COLUMNS = [
    "peer_n",
    "peer_min",
    "peer_q1",
    "peer_median",
    "peer_q3",
    "peer_max",
    "percentile",
    "peer_band",
]
CHANGE_COLUMNS = [
    "previous_period",
    "items_compared",
    "coverage",
    "score_then",
    "score_now",
    "change",
    "direction",
]
SUMMARY_COLUMNS = SCORE_COLUMNS + PEER_COLUMNS + CHANGE_COLUMNS
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
_QUANTILES = {"peer_min": 0.0, "peer_q1": 0.25, "peer_median": 0.5, "peer_q3": 0.75, "peer_max": 1}
_ALL = "\x00all"  # pool name for "every organisation in the period" (cannot clash with a group)


# ---------------------------------------------------------------- peers, all at once


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """numpy's own linear interpolation (as in np.percentile), so results match bit for bit."""
    d = b - a
    return np.where(t >= 0.5, b - d * (1 - t), a + d * t)


def _pools(own: pd.DataFrame, peer_group: str | None) -> tuple[pd.Series, pd.Series]:
    """Which pool of peers each row is compared with, and whether it belongs to that pool.

    Mirrors `notebook.prepare`: "" compares with everyone, a named group with that group's
    members, and "own" with the organisation's own group (everyone when it has none).
    """
    groups = own["peer_group"].astype(str)
    group = str(peer_group or "").strip()
    if group == "own":
        pool = groups.where(groups.ne(""), _ALL)
        return pool, pd.Series(True, index=own.index)
    if group:
        return pd.Series(group, index=own.index), groups.eq(group)
    return pd.Series(_ALL, index=own.index), pd.Series(True, index=own.index)


def peer_columns(
    scores: pd.DataFrame,
    period: str,
    *,
    peer_group: str | None = None,
    min_peers: int = MIN_PEERS,
) -> pd.DataFrame:
    """`benchmark.peer_table`'s peer figures for every row of `period`, in one pass.

    Returns the period's rows of `scores` (same index) with PEER_COLUMNS. Each row's peers
    are the *other* organisations of its pool with a score on that row; below `min_peers`
    the statistics and band are blank, as in the single-organisation table.
    """
    own = scores[scores["period"].astype(str).eq(str(period))]
    pool, member = _pools(own, peer_group)
    score = own["score"].astype(float).to_numpy()
    out = pd.DataFrame(index=own.index)
    out["peer_n"] = 0
    for col in [*_QUANTILES, "percentile"]:
        out[col] = math.nan
    out["peer_band"] = ""

    scored = own["score"].notna()
    dims = own["dimension"].astype(str)
    groups = own["peer_group"].astype(str)
    values: dict[tuple[str, str], np.ndarray] = {}
    for (p, d), idx in pd.Series(own.index, index=own.index).groupby([pool, dims]).groups.items():
        if (p, d) not in values:
            in_pool = scored & dims.eq(d) & (groups.eq(p) if p != _ALL else True)
            values[(p, d)] = np.sort(own.loc[in_pool, "score"].astype(float).to_numpy())
        s = values[(p, d)]
        pos = own.index.get_indexer(idx)
        x = score[pos]
        self_in = member.to_numpy()[pos] & ~np.isnan(x)
        n = s.size - self_in.astype(int)
        k = np.searchsorted(s, np.nan_to_num(x), side="left")
        shown = (n >= min_peers) & (n > 0)
        out.iloc[pos, out.columns.get_loc("peer_n")] = n
        if not shown.any():
            continue
        for col, q in _QUANTILES.items():
            h = q * (np.maximum(n, 1) - 1)
            lo = np.floor(h).astype(int)
            hi = np.minimum(lo + 1, np.maximum(n, 1) - 1)
            a = s[np.clip(lo + (self_in & (lo >= k)), 0, s.size - 1)]
            b = s[np.clip(hi + (self_in & (hi >= k)), 0, s.size - 1)]
            out.iloc[pos, out.columns.get_loc(col)] = np.where(shown, _lerp(a, b, h - lo), np.nan)
        below = np.searchsorted(s, x, side="left")
        at_or_below = np.searchsorted(s, x, side="right") - self_in.astype(int)
        with np.errstate(invalid="ignore", divide="ignore"):
            pct = (below + at_or_below) / 2 / n * 100
        pct = np.where(shown & ~np.isnan(x), pct, np.nan)
        out.iloc[pos, out.columns.get_loc("percentile")] = pct
        out.iloc[pos, out.columns.get_loc("peer_band")] = _quartile_bands(pct)
    out["peer_n"] = out["peer_n"].astype(int)
    return out


def _quartile_bands(pct: np.ndarray) -> np.ndarray:
    """Vectorised `benchmark.quartile_band`."""
    return np.select(
        [pct >= 75, pct >= 50, pct >= 25, pct >= 0],
        ["top", "second", "third", "bottom"],
        default="",
    ).astype(object)


# ---------------------------------------------------------------- year on year, all at once


def _previous_periods(orgs: np.ndarray, periods: pd.Series, period: str) -> dict[int, str]:
    """organisation (factorised code) -> its most recent period before `period`.

    As `benchmark.earlier_period`: the latest earlier one, not necessarily the year before.
    """
    pairs = pd.DataFrame({"o": orgs, "p": periods.to_numpy()}).drop_duplicates()
    pairs["start"] = pairs["p"].map(period_start)
    earlier = pairs[pairs["start"] < period_start(period)]
    latest = earlier.sort_values("start").groupby("o")["p"].last()
    return {int(k): str(v) for k, v in latest.items()}


def change_columns(items: pd.DataFrame, period: str, framework: Framework) -> pd.DataFrame:
    """`benchmark.year_on_year` for every organisation of `period`, in one pass.

    One row per organisation x (dimension | hub | cycle | overall), like for like: only items
    answered in both years (this year's not an unconfirmed copy of last year's) count, a
    change needs `benchmark.enough_to_compare` coverage, and hub/cycle/overall are means of the
    dimensions with any comparable item. Works on integer codes and `np.bincount`, because
    10,000 assessments make 700,000 rows.
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
    thens = [np.where(_enough(n, app) & has_prev, then_s, np.nan)]
    nows = [np.where(_enough(n, app) & has_prev, now_s, np.nan)]
    for cols in members.values():
        used = n[:, cols] > 0  # dimensions with any comparable item (design §5)
        count = used.sum(axis=1)
        n_agg = n[:, cols].sum(axis=1)
        app_agg = app[:, cols].sum(axis=1)
        good = (count > 0) & _enough(n_agg, app_agg) & has_prev[:, 0]
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
    out = pd.DataFrame(
        {
            "organisation": np.repeat(np.asarray(orgs, dtype=object), k),
            "dimension": np.tile(np.asarray(labels, dtype=object), len(orgs)),
            "previous_period": previous,
            "items_compared": n_all,
            "coverage": coverage,
            "score_then": then_all,
            "score_now": now_all,
            "change": change,
            "direction": np.where(previous == "", "", _directions(change)).astype(object),
        }
    )
    return out[["organisation", "dimension", *CHANGE_COLUMNS]]


def _enough(n: np.ndarray, applicable: np.ndarray) -> np.ndarray:
    """Vectorised `benchmark.enough_to_compare`."""
    with np.errstate(invalid="ignore", divide="ignore"):
        share = n / np.maximum(applicable, 1)
    return (applicable > 0) & (n >= CHANGE_MIN_ITEMS) & (share >= CHANGE_MIN_SHARE - TOLERANCE)


def _directions(change: np.ndarray) -> np.ndarray:
    """Vectorised `benchmark._direction`, NOT_ENOUGH where no change could be reported."""
    return np.select(
        [np.isnan(change), change >= REAL_CHANGE - TOLERANCE, change <= -REAL_CHANGE + TOLERANCE],
        [NOT_ENOUGH, "improved", "declined"],
        default="no real change",
    ).astype(object)


# ---------------------------------------------------------------- the summary table


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
    peers = peer_columns(scores, per, peer_group=peer_group, min_peers=min_peers)
    table = rows.join(peers)
    change = change_columns(items, per, framework)
    table = table.merge(change, on=["organisation", "dimension"], how="left", validate="1:1")
    if organisations is not None:
        wanted = {str(o) for o in organisations}
        table = table[table["organisation"].astype(str).isin(wanted)]
    table["items_compared"] = table["items_compared"].fillna(0).astype(int)
    for col in ("previous_period", "direction", "peer_band"):
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


# ---------------------------------------------------------------- writers


def _safe_text(df: pd.DataFrame) -> pd.DataFrame:
    """Neutralise every text cell (a name or action typed as '=...' must stay text)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].astype(object).map(neutralise)
    return out


def summary_csv(table: pd.DataFrame) -> str:
    """CSV text, numbers formatted as `engagecycle score --format csv` formats them."""
    buf = io.StringIO()
    _safe_text(table).to_csv(buf, index=False, float_format="%.4f", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


def write_summary_csv(table: pd.DataFrame, path: Path) -> Path:
    return write_public_text(path, summary_csv(table))


def write_summary_xlsx(
    table: pd.DataFrame,
    actions: pd.DataFrame,
    path: Path,
    *,
    framework: Framework | None = None,
    period: str = "",
    about: Sequence[tuple[str, str]] = (),
) -> Path:
    """summary.xlsx, formatted for people (see `summary_book`), with the tidy table inside."""
    from ..framework import load_framework
    from .summary_book import write_summary_book

    return write_summary_book(
        table, actions, Path(path), framework or load_framework(), period=period, about=about
    )
