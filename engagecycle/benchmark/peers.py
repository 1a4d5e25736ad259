"""Peers (design §5): the spread of other organisations' scores, and where one stands in it.

One implementation, `peer_figures`, answers for every organisation of a period at once (the
batch's summary needs all of them, and filtering the whole table once per organisation grows
with the square of their number); `peer_table`, what one organisation's report shows, is
that same code read for one organisation. tests/test_benchmark.py checks both against a
plain one-organisation-at-a-time reference on random tables with ties and gaps.

Two choices worth knowing about:

- The percentile rank is computed here rather than with `scipy.stats.percentileofscore`:
  importing `scipy.stats` costs about 0.4 s in every fresh report kernel. The formula is
  scipy's `kind="mean"` and a test checks the two agree.
- Privacy comes first: when fewer than `min_peers` other organisations have a score, every
  peer statistic (and the percentile and band derived from them) is blanked out here, not
  just hidden by the caller, so a careless notebook cannot leak a small peer set.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from .rows import keys, require
from .rules import BOTTOM, MIN_PEERS, QUARTER_FROM

PEER_STATS = ["peer_min", "peer_q1", "peer_median", "peer_q3", "peer_max"]
# What `peer_figures` adds to each score-table row.
PEER_FIGURES = ["peer_n", *PEER_STATS, "percentile", "peer_band"]
# One organisation's table (`peer_table`).
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
    *PEER_STATS,
    "percentile",
    "band",
    "shown",
]
QUANTILES = {"peer_min": 0.0, "peer_q1": 0.25, "peer_median": 0.5, "peer_q3": 0.75, "peer_max": 1}
OWN = "own"  # compare each organisation with its own peer group
_ALL = "\x00all"  # pool name for "every organisation in the period" (cannot clash with a group)


def percentile_rank(peer_scores: Iterable[float], own: float | None) -> float:
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
    return float((below + at_or_below) / 2 / a.size * 100)


def quartile_bands(pct: np.ndarray) -> np.ndarray:
    """`rules.quartile_band` for an array of percentiles ('' where there is none)."""
    conditions = [pct >= start for start in QUARTER_FROM.values()] + [pct >= 0]
    names = [*QUARTER_FROM, BOTTOM]
    return np.select(conditions, names, default="").astype(object)


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """numpy's own linear interpolation (as in np.percentile and pandas' quantile)."""
    d = b - a
    return np.where(t >= 0.5, b - d * (1 - t), a + d * t)


def _pools(own: pd.DataFrame, peer_group: str | None) -> tuple[pd.Series, pd.Series]:
    """Which pool of peers each row is compared with, and whether it belongs to that pool.

    "" (or None) compares with everyone, a named group with that group's members, and OWN
    with the organisation's own group (everyone when it has none).
    """
    groups = own["peer_group"].astype(str)
    group = str(peer_group or "").strip()
    if group == OWN:
        pool = groups.where(groups.ne(""), _ALL)
        return pool, pd.Series(True, index=own.index)
    if group:
        return pd.Series(group, index=own.index), groups.eq(group)
    return pd.Series(_ALL, index=own.index), pd.Series(True, index=own.index)


def question_bank(scores: pd.DataFrame) -> pd.Series:
    """The version of the question bank each score-table row was answered with.

    Peers are only those on the same version (docs/scoring.md §6): the versions rate
    different items on different scales, so one dimension's scores from two versions are not
    like for like. A table made before versions were recorded is all one version.
    """
    if "version" not in scores:
        return pd.Series(0, index=scores.index, dtype=np.int64)
    return scores["version"].fillna(0).astype(np.int64)


def peer_figures(
    scores: pd.DataFrame,
    period: str,
    *,
    peer_group: str | None = None,
    min_peers: int = MIN_PEERS,
) -> pd.DataFrame:
    """Peer figures (PEER_FIGURES) for every score-table row of `period`, in one pass.

    Returns a frame on the same index as the period's rows of `scores`. Each row's peers are
    the *other* organisations of its pool with a score on that row (a missing score is left
    out, never read as 0) that answered the same version of the question bank
    (`question_bank`); the pool is every organisation, a named `peer_group`, or each
    organisation's own group (OWN). Below `min_peers` peers the statistics, percentile and
    band are blank, but `peer_n` still says how many there were.
    """
    own = scores[scores["period"].astype(str).eq(str(period))]
    pool, member = _pools(own, peer_group)
    score = own["score"].astype(float).to_numpy()
    out = pd.DataFrame(index=own.index)
    out["peer_n"] = 0
    for col in [*QUANTILES, "percentile"]:
        out[col] = math.nan
    out["peer_band"] = ""

    scored = own["score"].notna()
    dims = own["dimension"].astype(str)
    groups = own["peer_group"].astype(str)
    versions = question_bank(own)
    values: dict[tuple[str, str, int], np.ndarray] = {}
    by_pool = pd.Series(own.index, index=own.index).groupby([pool, versions, dims]).groups
    for (p, v, d), idx in by_pool.items():
        if (p, v, d) not in values:
            in_pool = scored & dims.eq(d) & versions.eq(v)
            in_pool &= groups.eq(p) if p != _ALL else True
            values[(p, v, d)] = np.sort(own.loc[in_pool, "score"].astype(float).to_numpy())
        s = values[(p, v, d)]
        pos = own.index.get_indexer(idx)
        x = score[pos]
        self_in = member.to_numpy()[pos] & ~np.isnan(x)
        n = s.size - self_in.astype(int)
        k = np.searchsorted(s, np.nan_to_num(x), side="left")
        shown = (n >= min_peers) & (n > 0)
        out.iloc[pos, out.columns.get_loc("peer_n")] = n
        if not shown.any():
            continue
        for col, q in QUANTILES.items():
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
        out.iloc[pos, out.columns.get_loc("peer_band")] = quartile_bands(pct)
    out["peer_n"] = out["peer_n"].astype(int)
    return out


def peer_table(
    scores: pd.DataFrame,
    organisation: Any,
    period: Any,
    *,
    peer_group: str | None = None,
    min_peers: int = MIN_PEERS,
) -> pd.DataFrame:
    """The organisation's scores beside its peers', one row per dimension then hub/cycle/overall.

    Peers for a row are every *other* organisation with a score on that row in the same period
    (only those in `peer_group` when given). When fewer than `min_peers` peers remain the
    statistics are blanked (`shown` False) but `peer_n` is still reported so the reader knows
    why.
    """
    org, per = keys(organisation, period)
    require(scores, org, per, "scores")
    in_period = scores[scores["period"].astype(str).eq(per)]
    figures = peer_figures(in_period, per, peer_group=peer_group or "", min_peers=min_peers)
    mine = in_period["organisation"].astype(str).eq(org)
    own, fig = in_period[mine], figures[mine]
    n = fig["peer_n"].astype(int)
    # Built from plain lists, so text columns get pandas' own text type, as in any table
    # made from records.
    out = pd.DataFrame(
        {
            "dimension": own["dimension"].tolist(),
            "title": own["title"].tolist(),
            "kind": own["kind"].tolist(),
            "score": own["score"].astype(float).tolist(),
            "level": own["level"].tolist(),
            "completeness": own["completeness"].astype(float).tolist(),
            "low_evidence": own["low_evidence"].astype(bool).tolist(),
            "target": own["target"].tolist(),
            "peer_n": n.tolist(),
            **{c: fig[c].astype(float).tolist() for c in PEER_STATS},
            "percentile": fig["percentile"].astype(float).tolist(),
            "band": fig["peer_band"].tolist(),
            "shown": ((n >= min_peers) & (n > 0)).tolist(),
        },
        columns=PEER_COLUMNS,
    )
    out["target"] = out["target"].astype("Float64")
    return out.reset_index(drop=True)


def peer_set(
    scores: pd.DataFrame, organisation: Any, period: Any, peer_group: str | None = None
) -> list[str]:
    """Codes of the other organisations assessed in the period on the same version of the
    question bank (and in the peer group if given)."""
    org, per = keys(organisation, period)
    sub = scores[scores["period"].astype(str).eq(per)]
    version = question_bank(sub)
    mine = version[sub["organisation"].astype(str).eq(org)]
    if len(mine):
        sub = sub[version.eq(mine.iloc[0])]
    sub = sub[~sub["organisation"].astype(str).eq(org)]
    if peer_group is not None:
        sub = sub[sub["peer_group"].astype(str).eq(str(peer_group))]
    return sorted(sub["organisation"].astype(str).unique())


def peer_basis(
    n: int,
    period: str,
    peer_group: str | None,
    min_peers: int = MIN_PEERS,
    *,
    version: int = 0,
    other_versions: int = 0,
) -> str:
    """One line saying what the peer comparison rests on, e.g. '13 other organisations in 2024/25'.

    When some organisations of the period answered another version of the question bank they
    are not peers (`question_bank`), and the line says how many were left out and why.
    """
    who = "no other organisations" if n == 0 else f"{n} other organisation{'s' if n != 1 else ''}"
    where = f"in the {peer_group} peer group in {period}" if peer_group else f"in {period}"
    text = f"{who} {where}"
    if other_versions:
        text += (
            f" on version {version} of the question bank ({other_versions} on another "
            f"version {'is' if other_versions == 1 else 'are'} not compared: different items)"
        )
    if n < min_peers:
        text += f" – too few to compare (minimum {min_peers})"
    return text
