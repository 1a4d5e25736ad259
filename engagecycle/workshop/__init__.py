"""The workshop form: a facilitator-friendly ipywidgets form that never loses an answer.

`session` holds the state and rules (no widgets), with `merge` (conflicts, part by part) and
`dates` (UK dates); `form` is the ipywidgets view; `launch` is what `notebooks/workshop.ipynb`
calls and decides which assessment a page may open; `cli` adds `engagecycle workshop`, and
`server` runs Voilà with the hooks the form relies on.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SaveStatus", "WorkshopSession", "open_or_create", "open_workshop", "parse_dimensions"]
_FROM_SESSION = {"SaveStatus", "WorkshopSession", "open_or_create", "parse_dimensions"}


def __getattr__(name: str) -> Any:
    """The session's names, imported on first use: `engagecycle workshop --help` (which
    imports this package for its `cli`) should not load pandas and the session."""
    if name in _FROM_SESSION:
        from . import session

        return getattr(session, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_workshop(*args: Any, **kwargs: Any) -> Any:
    """See `engagecycle.workshop.launch.open_workshop` (imported lazily: it loads ipywidgets)."""
    from .launch import open_workshop as _open

    return _open(*args, **kwargs)
