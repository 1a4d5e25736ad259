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
from ..versions import Frameworks
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
from .peers import peer_basis, peer_set, peer_table, question_bank
from .rows import keys, require
from .rules import MIN_PEERS


@dataclass
class ReportData:
    """Everything one organisation's report needs, computed once by `build_report_data`."""

    organisation: str
    name: str
    period: str
    own: Assessment
    previous: Assessment | None  # its own most recent earlier assessment (last year's actions)
    previous_period: str  # the most recent earlier period the change compares with
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
    # What the change compared with (docs/scoring.md §7 and §10): the codes whose earlier
    # answers were used (its own first) and their periods, the predecessors it names, those
    # with no earlier assessment, and the question bank versions then and now.
    compared_with: list[str] = field(default_factory=list)
    compared_periods: list[str] = field(default_factory=list)
    predecessors: list[str] = field(default_factory=list)
    not_assessed: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # code -> name, for the wording
    version_now: int = 0
    versions_then: list[int] = field(default_factory=list)
    # Peers are only organisations on the same version: how many in the period were not.
    other_version_count: int = 0


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
    frameworks: Framework | Frameworks | None = None,
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
    previous = _find(assessments, org, earlier_period(scores, org, per))
    yoy = year_on_year(items, org, per, framework, frameworks)
    about = yoy.iloc[0] if len(yoy) else None

    def words(col: str) -> list[str]:
        return str(about[col]).split() if about is not None else []

    group = peer_group if peer_group not in (None, "") else None
    peer = peer_table(scores, org, per, peer_group=group, min_peers=min_peers)
    n_peers = len(peer_set(scores, org, per, group))
    today = today or date.today()
    in_period = scores[scores["period"].astype(str).eq(per) & scores["dimension"].eq("overall")]
    if group is not None:
        in_period = in_period[in_period["peer_group"].astype(str).eq(str(group))]
    mine = scores[scores["organisation"].astype(str).eq(org) & scores["period"].astype(str).eq(per)]
    version_now = int(question_bank(mine).iloc[0]) if len(mine) else 0
    others = in_period[~in_period["organisation"].astype(str).eq(org)]
    names = {a.code: a.name for a in sorted(assessments, key=lambda a: a.period)}
    return ReportData(
        organisation=org,
        name=own.name,
        period=per,
        own=own,
        previous=previous,
        previous_period=str(about["previous_period"]) if about is not None else "",
        peer_group=group,
        min_peers=min_peers,
        peer_count=n_peers,
        peer_basis=peer_basis(
            n_peers,
            per,
            group,
            min_peers,
            version=version_now,
            other_versions=int((question_bank(others) != version_now).sum()),
        ),
        scores=mine.reset_index(drop=True),
        peer=peer,
        year_on_year=yoy,
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
        compared_with=words("compared_with"),
        compared_periods=words("compared_periods"),
        predecessors=list(own.predecessors),
        not_assessed=words("not_assessed"),
        names=names,
        version_now=version_now,
        versions_then=[int(v) for v in str(about["version_then"]).replace(",", " ").split()]
        if about is not None
        else [],
        other_version_count=int((question_bank(others) != version_now).sum()),
    )
