"""Errors in words for summary bars and empty tables ("throttled", "timed out" …), never class names.

A stand-in until ``paitui.api.errors`` offers the shared function; every list message goes through
``reason()`` so the swap is one line here.
"""

from __future__ import annotations

from paitui.api.errors import (
    AuthError,
    ForbiddenError,
    MalformedResponseError,
    NetworkError,
    NotFoundError,
    PaiError,
    ServerError,
    ThrottledError,
    TimeoutError_,
)

# most specific first: TimeoutError_ is a NetworkError, ForbiddenError an AuthError
_WORDS: tuple[tuple[type[PaiError], str], ...] = (
    (ThrottledError, "throttled"),
    (TimeoutError_, "timed out"),
    (NetworkError, "network error"),
    (MalformedResponseError, "unreadable answer"),
    (ServerError, "server error"),
    (ForbiddenError, "not allowed"),
    (AuthError, "not authorised"),
    (NotFoundError, "not found"),
)


def reason(error: BaseException | None) -> str:
    """A few words for what went wrong; a throttling code also counts as throttled."""
    if error is None:
        return ""
    for kind, words in _WORDS:
        if isinstance(error, kind):
            return words
    code = getattr(error, "code", None) or ""
    if code.startswith("Throttling"):
        return "throttled"
    status = getattr(error, "status", None)
    if isinstance(status, int) and status >= 500:
        return "server error"
    return code or "error"
