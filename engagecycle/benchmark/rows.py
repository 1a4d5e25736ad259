"""Finding one organisation's rows in the tidy score and item tables.

Shared by every benchmarking module, so an unknown organisation or period gets the same
clear error (naming what does exist) whichever table is asked first.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..assessment import normalise_code, normalise_period, period_start
from ..errors import EngageError
from ..framework import Framework


def keys(organisation: Any, period: Any) -> tuple[str, str]:
    """Papermill and Excel hand codes over as numbers; compare everything as text."""
    return normalise_code(organisation), normalise_period(period)


def require(table: pd.DataFrame, organisation: str, period: str, what: str) -> None:
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


def own_items(items: pd.DataFrame, organisation: Any, period: Any) -> pd.DataFrame:
    """The item-table rows of one organisation and period (a clear error if there are none)."""
    org, per = keys(organisation, period)
    require(items, org, per, "answers")
    mask = items["organisation"].astype(str).eq(org) & items["period"].astype(str).eq(per)
    return items[mask]


def is_missing(value: Any) -> bool:
    """None, pandas NA and NaN alike (the tables use all three for 'no value')."""
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def statements(items: pd.Series, framework: Framework | None) -> list[str]:
    """The statement of each item id ("" without a framework: the item table has none)."""
    if framework is None:
        return [""] * len(items)
    return [framework.items[i].statement if i in framework.items else "" for i in items]
