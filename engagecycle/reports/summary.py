"""The batch's summary files: summary.csv (the tidy table) and summary.xlsx (for people).

The tables themselves (`benchmark.system.summary_table` and `actions_table`) are computed
with the same rules as every report; this module only writes them. Every text cell goes
through `spreadsheet.safe` (formula injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..files import write_public_text
from ..framework import Framework
from ..spreadsheet.safe import neutralise

# ---------------------------------------------------------------- writers


def _safe_text(df: pd.DataFrame) -> pd.DataFrame:
    """Neutralise every text cell (a name or action typed as '=...' must stay text)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].astype(object).map(neutralise)
    return out


def summary_csv(table: pd.DataFrame) -> str:
    """CSV text, numbers formatted as `engagecycle score --format csv` formats them."""
    buf = io.StringIO()
    _safe_text(table).to_csv(buf, index=False, float_format="%.4f", quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


def write_summary_csv(table: pd.DataFrame, path: Path) -> Path:
    return write_public_text(path, summary_csv(table))


def write_summary_xlsx(
    table: pd.DataFrame,
    actions: pd.DataFrame,
    path: Path,
    *,
    framework: Framework | None = None,
    period: str = "",
    about: Sequence[tuple[str, str]] = (),
    duty: pd.DataFrame | None = None,
) -> Path:
    """summary.xlsx, formatted for people (see `summary_book`), with the tidy table inside."""
    from ..framework import load_framework
    from .summary_book import write_summary_book

    return write_summary_book(
        table,
        actions,
        Path(path),
        framework or load_framework(),
        period=period,
        about=about,
        duty=duty,
    )
