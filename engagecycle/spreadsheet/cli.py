"""`engagecycle template`, `engagecycle import` and `engagecycle actions`.

openpyxl is imported inside the commands, so `engagecycle --help` and the other commands do
not pay for loading it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ..cliargs import add_details, add_organisation, add_period, check_details, period_or
from ..errors import EngageError

DEFAULT_OUT = Path("outputs")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _slug(code: str, period: str) -> str:
    return f"{code}-{period.replace('/', '-')}"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "template",
        parents=[common],
        formatter_class=_Formatter,
        help="write an Excel workbook to fill in offline",
        description="Write an Excel workbook for one organisation and period, prefilled with\n"
        "the saved answers (or last year's with --from-previous). Fill in the pale yellow\n"
        "cells, then read it back with 'engagecycle import'. No assessment file is changed.",
        epilog="examples:\n"
        "  engagecycle template X01 2024/25 --out X01-2024-25.xlsx\n"
        "  engagecycle template X01 2025/26 --from-previous --out X01-2025-26.xlsx\n"
        '  engagecycle template X20 2025/26 --name "Fenwold Place" --type place',
    )
    add_organisation(p)
    add_period(p, "2024/25")
    p.add_argument(
        "--out",
        type=Path,
        metavar="FILE.xlsx",
        help="where to write (default: outputs/ORG-PERIOD-workbook.xlsx)",
    )
    p.add_argument(
        "--from-previous",
        action="store_true",
        help="prefill unanswered items from the latest earlier assessment (marked as carried over)",
    )
    add_details(
        p,
        name="organisation name, if it has no assessment yet",
        org_type="organisation type, if it has no assessment yet (default: as before, or ICB)",
        peer_group="peer group, if it has no assessment yet",
    )
    p.add_argument("--force", action="store_true", help="replace FILE if it already exists")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser(
        "import",
        parents=[common],
        formatter_class=_Formatter,
        help="read a filled-in workbook into its assessment file",
        description="Check every row of a workbook made by 'engagecycle template' and, if nothing\n"
        "is wrong, merge it into the assessment file it was made for (creating the file if\n"
        "there is none). Blank cells leave saved answers alone unless --replace is given.\n"
        "Exits 1 and writes nothing if any problem is found; every problem is listed.",
        epilog="examples:\n"
        "  engagecycle import X01-2024-25.xlsx --dry-run\n"
        "  engagecycle import X01-2024-25.xlsx\n"
        "  engagecycle import X01-2024-25.xlsx --organisation X01 --period 2024/25\n"
        "  engagecycle import X01-2024-25.xlsx --replace",
    )
    p.add_argument("file", type=Path, metavar="FILE.xlsx")
    p.add_argument(
        "--replace",
        action="store_true",
        help="make the workbook the whole answer: blank cells clear saved answers, "
        "and actions not in the workbook are removed",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="check and report what would change, but write nothing",
    )
    p.add_argument(
        "--organisation",
        metavar="CODE",
        help="refuse the workbook unless it is for this organisation",
    )
    p.add_argument(
        "--period",
        type=period_or(),
        help="refuse the workbook unless it is for this period",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "actions",
        parents=[common],
        formatter_class=_Formatter,
        help="write the action plan as a spreadsheet",
        description="Write one assessment's action plan, soonest due first, with overdue open\n"
        "actions marked. A FILE ending in .csv gives CSV instead of Excel.",
        epilog="examples:\n"
        "  engagecycle actions X01 2024/25 --out X01-actions.xlsx\n"
        "  engagecycle actions X01 2024/25 --out X01-actions.csv",
    )
    add_organisation(p)
    add_period(p, "2024/25")
    p.add_argument(
        "--out",
        type=Path,
        metavar="FILE.xlsx",
        help="where to write (default: outputs/ORG-PERIOD-actions.xlsx)",
    )
    p.add_argument(
        "--today",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="date used to decide what is overdue (default: today)",
    )
    p.set_defaults(func=cmd_actions)


def cmd_template(args: argparse.Namespace) -> int:
    from ..store import Store
    from .template import write_template

    code, period = check_details(args)
    out = args.out or DEFAULT_OUT / f"{_slug(code, period)}-workbook.xlsx"
    result = write_template(
        Store(args.assessments),
        code,
        period,
        out,
        from_previous=args.from_previous,
        name=args.name,
        org_type=args.type,
        peer_group=args.peer_group,
        overwrite=args.force,
    )
    print(f"wrote {result.path} for {result.name} ({result.code}), {result.period}")
    if not result.existed:
        print(
            f"there is no assessment file for {result.code} {result.period} yet; "
            "'engagecycle import' will create it"
        )
    if result.carried_from:
        print(
            f"{result.carried} answer(s) carried over from {result.carried_from}, "
            "marked Yes in the Carried over column"
        )
    if result.afresh:
        print(
            f"{result.afresh} item(s) are new or changed in version {result.version} of the "
            "question bank: marked 'rate afresh' in the Statement column"
        )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from ..store import Store
    from .importer import ImportFailed, import_workbook

    store = Store(args.assessments)
    try:
        result = import_workbook(
            args.file,
            store,
            replace=args.replace,
            dry_run=args.dry_run,
            expect_code=args.organisation,
            expect_period=args.period,
        )
    except ImportFailed as exc:
        for w in exc.warnings:
            print(f"warning: {w}", file=sys.stderr)
        for p in exc.problems:
            print(p, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found; nothing was written.", file=sys.stderr)
        return 1
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    sys.stdout.write(result.report(store.framework))
    return 0


def cmd_actions(args: argparse.Namespace) -> int:
    from ..store import Store, display_path
    from .actions import summary, write_action_plan

    store = Store(args.assessments)
    code, period = check_details(args)
    a = store.find(code, period, roundtrip=False)
    if a is None:
        raise EngageError(f"no assessment for {code} {period} in {display_path(store.folder)}")
    out = args.out or DEFAULT_OUT / f"{_slug(code, period)}-actions.xlsx"
    rows = write_action_plan(out, [a], store.framework, today=args.today)
    print(f"wrote {out}: {summary(rows)}")
    return 0
