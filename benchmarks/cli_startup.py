"""Benchmark: how long the command line takes to answer when it has little to do.

`engagecycle --help`, a mistyped option, a period that is not a period, a bad `--type` and
`validate` of one file should answer at once: none of them needs the workshop's widgets or
the notebook machinery. Each command runs in a fresh process (as a user runs it) several
times; the median wall-clock time is printed with the heavy modules the command loaded
(tests/test_cli_options.py fails if one of those is loaded; this script only measures).

Usage: python benchmarks/cli_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("ipywidgets", "nbformat", "jsonschema", "papermill", "nbconvert", "matplotlib")
COMMANDS = [
    ["--help"],
    ["batch", "--bogus"],
    ["batch", "--period", "nonsense"],
    ["template", "X01", "2025/26", "--type", "bogus"],
    ["validate", "assessments/X01/2024-25.yaml"],
]
PROBE = (
    "import sys\nfrom engagecycle.cli import main\n"
    "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
    "print('\\n' + __import__('json').dumps(sorted(sys.modules)))"
)


def time_command(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "engagecycle.cli", *argv], cwd=REPO, capture_output=True
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heavy_loaded(argv: list[str]) -> list[str]:
    r = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], cwd=REPO, capture_output=True, text=True
    )
    modules = json.loads(r.stdout.strip().splitlines()[-1])
    return sorted({m.split(".")[0] for m in modules} & set(HEAVY))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (median shown)")
    args = parser.parse_args()
    print(f"{'command':<50} {'median s':>9}  heavy modules loaded")
    for argv in COMMANDS:
        seconds = time_command(argv, args.runs)
        heavy = ", ".join(heavy_loaded(argv)) or "none"
        print(f"{'engagecycle ' + ' '.join(argv):<50} {seconds:>9.2f}  {heavy}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
