"""What a batch makes: its options, the assessments it reads and the pages it will write.

Everything is checked here, before a worker starts: the period, the peer group, the
organisations and the dimensions asked for, and `--as-of`. Every path handed to a notebook
is absolute; nothing changes the working folder.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ...assessment import normalise_code, normalise_period
from ...benchmark.rules import MIN_PEERS
from ...errors import EngageError
from ...framework import Framework
from ...store import LoadResult
from ...versions import Frameworks

if TYPE_CHECKING:  # the pool loads jupyter_client: not wanted to check a command line
    from .pool import Task


@dataclass
class BatchOptions:
    """What to produce. Paths may be relative; they are resolved once, up front."""

    assessments: Path = Path("assessments")
    out: Path = Path("outputs")
    period: str = "latest"
    organisations: list[str] | None = None
    peer_group: str = ""
    workers: int | None = None
    pdf: bool = False
    dimensions: list[str] = field(default_factory=list)
    overview: bool = True
    as_of: str = ""
    min_peers: int = MIN_PEERS
    cache: bool = True


@dataclass
class Plan:
    framework: Framework  # the dimensions (the same in every version)
    loaded: LoadResult
    period: str
    organisations: list[str]
    all_in_period: bool
    dimensions: list[str]
    # every version the assessments may be on; `framework` names the dimensions (the same in all)
    frameworks: Frameworks = field(default_factory=Frameworks.packaged)


def parse_dimensions(value: str | None, framework: Framework) -> list[str]:
    """`--dimensions`: None -> none; "all" -> every id; "a,b" -> those, checked."""
    if value is None:
        return []
    ids = [d.id for d in framework.dimensions]
    wanted = [v for v in re.split(r"[,\s]+", str(value).strip()) if v]
    if not wanted or wanted == ["all"]:
        return ids
    bad = [w for w in wanted if w not in ids]
    if bad:
        raise EngageError(
            f"unknown dimension {bad[0]!r} in --dimensions; allowed: all, {', '.join(ids)}"
        )
    return [i for i in ids if i in wanted]


def check_as_of(value: str) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise EngageError(f"--as-of must be a date like 2025-03-31 (found {value!r})") from None


def cache_file(assessments: Path) -> Path:
    """Where the load cache for one assessments folder lives: the user's own cache folder."""
    from ...files import user_cache_dir

    digest = hashlib.sha1(str(assessments.resolve()).encode()).hexdigest()[:12]
    return user_cache_dir() / f"assessments-{digest}.json"


def plan_batch(options: BatchOptions) -> Plan:
    """Load and validate everything and decide which pages to make; raise on a bad request."""
    from ..cache import load_folder

    frameworks = Frameworks.packaged()  # each file is scored against the version it records
    framework = frameworks.newest
    cache = cache_file(Path(options.assessments)) if options.cache else None
    loaded = load_folder(options.assessments, frameworks, cache)
    periods = loaded.periods()
    if not periods:
        bad = f" ({len(loaded.invalid_files)} invalid file(s))" if loaded.problems else ""
        raise EngageError(f"no valid assessments found in {options.assessments}{bad}")
    period = normalise_period(options.period or "latest")
    if period == "latest":
        period = periods[-1]
    elif period not in periods:
        raise EngageError(
            f"no assessments for period {period}; periods found: {', '.join(periods)}"
        )
    in_period = [a for a in loaded.assessments if a.period == period]
    group = str(options.peer_group or "").strip()
    chosen = in_period
    if group and group != "own":
        chosen = [a for a in in_period if a.peer_group == group]
        if not chosen:
            groups = sorted({a.peer_group for a in in_period if a.peer_group})
            raise EngageError(
                f"no organisations in peer group {group!r} in {period}; groups: "
                + (", ".join(groups) or "none")
                + " (or 'own' to compare each organisation with its own group)"
            )
    codes = sorted(a.code for a in chosen)
    all_in = True
    if options.organisations:
        wanted = [normalise_code(o) for o in options.organisations]
        missing = [w for w in wanted if w not in codes]
        if missing:
            raise EngageError(
                f"no assessment for {', '.join(missing)} in {period}"
                + (f" in peer group {group!r}" if group and group != "own" else "")
                + f"; organisations found: {', '.join(codes)}"
            )
        all_in = set(wanted) == set(codes)
        codes = sorted(set(wanted))
    dims = list(options.dimensions or [])
    return Plan(framework, loaded, period, codes, all_in, dims, frameworks)


def make_tasks(plan: Plan, options: BatchOptions, folder: Path, bundle: Path) -> list[Task]:
    """Overview and dimension pages first (the longest), then one report per organisation."""
    from .notebooks import notebook_path, report_parameters
    from .pool import Task

    period = plan.period
    group = str(options.peer_group or "").strip()
    assessments = str(Path(options.assessments).resolve())
    links = "reports/{organisation}.html" if plan.all_in_period else ""
    all_dims = [d.id for d in plan.framework.dimensions]
    dim_links = "dimensions/{dimension}.html" if plan.dimensions == all_dims else ""
    tasks: list[Task] = []
    if options.overview:
        tasks.append(
            Task(
                "overview",
                "overview",
                f"Engagement Cycle overview {period}",
                str(notebook_path("overview")),
                {
                    "period": period,
                    "assessments": assessments,
                    "bundle": str(bundle),
                    "report_links": links,
                    "dimension_links": dim_links,
                    "peer_group": "" if group == "own" else group,
                },
                str(folder / "overview.html"),
                options.pdf,
            )
        )
    for dim in plan.dimensions:
        d = plan.framework.dimension(dim)
        tasks.append(
            Task(
                dim,
                "dimension",
                f"{d.title} {period}",
                str(notebook_path("dimension")),
                {
                    "period": period,
                    "dimension": dim,
                    "assessments": assessments,
                    "bundle": str(bundle),
                    "report_links": "../" + links if links else "",
                },
                str(folder / "dimensions" / f"{dim}.html"),
                options.pdf,
                {"title": d.title, "dimension_kind": d.kind},
            )
        )
    for code in plan.organisations:
        tasks.append(
            Task(
                code,
                "report",
                f"{code} {period}: Engagement Cycle benchmark report",
                str(notebook_path("report")),
                report_parameters(
                    code,
                    period,
                    assessments=assessments,
                    bundle=bundle,
                    peer_group=group,
                    min_peers=options.min_peers,
                    as_of=options.as_of,
                ),
                str(folder / "reports" / f"{code}.html"),
                options.pdf,
            )
        )
    return tasks
