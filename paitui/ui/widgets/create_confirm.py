"""``CreateConfirmModal``: the confirmation before a creation is sent — what is created (kind and name) and
the exact body that will be sent, as YAML. The focus starts on Cancel, so a stray enter never submits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class CreateConfirmModal(ModalScreen[bool]):
    DEFAULT_CSS = """
    CreateConfirmModal { align: center middle; }
    CreateConfirmModal > #create-frame {
        width: 100; max-width: 95%; height: auto; max-height: 95%;
        border: thick $warning; background: $surface; padding: 0 1;
    }
    CreateConfirmModal #create-title { text-style: bold; padding: 1 0 0 0; }
    CreateConfirmModal #create-body { height: auto; max-height: 30; margin: 1 0; }
    CreateConfirmModal #create-buttons { height: 3; align: right middle; }
    CreateConfirmModal Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="create-cancel")]

    def __init__(self, label: str, body: Mapping[str, Any], consequence: str, *, verb: str = "Submit") -> None:
        super().__init__()
        self.label = label
        self.body = body
        self.consequence = consequence
        self.verb = verb

    def compose(self) -> ComposeResult:
        from paitui.live.create.body_file import dump_body

        with Vertical(id="create-frame") as frame:
            frame.border_title = Text(f"{self.verb} {self.label}")
            yield Static(Text(f"{self.verb} {self.label}?"), id="create-title")
            yield Static(Text(f"{self.consequence} The request body, as it will be sent:"), id="create-consequence")
            with VerticalScroll(id="create-body"):
                yield Static(Syntax(dump_body(self.body), "yaml", theme="ansi_dark", background_color="default",
                                    word_wrap=True), id="create-yaml")
            with Horizontal(id="create-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self.verb, id="confirm", variant="warning")
            yield Static("tab: next · enter: press · esc: cancel", id="create-hint")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
