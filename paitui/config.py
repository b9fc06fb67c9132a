"""Settings: defaults < TOML config file < PAITUI_* environment < command-line flags.

The config file lives at ``$XDG_CONFIG_HOME/paitui/config.toml`` (``--config`` overrides). Example::

    region = "cn-shanghai"
    read_only = true            # refuse every mutating call
    [endpoints]
    dlc = "http://127.0.0.1:8899"
    [profiles.prod]             # per aliyun-CLI profile overrides
    read_only = true
    workspace = "264901"
    [prices]                    # per call, overriding the seeds' (api/pricing.py); "Operation" = any product
    "dlc.GetJob" = 0.0001
    "flow.ListPipelineRuns" = { per_call = 0.001, free_per_month = 1000 }
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, ValidationError, field_validator

from paitui.config_layers import ConfigError, Layers, read_layers

__all__ = ["ConfigError", "Layers", "Settings", "load_settings", "read_layers", "validate"]


class ProfileSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    read_only: bool | None = None
    region: str | None = None
    workspace: str | None = None


class SimSettings(BaseModel):
    """The simulated cloud used when no credentials resolve (or with --demo)."""

    model_config = ConfigDict(extra="forbid")
    seed: int = 7
    jobs: int = 400
    speed: float = 1.0
    faults: str | None = None


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: str | None = None
    region: str | None = None
    workspace: str | None = None
    endpoints: dict[str, str] = Field(default_factory=dict)  # product key -> base URL
    vpc: bool = False
    endpoint_style: Literal["auto", "regional", "gateway"] = "auto"  # api/endpoint_style.py
    read_only: bool = False
    demo: bool = False
    debug: bool = False
    theme: str | None = None
    # explicit credentials (flags or config file): they win over every other source
    access_key_id: str | None = None
    access_key_secret: SecretStr | None = None
    security_token: SecretStr | None = None
    bearer_token: SecretStr | None = None
    # transport
    rate_limit: float = Field(100.0, gt=0)  # requests per second, client-side
    connect_timeout: float = Field(5.0, gt=0)
    read_timeout: float = Field(10.0, gt=0)
    request_deadline: float = Field(30.0, gt=0)  # seconds for one attempt whole: connect, send, read all
    max_attempts: int = Field(4, ge=1, le=10)
    backoff_base: float = Field(0.2, ge=0)
    backoff_cap: float = Field(8.0, ge=0)
    # dashboard
    list_interval: float = Field(5.0, gt=0)
    detail_interval: float = Field(2.0, gt=0)
    bell: bool = True
    # what requests may cost (live/budget.py): polling slows down near these; actions are never held back
    max_requests_per_minute: float | None = Field(None, gt=0)
    daily_request_budget: int | None = Field(None, gt=0)  # requests per billing day (UTC+8)
    prices: dict[str, Any] = Field(default_factory=dict)  # "product.Operation" -> PriceOverride (_prices)
    profiles: dict[str, ProfileSettings] = Field(default_factory=dict)
    sim: SimSettings = Field(default_factory=SimSettings)

    @field_validator("endpoints")
    @classmethod
    def _endpoints(cls, value: dict[str, str]) -> dict[str, str]:
        """Each override is checked (and normalised) when read, not at the first request."""
        from paitui.api.endpoints import parse_endpoint_override

        return dict(parse_endpoint_override(f"{key}={url}") for key, url in value.items())

    @field_validator("prices", mode="before")
    @classmethod
    def _prices(cls, value: Any) -> dict[str, Any]:
        """``"flow.ListPipelineRuns" = 0.001`` or ``= { per_call = 0.001, free_per_month = 1000 }``; the key
        names a known operation ("Product.Operation" with paitui's or Alibaba Cloud's product name, or
        "Operation" of any product), normalised to ``product.Operation``."""
        if not isinstance(value, dict):
            raise ValueError('must be a table ([prices] then "flow.ListPipelineRuns" = 0.001)')
        return {price_key(str(key)): price_override(str(key), entry) for key, entry in value.items()}

    # where each key's value came from ("--region", "PAITUI_REGION", "the config file …"), for error messages
    _origins: dict[str, str] = PrivateAttr(default_factory=dict)

    def origin(self, key: str) -> str | None:
        return self._origins.get(key)

    def for_profile(self, name: str | None) -> Settings:
        """Apply the ``[profiles.NAME]`` overrides of the active profile (flags already applied win)."""
        extra = self.profiles.get(name or "") if name else None
        if extra is None:
            return self
        updates = {k: v for k, v in extra.model_dump().items() if v is not None}
        if self.read_only:  # read-only from flags or file is never relaxed by a profile
            updates.pop("read_only", None)
        copy = self.model_copy(update=updates)
        copy._origins = {**self._origins, **dict.fromkeys(updates, f"[profiles.{name}] of the config file")}
        return copy


def price_key(key: str) -> str:
    """``PAIFlow.ListPipelineRuns`` → ``flow.ListPipelineRuns``; ``GetJob`` stays; unknown names are errors."""
    from paitui.api.operations import actions
    from paitui.api.products import PRODUCTS

    product, dot, action = key.rpartition(".")
    if not dot:
        if not any(key in actions(p) for p in PRODUCTS):
            raise ValueError(f"{key!r}: no product has an operation of that name")
        return key
    names = {name.lower(): p.key for p in PRODUCTS.values() for name in (p.key, p.name)}
    found = names.get(product.lower())
    if found is None:
        raise ValueError(f"{key!r}: unknown product {product!r} (dlc, flow, workspace, plugin)")
    if action not in actions(found):
        close = difflib.get_close_matches(action, actions(found), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise ValueError(f"{key!r}: {found} has no operation {action!r}{hint}")
    return f"{found}.{action}"


def price_override(key: str, entry: Any) -> Any:
    """A price per call (a number), or a table of ``per_call`` and ``free_per_month``."""
    from paitui.api.pricing import PriceOverride

    def number(value: Any, what: str, *, whole: bool = False) -> Any:
        ok = isinstance(value, int if whole else int | float) and not isinstance(value, bool)
        if not ok or not 0 <= value < float("inf"):
            kind = "a whole number" if whole else "a number"
            raise ValueError(f"{key!r}: {what} must be {kind} of 0 or more, not {value!r}")
        return value

    if isinstance(entry, dict):
        unknown = set(entry) - {"per_call", "free_per_month"}
        if unknown:
            raise ValueError(f"{key!r}: unknown field {sorted(unknown)[0]!r} (per_call, free_per_month)")
        per_call = entry.get("per_call")
        free = entry.get("free_per_month")
        return PriceOverride(None if per_call is None else float(number(per_call, "per_call")),
                             None if free is None else number(free, "free_per_month", whole=True))
    return PriceOverride(float(number(entry, "the price per call")))


def _model_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed where an unknown key was found (top level, [sim], [profiles.NAME])."""
    if loc[:1] == ("sim",):
        return list(SimSettings.model_fields)
    if loc[:1] == ("profiles",) and len(loc) == 3:
        return list(ProfileSettings.model_fields)
    return [k for k in Settings.model_fields if k not in ("profile", "demo")] if len(loc) == 1 else []


def _problem(error: Mapping[str, Any], sources: Mapping[str, str]) -> str:
    loc = tuple(error["loc"])
    key = ".".join(map(str, loc))
    where = sources.get(str(loc[0]), "") if loc else ""
    suffix = f" (from {where})" if where else ""
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _model_keys(loc), n=2, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        return f"unknown key {key}{suffix}{hint}"
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    shown = f" (got {value!r})" if isinstance(value, str | int | float | bool) and key not in _SECRET_KEYS else ""
    return f"{key}{suffix}: {message}{shown}"


_SECRET_KEYS = frozenset({"access_key_secret", "security_token", "bearer_token"})


def load_settings(flags: Mapping[str, Any] | None = None, *, env: Mapping[str, str] | None = None,
                  path: Path | None = None) -> Settings:
    """Merge the layers (``flags`` holds only what the user actually passed, None = not given) and validate.

    Every problem is a ``ConfigError`` whose one line names the file, variable or flag it came from."""
    return validate(read_layers(flags, env=env, path=path))


def validate(layers: Layers) -> Settings:
    """The settings of merged layers, with the active profile's overrides applied."""
    try:
        settings = Settings.model_validate(layers.data)
    except ValidationError as exc:
        problems = "; ".join(_problem(e, layers.sources) for e in exc.errors())
        raise ConfigError(f"invalid settings: {problems}") from None
    settings._origins = dict(layers.sources)
    return settings.for_profile(settings.profile or layers.profile_from_env)
