"""Command line: `engagecycle <command>`.

Core commands live here; feature packages (reports, workshop, spreadsheet) register their own
sub-commands through `EXTENSIONS`, so each feature keeps its CLI next to its code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from . import __version__
from .assessment import carry_forward, list_items, normalise_code, normalise_period, period_start
from .cliargs import add_details, add_organisation, add_period, check_details, period_or
from .errors import EngageError, ValidationFailed
from .files import write_public_text
from .framework import NEW_ASSESSMENT_VERSION, load_framework
from .store import DEFAULT_FOLDER, LoadResult, Store, display_path

# Modules that expose `register(subparsers, common)`; each adds its own commands.
EXTENSIONS: list[str] = [
    "engagecycle.reports.cli",
    "engagecycle.workshop.cli",
    "engagecycle.spreadsheet.cli",
    "engagecycle.migrate",
]


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def common_parent() -> argparse.ArgumentParser:
    """Options every command shares."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--assessments",
        type=Path,
        default=DEFAULT_FOLDER,
        metavar="DIR",
        help="folder of assessment files (default: %(default)s)",
    )
    p.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="engagecycle",
        description="Self-assessment and benchmarking workbook built on The Engagement Cycle.",
        epilog="Run 'engagecycle COMMAND --help' for examples.",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"engagecycle {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = common_parent()

    p = sub.add_parser(
        "validate",
        parents=[common],
        formatter_class=_Formatter,
        help="check assessment files and list every problem",
        description="Check assessment files and list every problem in every file.\n"
        "Exits 1 if any file has a problem, 0 otherwise.",
        epilog="examples:\n  engagecycle validate\n  engagecycle validate assessments/X01/2024-25.yaml",
    )
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (default: the assessments folder)",
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "score",
        parents=[common],
        formatter_class=_Formatter,
        help="score assessments and print or save the score table",
        description="Score every valid assessment (invalid files are skipped with a warning).\n"
        "The table format summarises; csv and json give the full tidy score table.",
        epilog="examples:\n  engagecycle score --period latest\n"
        "  engagecycle score --organisation X01\n"
        "  engagecycle score --format csv --output scores.csv",
    )
    p.add_argument(
        "--period",
        type=period_or("latest", "all"),
        help="a period like 2024/25, or 'latest' (default: all periods)",
    )
    p.add_argument(
        "--organisation",
        action="append",
        metavar="CODE",
        help="only this organisation (repeatable)",
    )
    p.add_argument("--peer-group", help="only organisations in this peer group")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser(
        "new",
        parents=[common],
        formatter_class=_Formatter,
        help="create a new, empty assessment file",
        description="Create the assessment file for one organisation and period, listing every\n"
        "item id to answer. The organisation's name, type and peer group are taken from its\n"
        "latest earlier assessment when there is one (options given here win); a new\n"
        "organisation needs --name. Refuses to overwrite an existing assessment.",
        epilog='examples:\n  engagecycle new X20 2025/26 --name "Fenwold Place" --type place\n'
        "  engagecycle new X01 2025/26 --from-previous\n"
        "  engagecycle new X01 2025/26 --from-previous --framework-version 2",
    )
    add_organisation(p)
    add_period(p, "2025/26")
    add_details(
        p,
        name="organisation name (default: as in its latest earlier assessment)",
        org_type="organisation type (default: as before, or ICB for a new organisation)",
        peer_group="peer group for benchmarking (default: as before, or none)",
    )
    p.add_argument(
        "--from-previous",
        action="store_true",
        help="start from the organisation's latest earlier answers (marked as carried over)",
    )
    p.add_argument(
        "--framework-version",
        type=int,
        metavar="N",
        help=f"question bank version to answer (default: {NEW_ASSESSMENT_VERSION}, or the "
        "version of the organisation's latest assessment if that is later)",
    )
    p.set_defaults(func=cmd_new)

    for name in EXTENSIONS:
        importlib.import_module(name).register(sub, common)
    return parser


# ------------------------------------------------------------------ commands


def cmd_validate(args: argparse.Namespace) -> int:
    store = Store(args.assessments)
    paths = args.paths or [Path(args.assessments)]
    # The very path `score` and the batch read files by (store.read_file), so validate can
    # never pass a file they would skip; messages still carry line numbers.
    result = store.load_all(paths)
    for problem in result.problems:
        print(problem)
    if result.problems:
        bad = len(result.invalid_files)
        print(
            f"{len(result.problems)} problem(s) in {bad} of {result.files} file(s).",
            file=sys.stderr,
        )
        return 1
    if not result.files:
        print(f"No assessment files found under {', '.join(map(str, paths))}.", file=sys.stderr)
        return 1
    orgs = len({a.code for a in result.assessments})
    periods = result.periods()
    span = periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"
    print(f"OK: {result.files} file(s) valid: {orgs} organisation(s), {span}.")
    return 0


def load_valid(store: Store) -> LoadResult:
    """Load everything, warning on stderr about invalid files instead of failing."""
    result = store.load_all()
    if result.problems:
        files = result.invalid_files
        print(
            f"warning: skipped {len(files)} invalid file(s): {', '.join(files)} "
            "(run 'engagecycle validate' for details)",
            file=sys.stderr,
        )
    return result


def resolve_period(result: LoadResult, period: str | None) -> str | None:
    if period in (None, "all"):
        return None
    if period == "latest":
        latest = result.latest_period()
        if latest is None:
            raise EngageError("no valid assessments found")
        return latest
    period = normalise_period(period)
    if period not in result.periods():
        raise EngageError(
            f"no assessments for period {period}; periods found: {', '.join(result.periods())}"
        )
    return period


def cmd_score(args: argparse.Namespace) -> int:
    from .scoring import score_table

    store = Store(args.assessments)
    result = load_valid(store)
    period = resolve_period(result, args.period)
    chosen = [a for a in result.assessments if period is None or a.period == period]
    if args.organisation:
        wanted = {normalise_code(o) for o in args.organisation}
        missing = wanted - {a.code for a in chosen}
        if missing:
            known = sorted({a.code for a in result.assessments})
            raise EngageError(
                f"no assessment for {', '.join(sorted(missing))}"
                + (f" in {period}" if period else "")
                + f"; organisations found: {', '.join(known)}"
            )
        chosen = [a for a in chosen if a.code in wanted]
    if args.peer_group:
        chosen = [a for a in chosen if a.peer_group == args.peer_group]
        if not chosen:
            groups = sorted({a.peer_group for a in result.assessments if a.peer_group})
            raise EngageError(
                f"no organisations in peer group {args.peer_group!r}; groups: {', '.join(groups)}"
            )
    table = score_table(chosen, store.frameworks)
    if args.format == "csv":
        import pandas as pd

        from .spreadsheet.safe import neutralise

        text_cols = [
            c
            for c in table.columns
            if table[c].dtype == object or pd.api.types.is_string_dtype(table[c].dtype)
        ]
        safe = table.assign(**{c: table[c].astype(object).map(neutralise) for c in text_cols})
        text = safe.to_csv(index=False, float_format="%.4f")
    elif args.format == "json":
        text = table.to_json(orient="records", indent=1, double_precision=4) + "\n"
    else:
        from .textreport import score_summary

        text = score_summary(table, store.framework, period)
    if args.output:
        write_public_text(args.output, text)
        print(f"wrote {len(table)} rows to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    store = Store(args.assessments)
    code, period = check_details(args)
    history = store.history(code) if Path(args.assessments).is_dir() else []
    earlier = [h for h in history if period_start(h.period) < period_start(period)]
    # What an earlier assessment already says about the organisation is not asked again.
    known = earlier[-1] if earlier else (history[-1] if history else None)
    name = args.name or (known.name if known else None)
    if not name:
        raise EngageError(
            f"{code} has no earlier assessment to take its name from: add "
            '--name "Organisation name" (and --type, --peer-group if they apply)'
        )
    org_type = args.type or (known.org_type if known else "") or "ICB"
    peer_group = args.peer_group or (known.peer_group if known else None) or None
    if args.from_previous and not earlier:
        raise EngageError(
            f"there is no assessment of {code} before {period} to start from; "
            "run without --from-previous to start an empty one"
        )
    framework = _framework_for_new(store, args.framework_version, earlier, code, period)
    a = store.create(code, period, name, org_type, peer_group, framework=framework)
    list_items(a, framework)  # every item id, ready to answer in a text editor
    store.save(a, backup=False)
    print(
        f"created {display_path(a.path)} for {name} ({code}), {period}, "
        f"on version {framework.version} of the question bank"
    )
    if known is not None:
        taken = [
            f
            for f, given in (
                ("name", args.name),
                ("type", args.type),
                ("peer group", args.peer_group),
            )
            if not given
        ]
        if taken:
            print(f"{', '.join(taken)} taken from {known.period}")
    if args.from_previous:
        prev = earlier[-1]
        a = store.find(code, period)
        n = carry_forward(a, prev, frameworks=store.frameworks)
        store.save(a)
        print(
            f"copied {n} answer(s) from {prev.period}, each marked as carried over until the "
            "team confirms it"
        )
        fresh = len(a.afresh())
        if fresh:
            print(
                f"{fresh} item(s) are new or changed in version {framework.version} (not asked "
                f"in {prev.period}'s version {prev.framework_version}): marked to rate afresh"
            )
    return 0


def _framework_for_new(store: Store, wanted: int | None, earlier: list, code: str, period: str):
    """The version a new assessment starts on: the one asked for, else `framework_for_new`.

    A version older than the organisation's latest assessment is refused: its answers could
    not be carried or compared forwards.
    """
    if wanted is None:
        return store.framework_for_new(code, period)
    framework = store.frameworks.get(wanted)
    latest = earlier[-1].framework_version if earlier else None
    if latest is not None and wanted < latest:
        raise EngageError(
            f"{code}'s latest assessment ({earlier[-1].period}) is on version {latest}; a new "
            f"assessment cannot go back to version {wanted}"
        )
    return framework


# ------------------------------------------------------------------ entry point


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        load_framework()  # fail early and clearly if the framework itself is broken
        return int(args.func(args) or 0)
    except ValidationFailed as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1
    except EngageError as exc:
        if debug:
            raise
        print(f"engagecycle: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # last line of defence for users
        if debug:
            raise
        print(
            f"engagecycle: unexpected error: {type(exc).__name__}: {exc}\n"
            "Run again with --debug for the full traceback.",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
