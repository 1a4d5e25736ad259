"""Plain-English helpers for every sentence the tool writes: lists, counts, capitals and the
names of dimensions.

Charts (titles and alt text), report pages and the batch's pages all say "X, Y and Z",
"3 items" and "Staff support" the same way because they use these; pure functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .framework import Framework


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


def only(n: int, of: str) -> str:
    """'only 3 of the 38 items', or 'none of the 38 items': never 'only 0 of'."""
    return f"none of {of}" if n == 0 else f"only {n} of {of}"


def cap(text: str) -> str:
    """The first letter in capitals, the rest as it is ('baton dropped' -> 'Baton dropped')."""
    return text[:1].upper() + text[1:]


def dimension_short(framework: Framework, dim: str) -> str:
    """A dimension's short label, capitalised ('Staff support'); hub, cycle and overall by
    their names; anything else as given."""
    if dim in framework.by_id:
        return cap(framework.by_id[dim].short)
    return {"overall": "Overall", "hub": "Hub", "cycle": "Cycle"}.get(dim, dim)


def dimension_title(framework: Framework, dim: str) -> str:
    """A dimension's full title ('Staff support and development'); else the id, capitalised."""
    return framework.by_id[dim].title if dim in framework.by_id else dim.title()


def handover_name(framework: Framework, from_stage: str, to_stage: str) -> str:
    """A hand-over between stages in words: 'Identify needs → Develop plans'."""
    return f"{dimension_short(framework, from_stage)} → {dimension_short(framework, to_stage)}"
