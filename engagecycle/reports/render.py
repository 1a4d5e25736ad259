"""One organisation's report: execute `notebooks/report.ipynb`, export HTML (and PDF)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..assessment import period_slug
from ..errors import EngageError
from .execute import NotebookRunner
from .export import html_to_pdf, notebook_to_html, write_html

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"


def notebook_path(name: str) -> Path:
    path = NOTEBOOKS / f"{name}.ipynb"
    if not path.exists():
        raise EngageError(
            f"notebook not found: {path}. Reports run from a checkout of the repository "
            "(pip install -e .), where notebooks/ sits beside the package."
        )
    return path


def report_filename(organisation: str, period: str) -> str:
    return f"{organisation}-{period_slug(period)}.html"


def page_meta(nb, default_title: str) -> tuple[str, str]:
    """Title and footer that the report's headline output carries in its metadata."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("engagecycle", {})
            if meta.get("title"):
                return meta["title"], meta.get("footer", "")
    return default_title, ""


@dataclass
class Rendered:
    organisation: str
    period: str
    html: Path
    pdf: Path | None = None
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)


def render_report(
    organisation: str,
    period: str,
    out_dir: Path,
    *,
    assessments: str | Path = "assessments",
    bundle: str | Path = "",
    peer_group: str = "",
    anonymise: bool = True,
    min_peers: int = 5,
    as_of: str = "",
    pdf: bool = False,
    runner: NotebookRunner | None = None,
    filename: str | None = None,
) -> Rendered:
    """Run the report notebook for one organisation and write its HTML (and PDF)."""
    start = time.perf_counter()
    params = {
        "organisation": str(organisation),
        "period": str(period),
        "assessments": str(Path(assessments).resolve()),
        "bundle": str(Path(bundle).resolve()) if bundle else "",
        "peer_group": peer_group or "",
        "anonymise": bool(anonymise),
        "min_peers": int(min_peers),
        "as_of": as_of or "",
    }
    own_runner = runner is None
    runner = runner or NotebookRunner(notebook_path("report"), cwd=REPO)
    try:
        nb = runner.run(params)
    finally:
        if own_runner:
            runner.close()
    title, footer = page_meta(nb, f"{organisation} {period}: Engagement Cycle benchmark report")
    html = notebook_to_html(nb, title, footer)
    out_dir = Path(out_dir)
    html_path = write_html(html, out_dir / (filename or report_filename(organisation, period)))
    result = Rendered(str(organisation), str(period), html_path, files=[str(html_path)])
    if pdf:
        result.pdf = html_to_pdf(html_path, html_path.with_suffix(".pdf"))
        result.files.append(str(result.pdf))
    result.seconds = time.perf_counter() - start
    return result
