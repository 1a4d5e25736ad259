"""`engagecycle workshop ORG PERIOD`: create or open the file, then serve the form.

The file is created (or opened, or started from last year) here, before any server starts,
so mistakes such as a bad code or a missing name are reported on the command line rather
than in a browser.

Each run is one session for one assessment, and it never serves `notebooks/workshop.ipynb`
itself: it writes a copy into a private temporary folder with the parameters filled in (so
values someone saved in the shipped notebook can never pick the organisation), serves that
copy with Voilà (or, with `--lab`, opens it in JupyterLab), and removes the folder when the
server stops. The server also tells the notebook, through an environment variable, which
one assessment it may open; the page refuses any other. It listens on 127.0.0.1 only, with
a fresh token in the printed address, and the assessments folder reaches the notebook
through the environment, never through the address.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from ..cliargs import add_details, add_organisation, add_period, check_details
from ..errors import EngageError
from ..store import Store, display_path
from .server import ENV_FOLDER, ENV_ONLY, HOST, TEMPLATE, TEMPLATE_ROOT, voila_command

if TYPE_CHECKING:
    from ..assessment import Assessment

DEFAULT_PORT = 8866
SESSION_NOTEBOOK = "workshop.ipynb"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
PARAMETER_NAMES = ("organisation", "period", "assessments", "dimensions", "name", "org_type")

__all__ = [
    "HOST",
    "TEMPLATE",
    "TEMPLATE_ROOT",
    "cmd_workshop",
    "lab_command",
    "notebook_path",
    "register",
    "session_notebook",
    "voila_command",
    "voila_env",
    "wait_for_port",
    "workshop_url",
]


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


def parameters_source(values: dict[str, object]) -> str:
    """The parameters cell of a session's copy: the command's values, nothing else."""
    lines = [
        "# Parameters of this session, written by `engagecycle workshop` into a copy of",
        "# notebooks/workshop.ipynb (the shipped notebook is never changed). Run all cells.",
    ]
    for key in PARAMETER_NAMES:
        lines.append(f"{key} = {str(values.get(key) or '')!r}")
    lines.append(f"from_previous = {bool(values.get('from_previous'))!r}")
    return "\n".join(lines)


def session_notebook(source: Path, folder: Path, values: dict[str, object]) -> Path:
    """Write the session's own copy of the workshop notebook, outputs cleared.

    Only the cell tagged `parameters` is replaced; every other cell is the shipped one, so
    the logic stays in one place.
    """
    import nbformat

    nb = nbformat.read(str(source), as_version=4)
    found = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = parameters_source(values)
            found = True
    if not found:
        raise EngageError(f"{display_path(source)} has no cell tagged 'parameters'")
    out = folder / SESSION_NOTEBOOK
    nbformat.write(nb, str(out))
    return out


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


def workshop_url(port: int, code: str, period: str, dimensions: str = "", token: str = "") -> str:
    query = {"token": token} if token else {}
    query.update({"organisation": code, "period": period})
    if dimensions:
        query["dimensions"] = dimensions
    return f"http://{HOST}:{port}/?{urlencode(query)}"


def lab_url(port: int, token: str) -> str:
    return f"http://{HOST}:{port}/lab/tree/{quote(SESSION_NOTEBOOK)}?token={quote(token)}"


def lab_command(folder: Path, port: int, token: str) -> list[str]:
    """JupyterLab on localhost, rooted in the session folder, so only the copy is in reach.

    Nothing is fetched from the internet (no extension manager on PyPI, no news feed): a
    workshop room may have no network. Run as root (a container, a test machine), JupyterLab
    refuses to start unless told this is intended; this server is one session's, on
    127.0.0.1, behind its own token.
    """
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}",
        f"--LabApp.workspaces_dir={folder / '.workspaces'}",
        "--LabApp.extension_manager=readonly",
        "--LabApp.news_url=",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--ServerApp.allow_root=True")
    return cmd


def voila_env(
    folder: Path, base: dict[str, str] | None = None, *, only: tuple[str, str] | None = None
) -> dict[str, str]:
    """The server's environment: where the assessments are, our template, and the lock."""
    env = dict(os.environ if base is None else base)
    env[ENV_FOLDER] = str(Path(folder).resolve())
    paths = [str(TEMPLATE_ROOT)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    if only:
        env[ENV_ONLY] = f"{only[0]} {only[1]}"
    else:
        env.pop(ENV_ONLY, None)
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


def run_server(
    cmd: list[str], env: dict[str, str], url: str, open_browser: bool, cleanup: Path | None
) -> int:
    """Run the server in the foreground until Ctrl-C; open the browser once it listens.

    It runs in the session folder, so no `voila.json` of the caller's folder is picked up.
    """
    port = int(url.split(":")[2].split("/")[0])
    if open_browser:
        threading.Thread(
            target=lambda: wait_for_port(port) and webbrowser.open(url), daemon=True
        ).start()
    proc = subprocess.Popen(cmd, env=env, cwd=str(cleanup) if cleanup else None)
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    for sig in STOP_SIGNALS:  # closing the terminal or `kill` stops it as Ctrl-C does
        signal.signal(sig, _interrupt)
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
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_workshop(args: argparse.Namespace) -> int:
    # The session (and pandas behind it) is loaded only to run the command, never to parse it.
    from .session import open_or_create, parse_dimensions

    check_details(args)
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
    source = notebook_path()
    if args.port is not None and not port_is_free(args.port):
        raise EngageError(f"port {args.port} is already in use; choose another with --port")
    port = args.port if args.port is not None else free_port()
    token = secrets.token_urlsafe(24)
    folder = Path(args.assessments).resolve()
    session_dir = Path(tempfile.mkdtemp(prefix="engagecycle-workshop-"))
    try:
        return _serve(args, assessment, source, session_dir, port, token, folder)
    finally:  # the session's copy goes however the server ends
        shutil.rmtree(session_dir, ignore_errors=True)


def _serve(
    args: argparse.Namespace,
    assessment: Assessment,
    source: Path,
    session_dir: Path,
    port: int,
    token: str,
    folder: Path,
) -> int:
    """Write the session's notebook copy, print the address and run the server."""
    copy = session_notebook(
        source,
        session_dir,
        {
            "organisation": assessment.code,
            "period": assessment.period,
            "assessments": str(folder),
            "dimensions": args.dimensions or "",
        },
    )
    env = voila_env(folder, only=(assessment.code, assessment.period))
    if args.lab:
        url = lab_url(port, token)
        cmd = lab_command(session_dir, port, token)
        how = "JupyterLab (run all cells of workshop.ipynb to open the form)"
    else:
        url = workshop_url(port, assessment.code, assessment.period, args.dimensions or "", token)
        cmd = voila_command(copy, port, token=token, debug=args.debug)
        how = "the workshop form"
    print(
        f"{how[0].upper()}{how[1:]} for {assessment.name} ({assessment.code}) {assessment.period}:"
    )
    print(f"  {url}")
    print(
        f"File: {display_path(assessment.path)}. Session copy of the notebook: {copy} "
        "(removed when the server stops).\nPress Ctrl-C to stop the server.",
        flush=True,
    )
    return run_server(cmd, env, url, not args.no_browser, session_dir)


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "workshop",
        parents=[common],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="run the workshop form in the browser (Voilà or JupyterLab on localhost)",
        description="Create or open the assessment for ORG and PERIOD, start Voilà on "
        "127.0.0.1 with a copy of notebooks/workshop.ipynb made for this session, and print "
        "the address (with a one-off token).\n"
        "The page opens only this assessment. A level click is saved at once; typing is "
        "saved within a second.",
        epilog="examples:\n"
        "  engagecycle workshop X01 2025/26 --from-previous\n"
        '  engagecycle workshop X20 2025/26 --name "Fenwold Place" --type place\n'
        "  engagecycle workshop X01 2025/26 --dimensions identify --port 8900 --no-browser\n"
        "  engagecycle workshop X01 2025/26 --lab      # the same form in JupyterLab",
    )
    add_organisation(p)
    add_period(p, "2025/26")
    add_details(
        p,
        name="organisation name (needed only for a new organisation)",
        org_type="organisation type for a new organisation",
        peer_group="peer group for a new organisation",
    )
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
    p.add_argument(
        "--lab",
        action="store_true",
        help="open this session's copy of the notebook in JupyterLab instead of Voilà",
    )
    p.add_argument("--no-browser", action="store_true", help="only print the address")
    p.set_defaults(func=cmd_workshop)
