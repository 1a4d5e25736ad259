"""One permission rule for every file the tool writes (issue 9, point 7).

Published files and files handed to people get what any new file gets from the umask
(0o666 & ~umask: 644 under umask 022), whatever their kind, and also when they replace an
older output that had other permissions. Working files are owner-only.
"""

from __future__ import annotations

import os
import shutil
import stat
from datetime import date
from pathlib import Path

import pytest

from engagecycle import cli
from engagecycle.benchmark.system import actions_table, summary_table
from engagecycle.files import private_workdir, public_mode, write_private_json
from engagecycle.reports.data import score_folder
from engagecycle.reports.summary import write_summary_csv, write_summary_xlsx
from engagecycle.spreadsheet.actions import write_action_plan
from engagecycle.spreadsheet.template import write_template
from engagecycle.store import Store

DATA = Path(__file__).parent / "data"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "assessments" / "T01").mkdir(parents=True)
    shutil.copy(DATA / "good.yaml", tmp_path / "assessments" / "T01" / "2024-25.yaml")
    return tmp_path


def _stale(path: Path) -> Path:
    """An older output at `path` that only its owner could read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"old")
    os.chmod(path, 0o600)
    return path


def test_every_writer_gives_the_same_mode(folder, umask_022, monkeypatch):
    monkeypatch.chdir(folder)
    out = folder / "out"
    store = Store(folder / "assessments")
    a = store.find("T01", "2024/25", roundtrip=False)
    written = []

    written.append(
        write_template(store, "T01", "2024/25", _stale(out / "t.xlsx"), overwrite=True).path
    )
    write_action_plan(_stale(out / "a.xlsx"), [a], store.framework, today=date(2025, 1, 1))
    write_action_plan(_stale(out / "a.csv"), [a], store.framework, today=date(2025, 1, 1))
    written += [out / "a.xlsx", out / "a.csv"]
    scored = score_folder(folder / "assessments")
    table = summary_table(scored.scores, scored.items, scored.framework, "2024/25")
    actions = actions_table(scored.assessments, scored.framework, "2024/25")
    written.append(write_summary_csv(table, _stale(out / "summary.csv")))
    written.append(write_summary_xlsx(table, actions, _stale(out / "summary.xlsx")))
    _stale(out / "scores.csv")
    assert cli.main(["score", "--format", "csv", "--output", str(out / "scores.csv")]) == 0
    written.append(out / "scores.csv")
    assert cli.main(["new", "T09", "2025/26", "--name", "Ninetown Place"]) == 0
    written.append(folder / "assessments" / "T09" / "2025-26.yaml")

    assert {p.name: oct(mode(p)) for p in written} == {p.name: "0o644" for p in written}


def test_the_rule_follows_the_umask(folder, monkeypatch):
    monkeypatch.chdir(folder)
    old = os.umask(0o027)
    try:
        assert public_mode() == 0o640
        store = Store(folder / "assessments")
        path = write_template(store, "T01", "2024/25", folder / "t.xlsx").path
        assert mode(path) == 0o640
    finally:
        os.umask(old)


def test_working_files_are_private_and_removed(tmp_path):
    with private_workdir() as work:
        assert mode(work) == 0o700 and not work.is_relative_to(Path.cwd())
        path = write_private_json(work / "x.json", {"a": 1})
        assert mode(path) == 0o600
    assert not work.exists()
    with pytest.raises(RuntimeError), private_workdir() as work:
        raise RuntimeError
    assert not work.exists()
