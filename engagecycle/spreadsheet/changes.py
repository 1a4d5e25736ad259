"""What an import changed, in words a facilitator can check against the workbook.

`ImportResult` is what `import_workbook` returns; its `report` is what `engagecycle import`
prints: per dimension the answers, targets and notes changed, the action plan, the
assessment's details, answers confirmed or still carried over, and rows left as the file had
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..framework import Framework
from ..store import display_path
from .merging import DETAIL_FIELDS, ITEM_FIELDS, MergeResult
from .sheets import SheetProblem

WORDS = {
    "level": ("level", "levels"),
    "ratings": ("set of individual ratings", "sets of individual ratings"),
    "evidence": ("evidence note", "evidence notes"),
    "discuss": ("discuss flag", "discuss flags"),
    "agreed": ("agreed outcome", "agreed outcomes"),
    "carried over": ("carried-over mark", "carried-over marks"),
}


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass
class ImportResult:
    file: str
    path: Path
    code: str
    period: str
    name: str
    created: bool
    replace: bool
    dry_run: bool
    written: bool
    merge: MergeResult
    warnings: list[SheetProblem]
    counts: dict[str, int]

    def report(self, framework: Framework) -> str:
        """What changed, per dimension, in words a facilitator can check."""
        shown = display_path(self.path)
        mode = "replaced from" if self.replace else "merged from"
        lines = [
            f"Read {self.file}: {self.counts['items']} item row(s), {self.counts['dims']} "
            f"dimension row(s), {self.counts['actions']} action row(s)."
        ]
        m = self.merge
        if not m.changed and not self.created:
            lines.append(f"No changes: {shown} already holds everything in the workbook.")
        else:
            verb = "Would create" if self.dry_run and self.created else "Created"
            if self.created:
                lines.append(f"{verb} {shown} for {self.name} ({self.code}), {self.period}.")
            head = "would be" if self.dry_run else "were"
            lines.append(f"Changes that {head} {mode} the workbook into {shown}:")
            untouched = 0
            for dim in framework.dimensions:
                what = m.changes.get(dim.id)
                if not what:
                    untouched += 1
                    continue
                parts = []
                n = m.items_changed.get(dim.id, 0)
                if n:
                    detail = ", ".join(
                        _count(what[k], *WORDS[k]) for k in ITEM_FIELDS.values() if what.get(k)
                    )
                    parts.append(f"{_count(n, 'answer', 'answers')} changed ({detail})")
                parts += [f"{k} changed" for k in ("target", "notes") if what.get(k)]
                lines.append(f"  {dim.title}: {'; '.join(parts)}")
            acts = [f"{m.actions[k]} {k}" for k in ("added", "updated", "removed") if m.actions[k]]
            if acts:
                lines.append(f"  Action plan: {', '.join(acts)}")
            if m.details:
                lines.append(
                    "  Assessment details: "
                    + ", ".join(DETAIL_FIELDS[f] for f in m.details)
                    + " changed"
                )
            if untouched:
                lines.append(f"  {untouched} other dimension(s) unchanged.")
        if m.confirmed:
            done = ", ".join(
                f"{framework.by_id[d].title} ({_count(n, 'answer', 'answers')})"
                for d, n in m.confirmed.items()
            )
            verb = "would be" if self.dry_run else "were"
            lines.append(
                f"Confirmed as a whole (Confirmed: Yes), carried-over marks {verb} cleared: {done}."
            )
        if m.unconfirmed:
            total = sum(m.unconfirmed.values())
            where = ", ".join(f"{framework.by_id[d].title} ({n})" for d, n in m.unconfirmed.items())
            lines.append(
                f"Still not confirmed: {_count(total, 'answer', 'answers')} carried over from "
                f"last year ({where}). Reports list them and leave them out of every change "
                "until the team confirms them (Carried over: No on the Items sheet, or "
                "Confirmed: Yes for a whole dimension)."
            )
        if m.actions["already"]:
            lines.append(
                f"{m.actions['already']} new action row(s) were already in the plan and "
                "were not added again."
            )
        if m.kept_newer:
            lines.append(
                f"{m.kept_newer} row(s) were left as the file has them: they changed in {shown} "
                "after this workbook was made, and not in the workbook."
            )
        if self.dry_run:
            lines.append("Dry run: nothing was written.")
        return "\n".join(lines) + "\n"
