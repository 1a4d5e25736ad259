"""The answer model: one organisation's self-assessment for one period.

The parsed YAML document *is* the model. `Assessment` reads typed values out of it and its
mutators change it in place, so everything a person wrote that the tool does not know about
(comments, extra fields, key order, quoting) survives a load-save round trip untouched.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from statistics import median
from typing import Any, TypeGuard

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from .errors import Problem, ValidationFailed
from .framework import DIMENSION_IDS, Framework
from .levels import LEVEL_LABELS, MAX_LEVEL, NA, UNKNOWN, read_level
from .limits import code_problem, name_problem, text_problem
from .versions import Frameworks, as_frameworks, kept_ids, recorded_version

SCHEMA_VERSION = 1
PERIOD = re.compile(r"(20\d{2})/(\d{2})")  # with fullmatch: `$` would allow a final newline
ORG_TYPES = ("ICB", "CCG", "place", "trust", "other")
ACTION_STATUSES = ("open", "done", "dropped")
LEVEL_ALLOWED = LEVEL_LABELS
TOP_ORDER = (
    "schema",
    "framework",
    "organisation",
    "period",
    "assessed_on",
    "facilitator",
    "participants",
    "share_evidence",
    "responses",
    "dimensions",
    "actions",
    "earlier_answers",
)
RESPONSE_ORDER = ("level", "raters", "evidence", "flag", "agreed", "carried_over", "afresh")
DIMENSION_ORDER = ("target", "notes", "carried_over")
ACTION_ORDER = ("dimension", "action", "owner", "due", "status", "carried_over")


# ---------------------------------------------------------------- periods and codes


def period_slug(period: str) -> str:
    """File-name form of a period: 2024/25 -> 2024-25."""
    return period.replace("/", "-")


def period_start(period: str) -> int:
    return int(period[:4])


def previous_period(period: str) -> str:
    y = period_start(period) - 1
    return f"{y}/{(y + 1) % 100:02d}"


def check_period(value: Any) -> str | None:
    """Why `value` is not an NHS financial year like 2024/25, or None when it is."""
    if not isinstance(value, str):
        return "must be written as text like 2024/25"
    m = PERIOD.fullmatch(value)
    if not m:
        return "must look like 2024/25 (four-digit year, slash, two-digit year)"
    if (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        return "the two years must be consecutive, like 2024/25"
    return None


def check_code(value: Any) -> str | None:
    """Why `value` is not an organisation code, or None when it is (see `limits`)."""
    return code_problem(value)


def normalise_code(value: Any) -> str:
    """Codes arrive as numbers from papermill (-p organisation 007) or Excel; make them text.

    Only spaces are trimmed: a line break or tab in a code is a mistake to report, not to
    hide (a code ending in a newline once made a folder of that name).
    """
    return str(value).strip(" ")


def normalise_period(value: Any) -> str:
    return str(value).strip(" ").replace("-", "/")


# ---------------------------------------------------------------- typed views


@dataclass(frozen=True)
class Response:
    item: str
    level: int | str | None = None  # 0-4, "n/a", "unknown" or None (unanswered)
    raters: tuple[tuple[str, int], ...] = ()
    evidence: str = ""
    flag: bool = False
    agreed: str = ""  # what the room agreed when it discussed the item ("" = not discussed)
    carried_over: bool = False
    # New or changed in this framework version, so last year's answer was not carried over:
    # the room rates it afresh. Cleared as soon as the item is answered.
    afresh: bool = False

    @property
    def to_rate_afresh(self) -> bool:
        """Marked new or changed in this version, and not answered yet."""
        return self.afresh and self.status == "unanswered"

    @property
    def resolved(self) -> bool:
        """The discussion the item needed has happened and its outcome is recorded."""
        return bool(self.agreed.strip())

    @property
    def rater_levels(self) -> list[int]:
        return [v for _, v in self.raters]

    @property
    def spread(self) -> int | None:
        """max - min of the individual ratings, when there are two or more."""
        lv = self.rater_levels
        return max(lv) - min(lv) if len(lv) >= 2 else None

    @property
    def value(self) -> float | None:
        """Design §4: the consensus level, else the median of the raters, else nothing."""
        if isinstance(self.level, int):
            return float(self.level)
        if self.level is None and self.raters:
            return float(median(self.rater_levels))
        return None

    @property
    def status(self) -> str:
        if self.level == NA:
            return "na"
        if self.level == UNKNOWN:
            return "unknown"
        return "answered" if self.value is not None else "unanswered"


@dataclass(frozen=True)
class Action:
    index: int
    dimension: str
    action: str
    owner: str = ""
    due: date | None = None
    status: str = "open"
    carried_over: bool = False


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        return date.fromisoformat(value.strip())
    return None


def _raters(raw: Any) -> tuple[tuple[str, int], ...]:
    if isinstance(raw, Mapping):
        return tuple((str(k), int(v)) for k, v in raw.items() if v is not None)
    if isinstance(raw, list):
        return tuple((f"rater {n}", int(v)) for n, v in enumerate(raw, 1) if v is not None)
    return ()


class Assessment:
    """A validated assessment document plus where it came from."""

    def __init__(self, doc: Any, path: Path | None = None, stamp: str | None = None):
        self.doc = doc
        self.path = Path(path) if path else None
        self.stamp = stamp  # sha256 of the file bytes when loaded: detects edits by others

    # -- header
    @property
    def code(self) -> str:
        return str(self.doc["organisation"]["code"])

    @property
    def name(self) -> str:
        return str(self.doc["organisation"].get("name") or self.code)

    @property
    def org_type(self) -> str:
        return str(self.doc["organisation"].get("type") or "")

    @property
    def peer_group(self) -> str:
        return str(self.doc["organisation"].get("peer_group") or "")

    @property
    def period(self) -> str:
        return str(self.doc["period"])

    @property
    def key(self) -> tuple[str, str]:
        return (self.code, self.period)

    @property
    def assessed_on(self) -> date | None:
        return _as_date(self.doc.get("assessed_on"))

    @property
    def facilitator(self) -> str:
        return str(self.doc.get("facilitator") or "")

    @property
    def participants(self) -> list[str]:
        return [str(p) for p in (self.doc.get("participants") or [])]

    @property
    def share_evidence(self) -> bool:
        return bool(self.doc.get("share_evidence", False))

    @property
    def framework_version(self) -> int | None:
        """The question bank version the answers were given against (see `versions`)."""
        return recorded_version(self.doc)

    @property
    def predecessors(self) -> list[str]:
        """Codes of the organisations this one took over from (a merger, or a CCG -> ICB).

        Year on year compares with them, together with its own earlier assessment if it has
        one; the rule is in docs/scoring.md (section 7).
        """
        return [str(c) for c in (self.doc["organisation"].get("predecessors") or [])]

    # -- answers
    def response(self, item_id: str) -> Response:
        raw = (self.doc.get("responses") or {}).get(item_id) or {}
        return Response(
            item=item_id,
            level=read_level(raw.get("level")),
            raters=_raters(raw.get("raters")),
            evidence=str(raw.get("evidence") or ""),
            flag=bool(raw.get("flag", False)),
            agreed=str(raw.get("agreed") or ""),
            carried_over=bool(raw.get("carried_over", False)),
            afresh=raw.get("afresh") is True,
        )

    def responses(self) -> dict[str, Response]:
        return {k: self.response(k) for k in (self.doc.get("responses") or {})}

    def target(self, dim_id: str) -> int | None:
        entry = (self.doc.get("dimensions") or {}).get(dim_id) or {}
        t = entry.get("target")
        return t if isinstance(t, int) else None

    def notes(self, dim_id: str) -> str:
        entry = (self.doc.get("dimensions") or {}).get(dim_id) or {}
        return str(entry.get("notes") or "")

    def dimension_carried_over(self, dim_id: str) -> bool:
        """Were this dimension's target and notes copied from last year and not yet confirmed?"""
        entry = (self.doc.get("dimensions") or {}).get(dim_id) or {}
        return bool(entry.get("carried_over", False))

    def is_blank(self) -> bool:
        """Nothing recorded yet: no answer, target, note or action.

        An item id listed with nothing after it (as `engagecycle new` lists them all) is not
        an answer, and neither is a mark that an item is to be rated afresh.
        """
        doc = self.doc
        return not (
            any(
                entry and any(key != "afresh" for key in entry)
                for entry in (doc.get("responses") or {}).values()
            )
            or doc.get("dimensions")
            or doc.get("actions")
        )

    def unconfirmed(self, dim_id: str | None = None) -> list[str]:
        """Item ids whose answers were carried over from last year and never confirmed."""
        return [
            k
            for k, r in self.responses().items()
            if r.carried_over and (dim_id is None or k.split(".", 1)[0] == dim_id)
        ]

    def afresh(self, dim_id: str | None = None) -> list[str]:
        """Item ids new or changed in this framework version and still to be rated."""
        return [
            k
            for k, r in self.responses().items()
            if r.to_rate_afresh and (dim_id is None or k.split(".", 1)[0] == dim_id)
        ]

    def earlier_answers(self) -> list[tuple[int, dict[str, Response]]]:
        """Answers kept from earlier versions' retired or merged items, by version.

        `engagecycle migrate` moves them here so nothing a team wrote is lost; they are not
        scored, because no item of this version asks the same question.
        """
        out = []
        for block in self.doc.get("earlier_answers") or []:
            raw = block.get("responses") or {}
            kept = Assessment({"responses": raw})
            out.append((int(block["version"]), {k: kept.response(k) for k in raw}))
        return out

    def actions(self) -> list[Action]:
        out = []
        for n, a in enumerate(self.doc.get("actions") or []):
            out.append(
                Action(
                    index=n,
                    dimension=str(a.get("dimension") or ""),
                    action=str(a.get("action") or ""),
                    owner=str(a.get("owner") or ""),
                    due=_as_date(a.get("due")),
                    status=str(a.get("status") or "open"),
                    carried_over=bool(a.get("carried_over", False)),
                )
            )
        return out

    # -- mutators (keep everything else in the document as it is)
    def set_header(self, **fields: Any) -> None:
        org_keys = {"name", "type", "peer_group"}
        for key, value in fields.items():
            if key in org_keys:
                _put(self.doc["organisation"], key, value, ("code", "name", "type", "peer_group"))
            else:
                _put(self.doc, key, value, TOP_ORDER)

    def _entry(self, item_id: str) -> CommentedMap:
        responses = self.doc.get("responses")
        if responses is None:
            responses = CommentedMap()
            _put(self.doc, "responses", responses, TOP_ORDER)
        entry = responses.get(item_id)
        if entry is None:
            entry = CommentedMap()
            responses[item_id] = entry
        return entry

    def _tidy(self, item_id: str) -> None:
        responses = self.doc.get("responses") or {}
        if item_id in responses and not responses[item_id]:
            del responses[item_id]

    def set_level(self, item_id: str, level: int | str | None) -> None:
        """Record the consensus level (0-4, 'n/a', 'unknown') or clear it with None."""
        self._set_response_field(item_id, "level", level)

    def set_raters(self, item_id: str, raters: Mapping[str, int | None] | None) -> None:
        clean = {k: int(v) for k, v in (raters or {}).items() if v is not None}
        value = CommentedMap(clean) if clean else None
        if value is not None:
            value.fa.set_flow_style()
        self._set_response_field(item_id, "raters", value)

    def set_evidence(self, item_id: str, text: str | None) -> None:
        self._set_response_field(item_id, "evidence", _text_value(text))

    def set_flag(self, item_id: str, flag: bool) -> None:
        self._set_response_field(item_id, "flag", True if flag else None)

    def set_agreed(self, item_id: str, text: str | None) -> None:
        """Record what the room agreed when it discussed a flagged or disputed item."""
        self._set_response_field(item_id, "agreed", _text_value(text))

    def set_carried_over(self, item_id: str, carried: bool) -> None:
        self._set_response_field(item_id, "carried_over", True if carried else None)

    def set_afresh(self, item_id: str, afresh: bool) -> None:
        """Mark an item as new or changed in this version, to be rated afresh."""
        self._set_response_field(item_id, "afresh", True if afresh else None)

    def set_dimension_carried_over(self, dim_id: str, carried: bool) -> None:
        self._set_dimension_field(dim_id, "carried_over", True if carried else None)

    def confirm_dimension(self, dim_id: str) -> int:
        """The room has reviewed everything carried over in one dimension and keeps it.

        Clears the carried-over mark on the dimension's answers, its target and notes, and its
        actions. Returns how many answers were confirmed.
        """
        items = self.unconfirmed(dim_id)
        for item_id in items:
            self.set_carried_over(item_id, False)
        self.set_dimension_carried_over(dim_id, False)
        for a in self.doc.get("actions") or []:
            if isinstance(a, MutableMapping) and a.get("dimension") == dim_id:
                a.pop("carried_over", None)
        return len(items)

    def _set_response_field(self, item_id: str, key: str, value: Any) -> None:
        entry = self._entry(item_id)
        if value is None:
            entry.pop(key, None)
        else:
            _put(entry, key, value, RESPONSE_ORDER)
            if key in ("level", "raters"):
                entry.pop("afresh", None)  # rated now: no longer waiting to be rated afresh
        self._tidy(item_id)

    def set_target(self, dim_id: str, target: int | None) -> None:
        self._set_dimension_field(dim_id, "target", target)

    def set_notes(self, dim_id: str, notes: str | None) -> None:
        self._set_dimension_field(dim_id, "notes", _text_value(notes))

    def _set_dimension_field(self, dim_id: str, key: str, value: Any) -> None:
        dims = self.doc.get("dimensions")
        if dims is None:
            dims = CommentedMap()
            _put(self.doc, "dimensions", dims, TOP_ORDER)
        entry = dims.get(dim_id)
        if entry is None:
            entry = dims[dim_id] = CommentedMap()
        if value is None:
            entry.pop(key, None)
        else:
            _put(entry, key, value, DIMENSION_ORDER)
        if not entry:
            del dims[dim_id]

    def add_action(
        self,
        dimension: str,
        action: str,
        owner: str = "",
        due: date | None = None,
        status: str = "open",
        carried_over: bool = False,
    ) -> int:
        actions = self.doc.get("actions")
        if actions is None:
            actions = CommentedSeq()
            _put(self.doc, "actions", actions, TOP_ORDER)
        entry = CommentedMap()
        actions.append(entry)
        index = len(actions) - 1
        self.update_action(
            index,
            dimension=dimension,
            action=action,
            owner=owner,
            due=due,
            status=status,
            carried_over=True if carried_over else None,
        )
        return index

    def update_action(self, index: int, **fields: Any) -> None:
        entry = self.doc["actions"][index]
        for key, value in fields.items():
            if value in (None, "") and key != "action":
                entry.pop(key, None)
            else:
                _put(
                    entry,
                    key,
                    _text_value(value) if isinstance(value, str) else value,
                    ACTION_ORDER,
                )

    def remove_action(self, index: int) -> None:
        del self.doc["actions"][index]


def _text_value(text: str | None) -> str | None:
    """Multi-line text is written as a literal block so it stays readable in an editor."""
    if text is None or text == "":
        return None
    text = str(text)
    return LiteralScalarString(text) if "\n" in text else text


def _put(mapping: Any, key: str, value: Any, order: Iterable[str]) -> None:
    """Set mapping[key], inserting a new key at its canonical place among those present."""
    if key in mapping or not isinstance(mapping, CommentedMap):
        mapping[key] = value
        return
    order = list(order)
    if key not in order:
        mapping[key] = value
        return
    rank = order.index(key)
    pos = 0
    for n, existing in enumerate(mapping.keys()):
        if existing in order and order.index(existing) < rank:
            pos = n + 1
    mapping.insert(pos, key, value)


# ---------------------------------------------------------------- new documents


def new_document(
    framework: Framework,
    code: str,
    period: str,
    name: str,
    org_type: str = "ICB",
    peer_group: str | None = None,
    assessed_on: date | None = None,
) -> CommentedMap:
    org = CommentedMap(code=code, name=name, type=org_type)
    if peer_group:
        org["peer_group"] = peer_group
    fw = CommentedMap(id=framework.id, version=framework.version)
    fw.fa.set_flow_style()
    doc = CommentedMap()
    doc["schema"] = SCHEMA_VERSION
    doc["framework"] = fw
    doc["organisation"] = org
    doc["period"] = period
    if assessed_on:
        doc["assessed_on"] = assessed_on
    doc["share_evidence"] = False
    doc["responses"] = CommentedMap()
    doc["dimensions"] = CommentedMap()
    doc["actions"] = CommentedSeq()
    return doc


def list_items(assessment: Assessment, framework: Framework) -> None:
    """Give a new assessment the listing of every item id (see `item_listing`).

    For files people fill in with a text editor (`engagecycle new`); the form and the
    workbook import do not need it. Answers already present are kept.
    """
    doc = assessment.doc
    listing = item_listing(framework)
    for item_id, entry in (doc.get("responses") or {}).items():
        listing[item_id] = entry
    doc["responses"] = listing
    doc.yaml_set_comment_before_after_key(
        "responses",
        before='Answer each item after its id, e.g.  vision.1: {level: 3, evidence: "..."}\n'
        "level: 0-4 (or a name such as Developing), N/A or Don't know; "
        "an item left blank is not answered yet.",
    )


def item_listing(framework: Framework) -> CommentedMap:
    """Every item id with no answer yet, each with its statement as a comment.

    So a person filling the file in a text editor sees every question and types the answer
    after its id. An id with nothing after it is simply not answered: it validates and scores
    exactly like an absent one. (Only end-of-line comments: a comment line between two ids
    would be moved inside the answer above it when that answer is filled in.)
    """
    listing = CommentedMap()
    for item in framework.items.values():
        listing[item.id] = None
        listing.yaml_add_eol_comment(item.statement, item.id, column=16)
    return listing


def file_stamp(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- validation


def _line(mapping: Any, key: Any) -> int | None:
    """1-based line of `key` in a round-trip document (None for plain dicts)."""
    lc = getattr(mapping, "lc", None)
    if lc is None:
        return None
    try:
        return lc.key(key)[0] + 1
    except (KeyError, TypeError, AttributeError):
        try:
            return lc.item(key)[0] + 1
        except Exception:  # line numbers are a courtesy
            return None


def _is_level(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_LEVEL


def _is_date(v: Any) -> bool:
    if isinstance(v, datetime):
        return False  # a date and a time of day: which day is meant is not certain
    if isinstance(v, date):
        return True
    if isinstance(v, str):
        try:
            date.fromisoformat(v.strip())
            return True
        except ValueError:
            return False
    return False


def validate_document(doc: Any, frameworks: Framework | Frameworks, file: str) -> list[Problem]:
    """Every problem in one parsed assessment document (empty list when it is valid).

    Given a set of versions (`Frameworks`), the document is checked against the version it
    records; given one framework, it must record that one (as before there were several).
    """
    problems: list[Problem] = []

    def add(
        where: str,
        message: str,
        value: Any = None,
        allowed: str = "",
        line=None,
        has_value: bool = True,
    ) -> None:
        problems.append(Problem(file, where, message, value, allowed, line, has_value))

    def text(where: str, value: Any, line=None) -> None:
        """Text must fit every place it goes: a spreadsheet cell, a report, a summary."""
        if isinstance(value, str):
            why = text_problem(value)
            if why:
                add(where, why, value, "text that Excel can hold", line)

    if doc is None:
        add("", "the file is empty", has_value=False)
        return problems
    if not isinstance(doc, Mapping):
        add("", "the file must be a mapping of fields (schema, organisation, period, ...)", doc)
        return problems

    schema = doc.get("schema")
    if schema != SCHEMA_VERSION or isinstance(schema, bool):
        add(
            "schema",
            "unsupported schema version",
            schema,
            str(SCHEMA_VERSION),
            _line(doc, "schema"),
        )

    framework = _framework_of(doc, frameworks, add)

    org = doc.get("organisation")
    if not isinstance(org, Mapping):
        add(
            "organisation",
            "missing or not a mapping",
            org,
            "{code: X01, name: ..., type: ICB}",
            _line(doc, "organisation"),
        )
    else:
        why = check_code(org.get("code"))
        if why:
            add(
                "organisation.code", why, org.get("code"), "[A-Za-z0-9_-]{1,32}", _line(org, "code")
            )
        name = org.get("name")
        why = name_problem(name)
        if why:
            add("organisation.name", why, name, NAME_ALLOWED, _line(org, "name"))
        if org.get("type") not in ORG_TYPES:
            add(
                "organisation.type",
                "unknown organisation type",
                org.get("type"),
                ", ".join(ORG_TYPES),
                _line(org, "type"),
            )
        _validate_predecessors(org, add)
        pg = org.get("peer_group")
        if pg is not None and not isinstance(pg, str):
            add("organisation.peer_group", "must be text", pg, "text", _line(org, "peer_group"))
        elif pg is not None and (why := name_problem(pg)):
            add(
                "organisation.peer_group",
                why,
                pg,
                NAME_ALLOWED,
                _line(org, "peer_group"),
            )

    why = check_period(doc.get("period"))
    if why:
        add("period", why, doc.get("period"), "YYYY/YY, e.g. 2024/25", _line(doc, "period"))

    if "assessed_on" in doc and doc["assessed_on"] is not None and not _is_date(doc["assessed_on"]):
        add(
            "assessed_on",
            _not_a_date(doc["assessed_on"]),
            doc["assessed_on"],
            "YYYY-MM-DD",
            _line(doc, "assessed_on"),
        )
    fac = doc.get("facilitator")
    if fac is not None and not isinstance(fac, str):
        add("facilitator", "must be text", fac, "text", _line(doc, "facilitator"))
    text("facilitator", fac, _line(doc, "facilitator"))
    parts = doc.get("participants")
    if parts is not None and (
        not isinstance(parts, list) or not all(isinstance(p, str) for p in parts)
    ):
        add(
            "participants",
            "must be a list of names or roles",
            parts,
            "a list of text",
            _line(doc, "participants"),
        )
    elif parts is not None:
        for n, p in enumerate(parts, 1):
            text(f"participants[{n}]", p, _line(parts, n - 1) or _line(doc, "participants"))
    share = doc.get("share_evidence")
    if share is not None and not isinstance(share, bool):
        add(
            "share_evidence",
            "must be true or false",
            share,
            "true, false",
            _line(doc, "share_evidence"),
        )

    if framework is not None:
        _validate_responses(doc, framework, add, text)
    _validate_earlier_answers(doc, as_frameworks(frameworks), framework, add, text)
    _validate_dimensions(doc, add, text)
    _validate_actions(doc, add, text)
    return problems


def _framework_of(doc: Mapping, frameworks: Framework | Frameworks, add) -> Framework | None:
    """The framework the document's answers are checked against; None when it is unknown.

    With several versions known, a file recording a version the tool does not have gets one
    message listing the versions there are, rather than one per answer.
    """
    known = as_frameworks(frameworks)
    fw = doc.get("framework")
    single = len(known.by_version) == 1
    expected = known.new if single else None
    shown = f"{{id: {known.id}, version: {known.allowed()}}}"
    if not isinstance(fw, Mapping):
        add("framework", "missing or not a mapping", fw, shown, _line(doc, "framework"))
        return expected
    if fw.get("id") != known.id:
        add(
            "framework.id",
            "assessment was made with a different framework",
            fw.get("id"),
            known.id,
            _line(fw, "id"),
        )
    version = fw.get("version")
    if single:
        if version != known.new.version:
            add(
                "framework.version",
                "framework version does not match",
                version,
                str(known.new.version),
                _line(fw, "version"),
            )
        return known.new
    found = known.by_version.get(version) if _is_whole(version) else None
    if found is None:
        add(
            "framework.version",
            "not a framework version this tool knows",
            version,
            f"{known.allowed()} (the versions available)",
            _line(fw, "version"),
        )
    return found


def _is_whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _validate_predecessors(org: Mapping, add) -> None:
    """`organisation.predecessors`: the codes of the organisations this one took over from."""
    if "predecessors" not in org or org.get("predecessors") is None:
        return
    preds = org["predecessors"]
    line = _line(org, "predecessors")
    allowed = "a list of organisation codes, such as [X13, X14]"
    if not isinstance(preds, list):
        add("organisation.predecessors", "must be a list of codes", preds, allowed, line)
        return
    seen: set[str] = set()
    for n, code in enumerate(preds, 1):
        where = f"organisation.predecessors[{n}]"
        at = _line(preds, n - 1) or line
        why = check_code(code)
        if why:
            add(where, f"organisation code {why}", code, "[A-Za-z0-9_-]{1,32}", at)
            continue
        if code == org.get("code"):
            add(where, "an organisation cannot be its own predecessor", code, allowed, at)
        elif code in seen:
            add(where, "listed twice", code, "each predecessor once", at)
        seen.add(code)


def _validate_earlier_answers(
    doc: Mapping, known: Frameworks, framework: Framework | None, add, text
) -> None:
    """`earlier_answers`: answers to items a later version retired or merged (see migrate).

    Checked like answers, against the version they were given in, so that nothing kept there
    could later break a spreadsheet or a report that shows it.
    """
    blocks = doc.get("earlier_answers")
    if blocks is None:
        return
    line = _line(doc, "earlier_answers")
    shape = "a list of {version, migrated_on, responses}"
    if not isinstance(blocks, list):
        add("earlier_answers", "must be a list", blocks, shape, line)
        return
    for n, block in enumerate(blocks, 1):
        where = f"earlier_answers[{n}]"
        at = _line(blocks, n - 1) or line
        if not isinstance(block, Mapping):
            add(where, "must be a mapping", block, shape, at)
            continue
        version = block.get("version")
        older = framework is None or (_is_whole(version) and version < framework.version)
        if not _is_whole(version) or version not in known or not older:
            below = f" below {framework.version}" if framework is not None else ""
            add(
                f"{where}.version",
                "must be an earlier framework version",
                version,
                f"a version{below} that this tool knows ({known.allowed()})",
                _line(block, "version") or at,
            )
            continue
        on = block.get("migrated_on")
        if on is not None and not _is_date(on):
            add(
                f"{where}.migrated_on",
                _not_a_date(on),
                on,
                "YYYY-MM-DD",
                _line(block, "migrated_on"),
            )

        _validate_responses(
            block, known.get(version), _prefixed(add, where), _prefixed(text, where)
        )


def _prefixed(report, prefix: str):
    """`add` or `text` with every field named inside `prefix` (an earlier-answers block)."""

    def inner(where: str, *args: Any, **kwargs: Any) -> None:
        report(f"{prefix}.{where}", *args, **kwargs)

    return inner


NAME_ALLOWED = "one line of text, at most 200 characters, no control characters"


def _not_a_date(value: Any) -> str:
    if isinstance(value, datetime):
        return "has a time of day; give the date alone"
    return "not a date"


def _validate_responses(doc: Mapping, framework: Framework, add, text) -> None:
    responses = doc.get("responses")
    if responses is None:
        return
    if not isinstance(responses, Mapping):
        add(
            "responses",
            "must be a mapping of item id to answer",
            responses,
            "item ids such as vision.1",
            _line(doc, "responses"),
        )
        return
    for item_id, entry in responses.items():
        line = _line(responses, item_id)
        if item_id not in framework.items:
            close = difflib.get_close_matches(str(item_id), framework.items, n=1)
            hint = f"an item id of {framework.id} v{framework.version}"
            if close:
                hint += f" (did you mean {close[0]}?)"
            add(f"responses.{item_id}", "unknown item id", item_id, hint, line)
            continue
        if entry is None:
            continue
        if not isinstance(entry, Mapping):
            add(
                item_id,
                "an answer must be a mapping such as {level: 3}",
                entry,
                "{level: 0-4 | n/a | unknown, raters, evidence, flag}",
                line,
            )
            continue
        if "level" in entry:
            lv = entry["level"]
            try:
                read_level(lv)
            except ValueError as exc:
                if isinstance(lv, float):
                    msg = "level must be a whole number (record in-between views as raters)"
                elif isinstance(lv, int) and not isinstance(lv, bool):
                    msg = "level out of range"
                else:
                    msg = (
                        f"level is not a level ({exc})"
                        if str(exc) != "not a level"
                        else ("level is not a level")
                    )
                add(f"{item_id}.level", msg, lv, LEVEL_ALLOWED, _line(entry, "level") or line)
        if "raters" in entry and entry["raters"] is not None:
            raters = entry["raters"]
            values = (
                list(raters.values())
                if isinstance(raters, Mapping)
                else raters
                if isinstance(raters, list)
                else None
            )
            if values is None:
                add(
                    f"{item_id}.raters",
                    "must be a list of levels or a mapping name: level",
                    raters,
                    "e.g. [3, 2, 4] or {AB: 3, CD: 2}",
                    _line(entry, "raters") or line,
                )
            else:
                names = list(raters) if isinstance(raters, Mapping) else []
                for who in names:
                    why = name_problem(str(who))
                    if why:
                        add(
                            f"{item_id}.raters",
                            f"the name of an individual rater {why}",
                            str(who),
                            NAME_ALLOWED,
                            _line(entry, "raters") or line,
                        )
                for v in values:
                    if v is not None and not _is_level(v):
                        add(
                            f"{item_id}.raters",
                            "individual rating is not a level 0-4",
                            v,
                            "0, 1, 2, 3, 4",
                            _line(entry, "raters") or line,
                        )
        for key in ("evidence", "agreed"):
            if entry.get(key) is not None and not isinstance(entry[key], str):
                add(
                    f"{item_id}.{key}",
                    "must be text",
                    entry[key],
                    "text",
                    _line(entry, key) or line,
                )
            text(f"{item_id}.{key}", entry.get(key), _line(entry, key) or line)
        for key in ("flag", "carried_over", "afresh"):
            if entry.get(key) is not None and not isinstance(entry[key], bool):
                add(
                    f"{item_id}.{key}",
                    "must be true or false",
                    entry[key],
                    "true, false",
                    _line(entry, key) or line,
                )
        if entry.get("afresh") is True:
            if entry.get("carried_over") is True:
                add(
                    f"{item_id}.afresh",
                    "an answer is either carried over from last year or to be rated afresh, "
                    "not both",
                    True,
                    "afresh or carried_over, not both",
                    _line(entry, "afresh") or line,
                )
            elif framework.previous_version is None:
                add(
                    f"{item_id}.afresh",
                    f"marks an item new or changed since the previous version, and version "
                    f"{framework.version} has none",
                    True,
                    "no afresh field",
                    _line(entry, "afresh") or line,
                )


def _validate_dimensions(doc: Mapping, add, text) -> None:
    dims = doc.get("dimensions")
    if dims is None:
        return
    if not isinstance(dims, Mapping):
        add(
            "dimensions",
            "must be a mapping of dimension id to target and notes",
            dims,
            "e.g. identify: {target: 3}",
            _line(doc, "dimensions"),
        )
        return
    for dim_id, entry in dims.items():
        line = _line(dims, dim_id)
        if dim_id not in DIMENSION_IDS:
            add(
                f"dimensions.{dim_id}",
                "unknown dimension id",
                dim_id,
                ", ".join(DIMENSION_IDS),
                line,
            )
            continue
        if entry is None:
            continue
        if not isinstance(entry, Mapping):
            add(
                f"dimensions.{dim_id}",
                "must be a mapping",
                entry,
                "{target: 0-4, notes: text}",
                line,
            )
            continue
        t = entry.get("target")
        if t is not None and not _is_level(t):
            add(
                f"dimensions.{dim_id}.target",
                "target is not a level",
                t,
                "0, 1, 2, 3, 4",
                _line(entry, "target") or line,
            )
        notes = entry.get("notes")
        if notes is not None and not isinstance(notes, str):
            add(
                f"dimensions.{dim_id}.notes",
                "must be text",
                notes,
                "text",
                _line(entry, "notes") or line,
            )
        text(f"dimensions.{dim_id}.notes", notes, _line(entry, "notes") or line)
        carried = entry.get("carried_over")
        if carried is not None and not isinstance(carried, bool):
            add(
                f"dimensions.{dim_id}.carried_over",
                "must be true or false",
                carried,
                "true, false",
                _line(entry, "carried_over") or line,
            )


def _validate_actions(doc: Mapping, add, text) -> None:
    actions = doc.get("actions")
    if actions is None:
        return
    if not isinstance(actions, list):
        add("actions", "must be a list", actions, "a list of actions", _line(doc, "actions"))
        return
    for n, a in enumerate(actions, 1):
        where = f"actions[{n}]"
        line = _line(actions, n - 1)
        if not isinstance(a, Mapping):
            add(where, "must be a mapping", a, "{dimension, action, owner, due, status}", line)
            continue
        if a.get("dimension") not in DIMENSION_IDS:
            add(
                f"{where}.dimension",
                "unknown dimension",
                a.get("dimension"),
                ", ".join(DIMENSION_IDS),
                _line(a, "dimension") or line,
            )
        action_text = a.get("action")
        if not isinstance(action_text, str) or not action_text.strip():
            add(
                f"{where}.action",
                "must be non-empty text",
                action_text,
                "text",
                _line(a, "action") or line,
            )
        text(f"{where}.action", action_text, _line(a, "action") or line)
        owner = a.get("owner")
        if owner is not None and not isinstance(owner, str):
            add(f"{where}.owner", "must be text", owner, "text", _line(a, "owner") or line)
        text(f"{where}.owner", owner, _line(a, "owner") or line)
        due = a.get("due")
        if due is not None and not _is_date(due):
            add(f"{where}.due", _not_a_date(due), due, "YYYY-MM-DD", _line(a, "due") or line)
        status = a.get("status", "open")
        if status not in ACTION_STATUSES:
            add(
                f"{where}.status",
                "unknown status",
                status,
                ", ".join(ACTION_STATUSES),
                _line(a, "status") or line,
            )
        carried = a.get("carried_over")
        if carried is not None and not isinstance(carried, bool):
            add(
                f"{where}.carried_over",
                "must be true or false",
                carried,
                "true, false",
                _line(a, "carried_over") or line,
            )


def parse(
    doc: Any, framework: Framework, file: str, path: Path | None = None, stamp: str | None = None
) -> Assessment:
    """Validate and wrap a document; raise ValidationFailed listing every problem."""
    problems = validate_document(doc, framework, file)
    if problems:
        raise ValidationFailed(problems)
    return Assessment(doc, path, stamp)


def mark_afresh(
    target: Assessment,
    previous: Assessment,
    *,
    frameworks: Framework | Frameworks | None = None,
) -> list[str]:
    """Mark the items of `target`'s version that are new or changed since `previous`'s.

    Only unanswered items are marked (`afresh: true`): an answer already given this year is
    never touched. Nothing is marked when both are on the same version. Returns the ids
    marked now.
    """
    known = as_frameworks(frameworks)
    new_fw, old_fw = known.for_assessment(target), known.for_assessment(previous)
    if new_fw.version == old_fw.version:
        return []
    keep = kept_ids(new_fw, old_fw, known)
    marked = []
    for item_id in new_fw.items:
        r = target.response(item_id)
        if item_id not in keep and r.status == "unanswered" and not r.afresh:
            target.set_afresh(item_id, True)
            marked.append(item_id)
    return marked


def carry_forward(
    target: Assessment,
    previous: Assessment,
    *,
    today: date | None = None,
    frameworks: Framework | Frameworks | None = None,
) -> int:
    """Copy last year's answers into a new assessment as a starting point.

    Everything copied is marked `carried_over: true` (answers, a dimension's target and notes,
    open actions) until the room confirms or changes it, so a report never mistakes last
    year's view for this year's. Answers already present in `target` are never overwritten.

    When last year was answered on an earlier version of the question bank (`frameworks`
    knows both; default: every packaged version), an answer is copied only where the item
    keeps its meaning (the same id, lineage same or reworded); every other item of this
    year's version is marked `afresh: true`, to be rated afresh. Last year's answers to
    retired or merged items stay in last year's file.

    What is deliberately not copied: individual ratings (they were last year's people; this
    year's room rates afresh, so an item that had ratings but no agreed level starts blank),
    flags and agreed outcomes (last year's discussion), and due dates of open actions that
    have already passed (`today`, default the real date): this year's plan needs this year's
    dates, and last year's stay in last year's file. Returns the number of answers copied;
    `target.afresh()` lists the items to rate afresh.
    """
    today = today or date.today()
    known = as_frameworks(frameworks)
    new_fw, old_fw = known.for_assessment(target), known.for_assessment(previous)
    same_version = new_fw.version == old_fw.version
    keep = None if same_version else kept_ids(new_fw, old_fw, known)
    copied = 0
    existing = target.doc.get("responses") or {}
    for item_id, r in previous.responses().items():
        # an id listed with nothing after it (a new file lists them all) has no answer yet
        if existing.get(item_id) or r.level is None:
            continue
        if keep is not None and item_id not in keep:
            continue  # its meaning changed: last year's answer would not be a fair one
        target.set_level(item_id, r.level)
        if r.evidence:
            target.set_evidence(item_id, r.evidence)
        target.set_carried_over(item_id, True)
        copied += 1
    if keep is not None:
        mark_afresh(target, previous, frameworks=known)
    prev_dims = previous.doc.get("dimensions") or {}
    for dim_id in prev_dims:
        carried = False
        if target.target(dim_id) is None and previous.target(dim_id) is not None:
            target.set_target(dim_id, previous.target(dim_id))
            carried = True
        if not target.notes(dim_id) and previous.notes(dim_id):
            target.set_notes(dim_id, previous.notes(dim_id))
            carried = True
        if carried:
            target.set_dimension_carried_over(dim_id, True)
    for action in previous.actions():
        if action.status == "open":
            due = action.due if action.due is not None and action.due >= today else None
            target.add_action(action.dimension, action.action, action.owner, due, "open", True)
    return copied
