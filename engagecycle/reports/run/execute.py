"""Running parameterised notebooks with papermill, optionally in one reused kernel.

Starting a kernel and importing pandas and matplotlib costs about a second per notebook on a
small machine, more than the report itself. A `NotebookRunner` with `reuse_kernel=True`
starts one kernel, pre-imports the report's dependencies once, and before every run puts the
kernel back the way a fresh one would be (`reset_kernel_state`): the user namespace, the
execution counter, matplotlib's and pandas' settings, warning filters, the working folder,
environment variables, `sys.path` and the random generators. No variable, figure or setting of
one report can reach the next; tests/test_kernel_reuse.py proves it by comparing the page of a
report run after another in a reused kernel with the same report from a fresh kernel.

Two more things keep a reused kernel fast:

- one kernel *client* for the runner's life. Every new client waits about 0.2 s in
  `wait_for_ready` (it drains the output channel), and papermill would otherwise make one per
  run and never close its sockets;
- papermill is not given a working folder: the kernel was started in it already, and passing
  one would make papermill `chdir` the calling process, which parallel workers must not do.

The kernel itself imports this module (for `reset_kernel_state`), so it imports nothing heavy
at the top: nbformat alone costs 0.8 s here (through jsonschema).
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.manager import KernelManager
from jupyter_core.utils import run_sync

from ...errors import EngageError

WARM_UP = "import pandas, matplotlib, numpy\nmatplotlib.use('agg')\nimport engagecycle.reports.pages.report\n"
# Run in the kernel before every report (see reset_kernel_state). It is one expression, so it
# defines no name of its own in the user namespace.
RESET = "__import__('engagecycle.reports.run.execute', fromlist=['_']).reset_kernel_state()\n"
SNAPSHOT = "__import__('engagecycle.reports.run.execute', fromlist=['_']).snapshot_kernel_state()\n"

_SNAPSHOT: dict[str, Any] = {}


def snapshot_kernel_state() -> None:
    """Record the fresh kernel's process state, to restore before every later run.

    Runs inside the kernel, once, right after start-up and warm-up imports. It also freezes
    the objects that exist now (the imported libraries) out of the garbage collector's
    reach: IPython collects garbage on every reset, and scanning pandas and matplotlib each
    time costs 70 ms per report; afterwards it only scans what the reports made.
    """
    import gc
    import os
    import sys
    import warnings

    import matplotlib
    import numpy

    _SNAPSHOT.update(
        rc=matplotlib.rcParams.copy(),  # what the fresh kernel has, matplotlibrc included
        cwd=os.getcwd(),
        environ=dict(os.environ),
        path=list(sys.path),
        warnings=list(warnings.filters),
        printoptions=numpy.get_printoptions(),
    )
    gc.collect()
    gc.freeze()


def reset_kernel_state() -> None:
    """Make a used kernel look fresh to the next notebook (runs inside the kernel).

    `reset(new_session=True)` clears every user variable, the output history and restarts the
    execution counter at 1, so an executed notebook is numbered exactly as in a fresh kernel.
    """
    import os
    import random
    import sys
    import warnings

    import matplotlib
    import numpy
    import pandas
    from IPython import get_ipython

    get_ipython().reset(new_session=True)
    if "matplotlib.pyplot" in sys.modules:  # only if something used pyplot
        sys.modules["matplotlib.pyplot"].close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # resetting deprecated options warns
        pandas.reset_option("all")
        if _SNAPSHOT:
            matplotlib.rcParams.update(_SNAPSHOT["rc"])
        else:
            matplotlib.rcdefaults()
    matplotlib.use("agg")
    if _SNAPSHOT:
        os.chdir(_SNAPSHOT["cwd"])
        for key in set(os.environ) - set(_SNAPSHOT["environ"]):
            del os.environ[key]
        os.environ.update(_SNAPSHOT["environ"])
        sys.path[:] = _SNAPSHOT["path"]
        warnings.filters[:] = _SNAPSHOT["warnings"]
        getattr(warnings, "_filters_mutated", lambda: None)()  # drop cached decisions
        numpy.set_printoptions(**_SNAPSHOT["printoptions"])
    # A fresh kernel's generators are seeded from the operating system; so are these now.
    random.seed()
    numpy.random.seed()


class ReusedKernelClient(AsyncKernelClient):
    """A client that may be handed out again: starting or readying it twice is a no-op.

    nbclient always asks the kernel manager for a new client and waits until it is ready,
    which drains the output channel for 0.2 s. Handing it this one, already ready, saves that
    on every run and leaves no unclosed sockets behind.

    It is an *asynchronous* client, as nbclient expects: with a blocking one, nbclient's wait
    for output blocks its event loop, so a kernel that dies or a cell that never ends would
    hang the run for ever instead of failing it.
    """

    _ready = False

    def start_channels(self, *args: Any, **kwargs: Any) -> None:
        if not self.channels_running:
            super().start_channels(*args, **kwargs)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        if not self._ready:
            await super().wait_for_ready(timeout=timeout)
            self._ready = True


class OneClientKernelManager(KernelManager):
    """A kernel manager whose `client()` always returns the same, long-lived client."""

    client_class = "engagecycle.reports.run.execute.ReusedKernelClient"
    _the_client: ReusedKernelClient | None = None

    def client(self, **kwargs: Any) -> ReusedKernelClient:
        if self._the_client is None:
            self._the_client = super().client(**kwargs)
        return self._the_client


@dataclass
class NotebookFailure(EngageError):
    """A notebook stopped with an error: which cell, what error.

    `cell` counts every cell of the notebook file from 1, top to bottom, as JupyterLab shows
    them (None: the kernel failed before any cell ran); `source` is that cell's first line.
    """

    notebook: str
    cell: int | None
    ename: str
    evalue: str
    source: str = ""

    def __str__(self) -> str:
        if self.cell is None:
            where = "start-up"
        else:
            where = f"cell {self.cell}" + (f" ({self.source})" if self.source else "")
        return f"{self.notebook} failed at {where}: {self.ename}: {self.evalue}"


def _last_line(text: str) -> str:
    lines = str(text).strip().splitlines()
    return lines[-1].strip() if lines else ""


def _first_line(source: Any) -> str:
    text = "".join(source) if isinstance(source, list) else str(source or "")
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:120]
    return ""


def _source_cell(notebook: str, executed_index: int | None) -> tuple[int | None, str]:
    """Map a cell index of papermill's executed notebook to the cell number in the file.

    Papermill inserts one `injected-parameters` cell after the `parameters` cell (at the top
    without one), so later cells sit one place further down than in the file.
    """
    if executed_index is None:
        return None, ""
    import nbformat  # imported here: the kernel imports this module and must stay light

    try:
        cells = nbformat.read(notebook, as_version=4).cells
    except Exception:  # the location is a courtesy, never a second failure
        return executed_index + 1, ""
    tagged = [
        n for n, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])
    ]
    injected = tagged[0] + 1 if tagged else 0
    if executed_index == injected:
        return injected, "injected parameters"
    index = executed_index - 1 if executed_index > injected else executed_index
    if 0 <= index < len(cells):
        return index + 1, _first_line(cells[index].source)
    return index + 1, ""


def _failure(notebook: str, exc: BaseException) -> NotebookFailure:
    ename = str(getattr(exc, "ename", type(exc).__name__))
    evalue = _last_line(getattr(exc, "evalue", str(exc)))
    cell, source = _source_cell(notebook, getattr(exc, "cell_index", None))
    return NotebookFailure(notebook, cell, ename, evalue, source)


class NotebookRunner:
    """Execute notebooks many times with different parameters.

    `notebook` is the default; `run(..., notebook=...)` runs another one in the same kernel,
    so a batch worker keeps one warm kernel for reports, overview and dimension pages alike.
    """

    def __init__(
        self,
        notebook: str | Path,
        *,
        reuse_kernel: bool = False,
        kernel_name: str = "python3",
        cwd: str | Path | None = None,
        timeout: int = 600,
        warm_up: str = WARM_UP,
    ):
        self.notebook = str(Path(notebook).resolve())
        self.reuse_kernel = reuse_kernel
        self.kernel_name = kernel_name
        self.cwd = str(Path(cwd).resolve()) if cwd else None
        self.timeout = timeout
        self.warm_up = warm_up
        self._km = None
        self._kc = None
        self._log = None

    def start(self) -> NotebookRunner:
        """Start (and warm up) the kernel now rather than on the first run."""
        self._kernel()
        return self

    def _kernel(self):
        if self._km is None or not self._km.is_alive():
            self.close()
            # The kernel's own stderr (start-up chatter, shutdown notices) goes to a log file
            # rather than the user's terminal; cell errors still arrive as messages.
            self._log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in close()
            km = OneClientKernelManager(kernel_name=self.kernel_name)
            km.start_kernel(cwd=self.cwd, stdout=self._log, stderr=self._log)
            self._km = km
            kc = km.client()
            kc.start_channels()
            run_sync(kc.wait_for_ready)(timeout=60)
            self._kc = kc
            if self.reuse_kernel:
                self._execute(self.warm_up + "\n" + SNAPSHOT)
        return self._km

    def _execute(self, code: str) -> None:
        reply = run_sync(self._kc.execute_interactive)(
            code, timeout=120, store_history=False, output_hook=lambda msg: None
        )
        if reply["content"]["status"] != "ok":
            c = reply["content"]
            raise NotebookFailure(self.notebook, None, c.get("ename", "Error"), c.get("evalue", ""))

    def run(
        self,
        parameters: dict[str, Any],
        output_path: str | Path | None = None,
        *,
        notebook: str | Path | None = None,
    ):
        """Execute with `parameters`; return the executed notebook or raise NotebookFailure."""
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError

        nb_path = str(Path(notebook).resolve()) if notebook else self.notebook
        if not self.reuse_kernel:
            self.close()  # a fresh kernel for every run
        try:
            self._kernel()
            if self.reuse_kernel:
                self._execute(RESET)
        except Exception as exc:  # kernel died or would not start: try once more, fresh
            self.close()
            try:
                self._kernel()
            except Exception as exc2:
                raise _failure(nb_path, exc2) from exc
        try:
            nb = pm.execute_notebook(
                nb_path,
                str(output_path) if output_path else None,
                parameters=parameters,
                kernel_name=self.kernel_name,
                progress_bar=False,
                execution_timeout=self.timeout,
                km=self._km,
            )
        except PapermillExecutionError as exc:
            raise _failure(nb_path, exc) from None
        except Exception as exc:
            # A dead kernel or a timeout: start afresh next time rather than reuse it.
            self.close()
            raise _failure(nb_path, exc) from exc
        finally:
            if not self.reuse_kernel:
                self.close()
        return nb

    def close(self) -> None:
        if self._kc is not None:
            with contextlib.suppress(Exception):
                self._kc.stop_channels()
            self._kc = None
        if self._km is not None:
            with contextlib.suppress(Exception):  # best effort on the way out
                self._km.shutdown_kernel(now=False)
            self._km = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> NotebookRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
