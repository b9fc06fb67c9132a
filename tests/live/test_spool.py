"""The log spool stays bounded (the oldest lines go, counted), is removed on every exit path (close, the
atexit hook on a normal exit and on an uncaught exception), and a killed process's spool is cleaned by the
next one; and ``atomic`` writes leave a whole file or none."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from paitui.live import spool as spool_module
from paitui.live.atomic import AtomicFile, write_atomic
from paitui.live.logsearch import Pattern
from paitui.live.spool import LogSpool, clean_stale

TS = "2026-03-02T08:00:00.000Z "
REPO = Path(__file__).resolve().parents[2]


def test_the_spool_drops_its_oldest_lines_past_the_cap_and_counts_them(tmp_path: Path) -> None:
    line = TS + "x" * 75  # 100 bytes with the newline
    with LogSpool(tmp_path, max_bytes=8_000) as spool:  # segments of 1,000 bytes
        for i in range(100):
            spool.append([f"{line[:-4]}{i:04d}" for _ in range(1)] * 5)
        assert spool.bytes <= 8_000 and spool.dropped > 0
        assert spool.count + spool.dropped == 500
        held = list(spool.lines())
        assert len(held) == spool.count and held[-1].endswith("0099")  # the newest are always there
        # the files on disk are bounded too
        assert sum(p.stat().st_size for p in spool.paths) == spool.bytes <= 8_000
        assert len(list(tmp_path.iterdir())) == len(spool.paths)
        # line numbers stay those of the whole fetched history
        first_hit = next(spool.search(Pattern.compile("0099")))
        assert first_hit[0] == 500 - 4 and spool.first == spool.dropped + 1


def test_spool_files_are_private(tmp_path: Path) -> None:
    with LogSpool(tmp_path / "spool") as spool:
        spool.append(["secret-ish request line"])
        assert stat.S_IMODE(spool.path.stat().st_mode) == 0o600
        assert stat.S_IMODE((tmp_path / "spool").stat().st_mode) == 0o700


def test_close_all_removes_every_open_spool(tmp_path: Path) -> None:
    spools = [LogSpool(tmp_path) for _ in range(3)]
    for spool in spools:
        spool.append(["a line"])
    assert len(list(tmp_path.iterdir())) == 3
    spool_module.close_all()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("ending", ["pass", "raise RuntimeError('boom')", "raise SystemExit(3)"])
def test_a_process_removes_its_spool_on_exit_and_on_an_exception(tmp_path: Path, ending: str) -> None:
    code = (f"from paitui.live.spool import LogSpool\n"
            f"s = LogSpool({str(tmp_path)!r})\ns.append(['one', 'two'])\nprint(s.path)\n{ending}\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                         env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    assert run.stdout.strip().startswith(str(tmp_path))  # it did make one
    assert list(tmp_path.iterdir()) == []


def test_a_killed_processes_spool_is_cleaned_by_the_next(tmp_path: Path) -> None:
    # a process that wrote a spool and died without cleaning up (SIGKILL: no atexit)
    code = (f"import os\nfrom paitui.live.spool import LogSpool\n"
            f"s = LogSpool({str(tmp_path)!r})\ns.append(['one'])\ns.flush()\nos._exit(9)\n")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
                   timeout=60)
    left = list(tmp_path.iterdir())
    assert len(left) == 1
    mine = tmp_path / f"{os.getpid()}-live-00000.log"  # a live process's file stays
    mine.write_text("x")
    assert clean_stale(tmp_path) == left
    assert list(tmp_path.iterdir()) == [mine]


def test_an_atomic_write_that_fails_midway_leaves_no_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "out.log"

    def writer(file: object) -> None:
        file.write(b"half of it\n")  # type: ignore[attr-defined]
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, writer)
    assert list(tmp_path.iterdir()) == []
    target.write_text("old\n")
    with pytest.raises(KeyboardInterrupt), AtomicFile(target) as file:  # ctrl+c in the middle
        file.write(b"new but cut")
        raise KeyboardInterrupt
    assert target.read_text() == "old\n" and list(tmp_path.iterdir()) == [target]
    write_atomic(target, lambda f: f.write(b"complete\n"))
    assert target.read_text() == "complete\n" and stat.S_IMODE(target.stat().st_mode) == 0o600
