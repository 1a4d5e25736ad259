"""`engagecycle migrate` (issue 12, B1 point 3): version 1 files moved to version 2 losing
nothing, keeping comments and unknown fields, idempotent, with a dry run and per-file errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engagecycle import cli as main_cli
from engagecycle import migrate as migrating
from engagecycle.errors import ConflictError
from engagecycle.framework import load_framework
from engagecycle.store import Store, read_file
from engagecycle.versions import Frameworks
from engagecycle.workshop.merge import to_plain
from engagecycle.yamlio import load_plain

V1 = load_framework(version=1)
V2 = load_framework(version=2)

FILE = f"""\
# Harrowmere's assessment, kept by the engagement team.
schema: 1
framework: {{id: engagement-cycle, version: 1}}
organisation: {{code: T01, name: Testbury ICB, type: ICB}}
period: 2025/26
local_reference: ENG-2025-14       # a field the tool does not know
responses:
  vision.1: {{level: 3, evidence: "Board workshop in May"}}  # agreed after a long debate
  vision.2:
    level: 2
    raters: {{AB: 2, CD: 3}}
    agreed: Two, until the board's own learning is done.
    flag: true
  vision.3: {{level: 1}}             # retired in version 2
  vision.4:       # {V1.items["vision.4"].statement}
  develop.2: {{level: n/a}}
  strategy.1:
    level: 4
    evidence: |-
      Strategy approved in March.
      Reviewed in September.
  roles.1:
dimensions:
  vision: {{target: 3, notes: Keep going}}
actions:
  - {{dimension: vision, action: Board session on the duty, owner: Chair, status: open}}
"""


def write(folder: Path, text: str = FILE, code: str = "T01", period: str = "2025-26") -> Path:
    path = folder / code / f"{period}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace("code: T01", f"code: {code}"), encoding="utf-8")
    return path


def run(folder: Path, *paths: Path, dry_run: bool = False):
    out: list[str] = []
    outcome = migrating.migrate_files(
        list(paths),
        Store(folder),
        dry_run=dry_run,
        today=date(2025, 9, 1),
        say=out.append,
        warn=out.append,
    )
    return outcome, "\n".join(out)


def test_migrating_moves_to_version_2_and_loses_nothing(tmp_path):
    path = write(tmp_path)
    before = to_plain(read_file(path, V1, roundtrip=True).doc)
    outcome, said = run(tmp_path, path)
    assert (outcome.migrated, outcome.failed) == (1, 0)
    text = path.read_text(encoding="utf-8")
    a = read_file(path, Frameworks.packaged(), roundtrip=True)
    assert a.framework_version == 2
    doc = load_plain(text)
    # kept where the meaning is the same, exactly as they were
    assert doc["responses"]["vision.1"] == before["responses"]["vision.1"]
    assert doc["responses"]["develop.2"] == {"level": "n/a"}
    # answers to retired and merged items moved, whole, into the kept block
    (block,) = doc["earlier_answers"]
    assert block["version"] == 1 and block["migrated_on"] == date(2025, 9, 1)
    for gone in ("vision.2", "vision.3", "strategy.1"):
        assert block["responses"][gone] == before["responses"][gone]
        assert gone not in doc["responses"]
    assert "roles.1" not in doc["responses"] and "roles.1" not in block["responses"]  # blank
    # nothing lost: every answer given is in one place or the other, unchanged
    for item_id, entry in before["responses"].items():
        if entry:
            assert (doc["responses"].get(item_id) or block["responses"][item_id]) == entry
    # every item new or changed in version 2 is to rate afresh; kept blanks stay blank
    assert len(a.afresh()) == 33 and "vision.4" not in a.afresh()
    # comments, unknown fields, targets, notes and actions are kept
    for kept in (
        "# Harrowmere's assessment, kept by the engagement team.",
        "local_reference: ENG-2025-14       # a field the tool does not know",
        "# agreed after a long debate",
        "# retired in version 2",
        "Strategy approved in March.\n          Reviewed in September.",
    ):
        assert kept in text
    assert doc["dimensions"] == before["dimensions"] and doc["actions"] == before["actions"]
    # the tool's own listing comment follows the new wording
    assert f"# {V2.items['vision.4'].statement}" in text
    assert V1.items["vision.4"].statement not in text
    # the new items are listed in version 2's order
    assert list(doc["responses"]) == [i for i in V2.items if i in doc["responses"]]
    assert "version 1 to 2" in said and "3 answer(s) to items version 2 retired or merged" in said
    assert "33 item(s) new or changed in version 2 marked to rate afresh" in said
    # a backup of the version 1 file was kept
    (backup,) = (path.parent / ".history").iterdir()
    assert "version: 1}" in backup.read_text(encoding="utf-8")


def test_migrating_twice_changes_nothing(tmp_path):
    path = write(tmp_path)
    run(tmp_path, path)
    once = path.read_bytes()
    outcome, said = run(tmp_path, path)
    assert (outcome.migrated, outcome.already) == (0, 1)
    assert "already on version 2: nothing to change" in said
    assert path.read_bytes() == once
    assert len(list((path.parent / ".history").iterdir())) == 1  # no second save


def test_dry_run_writes_nothing(tmp_path):
    path = write(tmp_path)
    outcome, said = run(tmp_path, path, dry_run=True)
    assert outcome.migrated == 1
    assert path.read_text(encoding="utf-8") == FILE
    assert not (path.parent / ".history").exists()
    assert "would be moved to earlier_answers" in said and "would be marked" in said
    # by hand: vision (3 + 2 + 1) / 3 = 2 and strategy 4 average 3.0 over 4 answers; after,
    # vision.1 alone is left: 3.0 over 1 answer of 75 items
    assert "overall score 3.0 (4 of 70 items answered) before, 3.0 (1 of 75 items" in said


def test_a_failing_file_does_not_stop_the_others_and_the_exit_code_says_so(tmp_path, capsys):
    good = write(tmp_path, code="T01")
    broken = write(tmp_path, FILE.replace("{level: 1}", "{level: 7}"), code="T02")
    broken_text = broken.read_text(encoding="utf-8")
    code = main_cli.main(
        [
            "migrate",
            str(good),
            str(broken),
            str(tmp_path / "nope.yaml"),
            "--assessments",
            str(tmp_path),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 1
    assert load_plain(good.read_text(encoding="utf-8"))["framework"]["version"] == 2
    assert broken.read_text(encoding="utf-8") == broken_text
    assert "T02/2025-26.yaml: not migrated: the file has problems" in err
    assert "vision.3.level: level out of range" in err
    assert "nope.yaml: no such file or folder" in err
    assert "1 file(s) migrated; 2 could not be migrated." in out


def test_a_file_changed_by_someone_else_meanwhile_is_not_overwritten(tmp_path, monkeypatch):
    one, two = write(tmp_path, code="T01"), write(tmp_path, code="T02")
    real_save = Store.save

    def save(self, assessment, **kw):
        if assessment.code == "T01":
            raise ConflictError("T01/2025-26.yaml was changed by someone else since it was opened")
        return real_save(self, assessment, **kw)

    monkeypatch.setattr(Store, "save", save)
    outcome, said = run(tmp_path, tmp_path)  # a folder: every file under it
    assert (outcome.migrated, outcome.failed) == (1, 1)
    assert "not migrated: T01/2025-26.yaml was changed by someone else" in said
    assert one.read_text(encoding="utf-8") == FILE
    assert load_plain(two.read_text(encoding="utf-8"))["framework"]["version"] == 2


def test_the_kept_block_is_validated(tmp_path):
    path = write(tmp_path)
    run(tmp_path, path)
    text = path.read_text(encoding="utf-8")
    store = Store(tmp_path)
    bad = text.replace("  - version: 1\n", "  - version: 2\n")
    path.write_text(bad, encoding="utf-8")
    (p,) = store.load_all().problems
    assert p.where == "earlier_answers[1].version" and "below 2" in p.allowed
    bad = text.replace("      vision.3:", "      vision.9:")
    path.write_text(bad, encoding="utf-8")
    (p,) = store.load_all().problems
    assert (p.where, p.message) == ("earlier_answers[1].responses.vision.9", "unknown item id")


def test_a_file_on_a_later_version_is_never_moved_back(tmp_path):
    path = write(tmp_path)
    run(tmp_path, path)
    a = read_file(path, Frameworks.packaged(), roundtrip=True)
    with pytest.raises(Exception, match="never moved back a version"):
        migrating.migrate_assessment(a, Frameworks.packaged(), V1)
