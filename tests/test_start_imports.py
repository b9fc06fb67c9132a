"""What a command imports, seen at the exit of a fresh interpreter: ``--help`` and the parser load no Textual,
no simulator, no pydantic and no httpx (the kinds they list are cheap to declare); a headless command and
``paitui call`` load the client but never Textual; the dashboard imports the screen it shows first and no
other, and its first frame is painted before the settings are validated and the client, pydantic, httpx
and the simulator load (``DeferredStart``). Each command's modules are read from ``sys.modules`` when the
process ends (the dashboard's first frame: when the app is told it is painted, before the backend starts
opening), so an import that arrives indirectly (through a kind, a library) counts too; the commands that do
need the client show that the probe sees what is imported (a check that can fail)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from paitui.ui import first_frame
from tests.bench import bench_start

# runs ``paitui ARGS`` as the console script does and writes, at exit, every module the process had loaded
PROBE = """\
import atexit, os, sys
def report(path):
    with open(path, "w") as out:
        out.write(" ".join(sorted(k for k, v in sys.modules.items() if v is not None)))  # None: a blocked import
atexit.register(report, os.environ["MODULES_OUT"])
if os.environ.get("FRAME_MODULES_OUT"):  # the first frame is painted: what is loaded before the backend opens
    from paitui.ui.app import PaiTuiApp
    painted = PaiTuiApp.on_ready
    def on_ready(app):
        report(os.environ["FRAME_MODULES_OUT"])
        painted(app)
    PaiTuiApp.on_ready = on_ready
from paitui.cli import main
raise SystemExit(main(sys.argv[1:]))
"""
UI_FREE = ("textual", "paitui.ui")
CLIENT_FREE = (*UI_FREE, "paitui.sim", "pydantic", "httpx", "paitui.api.models", "paitui.api.client")
PRODUCT_MODELS = tuple(f"paitui.api.models.{p}" for p in ("dlc", "flow", "plugin", "workspace"))


def _env(tmp_path: Path) -> dict[str, str]:
    """No credentials and a small simulated world, so a demo command is quick and never leaves the process."""
    config = tmp_path / "config" / "paitui"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text("[sim]\nseed = 7\njobs = 20\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD", "PAITUI_", "DASHSCOPE"))}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_STATE_HOME=str(tmp_path / "state"),
               HOME=str(tmp_path), PYTHONPATH=os.getcwd())
    return env


def modules_after(tmp_path: Path, *args: str, on_terminal: bool = False, leave: str = "1") -> tuple[int, set[str]]:
    report = tmp_path / "modules.txt"
    report.unlink(missing_ok=True)
    env = {**_env(tmp_path), "MODULES_OUT": str(report)}
    if on_terminal:  # the dashboard, on a pseudo-terminal, leaving once its first screen (or rows) is painted
        env[first_frame.ENV] = leave
        code, output, _ = bench_start.run_on_terminal((sys.executable, "-c", PROBE, *args), env)
    else:
        done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env,
                              timeout=120, stdin=subprocess.DEVNULL)
        code, output = done.returncode, done.stderr
    assert report.exists(), output
    return code, set(report.read_text().split())


def loaded(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


@pytest.mark.parametrize("args", [("--help",), ("call", "--help"), ("job", "--help"), ("run", "--help"),
                                  ("template", "version", "--help"), ("tensorboard", "create", "--help"),
                                  ("job", "submit", "--help"), ("job", "why", "--help")])
def test_help_imports_no_ui_no_simulator_and_no_models(tmp_path: Path, args: tuple[str, ...]) -> None:
    code, modules = modules_after(tmp_path, *args)
    assert code == 0
    assert "paitui.kinds.jobs" in modules  # the parser did read the kinds (for the headless commands)
    assert loaded(modules, CLIENT_FREE) == []
    # what a verb runs with (the creation flow, the headless runner and asyncio) loads when it runs, not for help
    assert loaded(modules, ("paitui.headless_create.flow", "paitui.headless", "asyncio", "paitui.live.create")) == []


def test_a_headless_command_and_call_load_the_client_but_no_textual(tmp_path: Path) -> None:
    code, modules = modules_after(tmp_path, "--demo", "job", "stop", "dlc-x", "--dry-run")
    assert code == 0
    assert {"pydantic", "httpx", "paitui.api.client", "paitui.sim.world"} <= modules  # the probe sees imports
    assert loaded(modules, UI_FREE) == []
    code, modules = modules_after(tmp_path, "--demo", "call", "workspace", "ListWorkspaces")
    assert code == 0 and "paitui.api.client" in modules
    assert loaded(modules, UI_FREE) == []
    assert loaded(modules, PRODUCT_MODELS) == []  # ``call`` prints the wire JSON: it reads no models


def frame_modules(tmp_path: Path, *args: str) -> set[str]:
    """What the dashboard had loaded when its first frame was painted."""
    frame = tmp_path / "frame-modules.txt"
    frame.unlink(missing_ok=True)
    env = {**_env(tmp_path), "MODULES_OUT": str(tmp_path / "modules.txt"), "FRAME_MODULES_OUT": str(frame),
           first_frame.ENV: "1"}
    code, output, _ = bench_start.run_on_terminal((sys.executable, "-c", PROBE, *args), env)
    assert code == 0 and frame.exists(), output
    return set(frame.read_text().split())


DEFERRED = ("pydantic", "httpx", "paitui.api.client", "paitui.api.models", "paitui.sim", "paitui.config",
            "paitui.backend", "textual.widgets._text_area", "tree_sitter")


def test_the_first_frame_is_painted_before_the_client_loads(tmp_path: Path) -> None:
    """The shell (header, "Loading workspaces…") needs none of the client, pydantic, httpx, the simulator,
    the validated settings or TextArea; they load once it is painted (the same run's exit shows they did)."""
    modules = frame_modules(tmp_path, "--demo")
    assert "paitui.ui.screens.workspaces" in modules and "paitui.config_layers" in modules  # the probe sees
    assert loaded(modules, DEFERRED) == []
    code, modules = modules_after(tmp_path, "--demo", on_terminal=True, leave=first_frame.ROWS)
    assert code == 0 and {"pydantic", "httpx", "paitui.api.client", "paitui.config", "paitui.sim.app"} <= modules


def test_the_dashboard_imports_only_the_screen_it_shows_first(tmp_path: Path) -> None:
    code, modules = modules_after(tmp_path, "--demo", on_terminal=True, leave=first_frame.ROWS)
    assert code == 0
    assert "paitui.ui.screens.workspaces" in modules  # the first screen (and the probe sees the UI)
    screens = {m.rsplit(".", 1)[1] for m in loaded(modules, ("paitui.ui.screens",)) if m != "paitui.ui.screens"}
    # the workspaces list, the list screen it is built on, and the notice shown when the terminal is too small
    assert screens <= {"workspaces", "resource_list", "base", "too_small"}, screens
    code, modules = modules_after(tmp_path, "--demo", "--workspace", "264901", on_terminal=True,
                                  leave=first_frame.ROWS)
    assert code == 0 and "paitui.ui.screens.jobs" in modules and "paitui.ui.screens.workspaces" not in modules


def test_the_first_frame_loads_only_what_the_workspaces_list_needs(tmp_path: Path) -> None:
    """Workspaces first: AIWorkSpace's models, facade and simulated store; DLC's, PAIFlow's and PaiPlugin's
    wait for a screen that asks (their models, facades, simulator handlers and seeded state), and httpx's
    command-line client (click) is never loaded."""
    code, modules = modules_after(tmp_path, "--demo", on_terminal=True, leave=first_frame.ROWS)
    assert code == 0
    others = ("dlc", "flow", "plugin")
    assert {"paitui.api.models.workspace", "paitui.api.workspace", "paitui.sim.workspace.state"} <= modules
    assert loaded(modules, tuple(f"paitui.api.models.{p}" for p in others)) == []
    assert loaded(modules, tuple(f"paitui.api.{p}" for p in others)) == []
    assert loaded(modules, tuple(f"paitui.sim.{p}" for p in others)) == []
    assert "httpx" in modules and loaded(modules, ("httpx._main", "click")) == []
    # a first screen of jobs brings DLC's in (the probe sees a product load when it is used)
    code, modules = modules_after(tmp_path, "--demo", "--workspace", "264901", on_terminal=True,
                                  leave=first_frame.ROWS)
    assert code == 0 and {"paitui.api.models.dlc", "paitui.sim.dlc.state"} <= modules
