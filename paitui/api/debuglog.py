"""``--debug``: one line per HTTP exchange in the XDG state directory, with every secret redacted."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REDACTED = "***"
# headers whose value is, or is derived from, a secret
SECRET_HEADERS = frozenset({"authorization", "x-acs-security-token", "x-acs-bearer-token"})


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    out = {}
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS:
            scheme = value.split(" ", 1)[0] if name.lower() == "authorization" else ""
            out[name] = f"{scheme} {REDACTED}".strip() if scheme in ("ACS3-HMAC-SHA256", "Bearer", "acs") \
                else REDACTED
        else:
            out[name] = value
    return out


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Belt and braces: remove any known secret that slipped into free text."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, REDACTED)
    return text


MAX_BYTES = 5_000_000  # one file; then requests.log.1 … requests.log.3, the oldest dropped
BACKUPS = 3


class RequestLog:
    """Append-only JSON-lines log, size-capped and rotated. It holds request shapes (ids, names, paths), so
    it is private: the folder 0700, each file 0600. Writes are small and synchronous: debug mode trades
    speed for a record."""

    def __init__(self, path: Path, *, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.backups = backups
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)  # mkdir's mode is masked by the umask and ignored for an existing folder
        self._size = self._open_size()

    def _open_size(self) -> int:
        """Create the file 0600 (or tighten an older one) and return its size."""
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)
            return os.fstat(fd).st_size
        finally:
            os.close(fd)

    def _rotate(self) -> None:
        for index in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{index}")
            if older.exists():
                older.replace(self.path.with_name(f"{self.path.name}.{index + 1}"))
        if self.backups > 0:
            self.path.replace(self.path.with_name(f"{self.path.name}.1"))
        else:
            self.path.unlink(missing_ok=True)
        self._size = self._open_size()

    def write(self, entry: Mapping[str, Any], secrets: Iterable[str] = ()) -> None:
        record = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), **entry}
        if "request_headers" in record:
            record["request_headers"] = redact_headers(record["request_headers"])
        data = (scrub(json.dumps(record, ensure_ascii=False, default=str), list(secrets)) + "\n").encode()
        if self._size and self._size + len(data) > self.max_bytes:
            self._rotate()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        self._size += len(data)
