"""The simulated PAI cloud as a raw ASGI app: routing, authentication, faults and the gateway's error bodies.

Per request: match method + raw path against the served routes (or map the seed documents' gateway URL
``/api/<Product>/<Version>/<rest-or-Action>`` onto them), check ``x-acs-action`` / ``x-acs-version`` when sent,
authenticate (``auth.py``), refuse mutations by read-only callers, apply injected faults (``faults.py``), call
the handler and answer compact JSON. Every answer is a JSON object with ``content-type:
application/json;charset=utf-8``, ``x-acs-request-id`` and a ``date`` header taken from the **world clock**
(so clients can learn the simulated server time). Raw ASGI rather than a framework: per-request overhead is a
few microseconds, which keeps ListJobs over 50,000 jobs well inside its 20 ms budget.

Error codes answered by the app itself (authentication codes: see ``auth.py``; fault codes: ``faults.py``):

=====  ==========================  ==============================================================
HTTP   Code                        when
=====  ==========================  ==============================================================
404    ``InvalidAction.NotFound``  no route for the path, or none for this method on that path,
                                   or an unknown product / action in a gateway-style URL, or an
                                   action-style URL called with another method than the action's
400    ``InvalidAction.Mismatch``  ``x-acs-action`` names another action than the route's
400    ``InvalidVersion``          ``x-acs-version`` (or the gateway URL's version) is not the product's
400    ``InvalidParameter``        the body is not valid UTF-8 JSON
400    ``MissingParameter``        gateway action-style URL without a required path parameter
403    ``Forbidden.RAM``           a read-only RAM user called a mutating action
429    ``Throttling.User``         over the caller's QPS limit (``throttle.py``), or injected throttling
                                   (with ``x-acs-retry-after`` ms, ``Retry-After`` s)
500    ``InternalError``           a handler raised an unexpected exception (logged), or injected
503    ``ServiceUnavailable``      injected
=====  ==========================  ==============================================================

Error body: ``{RequestId, HostId, Code, Message, Recommend}`` (plus ``Detail`` for signature mismatches).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, unquote

import orjson

from paitui.sim.auth import Authenticator, SignedRequest
from paitui.sim.encoded import EncodedBody
from paitui.sim.errors import SimError, missing_param
from paitui.sim.faults import (
    INTERNAL_ERROR_MESSAGE,
    THROTTLE_CODE,
    THROTTLE_MESSAGE,
    UNAVAILABLE_MESSAGE,
    ConnectionDropped,
    FaultPlan,
)
from paitui.sim.routing import Call, Caller, Route, Routes
from paitui.sim.throttle import QpsLimiter

if TYPE_CHECKING:
    from paitui.sim.world import World

log = logging.getLogger("paitui.sim")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ProductInfo:
    key: str  # the routing key: dlc, flow, workspace, plugin
    name: str  # the product code as Alibaba Cloud spells it (gateway URLs, Recommend links)
    version: str
    host: str  # HostId in error bodies
    prefix: str  # where the product's ROA paths live


PRODUCTS: dict[str, ProductInfo] = {
    "dlc": ProductInfo("dlc", "pai-dlc", "2020-12-03", "pai-dlc.cn-hangzhou.aliyuncs.com", "/api/v1"),
    "flow": ProductInfo("flow", "PAIFlow", "2021-02-02", "paiflow.cn-hangzhou.aliyuncs.com", "/api/v1"),
    "workspace": ProductInfo("workspace", "AIWorkSpace", "2021-02-04", "aiworkspace.cn-hangzhou.aliyuncs.com",
                             "/api/v1"),
    "plugin": ProductInfo("plugin", "PaiPlugin", "2022-01-12", "paiplugin.aliyuncs.com", "/api/v2"),
}
# gateway URL product segment (case-insensitive) -> routing key
_GATEWAY_NAMES: dict[str, str] = {
    **{info.name.lower(): key for key, info in PRODUCTS.items()},
    **{key: key for key in PRODUCTS},
    "paidlc": "dlc", "pai-flow": "flow", "paiworkspace": "workspace", "pai-plugin": "plugin",
}
_BY_VERSION: dict[str, str] = {info.version: key for key, info in PRODUCTS.items()}
# The handler modules whose ``routes`` tables the app serves. Listed here, not registered on import, so what
# the simulated cloud answers is read in one place; imported on first use, which keeps start-up cheap. Each
# lives in its product's package (``paitui.sim.<product>.…``, checked when loaded): a request that names its
# product (``x-acs-version``, or a gateway URL) loads that product's tables only (see ``SimApp._match``).
ROUTE_TABLES: tuple[str, ...] = (
    "paitui.sim.dlc.handlers", "paitui.sim.dlc.handlers_tb", "paitui.sim.dlc.handlers_tpl",
    "paitui.sim.flow.handlers", "paitui.sim.workspace.handlers", "paitui.sim.plugin.handlers",
)
_API_VERSION_SEGMENT = re.compile(r"^v\d+$")
_NOT_FOUND_MESSAGE = "Specified api is not found, please check your url and method."
_FORBIDDEN_MESSAGE = "User not authorized to operate on the specified resource, or this API doesn't support RAM."
_CONTENT_TYPE = (b"content-type", b"application/json;charset=utf-8")


def encode_json(body: Any) -> bytes:
    """A response body as compact UTF-8 JSON, as the services send it. orjson: a page of 100 jobs encodes in
    a fifth of the time ``json.dumps`` takes, and in demo mode that time is taken from the UI's core."""
    return orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)


def table_product(module: str) -> str:
    """The product a route table's module serves, from its package: ``paitui.sim.dlc.handlers`` → ``dlc``."""
    return module.split(".")[2]


def served_routes(product: str | None = None) -> tuple[Route, ...]:
    """Every route of the tables ``ROUTE_TABLES`` names (of ``product``'s only, when given), in order (the
    first match of a path wins)."""
    out: list[Route] = []
    for name in ROUTE_TABLES:
        if product is not None and table_product(name) != product:
            continue
        table = importlib.import_module(name).routes
        if not isinstance(table, Routes):
            raise TypeError(f"{name}.routes is a {type(table).__name__}, not a Routes table")
        if table.product != table_product(name):
            raise TypeError(f"{name} serves {table.product!r} outside its product's package")
        out.extend(table)
    return tuple(out)


def _camel(name: str) -> str:
    """``pipeline_run_id`` → ``PipelineRunId`` (how gateway action-style URLs spell path parameters)."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


class _RouteIndex:
    """The served routes bucketed by path depth (placeholders match one segment), literal routes first, and
    by (product, action) for gateway action-style URLs."""

    def __init__(self, routes: tuple[Route, ...]) -> None:
        self.routes = routes
        self.by_depth: dict[int, list[Route]] = {}
        for r in sorted(routes, key=lambda r: r.path.count("{")):
            self.by_depth.setdefault(r.path.count("/"), []).append(r)
        self.by_action: dict[tuple[str, str], Route] = {}
        for r in routes:
            self.by_action.setdefault((r.product, r.action), r)


@dataclass(slots=True)
class _Request:
    method: str
    raw_path: str
    query_pairs: list[tuple[str, str]]
    headers: dict[str, str]
    body_bytes: bytes
    request_id: str
    product: ProductInfo | None = None  # once known: for HostId / Recommend


def _decode_header(value: bytes) -> str:
    # ASCII is the norm; aiohttp sends UTF-8, http.client latin-1: try UTF-8 first so signatures still match
    if value.isascii():
        return value.decode("ascii")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    repeated: dict[str, list[str]] = {}
    for name_b, value_b in raw:
        name = name_b.decode("latin-1").lower()
        value = _decode_header(value_b).strip()
        if name in headers:
            repeated.setdefault(name, [headers[name]]).append(value)
        headers[name] = value
    for name, values in repeated.items():  # V3 canonical form of a repeated header: sorted, comma-joined
        headers[name] = ",".join(sorted(values))
    return headers


class SimApp:
    """The ASGI application. Attributes ``world``, ``faults`` and ``authenticator`` are there for tests."""

    def __init__(self, world: World, *, faults: FaultPlan | None = None, verify_auth: bool = True,
                 authenticator: Authenticator | None = None, limiter: QpsLimiter | None = None,
                 routes: tuple[Route, ...] | None = None) -> None:
        self.world = world
        self.faults = faults
        self.limiter = limiter  # the per-caller QPS limit (``sim serve --qps``); None: unlimited
        self.verify_auth = verify_auth
        self.last_caller: Caller | None = None
        self.authenticator = authenticator or Authenticator()
        # awaited with a route's product before its handler runs: the demo's child process waits here for a
        # product whose store is still being seeded on its thread (``sim/child.py``); None: nothing to wait for
        self.before_handler: Callable[[str], Awaitable[None]] | None = None
        # every route once loaded (or given); until then, the tables of the products asked for so far
        self._routes: _RouteIndex | None = None if routes is None else _RouteIndex(routes)
        self._product_routes: dict[str, _RouteIndex] = {}
        if faults is not None and not faults.seeded:
            faults.reseed(world.rng("faults"))  # deterministic per world seed

    # --- ASGI entry ---

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await self._read_body(receive)
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else quote(scope.get("path", "/"))
        # some transports (httpx's ASGITransport) put the query into raw_path as well
        path = path.split("?", 1)[0] or "/"
        query = scope.get("query_string", b"").decode("utf-8", "replace")
        req = _Request(scope["method"].upper(), path, parse_qsl(query, keep_blank_values=True),
                       _headers(scope.get("headers", [])), body, self.world.request_id())
        try:
            status, payload, extra = await self._handle(req)
        except ConnectionDropped:
            raise
        except SimError as err:
            status, payload, extra = self._error(req, err)
        except Exception:
            log.exception("simulated handler failed: %s %s", req.method, req.raw_path)
            status, payload, extra = self._error(req, SimError(500, "InternalError", INTERNAL_ERROR_MESSAGE))
        await self._respond(send, req, status, payload, extra)

    # --- the request pipeline ---

    async def _handle(self, req: _Request) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        body = self._parse_body(req.body_bytes)
        route, params = self._resolve(req, body)
        signed = SignedRequest(req.method, req.raw_path, req.query_pairs, req.headers, req.body_bytes)
        caller = self.authenticator.authenticate(signed) if self.verify_auth else self.authenticator.identify(signed)
        self.last_caller = caller  # who signed the latest request (interop tests check the auth path taken)
        if self.limiter is not None:
            self.limiter.check(caller)  # 429 Throttling.User beyond the caller's requests per second
        if route.mutating and caller.read_only:
            raise SimError(403, "Forbidden.RAM", _FORBIDDEN_MESSAGE)
        if self.before_handler is not None:
            await self.before_handler(route.product)

        faults = self.faults
        decision = faults.decide(route.action) if faults is not None else None
        if decision is not None and faults is not None:  # a decision comes only from a plan
            if decision.delay:
                await faults.sleep(decision.delay)
            if decision.outcome == "drop":
                raise ConnectionDropped(f"{route.action}: connection dropped by the fault plan")
            if decision.outcome == "throttle":
                ms = decision.retry_after_ms
                raise SimError(429, THROTTLE_CODE, THROTTLE_MESSAGE,
                               headers={"x-acs-retry-after": str(ms), "Retry-After": str(max(1, -(-ms // 1000)))})
            if decision.outcome == "error5xx":
                if decision.status == 503:
                    raise SimError(503, "ServiceUnavailable", UNAVAILABLE_MESSAGE)
                raise SimError(500, "InternalError", INTERNAL_ERROR_MESSAGE)

        call = Call(route.product, route.action, req.method, params, dict(req.query_pairs), body, caller,
                    self.world, req.request_id, extra={"headers": req.headers})
        result: Any = route.handler(call)
        if inspect.isawaitable(result):
            result = await result
        if isinstance(result, EncodedBody):
            payload = result.data
        elif isinstance(result, dict):
            payload = encode_json(result)
        else:
            raise TypeError(f"handler for {route.action} returned {type(result).__name__}, not a dict")
        if decision is not None and decision.outcome == "lost":
            raise ConnectionDropped(f"{route.action}: performed, then the answer was dropped by the fault plan")
        if decision is not None and decision.outcome == "malformed":
            payload = payload[: max(1, len(payload) // 2)]  # the work was done; the answer got mangled
        return 200, payload, []

    @staticmethod
    def _parse_body(raw: bytes) -> Any:
        if not raw.strip():
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise SimError(400, "InvalidParameter", "The request body is not valid JSON.") from None

    def _resolve(self, req: _Request, body: Any) -> tuple[Route, dict[str, str]]:
        parts = req.raw_path.split("/")
        if len(parts) >= 5 and parts[1] == "api" and not _API_VERSION_SEGMENT.match(parts[2]):
            return self._resolve_gateway(req, parts, body)
        return self._match(req, req.raw_path, None)

    def _resolve_gateway(self, req: _Request, parts: list[str], body: Any) -> tuple[Route, dict[str, str]]:
        """``/api/<Product>/<Version>/<rest>``: ``rest`` is a ROA path under the product's prefix, or one
        action name whose path parameters come from the query or the JSON body."""
        key = _GATEWAY_NAMES.get(unquote(parts[2]).lower())
        if key is None:
            raise SimError(404, "InvalidAction.NotFound", _NOT_FOUND_MESSAGE)
        product = req.product = PRODUCTS[key]
        if unquote(parts[3]) != product.version:
            raise SimError(400, "InvalidVersion", "Specified parameter Version is not valid.")
        rest = "/".join(parts[4:])
        path = "/" + rest if rest.startswith("api/") else f"{product.prefix}/{rest}"
        action = unquote(rest)
        route = self._index(key).by_action.get((key, action)) if len(parts) == 5 else None
        if route is None:
            return self._match(req, path, key)
        if req.method != route.method:  # the action-style URL names the operation, its method is still its own
            raise SimError(404, "InvalidAction.NotFound", _NOT_FOUND_MESSAGE)
        expected = req.headers.get("x-acs-action")
        if expected is not None and expected != action:
            raise self._mismatch(expected, route)
        query = dict(req.query_pairs)
        params: dict[str, str] = {}
        for name in route.pattern.groupindex:
            value = query.get(_camel(name), query.get(name))
            if value is None and isinstance(body, dict):
                value = body.get(_camel(name), body.get(name))
            if value is None or value == "":
                raise missing_param(_camel(name))
            params[name] = str(value)
        return route, params

    def _index(self, product: str | None) -> _RouteIndex:
        """Every route (``product`` None), or ``product``'s, its handler modules imported on first use."""
        if self._routes is not None:
            return self._routes
        if product is None:
            self._routes = _RouteIndex(served_routes())
            return self._routes
        index = self._product_routes.get(product)
        if index is None:
            index = self._product_routes[product] = _RouteIndex(served_routes(product))
        return index

    def _match(self, req: _Request, path: str, product: str | None) -> tuple[Route, dict[str, str]]:
        """The route for ``path`` (of ``product`` only, when a gateway URL named it), as if every table were
        loaded. A request whose ``x-acs-version`` names a product is tried against that product's routes
        first: only those survive the version check anyway, so a match there is the match among all (the
        tables keep their order); anything else, errors included, is decided by all of them."""
        scope = product or _BY_VERSION.get(req.headers.get("x-acs-version", ""))
        if scope is None or self._routes is not None:
            return self._match_in(self._index(product), req, path, product)
        known = req.product
        try:
            return self._match_in(self._index(scope), req, path, product)
        except SimError:
            if product is not None:  # a gateway URL's product filters the routes: its own are all of them
                raise
            req.product = known
            return self._match_in(self._index(None), req, path, product)

    def _match_in(self, index: _RouteIndex, req: _Request, path: str,
                  product: str | None) -> tuple[Route, dict[str, str]]:
        found: list[tuple[Route, re.Match[str]]] = []
        for r in index.by_depth.get(path.count("/"), ()):
            if product is not None and r.product != product:
                continue
            m = r.pattern.match(path)
            if m is not None:
                found.append((r, m))
        if req.product is None and found:
            req.product = PRODUCTS.get(found[0][0].product)
        candidates = [(r, m) for r, m in found if r.method == req.method]
        if not candidates:
            raise SimError(404, "InvalidAction.NotFound", _NOT_FOUND_MESSAGE)
        version = req.headers.get("x-acs-version")
        if version is not None:
            candidates = [(r, m) for r, m in candidates if _version(r.product) == version]
            if not candidates:
                raise SimError(400, "InvalidVersion", "Specified parameter Version is not valid.")
        action = req.headers.get("x-acs-action")
        if action is not None:
            named = [(r, m) for r, m in candidates if r.action == action]
            if not named:
                raise self._mismatch(action, candidates[0][0])
            candidates = named
        route, m = candidates[0]
        req.product = PRODUCTS.get(route.product, req.product)
        return route, {name: unquote(value) for name, value in m.groupdict().items()}

    @staticmethod
    def _mismatch(action: str, route: Route) -> SimError:
        return SimError(400, "InvalidAction.Mismatch",
                        f"Specified action {action} does not match the request method and path "
                        f"({route.method} {route.path} is {route.action}).")

    # --- responses ---

    def _error(self, req: _Request, err: SimError) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        product = req.product or PRODUCTS.get(_BY_VERSION.get(req.headers.get("x-acs-version", ""), ""))
        host = product.host if product else req.headers.get("host", "pai.aliyuncs.com")
        name = product.name if product else "PAI"
        body: dict[str, Any] = {
            "RequestId": req.request_id,
            "HostId": host,
            "Code": err.code,
            "Message": err.message,
            "Recommend": f"https://api.aliyun.com/troubleshoot?q={err.code}&product={name}"
                         f"&requestId={req.request_id}",
        }
        detail = getattr(err, "detail", None)
        if detail:
            body["Detail"] = detail
        for key, value in err.fields.items():
            body.setdefault(key, value)
        extra = [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in err.headers.items()]
        return err.status, encode_json(body), extra

    async def _respond(self, send: Send, req: _Request, status: int, payload: bytes,
                       extra: list[tuple[bytes, bytes]]) -> None:
        headers = [
            _CONTENT_TYPE,
            (b"content-length", str(len(payload)).encode()),
            (b"x-acs-request-id", req.request_id.encode("latin-1")),
            (b"date", format_datetime(self.world.clock.now(), usegmt=True).encode()),
            *extra,
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

    @staticmethod
    async def _read_body(receive: Receive) -> bytes:
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    @staticmethod
    async def _lifespan(receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def _version(product: str) -> str | None:
    info = PRODUCTS.get(product)
    return info.version if info else None


def create_app(world: World, *, faults: FaultPlan | None = None, verify_auth: bool = True,
               authenticator: Authenticator | None = None, limiter: QpsLimiter | None = None,
               routes: tuple[Route, ...] | None = None) -> SimApp:
    """The simulated cloud over ``world``. ``authenticator`` lets tests inject a wall clock or key pairs;
    ``limiter`` enforces a per-caller QPS limit (``paitui sim serve`` sets 100 by default); ``routes``
    replaces ``served_routes()`` (tests add throwaway routes)."""
    return SimApp(world, faults=faults, verify_auth=verify_auth, authenticator=authenticator, limiter=limiter,
                  routes=routes)


__all__ = ["PRODUCTS", "ROUTE_TABLES", "Caller", "ProductInfo", "SimApp", "create_app", "served_routes",
           "table_product"]
