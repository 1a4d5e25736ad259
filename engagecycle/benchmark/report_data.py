"""Everything one organisation's report needs, computed once (design §5 for one organisation)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from ..assessment import Assessment
from ..errors import EngageError
from ..framework import Framework
from .change import earlier_period, year_on_year
from .findings import (
    action_plan,
    action_progress,
    baton,
    discussion_items,
    evidence_gaps,
    evidence_highlights,
    priorities,
    strengths,
    unconfirmed_answers,
)
from .peers import peer_basis, peer_set, peer_table
from .rows import keys, require
from .rules import MIN_PEERS


@dataclass
class ReportData:
    """Everything one organisation's report needs, computed once by `build_report_data`."""

    organisation: str
    name: str
    period: str
    own: Assessment
    previous: Assessment | None
    previous_period: str
    peer_group: str | None
    min_peers: int
    peer_count: int
    peer_basis: str
    scores: pd.DataFrame  # this organisation's rows of the score table
    peer: pd.DataFrame
    year_on_year: pd.DataFrame
    baton: pd.DataFrame
    strengths: pd.DataFrame
    priorities: pd.DataFrame
    discussion: pd.DataFrame
    unconfirmed: pd.DataFrame
    evidence_gaps: pd.DataFrame
    evidence_highlights: pd.DataFrame
    action_progress: pd.DataFrame
    action_plan: pd.DataFrame
    today: date = field(default_factory=date.today)


def _find(assessments: Sequence[Assessment], org: str, period: str | None) -> Assessment | None:
    if period is None:
        return None
    for a in assessments:
        if a.code == org and a.period == period:
            return a
    return None


def build_report_data(
    scores: pd.DataFrame,
    items: pd.DataFrame,
    assessments: Iterable[Assessment],
    framework: Framework,
    organisation: Any,
    period: Any,
    *,
    peer_group: str | None = None,
    min_peers: int = MIN_PEERS,
    today: date | None = None,
) -> ReportData:
    """Bundle every table of §5 for one organisation and period.

    Raises EngageError naming the organisations and periods that do exist when the requested
    one is not in the score table.
    """
    org, per = keys(organisation, period)
    require(scores, org, per, "assessment")
    assessments = list(assessments)
    own = _find(assessments, org, per)
    if own is None:
        raise EngageError(
            f"the score table has {org} {per} but no assessment was passed for it; "
            "pass the same assessments the table was scored from"
        )
    prev_period = earlier_period(scores, org, per)
    previous = _find(assessments, org, prev_period)
    group = peer_group if peer_group not in (None, "") else None
    peer = peer_table(scores, org, per, peer_group=group, min_peers=min_peers)
    n_peers = len(peer_set(scores, org, per, group))
    today = today or date.today()
    mine = scores[scores["organisation"].astype(str).eq(org) & scores["period"].astype(str).eq(per)]
    return ReportData(
        organisation=org,
        name=own.name,
        period=per,
        own=own,
        previous=previous,
        previous_period=prev_period or "",
        peer_group=group,
        min_peers=min_peers,
        peer_count=n_peers,
        peer_basis=peer_basis(n_peers, per, group, min_peers),
        scores=mine.reset_index(drop=True),
        peer=peer,
        year_on_year=year_on_year(items, org, per, framework),
        baton=baton(items, org, per, framework),
        strengths=strengths(peer),
        priorities=priorities(peer),
        discussion=discussion_items(items, org, per, framework),
        unconfirmed=unconfirmed_answers(items, org, per, framework),
        evidence_gaps=evidence_gaps(items, org, per, framework),
        evidence_highlights=evidence_highlights(items, org, per, framework=framework),
        action_progress=action_progress(own, previous),
        action_plan=action_plan(own, today),
        today=today,
    )
