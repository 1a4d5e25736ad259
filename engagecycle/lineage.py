"""How one framework version's items relate to the previous version's.

Year on year across versions rests on this map: an answer is carried over, and compared, only
where the meaning is the same. So the map must be complete both ways and an id must never
come back with another meaning; `check_lineage` proves both before a framework is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import Problem

if TYPE_CHECKING:
    from .framework import Framework


def check_lineage(new: Framework, old: Framework) -> list[Problem]:
    """Every problem with `new`'s lineage against `old` (its previous version).

    Every item of `old` must be accounted for exactly once: kept (an item of `new` with the same
    id and kind same or reworded), changed (a source of a split or a merge) or retired. A kept
    id must exist in `old`, and kind same means the statement is word for word the old one.
    Split, merged and new items must not reuse an id of `old`, and take the next unused numbers
    in their dimension, so an id's number alone shows it is new. A split source feeds at least
    two items.
    """
    src = new.source or "<framework>"
    problems: list[Problem] = []

    def add(where: str, message: str, value: object = None, allowed: str = "") -> None:
        problems.append(Problem(src, where, message, value, allowed))

    if new.id != old.id or new.previous_version != old.version:
        got = f"{new.id} version {new.previous_version}"
        add(
            "previous_version",
            "lineage refers to another framework",
            got,
            f"{old.id} v{old.version}",
        )
        return problems
    ov = old.version
    fates: dict[str, list[str]] = {i: [] for i in old.items}
    feeds: dict[str, int] = {}
    for item in new.items.values():
        lin = item.lineage
        if lin is None:
            add(f"{item.id}.lineage", "missing", None, "{kind, from}")
        elif lin.carried:
            if item.id not in old.items:
                add(
                    f"{item.id}.lineage",
                    f"kind {lin.kind}, but version {ov} has no such item",
                    item.id,
                    f"an id of version {ov}, or kind new",
                )
                continue
            fates[item.id].append(lin.kind)
            before = old.items[item.id].statement
            if lin.kind == "same" and item.statement != before:
                add(
                    f"{item.id}.statement",
                    f"kind same, but differs from version {ov}",
                    item.statement,
                    f"{before!r}, or kind reworded",
                )
        else:
            if item.id in old.items:
                add(
                    item.id,
                    f"kind {lin.kind} reuses an id of version {ov}",
                    item.id,
                    "a new number: an id never changes meaning",
                )
            for s in lin.sources:
                if s in old.items:
                    fates[s].append(f"{lin.kind} into {item.id}")
                    feeds[s] = feeds.get(s, 0) + 1
                else:
                    add(f"{item.id}.lineage.from", f"not an item of version {ov}", s)
    for item in new.items.values():
        lin = item.lineage
        if lin and lin.kind == "split" and any(feeds.get(s, 0) < 2 for s in lin.sources):
            add(
                f"{item.id}.lineage",
                "a split source must feed two or more items",
                list(lin.sources),
            )
    for rid in new.retired:
        if rid in old.items:
            fates[rid].append("retired")
        else:
            add(f"retired {rid}", f"not an item of version {ov}", rid)
    for oid, fate in fates.items():
        kinds = {f.split(" ")[0] for f in fate}
        roles = bool(kinds & {"same", "reworded"}) + ("retired" in kinds)
        roles += bool(kinds & {"split", "merged"})
        if not fate:
            add(
                f"version {ov} item {oid}",
                "not accounted for",
                None,
                "keep it (same or reworded), split or merge it, or list it under retired",
            )
        elif roles > 1:
            add(
                f"version {ov} item {oid}",
                "accounted for more than once",
                "; ".join(fate),
                "exactly one of kept, changed or retired",
            )
    for dim in new.dimensions:
        earlier = old.by_id[dim.id].items if dim.id in old.by_id else ()
        first = max((i.number for i in earlier), default=0) + 1
        fresh = sorted(i.number for i in dim.items if i.lineage and not i.lineage.carried)
        if fresh and fresh != list(range(first, first + len(fresh))):
            add(
                f"dimension {dim.id}",
                "new ids must take the next unused numbers",
                [f"{dim.id}.{n}" for n in fresh],
                f"{dim.id}.{first} onwards, without gaps",
            )
    return problems
