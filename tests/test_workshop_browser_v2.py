"""The workshop form on version 2 in a real browser (Voilà + Chromium), at 1280x800: the
rule in view, the items to rate afresh marked, the evidence for each level under its button,
the glossary one click away. Screenshots go to ENGAGECYCLE_SCREENSHOTS when it is set."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_workshop_browser import (
    SHIPPED,
    START_TIMEOUT,
    TOKEN,
    WAIT_MS,
    _box,
    _close,
    _free_port,
    _level,
    _log,
    _open,
    _scroll_under_bar,
    _shot,
    _stop,
    _wait_for_file,
    url,
)

from engagecycle.framework import load_framework
from engagecycle.store import Store
from engagecycle.workshop.cli import voila_env, wait_for_port
from engagecycle.workshop.server import voila_command
from engagecycle.workshop.session import open_or_create

pytestmark = pytest.mark.browser
V1 = load_framework(version=1)
V2 = load_framework(version=2)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("workshop-v2")
    notebook = root / "workshop.ipynb"
    notebook.write_bytes(SHIPPED.read_bytes())
    folder = root / "assessments"
    store = Store(folder)
    last = store.create("T01", "2024/25", "Testbury ICB", framework=V1)  # last year on v1
    last.set_level("vision.1", 3)
    last.set_level("vision.2", 2)
    store.save(last)
    store.create("T01", "2025/26", "Testbury ICB", framework=V2)
    open_or_create(store, "T01", "2025/26", from_previous=True)
    port = _free_port()
    log = root / "voila.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            voila_command(notebook, port, token=TOKEN),
            env=voila_env(folder),
            cwd=root,
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


def test_version_2_help_and_items_to_rate_afresh_at_1280(server, chromium) -> None:
    from playwright.sync_api import expect

    path: Path = server["folder"] / "T01" / "2025-26.yaml"
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    _open(page, url(server, "T01"))
    expect(page.locator(".ec-rule")).to_contain_text("Rate what is done and can be shown")
    banner = page.locator(".ec-carried")
    expect(banner).to_contain_text("33 items are new or changed in version 2")
    _shot(page, "workshop-v2-top-1280x800")
    fresh = page.locator(".ec-item-vision-5 .ec-badge-afresh")
    expect(fresh).to_have_text("New or changed in version 2: rate afresh")
    # the evidence for each level opens under the level buttons, each over its own button
    card = ".ec-item-vision-4"
    page.locator(f"{card} .ec-evlevels summary").click()
    notes = page.locator(f"{card} .ec-evgrid > div")
    expect(notes.nth(2)).to_be_visible()
    expect(notes.nth(2)).to_contain_text(V2.items["vision.4"].evidence[2])
    for n in range(5):
        note = notes.nth(n).bounding_box()
        button = _level(page, "vision.4", f"{n} ").bounding_box()
        assert abs(note["x"] - button["x"]) < 8 and abs(note["width"] - button["width"]) < 12
    _scroll_under_bar(page, card)
    _shot(page, "workshop-v2-evidence-1280x800")
    # two items still fit under the bar with their help (evidence closed)
    page.locator(f"{card} .ec-evlevels summary").click()
    _scroll_under_bar(page, ".ec-item-vision-1")
    bottom = _box(page, ".ec-item-vision-4")["bottom"]
    assert bottom <= 800, f"the second item ends at {bottom}px, below the screen"
    _shot(page, "workshop-v2-items-1280x800")
    # rating an item to rate afresh removes its mark, on screen and in the file
    _level(page, "vision.5", "2 ").click()
    doc = _wait_for_file(
        path, lambda d: d["responses"]["vision.5"] == {"level": 2}, "vision.5 rated"
    )
    assert "afresh" not in doc["responses"]["vision.5"]
    expect(fresh).to_have_count(0, timeout=WAIT_MS)
    expect(banner).to_contain_text("32 items are new or changed in version 2")
    # the rating guide and the glossary, one click away
    page.locator(".ec-guide-toggle").click()
    expect(page.locator(".ec-guide")).to_contain_text("Two levels true?")
    expect(page.locator(".ec-guide .ec-glossary")).to_contain_text(V2.glossary["VCSE"])
    page.locator(".ec-guide").scroll_into_view_if_needed()
    _shot(page, "workshop-v2-guide-1280x800")
    _close(page)
