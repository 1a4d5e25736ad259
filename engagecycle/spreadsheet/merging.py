"""Merge a checked workbook into an assessment, row by row, without losing anyone's answer.

The second pass's rules (see `importer`): a blank cell leaves the saved answer alone unless
`replace` is set. Each row carries a fingerprint of the saved answer it was made from; if
the file changed since, rows the workbook did not change are left as the file has them, and
a row changed in both places is a conflict that stops the import. Everything happens on the
in-memory assessment through its mutators; saving is the importer's job.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace

from ..assessment import (
    Assessment,
)
from ..framework import Framework
from ..levels import NA, UNKNOWN
from ..store import display_path
from . import layout as L
from .sheets import Parsed, ParsedWorkbook, SheetProblem

ITEM_FIELDS = {
    "level": "level",
    "raters": "ratings",
    "evidence": "evidence",
    "flag": "discuss",
    "agreed": "agreed",
    "carried": "carried over",
}
DETAIL_FIELDS = {
    "assessed_on": "assessment date",
    "facilitator": "facilitator",
    "participants": "participants",
    "share_evidence": "evidence sharing",
}


@dataclass
class MergeResult:
    changes: dict[str, Counter] = field(default_factory=dict)  # dimension -> what changed
    items_changed: Counter = field(default_factory=Counter)  # dimension -> answers changed
    actions: Counter = field(default_factory=Counter)  # added / updated / removed / already
    kept_newer: int = 0
    conflicts: list[SheetProblem] = field(default_factory=list)
    details: list[str] = field(default_factory=list)  # DETAIL_FIELDS that changed
    confirmed: dict[str, int] = field(default_factory=dict)  # dimension -> answers confirmed
    unconfirmed: dict[str, int] = field(default_factory=dict)  # left after the import

    @property
    def changed(self) -> bool:
        return bool(
            self.items_changed
            or self.changes
            or self.details
            or self.confirmed
            or self.actions["added"]
            or self.actions["updated"]
            or self.actions["removed"]
        )

    def note(self, dim_id: str, what: str) -> None:
        self.changes.setdefault(dim_id, Counter())[what] += 1


def _raters_dict(pairs) -> dict[str, int]:
    return dict(pairs)


def _match_names(now: tuple, wb: tuple) -> list[tuple[str, int]]:
    """Workbook rater names spelt as the saved file spells them (ignoring case)."""
    spelling = {name.casefold(): name for name, _ in now}
    return [(spelling.get(name.casefold(), name), v) for name, v in wb]


def _target_item(now: L.ItemRow, wb: L.ItemRow, replace: bool) -> L.ItemRow:
    wb_raters = _match_names(now.raters, wb.raters)
    if replace:
        return L.ItemRow(
            now.item,
            wb.level,
            tuple(wb_raters),
            wb.evidence,
            bool(wb.flag),
            bool(wb.carried),
            wb.agreed,
        )
    raters = dict(now.raters)
    raters.update(wb_raters)
    return L.ItemRow(
        now.item,
        wb.level if wb.level is not None else now.level,
        tuple(raters.items()),
        wb.evidence if wb.evidence is not None else now.evidence,
        wb.flag if wb.flag is not None else now.flag,
        wb.carried if wb.carried is not None else now.carried,
        wb.agreed if wb.agreed is not None else now.agreed,
    )


def _answer_changed(now: L.ItemRow, target: L.ItemRow) -> bool:
    """Did the workbook change the answer itself (level or individual ratings)?"""
    return now.level != target.level or _raters_dict(now.raters) != _raters_dict(target.raters)


def _edited_answer(p: Parsed) -> bool:
    """In a workbook made for a file that did not exist yet, did the team change the level or
    the ratings of a row? There is no saved answer to compare with, but the row's fingerprint
    of what the template wrote is: the written answer is the one candidate level (with the
    ratings as they are, or none, as a carried row is written) that reproduces it. When other
    cells changed too no candidate matches, and the row is left as the team marked it."""
    v = p.values
    if p.checks is None or v.check() == p.checks.written:
        return False
    for level in (None, 0, 1, 2, 3, 4, NA, UNKNOWN):
        for raters in {v.raters, ()}:
            if dc_replace(v, level=level, raters=raters).check() == p.checks.written:
                return (level, raters) != (v.level, v.raters)
    return False


def _item_diff(now: L.ItemRow, target: L.ItemRow) -> list[str]:
    out = []
    for name in ITEM_FIELDS:
        a, b = getattr(now, name), getattr(target, name)
        if name == "raters":
            a, b = _raters_dict(a), _raters_dict(b)
        if a != b:
            out.append(name)
    return out


def _three_way(
    parsed: Parsed, now_check: str, target_differs: bool, replace: bool, existing: bool
) -> str:
    """'apply', 'keep' (file changed since, workbook row did not) or 'conflict'."""
    if replace or not existing or parsed.checks is None:
        return "apply"
    if now_check in (parsed.checks.saved, parsed.checks.written):
        return "apply"  # the file is as it was, or already holds what the workbook started from
    if parsed.values.check() == parsed.checks.written:
        return "keep"
    return "conflict" if target_differs else "apply"


def merge(
    parsed: ParsedWorkbook,
    assessment: Assessment,
    framework: Framework,
    *,
    replace: bool = False,
    existing: bool = True,
) -> MergeResult:
    """Apply a checked workbook to an assessment in memory; the caller saves."""
    result = MergeResult()
    source = display_path(assessment.path) if assessment.path else "the assessment file"

    def conflict(p: Parsed, sheet: str, what: str) -> None:
        result.conflicts.append(
            SheetProblem(
                parsed.file,
                f"{what} was changed in {source} after this workbook was made, and was also "
                "changed in the workbook; make a new workbook with 'engagecycle template' and "
                "copy your changes in, or use --replace to let the workbook win",
                sheet,
                p.row,
            )
        )

    has_agreed = parsed.info.get("format", L.FORMAT_VERSION) >= 2  # format 1 had no Agreed
    for item_id, p in parsed.items.items():
        now = L.item_row(assessment.response(item_id))
        target = _target_item(now, p.values, replace)
        if not has_agreed:
            target = dc_replace(target, agreed=now.agreed)
        changed_answer = (
            _answer_changed(now, target) if now.carried else not existing and _edited_answer(p)
        )
        if target.carried and changed_answer:
            # A new level or new ratings are this year's view, as in the workshop, where
            # choosing a level confirms a carried-over answer; left marked, the new answer
            # would be listed as unconfirmed and kept out of the change.
            target = dc_replace(target, carried=False)
        diff = _item_diff(now, target)
        verdict = _three_way(p, now.check(), bool(diff), replace, existing)
        if verdict == "keep":
            result.kept_newer += 1
            continue
        if verdict == "conflict":
            conflict(p, L.ITEMS, f"the answer to {item_id}")
            continue
        if not diff:
            continue
        dim_id = framework.items[item_id].dimension
        result.items_changed[dim_id] += 1
        for name in diff:
            result.note(dim_id, ITEM_FIELDS[name])
        if "level" in diff:
            assessment.set_level(item_id, target.level)
        if "raters" in diff:
            assessment.set_raters(item_id, dict(target.raters))
        if "evidence" in diff:
            assessment.set_evidence(item_id, target.evidence)
        if "flag" in diff:
            assessment.set_flag(item_id, bool(target.flag))
        if "agreed" in diff:
            assessment.set_agreed(item_id, target.agreed)
        if "carried" in diff:
            assessment.set_carried_over(item_id, bool(target.carried))

    if parsed.details is not None:
        _merge_details(parsed.details, assessment, result, replace, existing, conflict)

    for dim_id, p in parsed.dims.items():
        now = L.dim_row(dim_id, assessment.target(dim_id), assessment.notes(dim_id))
        wb = p.values
        if replace:
            target = L.DimRow(dim_id, wb.target, wb.notes)
        else:
            target = L.DimRow(
                dim_id,
                wb.target if wb.target is not None else now.target,
                wb.notes if wb.notes is not None else now.notes,
            )
        verdict = _three_way(p, now.check(), target != now, replace, existing)
        if verdict == "keep":
            result.kept_newer += 1
            continue
        if verdict == "conflict":
            conflict(p, L.DIMENSIONS, f"the target or notes for {dim_id}")
            continue
        if target.target != now.target:
            assessment.set_target(dim_id, target.target)
            result.note(dim_id, "target")
        if target.notes != now.notes:
            assessment.set_notes(dim_id, target.notes)
            result.note(dim_id, "notes")

    _merge_actions(parsed, assessment, result, replace, existing, conflict)
    # "Confirmed: Yes" on the Dimensions sheet: the room reviewed everything carried over in
    # that dimension and keeps it (answers, target and notes, actions), all at once.
    for dim_id in parsed.confirmed:
        had = bool(assessment.unconfirmed(dim_id)) or assessment.dimension_carried_over(dim_id)
        had = had or any(a.carried_over for a in assessment.actions() if a.dimension == dim_id)
        if had:
            result.confirmed[dim_id] = assessment.confirm_dimension(dim_id)
    for dim in framework.dimensions:
        left = len(assessment.unconfirmed(dim.id))
        if left:
            result.unconfirmed[dim.id] = left
    return result


def _merge_details(p: Parsed, assessment: Assessment, result, replace, existing, conflict):
    now = L.details_of(assessment)
    wb: L.Details = p.values
    if replace:
        target = dc_replace(wb, share_evidence=bool(wb.share_evidence))
    else:
        target = L.Details(
            *(
                getattr(wb, f) if getattr(wb, f) is not None else getattr(now, f)
                for f in DETAIL_FIELDS
            )
        )
    changed = [f for f in DETAIL_FIELDS if getattr(target, f) != getattr(now, f)]
    verdict = _three_way(p, now.check(), bool(changed), replace, existing)
    if verdict == "keep":
        result.kept_newer += 1
        return
    if verdict == "conflict":
        conflict(p, L.INSTRUCTIONS, "the assessment's details (date, facilitator, participants)")
        return
    for f in changed:
        value = getattr(target, f)
        if f == "participants" and value is not None:
            value = list(value)
        if f == "share_evidence":
            value = bool(value)
        if value is None:
            assessment.doc.pop(f, None)  # cleared with --replace
        else:
            assessment.set_header(**{f: value})
        result.details.append(f)


ACTION_FIELDS = ("dimension", "action", "owner", "due", "status")


def _merge_actions(parsed, assessment, result, replace, existing, conflict) -> None:
    saved = assessment.actions()
    listed: set[int] = set()
    remove: list[int] = []
    rows = parsed.actions
    if not existing:
        # A new assessment has no saved actions for the numbers to point at: every row with
        # content is a new action (the workbook was made from another copy of the file).
        rows = []
        for p in parsed.actions:
            wb = p.values
            if all(getattr(wb, f) is None for f in ACTION_FIELDS):
                continue
            missing = [
                h
                for h, v in ((L.ACTION_DIM, wb.dimension), (L.ACTION_TEXT, wb.action))
                if v is None
            ]
            for head in missing:
                result.conflicts.append(
                    SheetProblem(
                        parsed.file, "a new action needs this filled in", L.ACTIONS, p.row, head
                    )
                )
            rows.append(Parsed(p.row, dc_replace(wb, number=None), None))
    for p in rows:
        wb: L.ActionRow = p.values
        if wb.number is None:
            continue
        index = wb.number - 1
        listed.add(index)
        if index >= len(saved):
            if existing and not replace and p.checks is not None:
                if wb.check() == p.checks.written:
                    result.kept_newer += 1
                else:
                    conflict(p, L.ACTIONS, f"action {wb.number}")
                continue
            result.conflicts.append(
                SheetProblem(
                    parsed.file,
                    f"there is no saved action {wb.number} (the assessment "
                    f"has {len(saved)}); to add it as a new action, copy it to an empty "
                    "row",
                    L.ACTIONS,
                    p.row,
                    L.ACTION_NO,
                )
            )
            continue
        now = L.action_row(wb.number, saved[index])
        emptied = all(getattr(wb, f) is None for f in ACTION_FIELDS)
        if replace and emptied:
            remove.append(index)
            continue
        if replace:
            target = dc_replace(wb, status=wb.status or "open")
        else:
            target = L.ActionRow(
                wb.number,
                *(
                    getattr(wb, f) if getattr(wb, f) is not None else getattr(now, f)
                    for f in ACTION_FIELDS
                ),
            )
        changed = {
            f: getattr(target, f) for f in ACTION_FIELDS if getattr(target, f) != getattr(now, f)
        }
        verdict = _three_way(p, now.check(), bool(changed), replace, existing)
        if verdict == "keep":
            result.kept_newer += 1
            continue
        if verdict == "conflict":
            conflict(p, L.ACTIONS, f"action {wb.number}")
            continue
        if changed:
            assessment.update_action(index, **changed)
            result.actions["updated"] += 1
    if replace:
        remove += [i for i in range(len(saved)) if i not in listed]
    for index in sorted(set(remove), reverse=True):
        assessment.remove_action(index)
        result.actions["removed"] += 1
    # Rows already in the plan (from an earlier import of this workbook) are not added twice.
    present = {(a.dimension, a.action.strip().casefold()) for a in assessment.actions()}
    if result.conflicts:
        return
    for p in rows:
        wb = p.values
        if wb.number is not None:
            continue
        key = (wb.dimension, (wb.action or "").strip().casefold())
        if key in present:
            result.actions["already"] += 1
            continue
        assessment.add_action(wb.dimension, wb.action, wb.owner or "", wb.due, wb.status or "open")
        result.actions["added"] += 1
