"""`engagecycle report` (and, when it lands, `engagecycle batch`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..assessment import normalise_code, normalise_period
from ..benchmark import MIN_PEERS
from ..store import display_path


def register(sub, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "report",
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="write one organisation's benchmark report (HTML, optionally PDF)",
        description="Run notebooks/report.ipynb for one organisation and period and export a\n"
        "self-contained HTML page (no code, no network requests); --pdf also prints it to A4\n"
        "PDF with headless Chromium.",
        epilog="examples:\n  engagecycle report X01 2024/25\n"
        "  engagecycle report X01 latest --peer-group own --pdf --out board-papers/",
    )
    p.add_argument("organisation", metavar="ORG")
    p.add_argument("period", metavar="PERIOD", help="e.g. 2024/25, or 'latest'")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("outputs"),
        metavar="DIR",
        help="output folder (default: %(default)s)",
    )
    p.add_argument("--pdf", action="store_true", help="also write a PDF (needs Chromium)")
    p.add_argument(
        "--peer-group",
        default="",
        help="compare only with this peer group ('own' = the organisation's own)",
    )
    p.add_argument(
        "--min-peers",
        type=int,
        default=MIN_PEERS,
        help="hide peer figures below this many peers (default: %(default)s)",
    )
    p.add_argument(
        "--name-peers",
        action="store_true",
        help="list peers by name (internal use only; default: anonymous)",
    )
    p.add_argument(
        "--as-of",
        default="",
        metavar="YYYY-MM-DD",
        help="date for overdue actions (default: today)",
    )
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from .data import resolve_organisation, resolve_period, score_folder
    from .render import render_report

    # Check the request before starting a kernel, so typos fail fast and clearly.
    scored = score_folder(args.assessments)
    codes = sorted({a.code for a in scored.assessments})
    org = resolve_organisation(normalise_code(args.organisation), codes)
    periods = sorted({a.period for a in scored.assessments if a.code == org})
    period = resolve_period(normalise_period(args.period), periods)
    print(f"Writing the {period} report for {org}...", file=sys.stderr)
    result = render_report(
        org,
        period,
        args.out,
        assessments=args.assessments,
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
