"""Where a dashboard crash goes: the full traceback into a private file in the XDG state dir, one line on
the terminal (issue 10: an unhandled exception exits non-zero, restores the terminal and names the file).

The traceback is plain text without local variables (Textual's own report shows locals, which can hold
credentials or a signed request); the file is created 0600 in a 0700 folder.
"""

from __future__ import annotations

import os
import traceback
from datetime import datetime
from pathlib import Path

from paitui import __version__
from paitui.locations import crash_dir


def write_crash_report(error: BaseException, *, now: datetime | None = None) -> Path:
    """Write ``error``'s traceback to a new file and return its path."""
    folder = crash_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = (now or datetime.now()).strftime("%Y%m%dT%H%M%S")
    path = folder / f"crash-{stamp}-{os.getpid()}.log"
    text = f"paitui {__version__} crashed at {stamp}\n" + "".join(traceback.format_exception(error))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # private before a byte is written
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    return path


def crash_line(error: BaseException, path: Path | None) -> str:
    """The one line printed once the terminal is restored."""
    what = f"{type(error).__name__}: {error}".splitlines()[0][:200]
    where = f"; the full traceback is in {path}" if path is not None else " (the traceback could not be saved)"
    return f"paitui crashed ({what}){where}"
