"""The client benchmark (tests/bench/bench_client.py) runs end to end at its tiny size, so it never rots.

Not a measurement: nothing here is timed, it only proves every measure still runs against both clients and
that the table and the JSON carry every figure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("alibabacloud_pai_dlc20201203")  # the SDK side needs the dev extra


def test_the_client_benchmark_runs_tiny(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(ROOT / "tests/bench/bench_client.py"), "--tiny", "--json", str(out)],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| figure | paitui | SDK | ratio | goal |" in done.stdout
    figures = json.loads(out.read_text())["figures"]
    assert set(figures) == {"page", "rows", "getjob", "throughput"}
    for figure in figures.values():
        assert figure["paitui"] > 0 and figure["sdk"] > 0
        assert figure["label"] in done.stdout
