"""`engagecycle batch`: every organisation's report, the overview and an index, in one go.

How it stays fast and safe (see docs/architecture.md and design §6, §8):

- Files are validated and scored **once**; the result is written as a bundle that every
  notebook reads instead of re-scoring. Invalid files are listed, never fatal. The bundle
  holds everyone's evidence, so it goes into a private temporary folder outside the output
  folder (removed on success and on failure), and the load cache into the user's own cache
  folder; nothing but published pages and files is ever written under `--out`.
- Worker **processes** (the `spawn` start method: nothing with sockets or kernels is forked)
  each keep one warm kernel (`NotebookRunner(reuse_kernel=True)`) and one HTML exporter for
  their whole life. The kernel is reset before every page, so nothing leaks between reports.
  Workers are started first, so their kernels warm up while the main process scores.
- The main process hands each worker one task at a time, so it always knows which page a
  worker was on: a failing notebook, or even a crashed worker, costs that page only.
- Everything is written into a fresh hidden staging folder and swapped in at the end, so
  `<out>/<YYYY-YY>/` only ever holds the complete output of one run: nothing stale survives.
- Every path handed to a notebook is absolute; nothing changes the working folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing as mp
import os
import queue
import re
import secrets
import shutil
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..assessment import normalise_code, normalise_period, period_slug
from ..benchmark.rules import MIN_PEERS
from ..errors import EngageError
from ..framework import Framework, load_framework
from .execute import WARM_UP, NotebookFailure, NotebookRunner
from .orphans import die_with_parent

# render.REPO, computed here so that importing this module (in the main process and in every
# worker) does not pull in nbconvert and nbformat (0.8 s) before the workers are started.
REPO = Path(__file__).resolve().parents[2]
REPORT_NOTEBOOK = REPO / "notebooks" / "report.ipynb"

# Test hook: organisation codes (comma-separated) whose report is run with an impossible
# `as_of` date, so the real notebook fails in a real cell. Only tests set it.
BREAK_ENV = "ENGAGECYCLE_TEST_BREAK_REPORTS"
BROKEN_AS_OF = "not-a-date"
STAGING = ".staging-"
LEGACY_CACHE = ".cache"  # where versions before 0.2 kept a pickled load cache (removed on sight)


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
class Task:
    """One page for a worker to make. Picklable: it crosses into the worker process."""

    key: str
    kind: str  # report | overview | dimension
    title: str
    notebook: str
    parameters: dict
    html: str
    pdf: bool = False
    info: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        """Unique within a batch (an organisation code may equal a dimension id)."""
        return f"{self.kind}:{self.key}"


@dataclass
class Outcome:
    """What happened to one task."""

    key: str
    kind: str
    title: str
    status: str  # ok | failed
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)
    cell: int | None = None
    cell_source: str = ""
    error: str = ""
    stage: str = ""  # where it failed: notebook | export | pdf | worker
    error_page: str = ""
    info: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.key}"


@dataclass
class BatchResult:
    folder: Path
    index: Path
    manifest: dict
    problems: list[str]
    seconds: float

    @property
    def ok(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------- choosing what to run


@dataclass
class Plan:
    framework: Framework
    loaded: Any  # store.LoadResult
    period: str
    organisations: list[str]
    all_in_period: bool
    dimensions: list[str]


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
    from ..files import user_cache_dir

    digest = hashlib.sha1(str(assessments.resolve()).encode()).hexdigest()[:12]
    return user_cache_dir() / f"assessments-{digest}.json"


def remove_legacy_cache(out: Path) -> list[Path]:
    """Delete the pickled load caches older versions left in `<out>/.cache/`.

    They hold every organisation's evidence and could run code when loaded; an output folder
    must hold neither. Only files named as those versions named them are touched.
    """
    folder = out / LEGACY_CACHE
    removed = [p for p in folder.glob("assessments-*.pkl") if p.is_file()]
    for p in removed:
        p.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        folder.rmdir()  # only if nothing else is in it
    return removed


def plan_batch(options: BatchOptions) -> Plan:
    """Load and validate everything and decide which pages to make; raise on a bad request."""
    from .cache import load_folder

    framework = load_framework()
    cache = cache_file(Path(options.assessments)) if options.cache else None
    loaded = load_folder(options.assessments, framework, cache)
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
    return Plan(framework, loaded, period, codes, all_in, dims)


def make_tasks(plan: Plan, options: BatchOptions, folder: Path, bundle: Path) -> list[Task]:
    """Overview and dimension pages first (the longest), then one report per organisation."""
    from .render import notebook_path, report_parameters

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


# ---------------------------------------------------------------- inside a worker


def _broken_reports() -> set[str]:
    return {c.strip() for c in os.environ.get(BREAK_ENV, "").split(",") if c.strip()}


def run_task(runner: NotebookRunner, task: Task) -> Outcome:
    """Make one page; never raises (every failure becomes a failed Outcome)."""
    from .export import html_to_pdf, notebook_to_html, write_html
    from .render import page_meta

    start = time.perf_counter()
    params = dict(task.parameters)
    if task.kind == "report" and task.key in _broken_reports():
        params["as_of"] = BROKEN_AS_OF
    result = Outcome(task.key, task.kind, task.title, "failed", info=task.info)
    try:
        nb = runner.run(params, notebook=task.notebook)
        result.stage = "export"
        title, footer = page_meta(nb, task.title)
        html_path = write_html(notebook_to_html(nb, title, footer), Path(task.html))
        result.files.append(str(html_path))
        if task.pdf:
            result.stage = "pdf"
            pdf = html_to_pdf(html_path, html_path.with_suffix(".pdf"))
            result.files.append(str(pdf))
        result.status, result.stage = "ok", ""
    except NotebookFailure as f:
        result.stage = "notebook"
        result.cell, result.cell_source = f.cell, f.source
        result.error = f"{f.ename}: {f.evalue}"
    except Exception as exc:  # one page's failure must not stop the batch
        result.stage = result.stage or "notebook"
        result.error = f"{type(exc).__name__}: {exc}"
    result.seconds = time.perf_counter() - start
    return result


def _preload() -> None:
    """Import papermill and build the HTML exporter while the kernel is booting."""
    with contextlib.suppress(Exception):  # a real problem shows up again in run_task
        import papermill  # noqa: F401

        from .export import _exporter

        _exporter()


def _stop(signum, frame) -> None:
    raise SystemExit(0)  # so `finally` shuts the kernel down


def _worker_main(wid: int, inbox, results, cwd: str, warm_up: str, parent: int = 0) -> None:
    """A worker process: one warm kernel for its whole life, one task at a time."""
    signal.signal(signal.SIGTERM, _stop)
    if parent:
        die_with_parent(parent)
    preload = threading.Thread(target=_preload, daemon=True)
    preload.start()
    runner = NotebookRunner(REPORT_NOTEBOOK, reuse_kernel=True, cwd=cwd, warm_up=warm_up)
    try:
        try:
            runner.start()
            preload.join()
        except Exception as exc:  # reported to the main process
            results.put(("start-failed", wid, f"the notebook kernel did not start: {exc}"))
            return
        results.put(("ready", wid))
        while True:
            task = inbox.get()
            if task is None:
                return
            results.put(("done", wid, run_task(runner, task)))
    except KeyboardInterrupt:
        pass
    finally:
        runner.close()


# ---------------------------------------------------------------- the pool


@dataclass
class _Worker:
    wid: int
    process: Any
    inbox: Any
    task: Task | None = None
    ready: bool = False


class WorkerPool:
    """Worker processes fed one task at a time by the main process."""

    def __init__(self, size: int, *, cwd: Path = REPO, warm_up: str = WARM_UP):
        self.size = max(1, int(size))
        self.cwd = str(cwd)
        self.warm_up = warm_up
        self.ctx = mp.get_context("spawn")
        self.results = self.ctx.Queue()
        self.workers: dict[int, _Worker] = {}
        self.spawned = 0
        self.start_errors: list[str] = []

    def start(self) -> WorkerPool:
        for _ in range(self.size):
            self._spawn()
        return self

    def _spawn(self) -> None:
        wid = self.spawned
        self.spawned += 1
        inbox = self.ctx.Queue()
        proc = self.ctx.Process(
            target=_worker_main,
            args=(wid, inbox, self.results, self.cwd, self.warm_up, os.getpid()),
            name=f"engagecycle-worker-{wid}",
            daemon=True,
        )
        proc.start()
        self.workers[wid] = _Worker(wid, proc, inbox)

    def run(self, tasks: list[Task], on_done=None) -> dict[str, Outcome]:
        """Run every task; return outcomes by task id. A crashed worker fails only its task."""
        todo = deque(tasks)
        pending = {t.id for t in tasks}
        outcomes: dict[str, Outcome] = {}
        max_spawns = self.size * 2 + 2

        def finish(outcome: Outcome) -> None:
            outcomes[outcome.id] = outcome
            pending.discard(outcome.id)
            if on_done:
                on_done(outcome)

        def feed(w: _Worker) -> None:
            w.task = todo.popleft() if todo else None
            w.inbox.put(w.task)

        while pending:
            try:
                msg = self.results.get(timeout=0.5)
            except queue.Empty:
                msg = None
            if msg is not None:
                kind, wid = msg[0], msg[1]
                w = self.workers.get(wid)
                if kind == "ready" and w is not None:
                    w.ready = True
                    feed(w)
                elif kind == "done":
                    finish(msg[2])
                    if w is not None:
                        feed(w)
                elif kind == "start-failed":
                    self.start_errors.append(msg[2])
                continue
            for w in list(self.workers.values()):
                if w.process.is_alive():
                    continue
                del self.workers[w.wid]
                if not w.ready and w.task is None:
                    self.start_errors.append(
                        f"a worker process stopped while starting (exit code {w.process.exitcode})"
                    )
                if w.task is not None and w.task.id in pending:
                    finish(
                        Outcome(
                            w.task.key,
                            w.task.kind,
                            w.task.title,
                            "failed",
                            error="the worker process stopped unexpectedly "
                            f"(exit code {w.process.exitcode})",
                            stage="worker",
                            info=w.task.info,
                        )
                    )
                if todo and self.spawned < max_spawns:
                    self._spawn()
            if todo and not self.workers:
                why = self.start_errors[-1] if self.start_errors else "no worker could start"
                while todo:
                    t = todo.popleft()
                    finish(
                        Outcome(
                            t.key,
                            t.kind,
                            t.title,
                            "failed",
                            stage="worker",
                            error=f"no worker could run it: {why}",
                            info=t.info,
                        )
                    )
        return outcomes

    def stop(self) -> None:
        """Ask every worker to finish: it shuts its kernel down and exits."""
        for w in self.workers.values():
            with contextlib.suppress(Exception):
                w.inbox.put(None)

    def join(self, timeout: float = 20) -> None:
        """Wait for the workers to exit; terminate any that will not (its kernel follows)."""
        deadline = time.monotonic() + timeout
        for w in self.workers.values():
            w.process.join(max(0.1, deadline - time.monotonic()))
            if w.process.is_alive():
                w.process.terminate()
                w.process.join(5)
        self.workers.clear()

    def close(self, timeout: float = 20) -> None:
        self.stop()
        self.join(timeout)


# ---------------------------------------------------------------- progress


class Progress:
    """A tqdm bar on a terminal; plain lines ("[3/14] X03 ok 0.6 s") in logs."""

    def __init__(self, total: int, stream=None, bar: bool | None = None):
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.bar = None
        use_bar = bar if bar is not None else bool(getattr(self.stream, "isatty", lambda: False)())
        if use_bar and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=self.stream, unit="page", dynamic_ncols=True)

    def __call__(self, outcome: Outcome) -> None:
        self.done += 1
        status = "ok" if outcome.status == "ok" else "FAILED"
        if self.bar is not None:
            self.bar.set_postfix_str(f"{outcome.key} {status}", refresh=False)
            self.bar.update(1)
            if outcome.status != "ok":
                self.bar.write(
                    f"{outcome.kind} {outcome.key} failed: {outcome.error}", file=self.stream
                )
        else:
            print(
                f"[{self.done}/{self.total}] {outcome.key} {status} {outcome.seconds:.1f} s",
                file=self.stream,
                flush=True,
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


# ---------------------------------------------------------------- the output folder


STALE_STAGING_AFTER = 24 * 3600  # no batch runs for a day: an older folder is a leftover


def clean_leftovers(out: Path, slug: str) -> None:
    """Remove staging folders of earlier runs that were killed before they could tidy up.

    A folder is a leftover when the process that made it is gone, or (in case its number
    now belongs to another process, or the check cannot be made, as on Windows) when it is
    more than a day old.
    """
    from ..filelock import pid_alive

    pattern = re.compile(rf"^\.{re.escape(slug)}\.(?:staging|old)-(\d+)-")
    now = time.time()
    for entry in out.glob(f".{slug}.*"):
        m = pattern.match(entry.name)
        if not (m and entry.is_dir()):
            continue
        try:
            old = now - entry.stat().st_mtime > STALE_STAGING_AFTER
        except OSError:
            continue
        if old or not pid_alive(int(m.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


def swap_in(staging: Path, final: Path) -> None:
    """Replace `final` with `staging`: two renames, so readers see old or new, never a mix."""
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}-{time.time_ns()}")
        os.replace(final, old)
    os.replace(staging, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _check_replaceable(final: Path) -> None:
    if final.exists() and not (final / "manifest.json").is_file():
        raise EngageError(
            f"{final} exists but was not written by engagecycle batch (it has no manifest.json); "
            "move it away or choose another --out folder"
        )


def _relative(path: str | Path, folder: Path) -> str:
    return Path(path).relative_to(folder).as_posix()


# ---------------------------------------------------------------- the whole run


def _org_info(scores, period: str) -> dict[str, dict]:
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


def _warm_up(tasks: list[Task]) -> str:
    """Pre-import what the notebooks in this batch will import, once per kernel."""
    code = WARM_UP
    if any(t.kind == "overview" for t in tasks):
        code += "import engagecycle.reports.pages.overview\n"
    if any(t.kind == "dimension" for t in tasks):
        code += "import engagecycle.reports.pages.dimension\n"
    return code


def run_batch(
    options: BatchOptions, *, progress_stream=None, bar: bool | None = None, log=None
) -> BatchResult:
    """Produce everything under `<out>/<YYYY-YY>/`; see the module docstring for how."""
    from ..files import private_workdir

    # The bundle holds every organisation's evidence: it goes in a private folder outside
    # `out`, removed when this block ends, whether the run succeeds, fails or is interrupted.
    with private_workdir("engagecycle-batch-") as workdir:
        return _run_batch(options, workdir / "bundle.json", progress_stream, bar, log)


def _run_batch(options: BatchOptions, bundle: Path, progress_stream, bar, log) -> BatchResult:
    from ..files import write_public_text
    from .pages.index import failure_html, index_html, problem_lines

    started = time.perf_counter()
    log = log or (lambda text: print(text, file=progress_stream or sys.stderr, flush=True))
    options.as_of = check_as_of(options.as_of)
    plan = plan_batch(options)
    out = Path(options.out).resolve()
    slug = period_slug(plan.period)
    final = out / slug
    _check_replaceable(final)
    out.mkdir(parents=True, exist_ok=True)
    clean_leftovers(out, slug)
    legacy = remove_legacy_cache(out)
    if legacy:
        log(f"removed {len(legacy)} old load cache file(s) from {out / LEGACY_CACHE}")
    # mkdir (not mkdtemp, which makes it private to us) so the folder gets the usual
    # permissions: it becomes <out>/<YYYY-YY>/ and colleagues may need to read it.
    staging = out / f".{slug}{STAGING}{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()

    # Tasks need only paths, so the workers can start (and warm their kernels) right away.
    tasks = make_tasks(plan, options, staging, bundle)
    workers = min(options.workers or os.cpu_count() or 1, max(1, len(tasks)))
    invalid = plan.loaded.invalid_files
    log(
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
        scores, items = _score(plan, bundle)
        info = _org_info(scores, plan.period)
        for t in tasks:  # the tasks were made before scoring; give reports their figures
            if t.kind == "report":
                t.info = info.get(t.key, {})
        _write_summary(plan, options, scores, items, staging)
        progress = Progress(len(tasks), progress_stream, bar)
        outcomes = pool.run(tasks, progress)
        pool.stop()  # the workers shut their kernels down while the index is written
        progress.close()
        manifest = _manifest(plan, options, tasks, outcomes, staging, workers)
        for task, page in zip(tasks, manifest["pages"], strict=True):
            html_path = Path(task.html)
            if page["status"] != "ok" and not html_path.exists():
                html_path.parent.mkdir(parents=True, exist_ok=True)
                write_public_text(html_path, failure_html(page, plan.period))
                page["error_page"] = _relative(html_path, staging)
        manifest["seconds"] = round(time.perf_counter() - started, 2)
        write_public_text(staging / "index.html", index_html(manifest))
        manifest["files"] = sorted(
            _relative(p, staging) for p in staging.rglob("*") if p.is_file()
        ) + ["manifest.json"]
        write_public_text(
            staging / "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
        )
        _check_replaceable(final)
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


def _score(plan: Plan, bundle: Path):
    """Score every valid assessment once and write the bundle every notebook reads."""
    from ..scoring import item_table, score_table
    from .data import Scored, write_bundle

    loaded = plan.loaded
    items = item_table(loaded.assessments, plan.framework)
    scores = score_table(loaded.assessments, plan.framework, items=items)
    write_bundle(Scored(plan.framework, loaded.assessments, scores, items, []), bundle)
    return scores, items


def _write_summary(plan: Plan, options: BatchOptions, scores, items, folder: Path) -> None:
    """summary.csv and summary.xlsx (with every action plan) for the chosen organisations."""
    from ..benchmark.system import actions_table, summary_table
    from .summary import write_summary_csv, write_summary_xlsx

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
    peers = {None: "all other organisations in the period", "own": "each one's own peer group"}
    write_summary_xlsx(
        table,
        actions,
        folder / "summary.xlsx",
        framework=plan.framework,
        period=plan.period,
        about=[
            ("Period", plan.period),
            ("Made", datetime.now().isoformat(timespec="seconds")),
            ("Peers", peers.get(group, f"the {group} peer group")),
            ("Minimum peers", str(options.min_peers)),
            ("Assessments folder", str(Path(options.assessments).resolve())),
            ("Invalid files skipped", ", ".join(plan.loaded.invalid_files) or "none"),
        ],
    )


def _manifest(
    plan: Plan,
    options: BatchOptions,
    tasks: list[Task],
    outcomes: dict[str, Outcome],
    folder: Path,
    workers: int,
) -> dict:
    pages = []
    for t in tasks:
        o = outcomes.get(t.id) or Outcome(
            t.key, t.kind, t.title, "failed", error="not run", stage="worker", info=t.info
        )
        page = asdict(o)
        page["files"] = [_relative(f, folder) for f in o.files]
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
