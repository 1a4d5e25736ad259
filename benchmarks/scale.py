"""Scale: load, score and benchmark 1,000 and 10,000 synthetic assessments.

For each size this writes that many assessment files (a third of the organisations per
period; answers copied from a pool of seeded synthetic organisations, so the files are
realistic in size and shape) into a temporary folder and times

- loading: `Store.load_all` (parse and validate every file), then the batch's cached load
  (`reports.cache.load_folder`) cold, which builds the cache, and warm;
- scoring: `scoring.item_table` + `scoring.score_table` over everything;
- benchmarking every organisation of the latest period, as the batch does: peer figures
  (`benchmark.peers.peer_figures`, every organisation at once) and
  like-for-like change (`benchmark.change.change_table`); then all three periods for reference, and
  `benchmark.peer_table` one organisation at a time on a sample, extrapolated, to show why
  the batch does not use it for this.

Target: 10,000 assessments scored and benchmarked in under 2 s once loaded.

Usage: python benchmarks/scale.py [--sizes 1000 10000] [--pool 60]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from batch import machine, synthetic_texts  # benchmarks/ is not a package

from engagecycle.assessment import period_slug

PERIODS = ("2022/23", "2023/24", "2024/25")


def write_assessments(folder: Path, total: int, pool: dict[str, dict[str, str]]) -> int:
    """`total` files: organisation k gets pool member k's answers under its own code."""
    templates = list(pool.items())
    written = 0
    k = 0
    while written < total:
        code = f"N{k:05d}"
        source_code, periods = templates[k % len(templates)]
        pattern = re.compile(rf"\b{source_code}\b")
        name = re.compile(r"Synthetic organisation \d+")
        for period in PERIODS:
            if written >= total:
                break
            text = pattern.sub(code, periods[period])
            text = name.sub(f"Synthetic organisation {k}", text, count=1)
            (folder / code).mkdir(parents=True, exist_ok=True)
            (folder / code / f"{period_slug(period)}.yaml").write_text(text, encoding="utf-8")
            written += 1
        k += 1
    return written


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def measure(folder: Path, cache_file: Path) -> dict[str, float]:
    from engagecycle.benchmark.change import change_table
    from engagecycle.benchmark.peers import peer_figures, peer_table
    from engagecycle.framework import load_framework
    from engagecycle.reports.cache import load_folder
    from engagecycle.scoring import item_table, score_table
    from engagecycle.store import Store

    framework = load_framework()
    t: dict[str, float] = {}
    loaded, t["load (Store.load_all)"] = timed(Store(folder, framework).load_all)
    assert not loaded.problems, loaded.problems[:3]
    _, t["load, cache cold"] = timed(load_folder, folder, framework, cache_file)
    loaded, t["load, cache warm"] = timed(load_folder, folder, framework, cache_file)

    start = time.perf_counter()
    items = item_table(loaded.assessments, framework)
    t["score: item_table"] = time.perf_counter() - start
    scores, t["score: score_table"] = timed(score_table, loaded.assessments, framework, items=items)
    latest = PERIODS[-1]
    _, t["benchmark: peer figures, latest period"] = timed(peer_figures, scores, latest)
    _, t["benchmark: change, latest period"] = timed(change_table, items, latest, framework)
    t["TOTAL score + benchmark (target < 2 s)"] = (
        t["score: item_table"]
        + t["score: score_table"]
        + t["benchmark: peer figures, latest period"]
        + t["benchmark: change, latest period"]
    )
    start = time.perf_counter()
    for period in PERIODS:
        peer_figures(scores, period)
        change_table(items, period, framework)
    t["(benchmark every period, all three)"] = time.perf_counter() - start

    codes = scores[scores["period"] == latest]["organisation"].unique()
    sample = random.Random(1).sample(list(codes), min(20, len(codes)))
    start = time.perf_counter()
    for code in sample:
        peer_table(scores, code, latest)
    per_org = (time.perf_counter() - start) / len(sample)
    t["(peer_table one at a time, extrapolated)"] = per_org * len(codes)
    t["assessments"] = len(loaded.assessments)
    return t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--pool", type=int, default=60, help="distinct synthetic organisations")
    args = parser.parse_args(argv)
    print(f"{date.today()} on {machine()}")
    pool, seconds = timed(synthetic_texts, args.pool)
    print(f"generated a pool of {args.pool} synthetic organisations in {seconds:.1f} s")
    for size in args.sizes:
        tmp = Path(tempfile.mkdtemp(prefix="engagecycle-scale-"))
        try:
            folder = tmp / "assessments"
            n, seconds = timed(write_assessments, folder, size, pool)
            print(f"\n{n:,} assessment files written in {seconds:.1f} s")
            for name, value in measure(folder, tmp / "cache.json").items():
                if name != "assessments":
                    print(f"  {name:<46} {value:8.2f} s")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
