"""Every test process (and the ``paitui`` subprocesses tests start, which inherit the environment) keeps its state
files — request meter, debug log, crash reports, spool — in a folder of its own, never the user's."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_state_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    if os.environ.get("PAITUI_STATE_DIR"):
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PAITUI_STATE_DIR", str(tmp_path_factory.mktemp("state")))
        yield
