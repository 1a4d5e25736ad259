"""The fields a format 2 framework file adds, parsed into typed values.

Format 2 (framework version 2 on) adds what a board, a regulator or next year's team needs to
trust an answer: one rating scale written once, what each item counts, the evidence for each
level, tags to the national principles, the duty to involve and the older assessment domains,
a glossary, and the lineage of each item. Kept apart from `framework` so that the format 1
loader stays as it was and each module has one job. Every check appends a `Problem` rather
than stopping, so someone editing the file sees every mistake in one go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from .errors import Problem
from .levels import LEVELS

ITEM_ID = re.compile(r"^([a-z-]+)\.([1-9][0-9]*)$")
# same: the statement is word for word the previous version's; reworded: new words, same
# meaning. Both keep the id, so last year's answer is carried over. split, merged and new items
# take new ids, because their meaning differs from anything answered before.
LINEAGE_KINDS = ("same", "reworded", "split", "merged", "new")
CARRIED_KINDS = ("same", "reworded")
TOP_KEYS = frozenset(
    {
        "id",
        "version",
        "format",
        "title",
        "previous_version",
        "scale",
        "principles",
        "duty",
        "domains",
        "glossary",
        "dimensions",
        "retired",
    }
)
DIMENSION_KEYS = frozenset({"id", "kind", "title", "short", "purpose", "items"})
ITEM_KEYS = frozenset(
    {
        "id",
        "statement",
        "count",
        "help",
        "levels",
        "weight",
        "handover_from",
        "returns_from",
        "principles",
        "duty",
        "domains",
        "lineage",
    }
)


@dataclass(frozen=True)
class Lineage:
    """Where an item came from in the previous version."""

    kind: str  # one of LINEAGE_KINDS
    sources: tuple[str, ...]  # previous-version item ids; empty for "new"

    @property
    def carried(self) -> bool:
        """True when a previous answer is still a fair answer (same meaning, same id)."""
        return self.kind in CARRIED_KINDS


@dataclass(frozen=True)
class ScaleLevel:
    name: str
    means: str


@dataclass(frozen=True)
class Scale:
    """The one rating scale, written once so that every item is read against the same rule."""

    period: str
    rule: str
    levels: dict[int, ScaleLevel]


@dataclass(frozen=True)
class Header:
    """The file-level format 2 fields; items' tags are checked against these lists."""

    scale: Scale | None = None
    principles: dict[int, str] = field(default_factory=dict)
    duty: dict[str, str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)
    glossary: dict[str, str] = field(default_factory=dict)
    retired: dict[str, str] = field(default_factory=dict)
    previous_version: int | None = None


def is_int(value: object) -> TypeGuard[int]:
    """A whole number written as one (YAML's true and false are bools, which Python counts
    as ints)."""
    return isinstance(value, int) and not isinstance(value, bool)


def text(raw: dict, key: str, where: str, problems: list[Problem], src: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(src, f"{where}.{key}", "must be non-empty text", value, "text"))
        return ""
    return value.strip()


def unknown_keys(
    raw: dict, allowed: frozenset[str], where: str, src: str, problems: list[Problem]
) -> None:
    """Name misspelt fields: a tag under a wrong key would otherwise vanish without a word."""
    for key in sorted(str(k) for k in raw if k not in allowed):
        at = f"{where}.{key}" if where else key
        problems.append(
            Problem(src, at, "unknown field", None, ", ".join(sorted(allowed)), has_value=False)
        )


def _levels_mapping(value: object) -> TypeGuard[dict[Any, Any]]:
    return isinstance(value, dict) and len(value) == len(LEVELS) and all(k in value for k in LEVELS)


def parse_header(raw: dict, version: object, src: str, problems: list[Problem]) -> Header:
    unknown_keys(raw, TOP_KEYS, "", src, problems)
    previous = raw.get("previous_version")
    if not is_int(previous) or previous < 1 or (is_int(version) and previous >= version):
        allowed = "a whole number below version"
        problems.append(Problem(src, "previous_version", "bad previous version", previous, allowed))
        previous = None
    return Header(
        scale=_scale(raw, src, problems),
        principles=_labels(raw, "principles", src, problems, numbered=True),
        duty=_labels(raw, "duty", src, problems, numbered=False),
        domains=_labels(raw, "domains", src, problems, numbered=False),
        glossary=_glossary(raw, src, problems),
        retired=_retired(raw, src, problems),
        previous_version=previous,
    )


def _scale(raw: dict, src: str, problems: list[Problem]) -> Scale | None:
    scale = raw.get("scale")
    if not isinstance(scale, dict):
        problems.append(
            Problem(src, "scale", "must be a mapping of period, rule and levels", scale)
        )
        return None
    period = text(scale, "period", "scale", problems, src)
    rule = text(scale, "rule", "scale", problems, src)
    lv = scale.get("levels")
    if not _levels_mapping(lv):
        problems.append(Problem(src, "scale.levels", "must describe levels 0 to 4", lv, "0-4"))
        return None
    levels: dict[int, ScaleLevel] = {}
    for n in LEVELS:
        entry, where = lv[n], f"scale.levels.{n}"
        if not isinstance(entry, dict):
            problems.append(Problem(src, where, "must be a mapping of name and means", entry))
            continue
        name = text(entry, "name", where, problems, src)
        if name and name != LEVELS[n]:
            # Reports, bands and colours are keyed on the contract names (design §4).
            problems.append(Problem(src, f"{where}.name", "level name differs", name, LEVELS[n]))
        levels[n] = ScaleLevel(name=name, means=text(entry, "means", where, problems, src))
    return Scale(period=period, rule=rule, levels=levels)


def _labels(raw: dict, key: str, src: str, problems: list[Problem], numbered: bool) -> dict:
    """A top-level mapping of tag to label: principles (numbered), duty limbs, domains."""
    value = raw.get(key)
    if not isinstance(value, dict) or not value:
        problems.append(Problem(src, key, "must be a non-empty mapping of tag to label", value))
        return {}
    out: dict = {}
    for tag, label in value.items():
        good_tag = (is_int(tag) and tag >= 1) if numbered else (isinstance(tag, str) and tag)
        if not good_tag:
            allowed = "whole numbers from 1" if numbered else "short text"
            problems.append(Problem(src, key, "bad tag", tag, allowed))
        elif not isinstance(label, str) or not label.strip():
            problems.append(Problem(src, f"{key}.{tag}", "must be non-empty text", label, "text"))
        else:
            out[tag] = label.strip()
    if numbered and out and sorted(out) != list(range(1, len(out) + 1)):
        problems.append(Problem(src, key, "must be numbered 1, 2, 3... without gaps", sorted(out)))
    return out


def _glossary(raw: dict, src: str, problems: list[Problem]) -> dict[str, str]:
    value = raw.get("glossary")
    if not isinstance(value, list) or not value:
        problems.append(
            Problem(src, "glossary", "must be a non-empty list of term and meaning", value)
        )
        return {}
    out: dict[str, str] = {}
    seen: set[str] = set()
    for n, entry in enumerate(value, 1):
        where = f"glossary[{n}]"
        if not isinstance(entry, dict):
            problems.append(Problem(src, where, "must be a mapping of term and meaning", entry))
            continue
        term = text(entry, "term", where, problems, src)
        meaning = text(entry, "meaning", where, problems, src)
        if term and term.casefold() in seen:
            problems.append(Problem(src, f"{where}.term", "duplicate glossary term", term))
        seen.add(term.casefold())
        if term and meaning:
            out[term] = meaning
    return out


def _retired(raw: dict, src: str, problems: list[Problem]) -> dict[str, str]:
    value = raw.get("retired", [])
    if not isinstance(value, list):
        problems.append(Problem(src, "retired", "must be a list of id and reason", value, "a list"))
        return {}
    out: dict[str, str] = {}
    for n, entry in enumerate(value, 1):
        where = f"retired[{n}]"
        if not isinstance(entry, dict):
            problems.append(Problem(src, where, "must be a mapping of id and reason", entry))
            continue
        rid = entry.get("id")
        if not isinstance(rid, str) or not ITEM_ID.match(rid):
            problems.append(Problem(src, f"{where}.id", "bad item id", rid, "<dimension>.<n>"))
            continue
        if rid in out:
            problems.append(Problem(src, f"{where}.id", "retired twice", rid))
        out[rid] = text(entry, "reason", f"retired {rid}", problems, src)
    return out


def parse_item(
    it: dict, iid: str, head: Header, src: str, problems: list[Problem]
) -> tuple[dict[int, str], dict[str, Any]]:
    """Level texts and the format 2 keyword arguments of one item."""
    unknown_keys(it, ITEM_KEYS, iid, src, problems)
    if iid in head.retired:
        problems.append(
            Problem(src, iid, "reuses a retired id", iid, "a new number (retired ids stay unused)")
        )
    texts, evidence = _levels(it.get("levels"), iid, src, problems)
    fields = {
        "count": text(it, "count", iid, problems, src),
        "evidence": evidence,
        "principles": _tags(it, "principles", head.principles, iid, src, problems, True),
        "duty": _tags(it, "duty", head.duty, iid, src, problems, False),
        "domains": _tags(it, "domains", head.domains, iid, src, problems, True),
        "lineage": _lineage(it, iid, head.retired, src, problems),
    }
    return texts, fields


def _levels(lv: object, iid: str, src: str, problems: list[Problem]):
    """Levels 0-4, each {text, evidence}; the five texts must all differ."""
    where = f"{iid}.levels"
    if not _levels_mapping(lv):
        problems.append(Problem(src, where, "must describe every level 0 to 4", lv, "0-4"))
        return {}, {}
    texts: dict[int, str] = {}
    evidence: dict[int, str] = {}
    for n in LEVELS:
        entry = lv[n]
        if not isinstance(entry, dict):
            problems.append(
                Problem(src, f"{where}.{n}", "must be a mapping of text and evidence", entry)
            )
            continue
        texts[n] = text(entry, "text", f"{where}.{n}", problems, src)
        evidence[n] = text(entry, "evidence", f"{where}.{n}", problems, src)
    filled = [v for v in texts.values() if v]
    if len(set(filled)) != len(filled):
        problems.append(Problem(src, where, "two levels have the same text", has_value=False))
    return texts, evidence


def _tags(
    it: dict, key: str, allowed: dict, iid: str, src: str, problems: list[Problem], required: bool
) -> tuple:
    value = it.get(key)
    need = "a non-empty list" if required else "a list (may be empty: [])"
    if not isinstance(value, list) or (required and not value):
        problems.append(Problem(src, f"{iid}.{key}", f"must be {need}", value, need))
        return ()
    if not allowed:
        return ()  # the list itself is broken and already reported: one message, not 75
    good = [v for v in value if v in allowed and not isinstance(v, bool)]
    if len(good) != len(value):
        bad = next(v for v in value if v not in good)
        shown = ", ".join(str(k) for k in allowed)
        problems.append(Problem(src, f"{iid}.{key}", "unknown tag", bad, shown))
    if len(set(value)) != len(value):
        problems.append(Problem(src, f"{iid}.{key}", "tag listed twice", value))
    return tuple(dict.fromkeys(good))


def _lineage(
    it: dict, iid: str, retired: dict[str, str], src: str, problems: list[Problem]
) -> Lineage | None:
    value, where = it.get("lineage"), f"{iid}.lineage"
    if not isinstance(value, dict):
        problems.append(Problem(src, where, "must be a mapping {kind, from}", value))
        return None
    unknown_keys(value, frozenset({"kind", "from"}), where, src, problems)
    kind, sources = value.get("kind"), value.get("from")
    if kind not in LINEAGE_KINDS:
        problems.append(
            Problem(src, f"{where}.kind", "unknown kind", kind, ", ".join(LINEAGE_KINDS))
        )
        return None
    if not isinstance(sources, list) or not all(
        isinstance(s, str) and ITEM_ID.match(s) for s in sources
    ):
        allowed = "a list of item ids, such as [vision.1]"
        problems.append(
            Problem(src, f"{where}.from", "must be a list of item ids", sources, allowed)
        )
        return None
    keeps = (sources == [iid], f"[{iid}]: a kept item keeps its own id")
    fits, allowed = {
        "same": keeps,
        "reworded": keeps,
        "split": (len(sources) == 1 and iid not in sources, "one earlier id, not this item's"),
        "merged": (len(set(sources)) >= 2 and iid not in sources, "two or more earlier ids"),
        "new": (sources == [], "[]: a new item has no source"),
    }[kind]
    if not fits:
        problems.append(
            Problem(src, f"{where}.from", f"does not fit kind {kind}", sources, allowed)
        )
    for s in sources:
        if s in retired:
            problems.append(
                Problem(src, f"{where}.from", "cites a retired id", s, "ids kept, split or merged")
            )
    return Lineage(kind=kind, sources=tuple(sources))
