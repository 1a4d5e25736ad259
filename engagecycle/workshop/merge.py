"""Merging the room's version of an assessment with a version someone else saved meanwhile.

When the file changes on disk under an open form (a colleague's laptop, the Excel import, a
text editor), the form must neither overwrite their work nor make the room redo its own.
An assessment is cut into parts that are kept or replaced whole: the session details, one
part per item's answer, one per dimension's target and notes, and one per dimension's
actions. Comparing each part in three versions (what the form last read or wrote, the
room's, theirs) sorts it: changed on one side only, it is taken from that side; changed on
both sides differently, the facilitator chooses. The merge starts from their file as it is
on disk (so their comments and layout survive) and copies in the parts kept from the room.
No widgets here: the form shows what this module decides.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..assessment import Assessment
from ..dates import format_uk
from ..framework import Framework
from ..levels import LEVELS, NA, UNKNOWN

HEADER_FIELDS = ("organisation", "assessed_on", "facilitator", "participants", "share_evidence")
Key = tuple[
    str, str
]  # ("header", field) | ("response", item) | ("dimension", id) | ("actions", id)
OURS, THEIRS = "ours", "theirs"


def to_plain(value: Any) -> Any:
    """A ruamel document as plain dicts, lists and scalars, for comparing versions."""
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def parts(doc: Mapping[str, Any] | None) -> dict[Key, Any]:
    """The document cut into the parts a merge keeps or replaces whole (plain values)."""
    doc = to_plain(doc or {})
    out: dict[Key, Any] = {}
    for name in HEADER_FIELDS:
        if name in doc:
            out[("header", name)] = doc[name]
    for item_id, entry in (doc.get("responses") or {}).items():
        out[("response", item_id)] = entry
    for dim_id, entry in (doc.get("dimensions") or {}).items():
        out[("dimension", dim_id)] = entry
    by_dim: dict[str, list] = {}
    for action in doc.get("actions") or []:
        dim = str((action or {}).get("dimension") or "") if isinstance(action, dict) else ""
        by_dim.setdefault(dim, []).append(action)
    for dim_id, actions in by_dim.items():
        out[("actions", dim_id)] = actions
    return out


@dataclass
class Merge:
    """How the room's version and theirs differ, part by part."""

    ours_only: list[Key] = field(default_factory=list)  # changed by the room only: kept
    theirs_only: list[Key] = field(default_factory=list)  # changed by them only: kept
    both: list[Key] = field(default_factory=list)  # changed differently by both: choose
    ours: dict[Key, Any] = field(default_factory=dict)
    theirs: dict[Key, Any] = field(default_factory=dict)

    @property
    def needs_choice(self) -> bool:
        return bool(self.both)


def compare(base: Mapping | None, ours: Mapping, theirs: Mapping) -> Merge:
    """Sort every part by who changed it since `base` (the version the form last had)."""
    b, o, t = parts(base), parts(ours), parts(theirs)
    merge = Merge(ours=o, theirs=t)
    keys = sorted(set(b) | set(o) | set(t), key=_order)
    for key in keys:
        bv, ov, tv = b.get(key), o.get(key), t.get(key)
        if ov == tv:
            continue
        if ov == bv:
            merge.theirs_only.append(key)
        elif tv == bv:
            merge.ours_only.append(key)
        else:
            merge.both.append(key)
    return merge


def _order(key: Key) -> tuple[int, str]:
    return ({"header": 0, "response": 1, "dimension": 2, "actions": 3}[key[0]], key[1])


def apply(theirs: Assessment, ours: Assessment, keys: Iterable[Key]) -> None:
    """Copy the room's version of `keys` into `theirs` (a round-trip document from disk)."""
    keys = list(keys)
    for kind, name in keys:
        if kind == "header":
            _copy_entry(theirs.doc, ours.doc, name, top=True, target=theirs)
        elif kind == "response":
            _copy_entry(_section(theirs, "responses"), ours.doc.get("responses") or {}, name)
        elif kind == "dimension":
            _copy_entry(_section(theirs, "dimensions"), ours.doc.get("dimensions") or {}, name)
    action_dims = {name for kind, name in keys if kind == "actions"}
    if action_dims:
        _copy_actions(theirs, ours, action_dims)


def _section(a: Assessment, name: str) -> Any:
    if a.doc.get(name) is None:
        a.set_header(**{name: CommentedMap()})  # set_header puts top-level keys in order
    return a.doc[name]


def _copy_entry(
    dest: Any, src: Mapping, name: str, *, top: bool = False, target: Assessment | None = None
) -> None:
    if name not in src:
        dest.pop(name, None)
        return
    value = copy.deepcopy(src[name])
    if top and target is not None and name not in dest:
        target.set_header(**{name: value})
    else:
        dest[name] = value


def _copy_actions(theirs: Assessment, ours: Assessment, dims: set[str]) -> None:
    """Their actions for other dimensions stay where they are; ours for `dims` replace theirs."""
    old = list(theirs.doc.get("actions") or [])
    mine = [copy.deepcopy(a) for a in ours.doc.get("actions") or [] if _dim(a) in dims]
    merged = CommentedSeq()
    placed = False
    for a in old:
        if _dim(a) in dims:
            if not placed:
                merged.extend(mine)
                placed = True
            continue
        merged.append(a)
    if not placed:
        merged.extend(mine)
    if theirs.doc.get("actions") is None:
        theirs.set_header(actions=merged)
    else:
        theirs.doc["actions"] = merged


def _dim(action: Any) -> str:
    return str(action.get("dimension") or "") if isinstance(action, Mapping) else ""


# ---------------------------------------------------------------- words for the facilitator


def label(key: Key, framework: Framework) -> str:
    kind, name = key
    if kind == "header":
        return {
            "organisation": "Organisation name and type",
            "assessed_on": "Date of the assessment",
            "facilitator": "Facilitator",
            "participants": "Participants",
            "share_evidence": "Evidence may be quoted as good practice",
        }.get(name, name)
    if kind == "response":
        item = framework.items.get(name)
        return f"{name}: {item.statement}" if item else name
    title = framework.by_id[name].title if name in framework.by_id else name
    return f"{title}: target and notes" if kind == "dimension" else f"{title}: actions"


def describe(key: Key, value: Any) -> str:
    """One version of one part in plain words ("not recorded" when absent)."""
    if value is None or value == {} or value == []:
        return "not recorded"
    kind = key[0]
    if kind == "response":
        bits = [_level_words(value.get("level"))]
        if value.get("raters"):
            raters = value["raters"]
            pairs = raters.items() if isinstance(raters, Mapping) else enumerate(raters, 1)
            bits.append("ratings " + ", ".join(f"{k} {v}" for k, v in pairs))
        if value.get("evidence"):
            bits.append(f"evidence: {value['evidence']}")
        if value.get("flag"):
            bits.append("flagged for discussion")
        if value.get("agreed"):
            bits.append(f"agreed: {value['agreed']}")
        if value.get("carried_over"):
            bits.append("carried over, not yet confirmed")
        return "; ".join(b for b in bits if b)
    if kind == "dimension":
        bits = []
        if value.get("target") is not None:
            bits.append(f"target {_level_words(value['target'])}")
        if value.get("notes"):
            bits.append(f"notes: {value['notes']}")
        return "; ".join(bits) or "not recorded"
    if kind == "actions":
        return "; ".join(_action_words(a) for a in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return format_uk(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(str(v) for k, v in value.items() if k != "code")
    return str(value)


def _level_words(level: Any) -> str:
    if level is None:
        return "no agreed level"
    if level == NA or str(level).lower() == NA:
        return "N/A"
    if level == UNKNOWN or str(level).lower() == UNKNOWN:
        return "don't know"
    if isinstance(level, int) and level in LEVELS:
        return f"{level} {LEVELS[level]}"
    return str(level)


def _action_words(action: Any) -> str:
    if not isinstance(action, Mapping):
        return str(action)
    text = str(action.get("action") or "")
    extra = [str(action.get("owner") or "")]
    due = action.get("due")
    if isinstance(due, date):
        extra.append(f"due {format_uk(due)}")
    extra.append(str(action.get("status") or "open"))
    return f"{text} ({', '.join(e for e in extra if e)})"


def choose(merge: Merge, choices: Mapping[Key, str]) -> list[Key]:
    """The parts to take from the room: its own changes, plus overlaps it chose to keep."""
    missing = [k for k in merge.both if choices.get(k) not in (OURS, THEIRS)]
    if missing:
        raise ValueError(f"choose which version to keep for {len(missing)} part(s)")
    return merge.ours_only + [k for k in merge.both if choices[k] == OURS]
