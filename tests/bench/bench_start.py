"""Start-up cost of paitui next to what a user could run instead, measured in the same run (issue 13).

    python -m tests.bench.bench_start [--runs 7] [--json start.json] [--against ../main-checkout] [--tiny]
    python tests/bench/bench_start.py --tiny     # one process each, no warm-up: proves the benchmark runs

Every figure is the CPU time (user + system, ``getrusage(RUSAGE_CHILDREN)`` deltas) of one fresh process,
median of ``--runs`` processes; paitui's and its baseline's processes are interleaved (the order rotates each
round), so a busy machine slows both alike:

* ``paitui --help``, ``paitui call --help`` and ``paitui job --help`` next to ``python -c "import argparse"``;
* start to first frame of ``paitui --demo`` next to a bare Textual app with one DataTable
  (``bare_datatable_app.py``). Both run on a pseudo-terminal (120×40) and leave once their first screen is
  painted (``paitui.ui.first_frame``, switched on for paitui by ``PAITUI_EXIT_AFTER_FIRST_FRAME=1``).

paitui runs as its console script does (``from paitui.cli import main``), with bytecode cached as after
``pip install`` (a private ``PYTHONPYCACHEPREFIX``, filled by one untimed warm-up run of each command), in an
empty home (no credentials, no config file: the default demo). The goals are on the ratio; nothing here is
a pass/fail assertion. ``--against PATH`` also times paitui's commands from another checkout (e.g. a worktree
of the commit before a change), interleaved with the rest, as figures named "… @ NAME" against the same
baselines; its dashboard must honour ``PAITUI_EXIT_AFTER_FIRST_FRAME`` (``paitui.cli`` here) for the frame figure.
"""

from __future__ import annotations

import fcntl
import os
import pty
import resource
import select
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # run as a script from a clone
    sys.path.insert(0, str(ROOT))

from tests.bench.report import Figure, Report, arguments, runs_of  # noqa: E402

BARE_APP = Path(__file__).with_name("bare_datatable_app.py")
CONSOLE_SCRIPT = "import sys; from paitui.cli import main; sys.exit(main())"  # what the `paitui` script runs
TERMINAL = (40, 120)  # rows, columns
TIMEOUT = 120.0


@dataclass(frozen=True)
class Command:
    name: str
    argv: tuple[str, ...]
    on_terminal: bool = False
    painted: str = ""  # text the first frame must contain (a run that painted nothing is an error)
    root: Path = ROOT  # the checkout it runs from (PYTHONPATH and working directory)

    def at(self, root: Path) -> Command:
        return replace(self, name=f"{self.name} @ {root.name}", root=root)


@dataclass(frozen=True)
class Timed:
    title: str
    paitui: Command
    baseline: Command
    goal: str  # on the ratio paitui/baseline


def paitui(*args: str) -> tuple[str, ...]:
    return (sys.executable, "-c", CONSOLE_SCRIPT, *args)


ARGPARSE = Command("python -c 'import argparse'", (sys.executable, "-c", "import argparse"))
FIGURES = (
    Timed("paitui --help, CPU", Command("paitui --help", paitui("--help")), ARGPARSE, "≤ 3×"),
    Timed("paitui call --help, CPU", Command("paitui call --help", paitui("call", "--help")), ARGPARSE, "≤ 3×"),
    Timed("paitui job --help, CPU", Command("paitui job --help", paitui("job", "--help")), ARGPARSE, "≤ 3×"),
    Timed("start to first frame, CPU",
           Command("paitui --demo", paitui("--demo"), on_terminal=True, painted="DEMO"),
           Command("bare Textual app, one DataTable", (sys.executable, str(BARE_APP)), on_terminal=True,
                   painted="workspace_1"),
          "≤ 1.3×"),
)


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ALIBABA_CLOUD", "PAITUI_", "DASHSCOPE", "TEXTUAL"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), XDG_STATE_HOME=str(home / "state"),
               PYTHONPYCACHEPREFIX=str(home / "pycache"), TERM="xterm-256color",
               COLUMNS=str(TERMINAL[1]), LINES=str(TERMINAL[0]), PAITUI_EXIT_AFTER_FIRST_FRAME="1")
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_on_terminal(argv: tuple[str, ...], env: dict[str, str], cwd: Path = ROOT) -> tuple[int, str]:
    """Run on a pseudo-terminal of TERMINAL's size, reading everything it paints until it exits."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", TERMINAL[0], TERMINAL[1], 0, 0))
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                               start_new_session=True)
    os.close(slave)
    painted = bytearray()
    deadline = time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed its side
                break
            if not chunk:
                break
            painted += chunk
        else:
            process.kill()
            raise TimeoutError(f"{argv} did not leave within {TIMEOUT:g} s")
        return process.wait(TIMEOUT), painted.decode("utf-8", "replace")
    finally:
        os.close(master)


def run_once(command: Command, env: dict[str, str]) -> float:
    """One fresh process of ``command``: its CPU seconds (it must succeed, and paint what it should)."""
    env = {**env, "PYTHONPATH": str(command.root)}
    before = _children_cpu()
    if command.on_terminal:
        code, output = run_on_terminal(command.argv, env, command.root)  # cwd too: ``-c`` puts it first on the path
    else:
        done = subprocess.run(command.argv, env=env, cwd=command.root, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=TIMEOUT)
        code, output = done.returncode, done.stdout + done.stderr
    spent = _children_cpu() - before
    if code != 0:
        raise RuntimeError(f"{command.name} exited {code}:\n{output[-2000:]}")
    if command.painted and command.painted not in output:
        raise RuntimeError(f"{command.name} left without painting {command.painted!r}:\n{output[-2000:]}")
    return spent


def commands(against: Path | None) -> list[Command]:
    found = [c for f in FIGURES for c in (f.paitui, f.baseline)]
    if against is not None:
        found += [f.paitui.at(against) for f in FIGURES]
    return list({c.name: c for c in found}.values())


def measure(commands: list[Command], runs: int, env: dict[str, str], *, warm: bool) -> dict[str, list[float]]:
    if warm:
        for command in commands:  # warm-up, untimed: compiles the bytecode a real install would have
            run_once(command, env)
    samples: dict[str, list[float]] = {c.name: [] for c in commands}
    for round_ in range(runs):
        shift = round_ % len(commands)
        for command in commands[shift:] + commands[:shift]:
            samples[command.name].append(run_once(command, env))
    return samples


def figures(samples: dict[str, list[float]], against: Path | None) -> list[Figure]:
    """CPU in ms, each against its baseline; with ``--against``, the other checkout's paitui as figures too."""
    found = []
    for timed in FIGURES:
        ms = {name: [value * 1000 for value in values] for name, values in samples.items()}
        theirs = dict(baseline_name=timed.baseline.name, baseline_samples=ms[timed.baseline.name])
        found.append(Figure(timed.title, "ms", ms[timed.paitui.name], goal=timed.goal, **theirs))
        if against is not None:
            found.append(Figure(f"{timed.title} @ {against.name}", "ms", ms[timed.paitui.at(against).name],
                                goal=timed.goal, **theirs))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = arguments(__doc__, runs=7)
    parser.add_argument("--against", type=Path, help="also time paitui from this checkout (figures '@ NAME')")
    args = parser.parse_args(argv)
    against = args.against.resolve() if args.against else None
    runs = runs_of(args)
    with tempfile.TemporaryDirectory(prefix="paitui-bench-start-") as home:
        env = environment(Path(home))
        samples = measure(commands(against), runs, env, warm=not args.tiny)
    notes = [f"CPU (user + system) of one fresh process, medians of {runs} per command, interleaved",
             f"on a {TERMINAL[1]}×{TERMINAL[0]} pseudo-terminal for the first frame; empty home, default demo",
             "bytecode cached by one untimed warm-up run each" if not args.tiny else "--tiny: no warm-up"]
    if against is not None:
        notes.append(f"'@ {against.name}': paitui from {against}")
    Report("bench_start", figures(samples, against), notes).emit(args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
