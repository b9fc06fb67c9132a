"""``?``: the keys of the screen you came from, and the ``:`` commands."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from paitui.ui.commands import COMMANDS


def screen_bindings(screen: Screen, *, focused: bool = True, app: bool = True) -> list[Binding]:
    """The described bindings a user has on ``screen``: its classes' (subclass first), then the focused
    widget's and the app's; each described once, and a key a subclass already bound to something else is
    not listed again for its base class (the table's "up Up" shadows its scroll base's "up Scroll Up")."""
    chains = [[b for cls in type(screen).__mro__ for b in cls.__dict__.get("BINDINGS", [])]]
    if focused and screen.focused is not None:
        chains.append([b for cls in type(screen.focused).__mro__ for b in cls.__dict__.get("BINDINGS", [])])
    if app:
        chains.append(list(screen.app.BINDINGS))
    out: list[Binding] = []
    seen: set[str] = set()
    taken: set[str] = set()
    for binding in (b for chain in chains for b in chain):
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = {key.strip() for key in binding.key.split(",")}
        if binding.description in seen or keys <= taken:
            continue
        seen.add(binding.description)
        taken |= keys
        out.append(binding)
    return out


def keys_table(screen: Screen) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("key", style="bold", no_wrap=True)
    table.add_column("does")
    for binding in screen_bindings(screen):
        table.add_row(Text(binding.key_display or binding.key), Text(binding.description))
    return table


def screen_notes(screen: Screen) -> list[tuple[str, str]]:
    """What the keys alone do not say: the filter grammar and the time window, where the screen has them."""
    notes: list[tuple[str, str]] = []
    hint = getattr(screen, "filter_hint", None)
    if callable(hint):
        notes.append(("Filter (/)", f"{hint()}.\nWords are one regex over the name and id, each on its own "
                      "(^ and $ anchor to either); field:value is exact and case-insensitive; tokens AND "
                      "together; a lone ! first inverts all the words; enter keeps the filter, esc clears it."))
    if getattr(screen, "window", None) is not None:
        notes.append(("Window (t)", "1d → 7d → 30d → all, on creation time (as the API filters): a job created "
                      "before the window is not listed even while it runs."))
    return notes


def commands_table() -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("command", style="bold", no_wrap=True)
    table.add_column("aliases", style="dim")
    table.add_column("does")
    for command in COMMANDS:
        name = f":{command.name}" + (f" {command.arg}" if command.arg else "")
        table.add_row(Text(name), Text(" ".join(":" + a for a in command.aliases)), Text(command.help))
    return table


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; max-width: 95%; height: 80%; border: round $primary;
                                  background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, origin: Screen) -> None:
        super().__init__()
        self._origin = origin

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            title = getattr(self._origin, "TITLE_TEXT", None) or type(self._origin).__name__
            yield Static(Text(f"Keys — {title}", style="bold"))
            yield Static(keys_table(self._origin))
            for heading, body in screen_notes(self._origin):
                yield Static(Text(f"\n{heading}", style="bold"))
                yield Static(Text(body))
            yield Static(Text("\nCommands (type : first; tab completes)", style="bold"))
            yield Static(commands_table())
            yield Static(Text("\nctrl+p opens the palette with every action. esc goes back.", style="dim"))
