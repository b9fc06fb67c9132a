"""A simulated PAI cloud speaking the real wire protocol (no Textual, no paitui.api imports).

The main entry points are exported lazily (``from paitui.sim import create_app``) so that importing any
submodule, e.g. ``paitui.sim.world`` from a product package, does not pull in uvicorn or the app.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "create_app": "paitui.sim.app",
    "SimApp": "paitui.sim.app",
    "Authenticator": "paitui.sim.auth",
    "AuthError": "paitui.sim.auth",
    "FaultPlan": "paitui.sim.faults",
    "FaultSpecError": "paitui.sim.faults",
    "ConnectionDropped": "paitui.sim.faults",
    "serve": "paitui.sim.serve",
    "start_in_thread": "paitui.sim.serve",
    "ServerHandle": "paitui.sim.serve",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'paitui.sim' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
