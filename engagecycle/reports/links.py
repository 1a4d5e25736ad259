"""Web and e-mail addresses in evidence, shown as plain links that cannot run anything.

Teams paste addresses into evidence ("minutes at https://...", "contact pals@..."). A
reader of the report should be able to click them, and nothing else in the text may become
markup. So `linkify` escapes the whole text and turns into a link only what it recognises as
an http(s) address, a `www.` address or an e-mail address, with an `href` it builds itself
(never `javascript:` or any other scheme), `rel="noopener noreferrer"` and a new tab. A link
is something a reader may follow, not something the page loads, so it does not break the
"no network request" rule the export checks (`export.external_references`).
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

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
