"""Leaving the dashboard through a real terminal (a pty): SIGTERM and SIGHUP restore it as ctrl+q does and
exit 143 / 129; an unhandled exception restores it, exits 1 and prints one line naming the private file that
holds the traceback (issue 10 §1, §4)."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LEAVE = ("\x1b[?1049l", "\x1b[?1000l", "\x1b[?1003l", "\x1b[?1006l", "\x1b[?25h")  # alt screen, mouse, cursor
# a key that raises inside a list screen: the crash a user would meet, without a bug planted in paitui
CRASHING = """
import sys
from textual.binding import Binding
from paitui.ui.screens.resource_list import ResourceListScreen

def boom(self):
    raise ValueError("planted by the test")

ResourceListScreen.action_planted = boom
ResourceListScreen.BINDINGS = [*ResourceListScreen.BINDINGS, Binding("z", "planted", "boom")]
from paitui.cli import main
sys.exit(main(["--demo"]))
"""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")


class Terminal:
    """``python -m paitui`` (or a script) on the child side of a pty, 160×48, files kept in ``home``."""

    def __init__(self, home: Path, *args: str, blocked: frozenset[int] = frozenset()) -> None:
        self.master, child = os.openpty()
        fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 48, 160, 0, 0))
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color", "PAITUI_STATE_DIR": str(home / "state"),
               "PAITUI_CONFIG_DIR": str(home / "config"), "COLUMNS": "160", "LINES": "48"}
        env.pop("NO_COLOR", None)
        # ``blocked``: signals the child starts with blocked, as a parent can leave them (the mask is inherited)
        mask = (lambda: signal.pthread_sigmask(signal.SIG_BLOCK, blocked)) if blocked else None
        self.proc = subprocess.Popen([sys.executable, *args], stdin=child, stdout=child, stderr=child, env=env,
                                     cwd=home, start_new_session=True, preexec_fn=mask)
        os.close(child)
        self.output = ""

    def read_until(self, wanted: str, limit: float = 60.0) -> str:
        """Read the terminal until ``wanted`` shows (or the child ends, or ``limit`` guards a hang)."""
        end = len(self.output)
        give_up = time.monotonic() + limit  # the app redraws every second: select alone never times out
        while wanted not in self.output[max(0, end - len(wanted)):]:
            if time.monotonic() > give_up:
                raise AssertionError(f"{wanted!r} never appeared; the terminal shows …{self.output[-500:]!r}")
            ready, _, _ = select.select([self.master], [], [], limit)
            if not ready:
                raise AssertionError(f"{wanted!r} never appeared; the terminal shows …{self.output[-500:]!r}")
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the child side closed
                break
            if not chunk:
                break
            self.output += chunk.decode("utf-8", "replace")
        return self.output

    def finish(self) -> int:
        """The exit status, once everything the child wrote has been read. The terminal is read *while* the
        child ends: a child whose last frame does not fit the pty's buffer blocks writing it (and never exits)
        until someone reads."""
        give_up = time.monotonic() + 60
        while time.monotonic() < give_up:
            if not select.select([self.master], [], [], 0.5)[0]:
                if self.proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: all read and the child side is closed
                break
            if not chunk:
                break
            self.output += chunk.decode("utf-8", "replace")
        code = self.proc.wait(timeout=max(1.0, give_up - time.monotonic()))
        os.close(self.master)
        return code

    def send(self, text: str) -> None:
        os.write(self.master, text.encode())


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., Terminal]]:
    """Terminals for the test; one still running at the end (a failed test) is killed, never left behind."""
    made: list[Terminal] = []

    def make(*args: str, blocked: frozenset[int] = frozenset()) -> Terminal:
        made.append(Terminal(tmp_path, *args, blocked=blocked))
        return made[-1]

    yield make
    for term in made:
        if term.proc.poll() is None:
            os.killpg(term.proc.pid, signal.SIGKILL)  # its own session: the whole group goes
            term.proc.wait()


def drawn(term: Terminal) -> int:
    """Wait until the dashboard has drawn its first list; where in the output it did."""
    term.read_until("\x1b[?1049h")  # entered the alternate screen
    term.read_until("shown")  # the summary bar of the first list ("12/12 shown …")
    return len(term.output)


@pytest.mark.parametrize(("signum", "status", "blocked"), [
    (signal.SIGTERM, 143, False), (signal.SIGHUP, 129, False),
    (signal.SIGHUP, 129, True),  # a parent may start us with it blocked: it would stay pending for ever
], ids=["SIGTERM", "SIGHUP", "SIGHUP-blocked-by-the-parent"])
def test_a_signal_restores_the_terminal_and_exits_128_plus_it(spawn: Callable[..., Terminal], signum: int,
                                                               status: int, blocked: bool) -> None:
    term = spawn("-m", "paitui", "--demo", blocked=frozenset({signum}) if blocked else frozenset())
    mark = drawn(term)
    term.proc.send_signal(signum)
    code = term.finish()
    after = term.output[mark:]
    # before: SIGTERM killed it at once: alternate screen still on, mouse tracking on, cursor hidden, status -15
    assert code == status
    for sequence in LEAVE:
        assert sequence in after, f"{sequence!r} not written after the signal"
    assert "Traceback" not in after


def test_a_crash_restores_the_terminal_exits_1_and_names_the_traceback_file(tmp_path: Path,
                                                                            spawn: Callable[..., Terminal]) -> None:
    term = spawn("-c", CRASHING)
    mark = drawn(term)
    term.send("z")
    code = term.finish()
    after = term.output[mark:]
    assert code == 1  # before: 0
    for sequence in LEAVE:
        assert sequence in after
    plain = re.sub(r"\x1b\[[0-9;?$]*[A-Za-z]", "", after.split("\x1b[?1049l", 1)[1])
    lines = [line for line in plain.splitlines() if line.strip()]
    assert len(lines) == 1, lines  # one line, not a screenful of traceback with local variables
    found = re.search(r"paitui crashed \(ValueError: planted by the test\); the full traceback is in (\S+)",
                      lines[0])
    assert found, lines[0]
    report = Path(found.group(1))
    assert report.parent == tmp_path / "state" / "crashes"
    assert report.stat().st_mode & 0o777 == 0o600
    assert report.parent.stat().st_mode & 0o777 == 0o700
    text = report.read_text()
    assert "Traceback (most recent call last)" in text and "planted by the test" in text
