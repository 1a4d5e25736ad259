"""Killing `engagecycle batch` outright leaves nothing running and nothing behind.

Before: a SIGKILL of the main process left its 5 workers and their kernels running, and a
staging folder in the output folder. These tests kill a real batch (and a real worker) with
SIGKILL and watch every process it had started.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engagecycle.reports.run.notebooks import REPO

pytestmark = [
    pytest.mark.notebook,
    pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table in /proc"),
]


def children() -> dict[int, int]:
    """pid -> parent pid for every process on the machine."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            out[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return out


def descendants(pid: int) -> set[int]:
    table = children()
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for child, parent in table.items():
            if parent == p and child not in found:
                found.add(child)
                todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def alive(pids: set[int]) -> set[int]:
    out = set()
    for p in pids:
        try:
            state = (Path("/proc") / str(p) / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":  # a zombie has exited; only its parent has not collected it yet
            out.add(p)
    return out


def wait_for(condition, timeout: float, step: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


@pytest.fixture
def work(tmp_path) -> Path:
    shutil.copytree(REPO / "assessments", tmp_path / "assessments")
    return tmp_path


def start_batch(work: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "engagecycle.cli", "batch", "--workers", "2", "--dimensions",
         "all", "--no-cache"],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def kernels_of(pid: int) -> set[int]:
    return {p for p in descendants(pid) if "ipykernel" in cmdline(p)}


class Seen:
    """Every process the batch started, remembered with its command line, for clean-up."""

    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.pids: dict[int, str] = {}

    def record(self) -> set[int]:
        for p in descendants(self.proc.pid):
            self.pids.setdefault(p, cmdline(p))
        return set(self.pids)

    def cleanup(self) -> None:
        """Only when a test failed: kill, one by one, what is still running."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        for p in alive(set(self.pids)):
            if cmdline(p) == self.pids[p]:  # the same process, not a reused pid
                with contextlib.suppress(ProcessLookupError):
                    os.kill(p, signal.SIGKILL)


def test_sigkill_of_the_batch_stops_its_workers_and_kernels_and_the_next_run_tidies_up(work):
    proc = start_batch(work)
    seen = Seen(proc)
    try:
        assert wait_for(lambda: len(kernels_of(proc.pid)) >= 2, 120), "no kernels started"
        tree = seen.record()
        workers = {p for p in tree if "spawn_main" in cmdline(p)}
        assert len(workers) >= 2, [cmdline(p) for p in tree]
        staging = list((work / "outputs").glob(".2024-25.staging-*"))
        assert len(staging) == 1
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        wait_for(lambda: not alive(tree), 30)
        left = alive(tree)
        assert not left, [f"{p}: {cmdline(p)[:120]}" for p in left]
    finally:
        seen.cleanup()
    assert staging[0].exists()  # left behind by the killed run...
    done = subprocess.run(
        [sys.executable, "-m", "engagecycle.cli", "batch", "--workers", "2", "--no-overview",
         "--organisations", "X01"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-1000:]
    assert not staging[0].exists()  # ...and removed by the next one
    assert [p.name for p in (work / "outputs").iterdir() if p.name.startswith(".2024-25")] == []


def test_a_killed_worker_takes_its_kernel_with_it(work):
    proc = start_batch(work)
    seen = Seen(proc)
    try:
        assert wait_for(lambda: len(kernels_of(proc.pid)) >= 2, 120), "no kernels started"
        seen.record()
        kernel = next(iter(kernels_of(proc.pid)))
        worker = children()[kernel]
        os.kill(worker, signal.SIGKILL)
        assert wait_for(lambda: not alive({kernel}), 15), "the kernel outlived its worker"
    finally:
        seen.record()
        seen.cleanup()


def test_a_day_old_staging_folder_is_removed_even_if_its_number_is_in_use(tmp_path):
    from engagecycle.reports.run import staging

    reused = tmp_path / f".2024-25.staging-{os.getpid()}-old"  # this pid is alive: reused
    reused.mkdir()
    day_ago = time.time() - staging.STALE_STAGING_AFTER - 60
    os.utime(reused, (day_ago, day_ago))
    running = tmp_path / f".2024-25.staging-{os.getpid()}-new"
    running.mkdir()
    staging.clean_leftovers(tmp_path, "2024-25")
    assert not reused.exists() and running.exists()
