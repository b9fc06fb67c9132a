"""What every paitui screen has: the top bar with breadcrumbs, a body, the ``:`` command bar, a footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from paitui.ui.widgets.command_bar import CommandBar
from paitui.ui.widgets.header import TopBar
from paitui.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from paitui.ui.app import PaiTuiApp


class PaiScreen(Screen[None]):
    TITLE_TEXT = "paitui"
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
    ]

    @property
    def pai(self) -> PaiTuiApp:
        return cast("PaiTuiApp", self.app)

    def crumbs(self) -> list[str]:
        return [self.TITLE_TEXT]

    def compose(self) -> ComposeResult:
        yield TopBar(self.crumbs())
        yield from self.compose_body()
        yield CommandBar()
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def refresh_crumbs(self) -> None:
        self.query_one(TopBar).set_crumbs(self.crumbs())

    def action_back(self) -> None:
        self.pai.go_back()

    @on(CommandBar.Run)
    def _run_command(self, event: CommandBar.Run) -> None:
        bar = self.query_one(CommandBar)
        error = self.pai.run_command(event.text)
        if error:
            bar.show_error(error)
        elif bar.is_attached:
            bar.action_close()
