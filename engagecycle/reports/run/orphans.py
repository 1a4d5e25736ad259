"""Batch workers end when the batch ends, however it ends.

`engagecycle batch` runs its pages in worker processes, each with a Jupyter kernel. If the
main process is killed outright (SIGKILL, the out-of-memory killer, a closed terminal
session), it cannot tell its workers to stop, and they would keep their kernels running
for ever. So each worker watches its parent:

- on Linux, `prctl(PR_SET_PDEATHSIG, SIGTERM)` asks the kernel to send the worker SIGTERM
  the moment its parent dies;
- everywhere, a watchdog thread checks once a second that the parent is still the same
  process, and sends itself SIGTERM if not (the fallback where prctl is not available).

SIGTERM makes the worker exit through its `finally`, which shuts its kernel down; a kernel
whose worker dies anyway exits by itself within a second (ipykernel polls its parent,
`JPY_PARENT_PID`, which jupyter_client sets to the worker).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 1.0


def _set_parent_death_signal(sig: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _terminate_self() -> None:
    with contextlib.suppress(OSError):
        os.kill(os.getpid(), signal.SIGTERM)


def _watch(parent: int) -> None:
    while True:
        time.sleep(POLL_SECONDS)
        if os.getppid() != parent:
            _terminate_self()
            return


def die_with_parent(parent: int) -> None:
    """Make this process receive SIGTERM when `parent` (its parent now) goes away."""
    _set_parent_death_signal(signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before we asked to be told
        _terminate_self()
        return
    threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()
