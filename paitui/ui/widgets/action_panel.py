"""``ActionPanel``: what can be done to the selected (or marked) resources now, and why the rest cannot.

Every action of the kind is listed; those the state (or read-only mode) does not allow are shown disabled
with the reason beside them, so the panel teaches the rules instead of hiding them. A letter picks an
action directly, enter picks the highlighted one, esc closes. Returns the action's key, or ``None``.

``ResultsModal`` shows the per-item outcome of a bulk action.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import RenderableType
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from paitui.ui.widgets.text_modal import DetailModal


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    label: str
    hotkey: str
    ok: bool
    note: str = ""  # the reason when disabled; "2 of 3" style scope when enabled


class ActionPanel(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ActionPanel { align: center middle; }
    ActionPanel > #panel-frame {
        width: 96; max-width: 95%; height: auto; max-height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    ActionPanel #panel-subject { padding: 1 0 0 0; color: $text-muted; }
    ActionPanel #panel-options { height: auto; max-height: 20; margin: 1 0 0 0; border: none; }
    ActionPanel #panel-hint { height: 1; color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "close", "Close", id="panel-close")]

    def __init__(self, title: str, subject: str, entries: Sequence[Entry]) -> None:
        super().__init__()
        self.title_text = title
        self.subject = subject
        self.entries = list(entries)

    def compose(self) -> ComposeResult:
        with Vertical(id="panel-frame") as frame:
            frame.border_title = Text(self.title_text)
            yield Static(Text(self.subject), id="panel-subject")
            yield OptionList(*(self._option(e) for e in self.entries), id="panel-options")
            yield Static("letter or enter: choose · esc: close", id="panel-hint")

    @staticmethod
    def _option(entry: Entry) -> Option:
        text = Text()
        text.append(f" {entry.hotkey} ", style="bold reverse" if entry.ok else "dim")
        text.append(f"  {entry.label}", style="bold" if entry.ok else "dim")
        if entry.note:
            text.append(f"  — {entry.note}" if not entry.ok else f"  ({entry.note})", style="dim italic"
                        if not entry.ok else "dim")
        return Option(text, id=entry.key, disabled=not entry.ok)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        first = next((i for i, e in enumerate(self.entries) if e.ok), None)
        if first is not None:
            options.highlighted = first

    def on_key(self, event: events.Key) -> None:
        entry = next((e for e in self.entries if e.hotkey == event.character), None)
        if entry is None:
            return
        event.stop()
        if entry.ok:
            self.dismiss(entry.key)
        else:
            self.notify(f"{entry.label}: {entry.note}", title="not available", markup=False, timeout=4)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)


class ResultsModal(DetailModal[list[tuple[bool, str]]]):
    """One line per item of a bulk action: ✓ or ✗, then what happened (Code, Message, RequestId)."""

    def render_body(self, data: list[tuple[bool, str]]) -> RenderableType:
        lines = [Text.assemble(("✓ " if ok else "✗ ", "bold green" if ok else "bold red"), Text(line))
                 for ok, line in data]
        return Text("\n").join(lines) if lines else Text("(nothing ran)", style="italic")
