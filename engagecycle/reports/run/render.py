"""One organisation's report: execute `notebooks/report.ipynb`, export HTML (and PDF)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ...assessment import period_slug
from .execute import NotebookRunner
from .export import html_to_pdf, notebook_to_html, write_html
from .notebooks import REPO, notebook_path, report_parameters


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


def render_notebook(
    name: str,
    parameters: dict,
    html_path: Path,
    *,
    default_title: str,
    pdf: bool = False,
    runner: NotebookRunner | None = None,
) -> Rendered:
    """Execute notebooks/<name>.ipynb with `parameters` and write it as a board-style page.

    The page title and footer come from the first output carrying `engagecycle` metadata
    (see `pages.html.Html`), else `default_title`. Pass a `runner` to reuse its kernel.
    """
    start = time.perf_counter()
    own_runner = runner is None
    runner = runner or NotebookRunner(notebook_path(name), cwd=REPO)
    try:
        nb = runner.run(parameters)
    finally:
        if own_runner:
            runner.close()
    title, footer = page_meta(nb, default_title)
    html = notebook_to_html(nb, title, footer)
    html_path = write_html(html, Path(html_path))
    result = Rendered(
        str(parameters.get("organisation", "")),
        str(parameters.get("period", "")),
        html_path,
        files=[str(html_path)],
    )
    if pdf:
        result.pdf = html_to_pdf(html_path, html_path.with_suffix(".pdf"))
        result.files.append(str(result.pdf))
    result.seconds = time.perf_counter() - start
    return result


def render_report(
    organisation: str,
    period: str,
    out_dir: Path,
    *,
    pdf: bool = False,
    runner: NotebookRunner | None = None,
    filename: str | None = None,
    **params,
) -> Rendered:
    """Run the report notebook for one organisation and write its HTML (and PDF).

    Keyword arguments other than the ones named are `report_parameters` options.
    """
    return render_notebook(
        "report",
        report_parameters(organisation, period, **params),
        Path(out_dir) / (filename or report_filename(organisation, period)),
        default_title=f"{organisation} {period}: Engagement Cycle benchmark report",
        pdf=pdf,
        runner=runner,
    )
