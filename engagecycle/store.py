"""Finding, loading and saving assessment files under one folder.

The store is the only code that touches assessment files, so the rules that protect answers
live in one place: atomic replacement with a backup, refusing to overwrite a file that
changed on disk since it was read, and never letting an organisation code build a path
outside the folder.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .assessment import (
    Assessment,
    check_code,
    check_period,
    file_stamp,
    mark_afresh,
    new_document,
    normalise_code,
    normalise_period,
    period_slug,
    period_start,
    validate_document,
)
from .errors import ConflictError, PathError, Problem, ValidationFailed
from .filelock import Lock, locked
from .framework import Framework
from .limits import MAX_FILE_BYTES, mib
from .versions import Frameworks
from .yamlguard import check_events
from .yamlio import (
    HISTORY_DIR,
    YamlSyntaxError,
    atomic_write_text,
    dump,
    load_plain,
    load_roundtrip,
)

DEFAULT_FOLDER = Path("assessments")
SUFFIXES = (".yaml", ".yml")
LINE_LOOKUP_CHARS = 2**20  # files larger than this get messages without line numbers


@dataclass
class LoadResult:
    """Everything found under a folder: the valid assessments and every problem."""

    assessments: list[Assessment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    @property
    def invalid_files(self) -> list[str]:
        return sorted({p.file for p in self.problems})

    def periods(self) -> list[str]:
        return sorted({a.period for a in self.assessments}, key=period_start)

    def latest_period(self) -> str | None:
        periods = self.periods()
        return periods[-1] if periods else None


def display_path(path: Path) -> str:
    """Paths in messages are relative to the working folder when possible: shorter to read."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def find_files(paths: list[Path]) -> list[Path]:
    """Every YAML file under the given files or folders, skipping hidden folders (backups)."""
    out: list[Path] = []
    for p in paths:
        if p.is_file():
            out.append(p)
        elif p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if (
                    f.suffix in SUFFIXES
                    and f.is_file()
                    and not any(part.startswith(".") for part in rel.parts)
                ):
                    out.append(f)
        else:
            raise PathError(f"{p}: no such file or folder")
    return out


def read_file(
    path: Path, framework: Framework | Frameworks, *, roundtrip: bool = False
) -> Assessment:
    """Load and validate one file; raise ValidationFailed listing every problem in it.

    `framework` is the set of versions the file may be on (a `Frameworks`), or one framework
    it must be on.

    One path decides for every command, so `validate`, `score`, the batch, the workshop and
    the import can never disagree about a file: size limit, UTF-8, the event check (see
    `yamlguard`), the C safe loader, then `validate_document`. The round-trip loader is
    used only afterwards: to find line numbers for the messages, and (`roundtrip=True`) to
    give the workshop and the import a document that keeps comments when saved.
    """
    shown = display_path(path)
    data = _read_bytes(path, shown)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            [Problem(shown, "", f"not UTF-8 text (byte {exc.start})", has_value=False)]
        ) from None
    problems = check_events(text, shown)
    if problems:
        raise ValidationFailed(problems)
    doc = _load(load_plain, text, shown)
    problems = validate_document(doc, framework, shown)
    if problems:
        raise ValidationFailed(_with_lines(problems, text, framework, shown))
    if roundtrip:
        doc = _load(load_roundtrip, text, shown)
        problems = validate_document(doc, framework, shown)
        if problems:  # the loaders disagree: never hand out a document the checks doubt
            raise ValidationFailed(problems)
    return Assessment(doc, path, file_stamp(data))


def _read_bytes(path: Path, shown: str) -> bytes:
    """The file's bytes, refusing an oversized file before reading it (and while reading)."""
    limit = MAX_FILE_BYTES
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            data = fh.read(limit + 1) if size <= limit else b""
    except OSError as exc:
        raise ValidationFailed(
            [Problem(shown, "", f"cannot read the file: {exc.strerror}", has_value=False)]
        ) from None
    if size > limit or len(data) > limit:
        size = max(size, len(data))
        raise ValidationFailed(
            [
                Problem(
                    shown,
                    "",
                    f"the file is {size / 2**20:.1f} MB; an assessment file may be at most "
                    f"{mib(limit)} (is it really an assessment?)",
                    has_value=False,
                )
            ]
        )
    return data


def _load(loader, text: str, shown: str) -> Any:
    try:
        return loader(text)
    except YamlSyntaxError as exc:
        problem = Problem(shown, "", f"not valid YAML: {exc}", line=exc.line, has_value=False)
    except (ValueError, OverflowError, TypeError, RecursionError, MemoryError) as exc:
        # The event check should have caught anything that gets here; still a refusal, never
        # a crash that stops the other files being read.
        problem = Problem(shown, "", f"cannot be read: {exc}", has_value=False)
    raise ValidationFailed([problem])


def _with_lines(
    problems: list[Problem], text: str, framework: Framework | Frameworks, shown: str
) -> list[Problem]:
    """The same problems with line numbers, found by reading the file again keeping them.

    The decision is already made by the fast path; this is a courtesy for the person fixing
    the file, so it is skipped for very large files and whenever the two reads disagree.
    """
    if len(text) > LINE_LOOKUP_CHARS:
        return problems
    try:
        again = validate_document(load_roundtrip(text), framework, shown)
    except Exception:  # line numbers are a courtesy, never a second failure
        return problems
    same = [(p.where, p.message) for p in again] == [(p.where, p.message) for p in problems]
    return again if same else problems


def settle_duplicates(by_key: dict[tuple[str, str], list[Assessment]], result: LoadResult) -> None:
    """Move the assessments found into `result`, one per organisation and period.

    Two files for the same organisation and period are an error naming both, and neither is
    used: the tool cannot know which one the team meant.
    """
    for (code, period), found in by_key.items():
        if len(found) == 1:
            result.assessments.append(found[0])
            continue
        names = " and ".join(display_path(a.path) for a in found)
        for a in found:
            result.problems.append(
                Problem(
                    display_path(a.path),
                    "organisation.code/period",
                    f"{code} {period} is assessed in more than one file ({names}); "
                    "keep one and move or delete the other",
                    has_value=False,
                )
            )
    result.assessments.sort(key=lambda a: (a.code, period_start(a.period)))


class Store:
    """Assessment files under one folder, laid out as <folder>/<CODE>/<YYYY-YY>.yaml.

    By default the store knows every packaged framework version and checks each file against
    the version it records (`frameworks`, `framework_for`). Given one `framework`, it is pinned
    to that version: any other is refused, as before there were several (the reports read
    version 1 only until they learn version 2). `framework` is the version new assessments
    start on.
    """

    def __init__(
        self,
        folder: str | Path = DEFAULT_FOLDER,
        framework: Framework | None = None,
        *,
        frameworks: Frameworks | None = None,
    ):
        self.folder = Path(folder)
        if frameworks is None:
            frameworks = Frameworks.only(framework) if framework else Frameworks.packaged()
        self.frameworks: Frameworks = frameworks
        self.framework: Framework = framework or frameworks.new

    def framework_for(self, assessment: Assessment) -> Framework:
        """The version an assessment was answered with, which it is edited and scored in."""
        return self.frameworks.for_assessment(assessment)

    def framework_for_new(self, code: str, period: str) -> Framework:
        """The version a new assessment of `code` for `period` starts on.

        The default for new assessments, unless the organisation's latest earlier assessment
        is on a later version: a new year never goes back a version.
        """
        if len(self.frameworks.versions) == 1:
            return self.framework
        earlier = self.latest_before(code, period)
        fw = self.frameworks.for_new(earlier.framework_version if earlier else None)
        return fw if fw.version > self.framework.version else self.framework

    def latest_before(self, code: str, period: str) -> Assessment | None:
        """The organisation's most recent valid assessment before `period`, if any."""
        if not self.folder.is_dir():
            return None
        start = period_start(normalise_period(period))
        earlier = [a for a in self.history(normalise_code(code)) if period_start(a.period) < start]
        return earlier[-1] if earlier else None

    # -- paths
    def path_for(self, code: str, period: str) -> Path:
        """Where a new assessment for (code, period) goes; never outside the folder."""
        why = check_code(code)
        if why:
            raise PathError(f"organisation code {code!r} {why}")
        why = check_period(period)
        if why:
            raise PathError(f"period {period!r} {why}")
        root = self.folder.resolve()
        path = (root / code / f"{period_slug(period)}.yaml").resolve()
        if not path.is_relative_to(root):
            raise PathError(f"organisation code {code!r} would write outside {self.folder}")
        return path

    # -- loading
    def load_all(self, paths: list[Path] | None = None, *, roundtrip: bool = False) -> LoadResult:
        """Load every file; invalid files and duplicates become problems, never exceptions."""
        if paths is None and not self.folder.is_dir():
            raise PathError(f"assessments folder not found: {self.folder}")
        files = find_files(paths or [self.folder])
        result = LoadResult(files=len(files))
        by_key: dict[tuple[str, str], list[Assessment]] = defaultdict(list)
        for f in files:
            try:
                a = read_file(f, self.frameworks, roundtrip=roundtrip)
            except ValidationFailed as exc:
                result.problems.extend(exc.problems)
                continue
            by_key[a.key].append(a)
        settle_duplicates(by_key, result)
        return result

    def find(self, code: str, period: str, *, roundtrip: bool = True) -> Assessment | None:
        """The assessment for (code, period), wherever it is filed; None if there is none.

        Raises ValidationFailed if the file is invalid or duplicated: the caller must not
        create a second file or overwrite a broken one.
        """
        code, period = normalise_code(code), normalise_period(period)
        result = self.load_all(roundtrip=False) if self.folder.is_dir() else LoadResult()
        for p in result.problems:
            if _mentions(p, code, period, self.folder):
                raise ValidationFailed([q for q in result.problems if q.file == p.file])
        for a in result.assessments:
            if a.key == (code, period):
                return read_file(a.path, self.frameworks, roundtrip=roundtrip) if roundtrip else a
        return None

    def history(self, code: str) -> list[Assessment]:
        """Every valid assessment of one organisation, oldest first."""
        return [a for a in self.load_all().assessments if a.code == code]

    # -- saving
    def create(
        self,
        code: str,
        period: str,
        name: str,
        org_type: str = "ICB",
        peer_group: str | None = None,
        *,
        framework: Framework | None = None,
    ) -> Assessment:
        """A new, empty assessment file, on `framework` (default: `framework_for_new`)."""
        code, period = normalise_code(code), normalise_period(period)
        path = self.path_for(code, period)
        existing = self.find(code, period, roundtrip=False)
        if existing is not None:
            raise PathError(
                f"{code} {period} already exists in {display_path(existing.path)}; "
                "open it instead of creating a new one"
            )
        if framework is None:
            framework = self.framework_for_new(code, period)
        elif framework.version not in self.frameworks:
            raise PathError(
                f"framework version {framework.version} is not one this store knows "
                f"({self.frameworks.allowed()})"
            )
        doc = new_document(framework, code, period, name, org_type, peer_group)
        a = Assessment(doc, path)
        earlier = self.latest_before(code, period)
        if earlier is not None and (earlier.framework_version or 0) < framework.version:
            # Items the organisation has not been asked before are marked to rate afresh.
            mark_afresh(a, earlier, frameworks=self.frameworks)
        self._write(a, path, new=True)
        return a

    def save(
        self, assessment: Assessment, *, check_conflict: bool = True, backup: bool = True
    ) -> Path:
        """Validate, then atomically write; refuse if the file changed since it was read.

        `backup=False` skips the `.history/` copy: the workshop form saves every second while
        people type and keeps its own, sparser backups so the history is not flooded.
        """
        path = assessment.path or self.path_for(assessment.code, assessment.period)
        return self._write(assessment, path, check_conflict=check_conflict, backup=backup)

    def _write(
        self,
        assessment: Assessment,
        path: Path,
        *,
        new: bool = False,
        check_conflict: bool = True,
        backup: bool = True,
    ) -> Path:
        """Validate, then check and replace under the file's lock (see `filelock`).

        The lock is held from reading the file's current bytes to the rename, so two saves
        can never both pass the conflict check: the second one sees the first one's file.
        """
        shown = display_path(path)
        problems = _validate(assessment, self.frameworks, shown)
        if problems:
            raise ValidationFailed(problems)
        text = dump(assessment.doc)
        path.parent.mkdir(parents=True, exist_ok=True)
        with locked(path) as lock:
            if new and path.exists():
                raise PathError(f"{shown} already exists; refusing to overwrite it")
            if check_conflict and not new and path.exists():
                current = file_stamp(path.read_bytes())
                if assessment.stamp is not None and current != assessment.stamp:
                    raise ConflictError(
                        f"{shown} was changed by someone else since it was opened; "
                        "reload it, or save your version as a copy"
                    )
                if assessment.stamp is None:
                    raise ConflictError(f"{shown} already exists; refusing to overwrite it")
            atomic_write_text(
                path, text, backup=backup, before_replace=lambda: _check_held(lock, shown)
            )
        assessment.path = path
        assessment.stamp = file_stamp(text.encode("utf-8"))
        return path

    def save_copy(self, assessment: Assessment) -> Path:
        """Write the in-memory version beside the original without touching it.

        Used when the file changed on disk under an open form. The `.txt` suffix keeps the
        copy out of discovery, so it can never become a duplicate assessment.
        """
        base = assessment.path or self.path_for(assessment.code, assessment.period)
        text = dump(assessment.doc)
        base.parent.mkdir(parents=True, exist_ok=True)
        with locked(base):  # two copies saved at once must not pick the same name
            n = 1
            while True:
                candidate = base.with_name(f"{base.stem}.conflict-{n}.txt")
                if not candidate.exists():
                    break
                n += 1
            atomic_write_text(candidate, text, backup=False)
        return candidate


def _check_held(lock: Lock, shown: str) -> None:
    """Last check before the rename: a save that stalled past the stale limit lost its lock."""
    if not lock.still_held():
        raise ConflictError(
            f"{shown} was not saved: the save took so long that its lock was taken over by "
            "another save; reload the file and make the change again"
        )


def _validate(assessment: Assessment, frameworks: Frameworks, shown: str) -> list[Problem]:
    return validate_document(assessment.doc, frameworks, shown)


def _mentions(problem: Problem, code: str, period: str, folder: Path) -> bool:
    """Does an invalid file look like it belongs to (code, period)? Judged by its path."""
    p = Path(problem.file)
    return p.parent.name == code and p.stem == period_slug(period)


__all__ = ["Store", "LoadResult", "read_file", "find_files", "display_path", "HISTORY_DIR"]
