"""The settings' layers read and merged, not yet validated: defaults < TOML file < PAITUI_* env < flags.

Reading the file and the environment needs only ``tomllib``; validating them into ``paitui.config.Settings``
needs pydantic (about a third of a start's own cost). The dashboard reads the layers before its first frame
(a file that cannot be read or parsed is refused at once, naming the file and the line) and validates them
after it, off the UI loop (``paitui.startup``); ``paitui.config.load_settings`` does both at once.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ConfigError(ValueError):
    """The config file or an environment variable holds something paitui cannot use."""


ENV_KEYS: dict[str, str] = {
    "PAITUI_REGION": "region",
    "PAITUI_WORKSPACE": "workspace",
    "PAITUI_READ_ONLY": "read_only",
    "PAITUI_THEME": "theme",
    "PAITUI_RATE_LIMIT": "rate_limit",
    "PAITUI_ENDPOINT_STYLE": "endpoint_style",
    "PAITUI_MAX_REQUESTS_PER_MINUTE": "max_requests_per_minute",
    "PAITUI_DAILY_REQUEST_BUDGET": "daily_request_budget",
}
_TABLES = ("endpoints", "sim", "profiles", "prices")  # keys whose value must be a TOML table
_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})  # how pydantic reads a bool from a string (env values)


@dataclass(frozen=True)
class Layers:
    """The merged layers: each key's raw value and where it came from (for error messages)."""

    data: dict[str, Any]
    sources: dict[str, str]
    profile_from_env: str | None  # ALIBABA_CLOUD_PROFILE: the profile whose [profiles.NAME] applies

    def text(self, key: str) -> str | None:
        """A string setting as given (None when unset or not a string: validation will say why)."""
        value = self.data.get(key)
        return value if isinstance(value, str) and value else None

    def flag(self, key: str) -> bool:
        """A boolean setting as given, read the way validation will read it (a string from the environment)."""
        value = self.data.get(key)
        return value.strip().lower() in _TRUE if isinstance(value, str) else value is True

    def profile(self) -> str | None:
        return self.text("profile") or self.profile_from_env

    def _profile_table(self) -> dict[str, Any]:
        table = self.data.get("profiles")
        extra = table.get(self.profile() or "") if isinstance(table, dict) else None
        return extra if isinstance(extra, dict) else {}

    def profile_text(self, key: str) -> str | None:
        """A string setting as the active ``[profiles.NAME]`` leaves it (its value wins, as in ``for_profile``)."""
        value = self._profile_table().get(key)
        return value if isinstance(value, str) and value else self.text(key)

    def profile_flag(self, key: str) -> bool:
        """A boolean the active ``[profiles.NAME]`` may switch on (read-only is never relaxed by a profile)."""
        return self.flag(key) or self._profile_table().get(key) is True


def read_file(file: Path, *, named: bool) -> dict[str, Any]:
    """The TOML table of the config file ({} when the default file does not exist); errors name the file."""
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        if named:
            raise ConfigError(f"the config file {file} (--config) does not exist") from None
        return {}
    except IsADirectoryError:
        raise ConfigError(f"the config file {file} is a folder, not a file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {file}: {exc.strerror or exc}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"the config file {file} is not UTF-8 text (a binary file?); it must be TOML") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"the config file {file} is not valid TOML: {exc}") from None


def check_tables(data: Mapping[str, Any], file: Path) -> None:
    """A list or a string where a table belongs would break the merge below with a TypeError."""
    for key in _TABLES:
        if key in data and not isinstance(data[key], dict):
            example = {"endpoints": '[endpoints] then dlc = "http://127.0.0.1:8899"', "sim": "[sim] then seed = 7",
                       "profiles": "[profiles.NAME] then read_only = true",
                       "prices": '[prices] then "flow.ListPipelineRuns" = 0.001'}[key]
            raise ConfigError(f"{key} in the config file {file} must be a table ({example}), "
                              f"not {type(data[key]).__name__} {data[key]!r}")


def read_layers(flags: Mapping[str, Any] | None = None, *, env: Mapping[str, str] | None = None,
                path: Path | None = None) -> Layers:
    """Merge the layers; ``flags`` holds only what the user actually passed (None = not given)."""
    from paitui.locations import config_file

    env = os.environ if env is None else env
    file = path or config_file()
    data = read_file(file, named=path is not None)
    check_tables(data, file)
    sources = dict.fromkeys(data, f"the config file {file}")
    for var, key in ENV_KEYS.items():
        if env.get(var):
            data[key] = env[var]
            sources[key] = var
    for key, value in (flags or {}).items():
        if value is None:
            continue
        if key == "endpoints":
            data["endpoints"] = {**data.get("endpoints", {}), **value}
        elif key == "sim":
            data["sim"] = {**data.get("sim", {}), **value}
        else:
            data[key] = value
        flag = "--endpoint" if key == "endpoints" else f"--{key.replace('_', '-')}"
        merged = key in ("endpoints", "sim") and key in sources  # these merge with the file's table
        sources[key] = f"{sources[key]} or {flag}" if merged else flag
    return Layers(data, sources, env.get("ALIBABA_CLOUD_PROFILE"))
