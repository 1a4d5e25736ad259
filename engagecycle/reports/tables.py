"""The system-level tables behind the overview and the dimension pages, computed once per page.

`build_overview` and `build_dimension` gather what their page shows from the benchmarking
rules (`benchmark.system`, the same rules as every organisation's report), plus the few
choices that belong to a page: which stage is weakest, who moved most, which items are
weakest. Pure: tables in, tables out; the pages (`reports.pages`) turn them into HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..assessment import Assessment
from ..benchmark.rules import DECLINED, is_change
from ..benchmark.system import (
    dimension_changes,
    dimension_summary,
    good_practice,
    handover_summary,
    item_summary,
    organisation_table,
    system_batons,
    system_changes,
)
from ..errors import EngageError
from ..framework import Dimension, Framework

MOVERS_LISTED = 5  # organisations in each of the overview's "most improved / declined" lists
WEAKEST_SHOWN = 3  # items in a dimension page's "where the system is weakest"


def period_rows(scores: pd.DataFrame, period: str, peer_group: str = "") -> pd.DataFrame:
    """Score-table rows of one period, optionally one peer group (clear error if empty)."""
    rows = scores[scores["period"].astype(str).eq(period)]
    group = str(peer_group or "").strip()
    if group:
        groups = sorted(g for g in rows["peer_group"].astype(str).unique() if g)
        rows = rows[rows["peer_group"].astype(str).eq(group)]
        if rows.empty:
            raise EngageError(
                f"no organisation in peer group {group!r} has an assessment for {period}; "
                f"peer groups in {period}: {', '.join(groups) or 'none'}"
            )
    return rows.reset_index(drop=True)


# ---------------------------------------------------------------- the overview


@dataclass
class OverviewData:
    period: str
    peer_group: str
    framework: Framework
    scores: pd.DataFrame  # score-table rows of the period (and peer group)
    organisations: pd.DataFrame  # ORG_COLUMNS, one row per organisation, best overall first
    changes: pd.DataFrame  # YOY_COLUMNS + organisation: like-for-like, comparable ones only
    batons: pd.DataFrame  # BATON_COLUMNS + organisation
    handovers: pd.DataFrame  # HANDOVER_COLUMNS, one row per hand-over, weakest first
    dimensions: pd.DataFrame  # DIM_SUMMARY_COLUMNS, dimensions then hub/cycle/overall


def build_overview(
    scores: pd.DataFrame,
    items: pd.DataFrame,
    framework: Framework,
    period: str,
    peer_group: str = "",
) -> OverviewData:
    """Every table of the overview for one period, from the score and item tables."""
    rows = period_rows(scores, period, peer_group)
    orgs = sorted(rows["organisation"].astype(str).unique())
    changes = system_changes(items, orgs, period, framework)
    batons = system_batons(items, orgs, period, framework)
    return OverviewData(
        period=period,
        peer_group=str(peer_group or "").strip(),
        framework=framework,
        scores=rows,
        organisations=organisation_table(rows, changes, framework),
        changes=changes,
        batons=batons,
        handovers=handover_summary(batons),
        dimensions=dimension_summary(rows, framework),
    )


def weakest_stage(ov: OverviewData) -> dict[str, Any]:
    """The stage with the lowest median score ({} when no stage has a score)."""
    stages = {d.id for d in ov.framework.stages}
    st = ov.dimensions[ov.dimensions["dimension"].isin(stages) & ov.dimensions["median"].notna()]
    if st.empty:
        return {}
    st = st.assign(_o=range(len(st)), _m=st["median"].round(9))
    return st.sort_values(["_m", "_o"]).iloc[0].to_dict()


def top_movers(ov: OverviewData, direction: str, n: int = MOVERS_LISTED) -> pd.DataFrame:
    """The `n` organisations that improved (or declined) most, like-for-like overall.

    Only organisations whose overall change is reported qualify: one with too few comparable
    answers has no change to rank (`rules.enough_to_compare`).
    """
    orgs = ov.organisations
    sub = orgs[orgs["direction"].eq(direction) & orgs["direction"].map(is_change)]
    return sub.sort_values(
        ["change", "organisation"], ascending=[direction == DECLINED, True]
    ).head(n)


# ---------------------------------------------------------------- one dimension


def resolve_dimension(value: Any, framework: Framework) -> str:
    """A dimension id from the notebook parameter, or a clear error listing the valid ids."""
    dim = str(value or "").strip().lower()
    if dim in framework.by_id:
        return dim
    for d in framework.dimensions:  # be kind to "Monitor" or "Data & insight"
        if dim in (d.short.lower(), d.title.lower()):
            return d.id
    raise EngageError(
        f"unknown dimension {str(value)!r}; valid dimension ids: "
        + ", ".join(d.id for d in framework.dimensions)
    )


@dataclass
class DimensionData:
    period: str
    framework: Framework
    dimension: Dimension
    scores: pd.DataFrame  # score-table rows of this dimension in the period
    items: pd.DataFrame  # item-table rows of this dimension in the period
    summary: pd.DataFrame  # ITEM_SUMMARY_COLUMNS, one row per item in framework order
    changes: pd.DataFrame  # DIMENSION_CHANGE_COLUMNS, one row per organisation in the period
    good_practice: pd.DataFrame  # GOOD_COLUMNS: shared evidence only
    withheld: int  # rated 3-4 with evidence, from organisations that did not agree to share


def build_dimension(
    scores: pd.DataFrame,
    items: pd.DataFrame,
    assessments: list[Assessment],
    framework: Framework,
    period: str,
    dimension: str,
) -> DimensionData:
    """Every table of the dimension page for one period."""
    dim = framework.by_id[resolve_dimension(dimension, framework)]
    rows = period_rows(scores, period)
    mine = rows[rows["dimension"].eq(dim.id)].reset_index(drop=True)
    its = items[items["period"].astype(str).eq(period) & items["dimension"].eq(dim.id)]
    shared, withheld = good_practice(items, assessments, period, dim)
    return DimensionData(
        period=period,
        framework=framework,
        dimension=dim,
        scores=mine,
        items=its.reset_index(drop=True),
        summary=item_summary(its, dim),
        changes=dimension_changes(items, rows, period, framework, dim.id),
        good_practice=shared,
        withheld=withheld,
    )


def weakest_items(summary: pd.DataFrame, n: int = WEAKEST_SHOWN) -> pd.DataFrame:
    """Items with the lowest median (then lowest mean), answered by at least one organisation."""
    sub = summary[summary["answered"].gt(0)].copy()
    sub["_o"] = range(len(sub))
    sub["_m"] = sub["median"].round(9)
    sub["_a"] = sub["mean"].round(9)
    return sub.sort_values(["_m", "_a", "_o"]).head(n).drop(columns=["_o", "_m", "_a"])
