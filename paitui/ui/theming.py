"""Themes: TOML files checked against the keys of Textual's Theme, shipped ones merged with the user's own.

Shipped themes live in ``themes/`` (installed inside the wheel as ``paitui/_themes``); user themes in
``$XDG_CONFIG_HOME/paitui/themes/*.toml`` override shipped ones of the same name.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from textual.theme import Theme

from paitui.locations import user_themes_dir

DEFAULT_THEME = "paitui-dark"
PHASES = ("pending", "running", "succeeded", "failed", "stopped", "unknown")


# the keys of a theme file and their types: Textual's Theme takes them as keyword arguments. Checked by hand
# rather than by a pydantic model, because themes load before the first frame and pydantic is a third of a
# start's own cost (it loads after the first frame, with the client)
_REQUIRED = {"name": str, "primary": str}
_OPTIONAL = {"dark": bool, "variables": dict, **dict.fromkeys(
    ("secondary", "accent", "warning", "error", "success", "foreground", "background", "surface", "panel"), str)}


class ThemeFileError(ValueError):
    """A theme file whose keys or values Textual's Theme cannot take."""


def theme_from_file(data: dict[str, Any]) -> Theme:
    """The Theme a TOML theme file declares; ``ThemeFileError`` names the first key that is wrong."""
    for key in _REQUIRED:
        if key not in data:
            raise ThemeFileError(f"{key}: required")
    for key, value in data.items():
        wanted = _REQUIRED.get(key) or _OPTIONAL.get(key)
        if wanted is None:
            raise ThemeFileError(f"{key}: unknown key (known: {', '.join([*_REQUIRED, *_OPTIONAL])})")
        if not isinstance(value, wanted):
            raise ThemeFileError(f"{key}: must be {'a table' if wanted is dict else wanted.__name__}, not {value!r}")
    variables = data.get("variables", {})
    for name, value in variables.items():
        if not isinstance(value, str):
            raise ThemeFileError(f"variables.{name}: must be str, not {value!r}")
    return Theme(**{**data, "variables": dict(variables)})


def shipped_themes_dir() -> Path:
    packaged = Path(__file__).resolve().parent.parent / "_themes"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "themes"  # editable install / source checkout


def load_themes(extra_dir: Path | None = None) -> tuple[dict[str, Theme], list[str]]:
    """Return themes by name and the problems found (a broken user theme is reported, never fatal)."""
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for folder in (shipped_themes_dir(), extra_dir or user_themes_dir()):
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = theme_from_file(tomllib.loads(path.read_text(encoding="utf-8")))
            except (OSError, tomllib.TOMLDecodeError, ThemeFileError) as exc:
                problems.append(f"theme {path.name} ignored: {str(exc).splitlines()[0]}")
                continue
            themes[theme.name] = theme
    return themes, problems


def phase_colour(theme: Theme | None, phase: str) -> str:
    """The colour of a lifecycle phase under ``theme`` (falls back to sensible defaults)."""
    fallback = {"pending": "yellow", "running": "dodger_blue1", "succeeded": "green", "failed": "red",
                "stopped": "grey62", "unknown": "magenta"}
    if theme is not None:
        value = theme.variables.get(f"phase-{phase}")
        if value:
            return value
    return fallback.get(phase, "white")
