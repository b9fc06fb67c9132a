"""``ConfirmModal``: the one confirmation every mutating action goes through.

It names the kind, name and id of every affected resource (a bulk action lists them all), says what will
happen, and starts with the focus on **Cancel**, so a stray enter never confirms. A destructive action also
asks for the resource's name or id (several resources: their count) to be typed before Confirm enables; there
the focus starts in that field (what the user must do next), where enter only confirms a match.
Used as ``ok = await self.app.push_screen_wait(ConfirmModal(...))`` inside a worker (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from paitui.live.actions import Target, typed_matches, typed_prompt


class ConfirmModal(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmModal { align: center middle; }
    ConfirmModal > #confirm-frame {
        width: 84; max-width: 95%; height: auto; max-height: 90%;
        border: thick $error; background: $surface; padding: 0 1;
    }
    ConfirmModal > #confirm-frame.-mild { border: thick $warning; }
    ConfirmModal #confirm-title { text-style: bold; padding: 1 0 0 0; }
    ConfirmModal #confirm-list { height: auto; max-height: 14; margin: 1 0; }
    ConfirmModal #confirm-consequence { color: $text; }
    ConfirmModal #confirm-skipped { color: $text-muted; margin-top: 1; }
    ConfirmModal #confirm-typed { margin-top: 1; }
    ConfirmModal #confirm-buttons { height: 3; align: right middle; margin-top: 1; }
    ConfirmModal #confirm-hint { height: 1; color: $text-muted; }
    ConfirmModal #confirm-hint.-mismatch { color: $error; }
    ConfirmModal Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="confirm-cancel")]

    def __init__(self, title: str, targets: Sequence[Target], consequence: str, *, confirm_label: str = "Confirm",
                 typed: bool = False, skipped: Sequence[tuple[Target, str]] = ()) -> None:
        super().__init__()
        self.title_text = title
        self.targets = list(targets)
        self.consequence = consequence
        self.confirm_label = confirm_label
        self.typed = typed
        self.skipped = list(skipped)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-frame", classes="" if self.typed else "-mild") as frame:
            frame.border_title = Text(self.title_text)
            yield Static(Text(self.title_text + "?"), id="confirm-title")
            with VerticalScroll(id="confirm-list"):
                yield Static(Text("\n").join(Text(f" • {t.label}") for t in self.targets), id="confirm-items")
            yield Static(Text(self.consequence), id="confirm-consequence")
            if self.skipped:
                lines = [f"Not included ({len(self.skipped)}):"]
                lines += [f" • {t.label}: {why}" for t, why in self.skipped[:10]]
                if len(self.skipped) > 10:
                    lines.append(f"   … and {len(self.skipped) - 10} more")
                yield Static(Text("\n".join(lines)), id="confirm-skipped")
            if self.typed:
                yield Input(placeholder=typed_prompt(self.targets), id="confirm-typed")
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="cancel", variant="default")
                yield Button(self.confirm_label, id="confirm", variant="error" if self.typed else "warning",
                             disabled=self.typed)
            yield Static("tab: next · enter: press · esc: cancel", id="confirm-hint")

    def on_mount(self) -> None:
        if self.typed:
            self.query_one("#confirm-typed", Input).focus()  # a stray enter there confirms nothing
        else:
            self.query_one("#cancel", Button).focus()  # a stray enter cancels

    @on(Input.Changed, "#confirm-typed")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm", Button).disabled = not typed_matches(event.value, self.targets)

    @on(Input.Submitted, "#confirm-typed")
    def _typed_submit(self, event: Input.Submitted) -> None:
        event.stop()
        if typed_matches(event.value, self.targets):
            self.dismiss(True)
            return
        # a mismatch keeps the dialog open and says what is expected
        hint = self.query_one("#confirm-hint", Static)
        hint.update(Text(f"that does not match: {typed_prompt(self.targets)} · esc: cancel"))
        hint.add_class("-mismatch")

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        if not self.typed or typed_matches(self.query_one("#confirm-typed", Input).value, self.targets):
            self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
