"""Start-up cost of paitui next to what a user could run instead, measured in the same run (issue 13).

    python -m tests.bench.bench_start [--runs 7] [--json start.json] [--against ../main-checkout] [--tiny]
    python tests/bench/bench_start.py --tiny     # one process each, no warm-up: proves the benchmark runs

Every figure is the CPU time (user + system, ``getrusage(RUSAGE_CHILDREN)`` deltas) of one fresh process,
median of ``--runs`` processes; paitui's and its baseline's processes are interleaved (the order rotates each
round), so a busy machine slows both alike:

* ``paitui --help``, ``paitui call --help`` and ``paitui job --help`` next to ``python -c "import argparse"``;
* start to first frame, and start to first rows, of ``paitui --demo`` next to a bare Textual app with one
  DataTable (``bare_datatable_app.py``, whose first frame has its rows). Both run on a pseudo-terminal
  (120×40); the figure is the process's CPU (all its threads, ``clock_getcpuclockid``) read at the moment
  the text that marks the frame reaches the terminal: the header's ``DEMO`` badge for paitui's first frame,
  the first workspace's name for its first rows, a row for the bare app. Then the process is killed, so
  what it would do after the frame (its exit, a deferred start's backend still opening) is not counted for
  either side.

paitui runs as its console script does (``from paitui.cli import main``), with bytecode cached as after
``pip install`` (a private ``PYTHONPYCACHEPREFIX``, filled by one untimed warm-up run of each command), in an
empty home (no credentials, no config file: the default demo). The goals are on the ratio; nothing here is
a pass/fail assertion. ``--against PATH`` also times paitui's commands from another checkout (e.g. a worktree
of the commit before a change), interleaved with the rest, as figures named "… @ NAME" against the same
baselines (any checkout: the frames are read from outside the process).
"""

from __future__ import annotations

import ctypes
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
    # on a terminal: the texts whose arrival is timed, in the order they are painted (a run that never paints
    # them is an error); the process is killed once the last has arrived
    marks: tuple[str, ...] = ()
    root: Path = ROOT  # the checkout it runs from (PYTHONPATH and working directory)

    @property
    def on_terminal(self) -> bool:
        return bool(self.marks)

    def at(self, root: Path) -> Command:
        return replace(self, name=f"{self.name} @ {root.name}", root=root)


@dataclass(frozen=True)
class Timed:
    title: str
    paitui: Command
    baseline: Command
    goal: str  # on the ratio paitui/baseline
    mark: str = ""  # which of paitui's marks this figure times (the baseline's last mark is its own)

    def sample_of(self, command: Command) -> str:
        """The samples' key: the command, and the mark timed (for a terminal command)."""
        mark = self.mark if command.name.startswith(self.paitui.name) else command.marks[-1:]
        return f"{command.name} ⟶ {''.join(mark)}" if command.on_terminal else command.name


def paitui(*args: str) -> tuple[str, ...]:
    return (sys.executable, "-c", CONSOLE_SCRIPT, *args)


ARGPARSE = Command("python -c 'import argparse'", (sys.executable, "-c", "import argparse"))
FIRST_FRAME = "DEMO"  # the header's badge: in paitui's first frame, rows or not
FIRST_ROWS = "llm_pretrain"  # the demo world's first workspace (paitui.sim.world)
DEMO = Command("paitui --demo", paitui("--demo"), marks=(FIRST_FRAME, FIRST_ROWS))
BARE = Command("bare Textual app, one DataTable", (sys.executable, str(BARE_APP)), marks=("workspace_1",))
FIGURES = (
    Timed("paitui --help, CPU", Command("paitui --help", paitui("--help")), ARGPARSE, "≤ 3×"),
    Timed("paitui call --help, CPU", Command("paitui call --help", paitui("call", "--help")), ARGPARSE, "≤ 3×"),
    Timed("paitui job --help, CPU", Command("paitui job --help", paitui("job", "--help")), ARGPARSE, "≤ 3×"),
    Timed("start to first frame, CPU", DEMO, BARE, "≤ 1.3×", mark=FIRST_FRAME),
    # no goal of its own: the rows follow the first frame, and must not come later than they did
    Timed("start to first rows, CPU", DEMO, BARE, "", mark=FIRST_ROWS),
)


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ALIBABA_CLOUD", "PAITUI_", "DASHSCOPE", "TEXTUAL"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), XDG_STATE_HOME=str(home / "state"),
               PYTHONPYCACHEPREFIX=str(home / "pycache"), TERM="xterm-256color",
               COLUMNS=str(TERMINAL[1]), LINES=str(TERMINAL[0]))
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


_LIBC = ctypes.CDLL(None, use_errno=True)


def process_cpu(pid: int) -> float:
    """CPU seconds process ``pid`` has used so far, all its threads (its CPU-time clock, as a profiler reads)."""
    clock = ctypes.c_int()
    if _LIBC.clock_getcpuclockid(pid, ctypes.byref(clock)) != 0:
        raise OSError(ctypes.get_errno(), f"no CPU clock for process {pid}")
    return time.clock_gettime(clock.value)


def run_on_terminal(argv: tuple[str, ...], env: dict[str, str], cwd: Path = ROOT,
                    marks: tuple[str, ...] = ()) -> tuple[int, str, dict[str, float]]:
    """Run on a pseudo-terminal of TERMINAL's size, reading everything it paints until it exits; with
    ``marks``, the process's CPU when each text first reaches the terminal, and it is killed after the last."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", TERMINAL[0], TERMINAL[1], 0, 0))
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                               start_new_session=True)
    os.close(slave)
    painted = bytearray()
    seen: dict[str, float] = {}
    waiting = [mark.encode() for mark in marks]
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
            while waiting and waiting[0] in painted[-(len(chunk) + len(waiting[0])):]:
                seen[waiting.pop(0).decode()] = process_cpu(process.pid)  # before the next read: at once
            if marks and not waiting:
                os.killpg(process.pid, 9)  # seen what was timed: what it does next is not
                process.wait(TIMEOUT)
                return 0, painted.decode("utf-8", "replace"), seen
        else:
            process.kill()
            raise TimeoutError(f"{argv} did not leave within {TIMEOUT:g} s")
        return process.wait(TIMEOUT), painted.decode("utf-8", "replace"), seen
    finally:
        os.close(master)


def run_once(command: Command, env: dict[str, str]) -> dict[str, float]:
    """One fresh process of ``command``: its CPU seconds, at each mark on a terminal (it must succeed, and
    paint what it should)."""
    env = {**env, "PYTHONPATH": str(command.root)}
    if command.on_terminal:  # cwd too: ``-c`` puts it first on the path
        code, output, seen = run_on_terminal(command.argv, env, command.root, command.marks)
        missing = [mark for mark in command.marks if mark not in seen]
        if missing:
            raise RuntimeError(f"{command.name} left (status {code}) without painting {missing[0]!r}:\n"
                               f"{output[-2000:]}")
        return {f"{command.name} ⟶ {mark}": cpu for mark, cpu in seen.items()}
    before = _children_cpu()
    done = subprocess.run(command.argv, env=env, cwd=command.root, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=TIMEOUT)
    spent = _children_cpu() - before
    if done.returncode != 0:
        raise RuntimeError(f"{command.name} exited {done.returncode}:\n{(done.stdout + done.stderr)[-2000:]}")
    return {command.name: spent}


def commands(against: Path | None) -> list[Command]:
    found = [c for f in FIGURES for c in (f.paitui, f.baseline)]
    if against is not None:
        found += [f.paitui.at(against) for f in FIGURES]
    return list({c.name: c for c in found}.values())


def measure(commands: list[Command], runs: int, env: dict[str, str], *, warm: bool) -> dict[str, list[float]]:
    if warm:
        for command in commands:  # warm-up, untimed: compiles the bytecode a real install would have
            run_once(command, env)
    samples: dict[str, list[float]] = {}
    for round_ in range(runs):
        shift = round_ % len(commands)
        for command in commands[shift:] + commands[:shift]:
            for key, value in run_once(command, env).items():
                samples.setdefault(key, []).append(value)
    return samples


def figures(samples: dict[str, list[float]], against: Path | None) -> list[Figure]:
    """CPU in ms, each against its baseline; with ``--against``, the other checkout's paitui as figures too."""
    found = []
    for timed in FIGURES:
        ms = {name: [value * 1000 for value in values] for name, values in samples.items()}
        theirs = dict(baseline_name=timed.baseline.name, baseline_samples=ms[timed.sample_of(timed.baseline)])
        goal = timed.goal or None
        found.append(Figure(timed.title, "ms", ms[timed.sample_of(timed.paitui)], goal=goal, **theirs))
        if against is not None:
            found.append(Figure(f"{timed.title} @ {against.name}", "ms",
                                ms[timed.sample_of(timed.paitui.at(against))], goal=goal, **theirs))
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
             f"on a {TERMINAL[1]}×{TERMINAL[0]} pseudo-terminal for the frames, the process's CPU when the frame "
             f"reached it ({FIRST_FRAME!r} for paitui's first frame, {FIRST_ROWS!r} for its first rows); "
             "empty home, default demo",
             "bytecode cached by one untimed warm-up run each" if not args.tiny else "--tiny: no warm-up"]
    if against is not None:
        notes.append(f"'@ {against.name}': paitui from {against}")
    Report("bench_start", figures(samples, against), notes).emit(args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
