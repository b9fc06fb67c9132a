"""The full history of a log on disk: the view keeps only the newest lines in memory, the spool keeps all.

Save and find-all read the spool, so they cover every fetched line however many the view dropped. One
append per poll (``writelines`` of the batch); the file is anonymous-ish (a temp file removed on close).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from paitui.live.logsearch import Pattern


class LogSpool:
    def __init__(self, directory: str | None = None) -> None:
        fd, name = tempfile.mkstemp(prefix="paitui-log-", suffix=".log", dir=directory)
        self.path = Path(name)
        self._file = os.fdopen(fd, "w+", encoding="utf-8", newline="\n")
        self.count = 0
        self.bytes = 0

    def append(self, lines: list[str]) -> None:
        if not lines:
            return
        chunk = "\n".join(lines) + "\n"
        if chunk.count("\n") != len(lines):  # a line with an embedded newline: keep one line per line
            chunk = "\n".join(line.replace("\n", "\\n") for line in lines) + "\n"
        self._file.write(chunk)
        self.count += len(lines)
        self.bytes += len(chunk)

    def flush(self) -> None:
        self._file.flush()

    def lines(self) -> Iterator[str]:
        """Every spooled line, oldest first (a separate read handle: appends may continue meanwhile)."""
        self.flush()
        with self.path.open(encoding="utf-8", newline="\n") as reader:
            for n, line in enumerate(reader):
                if n >= self.count:
                    return
                yield line[:-1] if line.endswith("\n") else line

    def search(self, pattern: Pattern, *, limit: int | None = None) -> Iterator[tuple[int, str]]:
        """``(line number from 1, line)`` of every line matching ``pattern`` (filter semantics: ``invert``)."""
        found = 0
        for n, line in enumerate(self.lines(), 1):
            if pattern.matches(line):
                yield n, line
                found += 1
                if limit is not None and found >= limit:
                    return

    def save(self, target: Path) -> Path:
        """Copy the whole history to ``target`` (the lines fetched so far)."""
        self.flush()
        with self.path.open("rb") as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        return target

    def reset(self) -> None:
        self._file.seek(0)
        self._file.truncate()
        self.count = 0
        self.bytes = 0

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> LogSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
