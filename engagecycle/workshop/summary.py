"""The live summary a facilitator shows the room: the scores so far, as HTML.

Built from `scoring.score_table` on the in-memory assessment, so it includes edits that are
not yet saved. Returned as an HTML string (not displayed) so it is testable and can sit in an
HTML widget that works the same in JupyterLab and Voilà.
"""

from __future__ import annotations

import base64
import io
import math
from html import escape

import pandas as pd

from ..scoring import AGGREGATES
from .session import WorkshopSession

BAR_COLOUR = "#005EB8"  # NHS blue: 5.6:1 against white, so the bars read on a projector


def _fmt(x: object, pattern: str = "{:.1f}") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return "–"
    return pattern.format(float(x))


def _row(r: pd.Series, strong: bool = False) -> str:
    score = r["score"]
    has = not (isinstance(score, float) and math.isnan(score))
    width = max(0.0, min(100.0, float(r["percent"]))) if has else 0.0
    bar = (
        f'<div class="ec-sumbar" role="img" aria-label="{escape(_fmt(score))} out of 4">'
        f'<div style="width:{width:.1f}%;background:{BAR_COLOUR}"></div></div>'
    )
    low = ' <span class="ec-low">low evidence</span>' if has and bool(r["low_evidence"]) else ""
    target = r["target"]
    target_text = "–" if pd.isna(target) else str(int(target))
    tag = "th" if strong else "td"
    return (
        f'<tr class="{"ec-sumtotal" if strong else ""}">'
        f'<{tag} scope="row">{escape(str(r["title"]))}</{tag}>'
        f"<td>{bar}</td><td class='num'>{escape(_fmt(score))}</td>"
        f"<td>{escape(str(r['level']) or 'no answers yet')}{low}</td>"
        f"<td class='num'>{escape(_fmt(r['completeness'] * 100 if pd.notna(r['completeness']) else None, '{:.0f}%'))}</td>"
        f"<td class='num'>{escape(target_text)}</td></tr>"
    )


def summary_table_html(table: pd.DataFrame) -> str:
    """One row per dimension in focus, then hub, cycle and overall."""
    head = (
        "<thead><tr><th scope='col'>Dimension</th><th scope='col'>Score (0–4)</th>"
        "<th scope='col' class='num'>Score</th><th scope='col'>Level</th>"
        "<th scope='col' class='num'>Answered</th><th scope='col' class='num'>Target</th></tr></thead>"
    )
    dims = table[~table["dimension"].isin(["hub", "cycle", "overall"])]
    totals = table[table["dimension"].isin(["hub", "cycle", "overall"])]
    rows = [_row(r) for _, r in dims.iterrows()] + [_row(r, True) for _, r in totals.iterrows()]
    return f'<table class="ec-summary">{head}<tbody>{"".join(rows)}</tbody></table>'


def wheel_png(session: WorkshopSession, table: pd.DataFrame) -> bytes | None:
    """The cycle wheel from `engagecycle.charts`, as PNG bytes; None if it cannot be drawn.

    The summary must never break the form mid-workshop, so a chart failure falls back to
    the table and bars alone.
    """
    try:
        from ..charts.wheel import cycle_wheel

        fig = cycle_wheel(table, session.framework, title="Scores so far")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=130)
        return buf.getvalue()
    except Exception:  # optional picture; the table carries the numbers
        return None


def summary_html(session: WorkshopSession, *, wheel: bool = True) -> str:
    """Scores so far for the session's dimensions: table with bars, and the cycle wheel."""
    table = session.score_table()
    everything = session.score_table(all_dimensions=True)
    a = session.assessment
    overall = table[table["dimension"] == "overall"]
    progress = session.overall_progress()
    heading = (
        f"<h2>Scores so far: {escape(a.name)} {escape(a.period)}</h2>"
        f"<p>{progress.done} of {progress.total} items decided in this session's "
        f"{len(session.dimensions)} dimension(s)."
    )
    if len(overall) and pd.notna(overall.iloc[0]["score"]):
        heading += (
            f" Overall score {_fmt(overall.iloc[0]['score'])} ({escape(overall.iloc[0]['level'])})."
        )
    carried = sum(
        1 for item_id in session.framework.items if session.item_state(item_id) == "carried"
    )
    if carried:
        heading += (
            f" {carried} answer(s) carried over from last year and not yet confirmed are counted."
        )
    heading += " Unsaved changes are included.</p>"
    picture = ""
    if wheel:
        png = wheel_png(session, everything[~everything["dimension"].isin(AGGREGATES)])
        if png:
            data = base64.b64encode(png).decode("ascii")
            picture = (
                '<img class="ec-wheel" alt="Cycle wheel of the scores so far" '
                f'src="data:image/png;base64,{data}">'
            )
    return f'<div class="ec-summary-box">{heading}<div class="ec-sumflex">{summary_table_html(table)}{picture}</div></div>'
