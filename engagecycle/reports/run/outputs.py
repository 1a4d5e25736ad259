"""What a batch writes besides the pages: summary files, stand-ins for failed pages, the
index and the manifest.

All of it goes into the staging folder (`staging`), so it is published with the pages or
not at all. The manifest records per page its kind, key, title, status, seconds and files,
and for a failure the notebook cell, its first line and the error.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ... import __version__
from ...files import write_public_text
from ..pages.index import failure_html, index_html
from .plan import BatchOptions, Plan
from .pool import Outcome, Task
from .staging import relative


def org_info(scores: pd.DataFrame, period: str) -> dict[str, dict[str, Any]]:
    """Each organisation's overall figures, for its row in the index (read from the manifest)."""
    rows = scores[(scores["period"] == period) & (scores["dimension"] == "overall")]
    info = {}
    for r in rows.itertuples(index=False):
        score = None if r.score != r.score else float(r.score)
        completeness = None if r.completeness != r.completeness else float(r.completeness)
        info[str(r.organisation)] = {
            "name": str(r.name),
            "org_type": str(r.org_type),
            "peer_group": str(r.peer_group),
            "score": score,
            "level": str(r.level),
            "completeness": completeness,
            "answers": int(r.items) - int(r.unanswered),
            "unconfirmed": int(r.unconfirmed),
        }
    return info


def write_summary_files(
    plan: Plan, options: BatchOptions, scores: pd.DataFrame, items: pd.DataFrame, folder: Path
) -> None:
    """summary.csv and summary.xlsx (with every action plan) for the chosen organisations."""
    from ...benchmark.system import actions_table, summary_table
    from ..summary import write_summary_csv, write_summary_xlsx

    group = str(options.peer_group or "").strip() or None
    table = summary_table(
        scores,
        items,
        plan.framework,
        plan.period,
        plan.organisations,
        peer_group=group,
        min_peers=options.min_peers,
    )
    today = date.fromisoformat(options.as_of) if options.as_of else None
    actions = actions_table(
        plan.loaded.assessments, plan.framework, plan.period, plan.organisations, today
    )
    write_summary_csv(table, folder / "summary.csv")
    duty = duty_summary(plan, scores, items)
    peers = {None: "all other organisations in the period", "own": "each one's own peer group"}
    write_summary_xlsx(
        table,
        actions,
        folder / "summary.xlsx",
        framework=plan.framework,
        period=plan.period,
        duty=duty,
        about=[
            ("Period", plan.period),
            ("Made", datetime.now().isoformat(timespec="seconds")),
            ("Peers", peers.get(group, f"the {group} peer group")),
            ("Minimum peers", str(options.min_peers)),
            ("Assessments folder", str(Path(options.assessments).resolve())),
            ("Invalid files skipped", ", ".join(plan.loaded.invalid_files) or "none"),
        ],
    )


def duty_summary(plan: Plan, scores: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """The duty sheet's rows, from the call each report's duty section makes."""
    from ...duty import duty_table
    from ..data import Scored
    from ..pages.duty_sections import duty_views

    scored = Scored(plan.framework, plan.loaded.assessments, scores, items, [], plan.frameworks)
    views = duty_views(scored, plan.period, plan.organisations)
    names = {a.code: a.name for a in plan.loaded.assessments if a.period == plan.period}
    return duty_table(views, names)


def manifest(
    plan: Plan,
    options: BatchOptions,
    tasks: list[Task],
    outcomes: dict[str, Outcome],
    folder: Path,
    workers: int,
) -> dict[str, Any]:
    """The run's record: options, counts, invalid files and every page's outcome."""
    pages = []
    for t in tasks:
        o = outcomes.get(t.id) or Outcome(
            t.key, t.kind, t.title, "failed", error="not run", stage="worker", info=t.info
        )
        page = asdict(o)
        page["files"] = [relative(f, folder) for f in o.files]
        page["seconds"] = round(o.seconds, 3)
        pages.append(page)
    problems_by_file: dict[str, list[str]] = {}
    for p in plan.loaded.problems:
        problems_by_file.setdefault(p.file, []).append(str(p))
    reports = [p for p in pages if p["kind"] == "report"]
    failed = [p for p in pages if p["status"] != "ok"]
    return {
        "tool": "engagecycle batch",
        "version": __version__,
        "created": datetime.now().isoformat(timespec="seconds"),
        "period": plan.period,
        "assessments": str(Path(options.assessments).resolve()),
        "options": {
            "organisations": list(options.organisations) if options.organisations else None,
            "peer_group": options.peer_group or "",
            "workers": workers,
            "pdf": options.pdf,
            "dimensions": plan.dimensions,
            "overview": options.overview,
            "as_of": options.as_of,
            "min_peers": options.min_peers,
        },
        "ok": not failed and not problems_by_file,
        "counts": {
            "reports": len(reports),
            "reports_ok": sum(p["status"] == "ok" for p in reports),
            "pages_failed": len(failed),
            "invalid_files": len(problems_by_file),
            "assessments_loaded": len(plan.loaded.assessments),
        },
        "invalid_files": [
            {"file": f, "problems": ps} for f, ps in sorted(problems_by_file.items())
        ],
        "pages": pages,
    }


def finish_output(
    plan: Plan,
    options: BatchOptions,
    tasks: list[Task],
    outcomes: dict[str, Outcome],
    folder: Path,
    workers: int,
    started: float,
) -> dict[str, Any]:
    """Write a stand-in for every page that failed, then the index and the manifest.

    A failed page is replaced by a "not produced" page so no link anywhere dangles. Returns
    the manifest as written.
    """
    record = manifest(plan, options, tasks, outcomes, folder, workers)
    for task, page in zip(tasks, record["pages"], strict=True):
        html_path = Path(task.html)
        if page["status"] != "ok" and not html_path.exists():
            html_path.parent.mkdir(parents=True, exist_ok=True)
            write_public_text(html_path, failure_html(page, plan.period))
            page["error_page"] = relative(html_path, folder)
    record["seconds"] = round(time.perf_counter() - started, 2)
    write_public_text(folder / "index.html", index_html(record))
    record["files"] = sorted(relative(p, folder) for p in folder.rglob("*") if p.is_file()) + [
        "manifest.json"
    ]
    write_public_text(
        folder / "manifest.json", json.dumps(record, indent=1, ensure_ascii=False) + "\n"
    )
    return record
