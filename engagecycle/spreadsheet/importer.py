"""Read a filled-in workbook, check every row, and merge it into the assessment file.

Two passes, so a stray cell can never damage an assessment:

1. `read_workbook` (`sheets.py`) reads every sheet into checked rows and collects *every*
   problem (sheet, row, column, the value found and what is allowed). Nothing is looked up
   in the store yet.
2. `import_workbook` (here) stops if any problem is fatal, or if the workbook does not fit
   the assessment file it names. Otherwise it loads the assessment through the store
   (round-trip, so comments and layout survive), applies the workbook with `merge`
   (`merging.py`: blank cells, fingerprints and conflicts), and saves once, atomically,
   with the store's conflict check. `ImportResult.report` (`changes.py`) says what changed.
"""

from __future__ import annotations

from pathlib import Path

from ..assessment import (
    Assessment,
    mark_afresh,
    new_document,
    normalise_code,
    normalise_period,
    validate_document,
)
from ..errors import ValidationFailed
from ..store import Store, display_path
from . import layout as L
from .changes import ImportResult
from .merging import MergeResult, merge
from .sheets import ImportFailed, ParsedWorkbook, SheetProblem, read_workbook

__all__ = [
    "ImportFailed",
    "ImportResult",
    "MergeResult",
    "ParsedWorkbook",
    "SheetProblem",
    "import_workbook",
    "merge",
    "read_workbook",
]


def import_workbook(
    path: str | Path,
    store: Store,
    *,
    replace: bool = False,
    dry_run: bool = False,
    expect_code: str | None = None,
    expect_period: str | None = None,
) -> ImportResult:
    """Check the workbook, then merge it into its assessment and save once (unless dry_run).

    Raises ImportFailed listing every problem if anything is fatal; nothing is written then.
    Raises ValidationFailed if the saved assessment file itself is invalid.
    """
    parsed = read_workbook(path, store.frameworks, replace=replace)
    framework = parsed.framework or store.framework
    info = parsed.info
    saved: Assessment | None = None
    if not parsed.fatal and info:
        code, period = info["code"], info["period"]
        wanted = (
            normalise_code(expect_code) if expect_code else code,
            normalise_period(expect_period) if expect_period else period,
        )
        if wanted != (code, period):
            parsed.problems.append(
                SheetProblem(
                    parsed.file,
                    f"this workbook is for {code} {period}, not {wanted[0]} {wanted[1]}",
                    L.INSTRUCTIONS,
                )
            )
        saved = store.find(code, period)
        if saved is not None and saved.framework_version != framework.version:
            parsed.problems.append(
                SheetProblem(
                    parsed.file,
                    f"this workbook asks version {framework.version} of the question bank, "
                    f"but {display_path(saved.path)} is now on version "
                    f"{saved.framework_version} (it was migrated after the workbook was "
                    "made); make a new workbook with 'engagecycle template'",
                    L.INSTRUCTIONS,
                    cell=f"B{L.INFO_ROWS['version']}",
                )
            )
        name = info["name"]
        row = L.INFO_ROWS["name"]
        if saved is not None and name and name.casefold() != saved.name.strip().casefold():
            parsed.problems.append(
                SheetProblem(
                    parsed.file,
                    f"this workbook is for {name!r}, but {code} is "
                    f"{saved.name!r} in {display_path(saved.path)}; check that this is "
                    "the right workbook",
                    L.INSTRUCTIONS,
                    cell=f"B{row}",
                )
            )
        if saved is None and not name:
            parsed.problems.append(
                SheetProblem(
                    parsed.file,
                    f"{code} {period} has no assessment file yet, so the "
                    "organisation name is needed to create one",
                    L.INSTRUCTIONS,
                    cell=f"B{row}",
                )
            )
    if parsed.fatal:
        raise ImportFailed(parsed.fatal, parsed.warnings)

    created = saved is None
    if created:
        doc = new_document(
            framework,
            info["code"],
            info["period"],
            info["name"],
            info["type"] or "ICB",
            info["peer_group"],
        )
        assessment = Assessment(doc, store.path_for(info["code"], info["period"]))
        before = store.latest_before(info["code"], info["period"])
        if before is not None and (before.framework_version or 0) < framework.version:
            mark_afresh(assessment, before, frameworks=store.frameworks)  # as Store.create
    else:
        assessment = saved
    result = merge(parsed, assessment, framework, replace=replace, existing=not created)
    if result.conflicts:
        raise ImportFailed(result.conflicts, parsed.warnings)
    problems = validate_document(assessment.doc, store.frameworks, display_path(assessment.path))
    if problems:  # the checks above should make this impossible; never save a broken file
        raise ValidationFailed(problems)
    written = False
    if not dry_run and (created or result.changed):
        store.save(assessment)
        written = True
    return ImportResult(
        file=parsed.file,
        path=assessment.path,
        code=assessment.code,
        period=assessment.period,
        name=assessment.name,
        created=created,
        replace=replace,
        dry_run=dry_run,
        written=written,
        merge=result,
        warnings=parsed.warnings,
        counts={
            "items": len(parsed.items),
            "dims": len(parsed.dims),
            "actions": len(parsed.actions),
        },
    )
