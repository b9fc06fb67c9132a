"""Where paitui keeps its files (XDG via platformdirs): config, state (debug request log), cache."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_state_path

APP = "paitui"


def config_dir() -> Path:
    override = os.environ.get("PAITUI_CONFIG_DIR")
    return Path(override) if override else user_config_path(APP)


def config_file() -> Path:
    return config_dir() / "config.toml"


def state_dir() -> Path:
    override = os.environ.get("PAITUI_STATE_DIR")
    return Path(override) if override else user_state_path(APP)


def request_log_file() -> Path:
    return state_dir() / "requests.log"


def crash_dir() -> Path:
    """Tracebacks of dashboard crashes (``paitui.crash_report``)."""
    return state_dir() / "crashes"


def user_themes_dir() -> Path:
    return config_dir() / "themes"


def usage_file() -> Path:
    """The request meter's per-day counts (``paitui.live.usage_store``)."""
    return state_dir() / "usage.json"
