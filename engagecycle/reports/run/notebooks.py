"""The notebooks: where they are (beside the package, in a checkout of the repository) and
the parameters the report notebook takes.

Kept apart from `render` so that the batch (in its main process and in every worker) knows
them without importing nbconvert and nbformat (0.8 s) before its workers start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...benchmark.rules import MIN_PEERS
from ...errors import EngageError

REPO = Path(__file__).resolve().parents[3]
NOTEBOOKS = REPO / "notebooks"
REPORT_NOTEBOOK = NOTEBOOKS / "report.ipynb"


def notebook_path(name: str) -> Path:
    """notebooks/<name>.ipynb, or a clear error when the package is not in a checkout."""
    path = NOTEBOOKS / f"{name}.ipynb"
    if not path.exists():
        raise EngageError(
            f"notebook not found: {path}. Reports run from a checkout of the repository "
            "(pip install -e .), where notebooks/ sits beside the package."
        )
    return path


def report_parameters(
    organisation: str,
    period: str,
    *,
    assessments: str | Path = "assessments",
    bundle: str | Path = "",
    peer_group: str = "",
    anonymise: bool = True,
    min_peers: int = MIN_PEERS,
    as_of: str = "",
) -> dict[str, Any]:
    """Parameters for notebooks/report.ipynb, with absolute paths (workers share no cwd)."""
    return {
        "organisation": str(organisation),
        "period": str(period),
        "assessments": str(Path(assessments).resolve()),
        "bundle": str(Path(bundle).resolve()) if bundle else "",
        "peer_group": peer_group or "",
        "anonymise": bool(anonymise),
        "min_peers": int(min_peers),
        "as_of": as_of or "",
    }
