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
from html.parser import HTMLParser
from pathlib import Path

import nbformat

from ...errors import EngageError
from ...files import make_public, write_public_text

TEMPLATES = Path(__file__).parents[1] / "templates"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@lru_cache(maxsize=1)
def exporter():
    """One exporter per process: building it (Jinja environment, filters) costs ~0.2 s."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name="board",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )


def notebook_to_html(nb: nbformat.NotebookNode, title: str, footer: str = "") -> str:
    """Render an executed notebook's display outputs into one self-contained page."""
    resources = {"engagecycle": {"title": title, "footer": footer}}
    html, _ = exporter().from_notebook_node(nb, resources=resources)
    return html


def external_references(html: str) -> list[str]:
    """Every place the page would load something from the network (should be none).

    Only what a browser fetches by itself counts: `src`, `srcset`, `data`, `poster` and
    stylesheet or icon links, `url(...)` and `@import` in styles, a refresh. A link a reader
    may click (`<a href>`) is not a load and is allowed when it is http(s), mailto or within
    the page; any other link (`javascript:`) is reported. Text is never inspected: an
    e-mail address such as pals@important.example that mentions "@import" is just text.
    """
    finder = _ResourceFinder()
    finder.feed(html)
    finder.close()
    return finder.found


# Attributes whose URL the browser fetches as soon as the page is shown.
_LOADS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "link": ("href",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "feimage": ("href", "xlink:href"),
    "base": ("href",),
}
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_CSS_LOAD = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)|@import\b""", re.IGNORECASE | re.DOTALL)


def _fetches(url: str) -> bool:
    """Would a browser showing a saved page go to the network (or elsewhere) for `url`?"""
    url = url.strip()
    if not url or url.startswith("#"):
        return False
    if url.startswith("//"):
        return True
    m = _SCHEME.match(url)
    return bool(m) and m.group(1).lower() != "data"


def _css_loads(css: str) -> list[str]:
    found = []
    for m in _CSS_LOAD.finditer(css):
        if m.group(0).lower().startswith("@import") or _fetches(m.group(2) or ""):
            found.append(m.group(0)[:120])
    return found


class _ResourceFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        for name in _LOADS.get(tag, ()):
            value = values.get(name, "")
            urls = (
                [part.split()[0] for part in value.split(",") if part.split()]
                if (name == "srcset")
                else [value]
            )
            for url in urls:
                if _fetches(url):
                    self.found.append(f"<{tag} {name}={url[:100]!r}>")
        if tag == "a" and "href" in values:
            href = values["href"].strip()
            m = _SCHEME.match(href)
            if m and m.group(1).lower() not in ("http", "https", "mailto"):
                self.found.append(f"<a href={href[:100]!r}> (a link that is not a web address)")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.found.append(f"<meta http-equiv=refresh content={values.get('content', '')!r}>")
        if "style" in values:
            self.found += _css_loads(values["style"])
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found += _css_loads(data)


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
