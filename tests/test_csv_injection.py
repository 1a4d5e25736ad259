"""A carriage return in a CSV cell must not let a spreadsheet program start a new row.

Checked for real: a CSV made by `engagecycle actions --out plan.csv` is opened by
LibreOffice (headless `soffice --convert-to xlsx`) and the result read back. Before the fix,
an action "Agreed at board\\r=1+1*cmd|' /C calc'!A0" came out unquoted, and LibreOffice made
the part after the carriage return a formula cell in a new row.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from engagecycle import cli
from engagecycle.spreadsheet.safe import neutralise

DATA = Path(__file__).parent / "data"
HOSTILE = [
    "Agreed at board\r=1+1*cmd|' /C calc'!A0",
    "Agreed\r\n=2+3",
    'Agreed\n=HYPERLINK("http://example.org","x")',
    "x\r+4+5",
    "x\r@SUM(6,7)",
    "x\r-8+9",
    "\r=10+11",
    "=12+13",
]


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("Agreed\r=1+1", "Agreed\n=1+1"),
        ("Agreed\r\n=1+1", "Agreed\n=1+1"),
        ("\r=1+1", "'\n=1+1"),
        ("\n=1+1", "'\n=1+1"),
        ("=1+1", "'=1+1"),
        ("plain", "plain"),
        (3, 3),
        (None, None),
    ],
)
def test_neutralise_writes_line_breaks_as_newlines(text, safe):
    assert neutralise(text) == safe


def plan_with(tmp_path: Path, texts: list[str]) -> Path:
    """An assessment whose actions carry `texts` (action text and owner)."""
    good = (DATA / "good.yaml").read_text(encoding="utf-8")
    head, _ = good.split("actions:\n")
    lines = [
        f"  - {{dimension: identify, action: {_quoted(t)}, owner: {_quoted(t)}, status: open}}"
        for t in texts
    ]
    folder = tmp_path / "assessments"
    (folder / "T01").mkdir(parents=True)
    (folder / "T01" / "2024-25.yaml").write_text(
        head + "actions:\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )
    return folder


def _quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r", "\\r").replace("\n", "\\n") + '"'


@pytest.mark.skipif(not shutil.which("soffice"), reason="needs LibreOffice (soffice)")
def test_libreoffice_reads_every_hostile_action_as_one_cell_of_text(tmp_path, capsys):
    folder = plan_with(tmp_path, HOSTILE)
    csv_path = tmp_path / "plan.csv"
    assert cli.main(["actions", "T01", "2024/25", "--out", str(csv_path),
                     "--assessments", str(folder)]) == 0  # fmt: skip
    capsys.readouterr()
    profile = tmp_path / "lo-profile"  # our own profile: never clash with another soffice
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "xlsx", "--outdir", str(tmp_path / "out"), str(csv_path)],
        capture_output=True,
        timeout=180,
        check=True,
    )  # fmt: skip
    ws = openpyxl.load_workbook(tmp_path / "out" / "plan.xlsx").active
    rows = [[c for c in row if c.value is not None] for row in ws.iter_rows()]
    formulas = [c.coordinate for row in rows for c in row if c.data_type == "f"]
    assert formulas == []
    assert len(rows) == 1 + len(HOSTILE)  # the heading, then one row per action
    heads = [c.value for c in rows[0]]
    action, owner = heads.index("Action"), heads.index("Owner")
    for row, text in zip(rows[1:], HOSTILE, strict=True):
        for col in (action, owner):
            shown = row[col].value
            assert row[col].data_type == "s"
            assert shown.lstrip("'") == text.replace("\r\n", "\n").replace("\r", "\n")
