"""The data layers never pull in Textual, and the simulator never leans on the client it is meant to check.

Two checks, because each misses what the other sees:

* **static** (``ast`` over every file of ``paitui/api``, ``paitui/live`` and ``paitui/sim``): no layer imports a
  layer to its right, nor Textual, anywhere in the file — a lazy import inside a function and an import under
  ``TYPE_CHECKING`` count too, since both are a dependency in the wrong direction;
* **at run time** (a fresh interpreter imports every module that ``pkgutil.walk_packages`` finds in those
  packages): ``textual`` is not in ``sys.modules`` afterwards, which also catches an import that arrives
  indirectly, through a module outside these packages (``paitui.config``, a third-party library).

The tests at the end plant a bad import in synthetic source and in a temporary copy of the package, and assert
that both checks report it: a checker that cannot fail checks nothing.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import paitui

PACKAGE_DIR = Path(paitui.__file__).resolve().parent
LAYERS = ("api", "live", "sim")

# what each layer must never import (prefixes of absolute module names); ui is the only place for Textual
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "api": ("textual", "paitui.live", "paitui.sim", "paitui.ui"),
    "live": ("textual", "paitui.sim", "paitui.ui"),
    # the simulator emits wire JSON from its own state: agreeing with the client's models would hide their bugs
    "sim": ("textual", "paitui.api", "paitui.live", "paitui.ui"),
}


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    imported: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.imported}"


def _matches(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of ``from {'.' * level}{target} import …`` written in ``module``."""
    if level == 0:
        return target or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, target] if target else base)


def imported_names(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """Every module name ``source`` imports, absolute, with its line. ``from a import b`` yields ``a`` and
    ``a.b`` (``b`` may be a submodule: ``from paitui import api`` imports ``paitui.api``)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module)
            found.append((node.lineno, base))
            found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names if alias.name != "*")
    return found


def check_source(source: str, module: str, is_package: bool = False) -> list[Violation]:
    layer = module.split(".")[1]
    return [
        Violation(module, line, name)
        for line, name in imported_names(source, module, is_package)
        if any(_matches(name, prefix) for prefix in FORBIDDEN[layer])
    ]


def layer_files(root: Path) -> dict[str, Path]:
    """``module name -> file`` for every module of the three layers under ``root`` (the ``paitui`` folder)."""
    modules: dict[str, Path] = {}
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*.py")):
            parts = list(path.relative_to(root.parent).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def check_tree(root: Path) -> list[Violation]:
    violations: list[Violation] = []
    for module, path in layer_files(root).items():
        violations += check_source(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")
    return violations


# Run in a fresh interpreter: import every module the package walk finds, layer by layer, and say which module
# first brought in a forbidden one (the walk imports packages to find their children, so it is part of the check).
_RUNTIME_PROBE = """
import importlib, json, pkgutil, sys
layers, forbidden = sys.argv[1].split(","), sys.argv[2].split(",")
def loaded():
    return sorted(m for m in sys.modules if any(m == f or m.startswith(f + ".") for f in forbidden))
walked, culprit = [], None
for layer in layers:
    package = importlib.import_module(layer)
    walked.append(layer)
    names = [info.name for info in pkgutil.walk_packages(package.__path__, layer + ".")]
    for name in names:
        importlib.import_module(name)
        walked.append(name)
        if culprit is None and loaded():
            culprit = name
print(json.dumps({"walked": walked, "culprit": culprit, "loaded": loaded()}))
"""


def runtime_probe(layers: tuple[str, ...], forbidden: tuple[str, ...], pythonpath: Path | None = None) -> dict:
    env = None
    if pythonpath is not None:
        import os

        env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    done = subprocess.run(
        [sys.executable, "-c", _RUNTIME_PROBE, ",".join(layers), ",".join(forbidden)],
        capture_output=True, text=True, env=env, cwd=pythonpath,
    )
    assert done.returncode == 0, done.stderr
    result: dict = json.loads(done.stdout.splitlines()[-1])
    return result


# --- the rules, on the real tree -------------------------------------------------------------------------------


def test_no_layer_imports_to_its_right_or_textual() -> None:
    violations = check_tree(PACKAGE_DIR)
    assert not violations, "\n".join(map(str, violations))


def test_the_static_check_sees_every_module() -> None:
    modules = layer_files(PACKAGE_DIR)
    assert {"paitui.api.client", "paitui.live.watch", "paitui.sim.dlc.handlers", "paitui.sim.world"} <= set(modules)
    assert len(modules) > 100  # every file, not a hand-picked few


def test_importing_every_data_module_loads_no_textual() -> None:
    result = runtime_probe(tuple(f"paitui.{layer}" for layer in LAYERS), ("textual",))
    assert result["culprit"] is None, f"{result['culprit']} brought in {result['loaded']}"
    # the walk reached every module on disk: a folder it cannot see (say, one without __init__.py) would be a
    # hole in the check, so it fails here rather than passing quietly
    assert set(result["walked"]) >= set(layer_files(PACKAGE_DIR))


def test_importing_every_simulator_module_loads_no_client() -> None:
    result = runtime_probe(("paitui.sim",), ("paitui.api", "paitui.live", "textual"))
    assert result["culprit"] is None, f"{result['culprit']} brought in {result['loaded']}"
    assert {"paitui.sim.app", "paitui.sim.serve", "paitui.sim.dlc.handlers"} <= set(result["walked"])


# --- the checks can fail ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "source", "imported"),
    [
        ("paitui.live.watch", "import textual.app\n", "textual.app"),
        ("paitui.live.watch", "def f():\n    from textual.widgets import Log\n", "textual.widgets"),
        ("paitui.api.client", "from textual import on\n", "textual"),
        ("paitui.sim.dlc.handlers", "from paitui.api.models.dlc import GetJobResponse\n", "paitui.api.models.dlc"),
        ("paitui.sim.dlc.handlers", "from paitui import api\n", "paitui.api"),
        ("paitui.sim.dlc.handlers", "from ...api import errors\n", "paitui.api"),
        ("paitui.sim", "from ..api.errors import ApiError\n", "paitui.api.errors"),
        ("paitui.sim.world", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import paitui.api\n",
         "paitui.api"),
        ("paitui.live.status", "from paitui.ui.widgets.status import badge\n", "paitui.ui.widgets.status"),
        ("paitui.api.dlc", "from paitui.live import watch\n", "paitui.live"),
    ],
)
def test_the_static_check_reports_a_bad_import(module: str, source: str, imported: str) -> None:
    violations = check_source(source, module, is_package=module == "paitui.sim")
    assert imported in {v.imported for v in violations}


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("paitui.sim.dlc.handlers", "from paitui.sim.errors import not_found\nfrom . import wire\n"),
        ("paitui.live.watch", "from paitui.api.errors import ApiError\nimport textwrap\n"),
        ("paitui.api.client", "from paitui.config import Settings\nimport textualize_not_textual\n"),
    ],
)
def test_the_static_check_allows_imports_that_point_left(module: str, source: str) -> None:
    assert check_source(source, module) == []


def test_a_planted_bad_module_fails_both_checks(tmp_path: Path) -> None:
    """A copy of the package with a live module importing Textual and a simulator handler importing the client."""
    root = tmp_path / "paitui"
    shutil.copytree(PACKAGE_DIR, root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "live" / "zz_planted.py").write_text("import textual.app\n", encoding="utf-8")
    (root / "sim" / "dlc" / "zz_planted.py").write_text("def f():\n    from paitui.api import errors\n",
                                                        encoding="utf-8")

    assert {str(v) for v in check_tree(root)} == {
        "paitui.live.zz_planted:1 imports textual.app",
        "paitui.sim.dlc.zz_planted:2 imports paitui.api",
        "paitui.sim.dlc.zz_planted:2 imports paitui.api.errors",
    }
    result = runtime_probe(tuple(f"paitui.{layer}" for layer in LAYERS), ("textual",), pythonpath=tmp_path)
    assert result["culprit"] == "paitui.live.zz_planted"
    assert "paitui.live.zz_planted" in result["walked"]
