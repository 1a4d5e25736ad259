"""Plain-English helpers for every sentence the tool writes: lists, counts, capitals.

Charts (titles and alt text), report pages and the batch's pages all say "X, Y and Z" and
"3 items" the same way because they use these; pure functions, no dependencies.
"""

from __future__ import annotations

from collections.abc import Iterable


def join_words(parts: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c' (no Oxford comma, as in UK usage)."""
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def plural(n: int, one: str, many: str | None = None) -> str:
    """A count with its noun: plural(1, "item") -> "1 item", plural(3, "item") -> "3 items"."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def verb(n: int, one: str, many: str) -> str:
    """The verb that agrees with a count: verb(1, "needs", "need") -> "needs"."""
    return one if n == 1 else many


def share(n: int, total: int) -> str:
    """A whole percentage for reading ('19%'); '0%' when there is nothing to divide."""
    return f"{(n / total * 100 if total else 0):.0f}%"


def cap(text: str) -> str:
    """The first letter in capitals, the rest as it is ('baton dropped' -> 'Baton dropped')."""
    return text[:1].upper() + text[1:]
