"""The batch's output folder: written aside, swapped in whole, leftovers cleared.

Everything is written into a fresh hidden staging folder and swapped in at the end, so
`<out>/<YYYY-YY>/` only ever holds the complete output of one run: nothing stale survives.
Staging folders of runs that were killed are removed by the next run.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from ...errors import EngageError

STAGING = ".staging-"
LEGACY_CACHE = ".cache"  # where versions before 0.2 kept a pickled load cache (removed on sight)


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


STALE_STAGING_AFTER = 24 * 3600  # no batch runs for a day: an older folder is a leftover


def clean_leftovers(out: Path, slug: str) -> None:
    """Remove staging folders of earlier runs that were killed before they could tidy up.

    A folder is a leftover when the process that made it is gone, or (in case its number
    now belongs to another process, or the check cannot be made, as on Windows) when it is
    more than a day old.
    """
    from ...filelock import pid_alive

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


def new_staging(out: Path, slug: str) -> Path:
    """A fresh, hidden folder in `out` to write this run's output into.

    mkdir (not mkdtemp, which makes it private to us) so the folder gets the usual
    permissions: it becomes <out>/<YYYY-YY>/ and colleagues may need to read it. The
    process number in its name lets `clean_leftovers` tell a live run from a dead one.
    """
    staging = out / f".{slug}{STAGING}{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()
    return staging


def check_replaceable(final: Path) -> None:
    """Refuse to replace a folder that a batch did not write (it has no manifest)."""
    if final.exists() and not (final / "manifest.json").is_file():
        raise EngageError(
            f"{final} exists but was not written by engagecycle batch (it has no manifest.json); "
            "move it away or choose another --out folder"
        )


def relative(path: str | Path, folder: Path) -> str:
    """`path` inside `folder`, as the manifest and the index write it ('reports/X01.html')."""
    return Path(path).relative_to(folder).as_posix()
