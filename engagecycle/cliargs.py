"""The options several commands share, declared once so they read and check the same everywhere.

ORG and PERIOD, `--name`, `--type` and `--peer-group` appear in `new`, `template`, `workshop`,
`actions`, `report`, `batch` and `score`. Declared in each command line they drifted apart
(`template --type` took any word while `new --type` offered the five types), so every
command line adds them through these helpers and checks their values with `check_details`.

Two kinds of check, as argparse intends: a value that can be told wrong from the command line
alone (an organisation type not in the list, a `--period` that is neither a period nor
`latest`) is refused while parsing, with the usage line and exit status 2, before any
assessment is read or any heavy library loaded; a code, period, name or peer group that
breaks the rules for what the tool stores is refused by `check_details` at the start of the
command (exit status 1, the message naming the option and what is allowed), the same rule
the store and the workbook apply.

This module must stay light: every run builds every command's parser, even for `--help`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from .assessment import ORG_TYPES, check_code, check_period, normalise_code, normalise_period
from .errors import EngageError
from .limits import name_problem

__all__ = [
    "ORG_TYPES",
    "add_details",
    "add_organisation",
    "add_period",
    "check_details",
    "period_or",
]


def add_organisation(parser: argparse.ArgumentParser, example: str = "X01") -> None:
    """The ORG argument: an organisation code, checked by `check_details`."""
    parser.add_argument("organisation", metavar="ORG", help=f"organisation code, e.g. {example}")


def add_period(
    parser: argparse.ArgumentParser, example: str = "2025/26", *, latest: bool = False
) -> None:
    """The PERIOD argument; with `latest`, the word 'latest' is allowed too (and checked here)."""
    if latest:
        parser.add_argument(
            "period",
            metavar="PERIOD",
            type=period_or("latest"),
            help=f"e.g. {example}, or 'latest'",
        )
    else:
        parser.add_argument("period", metavar="PERIOD", help=f"NHS financial year, e.g. {example}")


def add_details(
    parser: argparse.ArgumentParser,
    *,
    name: str,
    org_type: str,
    peer_group: str,
) -> None:
    """`--name`, `--type` and `--peer-group`: the organisation's details, with each command's
    own help text (they differ in when the value is used, not in what it may be)."""
    parser.add_argument("--name", help=name)
    parser.add_argument("--type", choices=ORG_TYPES, help=org_type)
    parser.add_argument("--peer-group", help=peer_group)


def period_or(*words: str) -> Callable[[str], str]:
    """An argparse `type` for a period option that may also be one of `words` ('latest')."""
    also = "".join(f", or {w!r}" for w in words)

    def parse(text: str) -> str:
        if text in words:
            return text
        period = normalise_period(text)
        why = check_period(period)
        if why:
            raise argparse.ArgumentTypeError(f"{text!r} {why}{also}")
        return period

    parse.__name__ = "period"  # argparse names the type in some of its messages
    return parse


def check_details(args: argparse.Namespace) -> tuple[str, str]:
    """The code and period of a command that creates or opens one assessment, normalised.

    Raises `EngageError` naming the first value that breaks the rules: the code and period
    rules of the store, and the one rule for names (`limits.name_problem`) for `--name` and
    `--peer-group` when they are given.
    """
    code, period = normalise_code(args.organisation), normalise_period(args.period)
    name = getattr(args, "name", None)
    peer_group = getattr(args, "peer_group", None)
    for label, value, why in (
        ("organisation code", code, check_code(code)),
        ("period", period, check_period(period)),
        ("--name", name, name_problem(name) if name is not None else None),
        ("--peer-group", peer_group, name_problem(peer_group) if peer_group is not None else None),
    ):
        if why:
            raise EngageError(f"{label} {value!r} {why}")
    return code, period
