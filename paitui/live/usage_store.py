"""Where the request meter's counts outlive the process: ``$XDG_STATE_HOME/paitui/usage.json``.

The file holds, per billing day (UTC+8, ``api.meter``), the calls and failures of each operation, summed over
every paitui process that ran that day; the month's totals (and so its free calls left) are the sum of its
days. A save adds this run's unsaved counts to what the file says *now* (another dashboard may have saved in
between) under a lock, and writes the result atomically (``live.atomic``: 0600, in a 0700 folder). Saves
run on a timer and at exit, never per request, and the file I/O runs in a thread (``save_async``), so the UI
loop never waits on the disk. Days older than the previous month are dropped.

A save that fails (a full disk, a read-only home) keeps the counts in memory for the next save; the meter
never fails a request over it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

from paitui.api.meter import BILLING_TZ, History, RequestMeter, merge_day
from paitui.live.atomic import AtomicFile

FORMAT = 1
SAVE_EVERY = 60.0  # seconds between the dashboard's saves


def _keep_from(today: str) -> str:
    """The first day kept: the 1st of the previous month (this month's free calls need every day of it)."""
    year, month = int(today[:4]), int(today[5:7])
    year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return f"{year:04d}-{month:02d}-01"


def read_history(path: Path) -> History:
    """The file's days ({} when it does not exist or cannot be read as ours: counting starts afresh)."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    days = data.get("days") if isinstance(data, dict) else None
    if not isinstance(days, dict):
        return {}
    history: History = {}
    for day, tally in days.items():
        if not isinstance(tally, dict):
            continue
        cells: dict[str, list[int]] = {}
        for name, cell in tally.items():
            if (isinstance(cell, list) and len(cell) == 2
                    and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in cell)):
                cells[str(name)] = [cell[0], cell[1]]
        history[str(day)] = cells
    return history


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One saver at a time across processes (POSIX ``flock``; elsewhere the atomic rename alone)."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    fd = os.open(folder / "usage.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


class UsageStore:
    """Loads the persisted days into ``meter`` and saves what it counted."""

    def __init__(self, meter: RequestMeter, path: Path | None = None) -> None:
        from paitui.locations import usage_file

        self.meter = meter
        self.path = path or usage_file()
        self.error: str | None = None  # why the last save failed (the counts were kept for the next one)

    def load(self) -> None:
        self.meter.absorb(read_history(self.path))

    def save(self) -> None:
        """Save now, on this thread (the exit of a headless command)."""
        taken = self.meter.take_unsaved()
        if taken:
            self._settle(taken, self._attempt(taken))

    async def save_async(self) -> None:
        """Save with the file I/O in a thread: the counts are taken here, on the loop the client counts on,
        so no request is counted into a tally while it is being written."""
        taken = self.meter.take_unsaved()
        if taken:
            self._settle(taken, await asyncio.to_thread(self._attempt, taken))

    def _attempt(self, taken: History) -> History | OSError:
        try:
            return self._write(taken)
        except OSError as exc:
            return exc

    def _settle(self, taken: History, outcome: History | OSError) -> None:
        if isinstance(outcome, OSError):
            self.meter.restore(taken)  # kept for the next save
            self.error = outcome.strerror or str(outcome)
        else:
            self.error = None
            self.meter.absorb(outcome)

    def _write(self, taken: History) -> History:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask and ignored for an existing folder
        with _locked(folder):
            history = read_history(self.path)
            for day, tally in taken.items():
                merge_day(history.setdefault(day, {}), tally)
            floor = _keep_from(self.meter.today())
            history = {day: tally for day, tally in sorted(history.items()) if day >= floor}
            payload = {"format": FORMAT, "billing_timezone": str(BILLING_TZ), "days": history}
            text = json.dumps(payload, indent=1, sort_keys=True).encode()
            with AtomicFile(self.path) as file:
                file.write(text)
        return history
