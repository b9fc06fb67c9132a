"""The history of a log on disk: the view keeps only the newest lines in memory, the spool keeps many more.

Find-all reads the spool, so it covers every fetched line the view dropped (a save fetches the whole log
from PAI again: ``paitui.live.log_export``). One append per poll (``write`` of the batch).

Bounded: the spool holds at most ``max_bytes`` (default 256 MiB, about 2 million typical lines, 40× what
the view keeps). It is a chain of segment files; once the total passes the cap the **oldest** segment is
deleted, so the newest lines are always there and ``dropped`` counts the oldest lines let go (the log view
says so). Line numbers stay those of the whole fetched history (``first`` is the number of the oldest line
kept).

Cleaned up on every exit path: ``close`` (the log screen's unmount) deletes the files, an ``atexit`` hook
closes every spool still open (normal exit, an exception, SIGTERM through the app's teardown), and the
segments of a process that was killed outright are deleted by the next paitui that makes a spool: files
are named ``<pid>-…`` in one private directory, and those whose pid is no longer alive are removed.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import tempfile
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from paitui.live.logsearch import Pattern

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
SEGMENTS = 8  # a segment is max_bytes / SEGMENTS: at most that much of the oldest history is dropped at once

_open: weakref.WeakSet[LogSpool] = weakref.WeakSet()
_cleaned: set[Path] = set()


def spool_dir() -> Path:
    """``$XDG_STATE_HOME/paitui/spool`` (``PAITUI_STATE_DIR`` overrides), created 0700; a private folder in
    the temp dir when the state dir cannot be made (a read-only home)."""
    from paitui.locations import state_dir

    path = state_dir() / "spool"
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        path = Path(tempfile.gettempdir()) / f"paitui-spool-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    return path


def clean_at_start() -> None:
    """What a killed paitui left behind, removed when the next one starts (once per process)."""
    directory = spool_dir()
    if directory not in _cleaned:
        _cleaned.add(directory)
        clean_stale(directory)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (another user's) or cannot tell: keep its files
    return True


def clean_stale(directory: Path) -> list[Path]:
    """Delete the spool files of processes that are no longer alive; the paths removed."""
    removed: list[Path] = []
    with contextlib.suppress(OSError):
        for path in directory.glob("*.log"):
            head = path.name.split("-", 1)[0]
            if not head.isdigit() or _pid_alive(int(head)):
                continue
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


@dataclass(slots=True)
class _Segment:
    path: Path
    lines: int = 0
    bytes: int = 0


class LogSpool:
    def __init__(self, directory: str | Path | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.directory = Path(directory) if directory is not None else spool_dir()
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.directory not in _cleaned:  # once per process and directory: what killed processes left
            _cleaned.add(self.directory)
            clean_stale(self.directory)
        self.max_bytes = max(1, max_bytes)
        self.segment_bytes = max(1, self.max_bytes // SEGMENTS)
        self._stem = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._seq = 0
        self._segments: list[_Segment] = []
        self._file: TextIO | None = None
        self.count = 0  # lines held now
        self.bytes = 0  # bytes held now
        self.dropped = 0  # oldest lines deleted to stay under max_bytes
        self._closed = False
        self._new_segment()
        _open.add(self)

    # --- files ---

    @property
    def path(self) -> Path:
        """The segment being written."""
        return self._segments[-1].path

    @property
    def paths(self) -> list[Path]:
        return [s.path for s in self._segments]

    @property
    def first(self) -> int:
        """The line number (from 1) of the oldest line held."""
        return self.dropped + 1

    def _new_segment(self) -> None:
        if self._file is not None:
            self._file.close()
        path = self.directory / f"{self._stem}-{self._seq:05d}.log"
        self._seq += 1
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        self._file = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        self._segments.append(_Segment(path))

    def _trim(self) -> None:
        while self.bytes > self.max_bytes and len(self._segments) > 1:
            oldest = self._segments.pop(0)
            with contextlib.suppress(OSError):
                oldest.path.unlink()
            self.count -= oldest.lines
            self.bytes -= oldest.bytes
            self.dropped += oldest.lines

    # --- writing ---

    def append(self, lines: list[str]) -> None:
        if not lines or self._closed:
            return
        chunk = "\n".join(lines) + "\n"
        if chunk.count("\n") != len(lines):  # a line with an embedded newline: keep one line per line
            chunk = "\n".join(line.replace("\n", "\\n") for line in lines) + "\n"
        if self._segments[-1].bytes >= self.segment_bytes:
            self._new_segment()
        assert self._file is not None
        self._file.write(chunk)
        size = len(chunk.encode("utf-8")) if not chunk.isascii() else len(chunk)
        segment = self._segments[-1]
        segment.lines += len(lines)
        segment.bytes += size
        self.count += len(lines)
        self.bytes += size
        self._trim()

    def flush(self) -> None:
        if self._file is not None and not self._file.closed:
            self._file.flush()

    # --- reading ---

    def lines(self) -> Iterator[str]:
        """Every held line, oldest first (separate read handles: appends may continue meanwhile)."""
        self.flush()
        for segment in list(self._segments):
            want = segment.lines
            try:
                reader = segment.path.open(encoding="utf-8", newline="\n")
            except FileNotFoundError:  # trimmed meanwhile
                continue
            with reader:
                for n, line in enumerate(reader):
                    if n >= want:
                        break
                    yield line[:-1] if line.endswith("\n") else line

    def search(self, pattern: Pattern, *, limit: int | None = None) -> Iterator[tuple[int, str]]:
        """``(line number in the whole history from 1, line)`` of every held line matching ``pattern``."""
        found = 0
        for n, line in enumerate(self.lines(), self.first):
            if pattern.matches(line):
                yield n, line
                found += 1
                if limit is not None and found >= limit:
                    return

    # --- lifecycle ---

    def _remove_files(self) -> None:
        if self._file is not None and not self._file.closed:
            self._file.close()
        for segment in self._segments:
            with contextlib.suppress(OSError):
                segment.path.unlink()
        self._segments.clear()

    def reset(self) -> None:
        self._remove_files()
        self.count = self.bytes = self.dropped = 0
        self._new_segment()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._remove_files()
        _open.discard(self)

    def __enter__(self) -> LogSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@atexit.register
def close_all() -> None:
    """Remove every spool still open (the exit paths that skip the log screen's unmount)."""
    for spool in list(_open):
        spool.close()
