"""The action plan as a spreadsheet (or CSV) for boards and the batch summary.

`plan_rows` is pure (assessments in, sorted rows out) so the ordering and the overdue rule are
tested without files. The writers only lay the rows out; every text cell goes through
`safe`, because action text and owners are typed by people.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..assessment import Assessment
from ..files import write_public_text
from ..framework import Framework
from .safe import neutralise, put, save_workbook

HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
OVERDUE_FILL = PatternFill("solid", fgColor="F8CBAD")
CLOSED_FONT = Font(color="7F7F7F")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class PlanRow:
    organisation: str
    name: str
    period: str
    dimension: str  # title, for readers
    dimension_id: str
    action: str
    owner: str
    due: date | None
    status: str
    overdue: bool


def plan_rows(
    assessments: Sequence[Assessment], framework: Framework, today: date
) -> list[PlanRow]:
    """Every action, soonest due first (undated last); an open action past its date is overdue."""
    order = {d.id: n for n, d in enumerate(framework.dimensions)}
    keyed = []
    for a in assessments:
        for action in a.actions():
            dim = framework.by_id.get(action.dimension)
            row = PlanRow(
                organisation=a.code,
                name=a.name,
                period=a.period,
                dimension=dim.title if dim else action.dimension,
                dimension_id=action.dimension,
                action=action.action,
                owner=action.owner,
                due=action.due,
                status=action.status,
                overdue=action.status == "open" and action.due is not None and action.due < today,
            )
            key = (
                action.due is None,
                action.due or date.max,
                a.code,
                order.get(action.dimension, len(order)),
                action.index,
            )
            keyed.append((key, row))
    return [row for _, row in sorted(keyed, key=lambda kr: kr[0])]


def _columns(rows: Sequence[PlanRow], several: bool) -> list[tuple[str, float]]:
    cols = [("Organisation", 28)] if several else []
    return cols + [
        ("Dimension", 28),
        ("Action", 60),
        ("Owner", 22),
        ("Due date", 12),
        ("Status", 10),
        ("Overdue", 10),
    ]


def _values(row: PlanRow, several: bool) -> list:
    org = [f"{row.name} ({row.organisation}) {row.period}"] if several else []
    return org + [
        row.dimension,
        row.action,
        row.owner or None,
        row.due,
        row.status,
        "Overdue" if row.overdue else None,
    ]


def summary(rows: Sequence[PlanRow]) -> str:
    counts = Counter(r.status for r in rows)
    overdue = sum(r.overdue for r in rows)
    parts = [f"{counts[s]} {s}" for s in ("open", "done", "dropped") if counts[s]]
    text = ", ".join(parts) or "no actions"
    return f"{text}; {overdue} overdue" if overdue else text


def write_action_plan(
    path: str | Path,
    assessments: Sequence[Assessment],
    framework: Framework,
    *,
    today: date | None = None,
    title: str | None = None,
) -> list[PlanRow]:
    """Write the plan as .xlsx (or .csv if `path` ends in .csv); returns the rows written."""
    today = today or date.today()
    path = Path(path)
    rows = plan_rows(assessments, framework, today)
    several = len({(a.code, a.period) for a in assessments}) > 1
    if title is None:
        if len(assessments) == 1:
            a = assessments[0]
            title = f"Action plan: {a.name} ({a.code}), {a.period}"
        else:
            title = f"Action plan: {len(assessments)} assessments"
    if path.suffix.lower() == ".csv":
        write_public_text(path, plan_csv(rows, several))
        return rows
    wb = Workbook()
    ws = wb.active
    ws.title = "Action plan"
    put(ws.cell(1, 1), title).font = Font(bold=True, size=13)
    put(ws.cell(2, 1), f"Made on {today.isoformat()}: {summary(rows)}.").font = Font(italic=True)
    cols = _columns(rows, several)
    header = 4
    for n, (text, width) in enumerate(cols, 1):
        c = put(ws.cell(header, n), text)
        c.font = Font(bold=True)
        c.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(n)].width = width
    for r, row in enumerate(rows, header + 1):
        for n, value in enumerate(_values(row, several), 1):
            c = put(ws.cell(r, n), value)
            c.alignment = WRAP
            if isinstance(value, date):
                c.number_format = "yyyy-mm-dd"
            if row.overdue:
                c.fill = OVERDUE_FILL
            elif row.status != "open":
                c.font = CLOSED_FONT
    ws.freeze_panes = ws.cell(header + 1, 1)
    last = header + max(len(rows), 1)
    ws.auto_filter.ref = f"A{header}:{get_column_letter(len(cols))}{last}"
    save_workbook(wb, path)
    return rows


def plan_csv(rows: Sequence[PlanRow], several: bool = True) -> str:
    """The plan as CSV text, every text cell neutralised against formula injection."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([name for name, _ in _columns(rows, several)])
    for row in rows:
        values = _values(row, several)
        w.writerow(
            [
                v.isoformat() if isinstance(v, date) else neutralise(v) if v is not None else ""
                for v in values
            ]
        )
    return buf.getvalue()
