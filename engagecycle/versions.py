"""Several framework versions side by side, and which one each assessment belongs to.

An assessment records the question bank it was answered with (`framework: {id, version}`), and
is validated and scored against that version for ever: a version 1 file from 2023/24 keeps its
version 1 items and scores after version 2 is released. `Frameworks` is the set of versions a
store knows (every packaged one, unless a caller pins a single version), and says which one an
assessment or a new file should use.

How items relate across versions (which answers carry over, which items are rated afresh)
follows the lineage written in each format 2 file; `kept_ids` walks it across one or more
versions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from .errors import FrameworkError
from .framework import NEW_ASSESSMENT_VERSION, Framework, load_framework
from .framework import packaged_versions as _packaged_versions

__all__ = ["Frameworks", "as_frameworks", "kept_ids", "recorded_version"]


def recorded_version(doc: Any) -> int | None:
    """The framework version a parsed assessment document records, or None if it has none."""
    fw = doc.get("framework") if isinstance(doc, Mapping) else None
    version = fw.get("version") if isinstance(fw, Mapping) else None
    return version if isinstance(version, int) and not isinstance(version, bool) else None


class Frameworks:
    """The framework versions a store validates and scores against, by version number.

    `new_version` is the version a brand-new assessment starts on (see
    `framework.NEW_ASSESSMENT_VERSION`); an organisation whose latest assessment is already on
    a later version stays on it (`for_new`), so its years never go back a version.
    """

    def __init__(self, frameworks: Iterable[Framework], new_version: int | None = None):
        self.by_version: dict[int, Framework] = {}
        for fw in frameworks:
            if fw.version in self.by_version:
                raise ValueError(f"framework version {fw.version} given twice")
            self.by_version[fw.version] = fw
        if not self.by_version:
            raise ValueError("at least one framework version is needed")
        ids = {fw.id for fw in self.by_version.values()}
        if len(ids) != 1:
            raise ValueError(f"framework versions of different frameworks: {sorted(ids)}")
        self.id = ids.pop()
        if new_version is None:
            new_version = (
                NEW_ASSESSMENT_VERSION
                if NEW_ASSESSMENT_VERSION in self.by_version
                else min(self.by_version)
            )
        if new_version not in self.by_version:
            raise ValueError(f"new assessments cannot use version {new_version}: not given")
        self.new_version = new_version

    @classmethod
    def packaged(cls) -> Frameworks:
        """Every version shipped with the package (the same object each time)."""
        return _packaged()

    @classmethod
    def only(cls, framework: Framework) -> Frameworks:
        """A single version: a store or a score pinned to one bank, as before version 2."""
        return cls([framework], framework.version)

    # -- looking up
    @property
    def versions(self) -> tuple[int, ...]:
        return tuple(sorted(self.by_version))

    @property
    def new(self) -> Framework:
        """The framework a new assessment starts on (unless its organisation is further on)."""
        return self.by_version[self.new_version]

    @property
    def newest(self) -> Framework:
        return self.by_version[max(self.by_version)]

    def allowed(self) -> str:
        """The versions known, in words for a message: "1 or 2"."""
        shown = [str(v) for v in self.versions]
        return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]

    def get(self, version: object) -> Framework:
        """The framework of `version`; a clear error naming the versions there are otherwise."""
        if isinstance(version, int) and not isinstance(version, bool):
            fw = self.by_version.get(version)
            if fw is not None:
                return fw
        raise FrameworkError(
            f"framework version {version!r} is not one this tool knows; "
            f"the versions available are {self.allowed()}"
        )

    def for_document(self, doc: Any) -> Framework | None:
        """The framework a document records, or None when it records none this set knows."""
        fw = doc.get("framework") if isinstance(doc, Mapping) else None
        if not isinstance(fw, Mapping) or fw.get("id") != self.id:
            return None
        version = recorded_version(doc)
        return self.by_version.get(version) if version is not None else None

    def for_assessment(self, assessment: Any) -> Framework:
        """The framework an assessment (or document) was answered with.

        With a single version given, a document recording no version uses it, as scoring
        always did; a document recording another version is an error, never scored against
        the wrong items.
        """
        doc = getattr(assessment, "doc", assessment)
        version = recorded_version(doc)
        if version is None and len(self.by_version) == 1:
            return next(iter(self.by_version.values()))
        if version in self.by_version:
            return self.by_version[version]
        who = _describe(doc)
        raise FrameworkError(
            f"{who} records framework version {version!r}, which is not one of the versions "
            f"given ({self.allowed()})"
        )

    def for_new(self, latest_version: int | None = None) -> Framework:
        """The version a new assessment starts on, given the organisation's latest version.

        Never an older version than its latest assessment: year on year would otherwise have
        to compare a later year on an older bank.
        """
        version = self.new_version
        if latest_version is not None and latest_version in self.by_version:
            version = max(version, latest_version)
        return self.by_version[version]

    def __contains__(self, version: object) -> bool:
        return version in self.by_version

    def __repr__(self) -> str:
        return f"Frameworks({self.id}, versions {self.allowed()}, new {self.new_version})"


@lru_cache(maxsize=1)
def _packaged() -> Frameworks:
    return Frameworks(load_framework(version=v) for v in _packaged_versions())


def as_frameworks(value: Framework | Frameworks | None) -> Frameworks:
    """Accept either a single framework (pinned, as callers always passed) or a set."""
    if value is None:
        return Frameworks.packaged()
    if isinstance(value, Frameworks):
        return value
    return Frameworks.only(value)


def _describe(doc: Any) -> str:
    org = doc.get("organisation") if isinstance(doc, Mapping) else None
    code = org.get("code") if isinstance(org, Mapping) else None
    period = doc.get("period") if isinstance(doc, Mapping) else None
    return f"the assessment of {code} {period}" if code else "an assessment"


def kept_ids(new: Framework, old: Framework, frameworks: Frameworks) -> frozenset[str]:
    """Ids of `new`'s items that mean what they meant in `old` (so an old answer still fits).

    Across one version, that is the items whose lineage is same or reworded. Across several
    (version 1 to 3), an item must have kept its meaning at every step. The same version keeps
    every item. Going back a version keeps nothing that can be trusted, so it is refused.
    """
    if new.version == old.version:
        return frozenset(new.items)
    if new.version < old.version:
        raise FrameworkError(
            f"answers cannot be carried from version {old.version} back to version "
            f"{new.version}; start the new assessment on version {old.version}"
        )
    kept = set(new.items)
    current = new
    while current.version > old.version:
        prev = current.previous_version
        if prev is None or prev not in frameworks:
            raise FrameworkError(
                f"version {current.version} has no lineage to version {old.version}"
            )
        kept = {i for i in kept if i in current.items and _carried(current, i)}
        current = frameworks.get(prev)
        kept &= set(current.items)
    if current.version != old.version:
        raise FrameworkError(f"version {new.version} has no lineage to version {old.version}")
    return frozenset(kept)


def _carried(framework: Framework, item_id: str) -> bool:
    lineage = framework.items[item_id].lineage
    return lineage is not None and lineage.carried
