"""Getting the scored data a report needs: from the assessments folder, or from a bundle.

A batch scores everything once and writes a *bundle* (the score table, the item table and
the parsed assessments) so that each report reads it in milliseconds instead of parsing and
re-scoring every file. A bundle is a pickle written by us into the output folder; only load
bundles you produced.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..assessment import Assessment, normalise_code, normalise_period
from ..errors import EngageError
from ..framework import Framework, load_framework
from ..scoring import item_table, score_table
from ..store import Store

BUNDLE_VERSION = 1


@dataclass
class Scored:
    framework: Framework
    assessments: list[Assessment]
    scores: pd.DataFrame
    items: pd.DataFrame
    problems: list  # invalid files found while loading (reported, never fatal)


def find_folder(name: str | Path) -> Path:
    """Resolve a folder given relative to the repository from wherever the kernel runs.

    JupyterLab starts kernels in the notebook's folder, papermill from the repo root; both
    should find `assessments/` without the user editing paths.
    """
    p = Path(name)
    if p.is_absolute() or p.exists():
        return p
    for parent in list(Path.cwd().parents)[:3]:
        if (parent / p).exists():
            return parent / p
    return p


def score_folder(folder: str | Path, framework: Framework | None = None) -> Scored:
    framework = framework or load_framework()
    result = Store(find_folder(folder), framework).load_all()
    items = item_table(result.assessments, framework)
    scores = score_table(result.assessments, framework, items=items)
    return Scored(framework, result.assessments, scores, items, result.problems)


def write_bundle(scored: Scored, path: Path) -> Path:
    payload = {
        "version": BUNDLE_VERSION,
        "framework": scored.framework.source,
        "scores": scored.scores,
        "items": scored.items,
        "docs": [(str(a.path) if a.path else "", _plain(a.doc)) for a in scored.assessments],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return path


def read_bundle(path: str | Path) -> Scored:
    try:
        with open(path, "rb") as fh:
            payload = pickle.load(fh)  # noqa: S301 - our own output file, see module doc
    except FileNotFoundError:
        raise EngageError(f"score bundle not found: {path}") from None
    if payload.get("version") != BUNDLE_VERSION:
        raise EngageError(f"{path} was written by another version of engagecycle; re-run batch")
    framework = load_framework(payload["framework"] or None)
    assessments = [Assessment(doc, Path(p) if p else None) for p, doc in payload["docs"]]
    return Scored(framework, assessments, payload["scores"], payload["items"], [])


def _plain(obj):
    """Round-trip YAML nodes to plain dicts/lists so the bundle pickles small and fast."""
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    if isinstance(obj, str):
        return str(obj)
    return obj


def resolve_organisation(value, known: list[str]) -> str:
    """An organisation code from a parameter that may have arrived as a number.

    papermill's `-p organisation 007` passes the int 7; when exactly one known code has that
    numeric value (e.g. "007"), that is the one meant.
    """
    code = normalise_code(value)
    if code in known:
        return code
    if isinstance(value, int | float) and not isinstance(value, bool):
        matches = [k for k in known if k.isdigit() and int(k) == int(value)]
        if len(matches) == 1:
            return matches[0]
    close = ", ".join(sorted(known)[:30])
    raise EngageError(f"no assessment for organisation {code!r}; organisations found: {close}")


def resolve_period(value, known: list[str]) -> str:
    period = normalise_period(value)
    if period == "latest" and known:
        return sorted(known)[-1]
    if period not in known:
        raise EngageError(
            f"no assessments for period {period!r}; periods found: {', '.join(sorted(known))}"
        )
    return period
