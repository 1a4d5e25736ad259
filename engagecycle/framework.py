"""The Engagement Cycle framework as data: loading and validation.

The question bank lives in YAML so that it can be reviewed by engagement leads who do not
read Python, and versioned: every assessment records the framework id and version it was
answered against, and item ids never change meaning once released.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import FrameworkError, Problem
from .levels import LEVELS
from .yamlio import YamlSyntaxError, load_plain

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
DEFAULT_PATH = Path(__file__).parent / "frameworks" / "engagement-cycle.yaml"
_ITEM_ID = re.compile(r"^([a-z-]+)\.([1-9][0-9]*)$")


@dataclass(frozen=True)
class Item:
    id: str
    dimension: str
    number: int
    statement: str
    help: str
    levels: dict[int, str]
    weight: float = 1.0
    handover_from: str | None = None


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


def _text(raw: dict, key: str, where: str, problems: list[Problem], src: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(src, f"{where}.{key}", "must be non-empty text", value, "text"))
        return ""
    return value.strip()


def parse_framework(raw: object, source: str = "<framework>") -> Framework:
    """Build a Framework from parsed YAML, raising FrameworkError listing every problem."""
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise FrameworkError(f"{source}: the framework file must be a mapping")
    fw_id = raw.get("id")
    version = raw.get("version")
    if not isinstance(fw_id, str) or not fw_id:
        problems.append(Problem(source, "id", "framework id missing", fw_id, "text"))
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append(Problem(source, "version", "bad version", version, "a whole number >= 1"))
    levels = raw.get("levels") or LEVELS
    dims_raw = raw.get("dimensions")
    if not isinstance(dims_raw, list):
        problems.append(Problem(source, "dimensions", "must be a list", dims_raw, "a list"))
        dims_raw = []

    dims: list[Dimension] = []
    seen_items: set[str] = set()
    seen_dims: set[str] = set()
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
            m = _ITEM_ID.match(iid) if isinstance(iid, str) else None
            if not m or m.group(1) != did:
                problems.append(
                    Problem(source, f"{where}.items[{j}].id", "bad item id", iid, f"{did}.<n>")
                )
                continue
            if iid in seen_items:
                problems.append(Problem(source, iid, "duplicate item id", iid))
            seen_items.add(iid)
            lv = it.get("levels") or {}
            if not isinstance(lv, dict) or not all(k in lv for k in (0, 2, 4)):
                problems.append(
                    Problem(source, f"{iid}.levels", "must describe at least levels 0, 2 and 4", lv)
                )
                lv = {}
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
            items.append(
                Item(
                    id=iid,
                    dimension=did,
                    number=int(m.group(2)),
                    statement=_text(it, "statement", iid, problems, source),
                    help=str(it.get("help") or "").strip(),
                    levels={int(k): str(v).strip() for k, v in lv.items()},
                    weight=float(weight),
                    handover_from=hf,
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
                title=_text(d, "title", where, problems, source),
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
    if problems:
        raise FrameworkError(
            f"the framework file {source} is invalid:\n" + "\n".join(f"  {p}" for p in problems)
        )
    order = {d: n for n, d in enumerate(DIMENSION_IDS)}
    dims.sort(key=lambda d: order[d.id])
    return Framework(
        id=fw_id,
        version=version,
        title=str(raw.get("title") or fw_id),
        levels={int(k): str(v) for k, v in dict(levels).items()},
        dimensions=tuple(dims),
        source=source,
    )


def load_framework(path: str | Path | None = None) -> Framework:
    """Load and validate a framework file (the packaged one by default; cached)."""
    return _load_cached(str(Path(path).resolve()) if path else str(DEFAULT_PATH))


@lru_cache(maxsize=8)
def _load_cached(path: str) -> Framework:
    try:
        raw = load_plain(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FrameworkError(f"framework file not found: {path}") from None
    except YamlSyntaxError as exc:
        raise FrameworkError(f"{path}:{exc.line}: the framework is not valid YAML: {exc}") from None
    return parse_framework(raw, path)
