"""Settings: defaults < TOML config file < PAITUI_* environment < command-line flags.

The config file lives at ``$XDG_CONFIG_HOME/paitui/config.toml`` (``--config`` overrides). Example::

    region = "cn-shanghai"
    read_only = true            # refuse every mutating call
    [endpoints]
    dlc = "http://127.0.0.1:8899"
    [profiles.prod]             # per aliyun-CLI profile overrides
    read_only = true
    workspace = "264901"
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from paitui.locations import config_file


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
    profiles: dict[str, ProfileSettings] = Field(default_factory=dict)
    sim: SimSettings = Field(default_factory=SimSettings)

    def for_profile(self, name: str | None) -> Settings:
        """Apply the ``[profiles.NAME]`` overrides of the active profile (flags already applied win)."""
        extra = self.profiles.get(name or "") if name else None
        if extra is None:
            return self
        updates = {k: v for k, v in extra.model_dump().items() if v is not None}
        if self.read_only:  # read-only from flags or file is never relaxed by a profile
            updates.pop("read_only", None)
        return self.model_copy(update=updates)


class ConfigError(ValueError):
    """The config file or an environment variable holds something paitui cannot use."""


_ENV_KEYS: dict[str, str] = {
    "PAITUI_REGION": "region",
    "PAITUI_WORKSPACE": "workspace",
    "PAITUI_READ_ONLY": "read_only",
    "PAITUI_THEME": "theme",
    "PAITUI_RATE_LIMIT": "rate_limit",
    "PAITUI_ENDPOINT_STYLE": "endpoint_style",
}


def load_settings(flags: Mapping[str, Any] | None = None, *, env: Mapping[str, str] | None = None,
                  path: Path | None = None) -> Settings:
    """Merge the layers; ``flags`` holds only what the user actually passed (None = not given)."""
    env = os.environ if env is None else env
    data: dict[str, Any] = {}
    file = path or config_file()
    if file.exists():
        try:
            data.update(tomllib.loads(file.read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read the config file {file}: {exc}") from None
    elif path is not None:
        raise ConfigError(f"the config file {file} does not exist")
    for var, key in _ENV_KEYS.items():
        if env.get(var):
            data[key] = env[var]
    for key, value in (flags or {}).items():
        if value is None:
            continue
        if key == "endpoints":
            data["endpoints"] = {**data.get("endpoints", {}), **value}
        elif key == "sim":
            data["sim"] = {**data.get("sim", {}), **value}
        else:
            data[key] = value
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid settings ({file}): {problems}") from None
    return settings.for_profile(settings.profile or env.get("ALIBABA_CLOUD_PROFILE"))
