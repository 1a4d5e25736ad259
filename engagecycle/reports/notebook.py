"""What the report notebook calls: one `prepare()` and one method per section.

The notebook stays a thin script (parameters, then one call per section), so it reads well in
JupyterLab and all the logic is tested here.
"""

from __future__ import annotations

from datetime import date

from ..benchmark.report_data import build_report_data
from ..benchmark.rules import MIN_PEERS
from . import sections
from .data import Scored, read_bundle, resolve_organisation, resolve_period, score_folder


class _Html:
    """Minimal rich-display object (avoids importing IPython.display for one class)."""

    def __init__(self, html: str, metadata: dict | None = None):
        self.html = html
        self.metadata = metadata or {}

    def _repr_mimebundle_(self, include=None, exclude=None):
        # The metadata travels with the output into the executed notebook: the exporter reads
        # the page title from it, so it never has to reload the data to name the page.
        return {"text/html": self.html}, ({"engagecycle": self.metadata} if self.metadata else {})

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


class Report:
    def __init__(self, scored: Scored, data, history, peer_names: list[str] | None):
        self.scored = scored
        self.data = data
        self.framework = scored.framework
        self.history = history
        self.peer_names = peer_names

    @property
    def title(self) -> str:
        d = self.data
        return f"{d.name} ({d.organisation}): Engagement Cycle benchmark report {d.period}"

    def headline(self):
        footer = f"{self.data.name} ({self.data.organisation}) · {self.data.period} · engagecycle"
        return _Html(
            sections.headline(self.data, self.framework), {"title": self.title, "footer": footer}
        )

    def wheel(self):
        return _Html(sections.wheel(self.data, self.framework))

    def dimensions(self):
        return _Html(sections.dimension_table(self.data, self.framework))

    def trend(self):
        return _Html(sections.trend_section(self.data, self.framework, self.history))

    def strengths_priorities(self):
        return _Html(sections.strengths_priorities(self.data, self.framework))

    def baton(self):
        return _Html(sections.baton_section(self.data, self.framework))

    def discussion(self):
        return _Html(sections.discussion_section(self.data, self.framework))

    def unconfirmed(self):
        return _Html(sections.unconfirmed_section(self.data, self.framework))

    def evidence(self):
        return _Html(sections.evidence_section(self.data, self.framework))

    def actions(self):
        return _Html(sections.actions_section(self.data, self.framework))

    def method(self):
        return _Html(sections.method_note(self.data, self.framework, self.peer_names))

    def all_sections(self) -> str:
        parts = [
            self.headline(),
            self.wheel(),
            self.dimensions(),
            self.trend(),
            self.strengths_priorities(),
            self.baton(),
            self.discussion(),
            self.unconfirmed(),
            self.evidence(),
            self.actions(),
            self.method(),
        ]
        return "\n".join(p.html for p in parts)


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
    data = build_report_data(
        scored.scores,
        scored.items,
        scored.assessments,
        scored.framework,
        org,
        per,
        peer_group=group or None,
        min_peers=int(min_peers),
        today=today,
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
