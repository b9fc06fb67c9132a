"""``TemplateSubmitForm``: submit a DLC job from a job template — one line per template field, ``locked``
ones read-only, ``overridable`` ones editable, ``required`` ones to be filled — with the merged CreateJob
body previewed as it changes and every refusal shown under its field.

The widget parses and sends nothing: ``preview`` (pure) and ``check`` (reads ListImages, builds the request)
come from the screen, through ``paitui.live.create``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from paitui.live.create.request import Refusal

Texts = dict[str, str]
Preview = Callable[[Texts], tuple[Mapping[str, Any], Sequence[Refusal]]]
Check = Callable[[Texts, bool], Awaitable[tuple[Any, Sequence[Refusal]]]]


class FormField:
    """One line of the form: wire path, constraint word, initial text, whether it can be edited."""

    def __init__(self, path: str, constraint: str, text: str, editable: bool) -> None:
        self.path, self.constraint, self.text, self.editable = path, constraint, text, editable


def owner(fields: Sequence[FormField], path: str) -> int | None:
    """The field a refusal at ``path`` belongs to: the same path, else the longest field path it is under."""
    best: tuple[int, int] | None = None
    for index, f in enumerate(fields):
        under = path == f.path or path.startswith((f.path + ".", f.path + "["))
        if under and (best is None or len(f.path) > best[1]):
            best = (index, len(f.path))
    return None if best is None else best[0]


class TemplateSubmitForm(ModalScreen[Any]):
    """Returns the request ``check`` accepted, or ``None`` on esc/Cancel."""

    DEFAULT_CSS = """
    TemplateSubmitForm { align: center middle; }
    TemplateSubmitForm > #tpl-frame {
        width: 96%; height: 94%; border: round $primary; background: $surface; padding: 0 1;
    }
    TemplateSubmitForm #tpl-columns { height: 1fr; }
    TemplateSubmitForm #tpl-fields { width: 1fr; }
    TemplateSubmitForm #tpl-preview-scroll { width: 1fr; border-left: solid $primary; padding-left: 1; }
    TemplateSubmitForm Label { margin-top: 1; }
    TemplateSubmitForm .tpl-refusal { color: $error; height: auto; }
    TemplateSubmitForm #tpl-error { color: $error; height: auto; }
    TemplateSubmitForm #tpl-buttons { height: 3; align: right middle; }
    TemplateSubmitForm Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="tpl-cancel"),
                Binding("ctrl+s", "submit", "Check and submit", id="tpl-submit")]

    def __init__(self, title: str, fields: Sequence[FormField], preview: Preview, check: Check) -> None:
        super().__init__()
        self.title_text = title
        self.form_fields = list(fields)
        self.preview = preview
        self.check = check
        self.checking = False
        self.preview_yaml = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="tpl-frame") as frame:
            frame.border_title = Text(self.title_text)
            with Horizontal(id="tpl-columns"):
                with VerticalScroll(id="tpl-fields"):
                    for index, f in enumerate(self.form_fields):
                        word = f" ({f.constraint})" if f.constraint else ""
                        yield Label(Text(f"{f.path}{word}"), id=f"tpl-label-{index}")
                        yield Input(f.text, id=f"tpl-input-{index}", disabled=not f.editable,
                                    placeholder="required: fill in" if f.constraint == "required" else "")
                        yield Static("", id=f"tpl-refusal-{index}", classes="tpl-refusal")
                    yield Checkbox("send an image ListImages does not return", False, id="tpl-allow")
                with VerticalScroll(id="tpl-preview-scroll"):
                    yield Static(Text("CreateJob body to be sent", style="bold"))
                    yield Static("", id="tpl-preview")
            yield Static("", id="tpl-error")
            with Horizontal(id="tpl-buttons"):
                yield Button("Cancel", id="tpl-cancel-button")
                yield Button("Check and submit", id="tpl-ok", variant="primary")

    def on_mount(self) -> None:
        first = next((i for i, f in enumerate(self.form_fields) if f.editable), None)
        if first is not None:
            self.query_one(f"#tpl-input-{first}", Input).focus()
        self._refresh_preview()

    def texts(self) -> Texts:
        return {f.path: self.query_one(f"#tpl-input-{i}", Input).value for i, f in enumerate(self.form_fields)}

    def _refresh_preview(self) -> None:
        from paitui.live.create.body_file import dump_body

        body, refusals = self.preview(self.texts())
        self.preview_yaml = dump_body(body)  # what is shown, for tests and copying
        self.query_one("#tpl-preview", Static).update(
            Syntax(self.preview_yaml, "yaml", theme="ansi_dark", background_color="default", word_wrap=True))
        self.show_refusals(refusals)

    def show_refusals(self, refusals: Sequence[Refusal]) -> None:
        by_field: dict[int, list[str]] = {}
        general: list[str] = []
        for refusal in refusals:
            index = owner(self.form_fields, refusal.field)
            line = f"{refusal.message} (rule: {refusal.rule})"
            if index is None:
                general.append(f"{refusal.field}: {line}")
            else:
                by_field.setdefault(index, []).append(("" if refusal.field == self.form_fields[index].path
                                                       else f"{refusal.field}: ") + line)
        for index in range(len(self.form_fields)):
            self.query_one(f"#tpl-refusal-{index}", Static).update(Text("\n".join(by_field.get(index, ()))))
        self.query_one("#tpl-error", Static).update(Text("\n".join(general)))

    @on(Input.Changed)
    def _changed(self) -> None:
        self._refresh_preview()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        if not self.checking:
            self._check()

    @work(exclusive=True, group="template-form", exit_on_error=False)
    async def _check(self) -> None:
        self.checking = True
        error = self.query_one("#tpl-error", Static)
        error.update(Text("checking…", style="italic"))
        try:
            accepted, refusals = await self.check(self.texts(), self.query_one("#tpl-allow", Checkbox).value)
        except Exception as failure:  # why: a failed read (ListImages) is said here, the form stays
            accepted, refusals = None, [Refusal("(check)", "unchecked", f"could not check: {failure}")]
        finally:
            self.checking = False
        if accepted is not None and not refusals:
            self.dismiss(accepted)
            return
        self.show_refusals(refusals)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#tpl-ok")
    def _ok(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#tpl-cancel-button")
    def _cancel(self) -> None:
        self.action_cancel()
