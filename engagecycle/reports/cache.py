"""Loading an assessments folder with a cache of the files that were valid last time.

Parsing and validating costs about 4 ms per file, so 10,000 files take half a minute on every
batch. The cache keeps each valid file's parsed document keyed by its absolute path, size and
modification time (in nanoseconds); an unchanged file is then not read at all. Invalid files
are never cached: they are re-read every time, so their messages are always current.

The cache is invalidated as a whole when the framework file or the validation code changes.
A file edited without changing its size *or* its nanosecond timestamp would be missed; tools
that restore timestamps (`cp -p`, `rsync -t`) can do that, so `--no-cache` exists. The cache
is a pickle, like the batch's bundle, written by us in the output folder; only use caches you
made.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
from collections import defaultdict
from pathlib import Path

from .. import __version__, assessment, limits, store, yamlguard
from ..assessment import Assessment
from ..errors import PathError, ValidationFailed
from ..framework import Framework, load_framework
from ..store import LoadResult, find_files, read_file, settle_duplicates

CACHE_VERSION = 1


def _fingerprint(framework: Framework) -> str:
    """Changes whenever the framework file or the validation code changes."""
    h = hashlib.sha256(__version__.encode())
    checks = (assessment.__file__, limits.__file__, yamlguard.__file__, store.__file__)
    for path in (framework.source, *checks):
        try:
            h.update(Path(path).read_bytes())
        except OSError:
            h.update(str(path).encode())
    return h.hexdigest()


def _shared(obj):
    """The same document with repeated keys and short values as one shared string each.

    Pickle then writes each of them once, which makes the cache a third smaller and quicker
    to read (10,000 documents repeat "level", "evidence" and friends 700,000 times).
    """
    if isinstance(obj, dict):
        return {_shared(k): _shared(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_shared(v) for v in obj]
    if isinstance(obj, str) and len(obj) <= 40:
        return sys.intern(obj)
    return obj


def _read_cache(path: Path, fingerprint: str) -> dict:
    # The collector would walk the growing heap again and again while a million small
    # objects are unpickled; pausing it makes reading 10,000 documents ~4x faster.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(path, "rb") as fh:
            payload = pickle.load(fh)  # noqa: S301 - our own file, see module doc
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return {}
    finally:
        if enabled:
            gc.enable()
    if not isinstance(payload, dict) or payload.get("version") != CACHE_VERSION:
        return {}
    if payload.get("fingerprint") != fingerprint:
        return {}
    return payload.get("files", {})


def _write_cache(path: Path, fingerprint: str, files: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    payload = {"version": CACHE_VERSION, "fingerprint": fingerprint, "files": files}
    with open(tmp, "wb") as fh:
        pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def load_folder(
    folder: str | Path,
    framework: Framework | None = None,
    cache_path: str | Path | None = None,
) -> LoadResult:
    """What `Store(folder).load_all()` returns, reusing `cache_path` for unchanged files.

    Without `cache_path` every file is read. Duplicates are found across cached and freshly
    read files alike, with the same messages as the store.
    """
    folder = Path(folder)
    framework = framework or load_framework()
    if not folder.is_dir():
        raise PathError(f"assessments folder not found: {folder}")
    files = find_files([folder])
    fingerprint = _fingerprint(framework) if cache_path else ""
    cached = _read_cache(Path(cache_path), fingerprint) if cache_path else {}
    fresh: dict[str, tuple] = {}
    changed = False
    result = LoadResult(files=len(files))
    by_key: dict[tuple[str, str], list[Assessment]] = defaultdict(list)
    for f in files:
        key = os.path.abspath(f)
        try:
            st = f.stat()
        except OSError:
            st = None
        hit = cached.get(key)
        if st is not None and hit and hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
            a = Assessment(hit[2], f, hit[3])
        else:
            changed = True
            try:
                a = read_file(f, framework)
            except ValidationFailed as exc:
                result.problems.extend(exc.problems)
                continue
            if cache_path:
                a.doc = _shared(a.doc)
        if st is not None:
            fresh[key] = (st.st_mtime_ns, st.st_size, a.doc, a.stamp)
        by_key[a.key].append(a)
    settle_duplicates(by_key, result)
    if cache_path and (changed or fresh.keys() != cached.keys()):
        _write_cache(Path(cache_path), fingerprint, fresh)
    return result
