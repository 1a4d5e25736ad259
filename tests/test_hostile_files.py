"""Hostile and careless assessment files: each is refused with its file, line and field.

Every case is a copy of tests/data/good.yaml with one fault a person can easily make in a
text editor (or a tool can produce). For each one `validate` exits 1 naming the file, the
line and the field, and `score` still scores the good file beside it. Large files are made
by the test in its temporary folder, never committed. Before this corpus existed, the
impossible dates and the 5,000-digit numbers stopped every command with "unexpected error",
the 100,000-deep list killed `score` with a segmentation fault, and the tag, the timestamp,
the control characters and the code ending in a newline were passed by `validate`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engagecycle import cli
from engagecycle.limits import MAX_FILE_BYTES, MAX_TEXT_CHARS
from tests.helpers import store_v1

DATA = Path(__file__).parent / "data"
GOOD = (DATA / "good.yaml").read_text(encoding="utf-8")
LINE = '  vision.1: {level: 3, raters: [3, 2, 4], evidence: "Board workshop: agreed the purposes."}'
assert LINE in GOOD


def deep(n: int) -> str:
    return "[" * n + "]" * n


# name -> (replace this, with this, field named, words in the message, line)
CASES: dict[str, tuple[str, str, str, str, int | None]] = {
    "impossible-due-date": (
        "due: 2025-06-30",
        "due: 2025-02-30",
        "actions[1].due",
        "2025-02-30 is not a real date",
        17,
    ),
    "impossible-assessed-on": (
        "assessed_on: 2025-02-11",
        "assessed_on: 2025-13-01",
        "assessed_on",
        "2025-13-01 is not a real date",
        6,
    ),
    "huge-level": (
        "{level: 3,",
        "{level: 1" + "0" * 5000 + ",",
        "vision.1.level",
        "a number 5,001 characters long",
        11,
    ),
    "huge-target": (
        "{target: 3,",
        "{target: 1" + "0" * 5000 + ",",
        "dimensions.identify.target",
        "a number 5,001 characters long",
        15,
    ),
    "deep-list": (
        "share_evidence: false",
        "share_evidence: false\nnotes_by_year: " + deep(100_000),
        "notes_by_year[1][1][1][1][1]...",
        "nested more than 32 deep",
        10,
    ),
    "deep-mapping": (
        "share_evidence: false",
        "share_evidence: false\nextra: " + "{a: " * 50_000 + "1" + "}" * 50_000,
        "extra.a.a.a.a.a...",
        "nested more than 32 deep",
        10,
    ),
    "python-tag": (
        "facilitator: Engagement lead",
        "facilitator: !!python/object/apply:os.system ['echo hello']",
        "facilitator",
        "the YAML tag !!python/object/apply:os.system is not allowed",
        7,
    ),
    "str-tag": (
        "facilitator: Engagement lead",
        "facilitator: !!str 1234",
        "facilitator",
        "the YAML tag !!str is not allowed",
        7,
    ),
    "timestamp-for-a-date": (
        "assessed_on: 2025-02-11",
        "assessed_on: 2025-02-11 10:30:00",
        "assessed_on",
        "has a time of day; give the date alone",
        6,
    ),
    "timestamp-for-a-due-date": (
        '  - {dimension: identify, action: "Run two outreach sessions", owner: PPE lead, '
        "due: 2025-06-30, status: open}",
        "  - dimension: identify\n    action: Run two outreach sessions\n"
        "    due: 2025-06-30T09:00:00Z",
        "actions[1].due",
        "has a time of day; give the date alone",
        19,
    ),
    "lone-surrogate": (
        'evidence: "Board workshop: agreed the purposes."',
        'evidence: "Board workshop \\udc80 agreed"',
        "",
        "invalid Unicode character escape",
        11,
    ),
    "control-character-in-name": (
        'name: "Testvale ICB"',
        'name: "Testvale\\x01 ICB"',
        "organisation.name",
        "control character (U+0001",
        4,
    ),
    "line-break-in-name": (
        'name: "Testvale ICB"',
        'name: "Testvale\\nICB"',
        "organisation.name",
        "must be on one line",
        4,
    ),
    "code-ending-in-a-newline": (
        "code: T01,",
        'code: "T01\\n",',
        "organisation.code",
        "must be 1-32 letters",
        4,
    ),
    "control-character-in-evidence": (
        'evidence: "Board workshop: agreed the purposes."',
        'evidence: "Board workshop\\a agreed"',
        "vision.1.evidence",
        "control character (U+0007",
        11,
    ),
    "over-long-evidence": (
        'evidence: "Board workshop: agreed the purposes."',
        'evidence: "' + "x" * 40_000 + '"',
        "vision.1.evidence",
        "40,000 characters long; at most 32,767",
        11,
    ),
    "over-long-notes": (
        'notes: "Refresh due in the autumn."',
        "notes: " + "n" * (MAX_TEXT_CHARS + 1),
        "dimensions.identify.notes",
        "32,768 characters long; at most 32,767",
        15,
    ),
    "alias": (
        "participants: [Lay member, Head of engagement]",
        "participants: &p [Lay member, Head of engagement]\nfacilitator_team: *p",
        "facilitator_team",
        "YAML aliases (*p) are not allowed",
        9,
    ),
    "rater-name-with-a-line-break": (
        "raters: [3, 2, 4]",
        'raters: {"AB\\nCD": 3}',
        "vision.1.raters",
        "must be on one line",
        11,
    ),
    "too-many-values": (
        "share_evidence: false",
        "share_evidence: false\ntally: [" + ",".join(["0"] * 120_000) + "]",
        "",
        "more than 100,000 values",
        10,
    ),
}


def make(folder: Path, code: str, text: str) -> Path:
    path = folder / code / "2024-25.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace("code: T01,", f"code: {code},", 1), encoding="utf-8")
    return path


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "assessments"
    make(folder, "T01", GOOD)
    return folder


def bad_file(folder: Path, case: str) -> Path:
    """The case's file, as organisation X90 (so it never duplicates the good T01)."""
    old, new, *_ = CASES[case]
    assert old in GOOD, case
    return make(folder, "X90", GOOD.replace(old, new, 1))


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_hostile_file_is_refused_and_the_rest_still_scored(folder, case, capsys):
    path = bad_file(folder, case)
    _, _, where, words, line = CASES[case]
    assert cli.main(["validate", "--assessments", str(folder)]) == 1
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert len(lines) == 1, out  # one clear message, about the bad file only
    loc = f"{path}:{line}: " if line else f"{path}: "
    assert lines[0].startswith(loc + (f"{where}: " if where else "")), lines[0]
    assert words in lines[0]
    assert "1 problem(s) in 1 of 2 file(s)" in err
    assert "Traceback" not in err and "unexpected" not in err

    assert cli.main(["score", "--assessments", str(folder), "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert f"skipped 1 invalid file(s): {path}" in err
    orgs = {row.split(",")[0] for row in out.strip().splitlines()[1:]}
    assert orgs == {"T01"}


def test_score_and_validate_agree_on_the_whole_corpus(folder, capsys):
    bad = {bad_file(folder / case, case) for case in CASES}  # one sub-folder per case
    assert cli.main(["validate", "--assessments", str(folder)]) == 1
    out, _ = capsys.readouterr()
    named = {line.split(":")[0] for line in out.strip().splitlines()}
    assert named == {str(p) for p in bad}
    assert cli.main(["score", "--assessments", str(folder), "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert f"skipped {len(CASES)} invalid file(s)" in err
    assert {row.split(",")[0] for row in out.strip().splitlines()[1:]} == {"T01"}


def test_a_100000_deep_list_does_not_kill_score(folder):
    """The C loader once died with a segmentation fault here, scoring nothing."""
    path = bad_file(folder, "deep-list")
    proc = subprocess.run(
        [sys.executable, "-m", "engagecycle.cli", "score", "--assessments", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-500:])
    assert f"skipped 1 invalid file(s): {path}" in proc.stderr
    assert "T01 Testvale ICB" in proc.stdout


def test_an_oversized_file_is_refused_before_it_is_read(folder, capsys):
    path = make(folder, "X91", GOOD + "# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    assert cli.main(["validate", "--assessments", str(folder)]) == 1
    out, _ = capsys.readouterr()
    assert re.search(rf"^{re.escape(str(path))}: the file is 8\.0 MB; .* at most 8 MB", out, re.M)


def test_text_that_reaches_the_store_another_way_is_refused_too(tmp_path):
    """The workshop form hands the store Python strings, which can hold lone surrogates."""
    from engagecycle.workshop.session import WorkshopSession

    store = store_v1(tmp_path / "assessments")
    store.create("T01", "2024/25", "Testvale ICB")
    s = WorkshopSession.open(store, "T01", "2024/25", autosave_delay=None)
    before = s.path.read_bytes()
    for text in ("Board \udc80 workshop", "x" * (MAX_TEXT_CHARS + 1), "bell \x07"):
        s.set_evidence("vision.1", text)
        status = s.flush()
        assert status.state == "failed" and "vision.1.evidence" in status.reason
        assert s.path.read_bytes() == before
    s.set_evidence("vision.1", "fine")
    assert s.flush().state == "saved"


def test_memory_stays_bounded_on_huge_and_pathological_files(folder, tmp_path):
    """Peak memory of `validate` and `score` over a 50 MB file and a file of 3 million values.

    Measured in a child process. Before the limits, `score` used 1.4 GB on a 50 MB file;
    now both stay near the 80 MB the interpreter needs anyway (measured: 100 MB), well
    under the bound of 200 MB.
    """
    padding = "".join(f'  k{i}: "{"x" * 1000}"\n' for i in range(50_000))
    make(folder, "X92", GOOD + "extra:\n" + padding)
    make(folder, "X93", GOOD + "extra: [" + ",".join(["0"] * 3_000_000) + "]\n")  # 6 MB
    assert os.path.getsize(folder / "X92" / "2024-25.yaml") > 50 * 10**6
    # VmHWM, the peak resident memory of this process image (ru_maxrss would also count the
    # pytest process it was forked from: Linux keeps that figure across exec).
    script = (
        "import re, sys\n"
        "from engagecycle import cli\n"
        "code = cli.main(sys.argv[1:])\n"
        "status = open('/proc/self/status').read()\n"
        "print('PEAK', re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    for command, expected in (("validate", 1), ("score", 0)):
        proc = subprocess.run(
            [sys.executable, "-c", script, command, "--assessments", str(folder)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == expected, proc.stderr[-800:]
        peak_mb = int(re.search(r"PEAK (\d+)", proc.stderr).group(1)) / 1024
        print(f"{command}: peak {peak_mb:.0f} MB")
        assert peak_mb < 200, f"{command} peaked at {peak_mb:.0f} MB"


def test_a_control_character_in_a_name_no_longer_stops_the_batch_summary(folder, tmp_path):
    """It once passed validation, then the summary workbook refused it: nothing was produced."""
    from engagecycle.reports.run import batch, outputs, plan

    bad = bad_file(folder, "control-character-in-name")
    options = plan.BatchOptions(assessments=folder, out=tmp_path / "out", cache=False)
    chosen = plan.plan_batch(options)
    assert chosen.loaded.invalid_files == [str(bad)]
    out = tmp_path / "summary"
    out.mkdir()
    scores, items = batch.score_and_bundle(chosen, out / "bundle.pkl")
    outputs.write_summary_files(chosen, options, scores, items, out)
    assert (out / "summary.xlsx").stat().st_size > 0 and (out / "summary.csv").exists()


def test_the_batch_cache_is_dropped_when_the_reading_rules_change(monkeypatch, tmp_path):
    """A file cached as valid must be read again when the limits or the checks change."""
    from types import SimpleNamespace

    from engagecycle.reports import cache
    from engagecycle.versions import Frameworks

    fw = Frameworks.packaged()
    for name in ("limits", "yamlguard", "store", "assessment"):
        copy = tmp_path / f"{name}.py"
        copy.write_bytes(Path(getattr(cache, name).__file__).read_bytes())
        monkeypatch.setattr(cache, name, SimpleNamespace(__file__=str(copy)))
        before = cache._fingerprint(fw)
        copy.write_bytes(copy.read_bytes() + b"\nMAX_TEXT_CHARS = 1\n")
        assert cache._fingerprint(fw) != before, name
        monkeypatch.undo()
