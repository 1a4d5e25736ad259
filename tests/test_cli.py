"""The command line as a user meets it: exit codes, messages on stderr, no tracebacks.

Most tests run the command in this process (`helpers.run_cli`); `--version` and `--help`
run the real `python -m engagecycle.cli` in a fresh interpreter, end to end.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import run_cli

from engagecycle.framework import load_framework
from engagecycle.store import Store

DATA = Path(__file__).parent / "data"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=cwd)


def run_process(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "engagecycle.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def work(tmp_path) -> Path:
    folder = tmp_path / "assessments" / "T01"
    folder.mkdir(parents=True)
    shutil.copy(DATA / "good.yaml", folder / "2024-25.yaml")
    text = (DATA / "good.yaml").read_text().replace("T01", "T02").replace("Testvale", "Otherby")
    (tmp_path / "assessments" / "T02").mkdir()
    (tmp_path / "assessments" / "T02" / "2024-25.yaml").write_text(text)
    return tmp_path


def test_version(work):
    r = run_process("--version", cwd=work)
    assert r.returncode == 0 and r.stdout.startswith("engagecycle ")


@pytest.mark.parametrize("command", ["validate", "score", "new"])
def test_every_command_has_help_with_an_example(work, command):
    r = run_process(command, "--help", cwd=work)
    assert r.returncode == 0
    assert "example" in r.stdout and f"engagecycle {command}" in r.stdout


def test_validate_ok(work):
    r = run("validate", cwd=work)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "OK: 2 file(s) valid: 2 organisation(s), 2024/25."


def test_validate_lists_every_fault_and_exits_1(work):
    shutil.copy(DATA / "bad" / "32-several-faults.yaml", work / "assessments" / "bad.yaml")
    shutil.copy(DATA / "bad" / "16-malformed-yaml.yaml", work / "assessments" / "broken.yaml")
    r = run("validate", cwd=work)
    assert r.returncode == 1
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 5
    assert sum("assessments/bad.yaml" in line for line in lines) == 4
    assert any("assessments/broken.yaml:13: not valid YAML" in line for line in lines)
    assert "5 problem(s) in 2 of 4 file(s)" in r.stderr
    assert "Traceback" not in r.stderr


def test_validate_named_file(work):
    r = run("validate", str(DATA / "bad" / "02-level-too-high.yaml"), cwd=work)
    assert r.returncode == 1 and "vision.1.level" in r.stdout


def test_validate_missing_path(work):
    r = run("validate", "nowhere", cwd=work)
    assert r.returncode == 1 and "nowhere: no such file or folder" in r.stderr
    assert "Traceback" not in r.stderr


def test_score_table_csv_json(work, tmp_path):
    r = run("score", cwd=work)
    assert r.returncode == 0, r.stderr
    assert "Scores for 2024/25: 2 organisations" in r.stdout
    assert "T01" in r.stdout and "T02" in r.stdout
    r = run("score", "--format", "csv", "--period", "latest", cwd=work)
    header = r.stdout.splitlines()[0].split(",")
    for col in (
        "organisation",
        "period",
        "dimension",
        "kind",
        "score",
        "percent",
        "level",
        "completeness",
        "answered",
        "applicable",
        "unknown",
        "low_evidence",
    ):
        assert col in header
    assert len(r.stdout.strip().splitlines()) == 1 + 2 * 18
    out = tmp_path / "s.json"
    r = run("score", "--format", "json", "--organisation", "T01", "--output", str(out), cwd=work)
    assert r.returncode == 0
    rows = json.loads(out.read_text())
    assert {x["organisation"] for x in rows} == {"T01"} and len(rows) == 18
    vision = next(x for x in rows if x["dimension"] == "vision")
    assert vision["score"] == 3.0 and vision["answered"] == 1 and vision["applicable"] == 3


def test_score_single_organisation_shows_dimensions(work):
    r = run("score", "--organisation", "T01", cwd=work)
    assert r.returncode == 0
    assert "T01 Testvale ICB: 2024/25" in r.stdout
    assert "Overall" in r.stdout and "Identify" in r.stdout


def test_score_unknown_organisation_is_a_clear_error(work):
    r = run("score", "--organisation", "ZZZ", cwd=work)
    assert r.returncode == 1
    assert "no assessment for ZZZ" in r.stderr and "T01, T02" in r.stderr
    assert "Traceback" not in r.stderr
    r = run("score", "--period", "2019/20", cwd=work)
    assert r.returncode == 1 and "periods found: 2024/25" in r.stderr


def test_score_skips_invalid_files_with_a_warning(work):
    shutil.copy(DATA / "bad" / "02-level-too-high.yaml", work / "assessments" / "bad.yaml")
    r = run("score", "--format", "csv", cwd=work)
    assert r.returncode == 0
    assert "skipped 1 invalid file(s): assessments/bad.yaml" in r.stderr


def test_new_refuses_to_overwrite(work):
    r = run("new", "T03", "2025/26", "--name", "Newtown Place", "--type", "place", cwd=work)
    assert r.returncode == 0, r.stderr
    path = work / "assessments" / "T03" / "2025-26.yaml"
    assert path.exists()
    before = path.read_bytes()
    r = run("new", "T03", "2025/26", "--name", "Other", cwd=work)
    assert r.returncode == 1 and "already exists" in r.stderr
    assert path.read_bytes() == before
    assert run("validate", cwd=work).returncode == 0


def test_new_from_previous(work):
    r = run("new", "T01", "2025/26", "--name", "Testvale ICB", "--from-previous", cwd=work)
    assert r.returncode == 0, r.stderr
    # version 2 is the default for a new year: of last year's three version 1 answers only
    # vision.1 kept its meaning (reworded); vision.2 and strategy.1 were merged or retired
    assert "copied 1 answer(s) from 2024/25" in r.stdout
    assert "33 item(s) are new or changed in version 2" in r.stdout
    a = Store(work / "assessments").find("T01", "2025/26")
    assert a.framework_version == 2
    assert a.unconfirmed() == ["vision.1"] and len(a.afresh()) == 33
    text = (work / "assessments" / "T01" / "2025-26.yaml").read_text()
    assert "carried_over: true" in text and "afresh: true" in text


def test_new_from_previous_can_stay_on_version_1(work):
    r = run("new", "T01", "2025/26", "--from-previous", "--framework-version", "1", cwd=work)
    assert r.returncode == 0, r.stderr
    assert "copied 3 answer(s) from 2024/25" in r.stdout
    a = Store(work / "assessments").find("T01", "2025/26")
    assert a.framework_version == 1 and a.afresh() == []


def test_new_from_previous_takes_everything_it_knows_from_last_year(work):
    # issue 9, point 2: no --name asked again, type and peer group not reset
    path = work / "assessments" / "T01" / "2024-25.yaml"
    path.write_text(
        path.read_text().replace("type: ICB, peer_group: North", "type: place, peer_group: North")
    )
    r = run("new", "T01", "2025/26", "--from-previous", cwd=work)
    assert r.returncode == 0, r.stderr
    assert "name, type, peer group taken from 2024/25" in r.stdout
    a = Store(work / "assessments").find("T01", "2025/26")
    assert (a.name, a.org_type, a.peer_group) == ("Testvale ICB", "place", "North")
    assert a.unconfirmed() == ["vision.1"]  # on version 2: the one answer that kept its meaning
    # what is given on the command line wins; the rest still comes from last year
    r = run("new", "T01", "2026/27", "--type", "ICB", cwd=work)
    assert r.returncode == 0, r.stderr
    a = Store(work / "assessments").find("T01", "2026/27")
    assert (a.name, a.org_type, a.peer_group) == ("Testvale ICB", "ICB", "North")
    assert a.unconfirmed() == []


def test_new_asks_only_for_what_it_cannot_know(work):
    r = run("new", "T07", "2025/26", cwd=work)
    assert r.returncode == 1 and '--name "Organisation name"' in r.stderr
    r = run("new", "T07", "2025/26", "--name", "Sevenby ICB", "--from-previous", cwd=work)
    assert r.returncode == 1 and "no assessment of T07 before 2025/26" in r.stderr
    assert not (work / "assessments" / "T07").exists()


def test_new_file_lists_every_item_to_fill_in(work):
    # issue 9, point 8: a person with a text editor sees every item id and what it asks
    r = run("new", "T07", "2025/26", "--name", "Sevenby ICB", cwd=work)
    assert r.returncode == 0, r.stderr
    path = work / "assessments" / "T07" / "2025-26.yaml"
    text = path.read_text()
    # version 2 is the default for a new assessment (issue 12)
    assert "framework: {id: engagement-cycle, version: 2}" in text
    fw = load_framework(version=2)
    for item in fw.items.values():
        assert f"\n  {item.id}:" in text and item.statement in text
    assert run("validate", str(path), cwd=work).returncode == 0
    assert Store(work / "assessments").find("T07", "2025/26").is_blank()
    scores = json.loads(run("score", "--organisation", "T07", "--format", "json", cwd=work).stdout)
    assert {r["answered"] for r in scores} == {0} and all(r["score"] is None for r in scores)
    assert not any(r["low_evidence"] for r in scores)  # no score: nothing to doubt
    # answering in a text editor: type after the id
    text = text.replace("\n  vision.1:", "\n  vision.1: {level: N/A}", 1)
    text = text.replace("\n  vision.4:", "\n  vision.4: {level: 2 Developing}", 1)
    text = text.replace("\n  vision.5:", "\n  vision.5: {level: Don't know}", 1)
    path.write_text(text)
    assert run("validate", str(path), cwd=work).returncode == 0
    rows = json.loads(run("score", "--organisation", "T07", "--format", "json", cwd=work).stdout)
    vision = next(r for r in rows if r["dimension"] == "vision")
    assert (vision["na"], vision["answered"], vision["unknown"], vision["score"]) == (1, 1, 1, 2)


@pytest.mark.parametrize(
    "args, words",
    [
        (["new", "../x", "2025/26", "--name", "X"], "organisation code"),
        (["new", "T05", "2025-2026", "--name", "X"], "period"),
    ],
)
def test_new_bad_input(work, args, words):
    r = run(*args, cwd=work)
    assert r.returncode == 1 and words in r.stderr and "Traceback" not in r.stderr


def test_debug_shows_traceback(work):
    r = run("--debug", "score", "--organisation", "ZZZ", cwd=work)
    assert r.returncode != 0 and "Traceback" in r.stderr


def test_score_csv_neutralises_formula_text(work):
    path = work / "assessments" / "T02" / "2024-25.yaml"
    path.write_text(path.read_text().replace('name: "Otherby ICB"', 'name: "=HYPERLINK(1)"'))
    r = run("score", "--format", "csv", "--organisation", "T02", cwd=work)
    assert r.returncode == 0, r.stderr
    assert ",'=HYPERLINK(1)," in r.stdout
    assert ",=HYPERLINK" not in r.stdout
