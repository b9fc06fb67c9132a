"""Atomic file writes: a save either leaves the complete file under its final name or nothing there.

The bytes go to a temporary file in the target's own folder (so the final ``os.replace`` is a rename on one
filesystem, atomic on POSIX and Windows), created 0600 because saved logs and JSON can hold request data;
the rename happens only after every byte is written and synced. Any failure on the way, an exception, a
cancelled task or ctrl+c, removes the temporary file and leaves an existing file of that name untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

PRIVATE = 0o600


class AtomicFile:
    """``with AtomicFile(target) as f: f.write(...)``, or ``open()`` / ``commit()`` / ``discard()`` by hand
    (for an async writer that commits in a thread)."""

    def __init__(self, target: Path, *, mode: int = PRIVATE) -> None:
        self.target = Path(target)
        self.mode = mode
        self.temp: Path | None = None
        self.file: BinaryIO | None = None

    def open(self) -> BinaryIO:
        fd, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".part", dir=self.target.parent)
        self.temp = Path(name)
        # mkstemp makes it 0600 already; an explicit mode wins (no fchmod on Windows: owner-only stays)
        with contextlib.suppress(AttributeError, OSError):
            os.fchmod(fd, self.mode)
        self.file = os.fdopen(fd, "wb")
        return self.file

    def commit(self) -> Path:
        """Flush, sync and rename onto the target; on any failure the temporary file is removed."""
        assert self.file is not None and self.temp is not None, "open() first"
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            os.replace(self.temp, self.target)
        except BaseException:
            self.discard()
            raise
        self.temp = None
        return self.target

    def discard(self) -> None:
        """Drop the partial file (idempotent); the target is left as it was."""
        if self.file is not None and not self.file.closed:
            with contextlib.suppress(OSError):
                self.file.close()
        if self.temp is not None:
            with contextlib.suppress(OSError):
                self.temp.unlink()
            self.temp = None

    def __enter__(self) -> BinaryIO:
        return self.open()

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def write_atomic(target: Path, write: Callable[[BinaryIO], None], *, mode: int = PRIVATE) -> Path:
    """Write ``target`` through ``write(file)`` atomically (see the module notes)."""
    with AtomicFile(target, mode=mode) as file:
        write(file)
    return Path(target)

