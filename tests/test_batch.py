"""`engagecycle batch`: isolation of failures, the summary, the index, re-runs and the load
cache. (The all-organisations benchmarking the summary relies on is tested in
test_benchmark.py.)"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from helpers import run_cli

from engagecycle.benchmark.change import year_on_year
from engagecycle.benchmark.peers import peer_table
from engagecycle.benchmark.system import SUMMARY_COLUMNS
from engagecycle.charts.style import LEVEL_COLOURS
from engagecycle.duty import WORDS
from engagecycle.errors import EngageError
from engagecycle.files import public_mode
from engagecycle.framework import load_framework
from engagecycle.levels import band_index
from engagecycle.reports import cache, summary_book
from engagecycle.reports.data import score_folder
from engagecycle.reports.pages import index
from engagecycle.reports.run import batch, plan, pool, staging
from engagecycle.reports.run.notebooks import REPO, notebook_path
from engagecycle.scoring import SCORE_COLUMNS
from engagecycle.spreadsheet.safe import neutralise
from engagecycle.store import Store

DEMO = REPO / "assessments"
BAD = Path(__file__).parent / "data" / "bad" / "02-level-too-high.yaml"
EVIL_NAME = '=HYPERLINK("http://x","<b>click</b>")'
EVIL_ACTION = "@SUM(1+1) <script>alert(1)</script>"
CHOSEN = ["X01", "X02", "X03", "X05"]
BROKEN = "X03"
# Evidence markers: X05 and X04 do not share their evidence (X05 is reported, X04 is not);
# X02 shares, which shows the scan below would find a marker if one were written anywhere.
SECRET_OWN = "ZQX-private-evidence-of-X05"
SECRET_OTHER = "ZQX-private-evidence-of-X04"
SHARED = "ZQX-shared-evidence-of-X02"


def cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "engagecycle.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def prepare_cell() -> tuple[int, str]:
    """The 1-based number and first line of the report notebook's `prepare(` cell."""
    cells = json.loads(notebook_path("report").read_text())["cells"]
    for n, c in enumerate(cells, 1):
        src = "".join(c["source"])
        if "prepare(" in src and c["cell_type"] == "code":
            first = next(line for line in src.splitlines() if line.strip())
            return n, first.strip()
    raise AssertionError("no prepare cell")


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """Demo data, one invalid file, an evil organisation name and action text."""
    root = tmp_path_factory.mktemp("batch")
    folder = root / "assessments"
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns(".history"))
    (folder / "T01").mkdir()
    shutil.copy(BAD, folder / "T01" / "2024-25.yaml")
    store = Store(folder)
    x02 = store.find("X02", "2024/25")
    x02.set_header(name=EVIL_NAME)
    store.save(x02)
    x01 = store.find("X01", "2024/25")
    x01.add_action("monitor", EVIL_ACTION, "=owner", date(2025, 9, 30), "open")
    store.save(x01)
    for code, item, text in (
        ("X05", "monitor.1", SECRET_OWN),
        ("X04", "monitor.4", SECRET_OTHER),
        ("X02", "monitor.3", SHARED),
    ):
        a = store.find(code, "2024/25")
        assert a.share_evidence == (code == "X02")
        a.set_level(item, 4)  # rated 4: exactly what the dimension page quotes as good practice
        a.set_evidence(item, f"{text}: minutes of the quality committee.")
        store.save(a)
    (root / "tmp").mkdir()  # the batch's temporary folder, so the test can see it emptied
    return root


@pytest.fixture(scope="module")
def first_run(work) -> subprocess.CompletedProcess:
    return cli(
        "batch",
        "--organisations",
        *CHOSEN,
        "--workers",
        "2",
        "--as-of",
        "2025-06-01",
        "--dimensions",
        "monitor",
        cwd=work,
        env={pool.BREAK_ENV: BROKEN, "TMPDIR": str(work / "tmp")},
    )


@pytest.fixture(scope="module")
def period_dir(work, first_run) -> Path:
    return work / "outputs" / "2024-25"


@pytest.fixture(scope="module")
def manifest(period_dir) -> dict:
    return json.loads((period_dir / "manifest.json").read_text())


# ---------------------------------------------------------------- a batch with problems


@pytest.mark.notebook
def test_failures_are_isolated_recorded_and_exit_1(first_run, period_dir, manifest):
    assert first_run.returncode == 1, first_run.stderr
    pages = {(p["kind"], p["key"]): p for p in manifest["pages"]}
    assert set(pages) == {("overview", "overview"), ("dimension", "monitor")} | {
        ("report", c) for c in CHOSEN
    }
    broken = pages[("report", BROKEN)]
    cell, source = prepare_cell()
    assert broken["status"] == "failed"
    assert broken["cell"] == cell and broken["cell_source"] == source
    assert broken["error"].startswith("ValueError") and "not-a-date" in broken["error"]
    assert broken["files"] == []
    for key, page in pages.items():
        if key != ("report", BROKEN):
            assert page["status"] == "ok", page
            assert page["files"] and all((period_dir / f).is_file() for f in page["files"])
    assert manifest["ok"] is False
    bad = manifest["invalid_files"]
    assert len(bad) == 1 and bad[0]["file"].endswith("T01/2024-25.yaml")
    assert "level out of range" in bad[0]["problems"][0]
    # the end of the output lists both problems, then where the index is
    out = first_run.stdout
    assert f"report {BROKEN} failed at cell {cell}" in out
    assert "invalid file, skipped: " in out
    assert re.search(r"T01/2024-25\.yaml:\d+: vision\.1\.level", out)  # with its line
    assert out.strip().splitlines()[-1] == f"Index: {period_dir / 'index.html'}"
    # progress went to stderr as plain lines (not a terminal)
    assert re.search(r"^\[\d+/6\] X01 ok \d+\.\d s$", first_run.stderr, re.M)


@pytest.mark.notebook
def test_nothing_private_or_pickled_is_left_under_the_output_folder(work, first_run, period_dir):
    out = work / "outputs"
    files = [p for p in out.rglob("*") if p.is_file()]
    assert {p.relative_to(period_dir).as_posix() for p in files} >= {
        "index.html",
        "overview.html",
        "dimensions/monitor.html",
        "reports/X05.html",
    }
    holding: dict[str, list[str]] = {SECRET_OWN: [], SECRET_OTHER: [], SHARED: []}
    for p in files:
        data = p.read_bytes()
        assert not p.name.endswith((".pkl", ".pickle")) and not data.startswith(b"\x80"), p
        for marker in holding:
            if marker.encode() in data:
                holding[marker].append(p.relative_to(out).as_posix())
    # only X05's own report quotes X05's evidence; X04's is nowhere
    assert holding[SECRET_OWN] == ["2024-25/reports/X05.html"]
    assert holding[SECRET_OTHER] == []
    # evidence X02 agreed to share is quoted on the dimension page: the scan does find text
    assert "2024-25/dimensions/monitor.html" in holding[SHARED]
    # every published file has the same permissions (issue 9, point 7), xlsx included
    modes = {p.relative_to(out).as_posix(): p.stat().st_mode & 0o777 for p in files}
    assert set(modes.values()) == {public_mode()}, modes
    # the working files went to a private temporary folder that is gone after the run
    assert list((work / "tmp").iterdir()) == []
    assert not (out / ".cache").exists()


@pytest.mark.notebook
def test_working_files_are_removed_when_a_batch_fails(work, tmp_path, monkeypatch):
    seen = []
    real_write = batch.score_and_bundle

    def score_then_fail(plan, bundle):
        real_write(plan, bundle)
        seen.append((bundle, bundle.parent.stat().st_mode & 0o777, bundle.read_bytes()[:1]))
        raise RuntimeError("stopped on purpose")

    monkeypatch.setattr(batch, "score_and_bundle", score_then_fail)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    legacy = tmp_path / "out" / ".cache" / "assessments-0123456789ab.pkl"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"\x80\x05 an old pickled cache")
    options = plan.BatchOptions(
        assessments=work / "assessments",
        out=tmp_path / "out",
        workers=1,
        overview=False,
        organisations=["X01"],
    )
    with pytest.raises(RuntimeError, match="on purpose"):
        batch.run_batch(options, bar=False, log=lambda _: None)
    ((bundle, mode, first),) = seen
    assert bundle.is_relative_to(tmp_path) and not bundle.is_relative_to(tmp_path / "out")
    assert mode == 0o700 and first == b"{"  # private, and JSON rather than a pickle
    assert not bundle.parent.exists()
    # nothing is left under the output folder, not even the old versions' pickled cache
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []


@pytest.mark.notebook
def test_index_lists_problems_escaped_and_every_link_resolves(period_dir):
    html = (period_dir / "index.html").read_text()
    assert "T01/2024-25.yaml" in html and "not-a-date" in html
    assert "<b>click</b>" not in html and "&lt;b&gt;click&lt;/b&gt;" in html
    links = {}
    for page in [period_dir / "index.html", *period_dir.rglob("*.html")]:
        for target in re.findall(r'href="([^"#]+)"', page.read_text()):
            links[(page.name, target)] = (page.parent / target).resolve()
    assert links, "the index should link to something"
    missing = [k for k, path in links.items() if not path.is_file()]
    assert missing == []
    # the failed report's link leads to a page that says so, not to a report
    failure = (period_dir / "reports" / f"{BROKEN}.html").read_text()
    assert "Not produced" in failure and "not-a-date" in failure
    assert "index.html" in {k[0] for k in links} and any(
        t == f"reports/{BROKEN}.html" for _, t in links
    )


@pytest.mark.notebook
def test_summary_csv_agrees_with_score_command(work, period_dir):
    score = cli(
        "score",
        "--period",
        "2024/25",
        "--format",
        "csv",
        *[a for c in CHOSEN for a in ("--organisation", c)],
        cwd=work,
    )
    assert score.returncode == 0, score.stderr
    theirs = list(csv.DictReader(io.StringIO(score.stdout)))
    ours = list(csv.DictReader(io.StringIO((period_dir / "summary.csv").read_text())))
    assert list(ours[0])[: len(SCORE_COLUMNS)] == list(theirs[0]) == SCORE_COLUMNS
    assert list(ours[0]) == SUMMARY_COLUMNS
    assert len(ours) == len(theirs) == len(CHOSEN) * 18
    for a, b in zip(ours, theirs, strict=True):
        # identical except that text which a spreadsheet would run as a formula is escaped
        assert {k: a[k] for k in SCORE_COLUMNS} == {k: neutralise(v) for k, v in b.items()}
    names = {r["organisation"]: r["name"] for r in ours}
    assert names["X02"] == "'" + EVIL_NAME
    # the index counts the same unconfirmed answers as the summary (issue 9, point 3)
    index_html = (period_dir / "index.html").read_text()
    for code in CHOSEN:
        n = next(
            int(r["unconfirmed"])
            for r in ours
            if r["organisation"] == code and r["dimension"] == "overall"
        )
        row = index_html.split(f"<strong>{code}</strong>")[1].split("</tr>")[0]
        assert f'<td class="num">{n}' in row


@pytest.mark.notebook
def test_summary_peer_and_change_columns_match_the_report_figures(work, period_dir):
    ours = pd.read_csv(period_dir / "summary.csv", keep_default_na=False)
    scored = score_folder(work / "assessments")
    for code in CHOSEN:
        mine = ours[ours["organisation"] == code].reset_index(drop=True)
        peer = peer_table(scored.scores, code, "2024/25")
        yoy = year_on_year(scored.items, code, "2024/25", scored.framework)
        assert list(mine["peer_band"]) == list(peer["band"])
        assert list(mine["peer_n"]) == list(peer["peer_n"])
        assert list(mine["direction"]) == list(yoy["direction"])
        got = pd.to_numeric(mine["peer_median"], errors="coerce").to_numpy(float)
        assert np.allclose(got, peer["peer_median"].round(4), equal_nan=True)


@pytest.mark.notebook
def test_summary_xlsx_has_every_row_and_neutralised_actions(period_dir):
    wb = openpyxl.load_workbook(period_dir / "summary.xlsx")
    assert wb.sheetnames == [
        "Scores",
        "Levels",
        "Answered",
        "Changes",
        "Actions",
        "Duty to involve",
        "Data",
        "About",
    ]
    # the demo's latest year is on version 2: every organisation rated on the ten principles,
    # the three limbs and the five domains, each rating with its reason
    duty = list(
        wb["Duty to involve"].iter_rows(min_row=summary_book.HEADER_ROW + 1, values_only=True)
    )
    per_org = Counter(r[0] for r in duty)
    assert per_org == {code: 18 for code in CHOSEN}
    assert {r[6] for r in duty} <= set(WORDS.values())
    assert all(str(r[10]).startswith(f"{r[6]}:") for r in duty)  # the reason says it
    head = summary_book.HEADER_ROW
    rows = list(wb["Data"].iter_rows(min_row=head, values_only=True))
    assert list(rows[0]) == SUMMARY_COLUMNS and len(rows) == 1 + len(CHOSEN) * 18
    acts = wb["Actions"]
    header = [c.value for c in acts[head]]
    hits = [
        r
        for r in acts.iter_rows(min_row=head + 1)
        if r[header.index("Action")].value == EVIL_ACTION
    ]
    assert len(hits) == 1
    cell = hits[0][header.index("Action")]
    assert cell.data_type == "s" and cell.quotePrefix  # stored as text, shown as text
    assert hits[0][header.index("Owner")].quotePrefix
    codes = {r[0].value for r in acts.iter_rows(min_row=head + 1)}
    assert codes <= set(CHOSEN) and "X01" in codes
    name_cell = next(r for r in wb["Scores"].iter_rows(min_row=head + 1) if r[0].value == "X02")[1]
    assert name_cell.value == EVIL_NAME and name_cell.quotePrefix


@pytest.mark.notebook
def test_summary_xlsx_is_what_a_programme_team_opens(work, period_dir):
    # issue 9, point 10: a formatted organisation x dimension sheet in the report palette,
    # levels, percentages, frozen panes and filters, changes, actions, tidy data apart
    wb = openpyxl.load_workbook(period_dir / "summary.xlsx")
    head = summary_book.HEADER_ROW
    scored = score_folder(work / "assessments")
    fw = scored.framework
    table = pd.read_csv(period_dir / "summary.csv", keep_default_na=False)
    for name in ("Scores", "Levels", "Answered", "Changes", "Actions", "Data"):
        ws = wb[name]
        assert ws.freeze_panes and int(re.sub(r"\D", "", ws.freeze_panes)) == head + 1, name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{head}:"), name
    ws = wb["Scores"]
    cols = [c.value for c in ws[head]]
    assert cols[:9] == [
        "Code",
        "Organisation",
        "Type",
        "Peer group",
        "Overall",
        "Level",
        "Answered",
        "Not confirmed",
        "Change",
    ]
    assert cols[9:24] == [d.short for d in fw.dimensions]
    grid = {r[0].value: r for r in ws.iter_rows(min_row=head + 1)}
    assert set(grid) == set(CHOSEN)
    colours = {k: v.lstrip("#").upper() for k, v in LEVEL_COLOURS.items()}
    checked = 0
    for code in CHOSEN:
        mine = table[table["organisation"] == code].set_index("dimension")
        for d, cell in zip([d.id for d in fw.dimensions], grid[code][9:24], strict=True):
            score = mine.loc[d, "score"]
            if score == "":
                assert cell.value in ("no score", "all N/A")
                continue
            level = band_index(float(score))
            assert cell.value == pytest.approx(float(score), abs=1e-4)  # CSV has 4 decimals
            assert cell.number_format in ("0.0", '0.0"*"')  # shown to one decimal
            assert cell.fill.fgColor.rgb[-6:] == colours[level]
            assert (cell.number_format == '0.0"*"') == (mine.loc[d, "low_evidence"] == "True")
            checked += 1
        overall = mine.loc["overall"]
        row = grid[code]
        assert row[6].value == pytest.approx(float(overall["completeness"]), abs=1e-4)
        assert row[6].number_format == "0%"
        assert row[7].value == int(overall["unconfirmed"])
        if overall["direction"] in ("improved", "declined", "no real change"):
            assert row[8].value == pytest.approx(float(overall["change"]), abs=1e-4)
        else:
            assert row[8].value in ("too few to compare", "first assessment")
    assert checked > 40
    levels = {r[0].value: r for r in wb["Levels"].iter_rows(min_row=head + 1)}
    assert any(str(c.value).endswith(("Developing", "Developing *")) for c in levels["X01"][2:])
    answered = wb["Answered"]
    assert all(c.number_format == "0%" for c in next(answered.iter_rows(min_row=head + 1))[2:3])
    changes = wb["Changes"]
    assert [c.value for c in changes[head]][:9] == [
        "Code",
        "Organisation",
        "Since",
        "Compared with",
        "Question bank",
        "Items compared",
        "Coverage",
        "Overall",
        "Result",
    ]
    data = wb["Data"]
    formats = {a.value: b.number_format for a, b in zip(data[head], data[head + 1], strict=True)}
    assert formats["score"] == "0.00" and formats["completeness"] == "0%"


@pytest.mark.notebook
def test_rerun_after_removing_an_organisation_leaves_nothing_stale(work, manifest, period_dir):
    assert (period_dir / "reports" / "X05.html").exists()  # from the first run
    shutil.rmtree(work / "assessments" / "X05")
    shutil.rmtree(work / "assessments" / "T01")  # and fix the invalid file
    second = cli("batch", "--workers", "2", "--no-overview", "--organisations", "X01", cwd=work)
    assert second.returncode == 0, second.stdout + second.stderr
    again = json.loads((period_dir / "manifest.json").read_text())
    assert [(p["kind"], p["key"], p["status"]) for p in again["pages"]] == [("report", "X01", "ok")]
    assert again["invalid_files"] == [] and again["ok"] is True
    files = sorted(p.relative_to(period_dir).as_posix() for p in period_dir.rglob("*"))
    files = [f for f in files if not f.startswith(".work") and (period_dir / f).is_file()]
    assert files == sorted(again["files"])
    assert not (period_dir / "reports" / "X05.html").exists()
    assert not (period_dir / "overview.html").exists()
    assert not (period_dir / "dimensions").exists()
    summary = (period_dir / "summary.csv").read_text()
    assert "X05" not in summary and "X03" not in summary
    leftovers = [p.name for p in period_dir.parent.iterdir() if p.name.startswith(".2024-25")]
    assert leftovers == []
    umask = os.umask(0)
    os.umask(umask)
    assert period_dir.stat().st_mode & 0o777 == 0o777 & ~umask  # not private to one user


# ---------------------------------------------------------------- requests checked up front


def test_bad_requests_fail_fast_with_clear_messages(tmp_path):
    """In this process (`helpers.run_cli`): each is refused before any worker starts."""
    shutil.copytree(DEMO / "X01", tmp_path / "assessments" / "X01")
    r = run_cli("batch", "--organisations", "NOPE", cwd=tmp_path)
    assert r.returncode == 1 and "no assessment for NOPE" in r.stderr and "X01" in r.stderr
    r = run_cli("batch", "--dimensions", "vision,bogus", cwd=tmp_path)
    assert r.returncode == 1 and "unknown dimension 'bogus'" in r.stderr
    r = run_cli("batch", "--as-of", "31/03/2025", cwd=tmp_path)
    assert r.returncode == 1 and "--as-of must be a date" in r.stderr
    r = run_cli("batch", "--period", "2019/20", cwd=tmp_path)
    assert r.returncode == 1 and "periods found: 2022/23" in r.stderr
    r = run_cli("batch", "--period", "someday", cwd=tmp_path)
    assert r.returncode == 2 and "argument --period: 'someday' must look like" in r.stderr
    assert not (tmp_path / "outputs" / "2019-20").exists()


def test_batch_help_has_examples(tmp_path):
    r = run_cli("batch", "--help", cwd=tmp_path)
    assert r.returncode == 0 and "engagecycle batch --period" in r.stdout


def test_refuses_to_replace_a_folder_it_did_not_write(tmp_path):
    theirs = tmp_path / "2024-25"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine")
    with pytest.raises(EngageError, match="not written by engagecycle batch"):
        staging.check_replaceable(theirs)


def test_swap_replaces_the_whole_folder(tmp_path):
    final = tmp_path / "2024-25"
    final.mkdir()
    (final / "old.html").write_text("old")
    aside = tmp_path / ".2024-25.staging-1-x"
    aside.mkdir()
    (aside / "new.html").write_text("new")
    staging.swap_in(aside, final)
    assert [p.name for p in final.iterdir()] == ["new.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-25"]


def test_leftover_staging_of_a_dead_run_is_removed(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    ).stdout.strip()
    left = tmp_path / f".2024-25.staging-{dead}-abc"
    left.mkdir()
    live = tmp_path / f".2024-25.staging-{os.getpid()}-abc"
    live.mkdir()
    staging.clean_leftovers(tmp_path, "2024-25")
    assert not left.exists() and live.exists()


def test_dimension_and_date_options():
    fw = load_framework()
    assert plan.parse_dimensions(None, fw) == []
    assert plan.parse_dimensions("all", fw) == [d.id for d in fw.dimensions]
    assert plan.parse_dimensions("monitor, vision", fw) == ["vision", "monitor"]
    with pytest.raises(EngageError, match="allowed: all, vision"):
        plan.parse_dimensions("visoin", fw)
    assert plan.check_as_of("2025-03-31") == "2025-03-31"
    with pytest.raises(EngageError):
        plan.check_as_of("2025-02-30")


def test_progress_lines_when_not_a_terminal():
    out = io.StringIO()
    progress = pool.Progress(2, out)
    progress(pool.Outcome("X01", "report", "t", "ok", seconds=0.61))
    progress(pool.Outcome("X02", "report", "t", "failed", seconds=1.04, error="E"))
    assert out.getvalue().splitlines() == ["[1/2] X01 ok 0.6 s", "[2/2] X02 FAILED 1.0 s"]


# ---------------------------------------------------------------- the index page on its own


def test_index_escapes_everything_and_counts():
    evil = '<img src=x onerror="alert(1)">'
    manifest = {
        "period": "2024/25",
        "created": "2025-06-01T10:00:00",
        "options": {"peer_group": evil},
        "invalid_files": [{"file": f"a/{evil}.yaml", "problems": [f"bad {evil}"]}],
        "pages": [
            {
                "kind": "report",
                "key": "X01",
                "title": "t",
                "status": "ok",
                "files": ["reports/X01.html", "reports/X01.pdf"],
                "info": {
                    "name": evil,
                    "org_type": "ICB",
                    "peer_group": evil,
                    "score": 2.5,
                    "level": "Established",
                    "completeness": 0.5,
                },
            },
            {
                "kind": "report",
                "key": "X02",
                "title": "t",
                "status": "failed",
                "files": [],
                "cell": 3,
                "cell_source": evil,
                "error": f"ValueError: {evil}",
                "error_page": "reports/X02.html",
                "info": {},
            },
        ],
    }
    html = index.index_html(manifest)
    assert "<img" not in html and 'onerror="alert' not in html
    assert html.count("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;") >= 5
    assert "1 of 2 organisation reports" in html
    assert 'href="reports/X01.pdf"' in html and 'href="reports/X02.html"' in html
    assert "level-3" in html  # 2.5 is Established
    assert "50%</td>" in html and "* low evidence" not in html  # exactly half is not low
    manifest["pages"][0]["info"]["completeness"] = 0.3
    low = index.index_html(manifest)
    assert "30% *</td>" in low and "* low evidence" in low
    # issue 9, point 3: unconfirmed carried-over answers are counted per organisation
    assert "Not confirmed</th>" in html and '<td class="num">0</td>' in html
    manifest["pages"][0]["info"].update(unconfirmed=6, answers=60)
    counted = index.index_html(manifest)
    assert '<td class="num">6 <span class="muted">(10%)</span></td>' in counted
    assert "6 in all" in counted
    failure = index.failure_html(manifest["pages"][1], "2024/25")
    assert "<img" not in failure and "cell 3" in failure


# ---------------------------------------------------------------- the load cache


def _folder_with_problems(tmp_path: Path) -> Path:
    folder = tmp_path / "assessments"
    for code in ("X01", "X02"):
        shutil.copytree(DEMO / code, folder / code)
    shutil.copy(DEMO / "X01" / "2024-25.yaml", folder / "X01" / "copy.yaml")  # duplicate
    shutil.copy(BAD, folder / "bad.yaml")
    return folder


def _summary(result) -> tuple:
    return (
        [(a.code, a.period, a.stamp, a.doc) for a in result.assessments],
        [str(p) for p in result.problems],
        result.files,
    )


def test_cached_load_equals_store_load(tmp_path, monkeypatch):
    folder = _folder_with_problems(tmp_path)
    monkeypatch.chdir(tmp_path)
    expected = _summary(Store(folder).load_all())
    path = tmp_path / "cache.json"
    assert _summary(cache.load_folder(folder, cache_path=path)) == expected  # cold
    reads = []
    real = cache.read_file
    monkeypatch.setattr(cache, "read_file", lambda f, fw: reads.append(f.name) or real(f, fw))
    assert _summary(cache.load_folder(folder, cache_path=path)) == expected  # warm
    assert reads == ["bad.yaml"]  # invalid files are always re-read, valid ones never


def test_cache_notices_edits_and_survives_corruption(tmp_path, monkeypatch):
    folder = _folder_with_problems(tmp_path)
    path = tmp_path / "cache.json"
    cache.load_folder(folder, cache_path=path)
    store = Store(folder)
    a = store.find("X02", "2024/25")
    a.set_level("vision.1", 0 if a.response("vision.1").level != 0 else 1)
    store.save(a)
    fresh = {x.key: x.stamp for x in store.load_all().assessments}
    cached = {x.key: x.stamp for x in cache.load_folder(folder, cache_path=path).assessments}
    assert cached == fresh
    path.write_bytes(b"\x80\x05 not JSON")
    assert {x.key for x in cache.load_folder(folder, cache_path=path).assessments} == set(fresh)
