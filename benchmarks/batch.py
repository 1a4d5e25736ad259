"""Benchmark: `engagecycle batch` against the naive loop a user would otherwise write.

In one invocation this script

1. generates N synthetic organisations (three years each, fictional, seeded) into a temporary
   folder, drawn the same way as the shipped demo data (scripts/make_demo_data.py);
2. times the naive loop on a sample of them: for each organisation, the `papermill` command
   line, then `jupyter nbconvert --to html --no-input`, each a fresh process with a fresh
   kernel that loads and scores every file again;
3. times one `engagecycle batch` over all N (no overview, so both make the same pages);
4. prints seconds per report for each and the ratio.

The naive loop is sampled (default 8 organisations) because it is slow; its seconds per
report are extrapolated to N, which is fair: each of its reports costs the same.

Usage: python benchmarks/batch.py [--organisations 40] [--naive-sample 8] [--workers N]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PERIOD = "2024/25"
AS_OF = "2025-06-01"
GROUPS = ("Rural and dispersed", "Coastal and market towns", "Urban and diverse")
TYPES = ("ICB", "ICB", "place", "place", "CCG", "trust", "other")


def _demo_module():
    """scripts/make_demo_data.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "make_demo_data", REPO / "scripts" / "make_demo_data.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


def synthetic_texts(n: int, seed: int = 2025) -> dict[str, dict[str, str]]:
    """code -> {period: YAML text} for n fictional organisations (S0001...), three periods."""
    from engagecycle.assessment import Assessment, new_document
    from engagecycle.framework import load_framework
    from engagecycle.yamlio import dump

    demo = _demo_module()
    framework = load_framework()
    rng = random.Random(seed)
    out: dict[str, dict[str, str]] = {}
    for k in range(1, n + 1):
        code = f"S{k:04d}"
        trajectory = rng.choices(("improve", "slip", "flat"), weights=(7, 2, 1))[0]
        spec = demo.OrgSpec(
            code,
            f"Synthetic organisation {k}",
            TYPES[k % len(TYPES)],
            GROUPS[k % len(GROUPS)],
            trajectory,
        )
        org_rng = random.Random(rng.getrandbits(64))
        model = demo.plan_organisation(org_rng, spec, framework)
        model.share_evidence = org_rng.random() < 0.3
        out[code] = {}
        for period in spec.periods:
            doc = new_document(framework, code, period, spec.name, spec.org_type, spec.peer_group)
            a = Assessment(doc)
            demo.fill_assessment(org_rng, a, model, framework, period)
            model.history[period] = a
            out[code][period] = dump(a.doc)
    return out


def write_organisations(folder: Path, n: int, seed: int = 2025) -> list[str]:
    """Write n synthetic organisations under folder/<CODE>/<YYYY-YY>.yaml; return the codes."""
    from engagecycle.assessment import period_slug

    texts = synthetic_texts(n, seed)
    for code, periods in texts.items():
        (folder / code).mkdir(parents=True, exist_ok=True)
        for period, text in periods.items():
            (folder / code / f"{period_slug(period)}.yaml").write_text(text, encoding="utf-8")
    return sorted(texts)


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPU(s) {model}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def naive_loop(codes: list[str], assessments: Path, out: Path) -> float:
    """What a user would write: papermill then nbconvert, one organisation at a time."""
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for code in codes:
        executed = out / f"{code}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(REPO / "notebooks" / "report.ipynb"),
                str(executed),
                "-p",
                "organisation",
                code,
                "-p",
                "period",
                PERIOD,
                "-p",
                "assessments",
                str(assessments),
                "-p",
                "as_of",
                AS_OF,
            ],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - start


def batch(assessments: Path, out: Path, workers: int | None) -> tuple[float, str]:
    args = [
        str(BIN / "engagecycle"),
        "batch",
        "--assessments",
        str(assessments),
        "--out",
        str(out),
        "--period",
        PERIOD,
        "--as-of",
        AS_OF,
        "--no-overview",
        "--no-cache",
    ]
    if workers:
        args += ["--workers", str(workers)]
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"batch failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds, proc.stdout.strip().splitlines()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=40, help="how many (default 40)")
    parser.add_argument(
        "--naive-sample",
        type=int,
        default=8,
        help="organisations to run the naive loop on (0: all; default 8)",
    )
    parser.add_argument("--workers", type=int, default=None, help="batch workers (default: CPUs)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="engagecycle-bench-"))
    try:
        assessments = tmp / "assessments"
        t = time.perf_counter()
        codes = write_organisations(assessments, args.organisations, args.seed)
        print(f"{date.today()} on {machine()}")
        print(
            f"generated {len(codes)} organisations x 3 years in {time.perf_counter() - t:.1f} s "
            f"under {tmp}"
        )
        sample = (
            codes
            if args.naive_sample <= 0
            else random.Random(1).sample(codes, min(args.naive_sample, len(codes)))
        )
        naive = naive_loop(sorted(sample), assessments, tmp / "naive")
        per_naive = naive / len(sample)
        note = "" if len(sample) == len(codes) else f" (sampled {len(sample)}, extrapolated)"
        print(
            f"(a) naive loop, papermill + nbconvert per report: {per_naive:.2f} s/report{note}; "
            f"{per_naive * len(codes):.0f} s for all {len(codes)}"
        )
        seconds, line = batch(assessments, tmp / "out", args.workers)
        per_batch = seconds / len(codes)
        print(
            f"(b) engagecycle batch, one command: {per_batch:.2f} s/report; {seconds:.1f} s for "
            f"all {len(codes)} (wall clock incl. start-up) [{line}]"
        )
        print(f"ratio a/b: {per_naive / per_batch:.1f}x")
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
