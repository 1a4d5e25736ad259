"""YAML reading and writing, and atomic file replacement.

We use ruamel.yaml in two modes. Round-trip mode keeps comments, key order and quoting, so a
file that a person edited in a text editor comes back exactly as they wrote it after the
workshop form or the Excel import saves an answer into it. The C-backed safe mode is used for
bulk, read-only loading (scoring thousands of files). Both construct only plain data (never
arbitrary Python objects) and follow YAML 1.2, so they agree on what a file means.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

HISTORY_DIR = ".history"
HISTORY_KEEP = 20
# A temporary file of ours (`tempfile.mkstemp(prefix=".NAME.", suffix=".tmp")`) left behind by
# a save that was killed before it could rename or delete it. Cleaned on a later save in the
# same folder once it is older than this many seconds (no save takes that long).
STALE_TEMP_AFTER = 10 * 60
_OUR_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


class YamlSyntaxError(ValueError):
    """Malformed YAML, with the 1-based line where the parser gave up."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line


def _rt() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never re-wrap lines a person wrote
    y.indent(mapping=2, sequence=4, offset=2)
    y.allow_duplicate_keys = False
    return y


def _safe() -> YAML:
    y = YAML(typ="safe", pure=False)
    y.allow_duplicate_keys = False
    return y


def syntax_error(exc: YAMLError) -> YamlSyntaxError:
    """A parser error as our YamlSyntaxError: the message a person can act on, and its line."""
    line = None
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        line = mark.line + 1
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    msg = f"{context}, {problem}" if isinstance(exc, MarkedYAMLError) and context else problem
    return YamlSyntaxError(str(msg).strip(), line)


def load_roundtrip(text: str) -> Any:
    """Parse keeping comments, order and style, for documents that will be saved again."""
    try:
        return _rt().load(text)
    except YAMLError as exc:
        raise syntax_error(exc) from None


def load_plain(text: str) -> Any:
    """Parse fast into plain dicts and lists, for read-only use."""
    try:
        return _safe().load(text)
    except YAMLError as exc:
        raise syntax_error(exc) from None


def dump(data: Any) -> str:
    buf = io.StringIO()
    _rt().dump(data, buf)
    return buf.getvalue()


def atomic_write_text(
    path: str | Path,
    text: str,
    *,
    backup: bool = True,
    before_replace: Callable[[], None] | None = None,
) -> Path | None:
    """Replace `path` with `text` so that a reader sees either the old or the new file, never half.

    The new content goes to a temporary file in the same folder (same file system, so the
    rename is atomic), is flushed and fsynced, then renamed over the target. The previous
    version is first copied into a `.history/` folder beside the file so that a bad save can
    be undone by hand. `before_replace` runs just before the rename and may raise to stop it
    (the store checks it still holds its lock). Returns the backup path, if one was made.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    backup_path = None
    try:
        # mkstemp makes owner-only files; give the new file the old one's permissions (or the
        # usual ones for a new file) so a save never changes who can read an assessment.
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if before_replace is not None:
            before_replace()
        if backup and path.exists():
            backup_path = _backup(path)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return backup_path


def clean_stale_temporaries(folder: Path, older_than: float = STALE_TEMP_AFTER) -> list[Path]:
    """Delete our own temporaries in `folder` that a killed save left behind.

    Only names of the form `.NAME.XXXXXXXX.tmp` (what `atomic_write_text` makes) older than
    `older_than` seconds are touched: a save in progress, or anyone else's file, never is.
    """
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not _OUR_TEMP.match(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if now - entry.stat(follow_symlinks=False).st_mtime <= older_than:
                continue
            os.unlink(entry.path)
        except OSError:
            continue  # gone already, or not ours to delete: never fail a save over it
        removed.append(Path(entry.path))
    return removed


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _backup(path: Path) -> Path:
    hist = path.parent / HISTORY_DIR
    hist.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S%f")
    target = hist / f"{path.stem}.{stamp}{path.suffix}"
    shutil.copy2(path, target)
    old = sorted(hist.glob(f"{path.stem}.*{path.suffix}"))
    for stale in old[:-HISTORY_KEEP]:
        stale.unlink(missing_ok=True)
    return target


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
