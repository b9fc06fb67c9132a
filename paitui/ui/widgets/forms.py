"""Small forms that collect an action's input before its confirmation: a priority, a new name.

Each is a modal returning the value (or ``None`` on esc/Cancel); it validates before closing and says what
is wrong in words. Nothing here calls the API.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from paitui.live.actions import validate_priority

T = TypeVar("T")
MAX_RUN_NAME = 128  # UpdatePipelineRun Name limit


class FormModal(ModalScreen[T | None], Generic[T]):
    """Frame, error line and Cancel/Submit buttons; subclasses add fields and ``value()``."""

    DEFAULT_CSS = """
    FormModal { align: center middle; }
    FormModal > #form-frame {
        width: 90; max-width: 95%; height: auto; max-height: 95%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    FormModal Label { margin-top: 1; }
    FormModal #form-error { color: $error; height: auto; }
    FormModal #form-command { height: 6; }
    FormModal #form-buttons { height: 3; align: right middle; }
    FormModal Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="form-cancel"),
                Binding("ctrl+s", "submit", "Submit", id="form-submit")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="form-frame") as frame:
            frame.border_title = Text(self.title_text)
            yield from self.fields()
            yield Static(id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button("Cancel", id="form-cancel-button")
                yield Button("Next: confirm", id="form-ok", variant="primary")

    def fields(self) -> ComposeResult:
        yield from ()

    def value(self) -> T:
        """The form's value; raises ``ValueError`` with a sentence when a field is wrong."""
        raise NotImplementedError

    def action_submit(self) -> None:
        try:
            result = self.value()
        except ValueError as exc:
            self.query_one("#form-error", Static).update(Text(str(exc)))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#form-ok")
    def _ok(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#form-cancel-button")
    def _cancel(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()


class PriorityForm(FormModal[int]):
    def __init__(self, title: str, current: int | None) -> None:
        super().__init__(title)
        self.current = current

    def fields(self) -> ComposeResult:
        yield Label(f"Priority: 1 (lowest) … 9 (highest); now {self.current or 'unknown'}")
        # empty, not the current value; two digits fit, so "12" is refused as out of range rather than cut to 1
        yield Input(placeholder=f"1-9 (now {self.current or '?'})", id="form-priority", restrict=r"[0-9]*",
                    max_length=2)

    def value(self) -> int:
        return validate_priority(self.query_one("#form-priority", Input).value)


class RenameForm(FormModal[str]):
    def __init__(self, title: str, current: str) -> None:
        super().__init__(title)
        self.current = current

    def fields(self) -> ComposeResult:
        yield Label("New name")
        yield Input(self.current, id="form-name", max_length=MAX_RUN_NAME)

    def value(self) -> str:
        name = self.query_one("#form-name", Input).value.strip()
        if not name:
            raise ValueError("the name cannot be empty")
        if name == self.current:
            raise ValueError("that is the current name")
        return name
