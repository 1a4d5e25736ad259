"""Small builders shared by tests: a tiny framework with hand-checkable numbers, and the
command line run in the test's own process."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import traceback
from pathlib import Path

from engagecycle.framework import DIMENSION_IDS, HANDOVER_FROM, HUB_IDS, parse_framework


def mini_framework_dict(items_per_dim: int = 3, weights: dict[str, float] | None = None) -> dict:
    weights = weights or {}
    dims = []
    for did in DIMENSION_IDS:
        items = []
        for n in range(1, items_per_dim + 1):
            iid = f"{did}.{n}"
            item = {
                "id": iid,
                "statement": f"Statement {iid}",
                "help": "help",
                "levels": {0: "none", 2: "some", 4: "all"},
            }
            if iid in weights:
                item["weight"] = weights[iid]
            if did in HANDOVER_FROM and n == 1:
                item["handover_from"] = HANDOVER_FROM[did]
            items.append(item)
        dims.append(
            {
                "id": did,
                "kind": "hub" if did in HUB_IDS else "stage",
                "title": did.title(),
                "short": did,
                "purpose": "p",
                "items": items,
            }
        )
    return {"id": "engagement-cycle", "version": 1, "title": "Mini", "dimensions": dims}


def mini_framework(**kw):
    return parse_framework(mini_framework_dict(**kw), "mini")


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`engagecycle ARGS` in this process, seen as a subprocess would see it.

    Exit status, stdout and stderr as the entry point gives them: argparse's exits (help,
    usage errors) become the status, and an exception that escapes `main` (with --debug) is
    printed to stderr with its traceback and gives status 1, as Python does. A fresh
    interpreter per call cost 2-4 s on a busy machine and adds nothing to what these tests
    check; tests of what only a real process shows (imports loaded, signals, the installed
    entry point) still start one.
    """
    out, err = io.StringIO(), io.StringIO()
    from engagecycle import cli

    before = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except Exception:
                traceback.print_exc()
                code = 1
    finally:
        os.chdir(before)
    return subprocess.CompletedProcess(["engagecycle", *args], code, out.getvalue(), err.getvalue())


def store_v1(folder, *args, **kwargs):
    """A store whose brand-new assessments start on version 1 of the question bank.

    Version 2 is the default for new assessments (issue 12); tests written on version 1's
    items (the form, the workbook, saving) keep testing version 1 through this, and version 2
    is tested in the *_versions tests. Every version is still read.
    """
    from engagecycle.framework import load_framework
    from engagecycle.store import Store
    from engagecycle.versions import Frameworks

    if args or "framework" in kwargs or "frameworks" in kwargs:
        return Store(folder, *args, **kwargs)
    versions = Frameworks([load_framework(version=1), load_framework(version=2)], new_version=1)
    return Store(folder, frameworks=versions)


# One version 2 team's answers, worked through by hand against the duty-to-involve rule
# (docs/scoring.md section 9) in tests/test_duty.py and tests/test_duty_pages.py.
DUTY_ANSWERS = {
    # principle 7 (relationships.6, resources.6, identify.3, identify.6)
    "relationships.6": 3,
    "resources.6": 3,
    "identify.3": 4,
    "identify.6": 2,
    # limb c of the duty (strategy.7, governance.6, .7, .9, .10, structures.4, develop.3,
    # procure.7) and the annual-reporting domain (strategy.7, governance.7, insight.5)
    "strategy.7": 3,
    "governance.6": 2,
    "governance.7": 1,
    "governance.9": 3,
    "governance.10": 3,
    "insight.5": "n/a",
    # principle 6 (strategy.7, governance.8, structures.6, relationships.4, public-support.4,
    # public-support.7, develop.2, improve.4, procure.5, monitor.5)
    "governance.8": 0,
    "structures.6": 1,
    "relationships.4": 1,
    "public-support.4": 2,
    "public-support.7": 0,
    "develop.2": 1,
}
