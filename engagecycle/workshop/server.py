"""Voilà as the workshop runs it: `python -m engagecycle.workshop.server NOTEBOOK [options]`.

Plain `voila` would do, but for three things it needs our configuration:

- **Kernels are shut down when a page is closed or reloaded.** Voilà's page sends its
  shutdown request with a `_xsrf` value read from a cookie that Voilà 0.5 never sets, so
  every request is refused with 403 ("'_xsrf' argument missing from POST",
  voila-dashboards/voila#1458) and each reload leaves a 100-150 MB kernel running. Our
  `prelaunch_hook` reads the handler's `xsrf_token`, which makes tornado set that cookie on
  the page's own response; the beacon then passes the ordinary XSRF check (nothing is
  switched off).
- **A backstop for pages that vanish without a word** (a browser crash, a laptop closed
  mid-session): kernels with no page connected are culled after an hour idle, long enough
  for a lunch break with the laptop asleep. A culled kernel saves anything pending first.
- **Safe defaults**: a token is required (see `engagecycle.workshop.cli`), tracebacks are
  shown only with `--debug`, and the server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
TEMPLATE = "ec-workshop"
TEMPLATE_ROOT = Path(__file__).parent / "jupyter"  # a Jupyter data folder: voila/templates/...
CULL_IDLE_SECONDS = 3600
CULL_INTERVAL_SECONDS = 300
# How the server tells the notebook's kernel where the assessments are and which one
# assessment it may open ("X01 2025/26"); `launch` reads them.
ENV_FOLDER = "ENGAGECYCLE_ASSESSMENTS"
ENV_ONLY = "ENGAGECYCLE_WORKSHOP_ONLY"


def set_xsrf_cookie(handler: Any, notebook: Any = None, cwd: Any = None) -> None:
    """Voilà's prelaunch hook: have the page's response set the `_xsrf` cookie.

    Returning None keeps the notebook as it is.
    """
    handler.xsrf_token  # noqa: B018 - the property sets the cookie as a side effect
    return None


def voila_argv(notebook: Path, port: int, *, token: str = "", debug: bool = False) -> list[str]:
    """Voilà's command-line arguments: localhost only, one fixed port, our template."""
    argv = [
        str(notebook),
        f"--port={port}",
        "--no-browser",
        f"--Voila.ip={HOST}",
        "--Voila.port_retries=0",
        f"--show_tracebacks={bool(debug)}",
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        f"--MappingKernelManager.cull_interval={CULL_INTERVAL_SECONDS}",
        "--MappingKernelManager.cull_connected=False",
    ]
    if token:
        argv.append(f"--token={token}")
    if (TEMPLATE_ROOT / "voila" / "templates" / TEMPLATE).is_dir():
        argv.append(f"--template={TEMPLATE}")
    return argv


def voila_command(notebook: Path, port: int, *, token: str = "", debug: bool = False) -> list[str]:
    """The full command that serves `notebook` for a workshop."""
    return [sys.executable, "-m", "engagecycle.workshop.server"] + voila_argv(
        notebook, port, token=token, debug=debug
    )


def main(argv: list[str] | None = None) -> None:
    from traitlets.config import Config
    from voila.app import Voila

    config = Config()
    config.VoilaConfiguration.prelaunch_hook = set_xsrf_cookie
    Voila.launch_instance(argv=sys.argv[1:] if argv is None else argv, config=config)


if __name__ == "__main__":
    main()
