"""Shared base, lenient scalar types and enumerations for the PAI response models.

The four products are inconsistent on the wire (docs/WIRE.md §2.6–2.8, §8): the same number may arrive as
``1`` or ``"1"``, times come as ISO-8601 in several shapes, as epoch seconds or milliseconds, or as zone-less
UTC+8 strings, and status vocabularies grow over time. The models therefore never fail on a value they can
make sense of, and turn a value they cannot into ``None`` (rather than failing the whole response): a
dashboard that shows one empty cell is better than one that shows nothing.

Conventions for every model in ``paitui.api.models``:

* attributes are snake_case with an explicit ``alias`` holding the exact wire key (``RequestID``, ``url``,
  ``resourceGroupId``, ``IsCheif`` …); models can also be built from attribute names (``populate_by_name``);
* every field is optional and defaults to ``None`` — lists too, so "absent" and "empty" stay distinguishable;
* unknown keys are kept (``extra="allow"``) and available in ``model_extra``;
* status fields are plain ``str``/``int``; the enums below are for comparisons, never for validation.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)

from paitui.api.enums import (  # the enumerations live apart from pydantic; re-exported here
    JOB_ACTIVE,
    JOB_TERMINAL,
    NODE_FAILED,
    NODE_SUCCEEDED,
    NODE_TERMINAL,
    RUN_ACTIVE,
    RUN_TERMINAL,
    TENSORBOARD_TERMINAL,
    JobStatus,
    JobType,
    MetricType,
    NodeStatus,
    PodStatus,
    RepeatCycleUnit,
    RunStatus,
    SanityCheckPhase,
    ScheduleStatus,
    TensorboardStatus,
    WorkspaceStatus,
    normalize_node_status,
    schedule_status_text,
)

__all__ = [
    "JOB_ACTIVE",
    "JOB_TERMINAL",
    "NODE_FAILED",
    "NODE_SUCCEEDED",
    "NODE_TERMINAL",
    "RUN_ACTIVE",
    "RUN_TERMINAL",
    "TENSORBOARD_TERMINAL",
    "UTC8",
    "Bool",
    "Float",
    "Int",
    "JobStatus",
    "JobType",
    "MetricType",
    "NodeStatus",
    "Obj",
    "PodStatus",
    "RepeatCycleUnit",
    "RunStatus",
    "SanityCheckPhase",
    "ScheduleStatus",
    "Str",
    "TensorboardStatus",
    "Time",
    "Utc8Time",
    "WireModel",
    "WorkspaceStatus",
    "normalize_node_status",
    "parse_time",
    "schedule_status_text",
    "wire",
]

UTC8 = timezone(timedelta(hours=8), "UTC+8")


class WireModel(BaseModel):
    """Base of every response/nested model: exact wire aliases, unknown keys kept, nothing required.

    ``defer_build``: a model's validator is built when it first parses, not when its module is imported, so
    a start that reads one product's lists does not build the validators of the ~125 others (issue 13)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)


def wire(alias: str) -> Any:
    """A field that defaults to ``None`` and is read from the wire key ``alias`` (keeps field lines short)."""
    return Field(default=None, alias=alias)


# --- lenient scalars ---------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _to_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _to_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        return int(value.strip())  # exact for big ids, unlike going through float
    number = _to_float(value)
    if number is None:
        return None
    # 2.0 and "2.0" are ints; 2.5 is not an int, and rounding it silently would lie
    return int(number) if number.is_integer() else None


def _to_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "1", "yes", "y", "on"):
            return True
        if text in ("false", "0", "no", "n", "off"):
            return False
    return None


def _to_str(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # 16.0 -> "16": the list models carry strings where the detail models carry floats (§2.8)
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _to_obj(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            parsed = json.loads(value)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None


# --- times -------------------------------------------------------------------------------------------------

_EPOCH_MS_FROM = 100_000_000_000  # 1e11: as seconds that is year 5138, as milliseconds it is 1973
_EPOCH_US_FROM = 100_000_000_000_000  # 1e14: microseconds
_FRACTION = re.compile(r"(\.\d{6})\d+")  # nanoseconds (Go) -> microseconds (Python)
_MIN_YEAR = 1971  # Go zero time 0001-01-01 and epoch 0 both mean "not set"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _from_epoch(number: float) -> datetime | None:
    # integers stay exact (a float division would turn ...001 ms into ...000.999 ms)
    size = abs(number)
    try:
        if size >= _EPOCH_US_FROM:
            delta = timedelta(microseconds=number)
        elif size >= _EPOCH_MS_FROM:
            delta = timedelta(milliseconds=number)
        else:
            delta = timedelta(seconds=number)
        moment = _EPOCH + delta
    except OverflowError:
        return None
    return moment if moment.year >= _MIN_YEAR else None


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A wire value that should hold structured data (a JSON string) but could not be read as such:
    ``raw`` is what was sent, ``why`` says what was wrong. Accessors answer this instead of raising."""

    raw: str
    why: str


def read_json(raw: str, *, what: str) -> Any | Unreadable:
    """``raw`` parsed as JSON, or an ``Unreadable`` saying why not."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        return Unreadable(raw, f"{what} is not JSON ({error.msg}, at character {error.pos})")


def parse_time(value: Any, *, naive: timezone = UTC) -> datetime | None:
    """Best-effort conversion of a wire time to an aware UTC ``datetime``; ``None`` when it is not a time.

    Accepts ISO-8601 with or without seconds/fractions, ``Z`` or a numeric offset, a space instead of ``T``;
    epoch seconds, milliseconds or microseconds (numbers or digit strings); ``datetime`` objects. A string or
    datetime without zone is read in ``naive`` (UTC, or UTC+8 for PaiPlugin). Unset markers (``""``, ``0``,
    Go's ``0001-01-01T00:00:00Z``) and unparseable values become ``None``.
    """
    if isinstance(value, bool) or _blank(value):
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=naive)
    elif isinstance(value, int | float):
        return _from_epoch(value) if math.isfinite(value) else None
    elif isinstance(value, str):
        return _parse_text(value, naive)
    else:
        return None
    try:
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return moment if moment.year >= _MIN_YEAR else None


@lru_cache(maxsize=65_536)
def _parse_text(value: str, naive: timezone) -> datetime | None:
    """String times, cached: a list refresh re-reads the same timestamps every few seconds."""
    text = value.strip()
    if len(text) == 20 and text[10] == "T" and text[19] in "zZ" and text[4] == "-":
        # the common DLC form 2021-01-12T14:35:01Z, without the regex work below
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        return moment if moment.year >= _MIN_YEAR else None
    if re.fullmatch(r"[+-]?\d+(\.\d+)?", text) and len(text.split(".")[0].lstrip("+-")) > 8:
        # a digit string longer than yyyyMMdd is an epoch
        return _from_epoch(float(text) if "." in text else int(text))
    text = _FRACTION.sub(r"\1", text)
    if text.endswith(("z", "Z")) and "T" not in text.upper():
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=naive)
    try:
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return moment if moment.year >= _MIN_YEAR else None


def _utc8(value: Any) -> datetime | None:
    return parse_time(value, naive=UTC8)


# The common case (the wire already has the right type) is validated natively by pydantic-core; only an
# odd value (a number sent as a string, a float where a string belongs) falls through to the Python
# converter. A left-to-right union stops at the first member that accepts the value, so a page of 100 jobs
# no longer makes thousands of Python calls for strings that are already strings. None comes before the
# fallback on purpose (nulls are common on the wire and need no Python call), hence the RUF036 waivers.
_LEFT = Field(union_mode="left_to_right")
Int = Annotated[StrictInt | None | Annotated[int | None, BeforeValidator(_to_int)], _LEFT]  # noqa: RUF036
Float = Annotated[StrictFloat | None | Annotated[float | None, BeforeValidator(_to_float)], _LEFT]  # noqa: RUF036
Bool = Annotated[StrictBool | None | Annotated[bool | None, BeforeValidator(_to_bool)], _LEFT]  # noqa: RUF036
Str = Annotated[StrictStr | None | Annotated[str | None, BeforeValidator(_to_str)], _LEFT]  # noqa: RUF036
Obj = Annotated[dict[str, Any] | None, BeforeValidator(_to_obj)]
# An ISO time with a zone (the usual case) is parsed natively, and "after 1971" is checked natively too (Go's
# zero time and epoch 0 mean "not set"): a failing value falls through to parse_time, which says None. Epoch
# digit strings, zone-less UTC+8 strings and odd formats also go through parse_time. Natively parsed times
# keep the zone they arrived with (UTC for Z), which compares and subtracts like any aware datetime.
_SET = datetime(_MIN_YEAR, 1, 1, tzinfo=UTC)
Time = Annotated[Annotated[AwareDatetime, Field(ge=_SET)] | None  # noqa: RUF036
                 | Annotated[datetime | None, BeforeValidator(parse_time)], _LEFT]
Utc8Time = Annotated[datetime | None, BeforeValidator(_utc8)]  # PaiPlugin: zone-less strings are UTC+8
