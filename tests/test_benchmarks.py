"""Every benchmark runs, so none rots: ``python -m tests.bench --tiny`` end to end, and the shared report module.

Not a measurement: nothing here is timed. The harness discovers ``tests/bench/bench_*.py`` itself, so a new
bench is covered the moment it exists; this only asserts that each produced figures that are numbers, in the
convention's JSON (``tests/bench/README.md``).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.bench import harness
from tests.bench.report import Figure, Goal, Report, figure_met, problems

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
BENCHES = sorted(path.stem for path in (ROOT / "tests/bench").glob("bench_*.py"))


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """``python -m tests.bench --tiny`` once for this module: its combined JSON and what it printed."""
    out = tmp_path_factory.mktemp("bench") / "all.json"
    done = subprocess.run([sys.executable, "-m", "tests.bench", "--tiny", "--json", str(out)], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8")), done.stdout


def figures_of(doc: dict[str, Any], bench: str) -> dict[str, dict[str, Any]]:
    return {figure["figure"]: figure for b in doc["benches"] if b["bench"] == bench for figure in b["figures"]}


def test_every_bench_runs_tiny_and_produces_numbers(tiny_run: tuple[dict[str, Any], str]) -> None:
    doc, printed = tiny_run
    assert doc["tiny"] is True
    assert [bench["bench"] for bench in doc["benches"]] == BENCHES
    for bench in doc["benches"]:
        assert bench["ok"], bench["error"]
        assert bench["figures"], bench["bench"]
        assert problems({"bench": bench["bench"], "figures": bench["figures"]}) == []
        for figure in bench["figures"]:
            assert f"| {bench['bench']} | {figure['figure']} |" in printed  # the combined table shows it
    # the peers the issue names are measured in the same run
    baselines = {figure["baseline_name"] for bench in doc["benches"] for figure in bench["figures"]}
    assert {"Textual DataTable", "Textual Log", "official SDK, sync", "official SDK, async",
            "bare Textual app, one DataTable", "python -c 'import argparse'", "pydantic JobRow"} <= baselines


def test_every_start_command_runs_and_paints(tiny_run: tuple[dict[str, Any], str]) -> None:
    """bench_start fails unless each command exits 0 and paints its first screen; each has its figure."""
    figures = figures_of(tiny_run[0], "bench_start")
    assert set(figures) == {"paitui --help, CPU", "paitui call --help, CPU", "paitui job --help, CPU",
                            "start to first frame, CPU", "start to first rows, CPU"}
    assert all(f["paitui"] > 0 and f["baseline"] > 0 for f in figures.values())


def test_both_row_readings_run_through_the_rows_and_the_load(tiny_run: tuple[dict[str, Any], str]) -> None:
    figures = figures_of(tiny_run[0], "bench_rows")
    assert {"bytes per row", "parse CPU per page", "all rows loaded and drawn", "key p95 during the load"} <= set(
        figures)
    assert {"load, CPU of the simulator's process", "load, peak RSS of the simulator's process"} <= set(figures)
    for name, figure in figures.items():
        if name.startswith("RSS"):  # RSS may not grow at all for a few hundred rows
            continue
        assert figure["paitui"] > 0, name
        if "simulator's process" in name:  # the child's own: the baseline's simulator has no process of its own
            assert figure["baseline"] is None, name
        else:
            assert figure["baseline"] > 0, name


def test_each_idle_screen_polls_with_its_own_operation(tiny_run: tuple[dict[str, Any], str]) -> None:
    """The tiny idle run polls every 0.3 s: each screen made requests of its own kind, and counted them."""
    figures = figures_of(tiny_run[0], "bench_idle")
    screens = (("jobs list", "ListJobs"), ("job detail, running job", "GetJob"), ("runs list", "ListPipelineRuns"))
    for screen, action in screens:
        assert figures[f"{screen}, requests"]["paitui"] > 0, screen
        assert figures[f"{screen}, {action}"]["paitui"] > 0, screen
        cpu = figures[f"{screen}, CPU (paitui alone)"]
        assert cpu["paitui"] >= 0 and cpu["baseline"] >= 0
        assert figures[f"{screen}, simulator CPU"]["paitui"] >= 0, screen
    # the simulated cloud's child process is measured apart (in clock ticks: a short tiny window may see none)
    assert sum(figures[f"{screen}, simulator CPU"]["paitui"] for screen, _ in screens) > 0
    assert figures["jobs list, ListJobs per refresh"]["goal"] == "≤ 1"


@pytest.mark.parametrize("bench", BENCHES)
def test_every_bench_is_a_module_too(bench: str) -> None:
    done = subprocess.run([sys.executable, "-m", f"tests.bench.{bench}", "--help"], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert all(flag in done.stdout for flag in ("--tiny", "--json", "--runs"))


def _write_bench(folder: Path, name: str, body: str) -> None:
    (folder / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")


GOOD = """
    import sys
    from tests.bench.report import Figure, Report, arguments

    args = arguments(None, runs=1).parse_args()
    Report("bench_good", [Figure("speed", "ms", [2.0, 1.0, 3.0], goal="≤ 1×", baseline_name="peer",
                                 baseline_samples=[4.0])], ["tiny" if args.tiny else "full"]).emit(args.json)
"""


def test_a_failing_bench_is_reported_with_its_stderr_and_fails_the_run(tmp_path: Path, capsys) -> None:
    _write_bench(tmp_path, "bench_good", GOOD)
    _write_bench(tmp_path, "bench_broken", """
        import sys
        print("the simulator never came up", file=sys.stderr)
        sys.exit(3)
    """)
    _write_bench(tmp_path, "bench_hollow", """
        import json, sys
        path = sys.argv[sys.argv.index("--json") + 1]
        json.dump({"bench": "bench_hollow", "figures": []}, open(path, "w"))
    """)
    _write_bench(tmp_path, "bench_listed", """
        import json, sys
        path = sys.argv[sys.argv.index("--json") + 1]
        json.dump([{"figure": "speed", "paitui": 1.0}], open(path, "w"))  # a list, not the convention's object
    """)
    out = tmp_path / "all.json"
    assert harness.main(["--dir", str(tmp_path), "--tiny", "--json", str(out)]) == 1
    benches = {bench["bench"]: bench for bench in json.loads(out.read_text(encoding="utf-8"))["benches"]}
    assert benches["bench_good"]["ok"] and benches["bench_good"]["notes"] == ["tiny"]
    assert benches["bench_good"]["figures"][0]["ratio"] == 0.5
    assert not benches["bench_broken"]["ok"]
    assert "exited 3" in benches["bench_broken"]["error"]
    assert "the simulator never came up" in benches["bench_broken"]["error"]
    assert not benches["bench_hollow"]["ok"] and "no figures" in benches["bench_hollow"]["error"]
    assert not benches["bench_listed"]["ok"] and benches["bench_listed"]["notes"] == []
    assert "not an object with a 'bench' name" in benches["bench_listed"]["error"]
    printed = capsys.readouterr().out
    assert "| bench_broken | FAILED: exited 3 |" in printed
    assert "| bench_good | speed | 2 ms | 4 ms (peer) | 0.50× | ≤ 1× | yes |" in printed


def test_only_picks_benches_and_refuses_unknown_names(tmp_path: Path) -> None:
    _write_bench(tmp_path, "bench_good", GOOD)
    _write_bench(tmp_path, "bench_broken", "import sys; sys.exit(1)\n")
    out = tmp_path / "all.json"
    assert harness.main(["--dir", str(tmp_path), "--only", "good", "--json", str(out)]) == 0
    assert [b["bench"] for b in json.loads(out.read_text(encoding="utf-8"))["benches"]] == ["bench_good"]
    with pytest.raises(SystemExit):
        harness.main(["--dir", str(tmp_path), "--only", "nonesuch"])


def test_goals_read_on_the_ratio_or_on_the_figure() -> None:
    assert Goal.parse("≤ 0.8×") == Goal(0.8, on_ratio=True, at_most=True)
    assert Goal.parse("≥ 100,000 lines/s") == Goal(100_000, on_ratio=False, at_most=False)
    assert Goal.parse("≤ 0.8×").met(value=99.0, ratio=0.7) is True
    assert Goal.parse("≤ 0.8×").met(value=0.1, ratio=0.9) is False
    assert Goal.parse("≤ 0.8×").met(value=1.0, ratio=None) is None  # no baseline, no verdict
    assert Goal.parse("≥ 1.5×").met(value=1.0, ratio=1.6) is True
    assert Goal.parse("≤ 3 s").met(value=3.5, ratio=0.1) is False
    with pytest.raises(ValueError):
        Goal.parse("fast")


def test_a_figure_is_medians_and_their_ratio() -> None:
    figure = Figure("calls", "calls/s", [300, 100, 200], better="higher", goal="≥ 1.5×",
                    baseline_name="SDK", baseline_samples=[50, 400, 100])
    assert (figure.paitui, figure.baseline, figure.ratio, figure.met) == (200, 100, 2.0, True)
    doc = figure.to_json()
    assert figure_met(doc) is True and doc["samples"] == [300, 100, 200]
    alone = Figure("load", "s", [1.0], goal="≤ 0.5 s")
    assert (alone.baseline, alone.ratio, alone.met) == (None, None, False)
    with pytest.raises(ValueError):  # a goal that says lower is better on a figure where higher is
        Figure("calls", "calls/s", [1.0], better="higher", goal="≤ 2")
    with pytest.raises(ValueError):
        Figure("calls", "ms", [])
    with pytest.raises(ValueError):
        Figure("calls", "ms", [1.0], baseline_samples=[1.0])  # a baseline needs its name


def test_problems_finds_what_breaks_the_convention() -> None:
    good = Report("bench_x", [Figure("a", "ms", [1.0])]).to_json()
    assert problems(good) == []
    nan = json.loads(json.dumps(good))
    nan["figures"][0]["paitui"] = math.nan
    assert problems(nan) == ["a: paitui's figure or samples are not numbers"]
    unnamed = json.loads(json.dumps(good))
    unnamed["figures"][0]["baseline_name"] = "peer"
    assert problems(unnamed) == ["a: names baseline 'peer' but has no number for it"]
    lacking = json.loads(json.dumps(good))
    del lacking["figures"][0]["better"]
    assert problems(lacking) == ["a: lacks better"]
    assert problems({"bench": "bench_x", "figures": []}) == ["no figures"]
    assert problems([]) == ["not an object with a 'bench' name"]
