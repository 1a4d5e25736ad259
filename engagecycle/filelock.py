"""A lock file beside an assessment, held from the conflict check to the rename.

The store refuses to overwrite a file that changed since it was read. That check and the
rename that replaces the file must be one step, or two saves that start a few milliseconds
apart (a workshop autosave and an Excel import, two laptops on a shared drive) both pass the
check and one of them is silently lost. So every save takes this lock first.

Why a lock *file* created with `O_CREAT | O_EXCL`, not `fcntl.flock`: assessments often live
on shared network drives. Exclusive create is decided by the file server (NFS v3 and later,
SMB), so it excludes a save on another machine too; `flock` on such mounts is, depending on
the client and mount options, only local to one machine, emulated, or not supported at all,
and Windows has no `fcntl`. The price is that a lock file outlives a process killed while
holding it, so a lock is treated as *stale* and broken when

- it was taken on this machine by a process that no longer exists, or
- it is older than `STALE_AFTER` seconds (a save holds it for milliseconds).

A save that finds the lock held waits up to `LOCK_TIMEOUT` seconds, then gives up with a
message naming the lock file, who holds it and since when.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import secrets
import socket
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import EngageError

LOCK_TIMEOUT = 10.0  # seconds a save waits for another save to finish
STALE_AFTER = 60.0  # seconds after which a lock is assumed to be left by a crashed save
LOCK_SUFFIX = ".lock"
_BROKEN = re.compile(r"^\..+\.lock\.stale-[0-9a-f]{16}$")


class FileLocked(EngageError, OSError):
    """Another save held the lock for longer than we were willing to wait.

    Also an OSError, so callers that already report failed writes (the workshop form shows
    "Save failed: ...") report this one the same way.
    """


def lock_path(target: Path) -> Path:
    """`.NAME.lock` beside the file: hidden, so discovery never mistakes it for an assessment."""
    return target.with_name(f".{target.name}{LOCK_SUFFIX}")


def pid_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _read(lock: Path) -> dict[str, Any] | None:
    """What the holder wrote into the lock file; {} while it is still being written."""
    try:
        text = lock.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError:
        return {}
    try:
        info = json.loads(text)
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}


def _age(lock: Path, info: dict[str, Any]) -> float | None:
    """Seconds since the lock was taken (by its own record, else by the file's time)."""
    when = info.get("time")
    if not isinstance(when, int | float):
        try:
            when = lock.stat().st_mtime
        except OSError:
            return None
    return time.time() - float(when)


def is_stale(lock: Path, info: dict[str, Any], stale_after: float | None = None) -> bool:
    stale_after = STALE_AFTER if stale_after is None else stale_after
    pid, host = info.get("pid"), info.get("host")
    if host == socket.gethostname() and isinstance(pid, int) and not pid_alive(pid):
        return True
    age = _age(lock, info)
    return age is not None and age > stale_after


def _break(lock: Path, info: dict[str, Any]) -> None:
    """Remove a stale lock without ever removing a fresh one that replaced it meanwhile.

    The lock is first renamed to a name of our own (atomic), then checked: if what we moved
    is not the stale lock we judged (its holder released it and someone else locked in
    between), it is put back.
    """
    aside = lock.with_name(f"{lock.name}.stale-{secrets.token_hex(8)}")
    try:
        os.rename(lock, aside)
    except FileNotFoundError:
        return  # released or broken by someone else already
    moved = _read(aside) or {}
    if moved.get("token") != info.get("token"):
        with contextlib.suppress(OSError):
            os.link(aside, lock)  # never overwrites: fails if someone has locked since
    with contextlib.suppress(OSError):
        aside.unlink()


def describe(lock: Path, info: dict[str, Any] | None) -> str:
    info = info or {}
    who = []
    if info.get("pid"):
        who.append(f"process {info['pid']}")
    if info.get("host"):
        who.append(f"on {info['host']}")
    when = info.get("time")
    since = ""
    if isinstance(when, int | float):
        since = f" since {datetime.fromtimestamp(when).strftime('%H:%M:%S')}"
    holder = " ".join(who) or "another save"
    return f"{lock} is held by {holder}{since}"


class Lock:
    """A held lock; `still_held()` lets the holder check just before it renames."""

    def __init__(self, path: Path, token: str):
        self.path = path
        self.token = token

    def still_held(self) -> bool:
        info = _read(self.path)
        return bool(info) and info.get("token") == self.token

    def release(self) -> None:
        if self.still_held():
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


@contextlib.contextmanager
def locked(
    target: str | Path,
    *,
    timeout: float | None = None,
    stale_after: float | None = None,
) -> Iterator[Lock]:
    """Hold `.NAME.lock` beside `target` for the duration of the `with` block."""
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    stale_after = STALE_AFTER if stale_after is None else stale_after
    target = Path(target)
    lock = lock_path(target)
    token = secrets.token_hex(8)
    record = json.dumps(
        {"pid": os.getpid(), "host": socket.gethostname(), "time": time.time(), "token": token}
    )
    deadline = time.monotonic() + timeout
    delay = 0.001
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            info = _read(lock)
            if info is None:
                continue  # released between our attempt and the read: try again at once
            if is_stale(lock, info, stale_after):
                _break(lock, info)
                continue
            if time.monotonic() >= deadline:
                raise FileLocked(
                    f"cannot save {target.name}: another save is in progress ({describe(lock, info)}"
                    f"; waited {timeout:g} s). Try again; if nobody else is saving, delete {lock}"
                ) from None
            time.sleep(delay * (1 + random.random()))
            delay = min(delay * 2, 0.05)
            continue
        try:
            os.write(fd, record.encode("utf-8"))
        finally:
            os.close(fd)
        break
    held = Lock(lock, token)
    for leftover in stale_leftovers(lock.parent):
        with contextlib.suppress(OSError):
            leftover.unlink()
    try:
        yield held
    finally:
        held.release()


def stale_leftovers(folder: Path, older_than: float = STALE_AFTER) -> list[Path]:
    """Locks put aside by a breaker that was itself killed before tidying up."""
    out = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return out
    for e in entries:
        if _BROKEN.match(e.name):
            with contextlib.suppress(OSError):
                if now - e.stat().st_mtime > older_than:
                    out.append(Path(e.path))
    return out
