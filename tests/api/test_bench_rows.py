"""The rows benchmark (tests/bench/bench_rows.py) runs end to end at its tiny size, so it never rots.

Not a measurement: nothing here is timed. It proves that both readings (compact and the pydantic baseline)
still run through the row measures and the dashboard load, and that the table and the JSON carry every figure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_rows_benchmark_runs_tiny(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, str(ROOT / "tests/bench/bench_rows.py"), "--tiny", "--json", str(out)],
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| figure | compact | baseline (pydantic JobRow) | ratio | goal |" in done.stdout
    figures = json.loads(out.read_text())["figures"]
    assert {"bytes per row", "parse CPU per page (ms)", "all rows loaded and drawn (s)",
            "key p95 during the load (ms)"} <= set(figures)
    for name, figure in figures.items():
        assert f"| {name} |" in done.stdout
        if not name.startswith("RSS"):  # RSS may not grow at all for a few hundred rows
            assert figure["compact"] > 0 and figure["baseline"] > 0, name
