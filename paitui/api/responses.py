"""Classify what came back: a JSON object on success, or the right typed error with a human sentence."""

from __future__ import annotations

import json
from typing import Any

import httpx

from paitui.api import errors as e

_AUTH_CODES = (
    "InvalidAccessKeyId", "SignatureDoesNotMatch", "IncompleteSignature", "InvalidTimeStamp",
    "SignatureNonceUsed", "InvalidSecurityToken", "MissingSecurityToken", "InvalidBearerToken",
    "MissingAuthorization", "InvalidAuthorization", "InvalidSignature", "InvalidDate",
)
_FORBIDDEN_CODES = ("Forbidden", "NoPermission", "AccessDenied", "NotAuthorized")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """``x-acs-retry-after`` is milliseconds (the SDK's reading); ``Retry-After`` is seconds."""
    for header, scale in (("x-acs-retry-after", 1000.0), ("retry-after", 1.0)):
        raw = response.headers.get(header)
        if raw:
            try:
                value = float(raw) / scale
            except ValueError:
                continue
            if value > 0:
                return value
    return None


def _error_class(status: int, code: str) -> type[e.ApiError]:
    if code.startswith("Throttling") or status == 429:
        return e.ThrottledError
    if code.startswith(_AUTH_CODES) or status == 401:
        return e.AuthError
    if code.startswith(_FORBIDDEN_CODES) or status == 403:
        return e.ForbiddenError
    if code.startswith("NotFound") or (code.endswith(".NotFound") and not code.startswith("InvalidAction")) \
            or status == 404:
        return e.NotFoundError
    if code.startswith(("InvalidParameter", "MissingParameter", "MissingRequired", "InvalidParam")):
        return e.InvalidParameterError
    if code == "ServiceUnavailable" or status >= 500:
        return e.ServerError
    return e.ApiError


def describe_code(code: str) -> str:
    """Words for a server error code ("throttled" for Throttling.User), by the same rules that pick the error
    class; "" for a code those rules do not place (the code then speaks for itself)."""
    cls = _error_class(0, code)
    return "" if cls is e.ApiError else e.WORDS.get(cls.kind, "")


_LEADS: dict[type[e.ApiError], str] = {
    e.ThrottledError: "PAI is throttling requests",
    e.AuthError: "The credentials were rejected",
    e.ForbiddenError: "RAM does not allow this",
    e.NotFoundError: "Not found",
    e.InvalidParameterError: "The request was refused as invalid",
    e.ServerError: "PAI had a server error",
    e.ApiError: "The request failed",
}


def api_error(action: str, response: httpx.Response, body: dict[str, Any] | None) -> e.ApiError:
    body = body or {}
    code = _text(body.get("Code") or body.get("code")) or f"HTTP{response.status_code}"
    message = _text(body.get("Message") or body.get("message")) or response.reason_phrase or "no message"
    request_id = _text(body.get("RequestId") or body.get("requestId") or response.headers.get("x-acs-request-id"))
    cls = _error_class(response.status_code, code)
    sentence = f"{_LEADS[cls]}: {action} answered {code} — {message}"
    if request_id:
        sentence += f" (RequestId {request_id})"
    return cls(
        sentence, status=response.status_code, code=code, server_message=message, request_id=request_id,
        host_id=_text(body.get("HostId")), recommend=_text(body.get("Recommend")), action=action,
        retry_after=retry_after_seconds(response),
    )


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        data = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def classify(action: str, product: str, response: httpx.Response, *, parse: bool = True) -> dict[str, Any] | None:
    """Return the JSON body of a success or raise the matching ``PaiError``.

    ``parse=False``: a success (other than PaiPlugin's, whose errors hide in HTTP 200) is not decoded here,
    because the caller validates the bytes straight into a model, which reports a malformed body itself.
    """
    if not parse and response.status_code < 400 and product != "plugin":
        return None
    body = _json_object(response)
    if response.status_code >= 400:
        if body is None:
            snippet = response.text[:120].replace("\n", " ")
            cls = e.ServerError if response.status_code >= 500 else e.ApiError
            raise cls(
                f"{action} failed with HTTP {response.status_code} and a body that is not JSON: {snippet!r}",
                status=response.status_code, action=action,
                request_id=response.headers.get("x-acs-request-id"), retry_after=retry_after_seconds(response),
            )
        if product == "plugin" and response.status_code < 500 and body.get("ErrorCode") not in (None, "", 0, "0"):
            # PaiPlugin's HTTP 404 "Not Found" carries its ErrorCode too: read it exactly like the HTTP 200 form
            _raise_plugin_error(action, response, body)
        raise api_error(action, response, body)
    if body is None:
        raise e.MalformedResponseError(
            f"{action} answered HTTP {response.status_code} but the body is not a JSON object "
            f"({len(response.content)} bytes).", status=response.status_code, action=action,
            request_id=response.headers.get("x-acs-request-id"),
        )
    if product == "plugin":
        _raise_plugin_error(action, response, body)
    return body


def _raise_plugin_error(action: str, response: httpx.Response, body: dict[str, Any]) -> None:
    """PaiPlugin reports failures with a non-zero ``ErrorCode`` (docs/WIRE.md §2.6): inside HTTP 200, and in the
    body of its HTTP 404 for an unknown schedule (the seed document); both read the same way."""
    raw = body.get("ErrorCode")
    try:
        code = int(raw) if raw not in (None, "") else 0
    except (TypeError, ValueError):
        code = -1
    if code == 0:
        return
    message = _text(body.get("ErrorMessage")) or "no message"
    request_id = _text(body.get("RequestId"))
    cls: type[e.ApiError] = e.NotFoundError if code == 404 else e.PluginError
    raise cls(
        f"PaiPlugin refused {action}: error {raw} — {message}" + (f" (RequestId {request_id})" if request_id else ""),
        status=response.status_code, code=str(raw), server_message=message, request_id=request_id, action=action,
    )
