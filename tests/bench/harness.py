"""Every benchmark in one command: ``python -m tests.bench [--tiny] [--only NAME,..] [--json PATH] [--runs N]``.

Discovers ``tests/bench/bench_*.py``, runs each in a fresh interpreter, one at a time (the machine's cores are
what is measured), with ``--json`` to a temporary file; prints each bench's own table as it finishes, then one
combined table, and writes the combined JSON. A bench that exits non-zero, or whose JSON breaks the convention
(``report.problems``), is reported as failed with the tail of its stderr, and the harness exits 1 at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.bench.report import FIGURE_HEADER, ROOT, figure_cells, markdown, problems

BENCH_DIR = Path(__file__).resolve().parent
STDERR_TAIL = 2000  # characters of a failed bench's stderr kept in the report


@dataclass
class Outcome:
    bench: str
    seconds: float
    doc: Any = None  # the bench's JSON as read: an object when it follows the convention
    error: str | None = None
    stdout: str = ""
    figures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        return {"bench": self.bench, "ok": self.ok, "seconds": round(self.seconds, 2), "error": self.error,
                "notes": self.doc.get("notes", []) if isinstance(self.doc, dict) else [], "figures": self.figures}


def discover(folder: Path = BENCH_DIR) -> list[Path]:
    return sorted(folder.glob("bench_*.py"))


def run_bench(script: Path, *, tiny: bool, runs: int | None, timeout: float) -> Outcome:
    """One bench as a script in its own interpreter; its figures, or why there are none."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryDirectory(prefix="paitui-bench-") as tmp:
        out = Path(tmp) / "figures.json"
        cmd = [sys.executable, str(script), "--json", str(out), *(["--tiny"] if tiny else []),
               *(["--runs", str(runs)] if runs is not None else [])]
        started = time.perf_counter()
        try:
            done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired as expired:
            stderr = expired.stderr.decode(errors="replace") if isinstance(expired.stderr, bytes) else ""
            return Outcome(script.stem, time.perf_counter() - started,
                           error=f"timed out after {timeout:.0f} s\n{stderr[-STDERR_TAIL:]}")
        outcome = Outcome(script.stem, time.perf_counter() - started, stdout=done.stdout)
        if done.returncode != 0:
            outcome.error = f"exited {done.returncode}\n{done.stderr[-STDERR_TAIL:]}"
            return outcome
        try:
            outcome.doc = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            outcome.error = f"wrote no readable --json ({error})\n{done.stderr[-STDERR_TAIL:]}"
            return outcome
    found = problems(outcome.doc)
    if not found and outcome.doc["bench"] != script.stem:
        found = [f"names itself {outcome.doc['bench']!r}"]
    if found:
        outcome.error = "its JSON breaks the convention: " + "; ".join(found)
    else:
        outcome.figures = list(outcome.doc["figures"])
    return outcome


def combined_table(outcomes: list[Outcome]) -> str:
    rows = []
    for outcome in outcomes:
        if not outcome.ok:
            rows.append([outcome.bench, "FAILED: " + (outcome.error or "").splitlines()[0], "", "", "", "", ""])
        rows += [[outcome.bench, *figure_cells(doc)] for doc in outcome.figures]
    return markdown(("bench", *FIGURE_HEADER), rows)


def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    return done.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", action="store_true", help="every bench once at its smallest size (CI)")
    parser.add_argument("--only", default="", help="comma-separated bench names (bench_client or client)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the combined JSON here")
    parser.add_argument("--runs", type=int, default=None, help="passed to every bench (default: each its own)")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per bench (600 tiny, 3600 else)")
    parser.add_argument("--dir", type=Path, default=BENCH_DIR, help=argparse.SUPPRESS)  # tests: other benches
    args = parser.parse_args(argv)
    scripts = discover(args.dir)
    if args.only:
        wanted = {name if name.startswith("bench_") else f"bench_{name}" for name in args.only.split(",") if name}
        unknown = wanted - {script.stem for script in scripts}
        if unknown:
            parser.error(f"no such bench: {', '.join(sorted(unknown))} (have {', '.join(s.stem for s in scripts)})")
        scripts = [script for script in scripts if script.stem in wanted]
    timeout = args.timeout or (600.0 if args.tiny else 3600.0)
    started = datetime.now(UTC)
    outcomes = []
    for script in scripts:
        print(f"== {script.stem} ...", file=sys.stderr, flush=True)
        outcome = run_bench(script, tiny=args.tiny, runs=args.runs, timeout=timeout)
        outcomes.append(outcome)
        if outcome.ok:
            print(outcome.stdout.rstrip() + f"\n({outcome.seconds:.1f} s)\n", flush=True)
        else:
            print(f"{outcome.bench} FAILED after {outcome.seconds:.1f} s: {outcome.error}\n", flush=True)
    print(f"all benchmarks, {started:%Y-%m-%d %H:%M} UTC, commit {commit()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}{', --tiny (not a measurement)' if args.tiny else ''}\n")
    print(combined_table(outcomes), flush=True)
    if args.json is not None:
        args.json.write_text(json.dumps({
            "date": started.isoformat(timespec="seconds"), "commit": commit(), "tiny": args.tiny, "runs": args.runs,
            "cpus": os.cpu_count(), "python": platform.python_version(),
            "benches": [outcome.to_json() for outcome in outcomes]}, indent=2, ensure_ascii=False), encoding="utf-8")
    failed = [outcome.bench for outcome in outcomes if not outcome.ok]
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0
