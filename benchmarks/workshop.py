"""How fast the workshop form answers a room, measured in Debian Chromium.

    .venv/bin/python benchmarks/workshop.py [--clicks 30] [--reloads 10]

Starts the workshop server as `engagecycle workshop` does (a session copy of the notebook,
our Voilà launcher, a token) on a fictional organisation in a temporary folder, then:

- opens the form (seconds from the address to the form on screen);
- clicks level buttons and times each click to "Saved" on screen (the browser's clock) and
  to the file's new modification time (the same machine's clock);
- types evidence and times the last keystroke to "Saved" (typing is debounced, by design);
- reloads the page and counts the kernels left running, with the resident memory of one.

Nothing here is asserted: the tests check the mechanisms, this records the figures (see
benchmarks/README.md). Needs /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from engagecycle.workshop.cli import session_notebook, voila_env, wait_for_port  # noqa: E402
from engagecycle.workshop.server import voila_command  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TOKEN = "benchmark"
WATCH = """(selector) => new Promise(resolve => {
    const box = document.querySelector('.ec-status-box');
    const before = box.querySelector('.ec-status').dataset.saves;
    const t0 = performance.now();
    const clickedAt = Date.now();
    const obs = new MutationObserver(() => {
        const s = box.querySelector('.ec-status');
        if (s && s.classList.contains('saved') && s.dataset.saves !== before) {
            obs.disconnect();
            resolve({ms: performance.now() - t0, clickedAt});
        }
    });
    obs.observe(box, {subtree: true, childList: true, attributes: true});
    if (selector) { document.querySelector(selector).click(); }
})"""


START = """() => {
    window.__ecDone = null;
    const box = document.querySelector('.ec-status-box');
    const before = box.querySelector('.ec-status').dataset.saves;
    const t0 = performance.now();
    new MutationObserver((_, obs) => {
        const s = box.querySelector('.ec-status');
        if (s && s.classList.contains('saved') && s.dataset.saves !== before) {
            obs.disconnect();
            window.__ecDone = performance.now() - t0;
        }
    }).observe(box, {subtree: true, childList: true, attributes: true});
}"""


def kernels_of(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"ipykernel" in cmdline:
            out.append(int(stat.parent.name))
    return out


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def summary(values: list[float]) -> str:
    values = sorted(values)
    p90 = values[max(0, int(round(0.9 * len(values))) - 1)]
    return (
        f"median {statistics.median(values):.0f} ms, 90th percentile {p90:.0f} ms, "
        f"max {values[-1]:.0f} ms (n={len(values)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=30)
    parser.add_argument("--reloads", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="ec-bench-workshop-"))
    folder = root / "assessments"
    folder.mkdir()
    notebook = session_notebook(REPO / "notebooks" / "workshop.ipynb", root, {})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        voila_command(notebook, port, token=TOKEN),
        env=voila_env(folder),
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    path = folder / "B99" / "2025-26.yaml"
    address = (
        f"http://127.0.0.1:{port}/?token={TOKEN}&organisation=B99&period=2025%2F26"
        "&name=Benchmark%20Place"
    )
    try:
        if not wait_for_port(port, 90):
            raise SystemExit("the server did not start")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            t0 = time.monotonic()
            page.goto(address, timeout=120_000)
            page.locator(".ec-workshop .ec-status").wait_for(timeout=120_000)
            load = time.monotonic() - t0
            items = ["vision.1", "vision.2", "vision.3", "vision.4"]
            shown, on_disk = [], []
            for n in range(args.clicks):
                item = items[n % len(items)]
                level = n % 5
                selector = f'.ec-level-{item.replace(".", "-")} button[title^="{level} "]'
                if page.locator(selector).get_attribute("aria-pressed") == "true":
                    level = (level + 1) % 5
                    selector = f'.ec-level-{item.replace(".", "-")} button[title^="{level} "]'
                result = page.evaluate(WATCH, selector)
                shown.append(result["ms"])
                on_disk.append(path.stat().st_mtime * 1000 - result["clickedAt"])
                time.sleep(0.2)
            typing = []
            for n in range(5):
                box = page.locator(f".ec-evidence-{items[n % 4].replace('.', '-')} textarea")
                box.focus()
                text = f"Evidence typed in the room, take {n}"
                page.keyboard.type(text[:-1])
                time.sleep(2.0)  # let the debounced save of the first keystrokes happen
                page.evaluate(START)
                page.keyboard.type(text[-1])
                page.wait_for_function("window.__ecDone !== null", timeout=30_000)
                typing.append(page.evaluate("window.__ecDone"))
            kernel_mb = [rss_mb(k) for k in kernels_of(proc.pid)]
            for _ in range(args.reloads):
                page.reload()
                page.locator(".ec-workshop .ec-status").wait_for(timeout=120_000)
            time.sleep(3)
            left = kernels_of(proc.pid)
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
    print(f"form on screen after {load:.1f} s (first load, fresh kernel)")
    print(f"level click to 'Saved' on screen: {summary(shown)}")
    print(f"level click to the file written:  {summary(on_disk)}")
    print(f"last keystroke to 'Saved' (debounced typing): {summary(typing)}")
    print(
        f"after {args.reloads} reloads of one open page: {len(left)} kernel(s) running; "
        f"one kernel's resident memory {kernel_mb[0]:.0f} MB"
        if kernel_mb
        else f"after {args.reloads} reloads: {len(left)} kernel(s) running"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
