"""Problems and exceptions that reach users.

Every validation step collects `Problem`s instead of stopping at the first one, because a
facilitator fixing a file by hand wants the whole list in one go, not one error per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, phrased so a non-programmer can fix it."""

    file: str
    where: str
    message: str
    value: Any = None
    allowed: str = ""
    line: int | None = None
    has_value: bool = True

    def __str__(self) -> str:
        loc = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{loc}: {self.where}: {self.message}" if self.where else f"{loc}: {self.message}"
        if self.has_value:
            text += f" (found {describe_value(self.value)}"
            text += f"; allowed: {self.allowed})" if self.allowed else ")"
        elif self.allowed:
            text += f" (allowed: {self.allowed})"
        return text


def describe_value(value: Any) -> str:
    """Show a value with its YAML type, because `"3"` (text) and `3` (number) look alike."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no)"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"{shown!r} (text)"
    if isinstance(value, int):
        return f"{value} (whole number)"
    if isinstance(value, float):
        return f"{value} (decimal number)"
    if isinstance(value, datetime):
        return f"{value.isoformat(sep=' ')} (a date and a time)"
    if isinstance(value, date):
        return f"{value.isoformat()} (a date)"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


class EngageError(Exception):
    """An error the CLI reports as a plain message (no traceback unless --debug)."""


class FrameworkError(EngageError):
    """The framework file itself is invalid; nothing can be scored against it."""


class ValidationFailed(EngageError):
    """A file has problems; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ConflictError(EngageError):
    """The file changed on disk since it was opened; saving would overwrite someone's work."""


class PathError(EngageError):
    """A path would fall outside the assessments folder, or a file already exists."""
