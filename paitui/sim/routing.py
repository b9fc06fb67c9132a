"""How a simulated operation is declared and what its handler receives.

Each handler module declares its operations in its own table, ``routes = Routes(product)``, with
``@routes.route(action, method, path)`` on each handler; the app serves the tables it lists
(``app.ROUTE_TABLES``), so importing a module registers nothing anywhere. The app matches the
method and the raw (still percent-encoded) path, decodes each path segment on its own (so ``%2F`` inside an
id is not a separator), checks ``x-acs-action``/``x-acs-version`` when present, authenticates, and calls the
handler with a ``Call``. A handler returns the complete JSON response body (a dict) including its own
request-id key (``RequestId`` in most places, ``RequestID`` for sanity checks, none for dashboards), or raises
``SimError``. Handlers never see HTTP; they must not import ``paitui.api``.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from paitui.sim.errors import SimError, invalid_param, missing_param

if TYPE_CHECKING:
    from paitui.sim.encoded import EncodedBody
    from paitui.sim.world import World

_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


@dataclass(frozen=True, slots=True)
class Caller:
    """Who signed the request (after authentication)."""

    user_id: str
    user_name: str
    auth: str  # "ak", "sts", "bearer", "roa-sha1"
    access_key_id: str | None = None
    read_only: bool = False  # a RAM user without write permission: mutations get Forbidden.RAM


@dataclass(slots=True)
class Call:
    product: str
    action: str
    method: str
    path_params: dict[str, str]
    query: dict[str, str]  # decoded wire query (last value wins)
    body: Any  # parsed JSON body, or None when the request had no body
    caller: Caller
    world: World
    request_id: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def now(self) -> datetime:
        return self.world.clock.now()

    # --- parameter accessors: query and body share the rules; they raise the real error codes ---

    def _raw(self, name: str, where: str) -> Any:
        if where == "path":
            return self.path_params.get(name)
        if where == "query":
            return self.query.get(name)
        if isinstance(self.body, dict):
            return self.body.get(name)
        return None

    def str(self, name: str, default: str | None = None, *, where: str = "query", required: bool = False,
            choices: Iterable[str] | None = None) -> str | None:
        value = self._raw(name, where)
        if value is None or value == "":
            if required:
                raise missing_param(name)
            return default
        if not isinstance(value, str):
            value = json.dumps(value) if isinstance(value, dict | list) else str(value)
        if choices is not None:
            allowed = list(choices)
            if value not in allowed:
                raise invalid_param(name, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def int(self, name: builtins.str, default: int | None = None, *, where: builtins.str = "query",
            required: bool = False,
            minimum: int | None = None, maximum: int | None = None) -> int | None:
        value = self._raw(name, where)
        if value is None or value == "":
            if required:
                raise missing_param(name)
            return default
        if isinstance(value, bool):
            raise invalid_param(name, f"{value!r} is not an integer")
        try:
            number = int(value) if not isinstance(value, float) or value.is_integer() else None
        except (TypeError, ValueError):
            number = None
        if number is None:
            raise invalid_param(name, f"{value!r} is not an integer")
        if minimum is not None and number < minimum:
            raise invalid_param(name, f"{number} is less than {minimum}")
        if maximum is not None and number > maximum:
            raise invalid_param(name, f"{number} is greater than {maximum}")
        return number

    def bool(self, name: builtins.str, default: bool | None = None, *, where: builtins.str = "query") -> bool | None:
        """Booleans arrive as true/false in any case (the Python SDK sends True/False)."""
        value = self._raw(name, where)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise invalid_param(name, f"{value!r} is not a boolean")

    def time(self, name: builtins.str, default: datetime | None = None, *,
             where: builtins.str = "query") -> datetime | None:
        """ISO-8601 (``Z`` or offset, with or without millis) or epoch seconds/milliseconds."""
        value = self._raw(name, where)
        if value is None or value == "":
            return default
        parsed = parse_time(value)
        if parsed is None:
            raise invalid_param(name, f"{value!r} is not a valid time")
        return parsed

    def json_value(self, name: builtins.str, *, where: builtins.str = "query") -> Any:
        """A "shrink" parameter: a JSON document sent as one string (ListJobs Tags)."""
        value = self._raw(name, where)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except ValueError:
            raise invalid_param(name, "not valid JSON") from None

    def body_dict(self) -> dict[builtins.str, Any]:
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise SimError(400, "InvalidParameter", "The request body must be a JSON object.")
        return self.body


def parse_time(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 10**11 else value
        return datetime.fromtimestamp(seconds, UTC)
    text = str(value).strip()
    if text.isdigit():
        return parse_time(int(text))
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def iso(moment: datetime | None) -> str | None:
    """The DLC wire format: ``2021-01-12T14:35:01Z`` (UTC, no millis)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_millis(moment: datetime | None) -> str | None:
    """The AIWorkSpace wire format: ``2021-01-12T14:35:01.123Z``."""
    if moment is None:
        return None
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


# a handler answers the body as a dict, or already encoded (``EncodedBody``: a cached GetJob)
Handler = Callable[[Call], "dict[str, Any] | EncodedBody"]


@dataclass(frozen=True, slots=True)
class Route:
    product: str
    action: str
    method: str
    path: str
    handler: Handler
    pattern: re.Pattern[str]
    mutating: bool
    idempotent: bool  # repeating it changes nothing more: reads, and mutations that set a value (Update*, Set*)


_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_MUTATING_PREFIXES = ("Create", "Update", "Delete", "Stop", "Start", "Terminate", "Rerun", "Set")
_SETTING_PREFIXES = ("Update", "Set")  # mutations whose repeat sets the same value again


def compile_path(path: str) -> re.Pattern[str]:
    """Placeholders match one raw segment (no ``/``); the app percent-decodes each captured segment."""
    out, last = [], 0
    for match in _PLACEHOLDER.finditer(path):
        out.append(re.escape(path[last:match.start()]))
        out.append(f"(?P<{match.group(1)}>[^/]+)")
        last = match.end()
    out.append(re.escape(path[last:]))
    return re.compile("^" + "".join(out) + "$")


def make_route(product: str, action: str, method: str, path: str, handler: Handler, *,
               mutating: bool | None = None, idempotent: bool | None = None) -> Route:
    """A route; whether it mutates and whether a repeat is harmless follow from the action's name unless
    given."""
    is_mutating = action.startswith(_MUTATING_PREFIXES) if mutating is None else mutating
    is_idempotent = (not is_mutating or action.startswith(_SETTING_PREFIXES)) if idempotent is None else idempotent
    return Route(product, action, method.upper(), path, handler, compile_path(path), is_mutating, is_idempotent)


class Routes:
    """One handler module's table of operations of one product, in declaration order."""

    def __init__(self, product: str) -> None:
        self.product = product
        self._routes: list[Route] = []

    def route(self, action: str, method: str, path: str, *, mutating: bool | None = None,
              idempotent: bool | None = None) -> Callable[[Handler], Handler]:
        """Declare the decorated handler as ``action`` at ``method path``."""
        def declare(handler: Handler) -> Handler:
            self._routes.append(make_route(self.product, action, method, path, handler, mutating=mutating,
                                           idempotent=idempotent))
            return handler

        return declare

    def __iter__(self) -> Iterator[Route]:
        return iter(self._routes)

    def __len__(self) -> int:
        return len(self._routes)
