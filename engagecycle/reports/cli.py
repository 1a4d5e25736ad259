"""`engagecycle report` (one organisation) and `engagecycle batch` (all of them)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..assessment import normalise_code
from ..benchmark.rules import MIN_PEERS
from ..cliargs import add_organisation, add_period, period_or
from ..store import display_path


def report_options() -> argparse.ArgumentParser:
    """Options that mean the same for one report and for a batch of them."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--peer-group",
        default="",
        metavar="GROUP",
        help="compare within this peer group; 'own' compares each organisation with its own "
        "group (default: all organisations); a batch reports only the group's members",
    )
    p.add_argument(
        "--min-peers",
        type=int,
        default=MIN_PEERS,
        help="hide peer figures below this many peers (default: %(default)s)",
    )
    p.add_argument(
        "--as-of",
        default="",
        metavar="YYYY-MM-DD",
        help="date for overdue actions (default: today)",
    )
    return p


def register(sub, common: argparse.ArgumentParser) -> None:
    options = report_options()
    p = sub.add_parser(
        "report",
        parents=[common, options],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="write one organisation's benchmark report (HTML, optionally PDF)",
        description="Run notebooks/report.ipynb for one organisation and period and export a\n"
        "self-contained HTML page (no code, no network requests); --pdf also prints it to A4\n"
        "PDF with headless Chromium.",
        epilog="examples:\n  engagecycle report X01 2024/25\n"
        "  engagecycle report X01 latest --peer-group own --pdf --out board-papers/",
    )
    add_organisation(p)
    add_period(p, "2024/25", latest=True)
    p.add_argument(
        "--out",
        type=Path,
        default=Path("outputs"),
        metavar="DIR",
        help="output folder (default: %(default)s)",
    )
    p.add_argument("--pdf", action="store_true", help="also write a PDF (needs Chromium)")
    p.add_argument(
        "--name-peers",
        action="store_true",
        help="list peers by name (internal use only; default: anonymous)",
    )
    p.set_defaults(func=cmd_report)
    register_batch(sub, common, options)


def cmd_report(args: argparse.Namespace) -> int:
    from ..files import private_workdir
    from .data import resolve_organisation, resolve_period, score_folder, write_bundle
    from .run.render import render_report

    # Score once, here: typos fail fast and clearly before a kernel starts, and the notebook
    # reads this result as a bundle instead of parsing and scoring every file again.
    scored = score_folder(args.assessments)
    if scored.problems:
        files = sorted({p.file for p in scored.problems})
        print(
            f"warning: skipped {len(files)} invalid file(s): {', '.join(files)} "
            "(run 'engagecycle validate' for details)",
            file=sys.stderr,
        )
    codes = sorted({a.code for a in scored.assessments})
    org = resolve_organisation(normalise_code(args.organisation), codes)
    periods = sorted({a.period for a in scored.assessments if a.code == org})
    period = resolve_period(args.period, periods)
    print(f"Writing the {period} report for {org}...", file=sys.stderr)
    with private_workdir("engagecycle-report-") as work:
        bundle = write_bundle(scored, work / "bundle.json")
        result = render_report(
            org,
            period,
            args.out,
            assessments=args.assessments,
            bundle=bundle,
            peer_group=args.peer_group,
            anonymise=not args.name_peers,
            min_peers=args.min_peers,
            as_of=args.as_of,
            pdf=args.pdf,
        )
    size = result.html.stat().st_size / 1024
    print(f"wrote {display_path(result.html)} ({size:.0f} KB) in {result.seconds:.1f} s")
    if result.pdf:
        print(f"wrote {display_path(result.pdf)}")
    return 0


def register_batch(sub, common: argparse.ArgumentParser, options: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "batch",
        parents=[common, options],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="write every organisation's report, the overview, an index and a summary",
        description="Validate and score every assessment once, then write one report per\n"
        "organisation (and the overview) in parallel, into OUT/YYYY-YY/: index.html,\n"
        "overview.html, reports/CODE.html, dimensions/ID.html, summary.csv, summary.xlsx and\n"
        "manifest.json. Invalid files and failing reports are listed and skipped; the rest\n"
        "is still produced. Exit status 1 if anything failed or any file was invalid.\n"
        "Each run replaces the period's folder as a whole, so nothing stale is left.",
        epilog="examples:\n  engagecycle batch\n"
        "  engagecycle batch --period 2023/24 --organisations X01 X02 --pdf\n"
        "  engagecycle batch --peer-group own --dimensions all --out board-papers/",
    )
    p.add_argument(
        "--period",
        default="latest",
        type=period_or("latest"),
        help="e.g. 2024/25, or 'latest' (default)",
    )
    p.add_argument(
        "--organisations",
        nargs="+",
        metavar="CODE",
        help="only these organisations' reports (default: every organisation in the period)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="parallel worker processes (default: the number of CPUs, %(default)s)",
    )
    p.add_argument("--pdf", action="store_true", help="also print every page to PDF (Chromium)")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("outputs"),
        metavar="DIR",
        help="output folder (default: %(default)s); the batch writes DIR/YYYY-YY/",
    )
    p.add_argument(
        "--dimensions",
        nargs="?",
        const="all",
        default=None,
        metavar="all|ID,ID",
        help="also write dimension deep dives: all fifteen, or a comma-separated list",
    )
    p.add_argument("--no-overview", action="store_true", help="skip the system overview")
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="re-read every assessment file instead of reusing unchanged ones",
    )
    p.set_defaults(func=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    from ..errors import EngageError
    from ..framework import load_framework

    # Every check the command line alone can decide comes before the notebook machinery is
    # imported, so a mistyped option is answered at once.
    if args.workers < 1:
        raise EngageError(f"--workers must be 1 or more (found {args.workers})")
    from .run.plan import BatchOptions, check_as_of, parse_dimensions

    dimensions = parse_dimensions(args.dimensions, load_framework())
    check_as_of(args.as_of)
    if args.pdf:
        from .run.export import find_chromium

        if not find_chromium():
            raise EngageError(
                "--pdf needs Chromium and none was found on PATH (on Debian or Ubuntu: "
                "sudo apt-get install chromium); run without --pdf for HTML only"
            )
    from .run.batch import run_batch

    options = BatchOptions(
        assessments=args.assessments,
        out=args.out,
        period=args.period,
        organisations=args.organisations,
        peer_group=args.peer_group,
        workers=args.workers,
        pdf=args.pdf,
        dimensions=dimensions,
        overview=not args.no_overview,
        as_of=args.as_of,
        min_peers=args.min_peers,
        cache=not args.no_cache,
    )
    result = run_batch(options)
    m = result.manifest
    counts = m["counts"]
    pages = len(m["pages"])
    print(
        f"{m['period']}: {counts['reports_ok']} of {counts['reports']} report(s) and "
        f"{pages - counts['reports']} other page(s) in {result.seconds:.1f} s "
        f"({result.seconds / max(pages, 1):.2f} s per page, {m['options']['workers']} worker(s))"
    )
    if result.problems:
        print(f"{len(result.problems)} problem(s):")
        for line in result.problems:
            print(f"  - {line}")
    print(f"Index: {result.index}")
    return 0 if result.ok else 1
