"""The data layers never pull in Textual, and the simulator never leans on the client it is meant to check."""

import subprocess
import sys


def _modules_after_import(*names: str) -> set[str]:
    code = "import sys\n" + "".join(f"import {n}\n" for n in names) + "print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_data_layers_do_not_import_textual() -> None:
    loaded = _modules_after_import("paitui.api", "paitui.api.client", "paitui.live", "paitui.sim",
                                   "paitui.sim.app", "paitui.sim.world")
    assert "paitui.api.client" in loaded and "paitui.sim.world" in loaded
    assert not any(m == "textual" or m.startswith("textual.") for m in loaded)


def test_simulator_does_not_import_the_client() -> None:
    loaded = _modules_after_import("paitui.sim.app", "paitui.sim.world", "paitui.sim.serve")
    assert "paitui.sim.app" in loaded
    assert not any(m == "paitui.api" or m.startswith("paitui.api.") for m in loaded)
