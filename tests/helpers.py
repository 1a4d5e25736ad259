"""Small builders shared by tests: a tiny framework with hand-checkable numbers."""

from __future__ import annotations

from engagecycle.framework import DIMENSION_IDS, HANDOVER_FROM, HUB_IDS, parse_framework


def mini_framework_dict(items_per_dim: int = 3, weights: dict[str, float] | None = None) -> dict:
    weights = weights or {}
    dims = []
    for did in DIMENSION_IDS:
        items = []
        for n in range(1, items_per_dim + 1):
            iid = f"{did}.{n}"
            item = {
                "id": iid,
                "statement": f"Statement {iid}",
                "help": "help",
                "levels": {0: "none", 2: "some", 4: "all"},
            }
            if iid in weights:
                item["weight"] = weights[iid]
            if did in HANDOVER_FROM and n == 1:
                item["handover_from"] = HANDOVER_FROM[did]
            items.append(item)
        dims.append(
            {
                "id": did,
                "kind": "hub" if did in HUB_IDS else "stage",
                "title": did.title(),
                "short": did,
                "purpose": "p",
                "items": items,
            }
        )
    return {"id": "engagement-cycle", "version": 1, "title": "Mini", "dimensions": dims}


def mini_framework(**kw):
    return parse_framework(mini_framework_dict(**kw), "mini")


def store_v1(folder, *args, **kwargs):
    """A store whose brand-new assessments start on version 1 of the question bank.

    Version 2 is the default for new assessments (issue 12); tests written on version 1's
    items (the form, the workbook, saving) keep testing version 1 through this, and version 2
    is tested in the *_versions tests. Every version is still read.
    """
    from engagecycle.framework import load_framework
    from engagecycle.store import Store
    from engagecycle.versions import Frameworks

    if args or "framework" in kwargs or "frameworks" in kwargs:
        return Store(folder, *args, **kwargs)
    versions = Frameworks([load_framework(version=1), load_framework(version=2)], new_version=1)
    return Store(folder, frameworks=versions)
