"""The new-run form: a pipeline's input parameters, each with its type and default (a choice list for a Bool
or a parameter with allowed values), and the run's name; the request body that will be sent, kept current
as the user types; each rule the values break shown under its field.

The form builds nothing itself: ``build(given, name)`` (``live.create.pipeline_runs.run_request`` over the
pipeline already read) makes the request and finds the refusals, so the form and ``paitui run create``
check the same rules. It returns the request, not yet sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Select, Static

from paitui.live.create import CreateRequest
from paitui.live.create.manifest import Parameter
from paitui.ui.widgets.forms import MAX_RUN_NAME, FormModal

Build = Callable[[dict[str, str], str], CreateRequest]


class RunForm(FormModal[CreateRequest]):
    DEFAULT_CSS = """
    RunForm #run-fields { height: auto; max-height: 30; }
    RunForm .field-error { color: $error; height: auto; display: none; }
    RunForm .field-error.-shown { display: block; }
    RunForm #form-preview { height: auto; max-height: 12; color: $text-muted; margin-top: 1; }
    """

    def __init__(self, title: str, parameters: list[Parameter], build: Build, *, name: str = "",
                 initial: Mapping[str, str] | None = None) -> None:
        super().__init__(title)
        self.parameters = parameters
        self.build = build
        self.initial_name = name
        self.initial = dict(initial or {})

    def fields(self) -> ComposeResult:
        with VerticalScroll(id="run-fields"):
            yield Label("Run name (empty: PAIFlow names it)")
            yield Input(self.initial_name, id="form-name", max_length=MAX_RUN_NAME)
            yield Static(id="err-name", classes="field-error")
            if not self.parameters:
                yield Static(Text("The pipeline declares no input parameters.", style="dim"))
            for index, param in enumerate(self.parameters):
                default = "no default: required" if param.required else f"default {param.shown(param.default)}"
                about = f" — {param.description}" if param.description else ""
                yield Label(Text(f"{param.name} · {param.type_label} · {default}{about}"))
                yield self._editor(index, param)
                yield Static(id=f"err-{index}", classes="field-error")
            yield Static(id="form-preview")
        yield Static(Text("ctrl+s: next (the confirmation) · esc: cancel", style="dim"))

    def _editor(self, index: int, param: Parameter) -> Input | Select[str]:
        value = self.initial.get(param.name, param.shown(param.default))
        if param.type == "Bool" or param.choices:
            options = ["true", "false"] if param.type == "Bool" else [param.shown(c) for c in param.choices]
            return Select([(o, o) for o in options], value=value if value in options else options[0],
                          allow_blank=False, id=f"arg-{index}")
        placeholder = "required" if param.required else param.shown(param.default)
        return Input(value, placeholder=placeholder, id=f"arg-{index}")

    def on_mount(self) -> None:
        self._preview()

    def given(self) -> dict[str, str]:
        """What the user set: fields left at their default are not sent (the service applies defaults), an
        empty field is not given."""
        values: dict[str, str] = {}
        for index, param in enumerate(self.parameters):
            widget = self.query_one(f"#arg-{index}")
            raw = str(widget.value) if isinstance(widget, Input | Select) else ""
            if raw == "" or (not param.required and raw == param.shown(param.default)):
                continue
            values[param.name] = raw
        return values

    def request(self) -> CreateRequest:
        return self.build(self.given(), self.query_one("#form-name", Input).value)

    def _preview(self) -> CreateRequest:
        request = self.request()
        body = json.dumps(request.params, indent=2, ensure_ascii=False)
        self.query_one("#form-preview", Static).update(Text(f"{request.operation.action} request body:\n{body}"))
        return request

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._preview()

    def value(self) -> CreateRequest:
        """The request, or ``ValueError`` after showing each refusal under its field (the first one focused)."""
        request = self._preview()
        fields = {f"Arguments.{p.name}": str(i) for i, p in enumerate(self.parameters)}
        fields["Name"] = "name"
        shown: dict[str, str] = {}
        others = []
        for refusal in request.refusals:
            where = fields.get(refusal.field)
            if where is None:
                others.append(refusal.line())
            else:
                shown.setdefault(where, f"{refusal.message} (rule: {refusal.rule})")
        for where in fields.values():
            message = self.query_one(f"#err-{where}", Static)
            message.update(Text(shown.get(where, "")))
            message.set_class(where in shown, "-shown")
        if shown:
            first = next(w for w in fields.values() if w in shown)
            self.query_one("#form-name" if first == "name" else f"#arg-{first}").focus()
        if request.refusals:
            raise ValueError("\n".join(others) or f"{len(request.refusals)} field(s) to correct: nothing was sent")
        return request
