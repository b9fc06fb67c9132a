"""The footer recomposes when the keys it shows change, and only then (Textual's Footer recomposed on every
bindings signal: four times with the same keys before the demo's first frame)."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Label
from textual.widgets._footer import FooterKey

from paitui.ui.widgets.key_footer import KeyFooter


class Keys(Screen[None]):
    BINDINGS = [Binding("r", "refresh", "Refresh"), Binding("d", "delete", "Delete")]
    deletable = True

    def compose(self) -> ComposeResult:
        yield Label("body")
        yield KeyFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "delete" and not self.deletable else True  # None: shown disabled

    def action_refresh(self) -> None: ...

    def action_delete(self) -> None: ...


class KeysApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Keys())


def _keys(app: App[Any]) -> dict[str, bool]:
    return {key.key: key.has_class("-disabled") for key in app.screen.query(FooterKey) if key.key in ("r", "d")}


async def test_the_footer_recomposes_for_new_keys_only() -> None:
    app = KeysApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        composed: list[int] = []
        original = footer.recompose

        async def counted() -> None:
            composed.append(1)
            await original()

        footer.recompose = counted  # type: ignore[method-assign]
        assert _keys(app) == {"r": False, "d": False}
        for _ in range(3):  # signals with the same keys: nothing to redo
            app.screen.refresh_bindings()
            await pilot.pause()
        assert composed == []
        screen = app.screen
        assert isinstance(screen, Keys)
        screen.deletable = False  # the same keys, one disabled: recomposed, and shown so
        screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert composed == [1]
        assert _keys(app) == {"r": False, "d": True}
