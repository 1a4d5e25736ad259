"""Shared test set-up: the load cache in a private folder, and Debian Chromium for the browser
tests, launched once per test session.

Browser tests drive `/usr/bin/chromium` (never a downloaded browser) with Playwright. One
browser process serves every browser test; each test opens its own pages or contexts, so
tests stay independent while paying Chromium's start-up once.
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
