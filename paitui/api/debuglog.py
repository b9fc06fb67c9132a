"""``--debug``: one line per HTTP exchange in the XDG state directory, with every secret redacted."""

from __future__ import annotations

import json
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


class RequestLog:
    """Append-only JSON-lines log. Writes are small and synchronous: debug mode trades speed for a record."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, entry: Mapping[str, Any], secrets: Iterable[str] = ()) -> None:
        record = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), **entry}
        if "request_headers" in record:
            record["request_headers"] = redact_headers(record["request_headers"])
        line = scrub(json.dumps(record, ensure_ascii=False, default=str), list(secrets))
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
