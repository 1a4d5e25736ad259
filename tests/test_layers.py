"""The import rules of docs/architecture.md ("Layers"), read from the package's source.

Every `import` and `from ... import` in engagecycle/ (at any depth: inside functions and
`if TYPE_CHECKING:` blocks too, because a lazy import is still a dependency) is checked
against the layer picture: the pure core imports nothing but the core (and `yamlio`, through
which `framework` reads its packaged files); no module imports from a layer above its own;
the feature packages import each other only where the picture says; nothing but the command
line imports `cli` modules; and the core never loads widgets, charts, notebooks or workbooks.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "engagecycle"

# Layer of every module or package under engagecycle/, lowest first. A module may import
# from the layers below it; within the core, the I/O modules and the command line, modules
# import each other freely (OPEN_LAYERS); the feature packages of one layer (workshop and
# reports) only as ALLOWED says.
CORE = {
    "errors",
    "limits",
    "dates",
    "levels",
    "words",
    "framework_format2",
    "lineage",
    "framework",
    "versions",
    "assessment",
    "scoring",
    "benchmark",
    "duty",
    "guide",
    "textreport",
}
# Files, the store and what every command line shares (cliargs: argparse only).
IO = {"yamlio", "yamlguard", "filelock", "files", "store", "migrate", "cliargs"}
LAYERS = {
    **dict.fromkeys(CORE, 0),
    **dict.fromkeys(IO, 1),
    "charts": 2,
    "spreadsheet": 3,
    "workshop": 4,
    "reports": 4,
    "cli": 5,
}
OPEN_LAYERS = {0, 1, 5}
# Imports across a layer boundary downward are always allowed; these are the only imports
# between packages of the same layer or upward, each with its reason.
ALLOWED = {
    # framework reads its packaged YAML files with the one safe loader
    ("framework", "yamlio"),
    # the reports use the workbook's formula guard for summary.xlsx and the CSV
    ("reports", "spreadsheet"),
}
# Never imported by the pure core, directly or lazily.
NOT_IN_CORE = {
    "ipywidgets",
    "matplotlib",
    "nbformat",
    "nbconvert",
    "nbclient",
    "papermill",
    "jupyter_client",
    "voila",
    "openpyxl",
    "jsonschema",
}


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), path))
    return out


def imports_of(module: str, path: Path) -> set[str]:
    """Every module `module` imports, as absolute dotted names (names imported from a
    package count as submodules when they are)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def part(name: str) -> str | None:
    """The layer key of an engagecycle module (its top-level module or package), else None."""
    bits = name.split(".")
    if bits[0] != "engagecycle" or len(bits) < 2:
        return None
    return bits[1] if bits[1] in LAYERS else None


MODULES = _modules()


def test_every_module_has_a_layer():
    unplaced = sorted({m.split(".")[1] for m, _ in MODULES if "." in m} - set(LAYERS))
    assert unplaced == [], f"add these to the layer picture (and docs/architecture.md): {unplaced}"


def upward_imports(module: str, path: Path) -> list[str]:
    """The imports of `module` that break the layer picture, with their layers."""
    own = part(module)
    if own is None:  # engagecycle/__init__.py: the version only
        return [i for i in imports_of(module, path) if part(i)]
    wrong = []
    for target in sorted(imports_of(module, path)):
        other = part(target)
        if other is None or other == own:
            continue
        if (own, other) in ALLOWED or LAYERS[other] < LAYERS[own]:
            continue
        if LAYERS[other] == LAYERS[own] and LAYERS[own] in OPEN_LAYERS:
            continue
        wrong.append(f"{module} -> {target} (layer {LAYERS[other]} from layer {LAYERS[own]})")
    return wrong


def test_no_import_runs_upward():
    wrong = [w for module, path in MODULES for w in upward_imports(module, path)]
    assert wrong == [], "imports upward or sideways:\n" + "\n".join(wrong)


def test_the_pure_core_loads_no_widgets_charts_notebooks_or_workbooks():
    heavy = [
        f"{module} -> {target}"
        for module, path in MODULES
        if part(module) in CORE
        for target in sorted(imports_of(module, path))
        if target.split(".")[0] in NOT_IN_CORE
    ]
    assert heavy == [], "the pure core imports:\n" + "\n".join(heavy)


def test_only_the_command_line_imports_command_modules():
    offenders = [
        (module, target)
        for module, path in MODULES
        for target in imports_of(module, path)
        if target.endswith(".cli")
        and target.startswith("engagecycle")
        and module != "engagecycle.cli"
        and not module.endswith(".cli")
    ]
    assert offenders == []


def test_the_checker_sees_an_upward_import(tmp_path):
    """The rule can fail: a core module importing the reports or matplotlib is caught."""
    bad = tmp_path / "engagecycle" / "scoring.py"
    bad.parent.mkdir()
    bad.write_text("from .reports.pages import html\n\ndef f():\n    import matplotlib\n")
    found = imports_of("engagecycle.scoring", bad)
    assert "matplotlib" in found
    assert upward_imports("engagecycle.scoring", bad) == [
        "engagecycle.scoring -> engagecycle.reports.pages (layer 4 from layer 0)",
        "engagecycle.scoring -> engagecycle.reports.pages.html (layer 4 from layer 0)",
    ]
