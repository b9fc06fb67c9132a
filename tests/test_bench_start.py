"""The start benchmark runs (``--tiny``: one process of each command, not timed), so it never rots: every
command it times still starts, exits 0 and paints what it should, and the table names every figure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.bench import bench_start


def test_the_start_benchmark_runs_once_at_tiny_size(tmp_path: Path) -> None:
    out = tmp_path / "start.json"
    done = subprocess.run([sys.executable, str(bench_start.__file__), "--tiny", "--json", str(out)],
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    for figure in bench_start.FIGURES:
        assert figure.title in done.stdout
    rows = json.loads(out.read_text())
    assert [r["figure"] for r in rows] == [f.title for f in bench_start.FIGURES]
    assert all(r["paitui"] > 0 and r["baseline"] > 0 for r in rows)
