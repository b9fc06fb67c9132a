"""What every benchmark shares: its arguments, its figures (medians, ratio, goal), the printed table, the JSON.

A bench measures; this module turns samples into figures and prints and writes them, so no bench hand-rolls a
table or a median. The convention the benches follow is in ``tests/bench/README.md``.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[2]

Better = Literal["lower", "higher"]

# "≤ 0.8×" is a goal on the ratio paitui/baseline; "≤ 3" or "≥ 100,000 lines/s" on the figure in its own unit
_GOAL = re.compile(r"^\s*(≤|≥|<=|>=)\s*([0-9][0-9,_]*(?:\.[0-9]+)?)\s*(×)?")


@dataclass(frozen=True)
class Goal:
    bound: float
    on_ratio: bool
    at_most: bool

    @classmethod
    def parse(cls, text: str) -> Goal:
        match = _GOAL.match(text)
        if match is None:
            raise ValueError(f"a goal reads '≤ N', '≥ N' (on the figure) or '≤ N×' (on the ratio), not {text!r}")
        sign, number, times = match.groups()
        return cls(float(number.replace(",", "").replace("_", "")), times is not None, sign in ("≤", "<="))

    def met(self, value: float | None, ratio: float | None) -> bool | None:
        """None when the goal is on the ratio and there is no baseline (or the figure is missing)."""
        subject = ratio if self.on_ratio else value
        if subject is None or math.isnan(subject):
            return None
        return subject <= self.bound if self.at_most else subject >= self.bound


def median(samples: Iterable[float]) -> float:
    values = list(samples)
    if not values:
        raise ValueError("a figure needs at least one sample")
    return float(statistics.median(values))


@dataclass
class Figure:
    """One measured figure: paitui's median next to a baseline's median measured in the same run."""

    figure: str
    unit: str
    samples: list[float]
    better: Better = "lower"
    goal: str | None = None
    baseline_name: str | None = None
    baseline_samples: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.better not in ("lower", "higher"):
            raise ValueError(f"better is 'lower' or 'higher', not {self.better!r}")
        if bool(self.baseline_samples) != bool(self.baseline_name):
            raise ValueError(f"{self.figure}: a baseline needs both its name and its samples")
        if self.goal is not None and Goal.parse(self.goal).at_most != (self.better == "lower"):
            raise ValueError(f"{self.figure}: goal {self.goal!r} points the other way from better={self.better}")
        self.samples = [float(s) for s in self.samples]
        self.baseline_samples = [float(s) for s in self.baseline_samples]
        median(self.samples)

    @property
    def paitui(self) -> float:
        return median(self.samples)

    @property
    def baseline(self) -> float | None:
        return median(self.baseline_samples) if self.baseline_samples else None

    @property
    def ratio(self) -> float | None:
        """paitui / baseline, whichever way is better (the goal says which side of 1 is good)."""
        baseline = self.baseline
        return self.paitui / baseline if baseline else None

    @property
    def met(self) -> bool | None:
        return Goal.parse(self.goal).met(self.paitui, self.ratio) if self.goal else None

    def to_json(self) -> dict[str, Any]:
        return {"figure": self.figure, "unit": self.unit, "paitui": self.paitui, "baseline": self.baseline,
                "baseline_name": self.baseline_name, "ratio": self.ratio, "goal": self.goal, "met": self.met,
                "better": self.better, "samples": self.samples, "baseline_samples": self.baseline_samples}


def figure_met(doc: dict[str, Any]) -> bool | None:
    """The verdict of a figure read back from JSON (recomputed from its goal, so it is decided in one place)."""
    goal = doc.get("goal")
    return Goal.parse(goal).met(doc.get("paitui"), doc.get("ratio")) if goal else None


# --- printing ---------------------------------------------------------------------------------------------


def shown(value: float | None, unit: str) -> str:
    if value is None or math.isnan(value):
        return "—"
    size = abs(value)
    text = f"{value:,.0f}" if size >= 1000 else f"{value:.1f}" if size >= 100 else f"{value:.3g}"
    return f"{text} {unit}".rstrip()


def shown_ratio(ratio: float | None) -> str:
    if ratio is None or math.isnan(ratio):
        return "—"
    return f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.2g}×"  # 0.012×, not 0.01×: small ratios keep 2 digits


def shown_met(met: bool | None) -> str:
    return "" if met is None else "yes" if met else "NO"


def markdown(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def figure_cells(doc: dict[str, Any]) -> list[str]:
    """figure, paitui, baseline (named), ratio, goal, met? — of one figure's JSON."""
    baseline = doc.get("baseline")
    named = f"{shown(baseline, doc['unit'])} ({doc['baseline_name']})" if baseline is not None else "—"
    return [doc["figure"], shown(doc["paitui"], doc["unit"]), named, shown_ratio(doc.get("ratio")),
            doc.get("goal") or "", shown_met(figure_met(doc))]


FIGURE_HEADER = ("figure", "paitui", "baseline", "ratio", "goal", "met?")


@dataclass
class Report:
    bench: str
    figures: list[Figure]
    notes: list[str] = field(default_factory=list)  # the size, the sample count, facts that are not figures

    def to_json(self) -> dict[str, Any]:
        return {"bench": self.bench, "notes": self.notes, "figures": [f.to_json() for f in self.figures]}

    def table(self) -> str:
        doc = self.to_json()
        return "\n".join([f"{self.bench}: " + "; ".join(self.notes), "",
                          markdown(FIGURE_HEADER, (figure_cells(f) for f in doc["figures"]))])

    def emit(self, json_path: Path | None) -> None:
        """Print the table; write the JSON when asked (``--json PATH``)."""
        print(self.table(), flush=True)
        if json_path is not None:
            json_path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False), encoding="utf-8")


def problems(doc: Any) -> list[str]:
    """What is wrong with a bench's JSON (empty when it follows the convention and every figure is a number)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("bench"), str):
        return ["not an object with a 'bench' name"]
    figures = doc.get("figures")
    if not isinstance(figures, list) or not figures:
        return ["no figures"]
    found = []

    def number(value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)

    for item in figures:
        name = item.get("figure", "?") if isinstance(item, dict) else "?"
        if not isinstance(item, dict):
            found.append("a figure that is not an object")
            continue
        missing = [key for key in ("figure", "unit", "paitui", "baseline", "baseline_name", "ratio", "goal",
                                   "better", "samples") if key not in item]
        if missing:
            found.append(f"{name}: lacks {', '.join(missing)}")
            continue
        if not number(item["paitui"]) or not item["samples"] or not all(map(number, item["samples"])):
            found.append(f"{name}: paitui's figure or samples are not numbers")
        if item["baseline_name"] is not None and not number(item["baseline"]):
            found.append(f"{name}: names baseline {item['baseline_name']!r} but has no number for it")
        if item["better"] not in ("lower", "higher"):
            found.append(f"{name}: better is {item['better']!r}")
        if item["goal"] is not None:
            try:
                Goal.parse(item["goal"])
            except ValueError as error:
                found.append(f"{name}: {error}")
    return found


# --- arguments and sample processes -------------------------------------------------------------------------


def arguments(doc: str | None, *, runs: int) -> argparse.ArgumentParser:
    """The convention's arguments; a bench adds its own sizes. ``--sample`` is internal: one measurement in this
    process, printed as one JSON line for the parent that takes the medians."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true",
                        help="smallest sizes, one sample: proves the bench runs (CI); not a measurement")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the figures as JSON here")
    parser.add_argument("--runs", type=int, default=None,
                        help=f"take medians of N samples (processes or rounds; default {runs}, 1 with --tiny)")
    parser.add_argument("--sample", default=None, help=argparse.SUPPRESS)
    parser.set_defaults(default_runs=runs)
    return parser


def runs_of(args: argparse.Namespace) -> int:
    if args.runs is not None:
        return max(1, args.runs)
    return 1 if args.tiny else int(args.default_runs)


def print_sample(values: dict[str, Any]) -> None:
    """A ``--sample`` process's answer: its last line of output."""
    print(json.dumps(values), flush=True)


def sample_process(script: str, part: str, argv: Sequence[str]) -> dict[str, Any]:
    """Run ``script --sample PART argv`` in a fresh interpreter (a second measurement in one process would
    inherit a bigger heap and warm caches) and return the JSON it printed last."""
    done = subprocess.run([sys.executable, script, "--sample", part, *argv], capture_output=True, text=True,
                          check=False, cwd=ROOT)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise RuntimeError(f"{Path(script).name} --sample {part} exited {done.returncode}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def interleaved(script: str, parts: Sequence[str], argv: Sequence[str], runs: int) -> dict[str, list[dict[str, Any]]]:
    """``runs`` sample processes of each part, one at a time, the order turned round every run so that no part
    always meets a warmer (or busier) machine."""
    samples: dict[str, list[dict[str, Any]]] = {part: [] for part in parts}
    for number in range(runs):
        for part in (parts if number % 2 == 0 else list(reversed(parts))):
            samples[part].append(sample_process(script, part, argv))
        print(f"{Path(script).stem}: run {number + 1}/{runs} done", file=sys.stderr, flush=True)
    return samples


def column(samples: Sequence[dict[str, Any]], key: str) -> list[float]:
    return [float(sample[key]) for sample in samples]
