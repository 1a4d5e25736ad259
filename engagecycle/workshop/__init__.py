"""The workshop form: a facilitator-friendly ipywidgets form that never loses an answer.

`session` holds the state and rules (no widgets); `form` is the ipywidgets view; `launch`
is what `notebooks/workshop.ipynb` calls; `cli` adds `engagecycle workshop`.
"""

from __future__ import annotations

from typing import Any

from .session import SaveStatus, WorkshopSession, open_or_create, parse_dimensions

__all__ = ["SaveStatus", "WorkshopSession", "open_or_create", "open_workshop", "parse_dimensions"]


def open_workshop(*args: Any, **kwargs: Any) -> Any:
    """See `engagecycle.workshop.launch.open_workshop` (imported lazily: it loads ipywidgets)."""
    from .launch import open_workshop as _open

    return _open(*args, **kwargs)
