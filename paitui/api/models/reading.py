"""Small strict readers for wire values parsed by orjson, for the hot list paths that skip pydantic.

The verdicts are the models' (``models.common``): a scalar the models would convert (a number sent as a
string, a float where a string belongs, an odd time) is converted by the same converters, so a compact
reading equals the model's; a value of the wrong *shape* (an object or a list that is not one) raises
``ShapeError``, which the client turns into ``MalformedResponseError`` exactly like a pydantic
``ValidationError``.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

from paitui.api.models.common import _to_float, _to_int, _to_str, parse_time

_MIN_YEAR = 1971  # as models.common: Go's zero time and epoch 0 mean "not set"


class ShapeError(ValueError):
    """A wire value of the wrong shape; ``where`` is its dotted location (``Jobs.3.JobSpecs``), "" the body."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


def items(value: Any, where: str) -> list[Any] | None:
    """A list or null; anything else is a ``ShapeError``."""
    if value is None or type(value) is list:
        return value
    raise ShapeError(where, "Input should be a valid list")


def text(value: Any) -> str | None:
    return value if value is None or type(value) is str else _to_str(value)


def name(value: Any) -> str | None:
    """``text``, interned: statuses, types, owners, workspaces and specs repeat over thousands of rows."""
    if value is None:
        return None
    return sys.intern(value if type(value) is str else _to_str(value) or "")


def integer(value: Any) -> int | None:
    return value if value is None or type(value) is int else _to_int(value)


def number(value: Any) -> float | None:
    return value if value is None or type(value) is float else _to_float(value)


def moment(value: Any) -> datetime | None:
    """A wire time as ``models.common.Time`` reads it; the usual ``2021-01-12T14:35:01Z`` without detours."""
    if type(value) is str and len(value) == 20 and value[19] == "Z" and value[10] == "T":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.year >= _MIN_YEAR else None
    return parse_time(value)
