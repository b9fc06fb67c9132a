"""The one exception a simulated handler raises; the app turns it into the real gateway error body.

Error body (docs/WIRE.md §4.1): ``{RequestId, HostId, Code, Message, Recommend}``. PaiPlugin handlers answer
most business errors in HTTP 200 with ``ErrorCode``/``ErrorMessage``; an unknown schedule is an HTTP 404 whose
body carries both forms (see ``paitui.sim.plugin.handlers``).
"""

from __future__ import annotations


class SimError(Exception):
    def __init__(self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None,
                 fields: dict[str, object] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.fields = fields or {}  # product fields added to the error body (PaiPlugin's ErrorCode/ErrorMessage)


def missing_param(name: str) -> SimError:
    return SimError(400, "MissingParameter",
                    f"The input parameter {name} that is mandatory for processing this request is not supplied.")


def invalid_param(name: str, detail: str) -> SimError:
    return SimError(400, "InvalidParameter", f"The parameter {name} is invalid: {detail}")


def not_found(code: str, what: str, ident: str) -> SimError:
    """``code`` is the product's own not-found code, e.g. ``InvalidJobId.NotFound``."""
    return SimError(404, code, f"The specified {what} {ident} does not exist.")


def forbidden(code: str, message: str) -> SimError:
    return SimError(403, code, message)
