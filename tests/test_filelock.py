"""The save lock: held saves wait then fail clearly, stale locks are broken, leftovers go."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from engagecycle import cli, filelock, yamlio
from engagecycle.errors import ConflictError
from engagecycle.filelock import FileLocked, lock_path, locked
from engagecycle.spreadsheet import layout as L
from engagecycle.spreadsheet.template import write_template
from engagecycle.store import Store, read_file
from engagecycle.workshop.session import WorkshopSession


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "assessments")


@pytest.fixture
def fast(monkeypatch):
    """Wait 0.2 s rather than 10 for a held lock."""
    monkeypatch.setattr(filelock, "LOCK_TIMEOUT", 0.2)


def hold(path: Path, *, pid: int | None = None, host: str | None = None, age: float = 0) -> Path:
    """Write a lock file as another save would have left it."""
    lock = lock_path(path)
    info = {
        "pid": os.getpid() if pid is None else pid,
        "host": socket.gethostname() if host is None else host,
        "time": time.time() - age,
        "token": "0123456789abcdef",
    }
    lock.write_text(json.dumps(info), encoding="utf-8")
    return lock


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def changed(store: Store, path: Path, text: str):
    a = read_file(path, store.framework, roundtrip=True)
    a.set_evidence("vision.1", text)
    return a


def test_a_save_leaves_no_lock_behind_even_when_refused(store):
    a = store.create("T01", "2024/25", "Testvale ICB")
    store.save(changed(store, a.path, "first"))
    assert not lock_path(a.path).exists()
    stale = changed(store, a.path, "second")
    store.save(changed(store, a.path, "third"))
    with pytest.raises(ConflictError):
        store.save(stale)
    assert not lock_path(a.path).exists()
    assert [p.name for p in a.path.parent.iterdir() if p.name.startswith(".")] == [".history"]


def test_a_held_lock_makes_the_save_wait_then_fail_naming_the_file(store, fast):
    a = store.create("T01", "2024/25", "Testvale ICB")
    before = a.path.read_bytes()
    lock = hold(a.path)  # a live process (this one) is saving
    with pytest.raises(FileLocked) as info:
        store.save(changed(store, a.path, "mine"))
    msg = str(info.value)
    assert f"held by process {os.getpid()} on {socket.gethostname()}" in msg
    assert str(lock) in msg and "waited 0.2 s" in msg
    assert a.path.read_bytes() == before  # nothing written
    assert lock.exists()  # someone else's lock is never removed while it is fresh


def test_the_command_line_reports_a_held_lock_as_a_plain_error(store, fast, capsys, tmp_path):
    a = store.create("T01", "2024/25", "Testvale ICB")
    book = tmp_path / "t01.xlsx"
    write_template(store, "T01", "2024/25", book)
    wb = load_workbook(book)
    ws = wb[L.ITEMS]
    heads = {ws.cell(L.HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(L.FIRST_ROW, heads[L.LEVEL]).value = 3
    wb.save(book)
    hold(a.path)
    code = cli.main(["import", str(book), "--assessments", str(store.folder)])
    err = capsys.readouterr().err
    assert code == 1
    assert "another save is in progress" in err and str(lock_path(a.path)) in err
    assert "Traceback" not in err and "unexpected" not in err


def test_the_workshop_shows_a_held_lock_as_a_failed_save_and_keeps_the_edit(store, fast):
    store.create("T01", "2024/25", "Testvale ICB")
    s = WorkshopSession.open(store, "T01", "2024/25", autosave_delay=None)
    lock = hold(s.path)
    s.set_level("vision.1", 3)
    status = s.flush()
    assert status.state == "failed" and "another save is in progress" in status.reason
    assert s.dirty  # the answer is still waiting to be saved
    lock.unlink()
    assert s.flush().state == "saved"
    assert read_file(s.path, store.framework).response("vision.1").level == 3


def test_a_lock_left_by_a_dead_process_on_this_machine_is_broken_at_once(store, fast):
    a = store.create("T01", "2024/25", "Testvale ICB")
    hold(a.path, pid=dead_pid())
    store.save(changed(store, a.path, "after a crash"))
    assert read_file(a.path, store.framework).response("vision.1").evidence == "after a crash"
    assert not lock_path(a.path).exists()


def test_a_lock_from_another_machine_is_broken_only_when_old(store, fast):
    a = store.create("T01", "2024/25", "Testvale ICB")
    lock = hold(a.path, pid=1, host="another-laptop")
    with pytest.raises(FileLocked, match="on another-laptop"):
        store.save(changed(store, a.path, "too soon"))
    lock = hold(a.path, pid=1, host="another-laptop", age=filelock.STALE_AFTER + 5)
    store.save(changed(store, a.path, "later"))
    assert not lock.exists()
    assert read_file(a.path, store.framework).response("vision.1").evidence == "later"


def test_breaking_a_stale_lock_never_removes_a_fresh_one_that_replaced_it(tmp_path):
    target = tmp_path / "x.yaml"
    judged = {"pid": 1, "host": "elsewhere", "time": 0, "token": "aaaaaaaaaaaaaaaa"}
    with locked(target):  # by the time the breaker acts, a live save holds a new lock
        filelock._break(lock_path(target), judged)
        assert lock_path(target).exists()
        assert json.loads(lock_path(target).read_text())["pid"] == os.getpid()
    assert not lock_path(target).exists()
    assert list(tmp_path.iterdir()) == []


def test_the_holder_checks_its_lock_before_the_rename(store, monkeypatch):
    a = store.create("T01", "2024/25", "Testvale ICB")
    b = changed(store, a.path, "slow save")
    before = a.path.read_bytes()
    real = yamlio.atomic_write_text

    def taken_over(path, text, **kw):
        # The save stalled so long that its lock was judged stale and taken by another save.
        lock_path(path).write_text('{"token": "someone else"}')
        return real(path, text, **kw)

    monkeypatch.setattr("engagecycle.store.atomic_write_text", taken_over)
    with pytest.raises(ConflictError, match="lock was taken over"):
        store.save(b)
    assert a.path.read_bytes() == before


def test_stale_temporaries_of_killed_saves_are_cleaned_on_the_next_save(store):
    a = store.create("T01", "2024/25", "Testvale ICB")
    folder = a.path.parent
    old = time.time() - yamlio.STALE_TEMP_AFTER - 60
    ours_old = [folder / ".2024-25.yaml.k3j_x9ab.tmp", folder / ".2023-24.yaml.0a1b2c3d.tmp"]
    ours_new = folder / ".2024-25.yaml.zz99yy88.tmp"  # a save in progress right now
    theirs = [folder / "notes.tmp", folder / ".2024-25.yaml.tmp", folder / "draft.yaml.tmp"]
    broken_lock = folder / ".2024-25.yaml.lock.stale-0123456789abcdef"
    for p in [*ours_old, ours_new, *theirs, broken_lock]:
        p.write_text("x")
    for p in [*ours_old, *theirs, broken_lock]:
        os.utime(p, (old, old))
    store.save(changed(store, a.path, "next save"))
    assert not any(p.exists() for p in ours_old)
    assert not broken_lock.exists()
    assert ours_new.exists() and all(p.exists() for p in theirs)
