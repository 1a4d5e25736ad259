"""Hostile and oversized workbooks given to `engagecycle import`: refused clearly, in bounded
memory, with nothing written.

Before the limits, a 40,000-character level cell stopped the import with OverflowError
(exit 2), a 40,000-character evidence cell was imported and then `engagecycle template`
refused the assessment, a sheet with a million rows ran for more than three minutes and a
1 GiB shared string used 2.1 GB of memory. Large files are made here, in the test's
temporary folder, and never committed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from engagecycle import cli
from engagecycle.limits import MAX_TEXT_CHARS, MAX_WORKBOOK_ROWS
from engagecycle.spreadsheet import layout as L
from engagecycle.spreadsheet.template import write_template
from engagecycle.store import Store
from tests.helpers import store_v1

# VmHWM: the peak resident memory of the child's own process image.
PEAK = (
    "import re, sys\n"
    "from engagecycle import cli\n"
    "code = cli.main(sys.argv[1:])\n"
    "status = open('/proc/self/status').read()\n"
    "print('PEAK', re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1), file=sys.stderr)\n"
    "sys.exit(code)\n"
)
MEMORY_BOUND_MB = 250


@pytest.fixture
def made(tmp_path):
    """T01's assessment file and a fresh template for it."""
    store = store_v1(tmp_path / "assessments")
    a = store.create("T01", "2024/25", "Testvale ICB")
    book = tmp_path / "t01.xlsx"
    write_template(store, "T01", "2024/25", book)
    return store, a.path, book


LONG = "@@LONG@@"  # a placeholder replaced in the saved XML by the long text


def edit(book: Path, change, long_text: str = "") -> Path:
    """A copy of `book` changed with openpyxl.

    openpyxl silently cuts text to 32,767 characters when a cell is set, so longer text (as
    LibreOffice or a script can write it) is put into the saved XML in place of LONG.
    """
    wb = openpyxl.load_workbook(book)
    change(wb)
    out = book.with_name("edited.xlsx")
    wb.save(out)
    if long_text:
        plain = book.with_name("plain.xlsx")
        out.rename(plain)
        with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            found = 0
            for info in src.infolist():
                data = src.read(info.filename)
                found += data.count(LONG.encode())
                dst.writestr(info, data.replace(LONG.encode(), long_text.encode()))
        assert found == 1
    return out


def item_cell(wb, item: str, heading: str):
    ws = wb[L.ITEMS]
    cols = {ws.cell(L.HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}
    row = next(r for r in range(L.FIRST_ROW, ws.max_row + 1) if ws.cell(r, 2).value == item)
    return ws.cell(row, cols[heading])


def import_(store: Store, book: Path, capsys) -> tuple[int, str]:
    code = cli.main(["import", str(book), "--assessments", str(store.folder)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "unexpected" not in err
    return code, out + err


def set_level_text(wb, text):
    item_cell(wb, "vision.1", L.LEVEL).value = text


def set_evidence(wb, text):
    item_cell(wb, "vision.1", L.EVIDENCE).value = text


def set_name(wb, text):
    wb[L.INSTRUCTIONS].cell(L.INFO_ROWS["name"], 2).value = text


def set_rater(wb, text):
    ws = wb[L.ITEMS]
    col = next(
        c for c in range(1, ws.max_column + 1) if ws.cell(L.HEADER_ROW, c).value == L.CARRIED
    )
    ws.cell(L.HEADER_ROW, col + 1).value = text
    item_cell(wb, "vision.1", L.CARRIED).offset(0, 1).value = 3


CASES = {
    "level-cell-of-40000-characters": (
        lambda wb: set_level_text(wb, LONG),
        "3" * 40_000,
        r"sheet Items, cell J\d+: the text is 40,000 characters long; at most 32,767",
    ),
    "evidence-cell-of-40000-characters": (
        lambda wb: set_evidence(wb, LONG),
        "e" * 40_000,
        r"sheet Items, cell K\d+: the text is 40,000 characters long; at most 32,767",
    ),
    "evidence-one-over-the-limit": (
        lambda wb: set_evidence(wb, LONG),
        "e" * (MAX_TEXT_CHARS + 1),
        r"sheet Items, cell K\d+: the text is 32,768 characters long",
    ),
    "level-cell-of-5000-digits": (
        lambda wb: set_level_text(wb, "1" + "0" * 5_000),
        "",
        r"sheet Items, row \d+, column Level: '1000.*' is not a level",
    ),
    "name-on-two-lines": (
        lambda wb: set_name(wb, "Testvale\nICB"),
        "",
        r"sheet Instructions, cell B4: organisation name 'Testvale\\nICB' must be on one line",
    ),
    "rater-heading-on-two-lines": (
        lambda wb: set_rater(wb, "A.B.\nC.D."),
        "",
        r"sheet Items, row 2, column \w+: the heading .* must be on one line",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_cells_are_refused_with_their_place_and_nothing_is_written(made, case, capsys):
    store, path, book = made
    before = path.read_bytes()
    change, long_text, expected = CASES[case]
    code, out = import_(store, edit(book, change, long_text), capsys)
    assert code == 1, out
    assert re.search(expected, out), out
    assert "nothing was written" in out
    assert path.read_bytes() == before


def test_text_at_the_limit_gets_in_and_out_again(made, capsys, tmp_path):
    store, path, book = made
    code, out = import_(
        store, edit(book, lambda wb: set_evidence(wb, "e" * MAX_TEXT_CHARS)), capsys
    )
    assert code == 0, out
    again = tmp_path / "again.xlsx"
    assert cli.main(["template", "T01", "2024/25", "--out", str(again),
                     "--assessments", str(store.folder)]) == 0  # fmt: skip
    assert item_cell(openpyxl.load_workbook(again), "vision.1", L.EVIDENCE).value == "e" * 32_767


def run_import(store: Store, book: Path) -> tuple[subprocess.CompletedProcess, float]:
    proc = subprocess.run(
        [sys.executable, "-c", PEAK, "import", str(book), "--assessments", str(store.folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    peak = int(re.search(r"PEAK (\d+)", proc.stderr).group(1)) / 1024
    return proc, peak


def rewrite(book: Path, out: Path, part: str, transform) -> Path:
    """Copy a workbook, passing one part's XML through `transform` (a generator of bytes)."""
    with (
        zipfile.ZipFile(book) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != part:
                dst.writestr(info, data)
                continue
            with dst.open(info.filename, "w", force_zip64=True) as fh:
                for chunk in transform(data):
                    fh.write(chunk)
    return out


def items_part(book: Path) -> str:
    wb = openpyxl.load_workbook(book, read_only=True)
    index = wb.sheetnames.index(L.ITEMS) + 1
    wb.close()
    return f"xl/worksheets/sheet{index}.xml"


def test_a_sheet_with_a_million_rows_is_refused_quickly_in_bounded_memory(made):
    store, path, book = made
    before = path.read_bytes()

    def million_rows(xml: bytes):
        head, tail = xml.split(b"</sheetData>")
        yield head
        for start in range(10_000, 1_000_001, 50_000):
            yield "".join(
                f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>'
                for r in range(start, min(start + 50_000, 1_000_001))
            ).encode()
        yield b"</sheetData>" + tail

    big = rewrite(book, book.with_name("million.xlsx"), items_part(book), million_rows)
    proc, peak = run_import(store, big)
    assert proc.returncode == 1, proc.stderr[-800:]
    assert f"sheet Items: there is content below row {MAX_WORKBOOK_ROWS:,}" in proc.stderr
    assert "nothing was written" in proc.stderr
    assert path.read_bytes() == before
    assert peak < MEMORY_BOUND_MB, f"peak {peak:.0f} MB"


def test_a_1_gib_shared_string_is_refused_before_it_is_unzipped(made):
    store, path, book = made
    before = path.read_bytes()
    # An evidence cell that points at shared string 0, and a shared-strings part of 1 GiB.
    cell = edit(book, lambda wb: set_evidence(wb, LONG))

    def wired(part: str):
        def transform(xml: bytes):
            if part == "[Content_Types].xml":
                xml = xml.replace(b"</Types>", CONTENT_TYPE + b"</Types>")
            elif part == "xl/_rels/workbook.xml.rels":
                xml = xml.replace(b"</Relationships>", RELATIONSHIP + b"</Relationships>")
            else:
                xml = xml.replace(
                    f't="inlineStr"><is><t>{LONG}</t></is>'.encode(), b't="s"><v>0</v>'
                )
            yield xml

        return transform

    for part in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels", items_part(book)):
        nxt = cell.with_name(f"step-{len(part)}.xlsx")
        cell = rewrite(cell, nxt, part, wired(part))

    def huge_string(xml: bytes):
        yield SST_START
        chunk = b"x" * 2**24
        for _ in range(64):  # 1 GiB
            yield chunk
        yield b"</t></si></sst>"

    with_part = cell.with_name("with-strings.xlsx")
    with zipfile.ZipFile(cell) as src, zipfile.ZipFile(with_part, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        dst.writestr("xl/sharedStrings.xml", SST_START + b"evidence</t></si></sst>")
    small = run_import(store, with_part)[0]  # the wiring is right: the cell reads the string
    assert small.returncode == 0 and "1 evidence note" in small.stdout, small.stderr[-500:]
    path.write_bytes(before)

    big = rewrite(with_part, book.with_name("huge.xlsx"), "xl/sharedStrings.xml", huge_string)
    assert big.stat().st_size < 10 * 2**20  # small on disk: it is the unzipped size that hurts
    proc, peak = run_import(store, big)
    assert proc.returncode == 1, proc.stderr[-800:]
    assert "the workbook unzips to 1,024 MB (most of it in xl/sharedStrings.xml)" in proc.stderr
    assert path.read_bytes() == before
    assert peak < MEMORY_BOUND_MB, f"peak {peak:.0f} MB"


SST_START = (
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>'
)
CONTENT_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" />'
)
RELATIONSHIP = (
    b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'sharedStrings" Target="sharedStrings.xml" Id="rId99" />'
)


def test_an_oversized_file_is_refused_by_its_size(made, capsys):
    store, _, book = made
    big = book.with_name("padded.xlsx")
    big.write_bytes(book.read_bytes() + b"\0" * (21 * 2**20))
    code, out = import_(store, big, capsys)
    assert code == 1 and "the file is 21.0 MB; a workbook to import may be at most 20 MB" in out
