"""Theme files are checked by hand (no pydantic before the first frame): the shipped ones load, and a user
theme with an unknown key, a wrong type or no primary colour is reported and skipped, never fatal."""

from __future__ import annotations

from pathlib import Path

from paitui.ui.theming import DEFAULT_THEME, load_themes


def test_shipped_themes_load_and_broken_user_themes_are_named(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text('name = "mine"\nprimary = "#112233"\n[variables]\nphase-failed = "red"\n')
    (tmp_path / "typo.toml").write_text('name = "typo"\nprimary = "#112233"\nprimray = "#000000"\n')
    (tmp_path / "wrong.toml").write_text('name = "wrong"\nprimary = 5\n')
    (tmp_path / "bare.toml").write_text('name = "bare"\n')
    (tmp_path / "vars.toml").write_text('name = "vars"\nprimary = "#112233"\n[variables]\nx = 1\n')
    themes, problems = load_themes(tmp_path)
    assert {DEFAULT_THEME, "paitui-light", "mine"} <= set(themes)
    assert themes["mine"].primary == "#112233" and themes["mine"].variables == {"phase-failed": "red"}
    assert not {"typo", "wrong", "bare", "vars"} & set(themes)
    assert sorted(problems) == [
        "theme bare.toml ignored: primary: required",
        "theme typo.toml ignored: primray: unknown key (known: name, primary, dark, variables, secondary, "
        "accent, warning, error, success, foreground, background, surface, panel)",
        "theme vars.toml ignored: variables.x: must be str, not 1",
        "theme wrong.toml ignored: primary: must be str, not 5",
    ]
