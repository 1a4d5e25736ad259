"""Two processes saving the same file at the same moment never lose an update.

The store's compare-and-swap (check the file is unchanged since it was read, then rename the
new version over it) must be one step across processes. These tests start two real processes
that read the same file, change different answers and save at the same instant, hundreds of
times; whenever a process is told "saved", its change must be in the file afterwards. They
failed on the code before the save lock: 460 of 500 rounds through `Store.save` lost one of
the two "saved" changes.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from engagecycle.errors import ConflictError
from engagecycle.spreadsheet import layout as L
from engagecycle.spreadsheet.template import write_template
from engagecycle.store import read_file
from tests.helpers import store_v1

ROUNDS = 500
CTX = mp.get_context("fork")  # the children need only what the test process has imported


# ---------------------------------------------------------------- the actors
#
# An actor is made once in its process, then called once per round with the text it should
# write; it returns the text it was told was saved, or None if its save was refused.


def store_actor(folder: Path, path: Path, item: str) -> Callable[[str], str | None]:
    """Read, change one answer, `Store.save`: what every writer does underneath."""
    store = store_v1(folder)

    def act(text: str) -> bool:
        a = read_file(path, store.framework, roundtrip=True)
        a.set_evidence(item, text)
        try:
            store.save(a, backup=False)
        except ConflictError:
            return None
        return text

    return act


def session_actor(folder: Path, path: Path, item: str) -> Callable[[str], str | None]:
    """A long-lived workshop session (no widgets), reloading after a refused save."""
    from engagecycle.workshop.session import WorkshopSession

    session = WorkshopSession.open(store_v1(folder), "T01", "2024/25", autosave_delay=None)

    def act(text: str) -> bool:
        if session.status.state == "conflict":
            session.reload()
        session.set_evidence(item, text)
        state = session.flush().state
        assert state in ("saved", "conflict"), session.status
        return text if state == "saved" else None

    return act


def import_actor(folder: Path, path: Path, item: str) -> Callable[[str], str | None]:
    """`engagecycle import` of a workbook that changes one evidence cell.

    The workbooks are read once here, so that in each round the part of the import that
    reads, merges and saves the assessment starts at the same moment as the other process.
    """
    from engagecycle import cli
    from engagecycle.spreadsheet import importer

    books = {}
    for text in ("import round even", "import round odd"):
        books[text] = path.parent / f"{text.replace(' ', '-')}.xlsx"
    parsed = {str(p): importer.read_workbook(p, store_v1(folder).framework) for p in books.values()}
    importer.read_workbook = lambda p, framework, replace=False: parsed[str(p)]
    turn = [0]

    def act(text: str) -> str | None:
        turn[0] += 1
        wrote = "import round even" if turn[0] % 2 else "import round odd"
        code = cli.main(["import", str(books[wrote]), "--assessments", str(folder)])
        assert code in (0, 1)
        return wrote if code == 0 else None

    return act


def _race_child(make_actor, folder, path, item, rounds, barrier, results) -> None:
    act = make_actor(Path(folder), Path(path), item)
    fw = store_v1(folder).framework
    saved = refused = lost = 0
    for r in range(rounds):
        barrier.wait()
        wrote = act(f"{item} round {r}")
        saved += wrote is not None
        refused += wrote is None
        barrier.wait()  # both have finished: the file now holds every saved change
        if wrote is not None and read_file(Path(path), fw).response(item).evidence != wrote:
            lost += 1
        barrier.wait()  # both have checked before anyone starts the next round
    results.put((item, saved, refused, lost))


def race(folder: Path, path: Path, actors: dict[str, Callable], rounds: int) -> dict:
    barrier = CTX.Barrier(len(actors))
    results = CTX.Queue()
    procs = [
        CTX.Process(
            target=_race_child,
            args=(make, str(folder), str(path), item, rounds, barrier, results),
        )
        for item, make in actors.items()
    ]
    for p in procs:
        p.start()
    out = {}
    for _ in procs:
        item, saved, refused, lost = results.get(timeout=300)
        out[item] = {"saved": saved, "refused": refused, "lost": lost}
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    return out


def check(out: dict, rounds: int) -> None:
    lost = sum(v["lost"] for v in out.values())
    assert lost == 0, f"{lost} lost update(s) in {rounds} rounds: {out}"
    # Every round ends with at least one save, and the race was real: rounds collided.
    assert sum(v["saved"] for v in out.values()) >= rounds, out
    assert sum(v["refused"] for v in out.values()) > 0, out


@pytest.fixture
def assessment(tmp_path):
    store = store_v1(tmp_path / "assessments")
    return store, store.create("T01", "2024/25", "Testvale ICB")


def test_two_processes_saving_through_the_store_lose_nothing(assessment):
    store, a = assessment
    actors = {"vision.1": store_actor, "vision.2": store_actor}
    check(race(store.folder, a.path, actors, ROUNDS), ROUNDS)


def test_two_workshop_sessions_saving_at_once_lose_nothing(assessment):
    store, a = assessment
    actors = {"vision.1": session_actor, "vision.2": session_actor}
    check(race(store.folder, a.path, actors, ROUNDS), ROUNDS)


def test_an_import_racing_a_workshop_session_loses_nothing(assessment):
    store, a = assessment
    for text in ("import round even", "import round odd"):
        out = a.path.parent / f"{text.replace(' ', '-')}.xlsx"
        write_template(store, "T01", "2024/25", out)
        wb = load_workbook(out)
        ws = wb[L.ITEMS]
        heads = {ws.cell(L.HEADER_ROW, c).value: c for c in range(1, ws.max_column + 1)}
        for row in range(L.FIRST_ROW, ws.max_row + 1):
            ws.cell(row, heads[L.CHECK]).value = None  # rows carry no saved state to compare
            if ws.cell(row, heads[L.ITEM]).value == "vision.2":
                ws.cell(row, heads[L.EVIDENCE]).value = text
        wb.save(out)
    rounds = 150
    actors = {"vision.1": session_actor, "vision.2": import_actor}
    check(race(store.folder, a.path, actors, rounds), rounds)
