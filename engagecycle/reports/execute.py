"""Running parameterised notebooks with papermill, optionally in one reused kernel.

Starting a kernel and importing pandas and matplotlib costs about a second per notebook on a
small machine, more than the report itself. A `NotebookRunner` with `reuse_kernel=True`
starts one kernel, pre-imports the report's dependencies once, and before every run resets
the user namespace and matplotlib's state, so no variable, figure or setting of one report
can reach the next (tests/test_report_notebook.py proves it by comparing outputs with a fresh
kernel's).
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from ..errors import EngageError

WARM_UP = (
    "import pandas, matplotlib, numpy\nmatplotlib.use('agg')\nimport engagecycle.reports.notebook\n"
)
# %reset -f clears every user variable; rcdefaults undoes any style change; closing pyplot
# figures is belt and braces (the report builds Figures without pyplot).
RESET = (
    "get_ipython().run_line_magic('reset', '-f')\n"
    "import matplotlib as _m, matplotlib.pyplot as _p\n"
    "_p.close('all'); _m.rcdefaults(); _m.use('agg')\n"
    "del _m, _p\n"
)


@dataclass
class NotebookFailure(EngageError):
    """A notebook stopped with an error: which cell, what error."""

    notebook: str
    cell: int | None
    ename: str
    evalue: str

    def __str__(self) -> str:
        where = f"cell {self.cell}" if self.cell is not None else "start-up"
        return f"{self.notebook} failed at {where}: {self.ename}: {self.evalue}"


def _failure(nb_path: str, exc: BaseException, nb: Any = None) -> NotebookFailure:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    cell = None
    if nb is not None:
        for n, c in enumerate(nb.cells):
            if c.get("cell_type") == "code" and any(
                o.get("output_type") == "error" for o in c.get("outputs", [])
            ):
                cell = n
                break
    return NotebookFailure(
        nb_path,
        cell,
        str(ename),
        str(evalue).strip().splitlines()[-1:][0] if str(evalue).strip() else "",
    )


class NotebookRunner:
    """Execute one notebook many times with different parameters."""

    def __init__(
        self,
        notebook: str | Path,
        *,
        reuse_kernel: bool = False,
        kernel_name: str = "python3",
        cwd: str | Path | None = None,
        timeout: int = 600,
    ):
        self.notebook = str(Path(notebook).resolve())
        self.reuse_kernel = reuse_kernel
        self.kernel_name = kernel_name
        self.cwd = str(Path(cwd).resolve()) if cwd else None
        self.timeout = timeout
        self._km = None

    def _kernel(self):
        if self._km is None or not self._km.is_alive():
            from jupyter_client.manager import KernelManager

            # The kernel's own stderr (start-up chatter, shutdown notices) goes to a log file
            # rather than the user's terminal; cell errors still arrive as messages.
            self._log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in close()
            km = KernelManager(kernel_name=self.kernel_name)
            km.start_kernel(cwd=self.cwd, stdout=self._log, stderr=self._log)
            self._km = km
            if self.reuse_kernel:
                self._execute(WARM_UP)
        return self._km

    def _execute(self, code: str) -> None:
        kc = self._km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            reply = kc.execute_interactive(
                code, timeout=120, store_history=False, output_hook=lambda msg: None
            )
            if reply["content"]["status"] != "ok":
                c = reply["content"]
                raise NotebookFailure(
                    self.notebook, None, c.get("ename", "Error"), c.get("evalue", "")
                )
        finally:
            kc.stop_channels()

    def run(self, parameters: dict[str, Any], output_path: str | Path | None = None):
        """Execute with `parameters`; return the executed notebook or raise NotebookFailure."""
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError

        if not self.reuse_kernel:
            self.close()  # a fresh kernel for every run
        try:
            self._kernel()
            if self.reuse_kernel:
                self._execute(RESET)
        except NotebookFailure:
            raise
        except Exception as exc:  # kernel died or would not start: try once more, fresh
            self.close()
            try:
                self._kernel()
            except Exception as exc2:
                raise _failure(self.notebook, exc2) from exc
        extra: dict[str, Any] = {"km": self._km}
        try:
            nb = pm.execute_notebook(
                self.notebook,
                str(output_path) if output_path else None,
                parameters=parameters,
                kernel_name=self.kernel_name,
                progress_bar=False,
                cwd=self.cwd,
                execution_timeout=self.timeout,
                **extra,
            )
        except PapermillExecutionError as exc:
            nb_out = None
            if output_path and Path(output_path).exists():
                nb_out = nbformat.read(str(output_path), as_version=4)
            failure = _failure(self.notebook, exc, nb_out)
            if failure.cell is None:
                failure.cell = getattr(exc, "exec_count", None)
            raise failure from None
        except Exception as exc:
            raise _failure(self.notebook, exc) from exc
        finally:
            if not self.reuse_kernel:
                self.close()
        return nb

    def close(self) -> None:
        if self._km is not None:
            with contextlib.suppress(Exception):  # best effort on the way out
                self._km.shutdown_kernel(now=False)
            self._km = None
            if getattr(self, "_log", None) is not None:
                self._log.close()
                self._log = None

    def __enter__(self) -> NotebookRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
