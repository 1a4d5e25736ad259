"""A reused kernel must be indistinguishable from a fresh one (design §8: "proven free of leaks").

The batch runs every report of a worker in one kernel. These tests run one notebook and then
another in the same kernel, and compare with the second run in a fresh kernel: the report's
page must be byte-identical, and a probe notebook must see exactly the state a fresh kernel
has, even after a notebook that deliberately changes everything it can.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from engagecycle.reports.data import score_folder, write_bundle
from engagecycle.reports.run.execute import NotebookFailure, NotebookRunner
from engagecycle.reports.run.export import notebook_to_html
from engagecycle.reports.run.notebooks import REPO, notebook_path, report_parameters
from engagecycle.reports.run.render import page_meta

pytestmark = pytest.mark.notebook

# Changes every kind of process state a careless notebook could leave behind.
POLLUTE = """
import os, sys, random, warnings
import numpy as np, pandas as pd, matplotlib, matplotlib.pyplot as plt
leak = 42
pd.set_option("display.precision", 1)
matplotlib.rcParams["font.size"] = 31
plt.figure()
np.set_printoptions(precision=2)
np.random.seed(7)
random.seed(7)
warnings.simplefilter("ignore")
os.environ["ENGAGECYCLE_LEAK"] = "1"
sys.path.append("/leak")
os.chdir("/")
"""

# Reports what a notebook can observe; the numbers from the random generators must differ
# from a seeded run (a fresh kernel's are seeded from the operating system). It imports what
# every report imports, as the warm-up does: importing ruamel.yaml adds warning filters.
PROBE = """
import json, os, sys, random, warnings
import numpy as np, pandas as pd, matplotlib
import engagecycle.reports.pages.report
state = {
    "names": sorted(k for k in globals() if not k.startswith("_") and k not in
                    ("In", "Out", "get_ipython", "exit", "quit", "open", "json", "os", "sys",
                     "random", "warnings", "np", "pd", "matplotlib", "label", "engagecycle")),
    "precision": pd.get_option("display.precision"),
    "font_size": matplotlib.rcParams["font.size"],
    "backend": matplotlib.get_backend().lower(),
    "figures": len(__import__("matplotlib.pyplot").pyplot.get_fignums())
    if "matplotlib.pyplot" in sys.modules else 0,
    "printoptions": np.get_printoptions()["precision"],
    "seeded_numpy": float(np.random.random()) == float(np.random.RandomState(7).random()),
    "seeded_random": random.random() == random.Random(7).random(),
    "warnings": len(warnings.filters),
    "env": "ENGAGECYCLE_LEAK" in os.environ,
    "leak_path": "/leak" in sys.path,
    "cwd": os.getcwd(),
    "count": get_ipython().execution_count,
}
print(json.dumps(state, sort_keys=True))
"""


def _notebook(path: Path, *codes: str) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('label = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in codes)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))
    return path


def _probe_state(nb) -> dict:
    outputs = nb.cells[-1].outputs
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    return json.loads(text)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bundle") / "bundle.pkl"
    return write_bundle(score_folder(REPO / "assessments"), path)


def _report_html(runner: NotebookRunner, org: str, bundle: Path) -> str:
    params = report_parameters(
        org, "2024/25", assessments=REPO / "assessments", bundle=bundle, as_of="2025-06-01"
    )
    nb = runner.run(params, notebook=notebook_path("report"))
    title, footer = page_meta(nb, "untitled")
    return notebook_to_html(nb, title, footer)


def test_report_after_another_equals_report_in_a_fresh_kernel(bundle):
    with NotebookRunner(notebook_path("report"), reuse_kernel=True, cwd=REPO) as reused:
        first = _report_html(reused, "X01", bundle)
        second = _report_html(reused, "X02", bundle)
    with NotebookRunner(notebook_path("report"), reuse_kernel=False, cwd=REPO) as fresh:
        alone = _report_html(fresh, "X02", bundle)
    assert second == alone
    assert first != second  # the comparison can tell two organisations apart
    assert "X02" in second and "X01" not in second.split("</title>")[0]


def test_nothing_a_notebook_changes_reaches_the_next(tmp_path):
    polluter = _notebook(tmp_path / "pollute.ipynb", POLLUTE)
    probe = _notebook(tmp_path / "probe.ipynb", "x = 1", PROBE)
    with NotebookRunner(probe, reuse_kernel=True, cwd=REPO) as reused:
        reused.run({"label": "before"}, notebook=polluter)
        after = _probe_state(reused.run({"label": "after"}))
        again = _probe_state(reused.run({"label": "again"}))
    with NotebookRunner(probe, reuse_kernel=False, cwd=REPO) as fresh:
        alone = _probe_state(fresh.run({"label": "fresh"}))
    # a fresh kernel has not imported pyplot, so the backend name it reports may differ
    assert after["names"] == ["x"]  # `leak` is gone; `x` is the probe's own
    assert {k: v for k, v in after.items() if k != "backend"} == {
        k: v for k, v in alone.items() if k != "backend"
    }
    assert after == again
    assert after["cwd"] == str(REPO) and not after["env"] and not after["seeded_numpy"]
    assert after["count"] == alone["count"]  # numbered like a fresh kernel: no history


def test_failure_names_the_cell_and_the_kernel_carries_on(tmp_path):
    bad = _notebook(tmp_path / "bad.ipynb", "a = 1", "raise ValueError('broken <here>')", "b = 2")
    good = _notebook(tmp_path / "good.ipynb", "print('fine')")
    with NotebookRunner(good, reuse_kernel=True, cwd=REPO) as runner:
        with pytest.raises(NotebookFailure) as info:
            runner.run({"label": "x"}, notebook=bad)
        nb = runner.run({"label": "y"})
    failure = info.value
    # cells in the file: 1 parameters, 2 `a = 1`, 3 the raise (papermill's injected cell is
    # not counted: it is not in the file)
    assert failure.cell == 3 and failure.source == "raise ValueError('broken <here>')"
    assert failure.ename == "ValueError" and failure.evalue == "broken <here>"
    assert "cell 3" in str(failure)
    assert nb.cells[-1].outputs[0]["text"] == "fine\n"


def test_a_crashed_kernel_is_replaced_for_the_next_run(tmp_path):
    crash = _notebook(tmp_path / "crash.ipynb", "import os\nos._exit(1)")
    good = _notebook(tmp_path / "good.ipynb", "print('alive')")
    with NotebookRunner(good, reuse_kernel=True, cwd=REPO) as runner:
        with pytest.raises(NotebookFailure):
            runner.run({"label": "x"}, notebook=crash)
        nb = runner.run({"label": "y"})
    assert nb.cells[-1].outputs[0]["text"] == "alive\n"


def test_a_cell_that_never_ends_times_out_and_the_next_run_works(tmp_path):
    slow = _notebook(tmp_path / "slow.ipynb", "import time\ntime.sleep(120)")
    good = _notebook(tmp_path / "good.ipynb", "print('alive')")
    with NotebookRunner(good, reuse_kernel=True, cwd=REPO, timeout=2) as runner:
        with pytest.raises(NotebookFailure) as info:
            runner.run({"label": "x"}, notebook=slow)
        nb = runner.run({"label": "y"})
    assert "timed out" in str(info.value).lower() or "timeout" in info.value.ename.lower()
    assert nb.cells[-1].outputs[0]["text"] == "alive\n"
