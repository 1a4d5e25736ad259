"""One organisation's benchmark report: what `notebooks/report.ipynb` calls.

`prepare()` loads (or reads the batch's bundle), scores and benchmarks; the `Report` page has
one method per section. The notebook stays a thin script (parameters, then one call per
section), so it reads well in JupyterLab and all the logic is tested here.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property

import pandas as pd

from ...benchmark.report_data import ReportData, build_report_data
from ...benchmark.rules import MIN_PEERS
from ...duty import DutyView
from ..data import Scored, read_bundle, resolve_organisation, resolve_period, score_folder
from . import duty_sections
from . import report_sections as sections
from .html import Html
from .page import Page


class Report(Page):
    sections = (
        "headline",
        "wheel",
        "dimensions",
        "trend",
        "strengths_priorities",
        "duty",
        "baton",
        "discussion",
        "unconfirmed",
        "evidence",
        "actions",
        "method",
        "duty_items",
    )

    def __init__(
        self,
        scored: Scored,
        data: ReportData,
        history: pd.DataFrame,
        peer_names: list[str] | None,
    ):
        self.scored = scored
        self.data = data
        self.framework = scored.framework_of(data.own)  # its own version's items
        self.history = history
        self.peer_names = peer_names

    @property
    def title(self) -> str:
        d = self.data
        return f"{d.name} ({d.organisation}): Engagement Cycle benchmark report {d.period}"

    @property
    def footer(self) -> str:
        return f"{self.data.name} ({self.data.organisation}) · {self.data.period} · engagecycle"

    def headline(self) -> Html:
        return self.head(sections.headline(self.data, self.framework))

    def wheel(self) -> Html:
        return Html(sections.wheel(self.data, self.framework))

    def dimensions(self) -> Html:
        return Html(sections.dimension_table(self.data, self.framework))

    def trend(self) -> Html:
        return Html(sections.trend_section(self.data, self.framework, self.history))

    @cached_property
    def duty_data(self) -> tuple[DutyView | None, pd.DataFrame]:
        """This assessment's duty-to-involve view (the overview's call) and its item rows."""
        d = self.data
        views = duty_sections.duty_views(self.scored, d.period, [d.organisation])
        items = self.scored.items
        own = items[
            items["organisation"].astype(str).eq(d.organisation)
            & items["period"].astype(str).eq(d.period)
        ]
        return views.get(d.organisation), own

    def duty(self) -> Html:
        """The duty to involve: ratings from the tagged items, or one line on version 1."""
        view, own = self.duty_data
        return Html(duty_sections.report_section(view, self.framework, own))

    def strengths_priorities(self) -> Html:
        return Html(sections.strengths_priorities(self.data, self.framework))

    def baton(self) -> Html:
        return Html(sections.baton_section(self.data, self.framework))

    def discussion(self) -> Html:
        return Html(sections.discussion_section(self.data, self.framework))

    def unconfirmed(self) -> Html:
        return Html(sections.unconfirmed_section(self.data, self.framework))

    def evidence(self) -> Html:
        return Html(sections.evidence_section(self.data, self.framework))

    def actions(self) -> Html:
        return Html(sections.actions_section(self.data, self.framework))

    def method(self) -> Html:
        return Html(sections.method_note(self.data, self.framework, self.peer_names))

    def duty_items(self) -> Html:
        """Reference matter after the method note: what each tagged item says, and its answer."""
        view, own = self.duty_data
        return Html(duty_sections.items_appendix(view, self.framework, own))


def prepare(
    organisation,
    period,
    *,
    assessments: str = "assessments",
    bundle: str = "",
    peer_group: str = "",
    anonymise: bool = True,
    min_peers: int = MIN_PEERS,
    as_of: str = "",
) -> Report:
    """Load (or read the batch's bundle), score and benchmark one organisation's period.

    `peer_group`: "" compares with every other organisation; "own" with the organisation's
    own peer group; any other value with that named group.
    """
    scored = read_bundle(bundle) if bundle else score_folder(assessments)
    codes = sorted({a.code for a in scored.assessments})
    org = resolve_organisation(organisation, codes)
    periods = sorted({a.period for a in scored.assessments if a.code == org})
    per = resolve_period(period, periods)
    group = str(peer_group or "").strip()
    if group == "own":
        own = next(a for a in scored.assessments if a.key == (org, per))
        group = own.peer_group
    today = date.fromisoformat(str(as_of)) if as_of else None
    own = next(a for a in scored.assessments if a.key == (org, per))
    data = build_report_data(
        scored.scores,
        scored.items,
        scored.assessments,
        scored.framework_of(own),
        org,
        per,
        peer_group=group or None,
        min_peers=int(min_peers),
        today=today,
        frameworks=scored.frameworks,
    )
    history = scored.scores[scored.scores["organisation"] == org]
    peer_names = None
    if not _truthy(anonymise):
        peer_names = sorted(
            a.name
            for a in scored.assessments
            if a.period == per and a.code != org and (not group or a.peer_group == group)
        )
    return Report(scored, data, history, peer_names)


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)
