"""``PaiClient``: the one async client every screen and command talks to PAI through.

One ``httpx.AsyncClient`` for all four products; each call is built from the operations table, signed
afresh on every attempt (new date and nonce), rate-limited, retried when that is safe, and parsed into
the operation's pydantic model.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import importlib
import platform
import random
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from paitui import __version__
from paitui.api import endpoint_style
from paitui.api import errors as e
from paitui.api.credentials import Credential, CredentialsProvider
from paitui.api.debuglog import RequestLog, redact_headers
from paitui.api.meter import RequestMeter
from paitui.api.operation import Operation
from paitui.api.products import PRODUCTS
from paitui.api.request import PreparedRequest, prepare
from paitui.api.responses import classify
from paitui.api.retry import RateLimiter, RetryPolicy, Sleep
from paitui.api.signing import auth_headers, new_nonce
from paitui.api.transport import UNSIGNED_HEADERS, default_transport
from paitui.config import Settings

if TYPE_CHECKING:
    from paitui.api.dlc import DlcApi
    from paitui.api.flow import FlowApi
    from paitui.api.plugin import PluginApi
    from paitui.api.workspace import WorkspaceApi

R = TypeVar("R")  # what a reader makes of a body

# product key -> (module, class) of its facade, imported on first use of ``client.<key>``
_FACADES: dict[str, tuple[str, str]] = {
    "dlc": ("paitui.api.dlc", "DlcApi"), "flow": ("paitui.api.flow", "FlowApi"),
    "workspace": ("paitui.api.workspace", "WorkspaceApi"), "plugin": ("paitui.api.plugin", "PluginApi"),
}
USER_AGENT = f"paitui/{__version__} ({platform.system()}; {platform.machine()}) Python/{platform.python_version()}"


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """A request as it would go on the wire, secrets redacted (``--dry-run`` prints this)."""

    method: str
    url: str
    headers: dict[str, str]
    body: str  # "" when there is none


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _secret_values(credential: Credential) -> list[str]:
    values = []
    for item in (credential.access_key_secret, credential.security_token, credential.bearer_token):
        if isinstance(item, SecretStr):
            values.append(item.get_secret_value())
        elif isinstance(item, str):
            values.append(item)
    return values


def _read_uncollected(read: Callable[[bytes], R], raw: bytes) -> R:
    """``read(raw)`` with CPython's cyclic collector paused: a page of full job models is ~20,000 new containers,
    all alive, which the collector would otherwise walk again and again while they are built (each young
    collection moves them on, to be walked again by the older ones) — a third of the parse (issue 13,
    tests/bench/bench_client.py). Allocations still count: the one collection they call for runs after."""
    if not gc.isenabled():  # someone paused it already (another read, or the application): leave it so
        return read(raw)
    gc.disable()
    try:
        return read(raw)
    finally:
        gc.enable()


def _never_sent(exc: httpx.HTTPError) -> bool:
    """The request never left: no connection was made (refused, DNS, connect timeout, no pool slot)."""
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def _uncertain_answer(error: e.PaiError) -> bool:
    """An error answer after which a mutation may still have been performed: a 5xx (the backend may have
    half-done it) or a 2xx body that cannot be read."""
    return isinstance(error, e.ServerError) or (isinstance(error, e.MalformedResponseError)
                                                and (error.status or 200) < 400)


class PaiClient:
    """``async with PaiClient(settings, credentials=provider) as client: await client.dlc.list_jobs()``."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        credentials: CredentialsProvider | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        read_only: bool | None = None,
        region: str | None = None,
        sleep: Sleep = asyncio.sleep,
        now: Callable[[], datetime] = _utcnow,
        monotonic: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        request_log: RequestLog | None = None,
        on_request: Callable[[str, float], None] | None = None,
        meter: RequestMeter | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.region = region or self.settings.region or "cn-hangzhou"
        self.read_only = self.settings.read_only if read_only is None else read_only
        self._credentials = credentials
        self._sleep = sleep
        self._now = now
        self._retry = RetryPolicy(self.settings.max_attempts, self.settings.backoff_base,
                                  self.settings.backoff_cap, rng=rng or random.Random())
        self._limiter = RateLimiter(self.settings.rate_limit, sleep=sleep, monotonic=monotonic)
        self._log = request_log
        self._on_request = on_request
        self.meter = meter if meter is not None else RequestMeter()  # every attempt is billed: count it
        timeout = httpx.Timeout(self.settings.read_timeout, connect=self.settings.connect_timeout)
        # requests go straight to the transport: httpx.AsyncClient's per-request layers (header and cookie
        # merging, auth and redirect flows, a cookie jar fed from every answer) were a third of a call's CPU
        # and PAI uses none of them (api/transport.py)
        self._transport = transport or default_transport()
        self._extensions = {"timeout": timeout.as_dict()}
        self._server_offset: timedelta | None = None
        self._facades: dict[str, Any] = {}
        self._origins: dict[tuple[str, str], tuple[str, str]] = {}  # (product, region) -> (base URL, host)
        # the seeds' api.aliyun.com/api/<Product>/<Version> form, or the regional hosts (endpoint_style.py)
        self.endpoint_style = endpoint_style.resolve(
            self.settings.endpoint_style, bearer_only=getattr(credentials, "name", None) == "bearer",
            overrides=self.settings.endpoints)

    # --- lifecycle ---

    async def __aenter__(self) -> PaiClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._transport.aclose()

    def __repr__(self) -> str:
        source = getattr(self._credentials, "description", None) or "no credentials"
        return f"PaiClient(region={self.region!r}, read_only={self.read_only}, credentials={source!r})"

    # --- facades ---

    def _facade(self, key: str) -> Any:
        if key not in self._facades:  # the product's facade (and so its models) imported on first use
            module, name = _FACADES[key]
            self._facades[key] = getattr(importlib.import_module(module), name)(self)
        return self._facades[key]

    @property
    def dlc(self) -> DlcApi:
        return self._facade("dlc")

    @property
    def flow(self) -> FlowApi:
        return self._facade("flow")

    @property
    def workspace(self) -> WorkspaceApi:
        return self._facade("workspace")

    @property
    def plugin(self) -> PluginApi:
        return self._facade("plugin")

    # --- time as the server sees it ---

    def server_now(self) -> datetime:
        """Now by the server's clock, learned from response ``Date`` headers (the simulator's clock may run fast)."""
        return self._now() + (self._server_offset or timedelta())

    def _learn_server_time(self, response: httpx.Response) -> None:
        raw = response.headers.get("date")
        if not raw:
            return
        try:
            server = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return
        if server.tzinfo is None:
            server = server.replace(tzinfo=UTC)
        self._server_offset = server - self._now()

    # --- calls ---

    def base_url(self, product: str) -> str:
        return endpoint_style.base_url(self.endpoint_style, product, self.region, vpc=self.settings.vpc,
                                       overrides=self.settings.endpoints)

    def _prepare(self, op: Operation, params: Mapping[str, Any]) -> PreparedRequest:
        """The request as built from the table, its path in this client's endpoint style (sent and signed)."""
        prepared = prepare(op, params)
        if self.endpoint_style == "gateway":
            prepared = dataclasses.replace(prepared, path=endpoint_style.gateway_path(op.product, prepared.path))
        return prepared

    async def invoke(self, op: Operation, params: Mapping[str, Any] | None = None) -> BaseModel:
        """Call ``op`` and parse the body into ``op.response``."""
        # straight from the bytes, decoded once: pydantic's JSON path is about twice as fast as json.loads
        # followed by validating the dict
        return await self.invoke_read(op, params, op.response.model_validate_json)

    async def invoke_read(self, op: Operation, params: Mapping[str, Any] | None, read: Callable[[bytes], R]) -> R:
        """Call ``op`` and read the body with ``read``: a model's ``model_validate_json`` or another pydantic
        reader of the same bytes (``models.job_row.read_job_rows``); a ``ValidationError`` is a malformed body."""
        body, raw = await self._invoke(op, params, parse=False)
        try:
            return _read_uncollected(read, raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])  # empty when the body is not JSON at all
            error = e.MalformedResponseError(
                f"{op.action} answered a body paitui cannot read: " + (f"{where}: " if where else "") + first["msg"],
                action=op.action, request_id=str((body or {}).get("RequestId") or "") or None, status=200,
            )
            # a 2xx whose body is cut: a mutation was most likely performed, but that is not proof
            raise (e.OutcomeUnknownError(error) if op.mutating else error) from None

    async def invoke_json(self, op: Operation, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Call ``op`` and return the raw JSON body (``paitui call`` prints this)."""
        body, _ = await self._invoke(op, params)
        assert body is not None  # parse=True always decodes a success
        return body

    async def _invoke(self, op: Operation, params: Mapping[str, Any] | None, *, parse: bool = True
                      ) -> tuple[dict[str, Any] | None, bytes]:
        if op.mutating and self.read_only:
            raise e.ReadOnlyError(
                f"{op.action} changes resources and paitui is in read-only mode; nothing was sent.",
                action=op.action)
        prepared = self._prepare(op, params or {})
        return await self._send(op, prepared, parse=parse)

    async def _credential(self) -> Credential:
        if self._credentials is None:
            raise e.CredentialsError("No credentials are configured: set ALIBABA_CLOUD_ACCESS_KEY_ID/SECRET, "
                                     "an aliyun CLI profile, or use --demo.")
        return await self._credentials.get_credential()

    async def signed_request(self, op: Operation, params: Mapping[str, Any] | None = None) -> SignedRequest:
        """The request ``invoke`` would send for ``op`` — built and signed the same way — without sending it
        (``--dry-run``). Secret headers are redacted; read-only mode does not refuse it: nothing is sent."""
        prepared = self._prepare(op, params or {})
        url, host = self._url(op, prepared)
        credential = await self._credential()
        signed = self._sign(op, prepared, host, credential, attempt=1, delay_ms=None)
        body = prepared.body.decode() if prepared.body else ""
        return SignedRequest(prepared.method, url, redact_headers(signed), body)

    def _url(self, op: Operation, prepared: PreparedRequest) -> tuple[str, str]:
        """(full URL with the query, host header value)."""
        key = (op.product, self.region)
        origin = self._origins.get(key)
        if origin is None:  # parsing the base URL per call cost as much as signing it
            base = self.base_url(op.product)
            origin = self._origins[key] = (base.rstrip("/"), httpx.URL(base).netloc.decode())
        base, host = origin
        full = f"{base}{prepared.path}"
        if prepared.query:
            full += "?" + prepared.query_string
        return full, host

    def _sign(self, op: Operation, prepared: PreparedRequest, host: str, credential: Credential, *,
              attempt: int, delay_ms: int | None) -> dict[str, str]:
        """The headers of one attempt, signed afresh (new date and nonce)."""
        headers = {
            "host": host,
            "x-acs-action": op.action,
            "x-acs-version": PRODUCTS[op.product].version,
            "accept": "application/json",
            "user-agent": USER_AGENT,
        }
        if prepared.body:
            headers["content-type"] = "application/json; charset=utf-8"
        if attempt > 1:
            headers["x-acs-retry-attempts"] = str(attempt - 1)
            headers["x-acs-retry-delay"] = str(delay_ms or 0)
        return auth_headers(method=prepared.method, path=prepared.path, query=prepared.query,
                            headers=headers, body=prepared.body, credential=credential,
                            now=self._now(), nonce=new_nonce())

    async def _send(self, op: Operation, prepared: PreparedRequest, *, parse: bool = True
                    ) -> tuple[dict[str, Any] | None, bytes]:
        """Send with retries. The retry rule (``_may_retry``): a request the gateway certainly refused before
        the backend (throttled, or never connected) is always repeated; anything else only when the
        operation is idempotent. A mutation whose answer was lost raises ``OutcomeUnknownError``."""
        full, host = self._url(op, prepared)
        delay_ms: int | None = None
        attempt = 0
        maybe_applied = False  # an earlier attempt of this mutation may have been performed
        while True:
            attempt += 1
            credential = await self._credential()
            signed = self._sign(op, prepared, host, credential, attempt=attempt, delay_ms=delay_ms)
            await self._limiter.acquire()
            started = time.perf_counter()
            try:
                # the deadline is per attempt and covers connect, send and reading the whole body: a server
                # that drips bytes never trips the per-read timeout. A deadline hit is not retried.
                async with asyncio.timeout(self.settings.request_deadline):
                    response = await self._exchange(prepared, full, signed)
            except TimeoutError:
                error: e.PaiError = e.DeadlineError(
                    f"{op.action} timed out: {host} did not answer in full within "
                    f"{self.settings.request_deadline:g} s (request_deadline).", action=op.action)
                self._record(op, prepared, signed, None, started, credential, error)
                raise self._final(op, error, sent=True, maybe_applied=maybe_applied) from None
            except httpx.HTTPError as exc:
                error = self._transport_error(op, exc, host)
                sent = not _never_sent(exc)
                self._record(op, prepared, signed, None, started, credential, error)
                if not self._may_retry(op, refused=not sent) or attempt >= self._retry.max_attempts:
                    raise self._final(op, error, sent=sent, maybe_applied=maybe_applied) from None
                maybe_applied = maybe_applied or sent
                delay = self._retry.delay(attempt)
            else:
                self._learn_server_time(response)
                try:
                    body = classify(op.action, op.product, response, parse=parse)
                except e.PaiError as error:
                    self._record(op, prepared, signed, response, started, credential, error)
                    refused = isinstance(error, e.ThrottledError)  # a throttled request was not performed
                    retryable = refused or isinstance(error, e.ServerError)
                    uncertain = _uncertain_answer(error)
                    if not retryable or not self._may_retry(op, refused=refused) \
                            or attempt >= self._retry.max_attempts:
                        raise self._final(op, error, sent=uncertain, maybe_applied=maybe_applied) from None
                    maybe_applied = maybe_applied or uncertain
                    delay = self._retry.delay(attempt, error.retry_after)
                else:
                    self._record(op, prepared, signed, response, started, credential, None)
                    return body, response.content
            delay_ms = int(delay * 1000)
            await self._sleep(delay)

    async def _exchange(self, prepared: PreparedRequest, url: str, signed: Mapping[str, str]) -> httpx.Response:
        """One request through the transport, its whole body read; the connection goes back to the pool."""
        request = httpx.Request(prepared.method, url, headers={**UNSIGNED_HEADERS, **signed},
                                content=prepared.body or None, extensions=self._extensions)
        response = await self._transport.handle_async_request(request)
        response.request = request
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    # --- retry decisions ---

    @staticmethod
    def _may_retry(op: Operation, *, refused: bool) -> bool:
        """``refused``: the gateway certainly did not pass the request on (429/Throttling, or it never
        connected) — safe to repeat anything. Otherwise only an idempotent operation is repeated."""
        return refused or bool(op.idempotent)

    @staticmethod
    def _final(op: Operation, error: e.PaiError, *, sent: bool, maybe_applied: bool) -> e.PaiError:
        """The error to raise: for a mutation that may have been performed (this attempt's answer was lost,
        or an earlier one's was), ``OutcomeUnknownError`` carrying what happened."""
        if op.mutating and (sent or maybe_applied):
            return e.OutcomeUnknownError(error)
        return error

    @staticmethod
    def _transport_error(op: Operation, exc: httpx.HTTPError, host: str) -> e.PaiError:
        if isinstance(exc, httpx.TimeoutException):
            kind = "connecting to" if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout) \
                else "waiting for the answer from"
            return e.TimeoutError_(f"{op.action} timed out while {kind} {host}.", action=op.action)
        detail = f" ({exc})" if str(exc) else ""
        if _never_sent(exc):
            # the usual causes, in the order people hit them
            hint = " Check the network or proxy (HTTPS_PROXY), the region, --endpoint, or try --demo."
            return e.NetworkError(f"{op.action} could not reach {host}{detail}.{hint}", action=op.action)
        return e.NetworkError(f"{op.action}: the connection to {host} was lost before the answer came{detail}.",
                              action=op.action)

    # --- observation ---

    def _record(self, op: Operation, prepared: PreparedRequest, headers: Mapping[str, str],
                response: httpx.Response | None, started: float, credential: Credential,
                error: e.PaiError | None) -> None:
        elapsed = time.perf_counter() - started
        self.meter.count(op.product, op.action, failed=error is not None)
        if self._on_request is not None:
            self._on_request(op.action, elapsed)
        if self._log is None:
            return
        try:
            self._write_log(op, prepared, headers, response, elapsed, credential, error)
        except OSError as exc:  # the debug log is a side channel: a full disk or a removed file never fails a call
            self._log = None
            print(f"paitui: the request log stopped ({exc.strerror or exc}); calls go on unlogged", file=sys.stderr)

    def _write_log(self, op: Operation, prepared: PreparedRequest, headers: Mapping[str, str],
                   response: httpx.Response | None, elapsed: float, credential: Credential,
                   error: e.PaiError | None) -> None:
        assert self._log is not None
        self._log.write({
            "action": op.action,
            "method": prepared.method,
            "path": prepared.path,
            "query": prepared.query,
            "request_headers": dict(headers),
            "status": response.status_code if response is not None else None,
            "request_id": response.headers.get("x-acs-request-id") if response is not None else None,
            "elapsed_ms": round(elapsed * 1000, 1),
            "error": error.to_dict() if error else None,
        }, secrets=_secret_values(credential))
