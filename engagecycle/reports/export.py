"""HTML and PDF export of executed report notebooks.

We keep nbconvert (its exporter machinery and Jinja loader) but use a template of our own,
`templates/board`, instead of the JupyterLab one: it shows only display outputs, inlines a
small print-friendly stylesheet and references nothing outside the file. That is what lets a
report open offline and on locked-down NHS laptops, and keeps it well under 600 KB.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import nbformat

from ..errors import EngageError
from ..files import make_public, write_public_text

TEMPLATES = Path(__file__).parent / "templates"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?\b(?:src|href|data)\s*=\s*["']?\s*(?:https?:)?//""",
    re.IGNORECASE,
)
_CSS_URL = re.compile(r"""url\(\s*["']?\s*(?:https?:)?//|@import""", re.IGNORECASE)


@lru_cache(maxsize=1)
def _exporter():
    """One exporter per process: building it (Jinja environment, filters) costs ~0.2 s."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="board",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    return exporter


def notebook_to_html(nb: nbformat.NotebookNode, title: str, footer: str = "") -> str:
    """Render an executed notebook's display outputs into one self-contained page."""
    resources = {"engagecycle": {"title": title, "footer": footer}}
    html, _ = _exporter().from_notebook_node(nb, resources=resources)
    return html


def external_references(html: str) -> list[str]:
    """Every place the page would load something from the network (should be none)."""
    found = [m.group(0)[:120] for m in _EXTERNAL.finditer(html)]
    found += [m.group(0) for m in _CSS_URL.finditer(html)]
    return found


def write_html(html: str, path: Path) -> Path:
    bad = external_references(html)
    if bad:
        raise EngageError(f"refusing to write {path}: it references external resources: {bad[:3]}")
    return write_public_text(path, html)


def find_chromium() -> str | None:
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-extensions",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
)


def html_to_pdf(html_path: Path, pdf_path: Path, chromium: str | None = None) -> Path:
    """Print an HTML report to A4 PDF with headless Chromium (the page's @page rules apply)."""
    chromium = chromium or find_chromium()
    if not chromium:
        raise EngageError(
            "PDF export needs Chromium, and none was found on PATH "
            "(tried: " + ", ".join(CHROMIUM_CANDIDATES) + "). "
            "On Debian or Ubuntu: sudo apt-get install chromium. "
            "The HTML report was written and can be printed from any browser."
        )
    pdf_path = Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="engagecycle-chromium-") as profile:
        tmp_pdf = Path(profile) / "out.pdf"
        cmd = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={tmp_pdf}",
            Path(html_path).resolve().as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            raise EngageError(f"Chromium took too long to print {html_path}") from None
        if proc.returncode != 0 or not tmp_pdf.exists() or tmp_pdf.stat().st_size == 0:
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            raise EngageError(f"Chromium could not print {html_path} to PDF: {' '.join(tail)}")
        shutil.move(str(tmp_pdf), pdf_path)
    return make_public(pdf_path)
