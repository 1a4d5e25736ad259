"""`engagecycle migrate`: move assessment files onto a later version of the question bank.

A team half way through a year on version 1 can move its file to version 2 without losing a
word. The rule is the one `carry_forward` uses between years: an answer stays where its item
keeps its meaning (the same id, lineage same or reworded); every other item of the new version
is marked `afresh: true`, to be rated afresh. Answers to items the new version retired or
merged away are not scored any more, so they move, whole and with their comments, into the
file's `earlier_answers` block, where a person can still read them. Everything else in the
file (comments, fields the tool does not know, targets, notes, actions) is left as it is.

Migrating is idempotent: a file already on the target version is left untouched, byte for
byte. Each file is saved through `Store.save` (validated, atomic, conflict-checked, under the
save lock, with a backup), so a file a workshop is editing at the same moment is never
overwritten: that file fails with a clear message and the others are still migrated.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .assessment import Assessment
from .errors import EngageError, ValidationFailed
from .framework import Framework
from .store import Store, display_path, find_files, read_file
from .versions import Frameworks, kept_ids

EARLIER = "earlier_answers"
PREVIEW = 8  # item ids named in a message before "and N more"


@dataclass
class Migration:
    """What migrating one assessment changes (or would change, in a dry run)."""

    from_version: int
    to_version: int
    kept: list[str] = field(default_factory=list)  # answers left in place: same meaning
    moved: list[str] = field(default_factory=list)  # answers moved to earlier_answers
    afresh: list[str] = field(default_factory=list)  # items marked to rate afresh
    blank: int = 0  # ids listed with no answer that the new version no longer has
    before: tuple[float | None, int, int] = (None, 0, 0)  # overall score, answered, items
    after: tuple[float | None, int, int] = (None, 0, 0)

    @property
    def changed(self) -> bool:
        return self.from_version != self.to_version

    def lines(self, dry_run: bool) -> list[str]:
        """The change in words, for the person running the command."""
        if not self.changed:
            return [f"already on version {self.to_version}: nothing to change"]
        would = "would be " if dry_run else ""
        out = [
            f"version {self.from_version} to {self.to_version}: {len(self.kept)} answer(s) "
            f"{'would stay' if dry_run else 'stay'} where they are (same meaning)"
        ]
        if self.moved:
            out.append(
                f"{len(self.moved)} answer(s) to items version {self.to_version} retired or "
                f"merged {would}moved to {EARLIER} (kept, not scored): {_ids(self.moved)}"
            )
        if self.afresh:
            out.append(
                f"{len(self.afresh)} item(s) new or changed in version {self.to_version} "
                f"{would}marked to rate afresh"
            )
        out.append(f"overall score {_score(self.before)} before, {_score(self.after)} after")
        return out


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:PREVIEW])
    return shown + (f" and {len(ids) - PREVIEW} more" if len(ids) > PREVIEW else "")


def _score(summary: tuple[float | None, int, int]) -> str:
    score, answered, items = summary
    shown = "no score" if score is None else f"{score:.1f}"
    return f"{shown} ({answered} of {items} items answered)"


def _overall(assessment: Assessment, frameworks: Frameworks) -> tuple[float | None, int, int]:
    from .scoring import score_table

    table = score_table([assessment], frameworks)
    row = table[table["dimension"].eq("overall")].iloc[0]
    score = None if row["score"] != row["score"] else float(row["score"])
    return score, int(row["answered"]), int(row["items"])


def migrate_assessment(
    assessment: Assessment,
    frameworks: Frameworks,
    target: Framework | None = None,
    *,
    today: date | None = None,
) -> Migration:
    """Move one assessment (in memory) onto `target` (default: the newest version known).

    Changes `assessment.doc` in place and returns what changed; nothing is written here.
    Raises EngageError for a file on a later version than the target.
    """
    target = target or frameworks.newest
    source = frameworks.for_assessment(assessment)
    m = Migration(source.version, target.version)
    if source.version == target.version:
        return m
    if source.version > target.version:
        raise EngageError(
            f"the file is on version {source.version}, later than version {target.version}; "
            "a file is never moved back a version"
        )
    keep = kept_ids(target, source, frameworks)
    m.before = _overall(assessment, frameworks)
    doc = assessment.doc
    responses = doc.get("responses")
    if responses is None:
        responses = CommentedMap()
        doc["responses"] = responses
    statements = _listing_comments(responses, source)
    moved = CommentedMap()
    for item_id in list(responses):
        if item_id in keep:
            if item_id in statements:
                _reword(responses, item_id, statements[item_id], target.items[item_id].statement)
            if responses[item_id]:
                m.kept.append(item_id)
            continue
        entry = responses.pop(item_id)
        comment = _comments(responses).pop(item_id, None)
        if not entry:
            m.blank += 1  # an id listed for a text editor, never answered: nothing to keep
            continue
        moved[item_id] = entry
        if comment is not None:
            moved.ca.items[item_id] = comment
        m.moved.append(item_id)
    fw = doc["framework"]
    fw["version"] = target.version
    for item in target.items.values():
        if item.id not in keep and assessment.response(item.id).status == "unanswered":
            assessment.set_afresh(item.id, True)
            m.afresh.append(item.id)
            if statements:  # a file made for a text editor: say what the new item asks
                responses.yaml_add_eol_comment(item.statement, item.id, column=16)
    for item_id in target.items:  # the new version's order, as `engagecycle new` lists them
        if item_id in responses:
            if hasattr(responses, "move_to_end"):
                responses.move_to_end(item_id)  # keeps the comments that belong to it
            else:
                responses[item_id] = responses.pop(item_id)
    if moved:
        block = CommentedMap()
        block["version"] = source.version
        block["migrated_on"] = today or date.today()
        block["responses"] = moved
        earlier = doc.get(EARLIER)
        if earlier is None:
            earlier = CommentedSeq()
            doc[EARLIER] = earlier
            if isinstance(doc, CommentedMap):
                doc.yaml_set_comment_before_after_key(
                    EARLIER,
                    before="Answers to items that a later version of the question bank "
                    "retired or merged.\nKept by 'engagecycle migrate' so nothing is lost; "
                    "they are not scored.",
                )
        earlier.append(block)
    m.after = _overall(assessment, frameworks)
    return m


def _listing_comments(responses: CommentedMap, source: Framework) -> dict[str, str]:
    """Ids whose end-of-line comment is their statement, as `engagecycle new` writes them.

    Those comments are the tool's, not a person's, so they follow the new version's wording;
    any other comment is left exactly as it was. Returns id -> the old statement.
    """
    out = {}
    for item_id, slots in _comments(responses).items():
        token = slots[2] if len(slots) > 2 else None
        item = source.items.get(item_id)
        said = token.value.strip().lstrip("#").strip() if token is not None else None
        if item is not None and said == item.statement:
            out[item_id] = item.statement
    return out


def _comments(mapping: object) -> dict:
    """The end-of-line comments of a round-trip mapping by key; none for a plain one."""
    ca = getattr(mapping, "ca", None)
    return ca.items if ca is not None else {}


def _reword(responses: CommentedMap, item_id: str, old: str, new: str) -> None:
    """Put the new version's statement in place of the old one in an id's own comment."""
    token = responses.ca.items[item_id][2]
    token.value = token.value.replace(old, new)


# ----------------------------------------------------------------- files


@dataclass
class Outcome:
    migrated: int = 0
    already: int = 0
    failed: int = 0


def migrate_files(
    paths: list[Path],
    store: Store,
    *,
    target: Framework | None = None,
    dry_run: bool = False,
    today: date | None = None,
    say: Callable[[str], None] = print,
    warn: Callable[[str], None] = lambda text: print(text, file=sys.stderr),
) -> Outcome:
    """Migrate every assessment file under `paths`, one at a time; a failure stops only its file."""
    outcome = Outcome()
    files: list[Path] = []
    for p in paths:
        try:
            files += find_files([p])
        except EngageError as exc:
            warn(f"{exc}")
            outcome.failed += 1
    for path in files:
        shown = display_path(path)
        try:
            a = read_file(path, store.frameworks, roundtrip=True)
            m = migrate_assessment(a, store.frameworks, target, today=today)
            if m.changed and not dry_run:
                store.save(a)
        except ValidationFailed as exc:
            warn(f"{shown}: not migrated: the file has problems; fix them first:")
            for problem in exc.problems:
                warn(f"  {problem}")
            outcome.failed += 1
            continue
        except (EngageError, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            warn(f"{shown}: not migrated: {reason}")
            outcome.failed += 1
            continue
        lines = m.lines(dry_run)
        say(f"{shown}: {lines[0]}")
        for line in lines[1:]:
            say(f"  {line}")
        if m.changed:
            outcome.migrated += 1
        else:
            outcome.already += 1
    return outcome


# ----------------------------------------------------------------- command line


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "migrate",
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="move assessment files onto a later version of the question bank",
        description="Move assessment files onto a later version of the question bank (default:\n"
        "the newest). Answers stay where the item keeps its meaning; answers to retired or\n"
        f"merged items move to '{EARLIER}' in the same file (kept, not scored); every other\n"
        "item is marked to rate afresh. Comments and other fields are kept. A file already on\n"
        "the version is left untouched. Exits 1 if any file could not be migrated (the\n"
        "others still are).",
        epilog="examples:\n  engagecycle migrate assessments/X01/2025-26.yaml --dry-run\n"
        "  engagecycle migrate assessments/X01/2025-26.yaml assessments/X02/2025-26.yaml\n"
        "  engagecycle migrate assessments/ --to 2",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="FILE", help="files or folders")
    p.add_argument(
        "--to", type=int, metavar="N", help="the version to move to (default: the newest)"
    )
    p.add_argument("--dry-run", action="store_true", help="say what would change and write nothing")
    p.set_defaults(func=cmd_migrate)


def cmd_migrate(args: argparse.Namespace) -> int:
    store = Store(args.assessments)
    target = store.frameworks.get(args.to) if args.to is not None else None
    outcome = migrate_files(args.paths, store, target=target, dry_run=args.dry_run)
    done = "would be migrated" if args.dry_run else "migrated"
    parts = [f"{outcome.migrated} file(s) {done}"]
    if outcome.already:
        parts.append(f"{outcome.already} already on the version")
    if outcome.failed:
        parts.append(f"{outcome.failed} could not be migrated")
    print("; ".join(parts) + "." + (" Dry run: nothing was written." if args.dry_run else ""))
    return 1 if outcome.failed else 0
