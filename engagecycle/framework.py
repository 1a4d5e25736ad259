"""The Engagement Cycle framework as data: loading and validation.

The question bank lives in YAML so that it can be reviewed by engagement leads who do not
read Python, and versioned: every assessment records the framework id and version it was
answered against, and item ids never change meaning once released. Every packaged version stays
loadable, so an old assessment is always scored against the bank it was answered with.

Two file formats exist. Format 1 (version 1) has level texts only. Format 2 (version 2 on) adds
what a board, a regulator or next year's team needs to trust an answer: what to count, the
evidence for each level, tags to the duty to involve and the national principles, and the
lineage of each item, so year on year compares only what means the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import FrameworkError, Problem
from .framework_format2 import (
    DIMENSION_KEYS,
    ITEM_ID,
    Header,
    Lineage,
    Scale,
    ScaleLevel,
    is_int,
    parse_header,
    parse_item,
    text,
    unknown_keys,
)
from .levels import LEVELS
from .yamlio import YamlSyntaxError, load_plain

__all__ = [
    "DIMENSION_IDS",
    "HANDOVER_FROM",
    "HUB_IDS",
    "NEW_ASSESSMENT_VERSION",
    "PACKAGED",
    "RETURNS_FROM",
    "STAGE_IDS",
    "Dimension",
    "Framework",
    "Item",
    "Lineage",
    "Scale",
    "ScaleLevel",
    "load_framework",
    "packaged_versions",
    "parse_framework",
]

HUB_IDS: tuple[str, ...] = (
    "vision",
    "strategy",
    "roles",
    "governance",
    "insight",
    "structures",
    "relationships",
    "resources",
    "staff-support",
    "public-support",
)
STAGE_IDS: tuple[str, ...] = ("identify", "develop", "improve", "procure", "monitor")
DIMENSION_IDS: tuple[str, ...] = HUB_IDS + STAGE_IDS
# The stage each stage receives the baton from (design §2).
HANDOVER_FROM: dict[str, str] = {
    "identify": "monitor",
    "develop": "identify",
    "improve": "develop",
    "procure": "improve",
    "monitor": "procure",
}
# The backward flows the cycle allows (stage -> stages it may receive from out of order):
# monitoring findings go back into redesign, and redesign can send questions back to the plans.
RETURNS_FROM: dict[str, tuple[str, ...]] = {"improve": ("monitor",), "develop": ("improve",)}
FRAMEWORK_ID = "engagement-cycle"
FRAMEWORK_DIR = Path(__file__).parent / "frameworks"
# Every released version, so that old assessments always find the bank they were answered with.
PACKAGED: dict[int, str] = {1: "engagement-cycle.yaml", 2: "engagement-cycle-v2.yaml"}
# What `load_framework()` returns with no path or version. The store, the reports and the
# batch read each assessment against the version it records (`versions.Frameworks`); the
# default serves callers that need only what every version shares (dimensions, levels).
DEFAULT_VERSION = 1
# The version a brand-new assessment starts on (`engagecycle new`, the workshop, the workbook).
# An organisation whose latest assessment is on a later version stays on that version (see
# `versions.Frameworks.for_new`). Version 2 since issue 12; version 1 files still validate and
# score against version 1.
NEW_ASSESSMENT_VERSION = 2
DEFAULT_PATH = FRAMEWORK_DIR / PACKAGED[DEFAULT_VERSION]
FORMATS = (1, 2)


@dataclass(frozen=True)
class Item:
    id: str
    dimension: str
    number: int
    statement: str
    help: str
    levels: dict[int, str]  # level -> what it looks like
    weight: float = 1.0
    handover_from: str | None = None
    # Format 2 only (empty or None in format 1):
    count: str = ""  # what the shares in the level texts are counted over
    evidence: dict[int, str] = field(default_factory=dict)  # level -> what would show it
    principles: tuple[int, ...] = ()
    duty: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    lineage: Lineage | None = None
    returns_from: str | None = None  # a backward flow this item checks (see RETURNS_FROM)


@dataclass(frozen=True)
class Dimension:
    id: str
    kind: str  # "hub" or "stage"
    title: str
    short: str
    purpose: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Framework:
    id: str
    version: int
    title: str
    levels: dict[int, str]
    dimensions: tuple[Dimension, ...]
    source: str = ""
    format: int = 1
    scale: Scale | None = None
    principles: dict[int, str] = field(default_factory=dict)
    duty: dict[str, str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)
    glossary: dict[str, str] = field(default_factory=dict)  # term -> plain meaning
    retired: dict[str, str] = field(default_factory=dict)  # previous-version id -> reason
    previous_version: int | None = None
    items: dict[str, Item] = field(init=False, repr=False)
    by_id: dict[str, Dimension] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", {i.id: i for d in self.dimensions for i in d.items})
        object.__setattr__(self, "by_id", {d.id: d for d in self.dimensions})

    def dimension(self, dim_id: str) -> Dimension:
        return self.by_id[dim_id]

    @property
    def hub(self) -> tuple[Dimension, ...]:
        return tuple(d for d in self.dimensions if d.kind == "hub")

    @property
    def stages(self) -> tuple[Dimension, ...]:
        return tuple(d for d in self.dimensions if d.kind == "stage")

    def handover_items(self) -> dict[str, Item]:
        """Stage id -> the item that checks the baton arrives at that stage."""
        return {i.dimension: i for i in self.items.values() if i.handover_from}


def parse_framework(raw: object, source: str = "<framework>") -> Framework:
    """Build a Framework from parsed YAML, raising FrameworkError listing every problem."""
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise FrameworkError(f"{source}: the framework file must be a mapping")
    fw_id = raw.get("id")
    version = raw.get("version")
    fmt = raw.get("format", 1)
    if not isinstance(fw_id, str) or not fw_id:
        problems.append(Problem(source, "id", "framework id missing", fw_id, "text"))
    if not is_int(version) or version < 1:
        problems.append(Problem(source, "version", "bad version", version, "a whole number >= 1"))
    if not is_int(fmt) or fmt not in FORMATS:
        problems.append(Problem(source, "format", "unknown file format", fmt, "1 or 2"))
        fmt = 1
    head = parse_header(raw, version, source, problems) if fmt == 2 else Header()
    if head.scale:
        levels = {n: s.name for n, s in head.scale.levels.items()}
    else:
        levels = raw.get("levels") or LEVELS
    dims_raw = raw.get("dimensions")
    if not isinstance(dims_raw, list):
        problems.append(Problem(source, "dimensions", "must be a list", dims_raw, "a list"))
        dims_raw = []

    dims: list[Dimension] = []
    seen_items: set[str] = set()
    seen_dims: set[object] = set()
    for n, d in enumerate(dims_raw, 1):
        if not isinstance(d, dict):
            problems.append(Problem(source, f"dimensions[{n}]", "must be a mapping", d))
            continue
        did = d.get("id")
        where = f"dimension {did or n}"
        if did in seen_dims:
            problems.append(Problem(source, where, "duplicate dimension id", did))
        seen_dims.add(did)
        if did not in DIMENSION_IDS:
            problems.append(
                Problem(source, where, "unknown dimension id", did, ", ".join(DIMENSION_IDS))
            )
        if fmt == 2:
            unknown_keys(d, DIMENSION_KEYS, where, source, problems)
        kind = d.get("kind")
        expected_kind = "hub" if did in HUB_IDS else "stage"
        if kind != expected_kind:
            problems.append(Problem(source, f"{where}.kind", "wrong kind", kind, expected_kind))
        items: list[Item] = []
        items_raw = d.get("items")
        if not isinstance(items_raw, list) or not items_raw:
            problems.append(Problem(source, f"{where}.items", "has no items", items_raw))
            items_raw = []
        for j, it in enumerate(items_raw, 1):
            if not isinstance(it, dict):
                problems.append(Problem(source, f"{where}.items[{j}]", "must be a mapping", it))
                continue
            iid = it.get("id")
            m = ITEM_ID.match(iid) if isinstance(iid, str) else None
            if not isinstance(iid, str) or not m or m.group(1) != did:
                problems.append(
                    Problem(source, f"{where}.items[{j}].id", "bad item id", iid, f"{did}.<n>")
                )
                continue
            if iid in seen_items:
                problems.append(Problem(source, iid, "duplicate item id", iid))
            seen_items.add(iid)
            if fmt == 2:
                texts, extra = parse_item(it, iid, head, source, problems)
            else:
                texts, extra = _levels_1(it, iid, source, problems), {}
            weight = it.get("weight", 1)
            if not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0:
                problems.append(Problem(source, f"{iid}.weight", "bad weight", weight, "> 0"))
                weight = 1
            hf = it.get("handover_from")
            if hf is not None and (did not in HANDOVER_FROM or HANDOVER_FROM[did] != hf):
                allowed = HANDOVER_FROM.get(did, "none (hub elements have no hand-over)")
                problems.append(
                    Problem(source, f"{iid}.handover_from", "bad hand-over", hf, allowed)
                )
            rf = it.get("returns_from")
            if rf is not None and (rf not in RETURNS_FROM.get(did, ()) or hf is not None):
                allowed = ", ".join(RETURNS_FROM.get(did, ())) or "none in this dimension"
                if hf is not None:
                    allowed += " (and no handover_from on the same item)"
                problems.append(
                    Problem(source, f"{iid}.returns_from", "bad backward flow", rf, allowed)
                )
            items.append(
                Item(
                    id=iid,
                    dimension=did,
                    number=int(m.group(2)),
                    statement=text(it, "statement", iid, problems, source),
                    help=str(it.get("help") or "").strip(),
                    levels=texts,
                    weight=float(weight),
                    handover_from=hf,
                    returns_from=rf,
                    **extra,
                )
            )
        if did in HANDOVER_FROM:
            n_hand = sum(1 for i in items if i.handover_from)
            if n_hand != 1:
                problems.append(
                    Problem(source, where, "needs exactly one hand-over item", n_hand, "1")
                )
        dims.append(
            Dimension(
                id=str(did),
                kind=str(kind),
                title=text(d, "title", where, problems, source),
                short=str(d.get("short") or d.get("title") or did),
                purpose=str(d.get("purpose") or "").strip(),
                items=tuple(items),
            )
        )
    missing = [i for i in DIMENSION_IDS if i not in seen_dims]
    if missing:
        problems.append(
            Problem(source, "dimensions", "contract dimensions missing", ", ".join(missing))
        )
    _raise_if(problems, source)
    # Both were reported above when wrong, so this never raises; it tells the type checker.
    if not isinstance(fw_id, str) or not is_int(version):
        raise FrameworkError(f"{source}: framework id or version not checked")
    order = {d: n for n, d in enumerate(DIMENSION_IDS)}
    dims.sort(key=lambda d: order[d.id])
    return Framework(
        id=fw_id,
        version=version,
        title=str(raw.get("title") or fw_id),
        levels={int(k): str(v) for k, v in dict(levels).items()},
        dimensions=tuple(dims),
        source=source,
        format=fmt,
        scale=head.scale,
        principles=head.principles,
        duty=head.duty,
        domains=head.domains,
        glossary=head.glossary,
        retired=head.retired,
        previous_version=head.previous_version,
    )


def _levels_1(it: dict, iid: str, source: str, problems: list[Problem]) -> dict[int, str]:
    """Format 1 levels: plain texts, at least 0, 2 and 4 described."""
    lv = it.get("levels") or {}
    if not isinstance(lv, dict) or not all(k in lv for k in (0, 2, 4)):
        problems.append(
            Problem(source, f"{iid}.levels", "must describe at least levels 0, 2 and 4", lv)
        )
        return {}
    return {int(k): str(v).strip() for k, v in lv.items()}


def _raise_if(problems: list[Problem], source: str) -> None:
    if problems:
        raise FrameworkError(
            f"the framework file {source} is invalid:\n" + "\n".join(f"  {p}" for p in problems)
        )


def packaged_versions() -> tuple[int, ...]:
    """Every framework version shipped with the package, oldest first."""
    return tuple(sorted(PACKAGED))


def load_framework(path: str | Path | None = None, *, version: int | None = None) -> Framework:
    """Load and validate a framework file (cached).

    With neither argument: the default packaged version. With `version`: that packaged
    version. With `path`: that file. A format 2 file whose previous version is packaged under
    the same id also has its lineage checked against it, so a broken map fails at load time
    rather than in a board's year-on-year figures.
    """
    if path is not None and version is not None:
        raise ValueError("give either a path or a packaged version, not both")
    if version is not None:
        if version not in PACKAGED:
            known = ", ".join(str(v) for v in packaged_versions())
            raise FrameworkError(f"no packaged framework version {version} (known: {known})")
        return _load_cached(str(FRAMEWORK_DIR / PACKAGED[version]))
    return _load_cached(str(Path(path).resolve()) if path else str(DEFAULT_PATH))


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Framework:
    try:
        raw = load_plain(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FrameworkError(f"framework file not found: {path}") from None
    except YamlSyntaxError as exc:
        raise FrameworkError(f"{path}:{exc.line}: the framework is not valid YAML: {exc}") from None
    fw = parse_framework(raw, path)
    if fw.previous_version in PACKAGED and fw.id == FRAMEWORK_ID:
        from .lineage import check_lineage  # lineage reads Framework objects: import late

        _raise_if(check_lineage(fw, load_framework(version=fw.previous_version)), path)
    return fw
