"""Files never lose or corrupt answers: atomic saves, backups, conflicts, path safety."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from engagecycle import yamlio
from engagecycle.assessment import carry_forward
from engagecycle.errors import ConflictError, PathError, ValidationFailed
from engagecycle.store import Store, read_file
from tests.helpers import store_v1

DATA = Path(__file__).parent / "data"

ROUNDTRIP = """\
# Comment at the top: kept.
schema: 1
framework: {id: engagement-cycle, version: 1}
organisation:
  code: T01
  name: "Testvale ICB"   # trailing comment kept
  type: ICB
  local_ref: ABC-123      # unknown extra field: kept
period: 2024/25
custom_top_level: {anything: [1, 2, 3]}
responses:
  vision.1:
    level: 3
    evidence: "Quotes \\"inside\\", colons: here, unicode – é ’ 你好"
    reviewer_note: kept as written
  vision.2:
    evidence: |-
      First line.
      Second line: with a colon.
    level: 2
  strategy.1: {level: unknown}
actions:
  - {dimension: identify, action: "Run outreach: carers' groups", owner: PPE lead, due: 2025-06-30, status: open}
"""


@pytest.fixture
def store(tmp_path) -> Store:
    return store_v1(tmp_path / "assessments")


def write(store: Store, rel: str, text: str) -> Path:
    p = store.folder / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def test_roundtrip_load_save_keeps_everything(store):
    p = write(store, "T01/2024-25.yaml", ROUNDTRIP)
    a = read_file(p, store.framework, roundtrip=True)
    store.save(a)
    assert p.read_text(encoding="utf-8") == ROUNDTRIP


def test_edit_keeps_unrelated_content_and_order(store):
    p = write(store, "T01/2024-25.yaml", ROUNDTRIP)
    a = read_file(p, store.framework, roundtrip=True)
    a.set_level("vision.1", 4)
    a.set_evidence("roles.1", "New: evidence\nover two lines")
    store.save(a)
    text = p.read_text(encoding="utf-8")
    assert "# Comment at the top: kept." in text
    assert "# trailing comment kept" in text
    assert "local_ref: ABC-123" in text and "custom_top_level" in text
    assert "reviewer_note: kept as written" in text
    assert text.index("vision.2") < text.index("strategy.1") < text.index("roles.1")
    b = read_file(p, store.framework)
    assert b.response("vision.1").level == 4
    assert b.response("vision.2").evidence == "First line.\nSecond line: with a colon."
    assert b.response("roles.1").evidence == "New: evidence\nover two lines"
    assert b.response("vision.1").evidence.endswith("é ’ 你好")


def test_save_keeps_previous_version_as_backup(store):
    p = write(store, "T01/2024-25.yaml", ROUNDTRIP)
    a = read_file(p, store.framework, roundtrip=True)
    a.set_level("vision.1", 1)
    store.save(a)
    backups = list((p.parent / ".history").glob("2024-25.*.yaml"))
    assert len(backups) == 1
    assert backups[0].read_text(encoding="utf-8") == ROUNDTRIP
    # backups are not discovered as assessments
    assert len(store.load_all().assessments) == 1


def test_failure_mid_write_leaves_old_file_intact(store, monkeypatch):
    p = write(store, "T01/2024-25.yaml", ROUNDTRIP)
    a = read_file(p, store.framework, roundtrip=True)
    a.set_level("vision.1", 0)

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(yamlio.os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        store.save(a)
    assert p.read_text(encoding="utf-8") == ROUNDTRIP
    assert read_file(p, store.framework).response("vision.1").level == 3
    leftovers = [f for f in p.parent.iterdir() if f.name.endswith(".tmp")]
    assert leftovers == []


def test_failure_at_rename_leaves_old_file_intact(store, monkeypatch):
    p = write(store, "T01/2024-25.yaml", ROUNDTRIP)
    a = read_file(p, store.framework, roundtrip=True)
    a.set_level("vision.1", 0)
    monkeypatch.setattr(yamlio.os, "replace", lambda *a: (_ for _ in ()).throw(OSError("nope")))
    with pytest.raises(OSError):
        store.save(a)
    assert p.read_text(encoding="utf-8") == ROUNDTRIP


def test_invalid_edit_is_never_written(store):
    p = write(store, "T01/2024-25.yaml", ROUNDTRIP)
    a = read_file(p, store.framework, roundtrip=True)
    a.doc["responses"]["vision.1"]["level"] = 9
    with pytest.raises(ValidationFailed, match="out of range"):
        store.save(a)
    assert p.read_text(encoding="utf-8") == ROUNDTRIP


def test_conflict_when_file_changed_on_disk(store):
    p = write(store, "T01/2024-25.yaml", ROUNDTRIP)
    a = read_file(p, store.framework, roundtrip=True)
    edited = ROUNDTRIP.replace("level: 3", "level: 1")
    p.write_text(edited, encoding="utf-8")  # a colleague saves first
    a.set_level("vision.2", 4)
    with pytest.raises(ConflictError, match="changed by someone else"):
        store.save(a)
    assert p.read_text(encoding="utf-8") == edited
    copy = store.save_copy(a)
    assert copy.exists() and copy.suffix == ".txt"
    assert p.read_text(encoding="utf-8") == edited
    assert len(store.load_all().assessments) == 1  # the copy is not a second assessment


def test_path_for_refuses_escaping_codes(store):
    for code in ("../evil", "..", "a/b", "/etc", "x" * 33, "", "a.b"):
        with pytest.raises(PathError):
            store.path_for(code, "2024/25")
    with pytest.raises(PathError):
        store.path_for("T01", "../../etc")
    p = store.path_for("T01", "2024/25")
    assert p.is_relative_to(store.folder.resolve())
    assert p.name == "2024-25.yaml"


def test_symlinked_org_folder_cannot_escape(store, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    store.folder.mkdir(parents=True)
    os.symlink(outside, store.folder / "T09")
    with pytest.raises(PathError, match="outside"):
        store.path_for("T09", "2024/25")


def test_create_refuses_to_overwrite(store):
    store.create("T01", "2024/25", "Testvale ICB")
    with pytest.raises(PathError, match="already exists"):
        store.create("T01", "2024/25", "Testvale ICB")
    # also when the existing assessment is filed under another name
    other = store_v1(store.folder.parent / "other")
    write(other, "misc/whatever.yaml", ROUNDTRIP)
    with pytest.raises(PathError, match="already exists"):
        other.create("T01", "2024/25", "Testvale ICB")


def test_duplicates_name_both_files(store):
    write(store, "T01/2024-25.yaml", ROUNDTRIP)
    write(store, "misc/copy.yaml", ROUNDTRIP)
    result = store.load_all()
    assert result.assessments == []
    msgs = [str(p) for p in result.problems]
    assert len(msgs) == 2
    for m in msgs:
        assert "T01/2024-25.yaml" in m and "misc/copy.yaml" in m


def test_file_content_is_authoritative(store):
    write(store, "WRONG/1999-00.yaml", ROUNDTRIP)
    (a,) = store.load_all().assessments
    assert a.key == ("T01", "2024/25")


def test_load_all_collects_bad_files_without_failing(store):
    write(store, "T01/2024-25.yaml", ROUNDTRIP)
    shutil.copy(DATA / "bad" / "02-level-too-high.yaml", store.folder / "bad.yaml")
    result = store.load_all()
    assert [a.code for a in result.assessments] == ["T01"]
    assert len(result.invalid_files) == 1


def test_new_and_carry_forward(store):
    prev = store.create("T01", "2023/24", "Testvale ICB")
    prev.set_level("vision.1", 2)
    prev.set_raters("vision.1", {"AB": 1, "CD": 3})
    prev.set_raters("vision.2", {"AB": 1, "CD": 2})
    prev.set_evidence("vision.1", "Old evidence")
    prev.set_flag("vision.1", True)
    prev.set_agreed("vision.1", "Settled on 2")
    prev.set_target("identify", 3)
    prev.add_action("identify", "Keep going", "Lead", date(2024, 6, 30), "open")
    prev.add_action("identify", "Still ahead", "Lead", date(2025, 9, 30), "open")
    prev.add_action("identify", "Finished", "Lead", None, "done")
    store.save(prev)
    new = store.create("T01", "2024/25", "Testvale ICB")
    new.set_level("vision.3", 4)
    n = carry_forward(new, prev, today=date(2025, 4, 10))
    store.save(new)
    b = store.find("T01", "2024/25")
    assert n == 1
    v1 = b.response("vision.1")
    assert v1.level == 2 and v1.carried_over and v1.evidence == "Old evidence"
    # Last year's people and discussion are not this year's: ratings, flag, agreed stay behind.
    assert v1.raters == () and not v1.flag and v1.agreed == ""
    # Only ratings and no agreed level last year: nothing to carry, the room rates afresh.
    assert b.response("vision.2").status == "unanswered"
    assert b.response("vision.3").level == 4 and not b.response("vision.3").carried_over
    assert b.target("identify") == 3
    # Open actions only; a due date already past is cleared, one still ahead is kept.
    assert [(x.action, x.due) for x in b.actions()] == [
        ("Keep going", None),
        ("Still ahead", date(2025, 9, 30)),
    ]
    # Everything copied is marked, so nothing of last year's passes for this year's view.
    assert b.dimension_carried_over("identify")
    assert [x.carried_over for x in b.actions()] == [True, True]
    assert sorted(b.unconfirmed()) == ["vision.1"]


def test_confirm_a_whole_dimension(store):
    prev = store.create("T01", "2023/24", "Testvale ICB")
    for item in ("vision.1", "vision.2", "strategy.1"):
        prev.set_level(item, 2)
    prev.set_target("vision", 3)
    prev.add_action("vision", "Agree a definition", "Lead", None, "open")
    prev.add_action("strategy", "Write the strategy", "Lead", None, "open")
    store.save(prev)
    new = store.create("T01", "2024/25", "Testvale ICB")
    assert carry_forward(new, prev) == 3
    assert new.confirm_dimension("vision") == 2
    store.save(new)
    b = store.find("T01", "2024/25")
    assert b.unconfirmed() == ["strategy.1"]
    assert b.unconfirmed("vision") == []
    assert not b.dimension_carried_over("vision")
    assert [(x.dimension, x.carried_over) for x in b.actions()] == [
        ("vision", False),
        ("strategy", True),
    ]
    assert b.response("vision.1").level == 2  # confirming keeps the answer


def test_agreed_outcome_of_a_discussion_is_kept(store):
    a = store.create("T01", "2024/25", "Testvale ICB")
    a.set_raters("insight.3", {"AB": 1, "CD": 4})
    a.set_flag("insight.3", True)
    a.set_agreed("insight.3", "Settled on 2: the data pack exists but the board does not use it.")
    store.save(a)
    text = a.path.read_text()
    assert (
        "agreed: 'Settled on 2" in text
        or 'agreed: "Settled on 2' in text
        or "agreed: Settled" in text
    )
    b = store.find("T01", "2024/25")
    r = b.response("insight.3")
    assert r.resolved and r.agreed.startswith("Settled on 2")
    b.set_agreed("insight.3", None)
    assert not b.response("insight.3").resolved


def test_save_keeps_file_permissions(store):
    p = write(store, "T01/2024-25.yaml", ROUNDTRIP)
    os.chmod(p, 0o640)
    a = read_file(p, store.framework, roundtrip=True)
    a.set_level("vision.1", 2)
    store.save(a)
    assert (p.stat().st_mode & 0o777) == 0o640
    new = store.create("T02", "2024/25", "New ICB")
    umask = os.umask(0)
    os.umask(umask)
    assert (new.path.stat().st_mode & 0o777) == 0o666 & ~umask
