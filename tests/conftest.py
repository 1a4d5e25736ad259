"""Shared test set-up: the load cache in a private folder, Debian Chromium for the browser
tests (launched once per test session) and Voilà for the workshop's.

Browser tests drive `/usr/bin/chromium` (never a downloaded browser) with Playwright. One
browser process serves every browser test; each test opens its own pages or contexts, so
tests stay independent while paying Chromium's start-up once. Tests that need the
executable itself (PDF printing) take `chromium_path`; both skip without Chromium on a
developer's machine and fail on CI. Its launch flags are here and nowhere else.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

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


def require_chromium() -> None:
    """Skip without Chromium on a developer's machine; fail on CI, where it must be there."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but {CHROMIUM} is missing: .ci/run should install chromium")
    pytest.skip(
        f"Debian Chromium ({CHROMIUM}) is not installed and CI is not set; "
        "install it with 'apt-get install chromium' to run the browser tests"
    )


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """One headless Chromium for the whole test session (a Playwright `Browser`)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian Chromium's path, for tests of what the product prints with it (PDFs)."""
    require_chromium()
    return CHROMIUM


@pytest.fixture(scope="session")
def voila_server():
    """`with voila_server(notebook, folder, cwd) as server:` Voilà on a free local port with
    the workshop's template and token, stopped (its whole process group) on the way out.

    A factory rather than a server: each test module seeds its own assessments and keeps
    its server for the module (see `workshop_page.start_voila`).
    """
    from workshop_page import start_voila

    return start_voila


@pytest.fixture(scope="session", autouse=True)
def private_cache_home(tmp_path_factory):
    """Keep the batch's load cache (kept in the user's cache folder) out of the real home.

    Set in os.environ, so command-line runs in a subprocess inherit it too.
    """
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache-home"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old
