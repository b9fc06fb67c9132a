"""Forms that build one creation request (``live.create``): a template saved from a job, a new template version,
the default version, a TensorBoard for a job or a dataset, a TensorBoard's update; and the review that shows
the exact body before anything is sent.

A form never calls the API: it is given what was read and a builder (the same one the headless commands use),
shows each ``Refusal`` under the field it names, and closes only with a request that broke no rule.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from paitui.live.create import CreateRequest, Refusal, Refused
from paitui.live.create import templates as tpl
from paitui.live.create import tensorboards as tbs
from paitui.ui.widgets.forms import FormModal

NO_CONSTRAINT = "-"  # a field the template sets without a constraint


class CreateForm(FormModal[CreateRequest]):
    """Fields, then ``request()`` builds the request; its refusals go under the field they name (``FIELDS``: wire
    path prefix → the id of the line under that field), the rest on the form's error line."""

    FIELDS: dict[str, str] = {}

    def request(self) -> CreateRequest:
        """The request from the fields (its refusals are the rules broken); ``Refused`` for unreadable input."""
        raise NotImplementedError

    def refusal_line(self, key: str) -> Static:
        return Static(id=key, classes="form-refusal")

    def value(self) -> CreateRequest:
        try:
            request = self.request()
            refusals = request.refusals
        except Refused as refused:  # input the builder could not even read (a YAML syntax error)
            refusals = refused.refusals
        self.show_refusals(refusals)
        if refusals:
            unplaced = [r for r in refusals if self._line_of(r) is None]
            raise ValueError("\n".join(r.line() for r in unplaced) or "fix the fields marked above")
        return request

    def _line_of(self, refusal: Refusal) -> str | None:
        for prefix, key in self.FIELDS.items():
            if refusal.field == prefix or refusal.field.startswith(prefix + ".") or \
                    refusal.field.startswith(prefix + "["):
                return key
        return None

    def show_refusals(self, refusals: Sequence[Refusal]) -> None:
        by_line: dict[str, list[str]] = {key: [] for key in self.FIELDS.values()}
        for refusal in refusals:
            key = self._line_of(refusal)
            if key is not None:
                by_line[key].append(refusal.line())
        for key, lines in by_line.items():
            self.query_one(f"#{key}", Static).update(Text("\n".join(lines), style="bold red"))


class ReviewModal(ModalScreen[bool]):
    """What will be sent: the resource named, the operation and its parameters by wire names."""

    DEFAULT_CSS = """
    ReviewModal { align: center middle; }
    ReviewModal > #review-frame { width: 100; max-width: 95%; height: auto; max-height: 90%;
        border: round $warning; background: $surface; padding: 0 1; }
    ReviewModal #review-body { height: auto; max-height: 60vh; }
    ReviewModal #review-buttons { height: 3; align: right middle; }
    ReviewModal Button { margin-left: 2; }
    """
    AUTO_FOCUS = "#review-cancel-button"  # as every confirmation: enter alone sends nothing
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="review-cancel"),
                Binding("ctrl+s", "send", "Send", id="review-send")]

    def __init__(self, request: CreateRequest) -> None:
        super().__init__()
        self.create = request

    @staticmethod
    def body_text(request: CreateRequest) -> str:
        """The parameters by wire names; a field the wire carries as a JSON string (a template's Content) is
        shown decoded, and said so, rather than as one escaped line."""
        shown: dict[str, Any] = {}
        strings = []
        for key, value in request.params.items():
            decoded = _json_document(value)
            if decoded is not None:
                strings.append(key)
            shown[key] = value if decoded is None else decoded
        note = f"\n({', '.join(strings)} sent as a JSON string of the object shown)" if strings else ""
        return json.dumps(shown, indent=2, ensure_ascii=False, default=str) + note

    def compose(self) -> ComposeResult:
        request = self.create
        with Vertical(id="review-frame") as frame:
            frame.border_title = Text(f"{request.verb.capitalize()} {request.label}?")
            yield Static(Text(f"{request.operation.action} — the request body that will be sent:"))
            with VerticalScroll(id="review-body"):
                yield Static(Text(self.body_text(request)), id="review-json")
            with Horizontal(id="review-buttons"):
                yield Button("Cancel", id="review-cancel-button")
                yield Button(request.verb.capitalize(), id="review-ok", variant="warning")

    def action_cancel(self) -> None:
        self.dismiss(False)

    def action_send(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#review-ok")
    def _ok(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#review-cancel-button")
    def _cancel(self) -> None:
        self.dismiss(False)


def _json_document(value: Any) -> Any:
    if not isinstance(value, str) or not value.startswith(("{", "[")):
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def _select_id(i: int) -> str:
    return f"constraint-{i}"


class SaveTemplateForm(CreateForm):
    """A job saved as a template: its name, and per field of the job's body a constraint."""

    FIELDS = {"TemplateName": "err-name", "Constraints": "err-constraints", "Content": "err-constraints",
              "WorkspaceId": "err-name"}
    DEFAULT_CSS = "SaveTemplateForm #constraints { height: 16; border: round $panel; }"

    def __init__(self, title: str, job_id: str, job: dict[str, Any]) -> None:
        super().__init__(title)
        self.job_id = job_id
        self.workspace_id = str(job.get("WorkspaceId") or "")
        self.content = tpl.content_from_job(job)
        self.fields_of = tpl.flatten(self.content)
        self.inputs: dict[str, Any] = {}  # what built the request, for the caller's read-back snapshot
        self.default_name = f"{job.get('DisplayName') or job_id}-template"

    def fields(self) -> ComposeResult:
        yield Label("Template name")
        yield Input(self.default_name, id="form-name")
        yield self.refusal_line("err-name")
        yield Label("Per field: locked keeps the template's value, overridable may change, required must be given")
        with VerticalScroll(id="constraints"):
            for i, (path, value) in enumerate(self.fields_of.items()):
                shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
                with Horizontal(classes="constraint-row"):
                    yield Select([(k, k) for k in (NO_CONSTRAINT, *tpl.CONSTRAINT_KINDS)], value=NO_CONSTRAINT,
                                 allow_blank=False, id=_select_id(i), compact=True)
                    yield Label(Text(f"{path} = {shown[:60]}"))
        yield self.refusal_line("err-constraints")

    DEFAULT_CSS += """
    SaveTemplateForm .constraint-row { height: 1; }
    SaveTemplateForm .constraint-row Select { width: 16; }
    SaveTemplateForm .constraint-row Label { margin: 0 0 0 1; }
    """

    def constraints(self) -> dict[str, str]:
        out = {}
        for i, path in enumerate(self.fields_of):
            chosen = self.query_one(f"#{_select_id(i)}", Select).value
            if isinstance(chosen, str) and chosen != NO_CONSTRAINT:
                out[path] = chosen
        return out

    def set_constraint(self, path: str, kind: str) -> None:
        """Choose ``kind`` for ``path`` (tests and scripts; a person uses the selects)."""
        self.query_one(f"#{_select_id(list(self.fields_of).index(path))}", Select).value = kind

    def request(self) -> CreateRequest:
        self.inputs = {"workspace_id": self.workspace_id, "name": self.query_one("#form-name", Input).value.strip(),
                       "content": self.content, "constraints": self.constraints(),
                       "description": f"saved from job {self.job_id}"}
        return tpl.create_template_request(**self.inputs)


def _yaml(doc: Any) -> str:
    import yaml  # why lazily: only these forms need it

    return str(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=200))


class TemplateVersionForm(CreateForm):
    """A new version: the newest version's Content and Constraints as YAML to edit, sent together."""

    FIELDS = {"Content": "err-doc", "Constraints": "err-doc", "-f": "err-doc"}
    DEFAULT_CSS = "TemplateVersionForm #form-doc { height: 20; }"

    def __init__(self, title: str, template: Any) -> None:
        super().__init__(title)
        self.template = template
        latest = tpl.latest_version(template)
        self.initial = _yaml({"Content": tpl.version_content(latest) if latest is not None else {},
                              "Constraints": (latest.constraints or {}) if latest is not None else {}})

    def fields(self) -> ComposeResult:
        yield Label("Content (a CreateJob body) and Constraints, as YAML; sent together")
        yield TextArea(self.initial, id="form-doc", language="yaml")
        yield self.refusal_line("err-doc")
        yield Checkbox("Make it the default version", id="form-default")

    def request(self) -> CreateRequest:
        import yaml

        text = self.query_one("#form-doc", TextArea).text
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}: " if mark is not None else ""
            raise Refused([Refusal("Content", "yaml-syntax",
                                   f"{where}{getattr(exc, 'problem', None) or exc}")]) from None
        if not isinstance(doc, dict) or "Content" not in doc:
            raise Refused([Refusal("Content", "content-object", "the document needs a Content: key")])
        constraints = doc.get("Constraints") or {}
        if not isinstance(constraints, dict):
            raise Refused([Refusal("Constraints", "constraints-object",
                                   "Constraints must map field paths to locked/overridable/required")])
        return tpl.version_request(self.template, doc["Content"], constraints,
                                   set_default=self.query_one("#form-default", Checkbox).value)


class SetDefaultForm(CreateForm):
    FIELDS = {"Version": "err-version"}

    def __init__(self, title: str, template: Any) -> None:
        super().__init__(title)
        self.template = template

    def fields(self) -> ComposeResult:
        known = ", ".join(f"v{v.version}" for v in sorted(self.template.versions or (),
                                                          key=lambda v: v.version or 0))
        yield Label(f"Default version (now v{self.template.default_version}; versions: {known or 'none'})")
        latest = tpl.latest_version(self.template)
        yield Input(str(latest.version) if latest is not None else "", id="form-version")
        yield self.refusal_line("err-version")

    def request(self) -> CreateRequest:
        return tpl.set_default_request(self.template, self.query_one("#form-version", Input).value)


class VersionDiffForm(FormModal[tuple[int, int]]):
    """Two version numbers to compare (the default and the newest, to start with)."""

    def __init__(self, title: str, template: Any) -> None:
        super().__init__(title)
        self.template = template
        numbers = sorted(v.version for v in template.versions or () if v.version is not None)
        self.known = numbers
        newest = numbers[-1] if numbers else 0
        default = template.default_version or (numbers[0] if numbers else 0)
        self.start = (default if default != newest else (numbers[-2] if len(numbers) > 1 else newest), newest)

    def fields(self) -> ComposeResult:
        yield Label(f"Compare versions (the template has {', '.join(f'v{n}' for n in self.known) or 'none'})")
        yield Label("From")
        yield Input(str(self.start[0]), id="form-from", restrict=r"v?[0-9]*")
        yield Label("To")
        yield Input(str(self.start[1]), id="form-to", restrict=r"v?[0-9]*")

    def value(self) -> tuple[int, int]:
        picked = []
        for key in ("#form-from", "#form-to"):
            raw = self.query_one(key, Input).value.strip().removeprefix("v")
            if not raw.isdigit() or int(raw) not in self.known:
                raise ValueError(f"{raw or 'nothing'} is not a version of this template: "
                                 f"{', '.join(str(n) for n in self.known)}")
            picked.append(int(raw))
        if picked[0] == picked[1]:
            raise ValueError("choose two different versions")
        return picked[0], picked[1]


class TensorboardForm(CreateForm):
    """A TensorBoard for a job (given) or for a dataset (picked from ListDatasets' answer)."""

    FIELDS = {"MaxRunningTimeMinutes": "err-minutes", "JobId": "err-source", "DataSources": "err-source",
              "WorkspaceId": "err-source"}
    DEFAULT_CSS = "TensorboardForm #form-datasets { height: 10; }"

    def __init__(self, title: str, *, job_id: str = "", datasets: Sequence[Any] = (), workspace_id: str = "") -> None:
        super().__init__(title)
        self.job_id = job_id
        self.datasets = list(datasets)
        self.workspace_id = workspace_id
        self.inputs: dict[str, Any] = {}  # what built the request, for the caller's read-back snapshot

    def fields(self) -> ComposeResult:
        if not self.job_id:
            yield Label("Dataset (its summaries' directory is the dataset's Uri)")
            yield OptionList(*(Option(Text(f"{d.name or d.dataset_id}  {d.dataset_id}  {d.uri or ''}"),
                                      id=d.dataset_id) for d in self.datasets), id="form-datasets")
        yield self.refusal_line("err-source")
        yield Label("Display name (empty: the service names it)")
        yield Input("", id="form-name")
        yield Label(f"Stop after (minutes of running; the service's default is {tbs.DEFAULT_MAX_MINUTES})")
        yield Input(str(tbs.DEFAULT_MAX_MINUTES), id="form-minutes", restrict=r"-?[0-9]*")
        yield self.refusal_line("err-minutes")

    def on_mount(self) -> None:
        if self.datasets:
            self.query_one("#form-datasets", OptionList).highlighted = 0  # a dataset is always chosen

    def source(self) -> tbs.Source:
        if self.job_id:
            return tbs.Source(job_id=self.job_id)
        picker = self.query_one("#form-datasets", OptionList)
        index = picker.highlighted
        dataset = self.datasets[index] if index is not None and index < len(self.datasets) else None
        return tbs.Source(dataset=dataset, workspace_id=self.workspace_id)

    def request(self) -> CreateRequest:
        self.inputs = {"source": self.source(), "max_minutes": self.query_one("#form-minutes", Input).value,
                       "display_name": self.query_one("#form-name", Input).value}
        return tbs.create_request(**self.inputs)


class TensorboardUpdateForm(CreateForm):
    """What UpdateTensorboard changes: the maximum running time, who may open it, its priority."""

    FIELDS = {"MaxRunningTimeMinutes": "err-minutes", "Accessibility": "err-access", "TensorboardId": "err-minutes"}

    def __init__(self, title: str, tensorboard: Any) -> None:
        super().__init__(title)
        self.tensorboard = tensorboard

    def fields(self) -> ComposeResult:
        tb = self.tensorboard
        yield Label("Stop after (minutes of running)")
        yield Input(str(tb.max_running_time_minutes or ""), id="form-minutes", restrict=r"-?[0-9]*")
        yield self.refusal_line("err-minutes")
        yield Label("Accessibility")
        yield Select([(a, a) for a in tbs.ACCESSIBILITY], value=(tb.accessibility or "PRIVATE").upper()
                     if (tb.accessibility or "PRIVATE").upper() in tbs.ACCESSIBILITY else "PRIVATE",
                     allow_blank=False, id="form-access")
        yield self.refusal_line("err-access")
        yield Label("Priority")
        yield Input(tb.priority or "", id="form-priority")

    def request(self) -> CreateRequest:
        access = self.query_one("#form-access", Select).value
        return tbs.update_request(self.tensorboard, max_minutes=self.query_one("#form-minutes", Input).value,
                                  accessibility=access if isinstance(access, str) else None,
                                  priority=self.query_one("#form-priority", Input).value)


class ShareExpiryForm(FormModal[int]):
    """How long the shared URL lives: at most 604,800 s (7 days)."""

    def fields(self) -> ComposeResult:
        yield Label(f"The URL expires after (seconds; at most {tbs.MAX_SHARE_SECONDS:,} = 7 days)")
        yield Input(str(tbs.MAX_SHARE_SECONDS), id="form-seconds", restrict=r"-?[0-9,_]*")

    def value(self) -> int:
        return tbs.share_expiry(self.query_one("#form-seconds", Input).value.replace(",", "").replace("_", ""))
