"""Turn an Operation and wire-named parameters into the pieces of an HTTP request (before signing)."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from paitui.api.errors import UsageError
from paitui.api.operation import Operation, Param
from paitui.api.signing import percent_encode


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    method: str
    path: str  # encoded, as sent and signed
    query: dict[str, str]  # unencoded values, in the order given
    body: bytes  # b"" when there is no body
    json_body: dict[str, Any] | None

    @property
    def query_string(self) -> str:
        """Wire encoding (docs/WIRE.md §2.2): urlencode, spaces as ``+``; the signature re-encodes separately."""
        return urlencode(list(self.query.items()))


def wire_time(value: datetime | date | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.strftime("%Y-%m-%dT00:00:00Z")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):  # before int: bool is an int; the API wants lowercase
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return wire_time(value)
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _query_value(param: Param, value: Any) -> str:
    if param.kind == "bool" and isinstance(value, str):
        lowered = value.lower()
        if lowered not in ("true", "false"):
            raise UsageError(f"{param.name} must be true or false, not {value!r}")
        return lowered
    if param.kind == "time":
        return wire_time(value)
    if param.kind == "json" and isinstance(value, str):
        return value  # already a JSON string
    return _scalar(value)


def _flatten(prefix: str, value: Any, out: dict[str, str]) -> None:
    """``TokenSettings={"A": true}`` → ``TokenSettings.A=true`` (and ``.1``, ``.2`` for lists)."""
    if isinstance(value, dict):
        for key, sub in value.items():
            _flatten(f"{prefix}.{key}", sub, out)
    elif isinstance(value, list):
        for index, sub in enumerate(value, start=1):
            _flatten(f"{prefix}.{index}", sub, out)
    elif value is not None:
        out[prefix] = _scalar(value)


def _body_value(param: Param, value: Any) -> Any:
    if param.kind == "time" and isinstance(value, datetime | date):
        return wire_time(value)
    if param.kind == "bool" and isinstance(value, str):
        return value.lower() == "true"
    if param.kind == "int" and isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def _unknown_param(op: Operation, name: str) -> UsageError:
    close = difflib.get_close_matches(name, [p.name for p in op.params], n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    return UsageError(f"{op.action} has no parameter {name!r}.{hint}", action=op.action)


def prepare(op: Operation, params: Mapping[str, Any]) -> PreparedRequest:
    path = op.path
    query: dict[str, str] = {}
    body: dict[str, Any] = {}
    for name, value in params.items():
        if value is None:
            continue
        param = op.param(name)
        if param is None:
            raise _unknown_param(op, name)
        if param.location == "path":
            text = _scalar(value)
            if text == "":
                raise UsageError(f"{op.action} needs a non-empty {name}.", action=op.action)
            path = path.replace("{" + name + "}", percent_encode(text))
        elif param.location == "query":
            if param.kind == "flat" and isinstance(value, dict | list):
                _flatten(name, value, query)
            else:
                query[name] = _query_value(param, value)
        else:
            body[name] = _body_value(param, value)
    missing = [p.name for p in op.params if p.required and params.get(p.name) is None]
    if missing:
        raise UsageError(f"{op.action} needs {', '.join(missing)}.", action=op.action)
    raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode() if body else b""
    return PreparedRequest(op.method, path, query, raw, body or None)
