"""Typed errors of the PAI client. Every message is a sentence a person can act on, and never carries a
secret: errors hold only what the server said (Code, Message, RequestId, HostId, Recommend) and the action."""

from __future__ import annotations

from typing import Any


class PaiError(Exception):
    """Base class. ``str(err)`` is the human sentence; the fields are there for screens and JSON output."""

    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        server_message: str | None = None,
        request_id: str | None = None,
        host_id: str | None = None,
        recommend: str | None = None,
        action: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.server_message = server_message
        self.request_id = request_id
        self.host_id = host_id
        self.recommend = recommend
        self.action = action
        self.retry_after = retry_after  # seconds, when the server asked for a wait

    def to_dict(self) -> dict[str, Any]:
        """The error as JSON for ``paitui call`` and logs (same keys as the gateway's error body)."""
        data: dict[str, Any] = {
            "Error": self.kind,
            "Action": self.action,
            "HttpStatus": self.status,
            "Code": self.code,
            "Message": self.server_message if self.server_message is not None else str(self),
            "RequestId": self.request_id,
            "HostId": self.host_id,
            "Recommend": self.recommend,
        }
        return {k: v for k, v in data.items() if v is not None}


class ApiError(PaiError):
    """The service answered with an error body."""

    kind = "api"


class InvalidParameterError(ApiError):
    kind = "invalid_parameter"


class NotFoundError(ApiError):
    kind = "not_found"


class AuthError(ApiError):
    """Unknown key, bad signature, expired or replayed request, missing credentials."""

    kind = "auth"


class ForbiddenError(AuthError):
    """The identity is known but RAM does not allow the action."""

    kind = "forbidden"


class ThrottledError(ApiError):
    kind = "throttled"


class ServerError(ApiError):
    kind = "server"


class PluginError(ApiError):
    """PaiPlugin reported a failure with a non-zero ErrorCode inside an HTTP 200 body."""

    kind = "plugin"


class NetworkError(PaiError):
    """Connection refused, reset, DNS failure: nothing usable came back."""

    kind = "network"


class TimeoutError_(NetworkError):  # trailing underscore: do not shadow the builtin TimeoutError
    kind = "timeout"


class DeadlineError(TimeoutError_):
    """One attempt took longer than ``request_deadline`` as a whole (a server dripping bytes never times out a
    single read, so the per-read timeout alone would wait forever)."""

    kind = "deadline"


class MalformedResponseError(PaiError):
    """The server answered, but the body is not the JSON object the operation promises."""

    kind = "malformed"


class OutcomeUnknownError(PaiError):
    """A mutation was sent but whether the server applied it is not known: the connection was lost after
    sending, the answer timed out, a 2xx body was unreadable, or a 5xx came back on an operation that is not
    safe to repeat. ``cause`` is what actually happened; callers settle it by reading the resource back."""

    kind = "outcome_unknown"

    def __init__(self, cause: PaiError) -> None:
        action = cause.action or "the request"
        super().__init__(
            f"{action} was sent but its answer was lost ({describe(cause)}): whether it was applied is unknown.",
            status=cause.status, code=cause.code, server_message=cause.server_message,
            request_id=cause.request_id, host_id=cause.host_id, recommend=cause.recommend, action=cause.action)
        self.cause = cause

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["Message"] = str(self)  # the cause's server message alone would hide that this is unknown
        data["Cause"] = self.cause.to_dict()
        return data


class ReadOnlyError(PaiError):
    """A mutating operation was refused before anything was sent, because the client is read-only."""

    kind = "read_only"


class CredentialsError(PaiError):
    """Credentials are configured but cannot be used (bad file, unsupported mode, STS refused)."""

    kind = "credentials"


class UsageError(PaiError):
    """The caller asked for something that does not exist (unknown product, action or parameter)."""

    kind = "usage"


# Short words per kind, for the header, toasts and result lines: what happened, never a class name.
WORDS: dict[str, str] = {
    "error": "error",
    "api": "request refused",
    "invalid_parameter": "invalid request",
    "not_found": "not found",
    "auth": "credentials rejected",
    "forbidden": "access denied",
    "throttled": "throttled",
    "server": "server error",
    "plugin": "PaiPlugin error",
    "network": "network error",
    "timeout": "timed out",
    "deadline": "timed out",
    "malformed": "unreadable answer",
    "outcome_unknown": "outcome unknown",
    "read_only": "read-only",
    "credentials": "credentials problem",
    "usage": "usage error",
}


def describe(error: BaseException | None) -> str:
    """A few words naming what went wrong ("timed out", "throttled" …); ``str(error)`` is the full sentence."""
    if error is None:
        return "error"
    if isinstance(error, OutcomeUnknownError):
        return f"outcome unknown, {describe(error.cause)}"
    if isinstance(error, PaiError):
        return WORDS.get(error.kind, "error")
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, OSError):
        return "network error"
    return "unexpected error"
