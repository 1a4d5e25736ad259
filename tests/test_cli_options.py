"""The command line's shared options and its start-up cost.

Every command that takes ORG, PERIOD, --name, --type or --peer-group declares them through
`engagecycle.cliargs`, so the same value is accepted or refused the same way everywhere.
And a command that only prints help, is refused for a mistyped option or validates one file
must not load the widget or notebook machinery: each case runs the real entry point in a
fresh interpreter (the only way to see what an import costs) and lists what it loaded.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from engagecycle import cli
from engagecycle.assessment import ORG_TYPES

DATA = Path(__file__).parent / "data"
# Loaded only by the commands that need them (workshop, report, batch, template, import).
HEAVY = ("ipywidgets", "nbformat", "jsonschema", "papermill", "nbconvert", "matplotlib")

PROBE = """
import json, sys
from engagecycle.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
print("\\n" + json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def loaded_by(*argv: str, cwd: Path) -> tuple[int, list[str], str]:
    """Run `engagecycle ARGV` in a fresh interpreter: its exit code, modules loaded, stderr."""
    r = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    last = json.loads(r.stdout.strip().splitlines()[-1])
    return last["code"], last["modules"], r.stderr


def heavy_in(modules: list[str]) -> list[str]:
    return [m for m in modules if m.split(".")[0] in HEAVY]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "assessments" / "T01").mkdir(parents=True)
    (tmp_path / "assessments" / "T01" / "2024-25.yaml").write_text((DATA / "good.yaml").read_text())
    return tmp_path


@pytest.mark.parametrize(
    "argv, code",
    [
        (["--help"], 0),
        (["batch", "--bogus"], 2),
        (["batch", "--period", "nonsense"], 2),
        (["report", "X01", "someday"], 2),
        (["template", "T01", "2025/26", "--type", "bogus"], 2),
        (["workshop", "--help"], 0),
        (["validate", "assessments/T01/2024-25.yaml"], 0),
    ],
)
def test_help_argument_errors_and_validate_load_no_widgets_or_notebooks(folder, argv, code):
    got, modules, err = loaded_by(*argv, cwd=folder)
    assert got == code, err
    assert heavy_in(modules) == [], f"engagecycle {' '.join(argv)} loaded {heavy_in(modules)}"


def test_a_bad_period_option_is_refused_while_parsing(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["batch", "--period", "nonsense"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "argument --period: 'nonsense' must look like 2024/25" in err and "'latest'" in err


def test_a_period_option_says_what_is_allowed(capsys):
    for argv, also in (
        (["import", "book.xlsx", "--period", "2024"], ""),
        (["score", "--period", "2024/26"], ", or 'latest', or 'all'"),
    ):
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 2
        err = capsys.readouterr().err.strip().splitlines()[-1]
        assert err.startswith(f"engagecycle {argv[0]}: error: argument --period: ")
        assert err.endswith(also or "two-digit year)"), err


def test_template_type_is_checked_like_new_type(tmp_path, capsys):
    for command in ("new", "template", "workshop"):
        argv = [command, "X20", "2025/26", "--name", "Fenwold Place", "--type", "bogus"]
        with pytest.raises(SystemExit) as exc:
            cli.main([*argv, "--assessments", str(tmp_path / "assessments")])
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert f"engagecycle {command}: error: argument --type: invalid choice: 'bogus'" in err
        assert "'ICB', 'CCG', 'place', 'trust', 'other'" in err
    assert not (tmp_path / "assessments").exists()
    assert not list(tmp_path.rglob("*.xlsx"))


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _option(parser: argparse.ArgumentParser, dest: str) -> argparse.Action | None:
    return next((a for a in parser._actions if a.dest == dest), None)


def test_shared_options_are_declared_alike_in_every_command():
    commands = _subcommands()
    with_details = ["new", "template", "workshop"]
    for name in with_details:
        kind = _option(commands[name], "type")
        assert kind is not None and tuple(kind.choices) == ORG_TYPES, name
        for dest in ("name", "peer_group", "organisation", "period"):
            assert _option(commands[name], dest) is not None, (name, dest)
    for name in ("new", "template", "workshop", "actions", "report"):
        org = _option(commands[name], "organisation")
        assert org.metavar == "ORG" and org.help.startswith("organisation code"), name
    for name in ("score", "batch", "report"):
        period = _option(commands[name], "period")
        assert period.type is not None and period.type("2024-25") == "2024/25", name
        with pytest.raises(argparse.ArgumentTypeError):
            period.type("2024/26")


@pytest.mark.parametrize("command", ["new", "template", "workshop"])
def test_names_are_checked_by_one_rule_before_anything_is_written(tmp_path, capsys, command):
    folder = tmp_path / "assessments"
    argv = [command, "X20", "2025/26", "--name", "Two\nlines", "--assessments", str(folder)]
    assert (
        cli.main([*argv, "--out", str(tmp_path / "b.xlsx")] if command == "template" else argv) == 1
    )
    assert "--name 'Two\\nlines' must be on one line" in capsys.readouterr().err
    assert not folder.exists() and not (tmp_path / "b.xlsx").exists()
