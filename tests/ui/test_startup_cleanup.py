"""At start the app removes the log spools a killed paitui left behind, and does that file work off the UI
loop (a slow or network-mounted state dir must not hold the first frame or the first keys)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from paitui.live import spool
from tests.ui.conftest import SIZE, demo_app, wait_until


async def test_a_killed_paituis_spools_are_removed_at_start_in_a_thread(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAITUI_STATE_DIR", str(tmp_path))
    (tmp_path / "spool").mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # its pid names a process that is gone, as a SIGKILLed paitui's files do
    left = tmp_path / "spool" / f"{dead.pid}-job-00000.log"
    left.write_text("a line nobody will read\n")
    ran_on: list[threading.Thread] = []
    walk = spool.clean_stale

    def recording(directory: Path) -> list[Path]:
        ran_on.append(threading.current_thread())
        return walk(directory)

    monkeypatch.setattr(spool, "clean_stale", recording)
    app = demo_app(jobs=40)
    async with app.run_test(size=SIZE) as pilot:
        ui_loop = threading.current_thread()
        await wait_until(pilot, lambda: not left.exists(), what="the stale spool removed")
    assert len(ran_on) == 1 and ran_on[0] is not ui_loop
