"""The workshop form in a real browser: Voilà on localhost driven by Playwright + Debian Chromium.

One Voilà server (module scope) serves every test here except the two that start their own
through `engagecycle workshop` (Voilà and JupyterLab); each test uses its own organisation so
they cannot see each other's answers. The served notebook is a copy of the shipped one with
other values saved in its parameters cell, as a notebook used in JupyterLab and saved would
have: every page must still open what its address asks for (issue 13.1).

Screenshots for people to look at are written when ENGAGECYCLE_SCREENSHOTS names a folder.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from hashlib import sha256
from pathlib import Path

import pytest
from workshop_page import (
    REPO,
    SHIPPED,
    START_TIMEOUT,
    TOKEN,
    WAIT_MS,
    box,
    close_page,
    free_port,
    level_button,
    log_tail,
    open_form,
    responses,
    scroll_under_bar,
    shot,
    stop_process,
    url,
    wait_for_file,
)

from engagecycle.store import Store
from engagecycle.workshop.cli import wait_for_port
from engagecycle.workshop.session import carried_counts, open_or_create
from engagecycle.yamlio import load_plain
from tests.helpers import store_v1

pytestmark = pytest.mark.browser

LONG_NAME = "Wendlecombe, Saltmire and the Lower Harrow Valley Integrated Care Board"
ROOM = ["AB", "CD", "Engagement lead", "Healthwatch representative", "EF", "GH", "PRG chair"]


# ---------------------------------------------------------------- servers and helpers


def kernel_pids(server_pid: int) -> list[int]:
    """Kernel processes the server started (its children running ipykernel)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == server_pid and b"ipykernel" in cmdline:
            out.append(int(stat.parent.name))
    return out


def _saved_in_notebook(source: Path, target: Path) -> None:
    """The shipped notebook as JupyterLab would leave it: other values saved in the cell."""
    nb = json.loads(source.read_text())
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    cell["source"] = [
        'organisation = "ZZ9"\n',
        'period = "2024/25"\n',
        'assessments = ""\n',
        'dimensions = "identify"\n',
        'name = "Saved In The Notebook"\n',
        'org_type = ""\n',
        "from_previous = False\n",
    ]
    target.write_text(json.dumps(nb))


def _seed_carried_over(folder: Path) -> None:
    """X01 2025/26 started from last year, with a long name and a room of seven.

    These tests exercise the form on version 1's items, so X01's version 1 years are copied
    (not the demo's 2024/25, which is on version 2) and the files the tests open are made on
    version 1 beforehand; a new file would otherwise start on version 2, the default, whose
    form is tested in test_workshop_browser_v2.py.
    """
    shutil.copytree(
        REPO / "assessments" / "X01",
        folder / "X01",
        ignore=shutil.ignore_patterns("2024-25.yaml", ".history"),
    )
    store = store_v1(folder)
    a, _ = open_or_create(store, "X01", "2025/26", from_previous=True)
    a.set_header(name=LONG_NAME, participants=ROOM)
    store.save(a)
    for code, period, name, org_type in (
        ("B01", "2024/25", "Brookfield ICB", "ICB"),
        ("R10", "2025/26", "Reload Place", "ICB"),
        ("P01", "2025/26", LONG_NAME + " Partnership", "ICB"),
        ("K01", "2025/26", "Keyworth ICB", "ICB"),
        ("S07", "2025/26", "Sevenoaks Place", "ICB"),
        ("T08", "2025/26", "Timing Place", "ICB"),
        ("C01", "2024/25", "Cranley Place", "place"),
    ):
        store.save(store.create(code, period, name, org_type))


@pytest.fixture(scope="module")
def server(tmp_path_factory, voila_server) -> Iterator[dict]:
    root = tmp_path_factory.mktemp("workshop")
    notebook = root / "workshop.ipynb"
    _saved_in_notebook(SHIPPED, notebook)
    folder = root / "assessments"
    folder.mkdir()
    _seed_carried_over(folder)
    with voila_server(notebook, folder, root) as running:
        yield running
    assert not (folder / "ZZ9").exists(), "a value saved in the notebook picked the organisation"


# ---------------------------------------------------------------- answering and reloading


def test_answers_survive_a_page_reload(server, chromium) -> None:
    from playwright.sync_api import expect

    address = url(server, "B01", "2024/25", name="Brookfield ICB")
    path = server["folder"] / "B01" / "2024-25.yaml"
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    open_form(page, address)
    status = page.locator(".ec-status")
    expect(status).to_contain_text("Opened at", timeout=WAIT_MS)
    # The address wins over what was saved in the notebook's parameters cell (issue 13.1).
    expect(page.locator(".ec-header h1")).to_contain_text("Brookfield ICB (B01)")
    expect(page.locator(".ec-where-dim")).to_contain_text("1/15 Vision")  # not "identify"
    assert not (server["folder"] / "ZZ9").exists()

    # Projector check: every piece of reading text is at least 18px.
    for selector in (
        ".ec-statement",
        ".ec-help",
        ".ec-level-vision-1 button",
        ".ec-evidence-vision-1 textarea",
        ".ec-next-bottom",
        ".ec-where",
    ):
        size = page.locator(selector).first.evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert size >= 18, f"{selector} is {size}px"

    # Dimension 1 (vision): levels, evidence, a flag and an action.
    page.locator(".ec-details-toggle").click()
    page.locator(".ec-participants textarea").fill("Head of engagement\nLay member")
    page.locator(".ec-facilitator input").fill("Engagement lead")
    level_button(page, "vision.1", "3 Established").click()
    expect(level_button(page, "vision.1", "3 Established")).to_have_class(re.compile("mod-active"))
    level_button(page, "vision.2", "N/A").click()
    page.locator(".ec-evidence-vision-1 textarea").fill("Definition agreed at the May board.")
    page.locator(".ec-flag-vision-2 input").check()
    page.locator(".ec-agreed-vision-2 textarea").fill("Not relevant to a place partnership.")
    page.locator(".ec-new-action-vision input").fill("Agree a definition with partners")
    page.locator(".ec-new-owner-vision input").fill("Head of engagement")
    page.locator(".ec-add-action-vision").click()
    expect(page.locator(".ec-action-text-vision-1 input")).to_have_value(
        "Agree a definition with partners", timeout=WAIT_MS
    )
    expect(status).to_contain_text("Saved at", timeout=WAIT_MS)
    wait_for_file(
        path,
        lambda d: (
            (d.get("responses") or {}).get("vision.1", {}).get("evidence")
            == "Definition agreed at the May board."
            and len(d.get("actions") or []) == 1
            and d.get("facilitator") == "Engagement lead"
            and (d.get("responses") or {}).get("vision.2", {}).get("agreed")
        ),
        "the vision answers",
    )

    # Dimension 11 (identify), reached through the jump list.
    page.locator(".ec-jump select").select_option(index=10)
    expect(page.locator(".ec-dimtitle h2")).to_have_text("Identify needs and aspirations")
    level_button(page, "identify.1", "Don't know").click()
    level_button(page, "identify.2", "2 Developing").click()
    page.locator(".ec-evidence-identify-2 textarea").fill("JSNA 2024 cites two patient surveys.")
    page.locator(".ec-target-identify select").select_option(label="3 Established")
    page.locator(".ec-notes-identify textarea").fill("Refresh due in the autumn.")
    expect(status).to_contain_text("Saved at", timeout=WAIT_MS)
    doc = wait_for_file(
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
    assert r["vision.2"] == {
        "level": "n/a",
        "flag": True,
        "agreed": "Not relevant to a place partnership.",
    }
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
    expect(level_button(page, "vision.1", "3 Established")).to_have_class(re.compile("mod-active"))
    expect(level_button(page, "vision.2", "N/A")).to_have_class(re.compile("mod-active"))
    expect(page.locator(".ec-evidence-vision-1 textarea")).to_have_value(
        "Definition agreed at the May board."
    )
    expect(page.locator(".ec-flag-vision-2 input")).to_be_checked()
    expect(page.locator(".ec-agreed-vision-2 textarea")).to_have_value(
        "Not relevant to a place partnership."
    )
    expect(page.locator(".ec-action-text-vision-1 input")).to_have_value(
        "Agree a definition with partners"
    )
    expect(page.locator(".ec-where")).to_contain_text("4 of 70 decided")
    page.locator(".ec-jump select").select_option(index=10)
    expect(level_button(page, "identify.1", "Don't know")).to_have_class(re.compile("mod-active"))
    expect(level_button(page, "identify.2", "2 Developing")).to_have_class(re.compile("mod-active"))
    chosen = page.locator(".ec-target-identify select").evaluate(
        "e => e.options[e.selectedIndex].text"
    )
    assert chosen.replace("\xa0", " ") == "3 Established"  # widgets render spaces as nbsp
    expect(page.locator(".ec-notes-identify textarea")).to_have_value("Refresh due in the autumn.")

    page.locator(".ec-show-summary").click()
    expect(page.locator(".ec-summary")).to_contain_text("Identify needs and aspirations")
    page.locator(".ec-summary-html").scroll_into_view_if_needed()
    shot(page, "workshop-summary-1280x800")
    assert outside == [], f"the page fetched from outside localhost: {outside}"
    close_page(page)


def test_ten_reloads_leave_one_kernel_and_a_clean_console(server, chromium) -> None:
    """Issue 13.2: each reload's shutdown request used to get a 403, leaving its kernel."""
    pid = server["proc"].pid
    deadline = time.monotonic() + 30
    while kernel_pids(pid) and time.monotonic() < deadline:  # earlier tests' pages closing
        time.sleep(0.5)
    before = len(kernel_pids(pid))
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    kernel_ids = []
    for n in range(11):
        if n == 0:
            open_form(page, url(server, "R10", name="Reload Place"))
        else:
            page.reload()
            page.locator(".ec-workshop .ec-status").wait_for(timeout=WAIT_MS)
        kernel_ids.append(
            page.evaluate(
                "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
            )
        )
    assert len(set(kernel_ids)) == 11

    def alive(kernel_id: str) -> bool:
        request = urllib.request.Request(
            f"{server['base']}api/kernels/{kernel_id}",
            headers={"Authorization": f"token {TOKEN}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10):
                return True
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return False
            raise

    deadline = time.monotonic() + 30
    while any(alive(k) for k in kernel_ids[:-1]) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert [k for k in kernel_ids[:-1] if alive(k)] == [], "reloaded pages left kernels"
    assert alive(kernel_ids[-1])  # the open page keeps its own
    assert len(kernel_pids(pid)) == before + 1  # one kernel process for the one open page
    assert errors == [], f"browser console errors: {errors}"
    assert "403 POST /voila/api/shutdown" not in server["log"].read_text(errors="replace")
    close_page(page)


# ---------------------------------------------------------------- keeping the room's place


def test_moving_on_lands_on_the_next_title_and_the_bar_keeps_the_place(server, chromium) -> None:
    """Issue 13.3, at 1280x800 with a long organisation name."""
    from playwright.sync_api import expect

    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    open_form(page, url(server, "P01", name=LONG_NAME + " Partnership"))
    # Session details stay closed on every load, so the first item is on the first screen.
    expect(page.locator(".ec-details")).to_be_hidden()
    first_level = box(page, ".ec-level-vision-1 button")
    assert first_level["bottom"] <= 800, f"first level button ends at {first_level['bottom']}px"
    # The long name is cut with an ellipsis, not wrapped: the bar stays short.
    bar = box(page, ".ec-sticky")
    assert bar["height"] <= 120, f"sticky bar is {bar['height']}px tall"
    assert box(page, ".ec-header h1")["height"] <= 45
    # At least two items fit on the screen below the bar, for every pair in the dimension.
    for first, second in (("1", "2"), ("2", "3"), ("3", "4")):
        scroll_under_bar(page, f".ec-item-vision-{first}")
        bottom = box(page, f".ec-item-vision-{second}")["bottom"]
        assert bottom <= 800, f"items {first} and {second} need {bottom}px"
    # Scrolled down, the bar still shows dimension, item n of m and overall progress.
    scroll_under_bar(page, ".ec-item-vision-3")
    assert box(page, ".ec-sticky")["top"] <= 12
    expect(page.locator(".ec-where-dim")).to_contain_text("Vision and shared understanding")
    expect(page.locator(".ec-where-item")).to_have_text("Item 3 of 4")
    expect(page.locator(".ec-where")).to_contain_text("0 of 70 decided")
    shot(page, "workshop-scrolled-1280x800")

    # "Next" at the bottom lands on the new dimension's title, with focus there...
    page.locator(".ec-next-bottom").scroll_into_view_if_needed()
    page.locator(".ec-next-bottom").focus()
    page.keyboard.press("Enter")
    heading = page.locator(".ec-dimtitle h2")
    expect(heading).to_have_text("Engagement strategy linked to other work", timeout=WAIT_MS)
    page.wait_for_function(
        "document.activeElement && document.activeElement.classList.contains('ec-dimheading')"
        " && document.activeElement.dataset.dim === 'strategy'",
        timeout=WAIT_MS,
    )
    page.wait_for_timeout(600)  # the script re-places the title once the old page has gone
    title = box(page, ".ec-dimtitle")
    bar = box(page, ".ec-sticky")
    assert bar["bottom"] - 2 <= title["top"] <= bar["bottom"] + 40, (title, bar)
    expect(page.locator(".ec-where-item")).to_have_text("Item 1 of 5")
    # ...so a second Enter cannot skip a dimension.
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    expect(heading).to_have_text("Engagement strategy linked to other work")
    shot(page, "workshop-next-1280x800")
    close_page(page)


def test_keyboard_focus_ring_tab_stops_pressed_state_and_number_keys(server, chromium) -> None:
    """Issue 13.4: visible focus, few Tab stops, aria-pressed, keys 0-4, N and ?."""
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    open_form(page, url(server, "K01", name="Keyworth ICB"))
    path = server["folder"] / "K01" / "2025-26.yaml"
    # Tab from the dimension title into the first item.
    page.locator(".ec-dimheading").focus()
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.ec-item-vision-1')"):
            break
    assert page.evaluate("!!document.activeElement.closest('.ec-level-vision-1')")
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow]; }"
    )
    assert ring[0] == "solid" and ring[1] >= 3, ring  # was a 1px outline
    assert "rgb(255, 235, 59)" in ring[2]  # plus a yellow halo
    # One Tab stop for the level buttons; the whole card in a handful of stops.
    stops = 1
    while True:
        page.keyboard.press("Tab")
        if not page.evaluate("!!document.activeElement.closest('.ec-item-vision-1')"):
            break
        stops += 1
        assert stops < 20
    assert stops <= 5, f"{stops} Tab stops in one item"
    # Number keys for the item with focus; the choice is exposed with aria-pressed.
    page.locator(".ec-level-vision-2 button").first.focus()
    page.keyboard.press("3")
    wait_for_file(path, lambda d: responses(path).get("vision.2") == {"level": 3}, "key 3")
    pressed = page.locator(".ec-level-vision-2 button").evaluate_all(
        "bs => bs.map(b => [b.title, b.getAttribute('aria-pressed')])"
    )
    assert [t for t, p in pressed if p == "true"] == ["3 Established"]
    assert sum(p == "false" for _, p in pressed) == 6
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "true"
    page.keyboard.press("n")
    wait_for_file(path, lambda d: responses(path).get("vision.2") == {"level": "n/a"}, "N")
    page.keyboard.press("?")
    wait_for_file(path, lambda d: responses(path).get("vision.2") == {"level": "unknown"}, "?")
    page.keyboard.press("ArrowLeft")  # arrows move within the group without choosing
    assert page.evaluate("document.activeElement.title") == "N/A: does not apply here"
    assert page.evaluate("document.activeElement.tabIndex") == 0
    group = page.locator(".ec-level-vision-2 [role=group]")
    assert group.get_attribute("aria-label") == "Level for vision.2"
    # Typing in the evidence box is typing, not shortcuts.
    page.locator(".ec-evidence-vision-2 textarea").focus()
    page.keyboard.type("3 n?")
    page.wait_for_timeout(1500)
    assert responses(path)["vision.2"] == {"level": "unknown", "evidence": "3 n?"}
    close_page(page)


def test_a_room_of_seven_rates_in_seven_clicks_or_one_line(server, chromium) -> None:
    """Issue 13.5 (and 9.6: a disputed item records what was agreed)."""
    from playwright.sync_api import expect

    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    open_form(page, url(server, "S07", name="Sevenoaks Place"))
    path = server["folder"] / "S07" / "2025-26.yaml"
    page.locator(".ec-details-toggle").click()
    page.locator(".ec-participants textarea").fill("\n".join(ROOM))
    page.locator(".ec-participants textarea").blur()
    page.locator(".ec-details-toggle").click()
    page.locator(".ec-ratings-toggle-vision-1").click()
    rows = page.locator(".ec-item-vision-1 .ec-rating-row")
    expect(rows).to_have_count(7, timeout=WAIT_MS)
    levels = [3, 2, 4, 3, 3, 2, 4]
    for n, level in enumerate(levels, 1):  # one click per person
        page.locator(f".ec-rating-vision-1-{n} button[title^='{level} ']").click()
    wait_for_file(
        path,
        lambda d: len((responses(path).get("vision.1") or {}).get("raters") or {}) == 7,
        "seven ratings",
    )
    assert list(responses(path)["vision.1"]["raters"].values()) == levels
    spread = page.locator(".ec-spread-vision-1")
    expect(spread).to_contain_text("7 of 7 rated; median 3; spread 2 (2 to 4)")
    expect(spread).to_contain_text("discuss before agreeing a level")
    # The next item: all seven typed on one line.
    page.locator(".ec-ratings-toggle-vision-2").click()
    typed = page.locator(".ec-ratings-typed-vision-2 input")
    typed.fill("2 2 3 2 1 2 2")
    typed.press("Enter")
    wait_for_file(
        path,
        lambda d: len((responses(path).get("vision.2") or {}).get("raters") or {}) == 7,
        "typed ratings",
    )
    assert list(responses(path)["vision.2"]["raters"].values()) == [2, 2, 3, 2, 1, 2, 2]
    expect(page.locator(".ec-spread-vision-2")).to_contain_text("median 2")
    page.locator(".ec-median-vision-2").click()
    wait_for_file(path, lambda d: responses(path)["vision.2"].get("level") == 2, "median")
    # vision.1 is disputed (spread 2): the room records what it agreed.
    agreed = page.locator(".ec-agreed-vision-1 textarea")
    expect(agreed).to_be_visible()
    agreed.fill("Settled on 3 after the Healthwatch example.")
    level_button(page, "vision.1", "3 Established").click()
    wait_for_file(
        path,
        lambda d: (
            responses(path)["vision.1"].get("agreed")
            == "Settled on 3 after the Healthwatch example."
        ),
        "what was agreed",
    )
    close_page(page)


# ---------------------------------------------------------------- carried over from last year


def test_carried_over_marks_count_and_confirming_a_whole_dimension(server, chromium) -> None:
    """Issues 13.6 and 9.3, with screenshots at 1280x800 and 1920x1080."""
    from playwright.sync_api import expect

    path = server["folder"] / "X01" / "2025-26.yaml"
    store = Store(server["folder"])
    expected = carried_counts(store.find("X01", "2025/26"))
    assert expected.answers >= 50 and expected.targets and expected.actions  # 60 from 2023/24
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    open_form(page, url(server, "X01"))
    banner = page.locator(".ec-carried")
    expect(banner).to_contain_text(f"still to confirm: {expected.text}")
    shot(page, "workshop-carried-1280x800")
    vision = carried_counts(store.find("X01", "2025/26"), ["vision"])
    expect(page.locator(".ec-carried-dim")).to_contain_text(vision.text)
    copied = [i for i in store.find("X01", "2025/26").unconfirmed() if i.startswith("vision.")]
    assert len(copied) >= 2
    for item in copied[:2]:
        expect(page.locator(f".ec-item-{item.replace('.', '-')} .ec-badge")).to_contain_text(
            "Carried over from 2023/24"  # X01's last version 1 year (see _seed_carried_over)
        )
    # Seven raters' grid open on an item, for the screenshots.
    page.locator(".ec-ratings-toggle-vision-2").click()
    expect(page.locator(".ec-item-vision-2 .ec-rating-row")).to_have_count(7, timeout=WAIT_MS)
    scroll_under_bar(page, ".ec-item-vision-2")
    shot(page, "workshop-seven-raters-1280x800")
    page.locator(".ec-confirm-all-vision").click()
    expect(page.locator(".ec-carried-dim")).to_be_hidden(timeout=WAIT_MS)
    doc = wait_for_file(
        path,
        lambda d: (
            not any(
                r.get("carried_over") for k, r in d["responses"].items() if k.startswith("vision.")
            )
        ),
        "the confirmed dimension",
    )
    assert "carried_over" not in (doc.get("dimensions") or {}).get("vision", {})
    assert all(
        "carried_over" not in a for a in doc.get("actions") or [] if a["dimension"] == "vision"
    )
    left = carried_counts(store.find("X01", "2025/26"))
    assert left.answers == expected.answers - vision.answers
    expect(banner).to_contain_text(f"still to confirm: {left.text}")
    # Targets and actions of another dimension show their mark.
    page.locator(".ec-jump select").select_option(index=10)
    expect(page.locator(".ec-dimtitle h2")).to_have_text("Identify needs and aspirations")
    marked = page.locator(".ec-page .ec-badge", has_text="Target and notes carried over")
    expect(marked).to_have_count(
        1 if store.find("X01", "2025/26").dimension_carried_over("identify") else 0
    )
    close_page(page)

    big = chromium.new_page(viewport={"width": 1920, "height": 1080})
    open_form(big, url(server, "X01"))
    shot(big, "workshop-carried-1920x1080")
    big.locator(".ec-ratings-toggle-vision-3").click()
    scroll_under_bar(big, ".ec-item-vision-3")
    shot(big, "workshop-seven-raters-1920x1080")
    close_page(big)


# ---------------------------------------------------------------- saving and conflicts


def test_a_click_is_saved_without_waiting_for_the_typing_debounce(server, chromium) -> None:
    """Issue 13.8: a click on disk and shown saved within 300 ms; typing stays debounced.

    The mechanism is asserted on every click (no "Unsaved changes" on the way to "Saved").
    The time is asserted only as the median of five clicks against the issue's 300 ms,
    which measured 21-26 ms on this 2-core machine idle and under load (benchmarks/README.md),
    so one slow click on a busy machine cannot fail it.
    """
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    open_form(page, url(server, "T08", name="Timing Place"))
    path = server["folder"] / "T08" / "2025-26.yaml"
    watch = """(selector) => new Promise(resolve => {
        const box = document.querySelector('.ec-status-box');
        const before = box.querySelector('.ec-status').dataset.saves;
        const seen = [];
        const t0 = performance.now();
        const clickedAt = Date.now();
        const obs = new MutationObserver(() => {
            const s = box.querySelector('.ec-status');
            if (!s) return;
            seen.push(s.className);
            if (s.classList.contains('saved') && s.dataset.saves !== before) {
                obs.disconnect();
                resolve({ms: performance.now() - t0, clickedAt, seen});
            }
        });
        obs.observe(box, {subtree: true, childList: true, attributes: true,
                          characterData: true});
        if (selector) { document.querySelector(selector).click(); }
    })"""
    timings = []
    for item, title in (
        ("vision.1", "3 Established"),
        ("vision.2", "2 Developing"),
        ("vision.3", "4 Embedded"),
        ("vision.4", "1 Emerging"),
        ("vision.1", "2 Developing"),
    ):
        selector = f'.ec-level-{item.replace(".", "-")} button[title="{title}"]'
        result = page.evaluate(watch, selector)
        on_disk = path.stat().st_mtime * 1000 - result["clickedAt"]
        timings.append((round(result["ms"]), round(on_disk)))
        # A click goes straight to "Saved": it never waits in "Unsaved changes".
        assert not any("unsaved" in c for c in result["seen"]), result["seen"]
        assert responses(path)[item]["level"] == int(title[0])
    # Typing still waits for the debounce: "Unsaved changes" first, then "Saved".
    page.locator(".ec-evidence-vision-4 textarea").focus()
    page.evaluate(
        "() => { window.__ecSeen = []; const box = document.querySelector('.ec-status-box');"
        " new MutationObserver(() => { const s = box.querySelector('.ec-status');"
        " if (s) window.__ecSeen.push(s.className); }).observe(box, {subtree: true,"
        " childList: true, attributes: true}); }"
    )
    page.keyboard.type("Board minutes")
    wait_for_file(
        path,
        lambda d: responses(path)["vision.4"].get("evidence") == "Board minutes",
        "typed evidence",
    )
    page.wait_for_timeout(300)
    seen = page.evaluate("window.__ecSeen")
    assert any("unsaved" in c for c in seen) and "saved" in seen[-1].split()
    print(f"\nclick to 'Saved' shown / on disk (ms): {timings}")
    assert sorted(t for t, _ in timings)[2] <= 300 and sorted(d for _, d in timings)[2] <= 300
    close_page(page)


def test_conflicting_items_side_by_side_keep_either(server, chromium) -> None:
    """Issue 13.7: a colleague's edit is never overwritten, and the room's is not lost."""
    from playwright.sync_api import expect

    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    open_form(page, url(server, "C01", "2024/25", name="Cranley Place", org_type="place"))
    path = server["folder"] / "C01" / "2024-25.yaml"
    level_button(page, "vision.1", "2 Developing").click()
    wait_for_file(path, lambda d: "vision.1" in (d.get("responses") or {}), "vision.1")
    expect(page.locator(".ec-status")).to_contain_text("Saved at", timeout=WAIT_MS)
    # Their edit in a text editor: vision.1 to 4, and vision.3 added.
    theirs = path.read_text().replace("level: 2", "level: 4")
    theirs = theirs.replace("responses:\n", "responses:\n  vision.3:\n    level: 1\n")
    theirs += "# changed in a text editor\n"
    path.write_text(theirs)
    level_button(page, "vision.1", "3 Established").click()  # the room, meanwhile
    expect(page.locator(".ec-status")).to_contain_text("Not saved", timeout=WAIT_MS)
    box = page.locator(".ec-conflict")
    expect(box).to_be_visible()
    expect(box).to_contain_text("1 part(s) were changed on both sides")
    expect(box.locator(".ec-theirs")).to_contain_text("4 Embedded")
    expect(box.locator(".ec-ours")).to_contain_text("3 Established")
    page.wait_for_timeout(300)
    shot(page, "workshop-conflict-1280x800")
    assert path.read_text() == theirs
    expect(page.locator(".ec-resolve")).to_be_disabled()
    box.locator(".ec-choice-1 button", has_text="Keep ours").click()
    page.locator(".ec-resolve").click()
    expect(box).to_be_hidden(timeout=WAIT_MS)
    expect(page.locator(".ec-status")).to_contain_text("Saved at", timeout=WAIT_MS)
    text = path.read_text()
    doc = load_plain(text)["responses"]
    assert doc["vision.1"] == {"level": 3}  # ours, chosen
    assert doc["vision.3"] == {"level": 1}  # theirs, kept without asking
    assert "# changed in a text editor" in text
    assert list(path.parent.glob("*.conflict-*.txt")) == []  # no whole-file copy needed
    expect(level_button(page, "vision.3", "1 Emerging")).to_have_class(re.compile("mod-active"))
    close_page(page)


def test_dates_are_uk_dates_in_a_us_english_browser(server, chromium) -> None:
    """Issue 13.9: 2 December 2026, never 12/02/2026."""
    from playwright.sync_api import expect

    context = chromium.new_context(locale="en-US", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    open_form(page, url(server, "D01", name="Datchet ICB"))
    path = server["folder"] / "D01" / "2025-26.yaml"
    assert page.evaluate("navigator.language") == "en-US"
    assert page.locator(".ec-workshop input[type=date]").count() == 0
    page.locator(".ec-details-toggle").click()
    shown = page.locator(".ec-date input").input_value()
    today = date.today()
    assert shown == f"{today.day} {today:%B} {today.year}", shown
    page.locator(".ec-date input").fill("2/12/2026")
    page.locator(".ec-date input").press("Enter")
    expect(page.locator(".ec-date input")).to_have_value("2 December 2026", timeout=WAIT_MS)
    wait_for_file(path, lambda d: d.get("assessed_on") == date(2026, 12, 2), "the date")
    page.locator(".ec-new-action-vision input").fill("Publish the definition")
    due = page.locator(".ec-new-due-vision input")
    due.fill("30/6/2026")
    due.press("Enter")
    expect(due).to_have_value("30 June 2026")
    page.locator(".ec-add-action-vision").click()
    expect(page.locator(".ec-action-due-vision-1 input")).to_have_value(
        "30 June 2026", timeout=WAIT_MS
    )
    doc = wait_for_file(path, lambda d: bool(d.get("actions")), "the action")
    assert doc["actions"][0]["due"] == date(2026, 6, 30)
    page.locator(".ec-action-due-vision-1 input").fill("31/6/2026")
    page.locator(".ec-action-due-vision-1 input").press("Enter")
    expect(page.locator(".ec-page")).to_contain_text("is not a real date")
    close_page(page)
    context.close()


# ---------------------------------------------------------------- `engagecycle workshop`


def _run_cli(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / "cli.log"
    cmd = [sys.executable, "-m", "engagecycle.cli", "workshop", *args, "--no-browser"]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return proc, log


def _printed(log: Path, pattern: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        match = re.search(pattern, log_tail(log))
        if match:
            return match.group(0)
        time.sleep(0.2)
    raise AssertionError(f"{pattern} never printed:\n{log_tail(log)}")


def test_cli_serves_only_its_assessment_behind_a_token(tmp_path: Path, chromium) -> None:
    """`engagecycle workshop` with a notebook whose cell was saved for another organisation."""
    from playwright.sync_api import expect

    (tmp_path / "notebooks").mkdir()
    local = tmp_path / "notebooks" / "workshop.ipynb"
    _saved_in_notebook(SHIPPED, local)
    local_before = local.read_bytes()
    folder = tmp_path / "assessments"
    port = free_port()
    proc, log = _run_cli(
        tmp_path,
        "K01",
        "2025/26",
        "--name",
        "Kingsmead ICB",
        "--dimensions",
        "stages",
        "--port",
        str(port),
        "--assessments",
        str(folder),
    )
    try:
        if not wait_for_port(port, timeout=START_TIMEOUT):
            pytest.fail(f"the workshop command did not start Voilà:\n{log_tail(log)}")
        address = _printed(log, r"http://127\.0\.0\.1:\d+/\?token=[\w-]+&\S+")
        copy = Path(_printed(log, r"/\S*engagecycle-workshop-\S+/workshop\.ipynb"))
        assert "notebooks" not in copy.parts and copy.exists()
        assert (folder / "K01" / "2025-26.yaml").exists()
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        open_form(page, address)
        expect(page.locator(".ec-header h1")).to_contain_text("Kingsmead ICB (K01)")
        expect(page.locator(".ec-dimtitle h2")).to_have_text("Identify needs and aspirations")
        # a new file on version 2, the default: its five stages have 29 items
        expect(page.locator(".ec-where")).to_contain_text("0 of 29 decided")
        close_page(page)
        # Another organisation in the address is refused, and nothing is created for it.
        other = address.replace("organisation=K01", "organisation=ZZ9")
        page = chromium.new_page()
        page.goto(other, timeout=START_TIMEOUT * 1000)
        expect(page.locator(".ec-refused")).to_contain_text(
            "started for K01 2025/26 only, so it will not open ZZ9 2025/26", timeout=WAIT_MS
        )
        assert not (folder / "ZZ9").exists()
        close_page(page)
        # Without the token there is no form.
        page = chromium.new_page()
        response = page.goto(address.replace("token=", "token=wrong"))
        assert page.locator(".ec-workshop").count() == 0
        assert response is None or response.status in (200, 302, 403)
        assert "Kingsmead" not in page.content()
        page.close()
    finally:
        stop_process(proc, signal.SIGINT)
    assert not copy.exists() and not copy.parent.exists()  # the session copy is removed
    assert local.read_bytes() == local_before  # nothing under notebooks/ was changed


def test_jupyterlab_session_uses_its_own_copy_of_the_notebook(tmp_path: Path, chromium) -> None:
    """`engagecycle workshop ORG PERIOD --lab`: the shipped notebook stays byte-identical."""
    from playwright.sync_api import expect

    before = SHIPPED.read_bytes()
    nb = json.loads(before)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    folder = tmp_path / "assessments"
    port = free_port()
    proc, log = _run_cli(  # no notebooks/ in tmp_path: the project's own notebook is used
        tmp_path,
        "L01",
        "2025/26",
        "--name",
        "Labside Place",
        "--lab",
        "--port",
        str(port),
        "--assessments",
        str(folder),
    )
    try:
        if not wait_for_port(port, timeout=START_TIMEOUT):
            pytest.fail(f"the workshop command did not start JupyterLab:\n{log_tail(log)}")
        address = _printed(log, r"http://127\.0\.0\.1:\d+/lab/tree/workshop\.ipynb\?token=\S+")
        copy = Path(_printed(log, r"/\S*engagecycle-workshop-\S+/workshop\.ipynb"))
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.goto(address, timeout=START_TIMEOUT * 1000)
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=WAIT_MS)
        expect(page.locator(".jp-Notebook")).to_contain_text("organisation = 'L01'")
        # Run all cells once the kernel is ready (before that, JupyterLab may drop the request).
        expect(page.locator(".jp-StatusBar-TextItem", has_text="Idle").first).to_be_visible(
            timeout=WAIT_MS
        )
        page.locator(".jp-Notebook").click()
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
        page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
        page.locator(".ec-workshop .ec-status").wait_for(timeout=WAIT_MS)
        expect(page.locator(".ec-header h1")).to_contain_text("Labside Place (L01)")
        page.wait_for_function("window.__ecWorkshopScript === true", timeout=WAIT_MS)
        level_button(page, "vision.1", "2 Developing").click()
        path = folder / "L01" / "2025-26.yaml"
        wait_for_file(path, lambda d: responses(path).get("vision.1") == {"level": 2}, "L01")
        assert (
            level_button(page, "vision.1", "2 Developing").get_attribute("aria-pressed") == "true"
        )
        page.keyboard.press("Control+s")  # saving writes the session's copy, not the project's
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not json.loads(copy.read_text())["cells"][-1].get(
            "outputs"
        ):
            time.sleep(0.5)
        assert json.loads(copy.read_text())["cells"][-1]["outputs"]
        page.close()
    finally:
        stop_process(proc, signal.SIGINT)
    assert SHIPPED.read_bytes() == before, "a session changed notebooks/workshop.ipynb"
    assert sha256(SHIPPED.read_bytes()).hexdigest() == sha256(before).hexdigest()
    assert not copy.parent.exists()
