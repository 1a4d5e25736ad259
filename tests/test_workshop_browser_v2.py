"""The workshop form on version 2 in a real browser (Voilà + Chromium), at 1280x800: the
rule in view, the items to rate afresh marked, the evidence for each level under its button,
the glossary one click away. Screenshots go to ENGAGECYCLE_SCREENSHOTS when it is set."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from workshop_page import (
    SHIPPED,
    WAIT_MS,
    box,
    close_page,
    level_button,
    open_form,
    scroll_under_bar,
    shot,
    url,
    wait_for_file,
)

from engagecycle.framework import load_framework
from engagecycle.store import Store
from engagecycle.workshop.session import open_or_create

pytestmark = pytest.mark.browser
V1 = load_framework(version=1)
V2 = load_framework(version=2)


@pytest.fixture(scope="module")
def server(tmp_path_factory, voila_server) -> Iterator[dict]:
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
    with voila_server(notebook, folder, root) as running:
        yield running


def test_version_2_help_and_items_to_rate_afresh_at_1280(server, chromium) -> None:
    from playwright.sync_api import expect

    path: Path = server["folder"] / "T01" / "2025-26.yaml"
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    open_form(page, url(server, "T01"))
    expect(page.locator(".ec-rule")).to_contain_text("Rate what is done and can be shown")
    banner = page.locator(".ec-carried")
    expect(banner).to_contain_text("33 items are new or changed in version 2")
    shot(page, "workshop-v2-top-1280x800")
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
        button = level_button(page, "vision.4", f"{n} ").bounding_box()
        assert abs(note["x"] - button["x"]) < 8 and abs(note["width"] - button["width"]) < 12
    scroll_under_bar(page, card)
    shot(page, "workshop-v2-evidence-1280x800")
    # two items still fit under the bar with their help (evidence closed)
    page.locator(f"{card} .ec-evlevels summary").click()
    scroll_under_bar(page, ".ec-item-vision-1")
    bottom = box(page, ".ec-item-vision-4")["bottom"]
    assert bottom <= 800, f"the second item ends at {bottom}px, below the screen"
    shot(page, "workshop-v2-items-1280x800")
    # rating an item to rate afresh removes its mark, on screen and in the file
    level_button(page, "vision.5", "2 ").click()
    doc = wait_for_file(
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
    shot(page, "workshop-v2-guide-1280x800")
    close_page(page)
