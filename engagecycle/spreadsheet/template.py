"""Write the offline workbook a team fills in before (or instead of) the workshop.

The workbook is prefilled from the saved assessment, or from last year's answers with
`from_previous`, so a team edits rather than starts again. Everything that identifies an
answer (item ids, headings, the organisation and period) is locked; only the pale yellow
answer cells are editable. Each row also carries a hidden fingerprint of the saved answer it
was made from, so the importer can tell an answer changed in the workbook from one changed in
the file since, and never silently undo someone else's work.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..assessment import (
    ORG_TYPES,
    Assessment,
    carry_forward,
    mark_afresh,
    new_document,
    period_start,
)
from ..errors import EngageError
from ..framework import Framework
from ..guide import POINTS, RULE, afresh_label, has_guide
from ..levels import LEVELS
from ..scoring import LOW_EVIDENCE_BELOW
from ..store import Store, display_path
from . import layout as L
from .safe import CellTextError, put, save_workbook

HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
GROUP_FILL = PatternFill("solid", fgColor="EDEDED")
ANSWER_FILL = PatternFill("solid", fgColor="FFF2CC")
AFRESH_FILL = PatternFill("solid", fgColor="E5DCEF")  # new or changed in this version
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)
POINTS_PER_LINE = 15
# Level bands for the live-score formulas: (upper bound, name) for 0-3; 4 is what is left.
_BANDS = tuple(zip((0.5, 1.5, 2.5, 3.5), (LEVELS[n] for n in range(4)), strict=True))
_TOP = LEVELS[4]


@dataclass(frozen=True)
class TemplateResult:
    path: Path
    code: str
    period: str
    name: str
    existed: bool  # the assessment file already existed (else import will create it)
    carried_from: str | None = None
    carried: int = 0
    version: int | None = None  # the question bank version the workbook asks
    afresh: int = 0  # items new or changed in that version, still to rate afresh


# ----------------------------------------------------------------- entry point


def write_template(
    store: Store,
    code: str,
    period: str,
    out: str | Path,
    *,
    from_previous: bool = False,
    name: str | None = None,
    org_type: str | None = None,
    peer_group: str | None = None,
    overwrite: bool = False,
    today: date | None = None,
) -> TemplateResult:
    """Write the workbook for (code, period) to `out`; never changes any assessment file."""
    from ..assessment import check_code, check_period, normalise_code, normalise_period

    code, period = normalise_code(code), normalise_period(period)
    for label, value, why in (
        ("organisation code", code, check_code(code)),
        ("period", period, check_period(period)),
    ):
        if why:
            raise EngageError(f"{label} {value!r} {why}")
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise EngageError(f"{out}: the workbook must be saved as .xlsx")
    if out.exists() and not overwrite:
        raise EngageError(
            f"{out} already exists and may hold someone's answers; "
            "choose another name or add --force to replace it"
        )
    saved = store.find(code, period)
    history = (
        [h for h in store.history(code) if h.period != period] if store.folder.is_dir() else []
    )
    if saved is not None:
        work = Assessment(copy.deepcopy(saved.doc))
        framework = store.framework_for(saved)
    else:
        latest = history[-1] if history else None
        name = name or (latest.name if latest else None)
        if not name:
            raise EngageError(
                f"{code} has no assessment yet, so the workbook needs the organisation's name: "
                'add --name "Organisation name"'
            )
        org_type = org_type or (latest.org_type if latest else "ICB")
        if org_type not in ORG_TYPES:
            raise EngageError(
                f"organisation type {org_type!r} is not one of {', '.join(ORG_TYPES)}"
            )
        peer_group = peer_group or (latest.peer_group if latest else None) or None
        framework = store.framework_for_new(code, period)
        doc = new_document(framework, code, period, name, org_type, peer_group)
        work = Assessment(doc)
        before = store.latest_before(code, period)
        if before is not None and (before.framework_version or 0) < framework.version:
            mark_afresh(work, before, frameworks=store.frameworks)  # as Store.create will
    carried_from, carried = None, 0
    if from_previous:
        earlier = [h for h in history if period_start(h.period) < period_start(period)]
        if not earlier:
            raise EngageError(f"there is no assessment of {code} before {period} to start from")
        previous = earlier[-1]
        carried = carry_forward(work, previous, frameworks=store.frameworks)
        carried_from = previous.period
    if saved is not None:
        source = f"{display_path(saved.path)} as saved on {(today or date.today()).isoformat()}"
    else:
        source = f"a new assessment (no file for {code} {period} yet)"
    if carried_from:
        source += f"; {carried} answer(s) carried over from {carried_from}"
    wb = build_workbook(work, framework, saved, today=today or date.today(), source=source)
    try:
        save_workbook(wb, out, overwrite=overwrite)
    except FileExistsError:
        raise EngageError(f"{out} already exists; add --force to replace it") from None
    return TemplateResult(
        out,
        code,
        period,
        work.name,
        saved is not None,
        carried_from,
        carried,
        framework.version,
        len(work.afresh()),
    )


# ----------------------------------------------------------------- the workbook


def build_workbook(
    work: Assessment,
    framework: Framework,
    saved: Assessment | None,
    *,
    today: date,
    source: str = "",
) -> Workbook:
    """The template as an openpyxl Workbook.

    `work` is what the cells are prefilled with; `saved` is the assessment as it is on disk
    (None if there is no file yet). They differ when last year's answers were carried into
    `work`; the row fingerprints record `saved`, so the importer knows what the file held.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = L.INSTRUCTIONS
    _instructions(ws, work, framework, saved, new=saved is None, today=today, source=source)
    raters = rater_names(work)
    rows = _items(wb.create_sheet(L.ITEMS), work, framework, saved, raters)
    _dimensions(wb.create_sheet(L.DIMENSIONS), work, framework, saved, rows)
    _actions(wb.create_sheet(L.ACTIONS), work, framework, saved)
    _lists(wb.create_sheet(L.LISTS))
    for sheet in wb.worksheets:
        _protect(sheet)
        _print_setup(
            sheet, None if sheet.title == L.INSTRUCTIONS else f"{L.GROUP_ROW}:{L.HEADER_ROW}"
        )
    wb.security = WorkbookProtection(lockStructure=True)
    # Live scores are formulas: ask every spreadsheet program to work them out on opening.
    wb.calculation.fullCalcOnLoad = True
    wb.active = 0
    return wb


def rater_names(assessment: Assessment) -> list[str]:
    """Columns for individual ratings: participants, then anyone else who rated, then spares."""
    names: list[str] = []
    seen: set[str] = set()

    def add(name: str) -> None:
        name = name.strip()
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)

    for p in assessment.participants:
        add(p)
    for r in assessment.responses().values():
        for who, _ in r.raters:
            add(who)
    n = 1
    while len(names) < L.SPARE_RATERS:
        candidate = f"Rater {n}"
        if candidate.casefold() not in seen:
            add(candidate)
        n += 1
    return names


# ----------------------------------------------------------------- sheets


def _cell(ws: Worksheet, row: int, col: int, value: Any, where: str = "") -> Any:
    try:
        return put(ws.cell(row, col), value)
    except CellTextError as exc:
        raise EngageError(f"{where or 'a value'} {exc}") from None


def _header(ws: Worksheet, headers: list[str], widths: list[float]) -> None:
    for col, (text, width) in enumerate(zip(headers, widths, strict=True), 1):
        c = _cell(ws, L.HEADER_ROW, col, text)
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        c.alignment = WRAP
        c.border = BORDER
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[L.HEADER_ROW].height = 32


def _group(ws: Worksheet, first: int, last: int, text: str) -> None:
    if last < first:
        return
    c = _cell(ws, L.GROUP_ROW, first, text)
    c.font = Font(bold=True, italic=True)
    c.alignment = Alignment(vertical="center")
    for col in range(first, last + 1):
        ws.cell(L.GROUP_ROW, col).fill = GROUP_FILL
    if last > first:
        ws.merge_cells(
            start_row=L.GROUP_ROW, start_column=first, end_row=L.GROUP_ROW, end_column=last
        )


def _answer(cell: Any) -> None:
    cell.protection = UNLOCKED
    cell.fill = ANSWER_FILL


def _fixed(cell: Any) -> None:
    cell.alignment = WRAP
    cell.border = BORDER


def _lines(text: Any, width: float) -> int:
    if text is None:
        return 1
    per_line = max(1, int(width * 1.1) - 1)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


def _fit_height(ws: Worksheet, row: int, values: list[tuple[Any, float]]) -> None:
    """Set a row height that shows wrapped text; openpyxl cannot ask Excel to measure it."""
    lines = max(_lines(v, w) for v, w in values)
    ws.row_dimensions[row].height = min(409, max(1, lines) * POINTS_PER_LINE)


def _validation(ws: Worksheet, formula: str, ref: str, title: str, error: str, prompt: str = ""):
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.error = error
    dv.errorTitle = title
    dv.showErrorMessage = True
    if prompt:
        dv.prompt = prompt
        dv.promptTitle = title
        dv.showInputMessage = True
    dv.add(ref)
    ws.add_data_validation(dv)
    return dv


def _col_range(col: int, first: int, last: int) -> str:
    letter = get_column_letter(col)
    return f"{letter}{first}:{letter}{last}"


def _print_setup(ws: Worksheet, title_rows: str | None) -> None:
    """Landscape, one page wide: the sheets are printed for workshop packs."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if title_rows:
        ws.print_title_rows = title_rows


def _protect(ws: Worksheet) -> None:
    """Lock structure cells without a password, so anyone can unprotect if they must."""
    p = ws.protection
    p.sheet = True
    p.formatColumns = False  # let people widen columns and rows to read long text
    p.formatRows = False
    p.autoFilter = False
    p.selectLockedCells = False
    p.selectUnlockedCells = False


HOW_TO = [
    (
        "What this is",
        "A self-assessment against The Engagement Cycle for the organisation and period above. "
        "It can be filled in by one person, by a team before a workshop, or used to collect "
        "individual ratings. When it comes back, it is read into the assessment file with "
        "'engagecycle import'.",
    ),
    (
        "Where to type",
        "Only the pale yellow cells can be changed. Everything else is locked so that the "
        "statements and item ids cannot be changed by accident. The sheets are protected "
        "without a password: if you really must, you can switch protection off "
        "(Review > Unprotect Sheet in Excel, Tools > Protect Sheet in LibreOffice), but "
        "do not change the item ids, the grey headings or the cells on this sheet.",
    ),
    (
        "Items sheet",
        "One row per statement. Read the statement, what to look for and the five level "
        "descriptions, then choose the level your organisation is at in the Level column: "
        "0 to 4, N/A if the statement does not apply to you, or Don't know if nobody can say.",
    ),
    (
        "Evidence",
        "Say what shows the level is right: a document, a meeting, a decision, a change that "
        "happened. Short notes are fine. To start a line again inside a cell, press Alt+Enter "
        "(Ctrl+Enter in LibreOffice).",
    ),
    (
        "Discuss",
        "Choose Yes for statements the team should talk through at the workshop, for example "
        "where people disagree or nobody is sure.",
    ),
    (
        "Agreed",
        "When the team has discussed a statement (one flagged to discuss, or where people's "
        "ratings were two or more levels apart), write what it agreed here. The report then "
        "counts it as resolved instead of listing it as still to discuss.",
    ),
    (
        "Carried over",
        "Yes means the answer was copied from last year and has not been checked this year. "
        "Change it to No once the team agrees the answer, whether or not the level changed. "
        "To confirm a whole dimension at once, choose Yes in its Confirmed column on the "
        "Dimensions sheet.",
    ),
    (
        "Individual ratings",
        "If people rate on their own before the workshop, each person uses one column. Put "
        "your name or initials in the heading of an unused column. Only whole numbers 0 to 4.",
    ),
    (
        "Dimensions sheet",
        "The level the team aims to reach in each part of the cycle, and any notes. Confirmed: "
        "choose Yes once the team has reviewed everything carried over from last year in that "
        "dimension (answers, target, notes and actions) and keeps it; the import then clears "
        "every carried-over mark in the dimension.",
    ),
    (
        "Live scores",
        "The Dimensions sheet works out each dimension's score, level and share of items "
        "answered as you type, by the same rules as the reports: the agreed level, else the "
        "middle (median) of individual ratings; N/A left out; Don't know and blanks count as "
        "not answered; no score when nothing is answered; low evidence below half answered. "
        "The Items sheet's Value used column shows the value each statement contributes.",
    ),
    (
        "Assessment details",
        "The date of the workshop, who facilitated, who took part (one per line) and whether "
        "your evidence may be quoted to other organisations as good practice (Share "
        "evidence: Yes or No) are filled in at the top of this sheet.",
    ),
    (
        "Actions sheet",
        "One row per action. Change the rows already there or add new ones in the empty rows "
        "below. The No. column links a row to an action already saved, so leave it alone. To "
        "stop an action, set its status to dropped rather than deleting the row.",
    ),
    (
        "Blank cells",
        "A blank cell leaves the saved answer as it is, so a partly filled workbook never "
        "wipes anything out. To clear saved answers, whoever runs the import can use "
        "'engagecycle import --replace', which makes the workbook the whole answer.",
    ),
    (
        "Changes in two places",
        "If the assessment file was changed after this workbook was made, answers you did not "
        "change here are left as they are in the file. If the same answer was changed in both "
        "places, the import stops, lists them and saves nothing.",
    ),
    (
        "Saving",
        "Keep the file as an Excel workbook (.xlsx) and do not rename the sheets.",
    ),
]


ITEMS_SHEET_GUIDED = (
    "One row per statement. Read the statement and what to look for, count the cases it "
    "names (Count, under what to look for), then choose the level that share reaches in the "
    "Level column: 0 to 4, N/A if the activity cannot apply to you, or Don't know if nobody "
    "can say. Under each level's description is the evidence that would show it."
)


def _instructions(
    ws: Worksheet,
    work: Assessment,
    framework: Framework,
    saved: Assessment | None,
    *,
    new: bool,
    today: date,
    source: str,
) -> None:
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 95
    title = _cell(ws, 1, 1, "The Engagement Cycle: self-assessment workbook")
    title.font = Font(bold=True, size=14)
    _cell(ws, 2, 1, f"{work.name} ({work.code}), {work.period}", "organisation name").font = Font(
        italic=True
    )
    values = {
        "code": work.code,
        "name": work.name,
        "type": work.org_type,
        "peer_group": work.peer_group or None,
        "period": work.period,
        "framework": framework.id,
        "version": framework.version,
        "format": L.FORMAT_VERSION,
        "check": L.header_check(work.code, work.period, framework.id, framework.version),
        "made": today.isoformat(),
        "source": source,
    }
    for key, label in L.INFO_LABELS.items():
        row = L.INFO_ROWS[key]
        lab = _cell(ws, row, 1, label)
        lab.font = Font(bold=True)
        _fixed(lab)
        val = _cell(ws, row, 2, values[key], f"the organisation's {label.lower()}")
        val.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        val.border = BORDER
        if new and key in ("name", "type", "peer_group"):
            _answer(val)
    if new:
        _validation(
            ws,
            '"' + ",".join(ORG_TYPES) + '"',
            f"B{L.INFO_ROWS['type']}",
            "Organisation type",
            "Choose one of: " + ", ".join(ORG_TYPES),
        )
    _details(ws, work, saved)
    row = max(L.DETAIL_ROWS.values()) + 2
    if has_guide(framework):
        row = _rating_rule(ws, row, work, framework) + 1
    head = _cell(ws, row, 1, "How to fill in this workbook")
    head.font = Font(bold=True, size=12)
    if new:
        row += 1
        note = (
            "There is no assessment file for this organisation and period yet; the import will "
            "create one. Check the organisation's name, type and peer group above."
        )
        _cell(ws, row, 2, note).alignment = WRAP
    for heading, text in HOW_TO:
        if heading == "Items sheet" and has_guide(framework):
            text = ITEMS_SHEET_GUIDED
        row = _note_row(ws, row + 1, heading, text)
    if framework.glossary:
        row += 2
        _cell(ws, row, 1, "Words used").font = Font(bold=True, size=12)
        for term, meaning in framework.glossary.items():
            row = _note_row(ws, row + 1, term, meaning)


def _note_row(ws: Worksheet, row: int, heading: str, text: str, bold: bool = False) -> int:
    """A heading in column A and its text in column B, tall enough to read; returns the row."""
    h = _cell(ws, row, 1, heading)
    h.font = Font(bold=True)
    h.alignment = WRAP
    t = _cell(ws, row, 2, text)
    t.alignment = WRAP
    if bold:
        t.font = Font(bold=True)
    _fit_height(ws, row, [(text, 95), (heading, 24)])
    return row


def _rating_rule(ws: Worksheet, row: int, work: Assessment, framework: Framework) -> int:
    """The rating guide's one rule, in short, above the instructions (version 2 on)."""
    _cell(ws, row, 1, "How to rate").font = Font(bold=True, size=12)
    row = _note_row(ws, row + 1, "The one rule", RULE, bold=True)
    for heading, text in POINTS:
        row = _note_row(ws, row + 1, heading, text)
    if framework.scale is not None:
        scale = "\n".join(f"{n} {lv.name}: {lv.means}" for n, lv in framework.scale.levels.items())
        row = _note_row(ws, row + 1, "The scale", scale)
    fresh = len(work.afresh())
    if fresh:
        text = (
            f"{fresh} statement(s) are new or changed in version {framework.version} of the "
            "question bank, so no earlier answer was copied to them. Their Statement cell on "
            f"the Items sheet starts with '{afresh_label(framework.version)}' and is shaded "
            "purple."
        )
        row = _note_row(ws, row + 1, "Rate afresh", text)
    return row


def _details(ws: Worksheet, work: Assessment, saved: Assessment | None) -> None:
    """The assessment's details: answer cells, with a fingerprint like every row's."""
    written = L.details_of(work)
    base = L.details_of(saved) if saved is not None else L.Details()
    values = {
        "assessed_on": written.assessed_on,
        "facilitator": written.facilitator,
        "participants": L.participants_cell(written.participants),
        "share_evidence": L.yes_no_cell(bool(written.share_evidence)),
    }
    for key, label in L.DETAIL_LABELS.items():
        row = L.DETAIL_ROWS[key]
        lab = _cell(ws, row, 1, label)
        lab.font = Font(bold=True)
        _fixed(lab)
        val = _cell(ws, row, 2, values[key], f"the {label.lower()}")
        val.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        val.border = BORDER
        _answer(val)
    on = ws.cell(L.DETAIL_ROWS["assessed_on"], 2)
    on.number_format = "d mmmm yyyy"
    people = L.participants_cell(written.participants)
    _fit_height(ws, L.DETAIL_ROWS["participants"], [(people, 95)])
    _validation(
        ws,
        f'"{L.YES},{L.NO}"',
        f"B{L.DETAIL_ROWS['share_evidence']}",
        "Share evidence",
        "Choose Yes or No.",
        "Yes: your evidence may be quoted to other organisations as good practice.",
    )
    dv = DataValidation(
        type="date", operator="between", formula1="36526", formula2="73050", allow_blank=True
    )
    dv.error = "Type a date such as 2025-02-11."
    dv.errorTitle = "Assessed on"
    dv.showErrorMessage = True
    dv.add(f"B{L.DETAIL_ROWS['assessed_on']}")
    ws.add_data_validation(dv)
    check = L.RowChecks(base.check(), written.check()).cell()
    _cell(ws, L.DETAIL_FIRST_ROW, L.DETAIL_CHECK_COLUMN, check)
    ws.column_dimensions[get_column_letter(L.DETAIL_CHECK_COLUMN)].hidden = True


def _lists(ws: Worksheet) -> None:
    """The hidden list of words a Level cell may hold, and what each means (formulas read it)."""
    for n, (word, code) in enumerate(L.level_words(), 1):
        put(ws.cell(n, 1), word)
        ws.cell(n, 2).value = code
    ws.sheet_state = "hidden"


@dataclass(frozen=True)
class ItemCells:
    """Where the live-score helpers of each dimension's items are, for the Dimensions sheet."""

    rows: dict[str, tuple[int, int]]  # dimension -> first and last row on the Items sheet
    columns: dict[str, str]  # helper heading -> column letter


def _items(
    ws: Worksheet,
    work: Assessment,
    framework: Framework,
    saved: Assessment | None,
    raters: list[str],
) -> ItemCells:
    levels = L.level_headers(framework)
    fixed = [L.DIM_TITLE, L.ITEM, L.STATEMENT, L.HELP, *levels]
    answers = [L.LEVEL, L.EVIDENCE, L.DISCUSS, L.AGREED, L.CARRIED]
    headers = [*fixed, *answers, *raters, L.CHECK, L.VALUE_USED, *L.HELPERS]
    guided = has_guide(framework)
    level_width = 30 if guided else 26  # version 2 adds the evidence under each level
    widths = [18, 16, 40, 40, *[level_width] * len(levels), 11, 45, 10, 30, 10]
    widths += [max(9, min(20, len(r) + 2)) for r in raters] + [36, 12] + [10] * len(L.HELPERS)
    _header(ws, headers, widths)
    col = {h: n for n, h in enumerate(headers, 1)}
    first_rater = len(fixed) + len(answers) + 1
    last_rater = first_rater + len(raters) - 1
    _group(ws, 1, len(fixed), "About the statement (locked)")
    _group(ws, len(fixed) + 1, len(fixed) + len(answers), "The team's answer")
    _group(ws, first_rater, last_rater, "Individual ratings (optional; rename a heading to use it)")
    for r in range(first_rater, last_rater + 1):
        _answer(ws.cell(L.HEADER_ROW, r))

    letter = {h: get_column_letter(n) for h, n in col.items()}
    raters_range = (get_column_letter(first_rater), get_column_letter(last_rater))
    dim_rows: dict[str, tuple[int, int]] = {}
    row = L.FIRST_ROW
    for dim in framework.dimensions:
        first = row
        for item in dim.items:
            response = work.response(item.id)
            written = L.item_row(response)
            canon = {name.casefold(): name for name in raters}
            written = replace(
                written,
                raters=tuple((canon.get(w.strip().casefold(), w), v) for w, v in written.raters),
            )
            base = L.item_row(saved.response(item.id)) if saved else L.ItemRow(item.id)
            afresh = response.to_rate_afresh
            statement = item.statement
            if afresh:
                statement = f"{afresh_label(framework.version)}.\n{statement}"
            cells: dict[str, Any] = {
                L.DIM_TITLE: dim.title,
                L.ITEM: item.id,
                L.STATEMENT: statement,
                L.HELP: _help_text(item) if guided else item.help,
            }
            for n, head in zip(sorted(framework.levels), levels, strict=True):
                cells[head] = item.levels.get(n, "")
                if guided and item.evidence.get(n):
                    cells[head] += f"\nEvidence: {item.evidence[n]}"
            for head, value in cells.items():
                _fixed(_cell(ws, row, col[head], value))
            if afresh:
                ws.cell(row, col[L.STATEMENT]).fill = AFRESH_FILL
            answer = {
                L.LEVEL: L.level_cell(response.level),
                L.EVIDENCE: written.evidence,
                L.DISCUSS: L.yes_no_cell(bool(response.flag)),
                L.AGREED: written.agreed,
                L.CARRIED: L.yes_no_cell(bool(response.carried_over)),
            }
            for head, value in answer.items():
                c = _cell(ws, row, col[head], value, f"the {head.lower()} for {item.id}")
                _answer(c)
                _fixed(c)
            by_name = {who.casefold(): v for who, v in response.raters}
            for n, name in enumerate(raters):
                c = _cell(ws, row, first_rater + n, by_name.get(name.casefold()))
                _answer(c)
                c.border = BORDER
            checks = L.RowChecks(base.check(), written.check())
            _cell(ws, row, col[L.CHECK], checks.cell())
            _item_formulas(ws, row, col, letter, raters_range, item.weight)
            _fit_height(
                ws,
                row,
                [(cells[h], widths[col[h] - 1]) for h in (L.STATEMENT, L.HELP, *levels)]
                + [(written.evidence, widths[col[L.EVIDENCE] - 1])]
                + [(written.agreed, widths[col[L.AGREED] - 1])],
            )
            row += 1
        dim_rows[dim.id] = (first, row - 1)
    last = row - 1
    _validation(
        ws,
        '"' + ",".join(L.LEVEL_CHOICES) + '"',
        _col_range(col[L.LEVEL], L.FIRST_ROW, last),
        "Level",
        "Choose 0, 1, 2, 3, 4, N/A or Don't know.",
        "0 Not started ... 4 Embedded; N/A if it does not apply; Don't know if nobody can say.",
    )
    yes_no = f'"{L.YES},{L.NO}"'
    for head in (L.DISCUSS, L.CARRIED):
        _validation(ws, yes_no, _col_range(col[head], L.FIRST_ROW, last), head, "Choose Yes or No.")
    _validation(
        ws,
        '"0,1,2,3,4"',
        f"{get_column_letter(first_rater)}{L.FIRST_ROW}:{get_column_letter(last_rater)}{last}",
        "Individual rating",
        "An individual rating is a whole number from 0 to 4.",
    )
    ws.column_dimensions[get_column_letter(col[L.CHECK])].hidden = True
    for head in L.HELPERS:
        ws.column_dimensions[letter[head]].hidden = True
    _group(ws, col[L.VALUE_USED], col[L.VALUE_USED], "Worked out")
    ws.freeze_panes = ws.cell(L.FIRST_ROW, col[L.STATEMENT])
    ws.auto_filter.ref = f"A{L.HEADER_ROW}:{get_column_letter(last_rater)}{last}"
    return ItemCells(dim_rows, {h: letter[h] for h in L.HELPERS})


def _help_text(item: Any) -> str:
    """What to look for, then what to count (version 2 on)."""
    parts = [item.help] if item.help else []
    if item.count:
        parts.append(f"Count: {item.count}")
    return "\n".join(parts)


def _item_formulas(
    ws: Worksheet,
    row: int,
    col: dict[str, int],
    letter: dict[str, str],
    raters: tuple[str, str],
    weight: float,
) -> None:
    """Design §4 for one item, as formulas: the value used, and the helpers the scores sum.

    code: the Level cell read through the Lists sheet (0-4, "na", "dk"; "" when blank; "?"
    when the import would refuse it). value: the level, else the median of the individual
    ratings when no level was recorded, else blank. N/A and Don't know never take a median.
    """
    lv = f"{letter[L.LEVEL]}{row}"
    rr = f"{raters[0]}{row}:{raters[1]}{row}"
    code, value, ans, app, wv, w = (f"{letter[h]}{row}" for h in L.HELPERS)
    # Lookups use wildcards in Excel and LibreOffice; ~ escapes them so "?" is just "?".
    word = f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(LOWER(TRIM({lv})),"~","~~"),"*","~*"),"?","~?")'
    table = f"{L.LISTS}!$A$1:$B${len(L.level_words())}"
    formulas = {
        L.HELPERS[0]: f'=IF(LEN(TRIM({lv}))=0,"",IFERROR(VLOOKUP({word},{table},2,FALSE),"?"))',
        L.HELPERS[
            1
        ]: f'=IF(ISNUMBER({code}),{code},IF(AND({code}="",COUNT({rr})>0),MEDIAN({rr}),""))',
        L.HELPERS[2]: f"=IF(ISNUMBER({value}),1,0)",
        L.HELPERS[3]: f'=IF({code}="{L.LIST_NA}",0,1)',
        L.HELPERS[4]: f"=IF({ans}=1,{value}*{weight:g},0)",
        L.HELPERS[5]: f"=IF({ans}=1,{weight:g},0)",
        L.VALUE_USED: (
            f'=IF({code}="?","check the level",IF({code}="{L.LIST_NA}","N/A",'
            f'IF(ISNUMBER({value}),{value},IF({code}="{L.LIST_UNKNOWN}","don\'t know",'
            '"not answered"))))'
        ),
    }
    for head, formula in formulas.items():
        c = ws.cell(row, col[head])
        c.value = formula
        c.border = BORDER
        c.alignment = Alignment(horizontal="right", vertical="top")
    ws.cell(row, col[L.VALUE_USED]).number_format = "0.0"


def _dimensions(
    ws: Worksheet,
    work: Assessment,
    framework: Framework,
    saved: Assessment | None,
    cells: ItemCells,
) -> None:
    headers = [
        L.DIM_TITLE,
        L.DIM_ID,
        L.DIM_KIND,
        *L.LIVE,
        L.TARGET,
        L.NOTES,
        L.CONFIRMED,
        L.DIM_PURPOSE,
        L.CHECK,
    ]
    widths = [30, 15, 8, 9, 16, 10, 12, 10, 50, 11, 60, 36]
    _header(ws, headers, widths)
    col = {h: n for n, h in enumerate(headers, 1)}
    letter = {h: get_column_letter(n) for h, n in col.items()}
    _group(ws, 1, 3, "Each part of the cycle")
    _group(ws, col[L.SCORE_NOW], col[L.LOW_NOW], "Live: worked out as you type (locked)")
    _group(ws, col[L.TARGET], col[L.CONFIRMED], "The team's answer")
    row = L.FIRST_ROW
    rows_of: dict[str, int] = {}
    for dim in framework.dimensions:
        written = L.dim_row(dim.id, work.target(dim.id), work.notes(dim.id))
        base = L.dim_row(dim.id, saved.target(dim.id), saved.notes(dim.id)) if saved else None
        base = base or L.DimRow(dim.id)
        fixed = {
            L.DIM_TITLE: dim.title,
            L.DIM_ID: dim.id,
            L.DIM_KIND: "Hub" if dim.kind == "hub" else "Stage",
            L.DIM_PURPOSE: dim.purpose,
        }
        for head, value in fixed.items():
            _fixed(_cell(ws, row, col[head], value))
        carried = bool(work.unconfirmed(dim.id)) or work.dimension_carried_over(dim.id)
        carried = carried or any(a.carried_over for a in work.actions() if a.dimension == dim.id)
        answers = (
            (L.TARGET, written.target),
            (L.NOTES, written.notes),
            (L.CONFIRMED, L.NO if carried else None),
        )
        for head, value in answers:
            c = _cell(ws, row, col[head], value, f"the {head.lower()} for {dim.id}")
            _answer(c)
            _fixed(c)
        first, last = cells.rows[dim.id]
        _dimension_formulas(ws, row, col, letter, cells, [(first, last)])
        _cell(ws, row, col[L.CHECK], L.RowChecks(base.check(), written.check()).cell())
        _fit_height(ws, row, [(dim.purpose, 60), (written.notes, 50), (dim.title, 30)])
        rows_of[dim.id] = row
        row += 1
    for label, members in (
        ("Hub (mean of elements)", [d.id for d in framework.hub]),
        ("Cycle (mean of stages)", [d.id for d in framework.stages]),
        ("Overall", [d.id for d in framework.dimensions]),
    ):
        c = _cell(ws, row, col[L.DIM_TITLE], label)
        c.font = Font(bold=True)
        _fixed(c)
        spans = [cells.rows[m] for m in members]
        scores = [f"{letter[L.SCORE_NOW]}{rows_of[m]}" for m in members]
        _dimension_formulas(ws, row, col, letter, cells, spans, scores)
        row += 1
    _validation(
        ws,
        '"0,1,2,3,4"',
        _col_range(col[L.TARGET], L.FIRST_ROW, L.FIRST_ROW + len(framework.dimensions) - 1),
        "Target level",
        "A target is a whole number from 0 to 4.",
    )
    _validation(
        ws,
        f'"{L.YES},{L.NO}"',
        _col_range(col[L.CONFIRMED], L.FIRST_ROW, L.FIRST_ROW + len(framework.dimensions) - 1),
        "Confirmed",
        "Choose Yes once everything carried over in this dimension has been reviewed.",
        "Yes: the team has reviewed what was carried over from last year and keeps it.",
    )
    ws.column_dimensions[get_column_letter(col[L.CHECK])].hidden = True
    ws.freeze_panes = ws.cell(L.FIRST_ROW, 2)


def _dimension_formulas(
    ws: Worksheet,
    row: int,
    col: dict[str, int],
    letter: dict[str, str],
    cells: ItemCells,
    spans: list[tuple[int, int]],
    mean_of: list[str] | None = None,
) -> None:
    """Live score, level, share answered and low evidence for one row (design §4).

    A dimension's score is the weighted mean of its answered items; hub, cycle and overall
    (`mean_of` the dimension score cells) are the mean of the dimension scores present.
    Completeness counts items answered over items that apply, in every row.
    """
    h = cells.columns

    def total(helper: str) -> str:
        return "+".join(f"SUM({L.ITEMS}!{h[helper]}{a}:{h[helper]}{b})" for a, b in spans)

    ans, app = total(L.HELPERS[2]), total(L.HELPERS[3])
    score = f"{letter[L.SCORE_NOW]}{row}"
    if mean_of is None:
        wv, w = total(L.HELPERS[4]), total(L.HELPERS[5])
        score_formula = f'=IF(({w})=0,"",({wv})/({w}))'
    else:
        rng = ",".join(mean_of)
        score_formula = f'=IF(COUNT({rng})=0,"",AVERAGE({rng}))'
    level = f"ROUND({score},9)"
    bands = "".join(f'IF({level}<{bound},"{n} {name}",' for n, (bound, name) in enumerate(_BANDS))
    level_formula = (
        f'=IF({score}="",IF(({app})=0,"all N/A","no score"),'
        + bands
        + f'"{len(_BANDS)} {_TOP}"'
        + ")" * (len(_BANDS) + 1)
    )
    formulas = {
        L.SCORE_NOW: score_formula,
        L.LEVEL_NOW: level_formula,
        L.ANSWERED_NOW: f'=IF(({app})=0,"",({ans})/({app}))',
        L.LOW_NOW: f'=IF(AND(({ans})>0,({ans})<({app})*{LOW_EVIDENCE_BELOW}),"low evidence","")',
    }
    for head, formula in formulas.items():
        c = ws.cell(row, col[head])
        c.value = formula
        _fixed(c)
    ws.cell(row, col[L.SCORE_NOW]).number_format = "0.0"
    ws.cell(row, col[L.ANSWERED_NOW]).number_format = "0%"


def _actions(
    ws: Worksheet, work: Assessment, framework: Framework, saved: Assessment | None
) -> None:
    headers = [L.ACTION_NO, L.ACTION_DIM, L.ACTION_TEXT, L.OWNER, L.DUE, L.STATUS, L.CHECK]
    widths = [6, 16, 60, 22, 13, 10, 36]
    _header(ws, headers, widths)
    col = {h: n for n, h in enumerate(headers, 1)}
    _group(ws, 1, 6, "Actions: change the rows below or add new ones in the empty rows")
    saved_actions = saved.actions() if saved else []
    row = L.FIRST_ROW
    for action in work.actions():
        numbered = action.index < len(saved_actions)
        number = action.index + 1 if numbered else None
        written = L.action_row(number, action)
        _fixed(_cell(ws, row, col[L.ACTION_NO], number))
        values = {
            L.ACTION_DIM: written.dimension,
            L.ACTION_TEXT: written.action,
            L.OWNER: written.owner,
            L.DUE: written.due,
            L.STATUS: written.status,
        }
        for head, value in values.items():
            c = _cell(ws, row, col[head], value, f"the {head.lower()} of action {action.index + 1}")
            _answer(c)
            _fixed(c)
        if numbered:
            base = L.action_row(number, saved_actions[action.index])
            _cell(ws, row, col[L.CHECK], L.RowChecks(base.check(), written.check()).cell())
        _fit_height(ws, row, [(written.action, 60), (written.owner, 22)])
        row += 1
    last = row + L.BLANK_ACTION_ROWS - 1
    for r in range(row, last + 1):
        ws.cell(r, col[L.ACTION_NO]).border = BORDER
        for head in (L.ACTION_DIM, L.ACTION_TEXT, L.OWNER, L.DUE, L.STATUS):
            c = ws.cell(r, col[head])
            _answer(c)
            _fixed(c)
    for r in range(L.FIRST_ROW, last + 1):
        ws.cell(r, col[L.DUE]).number_format = "yyyy-mm-dd"
    ids = ",".join(d.id for d in framework.dimensions)
    _validation(
        ws,
        f'"{ids}"',
        _col_range(col[L.ACTION_DIM], L.FIRST_ROW, last),
        "Dimension",
        "Choose the part of the cycle the action belongs to (see the Dimensions sheet).",
    )
    _validation(
        ws,
        '"open,done,dropped"',
        _col_range(col[L.STATUS], L.FIRST_ROW, last),
        "Status",
        "Choose open, done or dropped.",
    )
    due = DataValidation(
        type="date",
        operator="between",
        formula1="36526",  # 2000-01-01
        formula2="73050",  # 2099-12-31
        allow_blank=True,
    )
    due.error = "Type a date such as 2025-06-30."
    due.errorTitle = "Due date"
    due.showErrorMessage = True
    due.add(_col_range(col[L.DUE], L.FIRST_ROW, last))
    ws.add_data_validation(due)
    ws.column_dimensions[get_column_letter(col[L.CHECK])].hidden = True
    ws.freeze_panes = ws.cell(L.FIRST_ROW, 1)
