"""Themes: TOML files validated by a pydantic model, shipped ones merged with the user's own.

Shipped themes live in ``themes/`` (installed inside the wheel as ``paitui/_themes``); user themes in
``$XDG_CONFIG_HOME/paitui/themes/*.toml`` override shipped ones of the same name.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError
from textual.theme import Theme

from paitui.locations import user_themes_dir

DEFAULT_THEME = "paitui-dark"
PHASES = ("pending", "running", "succeeded", "failed", "stopped", "unknown")


class ThemeFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    dark: bool = True
    primary: str
    secondary: str | None = None
    accent: str | None = None
    warning: str | None = None
    error: str | None = None
    success: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    variables: dict[str, str] = {}

    def to_theme(self) -> Theme:
        return Theme(**self.model_dump())


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
                theme = ThemeFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8"))).to_theme()
            except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
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
