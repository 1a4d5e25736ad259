"""Every link a page makes: addresses in evidence, links between the batch's own pages.

Web and e-mail addresses in evidence are shown as plain links that cannot run anything.

Teams paste addresses into evidence ("minutes at https://...", "contact pals@..."). A
reader of the report should be able to click them, and nothing else in the text may become
markup. So `linkify` escapes the whole text and turns into a link only what it recognises as
an http(s) address, a `www.` address or an e-mail address, with an `href` it builds itself
(never `javascript:` or any other scheme), `rel="noopener noreferrer"` and a new tab. A link
is something a reader may follow, not something the page loads, so it does not break the
"no network request" rule the export checks (`export.external_references`).

Links between pages come from patterns ("reports/{organisation}.html") with every value
URL-quoted, so a code or id can never break out of the path.
"""

from __future__ import annotations

import re
import string
from html import escape
from urllib.parse import quote, urlsplit

from ...errors import EngageError

# An address ends at white space, quotes or angle brackets; trailing punctuation that ends
# a sentence is trimmed afterwards.
_ADDRESS = re.compile(
    r"""(?P<url>\bhttps?://[^\s<>"'`]+)"""
    r"""|(?P<www>\bwww\.[^\s<>"'`]+)"""
    r"""|(?P<mail>\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b)""",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"”’)]}>"
SCHEMES = ("http", "https", "mailto")


def _trim(address: str) -> str:
    """Drop sentence punctuation after an address; keep a closing bracket it opened."""
    while address and address[-1] in _TRAILING:
        closer = address[-1]
        opener = {")": "(", "]": "[", "}": "{"}.get(closer)
        if opener and address.count(opener) >= address.count(closer):
            break
        address = address[:-1]
    return address


def safe_href(href: str) -> str | None:
    """`href` if it is an http(s) address with a host or a mailto address, else None."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        return None
    if scheme in ("http", "https") and not parts.hostname:
        return None
    if scheme == "mailto" and "@" not in parts.path:
        return None
    return href


def link(text: str, href: str) -> str:
    return (
        f'<a href="{escape(href, quote=True)}" rel="noopener noreferrer" target="_blank">'
        f"{escape(text, quote=True)}</a>"
    )


def linkify(text: object) -> str:
    """HTML for `text`: everything escaped, web and e-mail addresses as safe links."""
    text = "" if text is None else str(text)
    out: list[str] = []
    pos = 0
    for m in _ADDRESS.finditer(text):
        shown = _trim(m.group())
        if not shown:
            continue
        if m.group("url"):
            href = shown
        elif m.group("www"):
            href = "https://" + shown
        else:
            href = "mailto:" + shown
        href = safe_href(href)
        if href is None:
            continue
        start, end = m.start(), m.start() + len(shown)
        out.append(escape(text[pos:start], quote=True))
        out.append(link(shown, href))
        pos = end
    out.append(escape(text[pos:], quote=True))
    return "".join(out)


def link_href(pattern: str, what: str, **fields: str) -> str:
    """The address for one link from a pattern like "reports/{organisation}.html"; "" if none.

    Values are URL-quoted (a code or id can never break out of the path), and an unknown
    placeholder is a clear error naming the parameter and the placeholders allowed.
    """
    pattern = str(pattern or "").strip()
    if not pattern:
        return ""
    allowed = sorted(fields)
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None]
    except ValueError as exc:
        raise EngageError(f"{what} pattern {pattern!r} is not valid: {exc}") from None
    bad = [n for n in names if n not in fields]
    if bad:
        raise EngageError(
            f"{what} pattern {pattern!r} uses {{{bad[0]}}}; allowed placeholders: "
            + ", ".join("{" + a + "}" for a in allowed)
        )
    return pattern.format(**{k: quote(str(v), safe="") for k, v in fields.items()})


def linked(text_html: str, href: str) -> str:
    """`text_html` (already escaped) wrapped in a link when there is an address."""
    return f'<a href="{escape(href, quote=True)}">{text_html}</a>' if href else text_html


def file_href(path: str) -> str:
    """A relative link to one of the batch's own files (each path segment URL-quoted)."""
    return escape("/".join(quote(part, safe="") for part in str(path).split("/")), quote=True)


def report_link(code: str, name: str, pattern: str, period_slug: str) -> str:
    """An organisation's name, linked to its report when there is a `pattern` for it."""
    href = link_href(pattern, "report_links", organisation=code, period=period_slug)
    return linked(escape(str(name), quote=True), href)


def dimension_link(dim: str, title: str, pattern: str, period_slug: str) -> str:
    """A dimension's title, linked to its page when there is a `pattern` for it."""
    href = link_href(pattern, "dimension_links", dimension=dim, period=period_slug)
    return linked(escape(str(title), quote=True), href)
