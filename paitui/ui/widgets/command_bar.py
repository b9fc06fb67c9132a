"""The ``:`` command line at the bottom, with tab completion of command names and aliases."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from paitui.ui import commands
from paitui.ui.focus import focus_now


class CommandSuggester(Suggester):
    async def get_suggestion(self, value: str) -> str | None:
        word = commands.complete(value)
        return f":{word}" if word and value.startswith(":") else word


class CommandBar(Input):
    """Hidden until ``:``; enter runs the command, esc cancels. Errors show inline, the text stays."""

    DEFAULT_CSS = """
    /* not docked: it follows the screen's body, just above the docked Footer (docked, the Footer covered it) */
    CommandBar, CommandBar:focus { display: none; border: none; height: 1; padding: 0 1; background: $boost; }
    CommandBar.-open { display: block; }
    CommandBar.-error { background: $error 30%; }
    """
    BINDINGS = [Binding("escape", "close", "Cancel", show=False), Binding("tab", "complete", show=False)]

    class Run(Message):
        """The user pressed enter on a command (named so as not to shadow ``Input.Submitted``)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self) -> None:
        # select_on_focus off: a selected ":" would be replaced by the first letter typed
        super().__init__(
            placeholder=":jobs  :runs  :ws NAME  :region NAME  :q", suggester=CommandSuggester(), id="command-bar",
            select_on_focus=False,
        )

    def open(self) -> None:
        self.value = ":"
        self.remove_class("-error")
        self.add_class("-open")
        focus_now(self)
        self.cursor_position = 1

    def action_close(self) -> None:
        self.remove_class("-open", "-error")
        self.value = ""
        self.screen.focus_next()

    def action_complete(self) -> None:
        word = commands.complete(self.value)
        if word:
            self.value = f":{word}"
            self.cursor_position = len(self.value)

    def show_error(self, message: str) -> None:
        """The bar stays open with the command selected: arrows edit it, typing replaces it."""
        self.add_class("-error")
        self.select_all()
        self.notify(message, severity="error", markup=False, timeout=4)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Run(event.value))
