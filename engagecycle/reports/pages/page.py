"""What every page (a report, the overview, a dimension page) is: a title, a footer and its
sections in order.

A page's notebook is its parameters and one cell per section (`report.wheel()`), so each
section is a method returning `Html`; `sections` names them top to bottom, which is how
`all_sections` renders the whole page without a notebook (tests, previews) and how a new
section is added: write the method, add its name. The first section (the headline)
carries the page's title and footer to the exporter (`head`).
"""

from __future__ import annotations

from typing import ClassVar

from .html import Html


class Page:
    """Base of the three pages; subclasses set `sections` and `title`."""

    sections: ClassVar[tuple[str, ...]] = ()

    @property
    def title(self) -> str:
        raise NotImplementedError

    @property
    def footer(self) -> str:
        return f"{self.title} · engagecycle"

    def head(self, html: str) -> Html:
        """The headline section, carrying the page's title and footer to the exporter."""
        return Html(html, {"title": self.title, "footer": self.footer})

    def all_sections(self) -> str:
        """The whole page body, section after section, as the notebook shows it."""
        return "\n".join(getattr(self, name)().html for name in self.sections)
