"""Duty to involve: rating every organisation of a period, as the overview panel and the
summary workbook's sheet do (`reports.pages.duty_sections.duty_views`, one `duty.duty_view`
per organisation).

Fictional version 2 assessments are made in memory (no files): each answers a random share of
the items (some N/A, don't know, individual ratings and carried-over answers). The script
times `duty_views` over all of them and, with --compare REF.py, checks a reference copy of
`engagecycle/duty.py` (e.g. `git show d4c68a5:engagecycle/duty.py > /tmp/duty_old.py`) gives
identical ratings and reasons, and times it too.

Usage: python benchmarks/duty.py [--organisations 200 1000] [--compare /tmp/duty_old.py]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time

from engagecycle.assessment import Assessment, new_document
from engagecycle.framework import load_framework
from engagecycle.reports.data import Scored
from engagecycle.reports.pages.duty_sections import duty_views
from engagecycle.scoring import item_table, score_table

PERIOD = "2025/26"


def assessments(n: int, seed: int = 3) -> list[Assessment]:
    fw = load_framework(version=2)
    rnd = random.Random(seed)
    out = []
    for k in range(n):
        a = Assessment(new_document(fw, f"B{k:05d}", PERIOD, f"Benchmark organisation {k}"))
        share = rnd.random()
        for it in fw.items:
            if rnd.random() >= share:
                continue
            x = rnd.random()
            if x < 0.07:
                a.set_level(it, "n/a")
            elif x < 0.12:
                a.set_level(it, "don't know")
            elif x < 0.25:
                a.set_raters(it, {"A": rnd.randint(0, 4), "B": rnd.randint(0, 4)})
            else:
                a.set_level(it, rnd.randint(0, 4))
            if rnd.random() < 0.1:
                a.set_carried_over(it, True)
        out.append(a)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--organisations", type=int, nargs="+", default=[200, 1000])
    ap.add_argument("--compare", help="a reference copy of engagecycle/duty.py")
    args = ap.parse_args(argv)
    ref = None
    if args.compare:
        spec = importlib.util.spec_from_file_location("engagecycle._duty_ref", args.compare)
        ref = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = ref
        spec.loader.exec_module(ref)
    fw = load_framework(version=2)
    for n in args.organisations:
        rows = assessments(n)
        items = item_table(rows, fw)
        scored = Scored(fw, rows, score_table(rows, fw, items=items), items, [])
        codes = [a.code for a in rows]
        t = time.perf_counter()
        views = duty_views(scored, PERIOD, codes)
        took = time.perf_counter() - t
        line = f"{n} organisations: duty_views {took:.2f} s ({took / n * 1000:.2f} ms each)"
        if ref is not None:
            groups = dict(list(items.groupby("organisation", sort=False)))
            t = time.perf_counter()
            theirs = {c: ref.duty_view(groups[c], fw) for c in codes}
            ref_took = time.perf_counter() - t
            same = all(
                [(r.rating, r.reason, r.items) for r in views[c].ratings]
                == [(r.rating, r.reason, r.items) for r in theirs[c].ratings]
                for c in codes
            )
            line += (
                f"; reference {ref_took:.2f} s ({ref_took / n * 1000:.2f} ms each); "
                f"identical ratings and reasons: {same}"
            )
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
