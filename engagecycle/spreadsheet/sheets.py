"""Read a filled-in workbook sheet by sheet into checked rows, collecting every problem.

The first of the import's two passes (see `importer`): each sheet's rows are parsed with the
layout's conversions (`layout`), and every problem is recorded with its sheet, row, column,
the value found and what is allowed, never raised, so one run of `engagecycle import` lists
them all. Nothing is looked up in the store here: a workbook is judged on its own first.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..assessment import (
    ORG_TYPES,
    check_code,
    check_period,
    normalise_code,
    normalise_period,
)
from ..errors import EngageError
from ..framework import Framework
from ..limits import MAX_WORKBOOK_COLUMNS, name_problem
from ..store import display_path
from ..versions import Frameworks, as_frameworks
from . import layout as L
from .reader import WorkbookRefused, read_workbook_cells

# ----------------------------------------------------------------- problems


@dataclass(frozen=True)
class SheetProblem:
    """One problem in a workbook, located the way a spreadsheet user looks for it."""

    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    cell: str | None = None
    fatal: bool = True

    def __str__(self) -> str:
        parts = []
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.cell:
            parts.append(f"cell {self.cell}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        where = ", ".join(parts)
        return f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"


class ImportFailed(EngageError):
    """The workbook has fatal problems; nothing was written."""

    def __init__(self, problems: list[SheetProblem], warnings: list[SheetProblem] | None = None):
        self.problems = problems
        self.warnings = warnings or []
        super().__init__("\n".join(str(p) for p in problems))


# ----------------------------------------------------------------- parsed workbook


@dataclass
class Parsed:
    row: int
    values: Any  # ItemRow | DimRow | ActionRow
    checks: L.RowChecks | None


@dataclass
class ParsedWorkbook:
    file: str
    info: dict[str, Any] = field(default_factory=dict)
    details: Parsed | None = None  # the assessment's details (format 2 on)
    items: dict[str, Parsed] = field(default_factory=dict)
    confirmed: dict[str, int] = field(default_factory=dict)  # dimension -> row with Yes
    dims: dict[str, Parsed] = field(default_factory=dict)
    actions: list[Parsed] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    sheets_read: set[str] = field(default_factory=set)
    framework: Framework | None = None  # the version the workbook was made for
    versions: str = ""  # the versions this tool knows, for messages

    @property
    def fatal(self) -> list[SheetProblem]:
        return [p for p in self.problems if p.fatal]

    @property
    def warnings(self) -> list[SheetProblem]:
        return [p for p in self.problems if not p.fatal]


class _Sheet:
    """Cell access that notices formulas and reports problems with their location."""

    def __init__(self, parsed: ParsedWorkbook, name: str, formulas: Any, values: Any):
        self.parsed = parsed
        self.name = name
        self.f = formulas
        self.v = values

    def problem(self, message: str, row=None, column=None, cell=None, fatal=True) -> None:
        self.parsed.problems.append(
            SheetProblem(self.parsed.file, message, self.name, row, column, cell, fatal)
        )

    def get(self, row: int, col: int, label: str) -> Any:
        """The value a person sees; a formula gives its saved result, or a problem if none."""
        raw = self.f.cell(row, col)
        if raw.data_type != "f":
            return raw.value
        result = self.v.cell(row, col).value
        formula = raw.value if isinstance(raw.value, str) else "a formula"
        if result is None:
            self.problem(
                f"{L.show(formula)} is a formula with no saved result; type the value itself, "
                "or open and save the workbook in Excel or LibreOffice first",
                row,
                label,
            )
            return None
        self.problem(
            f"formula {L.show(formula)}: imported its result {L.show(result)}",
            row,
            label,
            fatal=False,
        )
        return result

    def last_row(self) -> int:
        last = self.f.max_row
        if last > L.MAX_ROWS:
            # Never a silent loss: content past the limit is not a template's, so say so.
            self.problem(
                f"there is content below row {L.MAX_ROWS:,}; a template has a few hundred "
                f"rows at most, and no more than {L.MAX_ROWS:,} are read (remove the rows "
                "below, or make a new workbook with 'engagecycle template')",
            )
        return min(last, L.MAX_ROWS)

    def headers(self, required: list[str], known: set[str]) -> dict[str, int] | None:
        """Heading -> column. Missing required headings are fatal; unknown ones are warned."""
        cols: dict[str, int] = {}
        for col in range(1, self.f.max_column + 1):
            text = self.f.cell(L.HEADER_ROW, col).value
            if L.is_blank(text):
                continue
            text = str(text).strip()
            if text in cols and text in known:
                self.problem(
                    f"the heading {text!r} appears twice (columns {_letter(cols[text])} "
                    f"and {_letter(col)})",
                    L.HEADER_ROW,
                )
            cols.setdefault(text, col)
        missing = [h for h in required if h not in cols]
        for h in missing:
            self.problem(
                f"the column {h!r} is missing; row {L.HEADER_ROW} must keep the headings the "
                "template wrote",
                L.HEADER_ROW,
            )
        return None if missing else cols

    def warn_unknown(self, cols: dict[str, int], known: set[str], skip: set[int]) -> None:
        for text, col in cols.items():
            if text not in known and col not in skip:
                self.problem(
                    f"{text!r} is not a column of the template; ignored",
                    L.HEADER_ROW,
                    _letter(col),
                    fatal=False,
                )


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


def _parse(sheet: _Sheet, fn, value: Any, row: int, column: str) -> Any:
    try:
        return fn(value)
    except L.CellError as exc:
        sheet.problem(str(exc), row, column)
        return None


# ----------------------------------------------------------------- reading


def read_workbook(
    path: str | Path, framework: Framework | Frameworks, *, replace: bool = False
) -> ParsedWorkbook:
    """Read and check every sheet; the result lists every problem found (never raises).

    Given the versions the tool knows (`Frameworks`), the workbook is read against the one
    its Instructions sheet names (`parsed.framework`); given one framework, against that.
    """
    path = Path(path)
    parsed = ParsedWorkbook(display_path(path))
    books = _open(path, parsed)
    if books is None:
        return parsed
    formulas, values = books
    framework = _framework_named(formulas, framework, parsed)
    present = set(formulas.sheetnames)
    for name in L.SHEETS:
        if name not in present:
            parsed.problems.append(
                SheetProblem(
                    parsed.file,
                    f"sheet {name!r} is missing; the workbook must keep the sheets made by "
                    f"'engagecycle template' ({', '.join(L.SHEETS)})",
                )
            )
    for name in formulas.sheetnames:
        if name not in L.SHEETS and name not in L.OPTIONAL_SHEETS:
            parsed.problems.append(
                SheetProblem(
                    parsed.file, f"sheet {name!r} is not part of the template; ignored", fatal=False
                )
            )
    readers = {
        L.INSTRUCTIONS: _read_instructions,
        L.ITEMS: _read_items,
        L.DIMENSIONS: _read_dimensions,
        L.ACTIONS: _read_actions,
    }
    for name, reader in readers.items():
        if name in present:
            sheet = _Sheet(parsed, name, formulas[name], values[name])
            reader(sheet, framework, replace)
            parsed.sheets_read.add(name)
    return parsed


def _framework_named(formulas: Any, known: Framework | Frameworks, parsed) -> Framework:
    """The version the workbook's Instructions sheet names, when the tool has it.

    Otherwise the default, and `_read_instructions` then says which versions there are.
    """
    versions = as_frameworks(known)
    parsed.versions = versions.allowed()
    chosen = versions.new
    if L.INSTRUCTIONS in formulas.sheetnames:
        cell = formulas[L.INSTRUCTIONS].cell(L.INFO_ROWS["version"], 2).value
        version = L.whole(cell)
        if version in versions:
            chosen = versions.get(version)
    parsed.framework = chosen
    return chosen


def _open(path: Path, parsed: ParsedWorkbook):
    def fail(message: str) -> None:
        parsed.problems.append(SheetProblem(parsed.file, message))

    if not path.is_file():
        fail("no such file")
        return None
    if path.suffix.lower() != ".xlsx":
        fail(
            f"{path.suffix or 'a file without a suffix'} is not an Excel workbook; "
            "save it as an Excel workbook (.xlsx) and import that"
        )
        return None
    try:
        formulas, values = read_workbook_cells(path)
    except WorkbookRefused as exc:
        fail(str(exc))
        return None
    for bad in formulas.bad_cells:
        parsed.problems.append(SheetProblem(parsed.file, bad.message, bad.sheet, cell=bad.ref))
    for name in formulas.wide_sheets:
        parsed.problems.append(
            SheetProblem(
                parsed.file,
                f"only the first {MAX_WORKBOOK_COLUMNS} columns were read",
                name,
                fatal=False,
            )
        )
    return formulas, values


def _read_instructions(sheet: _Sheet, framework: Framework, replace: bool) -> None:
    info = sheet.parsed.info
    ok = True
    raw: dict[str, Any] = {}
    for key, label in L.INFO_LABELS.items():
        row = L.INFO_ROWS[key]
        found = sheet.f.cell(row, 1).value
        if str(found or "").strip() != label:
            sheet.problem(
                f"should say {label!r} but has {L.show(found)}; the layout of this sheet was "
                "changed, so the workbook cannot be trusted (make a new one with "
                "'engagecycle template')",
                cell=f"A{row}",
            )
            ok = False
        raw[key] = sheet.get(row, 2, "B")
    if not ok:
        return

    def bad(key: str, message: str) -> None:
        sheet.problem(message, cell=f"B{L.INFO_ROWS[key]}")

    fmt = L.whole(raw["format"])
    if fmt not in L.READABLE_FORMATS:
        bad(
            "format",
            f"workbook format {L.show(raw['format'])} is not one this version reads "
            f"(allowed: {', '.join(map(str, L.READABLE_FORMATS))}); make a new workbook with "
            "'engagecycle template'",
        )
    code = normalise_code(raw["code"]) if not L.is_blank(raw["code"]) else ""
    why = check_code(code)
    if why:
        bad("code", f"organisation code {L.show(raw['code'])} {why}")
    period = normalise_period(raw["period"]) if not L.is_blank(raw["period"]) else ""
    why = check_period(period)
    if why:
        bad("period", f"period {L.show(raw['period'])} {why}")
    fw_id = str(raw["framework"] or "").strip()
    version = L.whole(raw["version"])
    if fw_id != framework.id or version != framework.version:
        uses = (
            f"this tool has versions {sheet.parsed.versions}"
            if " or " in sheet.parsed.versions
            else f"this tool uses {framework.id!r} version {framework.version}"
        )
        bad(
            "framework",
            f"the workbook was made for framework {fw_id!r} version {L.show(raw['version'])}, "
            f"but {uses}; make a new workbook with 'engagecycle template'",
        )
    elif raw["check"] != L.header_check(code, period, fw_id, version):
        bad(
            "check",
            "the organisation, period or framework on this sheet was changed after the workbook "
            f"was made (it now says {code} {period}); import the workbook made for the right "
            "organisation and period, or make a new one with 'engagecycle template'",
        )
    name = L.parse_text(raw["name"])
    for key, value in (("name", name), ("peer_group", L.parse_text(raw["peer_group"]))):
        why = name_problem(value.strip()) if value else None
        if why:
            bad(key, f"{L.INFO_LABELS[key].lower()} {L.show(value)} {why}")
    org_type = L.parse_text(raw["type"])
    if org_type is not None and org_type not in ORG_TYPES:
        bad(
            "type",
            f"{L.show(org_type)} is not an organisation type (allowed: {', '.join(ORG_TYPES)})",
        )
    info.update(
        code=code,
        period=period,
        name=name.strip() if name else None,
        type=org_type,
        peer_group=L.parse_text(raw["peer_group"]),
        format=fmt,
    )
    if fmt is not None and fmt >= 2:
        _read_details(sheet)


def _read_details(sheet: _Sheet) -> None:
    """The assessment's details block (format 2 on): date, facilitator, people, sharing."""
    raw: dict[str, Any] = {}
    for key, label in L.DETAIL_LABELS.items():
        row = L.DETAIL_ROWS[key]
        found = sheet.f.cell(row, 1).value
        if str(found or "").strip() != label:
            sheet.problem(
                f"should say {label!r} but has {L.show(found)}; the layout of this sheet was "
                "changed (make a new workbook with 'engagecycle template')",
                cell=f"A{row}",
            )
            return
        raw[key] = sheet.get(row, 2, "B")

    def parse(key: str, fn) -> Any:
        try:
            return fn(raw[key])
        except L.CellError as exc:
            sheet.problem(str(exc), cell=f"B{L.DETAIL_ROWS[key]}")
            return None

    values = L.Details(
        assessed_on=parse("assessed_on", L.parse_date),
        facilitator=parse("facilitator", L.parse_text),
        participants=parse("participants", L.parse_participants),
        share_evidence=parse("share_evidence", L.parse_yes_no),
    )
    check = sheet.f.cell(L.DETAIL_FIRST_ROW, L.DETAIL_CHECK_COLUMN).value
    sheet.parsed.details = Parsed(L.DETAIL_FIRST_ROW, values, L.RowChecks.parse(check))


def _read_items(sheet: _Sheet, framework: Framework, replace: bool) -> None:
    levels = L.level_headers(framework)
    required = [L.ITEM, L.LEVEL, L.EVIDENCE, L.DISCUSS, L.CARRIED]
    worked_out = {L.VALUE_USED, *L.HELPERS}  # formulas: never read
    known = {L.DIM_TITLE, L.STATEMENT, L.HELP, L.CHECK, L.AGREED, *levels, *required}
    known |= worked_out
    cols = sheet.headers(required, known)
    if cols is None:
        return
    last_col = cols.get(L.CHECK, sheet.f.max_column + 1) - 1
    rater_cols = list(range(cols[L.CARRIED] + 1, last_col + 1))
    last = sheet.last_row()
    raters: dict[int, str] = {}
    seen_names: dict[str, int] = {}
    for col in rater_cols:
        head = sheet.get(L.HEADER_ROW, col, _letter(col))
        used = any(not L.is_blank(sheet.f.cell(r, col).value) for r in range(L.FIRST_ROW, last + 1))
        if L.is_blank(head):
            if used:
                sheet.problem(
                    "individual ratings in a column with no heading; put the "
                    "person's name or initials in the heading",
                    L.HEADER_ROW,
                    _letter(col),
                )
            continue
        name = str(head).strip()
        why = name_problem(name)
        if why:
            sheet.problem(
                f"the heading {L.show(head)} names the person who gave these ratings, and {why}",
                L.HEADER_ROW,
                _letter(col),
            )
            continue
        if name.casefold() in seen_names:
            sheet.problem(
                f"two rating columns are headed {name!r} (columns "
                f"{_letter(seen_names[name.casefold()])} and {_letter(col)}); give "
                "each person their own heading",
                L.HEADER_ROW,
                _letter(col),
            )
            continue
        seen_names[name.casefold()] = col
        raters[col] = name
    sheet.warn_unknown(cols, known, set(rater_cols))

    items = sheet.parsed.items
    answer_heads = [h for h in (L.LEVEL, L.EVIDENCE, L.DISCUSS, L.AGREED, L.CARRIED) if h in cols]
    labels = {cols[h]: h for h in answer_heads} | raters
    for row in range(L.FIRST_ROW, last + 1):
        answer_cols = [cols[h] for h in answer_heads] + list(raters)
        item_raw = sheet.get(row, cols[L.ITEM], L.ITEM)
        cells = {c: sheet.get(row, c, labels.get(c) or _letter(c)) for c in answer_cols}
        if L.is_blank(item_raw):
            if any(not L.is_blank(v) for v in cells.values()):
                sheet.problem(
                    "answers in a row with no item id; answers must stay in the row "
                    "of their statement",
                    row,
                    L.ITEM,
                )
            continue
        item_id = str(item_raw).strip()
        if item_id not in framework.items:
            close = difflib.get_close_matches(item_id, list(framework.items), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            sheet.problem(
                f"{L.show(item_raw)} is not an item of {framework.id} version "
                f"{framework.version}{hint}",
                row,
                L.ITEM,
            )
            continue
        if item_id in items:
            sheet.problem(
                f"item {item_id} is also in row {items[item_id].row}; each item may "
                "appear only once",
                row,
                L.ITEM,
            )
            continue
        rated = []
        for col, name in raters.items():
            v = _parse(sheet, L.parse_rating, cells[col], row, name)
            if v is not None:
                rated.append((name, v))
        values = L.ItemRow(
            item=item_id,
            level=_parse(sheet, L.parse_level, cells[cols[L.LEVEL]], row, L.LEVEL),
            raters=tuple(rated),
            evidence=_parse(sheet, L.parse_text, cells[cols[L.EVIDENCE]], row, L.EVIDENCE),
            flag=_parse(sheet, L.parse_yes_no, cells[cols[L.DISCUSS]], row, L.DISCUSS),
            carried=_parse(sheet, L.parse_yes_no, cells[cols[L.CARRIED]], row, L.CARRIED),
            agreed=(
                _parse(sheet, L.parse_text, cells[cols[L.AGREED]], row, L.AGREED)
                if L.AGREED in cols
                else None
            ),
        )
        checks = (
            L.RowChecks.parse(sheet.f.cell(row, cols[L.CHECK]).value) if L.CHECK in cols else None
        )
        items[item_id] = Parsed(row, values, checks)
    missing = [i for i in framework.items if i not in items]
    if missing:
        shown = ", ".join(missing[:10]) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        if replace:
            sheet.problem(f"no row for item(s) {shown}; --replace needs a row for every item")
        else:
            sheet.problem(
                f"no row for item(s) {shown}; their saved answers are left as they are", fatal=False
            )


def _read_dimensions(sheet: _Sheet, framework: Framework, replace: bool) -> None:
    required = [L.DIM_ID, L.TARGET, L.NOTES]
    known = {L.DIM_TITLE, L.DIM_KIND, L.DIM_PURPOSE, L.CHECK, L.CONFIRMED, *L.LIVE, *required}
    cols = sheet.headers(required, known)
    if cols is None:
        return
    sheet.warn_unknown(cols, known, set())
    dims = sheet.parsed.dims
    for row in range(L.FIRST_ROW, sheet.last_row() + 1):
        dim_raw = sheet.get(row, cols[L.DIM_ID], L.DIM_ID)
        target = sheet.get(row, cols[L.TARGET], L.TARGET)
        notes = sheet.get(row, cols[L.NOTES], L.NOTES)
        if L.is_blank(dim_raw):
            if not (L.is_blank(target) and L.is_blank(notes)):
                sheet.problem("a target or notes in a row with no dimension id", row, L.DIM_ID)
            continue
        dim_id = str(dim_raw).strip()
        if dim_id not in framework.by_id:
            sheet.problem(
                f"{L.show(dim_raw)} is not a dimension id (allowed: {', '.join(framework.by_id)})",
                row,
                L.DIM_ID,
            )
            continue
        if dim_id in dims:
            sheet.problem(
                f"dimension {dim_id} is also in row {dims[dim_id].row}; each dimension "
                "may appear only once",
                row,
                L.DIM_ID,
            )
            continue
        values = L.DimRow(
            dim_id,
            _parse(sheet, L.parse_target, target, row, L.TARGET),
            _parse(sheet, L.parse_text, notes, row, L.NOTES),
        )
        if L.CONFIRMED in cols:
            confirmed = sheet.get(row, cols[L.CONFIRMED], L.CONFIRMED)
            if _parse(sheet, L.parse_yes_no, confirmed, row, L.CONFIRMED):
                sheet.parsed.confirmed[dim_id] = row
        checks = (
            L.RowChecks.parse(sheet.f.cell(row, cols[L.CHECK]).value) if L.CHECK in cols else None
        )
        dims[dim_id] = Parsed(row, values, checks)
    missing = [d.id for d in framework.dimensions if d.id not in dims]
    if missing and replace:
        sheet.problem(f"no row for {', '.join(missing)}; --replace needs every dimension")
    elif missing:
        sheet.problem(
            f"no row for {', '.join(missing)}; their targets and notes are left as they are",
            fatal=False,
        )


def _read_actions(sheet: _Sheet, framework: Framework, replace: bool) -> None:
    fields = [L.ACTION_DIM, L.ACTION_TEXT, L.OWNER, L.DUE, L.STATUS]
    required = [L.ACTION_NO, *fields]
    known = {L.CHECK, *required}
    cols = sheet.headers(required, known)
    if cols is None:
        return
    sheet.warn_unknown(cols, known, set())
    names = L.DimensionNames(framework)
    numbers: dict[int, int] = {}
    for row in range(L.FIRST_ROW, sheet.last_row() + 1):
        cells = {h: sheet.get(row, cols[h], h) for h in required}
        if all(L.is_blank(v) for v in cells.values()):
            continue
        number = None
        if not L.is_blank(cells[L.ACTION_NO]):
            number = L.whole(cells[L.ACTION_NO])
            if number is None or number < 1:
                sheet.problem(
                    f"{L.show(cells[L.ACTION_NO])} is not an action number (allowed: "
                    "the number the template wrote, or blank for a new action)",
                    row,
                    L.ACTION_NO,
                )
                continue
            if number in numbers:
                sheet.problem(
                    f"action number {number} is also in row {numbers[number]}; each "
                    "saved action may appear only once",
                    row,
                    L.ACTION_NO,
                )
                continue
            numbers[number] = row
        values = L.ActionRow(
            number=number,
            dimension=_parse(sheet, names.parse, cells[L.ACTION_DIM], row, L.ACTION_DIM),
            action=_parse(sheet, L.parse_text, cells[L.ACTION_TEXT], row, L.ACTION_TEXT),
            owner=_parse(sheet, L.parse_text, cells[L.OWNER], row, L.OWNER),
            due=_parse(sheet, L.parse_date, cells[L.DUE], row, L.DUE),
            status=_parse(sheet, L.parse_status, cells[L.STATUS], row, L.STATUS),
        )
        content = [cells[h] for h in fields]
        emptied = all(L.is_blank(v) for v in content)
        new_or_replaced = number is None or (replace and not emptied)
        if new_or_replaced:
            what = "a new action" if number is None else "with --replace, an action"
            if L.is_blank(cells[L.ACTION_DIM]):
                sheet.problem(
                    f"{what} needs a dimension (allowed: {', '.join(framework.by_id)})",
                    row,
                    L.ACTION_DIM,
                )
            if L.is_blank(cells[L.ACTION_TEXT]):
                sheet.problem(
                    f"{what} needs the action written out (to stop an action, set "
                    "its status to dropped)",
                    row,
                    L.ACTION_TEXT,
                )
        checks = (
            L.RowChecks.parse(sheet.f.cell(row, cols[L.CHECK]).value) if L.CHECK in cols else None
        )
        sheet.parsed.actions.append(Parsed(row, values, checks))
