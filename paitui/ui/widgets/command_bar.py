"""The ``:`` command line at the bottom, with tab completion of command names and aliases."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.suggester import Suggester
from textual.widget import Widget
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
        self._return_to: Widget | None = None  # focused when the bar opened: it gets the focus back


    def open(self) -> None:
        focused = self.screen.focused
        self._return_to = focused if focused is not self else self._return_to
        self.value = ":"
        self.remove_class("-error")
        self.add_class("-open")
        focus_now(self)
        self.cursor_position = 1

    def action_close(self) -> None:
        """Close; the focus goes back where it was (the table), also on a screen just left for another view:
        it is kept, and shown again with the focus it had (``focus_next`` could land in its open filter box)."""
        self.remove_class("-open", "-error")
        self.value = ""
        back, self._return_to = self._return_to, None
        if back is not None and back.is_attached and back.screen is self.screen and back.focusable:
            self.screen.set_focus(back)
        else:
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
