"""`engagecycle batch`: every organisation's report, the overview and an index, in one go.

How it stays fast and safe (see docs/architecture.md and design §6, §8), module by module:

- `plan`: files are validated and scored **once**; invalid files are listed, never fatal.
  The scores go into a bundle that every notebook reads instead of re-scoring; it holds
  everyone's evidence, so it lives in a private temporary folder outside the output folder
  (removed on success and on failure), and the load cache in the user's own cache folder.
  Nothing but published pages and files is ever written under `--out`.
- `pool`: worker processes, each with one warm kernel for its life, one page at a time; they
  are started first, so their kernels warm up while the main process scores.
- `staging`: everything is written aside and swapped in whole, so nothing stale survives.
- `outputs`: summary files, stand-ins for failed pages, the index and the manifest.

This module is the run itself, in order.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ...assessment import period_slug
from .execute import WARM_UP
from .outputs import finish_output, org_info, write_summary_files
from .plan import BatchOptions, Plan, check_as_of, make_tasks, plan_batch
from .pool import Progress, Task, WorkerPool
from .staging import (
    LEGACY_CACHE,
    check_replaceable,
    clean_leftovers,
    new_staging,
    remove_legacy_cache,
    swap_in,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class BatchResult:
    folder: Path
    index: Path
    manifest: dict[str, Any]
    problems: list[str]
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.problems


def _warm_up(tasks: list[Task]) -> str:
    """Pre-import what the notebooks in this batch will import, once per kernel."""
    code = WARM_UP
    if any(t.kind == "overview" for t in tasks):
        code += "import engagecycle.reports.pages.overview\n"
    if any(t.kind == "dimension" for t in tasks):
        code += "import engagecycle.reports.pages.dimension\n"
    return code


def run_batch(
    options: BatchOptions,
    *,
    progress_stream: TextIO | None = None,
    bar: bool | None = None,
    log: Callable[[str], None] | None = None,
) -> BatchResult:
    """Produce everything under `<out>/<YYYY-YY>/`; see the module docstring for how."""
    from ...files import private_workdir

    # The bundle holds every organisation's evidence: it goes in a private folder outside
    # `out`, removed when this block ends, whether the run succeeds, fails or is interrupted.
    with private_workdir("engagecycle-batch-") as workdir:
        return _run_batch(options, workdir / "bundle.json", progress_stream, bar, log)


def _run_batch(
    options: BatchOptions,
    bundle: Path,
    progress_stream: TextIO | None,
    bar: bool | None,
    log: Callable[[str], None] | None,
) -> BatchResult:
    from ..pages.index import problem_lines

    started = time.perf_counter()
    say = log or (lambda text: print(text, file=progress_stream or sys.stderr, flush=True))
    options.as_of = check_as_of(options.as_of)
    plan = plan_batch(options)
    out = Path(options.out).resolve()
    slug = period_slug(plan.period)
    final = out / slug
    check_replaceable(final)
    out.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out, slug)
    legacy = remove_legacy_cache(out)
    if legacy:
        say(f"removed {len(legacy)} old load cache file(s) from {out / LEGACY_CACHE}")
    staging = new_staging(out, slug)

    # Tasks need only paths, so the workers can start (and warm their kernels) right away.
    tasks = make_tasks(plan, options, staging, bundle)
    workers = min(options.workers or os.cpu_count() or 1, max(1, len(tasks)))
    invalid = plan.loaded.invalid_files
    say(
        f"{plan.period}: {len(plan.organisations)} report(s)"
        + (", the overview" if options.overview else "")
        + (f", {len(plan.dimensions)} dimension page(s)" if plan.dimensions else "")
        + f" with {workers} worker(s)"
        + (f"; {len(invalid)} invalid file(s) skipped" if invalid else "")
    )
    pool = WorkerPool(workers, warm_up=_warm_up(tasks))
    progress = None
    try:
        pool.start()
        scores, items = score_and_bundle(plan, bundle)
        info = org_info(scores, plan.period)
        for t in tasks:  # the tasks were made before scoring; give reports their figures
            if t.kind == "report":
                t.info = info.get(t.key, {})
        write_summary_files(plan, options, scores, items, staging)
        progress = Progress(len(tasks), progress_stream, bar)
        outcomes = pool.run(tasks, progress)
        pool.stop()  # the workers shut their kernels down while the index is written
        progress.close()
        manifest = finish_output(plan, options, tasks, outcomes, staging, workers, started)
        check_replaceable(final)
        swap_in(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        if progress is not None:
            progress.close()
        pool.close()
    problems = problem_lines(manifest)
    return BatchResult(
        final, final / "index.html", manifest, problems, time.perf_counter() - started
    )


def score_and_bundle(plan: Plan, bundle: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score every valid assessment once and write the bundle every notebook reads."""
    from ...scoring import item_table, score_table
    from ..data import Scored, write_bundle

    loaded, known = plan.loaded, plan.frameworks  # the versions the files were loaded with
    items = item_table(loaded.assessments, known)
    scores = score_table(loaded.assessments, known, items=items)
    write_bundle(Scored(plan.framework, loaded.assessments, scores, items, [], known), bundle)
    return scores, items
