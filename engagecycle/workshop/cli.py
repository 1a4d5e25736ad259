"""`engagecycle workshop ORG PERIOD`: create or open the file, then serve the form with Voilà.

The file is created (or opened, or started from last year) here, before Voilà starts, so
mistakes such as a bad code or a missing name are reported on the command line rather than
in a browser. Voilà listens on 127.0.0.1 only; the assessments folder reaches the notebook
through an environment variable, never through the URL.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
import webbrowser
from pathlib import Path
from urllib.parse import urlencode

from ..assessment import ORG_TYPES
from ..errors import EngageError
from ..store import Store, display_path
from .launch import ENV_FOLDER
from .session import open_or_create, parse_dimensions

DEFAULT_PORT = 8866
HOST = "127.0.0.1"
TEMPLATE = "ec-workshop"
TEMPLATE_ROOT = Path(__file__).parent / "jupyter"  # a Jupyter data folder: voila/templates/...


def notebook_path() -> Path:
    """notebooks/workshop.ipynb in the working folder, else beside the package's project."""
    candidates = [
        Path.cwd() / "notebooks" / "workshop.ipynb",
        Path(__file__).resolve().parents[2] / "notebooks" / "workshop.ipynb",
    ]
    for c in candidates:
        if c.is_file():
            return c
    raise EngageError(
        "cannot find notebooks/workshop.ipynb; run this from the engagecycle project folder"
    )


def port_is_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port(preferred: int = DEFAULT_PORT, host: str = HOST) -> int:
    """`preferred` if nothing listens there, else any free port the system offers."""
    if port_is_free(preferred, host):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def workshop_url(port: int, code: str, period: str, dimensions: str = "") -> str:
    query = {"organisation": code, "period": period}
    if dimensions:
        query["dimensions"] = dimensions
    return f"http://{HOST}:{port}/?{urlencode(query)}"


def voila_command(notebook: Path, port: int) -> list[str]:
    """Voilà on localhost only, one fixed port (no silent retry onto another one).

    The `ec-workshop` template (see `voila_env`) is Voilà's lab template without its CDN
    links, so the page makes no request beyond 127.0.0.1.
    """
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--port={port}",
        "--no-browser",
        f"--Voila.ip={HOST}",
        "--Voila.port_retries=0",
        "--show_tracebacks=True",
    ]
    if (TEMPLATE_ROOT / "voila" / "templates" / TEMPLATE).is_dir():
        cmd.append(f"--template={TEMPLATE}")
    return cmd


def voila_env(folder: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The server's environment: where the assessments are, and where our template is."""
    env = dict(os.environ if base is None else base)
    env[ENV_FOLDER] = str(Path(folder).resolve())
    paths = [str(TEMPLATE_ROOT)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    return env


def wait_for_port(port: int, timeout: float = 60.0, host: str = HOST) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(1.0)
            if s.connect_ex((host, port)) == 0:
                return True
        time.sleep(0.2)
    return False


def run_voila(cmd: list[str], env: dict[str, str], url: str, open_browser: bool) -> int:
    """Run Voilà in the foreground until Ctrl-C; open the browser once it listens."""
    port = int(url.split(":")[2].split("/")[0])
    if open_browser:
        threading.Thread(
            target=lambda: wait_for_port(port) and webbrowser.open(url), daemon=True
        ).start()
    proc = subprocess.Popen(cmd, env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        print("workshop server stopped; every saved answer is in the file", file=sys.stderr)
        return 0


def cmd_workshop(args: argparse.Namespace) -> int:
    store = Store(args.assessments)
    parse_dimensions(args.dimensions, store.framework)  # a typo fails before anything is made
    assessment, notices = open_or_create(
        store,
        args.organisation,
        args.period,
        name=args.name,
        org_type=args.type,
        peer_group=args.peer_group,
        from_previous=args.from_previous,
    )
    for notice in notices:
        print(notice)
    notebook = notebook_path()
    if args.port is not None and not port_is_free(args.port):
        raise EngageError(f"port {args.port} is already in use; choose another with --port")
    port = args.port if args.port is not None else free_port()
    url = workshop_url(port, assessment.code, assessment.period, args.dimensions or "")
    env = voila_env(Path(args.assessments))
    print(f"Workshop form for {assessment.name} ({assessment.code}) {assessment.period}:")
    print(f"  {url}")
    print(f"File: {display_path(assessment.path)}. Press Ctrl-C to stop the server.", flush=True)
    return run_voila(voila_command(notebook, port), env, url, open_browser=not args.no_browser)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "workshop",
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="run the workshop form in the browser (Voilà on localhost)",
        description="Create or open the assessment for ORG and PERIOD, start Voilà on "
        "127.0.0.1 serving notebooks/workshop.ipynb, and print the address.\n"
        "Every change in the form is saved to the file within a second.",
        epilog="examples:\n"
        "  engagecycle workshop X01 2025/26 --from-previous\n"
        '  engagecycle workshop X20 2025/26 --name "Fenwold Place" --type place\n'
        "  engagecycle workshop X01 2025/26 --dimensions identify --port 8900 --no-browser",
    )
    p.add_argument("organisation", metavar="ORG", help="organisation code, e.g. X01")
    p.add_argument("period", metavar="PERIOD", help="NHS financial year, e.g. 2025/26")
    p.add_argument("--name", help="organisation name (needed only for a new organisation)")
    p.add_argument("--type", choices=ORG_TYPES, help="organisation type for a new organisation")
    p.add_argument("--peer-group", help="peer group for a new organisation")
    p.add_argument(
        "--from-previous",
        action="store_true",
        help="start a new or empty assessment from the latest earlier answers "
        "(marked as carried over; existing answers are never overwritten)",
    )
    p.add_argument(
        "--dimensions",
        default="",
        help="focus on some dimensions: hub, stages, or ids such as identify or vision,roles "
        "(default: all fifteen)",
    )
    p.add_argument(
        "--port", type=int, help=f"port to serve on (default: {DEFAULT_PORT} or a free one)"
    )
    p.add_argument("--no-browser", action="store_true", help="only print the address")
    p.set_defaults(func=cmd_workshop)
