"""summary.xlsx: the batch's spreadsheet for a programme team, in the report's palette.

`summary.csv` is the tidy table for analysts; the workbook is what people open: a sheet per
question (what is each organisation's score on each dimension, how much did they answer,
what changed, what did they plan), each with frozen headings and filters, levels coloured as
in the reports, percentages as percentages and figures to one decimal place (the cells keep
full precision). The tidy table is on its own sheet, formatted, for analysts.

Write-only openpyxl (one pass, styled cells) so 10,000 organisations stay quick. Every text
cell goes through `spreadsheet.safe.put` (formula injection).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from ..benchmark.rules import (
    CHANGE_MIN_ITEMS,
    CHANGE_MIN_SHARE,
    NOT_ENOUGH,
    REAL_CHANGE,
    UNCONFIRMED_WARN_SHARE,
    is_change,
)
from ..framework import Framework
from ..levels import LEVELS, band_index
from ..scoring import LOW_EVIDENCE_BELOW
from ..spreadsheet.safe import put, save_workbook

SHEETS = ("Scores", "Levels", "Answered", "Changes", "Actions", "Duty to involve", "Data", "About")
HEADER_ROW = 5  # rows 1-4: title, legend, note, blank
SCORE_FORMAT = "0.0"
LOW_SCORE_FORMAT = '0.0"*"'  # the number stays a number; the star marks low evidence
CHANGE_FORMAT = "+0.0;\u22120.0;0.0"
PERCENT_FORMAT = "0%"
HEADER_FILL = "E8EDEE"  # NHS Pale Grey, as the report's table headings
HEADER_TEXT = "003087"  # NHS Dark Blue
LOW_FILL = "FFF8E6"  # the report's low-evidence note
OVERDUE_FILL = "FFE8B3"
SUMMARY_ROWS = ("hub", "cycle", "overall")
SUMMARY_TITLES = {"hub": "Hub", "cycle": "Cycle", "overall": "Overall"}

DATA_FORMATS = {
    "score": "0.00",
    "percent": "0.0",
    "completeness": PERCENT_FORMAT,
    "coverage": PERCENT_FORMAT,
    "target": "0",
    "peer_min": "0.00",
    "peer_q1": "0.00",
    "peer_median": "0.00",
    "peer_q3": "0.00",
    "peer_max": "0.00",
    "percentile": "0",
    "score_then": "0.00",
    "score_now": "0.00",
    "change": "+0.00;\u22120.00;0.00",
}


class _Styles:
    """Named styles made once (a style object per cell would bloat the file and the time)."""

    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        from ..charts.style import LEVEL_COLOURS, text_colour

        thin = Side(style="thin", color="D8DDE0")
        self.border = Border(bottom=thin)
        self.header_font = Font(bold=True, color=HEADER_TEXT)
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.header_align = Alignment(wrap_text=True, vertical="bottom")
        self.title_font = Font(bold=True, size=14, color=HEADER_TEXT)
        self.note_font = Font(italic=True, color="425563")
        self.bold = Font(bold=True)
        self.level_fill = {
            k: PatternFill("solid", fgColor=v.lstrip("#")) for k, v in LEVEL_COLOURS.items()
        }
        self.level_font = {
            k: Font(color=text_colour(v).lstrip("#"), bold=False) for k, v in LEVEL_COLOURS.items()
        }
        self.missing_fill = PatternFill("lightUp", fgColor="BFC7CB", bgColor="FFFFFF")
        self.missing_font = Font(italic=True, color="425563")
        self.low_fill = PatternFill("solid", fgColor=LOW_FILL)
        self.overdue_fill = PatternFill("solid", fgColor=OVERDUE_FILL)
        self.centre = Alignment(horizontal="center")
        self.wrap = Alignment(wrap_text=True, vertical="top")


def _missing(x: Any) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _plain(value: Any) -> Any:
    """A value openpyxl can store (no NaN, no numpy scalars)."""
    if _missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    return value


class _Sheet:
    """A write-only sheet with a title block, a styled heading row, frozen panes and filters."""

    def __init__(self, wb, styles: _Styles, name: str, title: str, note: str = ""):
        self.ws = wb.create_sheet(name)
        self.s = styles
        self.title, self.note = title, note
        self.rows = 0

    def cell(self, value: Any = None, *, fmt: str = "", font=None, fill=None, align=None):
        from openpyxl.cell import WriteOnlyCell

        c = WriteOnlyCell(self.ws)
        put(c, _plain(value))
        if fmt:
            c.number_format = fmt
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        if align is not None:
            c.alignment = align
        return c

    def start(self, headers: list[str], widths: list[float], freeze_col: int, legend=None):
        from openpyxl.utils import get_column_letter

        for n, w in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(n)].width = w
        # printed: A4 landscape, one page wide, headings on every page
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = "9"  # A4
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        self.ws.freeze_panes = f"{get_column_letter(freeze_col)}{HEADER_ROW + 1}"
        self.ws.append([self.cell(self.title, font=self.s.title_font)])
        self.ws.append(legend or [])
        self.ws.append([self.cell(self.note, font=self.s.note_font)] if self.note else [])
        self.ws.append([])
        self.ws.append(
            [
                self.cell(
                    h, font=self.s.header_font, fill=self.s.header_fill, align=self.s.header_align
                )
                for h in headers
            ]
        )
        self.width = len(headers)

    def append(self, cells: list) -> None:
        self.ws.append(cells)
        self.rows += 1

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        last = HEADER_ROW + max(self.rows, 1)
        self.ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(self.width)}{last}"


def _legend(sheet: _Sheet, skip: int) -> list:
    """'Levels:' then one coloured cell per level, under the (wide) dimension columns."""
    s = sheet.s
    cells = [sheet.cell("Levels:", font=s.bold)] + [None] * (skip - 1)
    for k, name in LEVELS.items():
        cells.append(
            sheet.cell(f"{k} {name}", font=s.level_font[k], fill=s.level_fill[k], align=s.centre)
        )
    cells.append(sheet.cell("no score", font=s.missing_font, fill=s.missing_fill, align=s.centre))
    cells.append(sheet.cell("2.0* = low evidence", font=s.note_font))
    return cells


def _score_cell(sheet: _Sheet, score: Any, low: bool, applicable: int):
    s = sheet.s
    if _missing(score):
        text = "all N/A" if applicable == 0 else "no score"
        return sheet.cell(text, font=s.missing_font, fill=s.missing_fill, align=s.centre)
    k = band_index(float(score))
    return sheet.cell(
        float(score),
        fmt=LOW_SCORE_FORMAT if low else SCORE_FORMAT,
        font=s.level_font[k],
        fill=s.level_fill[k],
        align=s.centre,
    )


def _level_cell(sheet: _Sheet, score: Any, low: bool, applicable: int):
    s = sheet.s
    if _missing(score):
        text = "all N/A" if applicable == 0 else "no score"
        return sheet.cell(text, font=s.missing_font, fill=s.missing_fill)
    k = band_index(float(score))
    text = f"{k} {LEVELS[k]}" + (" *" if low else "")
    return sheet.cell(text, font=s.level_font[k], fill=s.level_fill[k])


def _change_value(r: dict) -> tuple[Any, str]:
    """(value, number format) of a like-for-like change cell; words when there is none."""
    if not r.get("previous_period"):
        return "first assessment", ""
    if r.get("direction") == NOT_ENOUGH or not is_change(r.get("direction")):
        if r.get("comparable_applicable") == 0 and (r.get("applicable") or 0) > 0:
            return "all new", ""
        return "too few to compare", ""
    return float(r["change"]), CHANGE_FORMAT


def compared_with_words(org: str, r: dict) -> str:
    """'own' or 'predecessors X03, X04', plus any predecessor with no earlier assessment."""
    used = [c for c in str(r.get("compared_with") or "").split() if c != org]
    own = org in str(r.get("compared_with") or "").split()
    parts = []
    if used:
        parts.append(("own and " if own else "") + "predecessors " + ", ".join(used))
    elif own:
        parts.append("own")
    gone = str(r.get("not_assessed") or "").split()
    if gone:
        parts.append("not assessed: " + ", ".join(gone))
    return "; ".join(parts)


def version_words(r: dict) -> str:
    """'1 → 2' when the question bank changed between the years, else the version."""
    then = str(r.get("version_then") or "")
    now = r.get("version")
    if not then or now is None or _missing(now):
        return ""
    return then if then == str(int(now)) else f"{then} → {int(now)}"


def _by_org(table: pd.DataFrame) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for r in table.to_dict("records"):
        out.setdefault(str(r["organisation"]), {})[str(r["dimension"])] = r
    return out


def write_summary_book(
    table: pd.DataFrame,
    actions: pd.DataFrame,
    path: Path,
    framework: Framework,
    *,
    period: str = "",
    about: Sequence[tuple[str, str]] = (),
    duty: pd.DataFrame | None = None,
) -> Path:
    """Write summary.xlsx; see the module docstring for the sheets.

    `duty` is `duty.duty_table` for the organisations (the "Duty to involve" sheet); without
    it the sheet says it was not given.
    """
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    s = _Styles()
    dims = [d.id for d in framework.dimensions]
    shorts = [framework.by_id[d].short for d in dims]
    rows = _by_org(table)
    orgs = sorted(rows)
    when = f", {period}" if period else ""

    # --- Scores: the grid a programme team reads first
    sh = _Sheet(
        wb,
        s,
        "Scores",
        f"Engagement Cycle scores{when}: every organisation and dimension",
        "Scores from 0 (Not started) to 4 (Embedded), shown to one decimal place and coloured "
        f"by level. * low evidence: fewer than {LOW_EVIDENCE_BELOW:.0%} of the applicable items "
        "answered. Change: like for like since the previous assessment (see About).",
    )
    head = ["Code", "Organisation", "Type", "Peer group", "Overall", "Level", "Answered"]
    head += ["Not confirmed", "Change", *shorts, "Hub", "Cycle"]
    widths = [8, 34, 8, 22, 9, 16, 10, 10, 18, *[13] * len(dims), 9, 9]
    sh.start(head, widths, freeze_col=3, legend=_legend(sh, skip=len(head) - len(dims) - 3))
    for org in orgs:
        r = rows[org]
        ov = r["overall"]
        value, fmt = _change_value(ov)
        cells = [
            sh.cell(org, font=s.bold),
            sh.cell(ov["name"]),
            sh.cell(ov["org_type"]),
            sh.cell(ov["peer_group"] or "none"),
            _score_cell(sh, ov["score"], bool(ov["low_evidence"]), int(ov["applicable"])),
            _level_cell(sh, ov["score"], bool(ov["low_evidence"]), int(ov["applicable"])),
            sh.cell(ov["completeness"], fmt=PERCENT_FORMAT),
            sh.cell(int(ov["unconfirmed"])),
            sh.cell(value, fmt=fmt),
        ]
        for d in [*dims, "hub", "cycle"]:
            x = r[d]
            cells.append(_score_cell(sh, x["score"], bool(x["low_evidence"]), int(x["applicable"])))
        sh.append(cells)
    sh.finish()

    # --- Levels: the same grid as level names, to filter on ("every Not started on Monitor")
    sh = _Sheet(
        wb,
        s,
        "Levels",
        f"Level of every organisation on every dimension{when}",
        "The level band of each score (the colours of the Scores sheet). * low evidence.",
    )
    sh.start(["Code", "Organisation", "Overall", *shorts], [8, 34, 16, *[16] * len(dims)], 3)
    for org in orgs:
        r = rows[org]
        cells = [sh.cell(org, font=s.bold), sh.cell(r["overall"]["name"])]
        for d in ["overall", *dims]:
            x = r[d]
            cells.append(_level_cell(sh, x["score"], bool(x["low_evidence"]), int(x["applicable"])))
        sh.append(cells)
    sh.finish()

    # --- Answered: completeness as percentages, low evidence shaded
    sh = _Sheet(
        wb,
        s,
        "Answered",
        f"Share of applicable items answered{when}",
        f"Shaded: below {LOW_EVIDENCE_BELOW:.0%} (low evidence). Blank: every item N/A. "
        "Not confirmed: answers carried over from the year before and not yet confirmed.",
    )
    sh.start(
        ["Code", "Organisation", "Overall", "Not confirmed", *shorts],
        [8, 34, 9, 10, *[12] * len(dims)],
        3,
    )
    for org in orgs:
        r = rows[org]
        ov = r["overall"]
        cells = [sh.cell(org, font=s.bold), sh.cell(ov["name"])]
        cells.append(sh.cell(ov["completeness"], fmt=PERCENT_FORMAT))
        cells.append(sh.cell(int(ov["unconfirmed"])))
        for d in dims:
            x = r[d]
            low = bool(x["low_evidence"])
            cells.append(
                sh.cell(x["completeness"], fmt=PERCENT_FORMAT, fill=s.low_fill if low else None)
            )
        sh.append(cells)
    sh.finish()

    # --- Changes: like for like, words where no change can be claimed
    sh = _Sheet(
        wb,
        s,
        "Changes",
        f"Change since the previous assessment, like for like{when}",
        f"On items answered in both years. ±{REAL_CHANGE:g} or more is a real change. “Too few "
        f"to compare”: fewer than {CHANGE_MIN_ITEMS} comparable items or under "
        f"{CHANGE_MIN_SHARE:.0%} of the applicable ones that could be compared (when the "
        "question bank changed version, those that kept their meaning). “All new”: every "
        "item of the dimension is new in this version.",
    )
    sh.start(
        ["Code", "Organisation", "Since", "Compared with", "Question bank"]
        + ["Items compared", "Coverage", "Overall", "Result"]
        + [*shorts, "Hub", "Cycle"],
        [8, 34, 9, 22, 12, 10, 10, 18, 28, *[18] * len(dims), 18, 18],
        3,
    )
    for org in orgs:
        r = rows[org]
        ov = r["overall"]
        value, fmt = _change_value(ov)
        result = ov["direction"] if ov.get("previous_period") else "first assessment"
        cells = [
            sh.cell(org, font=s.bold),
            sh.cell(ov["name"]),
            sh.cell(ov["previous_period"] or None),
            sh.cell(compared_with_words(org, ov) or None),
            sh.cell(version_words(ov) or None),
            sh.cell(int(ov["items_compared"]) if ov.get("previous_period") else None),
            sh.cell(ov["coverage"], fmt=PERCENT_FORMAT),
            sh.cell(value, fmt=fmt, font=s.bold),
            sh.cell(result),
        ]
        for d in [*dims, "hub", "cycle"]:
            v, f = _change_value(r[d])
            cells.append(sh.cell(v, fmt=f, font=None if f else s.missing_font))
        sh.append(cells)
    sh.finish()

    # --- Actions: every plan, soonest due first within each organisation
    sh = _Sheet(wb, s, "Actions", f"Action plans{when}", "Shaded: open and past its due date.")
    sh.start(
        ["Code", "Organisation", "Dimension", "Action", "Owner", "Due", "Status", "Overdue"],
        [8, 30, 28, 60, 24, 12, 10, 9],
        3,
    )
    for r in actions.to_dict("records"):
        fill = s.overdue_fill if r.get("overdue") else None
        due = r.get("due")
        cells = [
            sh.cell(r["organisation"], font=s.bold, fill=fill),
            sh.cell(r["name"], fill=fill),
            sh.cell(r["dimension_title"] or r["dimension"], fill=fill),
            sh.cell(r["action"], fill=fill, align=s.wrap),
            sh.cell(r["owner"] or None, fill=fill),
            sh.cell(due if isinstance(due, date) else None, fmt="d mmm yyyy", fill=fill),
            sh.cell(r["status"], fill=fill),
            sh.cell("overdue" if r.get("overdue") else None, fill=fill),
        ]
        sh.append(cells)
    sh.finish()

    _duty_sheet(wb, s, duty, when)

    # --- Data: the tidy table (as summary.csv), formatted, for analysts
    sh = _Sheet(
        wb,
        s,
        "Data",
        f"Tidy data{when}: one row per organisation and dimension (as summary.csv)",
        "Full precision in every cell; columns as documented in docs/architecture.md.",
    )
    sh.start(
        list(table.columns),
        [max(9, min(30, len(c) + 3)) for c in table.columns],
        2,
    )
    formats = [DATA_FORMATS.get(c, "") for c in table.columns]
    for values in table.itertuples(index=False, name=None):
        sh.append([sh.cell(v, fmt=f) for v, f in zip(values, formats, strict=True)])
    sh.finish()

    # --- About
    ws = wb.create_sheet("About")
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    about_rows = list(about) + [
        ("Scores", "0 Not started to 4 Embedded: the average of a dimension's answered items."),
        (
            "Low evidence (*)",
            f"Fewer than {LOW_EVIDENCE_BELOW:.0%} of the applicable items answered.",
        ),
        (
            "Change",
            f"Like for like, on items answered in both years (this year's confirmed); reported "
            f"only with at least {CHANGE_MIN_ITEMS} such items making up {CHANGE_MIN_SHARE:.0%} "
            f"of the applicable ones; ±{REAL_CHANGE:g} or more is a real change.",
        ),
        (
            "Not confirmed",
            "Answers carried over from the year before that the team has not confirmed; they "
            f"count in scores, never in change. Reports warn from {UNCONFIRMED_WARN_SHARE:.0%}.",
        ),
        (
            "Duty to involve",
            "Each principle, limb of the duty and national domain rated from the items tagged "
            "with it (version 2 or later), by the rule in docs/scoring.md section 9. These are "
            "self-assessments: the organisations' own answers, not checked by anyone else.",
        ),
        (
            "Sheets",
            "Scores, Levels, Answered, Changes, Actions, Duty to involve; Data is the tidy table.",
        ),
    ]
    ws.append([_styled(ws, "About this workbook", s.title_font)])
    for key, value in about_rows:
        ws.append([_styled(ws, key, s.bold), _styled(ws, value, None, s.wrap)])
    return save_workbook(wb, path)


RAG_FILLS = {
    "green": ("007F3B", "FFFFFF"),
    "amber": ("FFB81C", "212B32"),
    "red": ("8A1538", "FFFFFF"),
}
GROUP_WORDS = {"principle": "Principle", "duty": "Limb of the duty", "domain": "Domain"}


def _duty_sheet(wb, s: _Styles, duty: pd.DataFrame | None, when: str) -> None:
    """One row per organisation and rating, with its reason, as in each report's section."""
    from openpyxl.styles import Font, PatternFill

    from ..duty import RULE_WORDS, SELF_ASSESSMENT, WORDS

    sh = _Sheet(
        wb,
        s,
        "Duty to involve",
        f"The duty to involve: what these answers show{when}",
        f"Self-assessments: {SELF_ASSESSMENT} {RULE_WORDS}",
    )
    sh.start(
        [
            "Code",
            "Organisation",
            "Version",
            "Rated",
            "Number",
            "What",
            "Rating",
            "Answered",
            "Applicable",
            "Average",
            "Why",
        ],
        [8, 30, 8, 16, 8, 48, 20, 10, 10, 9, 90],
        3,
    )
    styles = {
        k: (PatternFill("solid", fgColor=bg), Font(bold=True, color=fg))
        for k, (bg, fg) in RAG_FILLS.items()
    }
    for r in [] if duty is None else duty.to_dict("records"):
        fill, font = styles.get(r["rating"], (None, None))
        word = WORDS.get(r["rating"], r["rating"])
        sh.append(
            [
                sh.cell(r["organisation"], font=s.bold),
                sh.cell(r["name"]),
                sh.cell(r["version"]),
                sh.cell(GROUP_WORDS.get(r["group"], r["group"]) or None),
                sh.cell(r["key"] or None),
                sh.cell(r["label"] or None, align=s.wrap),
                sh.cell(word, fill=fill, font=font),
                sh.cell(r["answered"]),
                sh.cell(r["applicable"]),
                sh.cell(r["average"], fmt="0.00"),
                sh.cell(r["reason"], align=s.wrap),
            ]
        )
    sh.finish()


def _styled(ws, value, font=None, align=None):
    from openpyxl.cell import WriteOnlyCell

    c = WriteOnlyCell(ws)
    put(c, value)
    if font is not None:
        c.font = font
    if align is not None:
        c.alignment = align
    return c
