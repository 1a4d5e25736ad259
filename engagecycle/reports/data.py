"""Getting the scored data a report needs: from the assessments folder, or from a bundle.

A batch scores everything once and writes a *bundle* (the score table, the item table and
the parsed assessments) so that each report reads it instead of parsing and re-scoring every
file. The bundle holds every organisation's evidence, so it is a working file: it is written
into a private temporary folder (`files.private_workdir`), never into an output folder, and
it is JSON, so reading one can never run code (a pickle could).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from ..assessment import Assessment, normalise_code, normalise_period
from ..errors import EngageError
from ..files import read_json, write_private_json
from ..framework import Framework, load_framework
from ..scoring import item_table, score_table
from ..store import Store
from ..versions import Frameworks, as_frameworks

BUNDLE_VERSION = 3  # 1 was a pickle; 2 knew one framework version
BUNDLE_KIND = "engagecycle score bundle"


@dataclass
class Scored:
    framework: Framework  # the dimensions (the same in every version) and the newest items
    assessments: list[Assessment]
    scores: pd.DataFrame
    items: pd.DataFrame
    problems: list  # invalid files found while loading (reported, never fatal)
    # Every version the assessments may be on (each is scored against its own). Left out, it
    # is every packaged version when `framework` is a packaged one, else `framework` alone: a
    # test's or a custom question bank must not be read as a packaged version of that number.
    frameworks: Frameworks = None  # type: ignore[assignment]  # set in __post_init__

    def __post_init__(self) -> None:
        if self.frameworks is None:
            packaged = Frameworks.packaged()
            same = packaged.by_version.get(self.framework.version) is self.framework
            self.frameworks = packaged if same else Frameworks.only(self.framework)

    def framework_of(self, assessment: Assessment) -> Framework:
        """The version one assessment was answered with: its report reads that version's items."""
        return self.frameworks.for_assessment(assessment)

    def framework_for_period(self, period: str) -> Framework:
        """The version most of a period's assessments are on (the newer on a tie).

        The overview and the dimension pages read their item statements from it; the
        dimensions, hub and cycle are the same in every version.
        """
        counts: dict[int, int] = {}
        for a in self.assessments:
            if a.period == period:
                v = self.framework_of(a).version
                counts[v] = counts.get(v, 0) + 1
        if not counts:
            return self.framework
        return self.frameworks.get(max(counts, key=lambda v: (counts[v], v)))


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


def score_folder(folder: str | Path, framework: Framework | Frameworks | None = None) -> Scored:
    """Load and score a folder: each file against the version it records (default: every
    packaged version), or against the one `framework` given."""
    known = as_frameworks(framework)
    result = Store(find_folder(folder), frameworks=known).load_all()
    items = item_table(result.assessments, known)
    scores = score_table(result.assessments, known, items=items)
    return Scored(known.newest, result.assessments, scores, items, result.problems, known)


def _frame(df: pd.DataFrame) -> dict:
    """A DataFrame as plain JSON: column order, dtypes and values (missing as null)."""
    columns = {}
    for col in df.columns:
        values = df[col].astype(object).where(df[col].notna(), None).tolist()
        columns[str(col)] = values
    return {
        "columns": [str(c) for c in df.columns],
        "dtypes": {str(c): str(t) for c, t in df.dtypes.items()},
        "values": columns,
    }


def _unframe(data: dict) -> pd.DataFrame:
    out = pd.DataFrame({c: data["values"][c] for c in data["columns"]}, columns=data["columns"])
    for col, dtype in data["dtypes"].items():
        out[col] = out[col].astype(dtype)
    return out


def write_bundle(scored: Scored, path: Path) -> Path:
    """Write the bundle as an owner-only JSON file; `path` belongs in a private folder."""
    payload = {
        "kind": BUNDLE_KIND,
        "version": BUNDLE_VERSION,
        "framework": str(scored.framework.source or ""),
        "frameworks": [
            str(fw.source or "") for _, fw in sorted(scored.frameworks.by_version.items())
        ],
        "scores": _frame(scored.scores),
        "items": _frame(scored.items),
        "docs": [(str(a.path) if a.path else "", _plain(a.doc)) for a in scored.assessments],
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_private_json(path, payload)


def read_bundle(path: str | Path) -> Scored:
    try:
        payload = read_json(path)
    except FileNotFoundError:
        raise EngageError(f"score bundle not found: {path}") from None
    except (UnicodeDecodeError, ValueError):
        raise EngageError(f"{path} is not a score bundle written by engagecycle") from None
    if not isinstance(payload, dict) or payload.get("kind") != BUNDLE_KIND:
        raise EngageError(f"{path} is not a score bundle written by engagecycle")
    if payload.get("version") != BUNDLE_VERSION:
        raise EngageError(f"{path} was written by another version of engagecycle; re-run batch")
    framework = load_framework(payload["framework"] or None)
    sources = payload.get("frameworks") or []
    packaged = Frameworks.packaged()
    if sorted(sources) == sorted(str(fw.source) for fw in packaged.by_version.values()):
        known = packaged
    else:
        known = Frameworks([load_framework(s or None) for s in sources] or [framework])
    assessments = [Assessment(doc, Path(p) if p else None) for p, doc in payload["docs"]]
    scores, items = _unframe(payload["scores"]), _unframe(payload["items"])
    return Scored(framework, assessments, scores, items, [], known)


def _plain(obj):
    """Round-trip YAML nodes as plain JSON values; dates as ISO text (the model reads both)."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, datetime):
        return obj.date().isoformat()
    if isinstance(obj, date):
        return obj.isoformat()
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
