"""The bad-file corpus: each file has one known fault and must produce one clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from engagecycle.errors import ValidationFailed
from engagecycle.framework import load_framework
from engagecycle.store import read_file

DATA = Path(__file__).parent / "data"
FW = load_framework()

# file stem -> (where, words in the message, line or None)
EXPECTED = {
    "01-unknown-item": ("responses.vision.99", "unknown item id", 14),
    "02-level-too-high": ("vision.1.level", "out of range", 11),
    "03-level-negative": ("vision.1.level", "out of range", 11),
    "04-level-as-word": ("vision.1.level", "not a level", 11),
    "05-level-name-disagrees": ("vision.1.level", "not a level", 11),
    "06-level-decimal": ("vision.1.level", "whole number", 11),
    "07-level-boolean": ("vision.1.level", "not a level", 11),
    "08-rater-out-of-range": ("vision.1.raters", "not a level 0-4", 11),
    "09-period-format": ("period", "must look like 2024/25", 5),
    "10-period-not-consecutive": ("period", "consecutive", 5),
    "11-code-bad-characters": ("organisation.code", "letters, digits", 4),
    "12-code-too-long": ("organisation.code", "1-32", 4),
    "13-code-number": ("organisation.code", "must be text", 4),
    "14-framework-id": ("framework.id", "different framework", 3),
    "15-framework-version": ("framework.version", "does not match", 3),
    "16-malformed-yaml": ("", "not valid YAML", 13),
    "17-bad-action-status": ("actions[1].status", "unknown status", 17),
    "18-bad-due-date": ("actions[1].due", "not a date", 17),
    "19-unknown-dimension-target": ("dimensions.identifying", "unknown dimension id", 15),
    "20-target-out-of-range": ("dimensions.identify.target", "not a level", 15),
    "21-bad-org-type": ("organisation.type", "unknown organisation type", 4),
    "22-missing-name": ("organisation.name", "non-empty text", None),
    "23-schema-version": ("schema", "unsupported schema", 2),
    "24-flag-not-boolean": ("strategy.1.flag", "true or false", 13),
    "25-duplicate-key": ("", "duplicate key", 13),
    "26-answer-not-mapping": ("strategy.1", "must be a mapping", 13),
    "27-action-unknown-dimension": ("actions[1].dimension", "unknown dimension", 17),
    "28-evidence-not-text": ("strategy.1.evidence", "must be text", 13),
    "29-share-evidence-not-bool": ("share_evidence", "true or false", 9),
    "30-empty": ("", "empty", None),
    "31-not-a-mapping": ("", "must be a mapping", None),
}


def test_good_file_is_valid():
    a = read_file(DATA / "good.yaml", FW, roundtrip=True)
    assert a.code == "T01" and a.period == "2024/25"


def test_corpus_is_complete():
    files = {p.stem for p in (DATA / "bad").glob("*.yaml")}
    assert set(EXPECTED) <= files
    assert len(EXPECTED) >= 20


@pytest.mark.parametrize("stem", sorted(EXPECTED))
@pytest.mark.parametrize("roundtrip", [True, False], ids=["roundtrip", "fast"])
def test_each_bad_file_gives_its_message(stem, roundtrip):
    where, words, line = EXPECTED[stem]
    path = DATA / "bad" / f"{stem}.yaml"
    with pytest.raises(ValidationFailed) as info:
        read_file(path, FW, roundtrip=roundtrip)
    problems = info.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    p = problems[0]
    assert p.where == where
    assert words in p.message
    assert p.file.endswith(f"{stem}.yaml")
    if roundtrip and line is not None:
        assert p.line == line
    text = str(p)
    assert f"{stem}.yaml" in text and words in text


def test_every_fault_in_one_file_is_reported():
    with pytest.raises(ValidationFailed) as info:
        read_file(DATA / "bad" / "32-several-faults.yaml", FW, roundtrip=True)
    wheres = [p.where for p in info.value.problems]
    assert wheres == [
        "period",
        "vision.1.level",
        "responses.governance.42",
        "actions[1].status",
    ]
    msg = str(info.value)
    assert "governance.4?" in msg  # a close match is suggested
    assert "allowed: open, done, dropped" in msg


def test_unsafe_yaml_tags_are_refused(tmp_path):
    bad = tmp_path / "evil.yaml"
    bad.write_text("!!python/object/apply:os.system ['echo pwned > /tmp/pwned']\n")
    for rt in (True, False):
        with pytest.raises(ValidationFailed) as info:
            read_file(bad, FW, roundtrip=rt)
        assert "the YAML tag !!python/object/apply:os.system is not allowed" in str(info.value)
    assert not Path("/tmp/pwned").exists()


def test_not_utf8(tmp_path):
    f = tmp_path / "latin.yaml"
    f.write_bytes("organisation: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ValidationFailed, match="not UTF-8"):
        read_file(f, FW)


@pytest.mark.parametrize(
    ("written", "level"),
    [
        ("N/A", "n/a"),
        ("n/a", "n/a"),
        ("Not applicable", "n/a"),
        ("Don't know", "unknown"),
        ("DON’T KNOW", "unknown"),
        ("unknown", "unknown"),
        ("3", 3),
        ("Developing", 2),
        ("2 Developing", 2),
        ("2 - developing", 2),
        ("0 Not started", 0),
    ],
)
def test_levels_accept_the_labels_people_see(tmp_path, written, level):
    text = (DATA / "good.yaml").read_text()
    text = text.replace("vision.2: {level: n/a}", f'vision.2: {{level: "{written}"}}')
    assert f'"{written}"' in text
    f = tmp_path / "labels.yaml"
    f.write_text(text, encoding="utf-8")
    for rt in (True, False):
        a = read_file(f, FW, roundtrip=rt)
        assert a.response("vision.2").level == level


def test_labels_score_the_same_as_canonical_levels(tmp_path):
    from engagecycle.scoring import item_table

    text = (DATA / "good.yaml").read_text()
    canonical = read_file(DATA / "good.yaml", FW)
    f = tmp_path / "labels.yaml"
    f.write_text(
        text.replace("vision.2: {level: n/a}", 'vision.2: {level: "N/A"}').replace(
            "strategy.1: {level: unknown}", "strategy.1: {level: Don't know}"
        ),
        encoding="utf-8",
    )
    labelled = read_file(f, FW)
    cols = ["item", "status", "value", "level_recorded"]
    a = item_table([canonical], FW)[cols]
    b = item_table([labelled], FW)[cols]
    assert a.equals(b)


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ("strategy.1: {level: unknown}", "strategy.1: {level: 2, agreed: 3}", "strategy.1.agreed"),
        (
            "identify: {target: 3,",
            "identify: {carried_over: maybe, target: 3,",
            "dimensions.identify.carried_over",
        ),
        ("status: open}", "status: open, carried_over: 1}", "actions[1].carried_over"),
    ],
)
def test_new_fields_are_checked(tmp_path, old, new, where):
    text = (DATA / "good.yaml").read_text()
    assert old in text
    f = tmp_path / "new-fields.yaml"
    f.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(ValidationFailed) as info:
        read_file(f, FW, roundtrip=True)
    assert [p.where for p in info.value.problems] == [where]
