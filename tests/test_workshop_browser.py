"""The workshop form in a real browser: Voilà on localhost driven by Playwright + Debian Chromium.

A facilitator answers items in two dimensions (levels, evidence, an action, a target), waits
for "Saved", reloads the page, and finds everything again, both on screen and in the YAML.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engagecycle.workshop.cli import voila_command, voila_env, wait_for_port
from engagecycle.yamlio import load_plain

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
START_TIMEOUT = 90  # seconds: Voilà plus a fresh kernel on a small 2-core machine
WAIT_MS = 60_000


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {CHROMIUM} is missing: .ci/run should install chromium")
    pytest.skip(
        f"Debian Chromium ({CHROMIUM}) is not installed and CI is not set; "
        "install it with 'apt-get install chromium' to run the browser tests"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """Stop a server we started, and its kernels (its own process group), by id."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    else:  # the server is gone; make sure no kernel of its group is left behind
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _log(path: Path) -> str:
    return path.read_text(errors="replace")[-4000:] if path.exists() else ""


@pytest.fixture
def voila(tmp_path: Path) -> Iterator[dict]:
    """Voilà serving a copy of the repo's notebook, with an empty assessments folder."""
    _require_chromium()
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    notebook = nb_dir / "workshop.ipynb"
    shutil.copy(REPO / "notebooks" / "workshop.ipynb", notebook)
    folder = tmp_path / "assessments"
    folder.mkdir()
    port = _free_port()
    log = tmp_path / "voila.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            voila_command(notebook, port),
            env=voila_env(folder),
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        if not wait_for_port(port, timeout=START_TIMEOUT):
            pytest.fail(f"Voilà did not start on port {port}:\n{_log(log)}")
        yield {"base": f"http://127.0.0.1:{port}/", "folder": folder, "log": log}
    finally:
        _stop(proc)


@pytest.fixture
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def _wait_for_file(path: Path, check: Callable[[dict], bool], what: str) -> dict:
    """Poll the YAML file until `check` holds (atomic writes: never a half file)."""
    deadline = time.monotonic() + 60
    doc: dict = {}
    while time.monotonic() < deadline:
        if path.exists():
            doc = load_plain(path.read_text(encoding="utf-8")) or {}
            if check(doc):
                return doc
        time.sleep(0.25)
    raise AssertionError(f"{what} never reached {path}; last content:\n{doc}")


def _open(page, url: str) -> None:
    page.goto(url, timeout=START_TIMEOUT * 1000)
    page.locator(".ec-workshop .ec-status").wait_for(timeout=WAIT_MS)


def _level(page, item: str, label: str):
    return page.locator(f".ec-level-{item.replace('.', '-')} button", has_text=label)


def _shot(page, name: str) -> None:
    """Screenshots for people to look at, when ENGAGECYCLE_SCREENSHOTS names a folder."""
    folder = os.environ.get("ENGAGECYCLE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def test_answers_survive_a_page_reload(voila, browser) -> None:
    from playwright.sync_api import expect

    url = voila["base"] + "?organisation=B01&period=2024%2F25&name=Brookfield%20ICB"
    path = voila["folder"] / "B01" / "2024-25.yaml"
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    _open(page, url)
    status = page.locator(".ec-status")
    expect(status).to_contain_text("Opened at", timeout=WAIT_MS)
    expect(page.locator(".ec-header h1")).to_contain_text("Brookfield ICB (B01)")
    _shot(page, "workshop-new-1280x800")

    # Projector check: every piece of reading text is at least 18px.
    for selector in (
        ".ec-statement",
        ".ec-help",
        ".ec-levels td",
        ".ec-level-vision-1 button",
        ".ec-evidence-vision-1 textarea",
        ".ec-next",
    ):
        size = page.locator(selector).first.evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert size >= 18, f"{selector} is {size}px"

    # Dimension 1 (vision): levels, evidence, a flag and an action.
    page.locator(".ec-participants textarea").fill("Head of engagement\nLay member")
    page.locator(".ec-facilitator input").fill("Engagement lead")
    _level(page, "vision.1", "3 Established").click()
    expect(_level(page, "vision.1", "3 Established")).to_have_class(re.compile("mod-active"))
    _level(page, "vision.2", "N/A").click()
    page.locator(".ec-evidence-vision-1 textarea").fill("Definition agreed at the May board.")
    page.locator(".ec-flag-vision-2 input").check()
    # keyboard: tab from vision.4's first level button to the next one and press Enter
    page.locator(".ec-level-vision-4 button").first.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(_level(page, "vision.4", "1 Emerging")).to_have_class(re.compile("mod-active"))
    page.locator(".ec-new-action-vision input").fill("Agree a definition with partners")
    page.locator(".ec-new-owner-vision input").fill("Head of engagement")
    page.locator(".ec-add-action-vision").click()
    expect(page.locator(".ec-action-text-vision-1 input")).to_have_value(
        "Agree a definition with partners", timeout=WAIT_MS
    )
    expect(status).to_contain_text("Saved at", timeout=WAIT_MS)
    _wait_for_file(
        path,
        lambda d: (
            (d.get("responses") or {}).get("vision.1", {}).get("evidence")
            == "Definition agreed at the May board."
            and len(d.get("actions") or []) == 1
            and d.get("facilitator") == "Engagement lead"
        ),
        "the vision answers",
    )
    page.locator(".ec-level-vision-1").scroll_into_view_if_needed()
    _shot(page, "workshop-item-1280x800")

    # Dimension 11 (identify), reached through the jump list.
    page.locator(".ec-jump select").select_option(index=10)
    expect(page.locator(".ec-dimtitle h2")).to_have_text("Identify needs and aspirations")
    _level(page, "identify.1", "Don't know").click()
    _level(page, "identify.2", "2 Developing").click()
    page.locator(".ec-evidence-identify-2 textarea").fill("JSNA 2024 cites two patient surveys.")
    page.locator(".ec-target-identify select").select_option(label="3 Established")
    page.locator(".ec-notes-identify textarea").fill("Refresh due in the autumn.")
    expect(status).to_contain_text("Saved at", timeout=WAIT_MS)
    doc = _wait_for_file(
        path,
        lambda d: (
            (d.get("responses") or {}).get("identify.2", {}).get("evidence")
            == "JSNA 2024 cites two patient surveys."
            and (d.get("dimensions") or {}).get("identify", {}).get("notes")
            == "Refresh due in the autumn."
        ),
        "the identify answers",
    )
    r = doc["responses"]
    assert r["vision.1"] == {"level": 3, "evidence": "Definition agreed at the May board."}
    assert r["vision.2"] == {"level": "n/a", "flag": True}
    assert r["vision.4"] == {"level": 1}
    assert r["identify.1"] == {"level": "unknown"}
    assert r["identify.2"] == {"level": 2, "evidence": "JSNA 2024 cites two patient surveys."}
    assert doc["dimensions"]["identify"] == {"target": 3, "notes": "Refresh due in the autumn."}
    assert doc["actions"] == [
        {
            "dimension": "vision",
            "action": "Agree a definition with partners",
            "owner": "Head of engagement",
            "status": "open",
        }
    ]
    assert doc["participants"] == ["Head of engagement", "Lay member"]

    # Reload: a new kernel reads the file; everything is on screen again.
    page.reload()
    page.locator(".ec-workshop .ec-status").wait_for(timeout=WAIT_MS)
    expect(status).to_contain_text("Opened at", timeout=WAIT_MS)
    expect(_level(page, "vision.1", "3 Established")).to_have_class(re.compile("mod-active"))
    expect(_level(page, "vision.2", "N/A")).to_have_class(re.compile("mod-active"))
    expect(_level(page, "vision.4", "1 Emerging")).to_have_class(re.compile("mod-active"))
    expect(page.locator(".ec-evidence-vision-1 textarea")).to_have_value(
        "Definition agreed at the May board."
    )
    expect(page.locator(".ec-flag-vision-2 input")).to_be_checked()
    expect(page.locator(".ec-action-text-vision-1 input")).to_have_value(
        "Agree a definition with partners"
    )
    expect(page.locator(".ec-action-owner-vision-1 input")).to_have_value("Head of engagement")
    expect(page.locator(".ec-overall")).to_contain_text("5 of 70 items decided")
    page.locator(".ec-jump select").select_option(index=10)
    expect(_level(page, "identify.1", "Don't know")).to_have_class(re.compile("mod-active"))
    expect(_level(page, "identify.2", "2 Developing")).to_have_class(re.compile("mod-active"))
    expect(page.locator(".ec-evidence-identify-2 textarea")).to_have_value(
        "JSNA 2024 cites two patient surveys."
    )
    chosen = page.locator(".ec-target-identify select").evaluate(
        "e => e.options[e.selectedIndex].text"
    )
    assert chosen.replace("\xa0", " ") == "3 Established"  # widgets render spaces as nbsp
    expect(page.locator(".ec-notes-identify textarea")).to_have_value("Refresh due in the autumn.")

    page.locator(".ec-show-summary").click()
    expect(page.locator(".ec-summary")).to_contain_text("Identify needs and aspirations")
    page.locator(".ec-summary-html").scroll_into_view_if_needed()
    _shot(page, "workshop-summary-1280x800")
    assert outside == [], f"the page fetched from outside localhost: {outside}"
    page.close()

    big = browser.new_page(viewport={"width": 1920, "height": 1080})
    _open(big, url)
    _shot(big, "workshop-1920x1080")
    big.locator(".ec-level-vision-1").scroll_into_view_if_needed()
    _shot(big, "workshop-item-1920x1080")
    big.close()


def test_conflict_in_the_browser(voila, browser) -> None:
    """A colleague's edit on disk is never overwritten; the page offers both ways out."""
    from playwright.sync_api import expect

    url = voila["base"] + "?organisation=C01&period=2024%2F25&name=Cranley%20Place&org_type=place"
    path = voila["folder"] / "C01" / "2024-25.yaml"
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    _open(page, url)
    _level(page, "vision.1", "2 Developing").click()
    expect(page.locator(".ec-status")).to_contain_text("Saved at", timeout=WAIT_MS)
    _wait_for_file(path, lambda d: "vision.1" in (d.get("responses") or {}), "vision.1")
    theirs = path.read_text().replace("level: 2", "level: 4") + "# changed in a text editor\n"
    path.write_text(theirs)
    _level(page, "vision.3", "1 Emerging").click()
    expect(page.locator(".ec-status")).to_contain_text("Not saved", timeout=WAIT_MS)
    expect(page.locator(".ec-conflict")).to_be_visible()
    _shot(page, "workshop-conflict-1280x800")
    assert path.read_text() == theirs
    page.locator(".ec-save-copy").click()
    expect(page.locator(".ec-conflict")).to_contain_text("Your version is saved as")
    copies = list(path.parent.glob("2024-25.conflict-*.txt"))
    assert len(copies) == 1 and "vision.3" in copies[0].read_text()
    page.locator(".ec-reload").click()
    expect(page.locator(".ec-conflict")).to_be_hidden(timeout=WAIT_MS)
    expect(_level(page, "vision.1", "4 Embedded")).to_have_class(re.compile("mod-active"))
    assert path.read_text() == theirs
    page.close()


def test_cli_serves_the_form(tmp_path: Path, browser) -> None:
    """`engagecycle workshop` creates the file, starts Voilà and prints a working address."""
    from playwright.sync_api import expect

    folder = tmp_path / "assessments"
    port = _free_port()
    log = tmp_path / "cli.log"
    cmd = [
        sys.executable,
        "-m",
        "engagecycle.cli",
        "workshop",
        "K01",
        "2025/26",
        "--name",
        "Kingsmead ICB",
        "--dimensions",
        "stages",
        "--port",
        str(port),
        "--no-browser",
        "--assessments",
        str(folder),
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        if not wait_for_port(port, timeout=START_TIMEOUT):
            pytest.fail(f"the workshop command did not start Voilà:\n{_log(log)}")
        printed = _log(log)
        match = re.search(r"http://127\.0\.0\.1:\d+/\?\S+", printed)
        assert match, printed
        assert (folder / "K01" / "2025-26.yaml").exists()
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        _open(page, match.group(0))
        expect(page.locator(".ec-header h1")).to_contain_text("Kingsmead ICB (K01)")
        expect(page.locator(".ec-dimtitle h2")).to_have_text("Identify needs and aspirations")
        expect(page.locator(".ec-overall")).to_contain_text("0 of 25 items decided")
        page.close()
    finally:
        _stop(proc)
