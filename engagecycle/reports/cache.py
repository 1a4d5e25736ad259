"""Loading an assessments folder with a cache of the files that were valid last time.

Parsing and validating costs about 4 ms per file, so 10,000 files take half a minute on every
batch. The cache keeps each valid file's parsed document keyed by its absolute path, size and
modification time (in nanoseconds); an unchanged file is then not read at all. Invalid files
are never cached: they are re-read every time, so their messages are always current.

The cache is invalidated as a whole when the framework file or the validation code changes.
A file edited without changing its size *or* its nanosecond timestamp would be missed; tools
that restore timestamps (`cp -p`, `rsync -t`) can do that, so `--no-cache` exists.

The cache holds every organisation's answers and evidence, so it lives in the user's own
cache folder (`files.user_cache_dir()`, owner-only), never in an output folder, and it is
JSON: reading a cache can never run code, whoever wrote it. Dates (which JSON lacks) are
stored as ISO text with the place they came from, and put back as dates on reading, so a
cached document equals a freshly parsed one.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

from .. import __version__, assessment, limits, store, yamlguard
from ..assessment import Assessment
from ..errors import PathError, ValidationFailed
from ..files import write_private_json
from ..framework import Framework
from ..store import LoadResult, find_files, read_file, settle_duplicates
from ..versions import Frameworks, as_frameworks

CACHE_VERSION = 2  # 1 was a pickle in <out>/.cache
CACHE_KIND = "engagecycle load cache"


def _fingerprint(frameworks: Framework | Frameworks) -> str:
    """Changes whenever a framework file or the validation code changes."""
    frameworks = as_frameworks(frameworks)
    h = hashlib.sha256(__version__.encode())
    checks = (assessment.__file__, limits.__file__, yamlguard.__file__, store.__file__)
    sources = [fw.source for _, fw in sorted(frameworks.by_version.items())]
    for path in (*sources, *checks):
        try:
            h.update(Path(path).read_bytes())
        except OSError:
            h.update(str(path).encode())
    return h.hexdigest()


def _to_json(obj, where: tuple, dates: list) -> object:
    """A parsed document as JSON values; each date is noted as (path, kind) in `dates`."""
    if isinstance(obj, dict):
        return {k: _to_json(v, (*where, k), dates) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_to_json(v, (*where, n), dates) for n, v in enumerate(obj)]
    if isinstance(obj, datetime):
        dates.append([list(where), "datetime"])
        return obj.isoformat()
    if isinstance(obj, date):
        dates.append([list(where), "date"])
        return obj.isoformat()
    return obj


def _restore_dates(doc, dates: list) -> None:
    for where, kind in dates:
        node = doc
        for key in where[:-1]:
            node = node[key]
        text = node[where[-1]]
        node[where[-1]] = (
            datetime.fromisoformat(text) if kind == "datetime" else date.fromisoformat(text)
        )


def _read_cache(path: Path, fingerprint: str) -> dict:
    # The collector would walk the growing heap again and again while a million small
    # objects are made; pausing it makes reading 10,000 documents several times faster.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(path, encoding="utf-8") as fh:
            payload = json.load(fh)
        if not isinstance(payload, dict) or payload.get("kind") != CACHE_KIND:
            return {}
        if payload.get("version") != CACHE_VERSION or payload.get("fingerprint") != fingerprint:
            return {}
        files = {}
        for key, (mtime, size, doc, stamp, dates) in payload.get("files", {}).items():
            _restore_dates(doc, dates)
            files[key] = (mtime, size, doc, stamp)
        return files
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return {}  # unreadable, damaged or foreign: start again from the files
    finally:
        if enabled:
            gc.enable()


def _write_cache(path: Path, fingerprint: str, files: dict) -> None:
    entries = {}
    for key, (mtime, size, doc, stamp) in files.items():
        dates: list = []
        entries[key] = [mtime, size, _to_json(doc, (), dates), stamp, dates]
    payload = {
        "kind": CACHE_KIND,
        "version": CACHE_VERSION,
        "fingerprint": fingerprint,
        "files": entries,
    }
    write_private_json(path, payload)


def load_folder(
    folder: str | Path,
    framework: Framework | Frameworks | None = None,
    cache_path: str | Path | None = None,
) -> LoadResult:
    """What `Store(folder).load_all()` returns, reusing `cache_path` for unchanged files.

    Without `cache_path` every file is read. Duplicates are found across cached and freshly
    read files alike, with the same messages as the store.
    """
    folder = Path(folder)
    framework = as_frameworks(framework)  # default: every packaged version, as the store
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
        if st is not None:
            fresh[key] = (st.st_mtime_ns, st.st_size, a.doc, a.stamp)
        by_key[a.key].append(a)
    settle_duplicates(by_key, result)
    if cache_path and (changed or fresh.keys() != cached.keys()):
        # a cache that cannot be written only costs speed next time
        with contextlib.suppress(OSError, ValueError):
            _write_cache(Path(cache_path), fingerprint, fresh)
    return result
