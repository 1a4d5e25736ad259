"""Who may read what the tool writes, and where its private working files go.

Two kinds of file, two rules, in one place:

- **What the tool publishes or hands to people** (reports, pages, the index and manifest,
  summary and action-plan spreadsheets and CSV files, score tables, workbooks to fill in,
  new assessment files) gets the permissions any new file gets from the user's umask:
  `0o666 & ~umask`, which is 644 (owner writes, everyone reads) under the usual umask 022.
  The rule is the same for every kind of file, so a colleague who can open `summary.csv` can
  open `summary.xlsx` too. A rewritten output gets the rule again, whatever mode the old
  file had. (An existing *assessment* file keeps its own permissions when it is saved: see
  `yamlio.atomic_write_text`.)
- **Working files** (the batch's score bundle, the load cache) hold every organisation's
  evidence, including evidence that may not be shared. They never go into an output folder:
  they live in a private temporary folder (0700, removed on success and on failure) or in
  the user's own cache folder (0700, files 0600), and they are JSON, never pickles, so
  loading one can never run code.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

APP = "engagecycle"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def public_mode() -> int:
    """The mode of a new published file: what `open()` would give it (0o666 minus umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def make_public(path: str | Path) -> Path:
    """Give an output file the published mode (see the module docstring)."""
    path = Path(path)
    os.chmod(path, public_mode())
    return path


def write_public_text(path: str | Path, text: str) -> Path:
    """Write an output text file atomically with the published mode."""
    from .yamlio import atomic_write_text

    path = Path(path)
    atomic_write_text(path, text, backup=False)
    return make_public(path)


@contextlib.contextmanager
def private_workdir(prefix: str = f"{APP}-") -> Iterator[Path]:
    """A folder only this user can read, outside any output folder, removed afterwards.

    Removed on success, on an error and on Ctrl+C alike, so a run never leaves other
    organisations' evidence behind.
    """
    folder = Path(tempfile.mkdtemp(prefix=prefix))  # mkdtemp makes it 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def user_cache_dir() -> Path:
    """This user's cache folder for engagecycle: $XDG_CACHE_HOME/engagecycle (or ~/.cache/...).

    Created owner-only (0700); an existing one is made owner-only again.
    """
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    folder = root / APP
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    with contextlib.suppress(OSError):
        os.chmod(folder, PRIVATE_DIR_MODE)
    return folder


def write_private_json(path: str | Path, payload: Any) -> Path:
    """Write JSON atomically as an owner-only file (0600) in an existing private folder."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def read_json(path: str | Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
