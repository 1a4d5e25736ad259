"""What the workshop's browser tests share: starting Voilà for a notebook and a folder,
stopping what they started, and finding their way around the form in a page.

`tests/conftest.py` offers `start_voila` as the `voila_server` fixture; the page helpers are
imported by test_workshop_browser.py and test_workshop_browser_v2.py.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from engagecycle.workshop.cli import voila_env, wait_for_port
from engagecycle.workshop.server import voila_command
from engagecycle.yamlio import load_plain

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "notebooks" / "workshop.ipynb"
START_TIMEOUT = 90  # seconds: Voilà plus a fresh kernel on a small 2-core machine
WAIT_MS = 60_000
TOKEN = "test-token-4f1c"


@contextlib.contextmanager
def start_voila(notebook: Path, folder: Path, cwd: Path) -> Iterator[dict]:
    """Voilà serving `notebook` over the assessments in `folder`, stopped on the way out.

    Its output goes to cwd/voila.log, shown when it does not start.
    """
    port = free_port()
    log = cwd / "voila.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            voila_command(notebook, port, token=TOKEN),
            env=voila_env(folder),
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        if not wait_for_port(port, timeout=START_TIMEOUT):
            pytest.fail(f"Voilà did not start on port {port}:\n{log_tail(log)}")
        yield {
            "base": f"http://127.0.0.1:{port}/",
            "port": port,
            "folder": folder,
            "log": log,
            "proc": proc,
        }
    finally:
        stop_process(proc)


def stop_process(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop a server we started, and anything left in its process group, by id."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_tail(path: Path) -> str:
    return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def url(server: dict, code: str, period: str = "2025/26", **extra: str) -> str:
    query = {"token": TOKEN, "organisation": code, "period": period, **extra}
    return server["base"] + "?" + "&".join(f"{k}={quote(str(v))}" for k, v in query.items())


def open_form(page, address: str) -> None:
    page.goto(address, timeout=START_TIMEOUT * 1000)
    page.locator(".ec-workshop .ec-status").wait_for(timeout=WAIT_MS)
    page.wait_for_function("window.__ecWorkshopScript === true", timeout=WAIT_MS)


def close_page(page) -> None:
    """Close like a person closing the tab, so the page's shutdown request is sent."""
    page.close(run_before_unload=True)


def level_button(page, item: str, level: str):
    """A level button by its name (0-4: "3 Established"; or "N/A", "Don't know")."""
    return page.locator(f'.ec-level-{item.replace(".", "-")} button[title^="{level}"]')


def wait_for_file(path: Path, check: Callable[[dict], bool], what: str) -> dict:
    """Poll the YAML file until `check` holds (atomic writes: never a half file)."""
    deadline = time.monotonic() + 60
    doc: dict = {}
    while time.monotonic() < deadline:
        if path.exists():
            doc = load_plain(path.read_text(encoding="utf-8")) or {}
            if check(doc):
                return doc
        time.sleep(0.1)
    raise AssertionError(f"{what} never reached {path}; last content:\n{doc}")


def responses(path: Path) -> dict:
    return (load_plain(path.read_text(encoding="utf-8")) or {}).get("responses") or {}


def shot(page, name: str) -> None:
    folder = os.environ.get("ENGAGECYCLE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


def box(page, selector: str) -> dict:
    return page.locator(selector).first.evaluate(
        "e => { const r = e.getBoundingClientRect(); "
        "return {top: r.top, bottom: r.bottom, height: r.height}; }"
    )


def scroll_under_bar(page, selector: str) -> None:
    """Scroll so `selector` starts just below the sticky bar, as the room reads it.

    Twice: until the page has scrolled, the bar sits lower than where it sticks.
    """
    for _ in range(2):
        page.locator(selector).first.evaluate(
            "e => { const bar = document.querySelector('.ec-sticky').getBoundingClientRect();"
            " e.style.scrollMarginTop = (bar.bottom + 4) + 'px';"
            " e.scrollIntoView({block: 'start'}); }"
        )
        page.wait_for_timeout(150)
