"""The idle benchmark (tests/bench/bench_idle.py) runs at its tiny size, so it cannot rot; not timed."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_idle.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_idle", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def test_the_idle_benchmark_runs_tiny_and_reports_every_screen(tmp_path: Path, capsys: object) -> None:
    bench = load_bench()
    out = tmp_path / "idle.json"
    result = bench.main(["--tiny", "--json", str(out)])
    screens = [s["screen"] for s in result["screens"]]
    assert [name.split(" (")[0] for name in screens] == ["jobs list", "job detail, running job", "runs list"]
    # the tiny run polls every 0.3 s: each screen made requests of its own kind, and counted them
    expected = ({"ListJobs"}, {"GetJob"}, {"ListPipelineRuns"})
    for screen, actions in zip(result["screens"], expected, strict=True):
        assert screen["requests_per_min"] > 0 and actions <= set(screen["by_action"]), screen
        assert screen["cpu_percent"] >= 0
    assert result["baseline"]["requests_per_min"] == 0
    assert out.read_text(encoding="utf-8").startswith("{")
    printed = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "baseline" in printed and "jobs list" in printed
