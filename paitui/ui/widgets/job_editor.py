"""``JobEditorModal``: a job's whole CreateJob body as YAML in an in-app editor (used when there is no
``$EDITOR`` or paitui runs in a browser). ctrl+s checks it through the given ``check``; the problems it finds
are listed under the text, each with its line, and the text stays as typed so the user edits again.

The widget parses nothing and sends nothing: ``check`` (the screen's) does both, answering the request to
confirm or the problems."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static, TextArea

Problem = tuple[str, int | None]  # what is wrong, and the 1-based line it is on when known
Check = Callable[[str, bool], Awaitable[tuple[Any, Sequence[Problem]]]]


def problems_text(problems: Sequence[Problem]) -> Text:
    return Text("\n").join(Text(f" • {line}", style="red") for line, _ in problems)


class JobEditorModal(ModalScreen[Any]):
    """Returns what ``check`` accepted (a request), or ``None`` on esc/Cancel."""

    DEFAULT_CSS = """
    JobEditorModal { align: center middle; }
    JobEditorModal > #editor-frame {
        width: 96%; height: 94%; border: round $primary; background: $surface; padding: 0 1;
    }
    JobEditorModal #editor-text { height: 1fr; }
    JobEditorModal #editor-problems { height: auto; max-height: 10; overflow-y: auto; }
    JobEditorModal #editor-buttons { height: 3; align: right middle; }
    JobEditorModal Button { margin-left: 2; }
    JobEditorModal #editor-hint { height: 1; color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="editor-cancel"),
                Binding("ctrl+s", "submit", "Check and submit", id="editor-submit")]

    def __init__(self, title: str, text: str, check: Check, *, problems: Sequence[Problem] = (),
                 allow_unregistered_image: bool = False) -> None:
        super().__init__()
        self.title_text = title
        self.initial = text
        self.check = check
        self.problems = list(problems)
        self.allow = allow_unregistered_image
        self.checking = False

    def compose(self) -> ComposeResult:
        with Vertical(id="editor-frame") as frame:
            frame.border_title = Text(self.title_text)
            yield TextArea(self.initial, id="editor-text", show_line_numbers=True, tab_behavior="indent")
            yield Static(problems_text(self.problems), id="editor-problems")
            with Horizontal(id="editor-buttons"):
                yield Checkbox("send an image ListImages does not return", self.allow, id="editor-allow")
                yield Button("Cancel", id="editor-cancel-button")
                yield Button("Check and submit", id="editor-ok", variant="primary")
            yield Static("ctrl+s: check, then confirm · esc: cancel (nothing is sent)", id="editor-hint")

    def on_mount(self) -> None:
        area = self.query_one("#editor-text", TextArea)
        area.focus()
        self._go_to_first_problem()

    @property
    def text(self) -> str:
        return self.query_one("#editor-text", TextArea).text

    def show_problems(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        self.query_one("#editor-problems", Static).update(problems_text(self.problems))
        self._go_to_first_problem()

    def _go_to_first_problem(self) -> None:
        line = next((n for _, n in self.problems if n), None)
        if line is not None:
            area = self.query_one("#editor-text", TextArea)
            area.move_cursor((max(line - 1, 0), 0))

    def action_submit(self) -> None:
        if not self.checking:
            self._check()

    @work(exclusive=True, group="job-editor", exit_on_error=False)
    async def _check(self) -> None:
        self.checking = True
        hint = self.query_one("#editor-hint", Static)
        hint.update("checking…")
        try:
            accepted, problems = await self.check(self.text, self.query_one("#editor-allow", Checkbox).value)
        except Exception as error:  # why: a failed read (ListImages) is said here, the text stays
            accepted, problems = None, [(f"could not check: {error}", None)]
        finally:
            self.checking = False
            hint.update("ctrl+s: check, then confirm · esc: cancel (nothing is sent)")
        if accepted is not None and not problems:
            self.dismiss(accepted)
            return
        self.show_problems(problems)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#editor-ok")
    def _ok(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#editor-cancel-button")
    def _cancel(self) -> None:
        self.action_cancel()
