"""The batch's worker processes: each keeps one warm kernel and makes one page at a time.

Worker **processes** (the `spawn` start method: nothing with sockets or kernels is forked)
each keep one warm kernel (`NotebookRunner(reuse_kernel=True)`) and one HTML exporter for
their whole life; the kernel is reset before every page, so nothing leaks between reports.
The main process hands each worker one task at a time, so it always knows which page a
worker was on: a failing notebook, or even a crashed worker, costs that page only.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .execute import WARM_UP, NotebookFailure, NotebookRunner
from .notebooks import REPO, REPORT_NOTEBOOK
from .orphans import die_with_parent

# Test hook: organisation codes (comma-separated) whose report is run with an impossible
# `as_of` date, so the real notebook fails in a real cell. Only tests set it.
BREAK_ENV = "ENGAGECYCLE_TEST_BREAK_REPORTS"
BROKEN_AS_OF = "not-a-date"


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

        from .export import exporter

        exporter()


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
