"""Completion of ``:`` commands (pure: no app)."""

from __future__ import annotations

import pytest

from paitui.ui.commands import complete
from tests.ui.conftest import SIZE, demo_app, wait_until


@pytest.mark.parametrize(("typed", "completed"), [
    (":pipeline", "pipelines"),  # an alias is a command already: its name, not a longer word (pipelineruns)
    (":ws", "workspaces"),
    (":jobs", None),  # complete
    (":ru", "runs"),
    (":tem", "templates"),
    (":t", "te"),  # tensorboards and templates: only as far as they agree
    (":te", None),
    (":pi", "pipeline"),  # pipelines / pipelineruns
    (":q", "quit"),
    (":zz", None),
    (":ws llm", None),  # arguments are not completed here
    ("", None),
])
def test_completion(typed: str, completed: str | None) -> None:
    assert complete(typed) == completed


async def test_page_keys_in_the_palette_while_its_list_rebuilds_do_not_end_the_app(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.command import CommandList

    from paitui.ui.widgets.palette import Palette

    def not_laid_out(self: CommandList) -> None:  # what Textual 8.2.8's OptionList._move_page raises then
        raise KeyError(0)

    monkeypatch.setattr(CommandList, "action_page_up", not_laid_out)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, Palette), what="the palette")
        app.screen._action_command_list("page_up")
        await pilot.press("pageup")
        await pilot.pause()
        assert isinstance(app.screen, Palette) and app.is_running and app.crash is None
