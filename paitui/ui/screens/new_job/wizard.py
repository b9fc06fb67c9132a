"""``N`` on the jobs list: a new DLC job through resource discovery, one step at a time.

The steps and what they hold are ``live.create.job_draft`` (no Textual): this screen shows one step, keeps
its widgets in step with the draft, and at review shows the exact CreateJob body with every refusal by
field, then confirms and sends it through the creation core; the new job's detail opens afterwards.
``ctrl+n`` / ``ctrl+b`` move forward and back (choices are kept), ``esc`` asks before discarding.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, ContentSwitcher, DataTable, Input, Label, Select, Static, TextArea

from paitui.api.errors import PaiError
from paitui.kinds import Target
from paitui.live.create import CreateRequest, Refusal, Refused, send
from paitui.live.create.job_draft import (
    FRAMEWORK_OF,
    JOB_TYPES,
    ROLE_RULES,
    STEP_TITLES,
    STEPS,
    CodeMount,
    JobDraft,
    draft_request,
    quota_resources,
)
from paitui.live.listers import CodeSourceLister, DatasetLister, ImageLister, QuotaLister, SpecLister, WorkspaceLister
from paitui.ui.behaviours.actions import error_lines
from paitui.ui.screens.base import PaiScreen
from paitui.ui.screens.new_job import columns
from paitui.ui.screens.new_job.picker import Picker
from paitui.ui.widgets.confirm import ConfirmModal
from paitui.ui.widgets.json_view import pretty_json

ANY: Any = Select.NULL  # a select with nothing chosen: that label filter is not sent
CHIPS = ("GPU", "CPU")
FRAMEWORKS = ("PyTorch", "TensorFlow", "XGBoost", "DeepSpeed", "Megatron", "ModelScope")


class NewJobScreen(PaiScreen):
    TITLE_TEXT = "new job"
    page_size = 100  # rows per ListX page of every picker
    DEFAULT_CSS = """
    NewJobScreen #wizard-steps { height: 1; padding: 0 1; text-style: bold; }
    NewJobScreen #wizard-switch { height: 1fr; padding: 0 1; }
    NewJobScreen #wizard-switch > * { height: 1fr; }
    NewJobScreen .hint { color: $text-muted; height: auto; }
    NewJobScreen #wizard-missing { color: $error; height: auto; padding: 0 1; }
    NewJobScreen #wizard-buttons { height: 3; align: right middle; padding: 0 1; }
    NewJobScreen Button { margin-left: 2; }
    NewJobScreen .filters { height: 3; }
    NewJobScreen .filters > Select { width: 1fr; }
    NewJobScreen .inputs { height: 3; }
    NewJobScreen .inputs > Input { width: 1fr; }
    NewJobScreen #job-command { height: 8; }
    NewJobScreen #resource-switch { height: 1fr; }
    NewJobScreen #resource-switch > * { height: 1fr; }
    NewJobScreen #quota-box Picker { height: 1fr; }
    NewJobScreen #step-sources Picker { height: 1fr; }
    NewJobScreen #review-refusals { color: $error; height: auto; }
    NewJobScreen #review-result { height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+n", "forward", "Next step", key_display="^n", priority=True, id="wizard-next"),
        Binding("ctrl+b", "backward", "Previous step", key_display="^b", priority=True, id="wizard-back"),
        Binding("ctrl+s", "submit", "Submit", key_display="^s", priority=True, id="wizard-submit"),
        Binding("escape", "back", "Discard", id="back"),
    ]

    def __init__(self, workspace_id: str | None, workspace_name: str = "") -> None:
        super().__init__()
        self.draft = JobDraft(workspace_id=workspace_id, workspace_name=workspace_name or workspace_id or "")
        self.roles_for: str | None = None  # the job type the role inputs were built for
        self.sending = False
        self.request: CreateRequest | None = None  # the last review's request (its refusals by field)

    def crumbs(self) -> list[str]:
        return [self.draft.workspace_name or "workspace", "jobs", "new job"]

    # --- the pickers' listers (a new one per query: workspace, label filters) ---

    def workspaces(self) -> WorkspaceLister:
        return WorkspaceLister(self.pai.client, page_size=self.page_size)

    def images(self) -> ImageLister:
        return ImageLister(self.pai.client, self.draft.workspace_id, self.image_labels(), page_size=self.page_size)

    def ecs_specs(self) -> SpecLister:
        return SpecLister(self.pai.client, page_size=self.page_size)

    def quotas(self) -> QuotaLister:
        return QuotaLister(self.pai.client)

    def datasets(self) -> DatasetLister:
        return DatasetLister(self.pai.client, self.draft.workspace_id, page_size=self.page_size)

    def code_sources(self) -> CodeSourceLister:
        return CodeSourceLister(self.pai.client, self.draft.workspace_id or "", page_size=self.page_size)

    # --- layout ---

    def compose_body(self) -> ComposeResult:
        draft = self.draft
        yield Static(id="wizard-steps")
        with ContentSwitcher(initial="step-workspace", id="wizard-switch"):
            with Vertical(id="step-workspace"):
                yield Static(Text("The workspace the job belongs to (enter chooses; the current one is ✓)"),
                             classes="hint")
                yield Picker(self.workspaces, columns.WORKSPACES,
                             key=lambda w: w.workspace_id or "", noun="workspace", id="pick-workspace")
            with Vertical(id="step-type"):
                yield Static(Text("The DLC job type (enter chooses); its roles come next"), classes="hint")
                yield DataTable(id="type-table", cursor_type="row")
            with Vertical(id="step-image"):
                yield Static(Text("An image from ListImages (the red line: images come from ListImages); the "
                                  "label filters are asked of the service"), classes="hint")
                with Horizontal(classes="filters"):
                    yield Select([(c, c) for c in CHIPS], prompt="system.chipType: any", id="label-chip")
                    yield Select([(f, f) for f in FRAMEWORKS], prompt="system.framework: any", id="label-framework")
                    yield Select([("official", "true"), ("not official", "false")],
                                 prompt="system.officialReleased: any", id="label-official")
                yield Picker(self.images,
                             columns.IMAGES, key=lambda i: i.image_id or "", noun="image", id="pick-image")
            with Vertical(id="step-resources"):
                yield Select([("ECS spec: public resources, pay-as-you-go (EcsSpec)", "ecs"),
                              ("Quota: a dedicated resource quota (ResourceId + ResourceConfig)", "quota")],
                             value=draft.resource_mode, allow_blank=False, id="resource-mode")
                with ContentSwitcher(initial="pick-ecs", id="resource-switch"):
                    yield Picker(self.ecs_specs, columns.ECS_SPECS,
                                 key=lambda s: s.instance_type or "", noun="ECS spec", id="pick-ecs")
                    with Vertical(id="quota-box"):
                        yield Picker(self.quotas, columns.QUOTAS,
                                     key=lambda q: q.id or "", noun="quota", id="pick-quota")
                        yield Static(Text("ResourceConfig: what each pod asks of the quota"), classes="hint")
                        with Horizontal(classes="inputs"):
                            yield Input(placeholder="CPU cores per pod, e.g. 8", id="quota-cpu")
                            yield Input(placeholder="memory per pod, e.g. 64Gi", id="quota-memory")
                            yield Input(placeholder="GPUs per pod (empty: none)", id="quota-gpu", restrict=r"[0-9]*")
            with VerticalScroll(id="step-roles"):
                yield Static(id="roles-hint", classes="hint")
                yield Vertical(id="roles-box")
            with Vertical(id="step-command"):
                yield Label("Name of the job (DisplayName)")
                yield Input(draft.display_name, id="job-name")
                yield Label("Command every pod runs (UserCommand)")
                yield TextArea(draft.command, id="job-command", soft_wrap=True)
            with Vertical(id="step-sources"):
                yield Static(Text("Datasets to mount (enter adds or removes; the mount path below applies to the "
                                  "next one added, empty: /mnt/data/<name>)"), classes="hint")
                yield Input(placeholder="mount path of the next dataset added", id="data-mount")
                yield Picker(self.datasets, columns.datasets(self.mount_of),
                             key=lambda d: d.dataset_id or "", noun="dataset", id="pick-dataset")
                yield Static(Text("Code source (enter chooses, again: none); branch, commit and mount path below"),
                             classes="hint")
                yield Picker(self.code_sources, columns.CODE_SOURCES,
                             key=lambda c: c.code_source_id or "", noun="code source", id="pick-code")
                with Horizontal(classes="inputs"):
                    yield Input(placeholder="branch", id="code-branch")
                    yield Input(placeholder="commit (empty: the branch's head)", id="code-commit")
                    yield Input(placeholder="mount path", id="code-mount")
            with VerticalScroll(id="step-review"):
                yield Static(id="review-refusals")
                yield Static(id="review-result")
                yield Label("The CreateJob body that will be sent:")
                yield Static(id="review-body")
        yield Static(id="wizard-missing")
        with Horizontal(id="wizard-buttons"):
            yield Button("Back", id="wizard-back-button")
            yield Button("Next", id="wizard-next-button", variant="primary")
            yield Button("Submit", id="wizard-submit-button", variant="warning")

    def on_mount(self) -> None:
        table = self.query_one("#type-table", DataTable)
        table.add_column(Text("JOB TYPE"), width=16)
        table.add_column(Text("ROLES (pods)"))
        for job_type in JOB_TYPES:
            roles = ", ".join(f"{r.type} {r.least}" + ("" if r.most == r.least else
                                                       f"–{r.most if r.most is not None else 'n'}")
                              for r in ROLE_RULES[job_type])
            table.add_row(Text(job_type), Text(roles), key=job_type)
        if self.draft.workspace_id:
            self.query_one("#pick-workspace", Picker).mark({self.draft.workspace_id})
        self.show_step()

    # --- steps ---

    def show_step(self) -> None:
        draft = self.draft
        name = draft.step_name
        self.query_one("#wizard-switch", ContentSwitcher).current = f"step-{name}"
        trail = "  ›  ".join(f"[{STEP_TITLES[s]}]" if s == name else STEP_TITLES[s] for s in STEPS)
        self.query_one("#wizard-steps", Static).update(
            Text(f"Step {draft.step + 1} of {len(STEPS)} · {trail}"))
        self.query_one("#wizard-missing", Static).update("")
        self.query_one("#wizard-back-button", Button).disabled = draft.step == 0
        self.query_one("#wizard-next-button", Button).display = name != "review"
        self.query_one("#wizard-submit-button", Button).display = name == "review"
        if name == "workspace":
            self.query_one("#pick-workspace", Picker).start()
        elif name == "image":
            self.enter_image()
        elif name == "resources":
            self.enter_resources()
        elif name == "roles":
            self.enter_roles()
        elif name == "sources":
            self.query_one("#pick-dataset", Picker).start()
            self.query_one("#pick-code", Picker).start()
        elif name == "review":
            self.show_review()
        self.focus_step()
        self.refresh_bindings()

    def focus_step(self) -> None:
        """The step's main widget takes the focus, so enter and the arrows act on it at once."""
        name = self.draft.step_name
        if name == "workspace":
            self.query_one("#pick-workspace", Picker).table.focus()
        elif name == "type":
            self.query_one("#type-table", DataTable).focus()
        elif name == "image":
            self.query_one("#pick-image", Picker).table.focus()
        elif name == "resources":
            self.query_one("#pick-ecs" if self.draft.resource_mode == "ecs" else "#pick-quota", Picker).table.focus()
        elif name == "roles":
            self.call_after_refresh(self._focus_first_role)
        elif name == "command":
            self.query_one("#job-name", Input).focus()
        elif name == "sources":
            self.query_one("#pick-dataset", Picker).table.focus()
        elif name == "review":
            self.query_one("#wizard-submit-button", Button).focus()

    def _focus_first_role(self) -> None:
        inputs = self.query("#roles-box Input")
        if inputs:
            inputs.first().focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return self.draft.step_name == "review"
        if action == "backward":
            return self.draft.step > 0
        if action == "forward":
            return self.draft.step_name != "review"
        return True

    def action_forward(self) -> None:
        lacking = self.draft.forward()
        if lacking:
            self.query_one("#wizard-missing", Static).update(Text("Before the next step: " + "; ".join(lacking)))
            return
        self.show_step()

    def action_backward(self) -> None:
        self.draft.back()
        self.show_step()

    @on(Button.Pressed, "#wizard-next-button")
    def _next(self) -> None:
        self.action_forward()

    @on(Button.Pressed, "#wizard-back-button")
    def _prev(self) -> None:
        self.action_backward()

    @on(Button.Pressed, "#wizard-submit-button")
    def _submit_button(self) -> None:
        self.action_submit()

    def action_back(self) -> None:
        """esc: leave, asking first when something was chosen."""
        self.discard()

    @work(exclusive=True, group="wizard-discard", exit_on_error=False)
    async def discard(self) -> None:
        if self.draft.touched:
            target = Target("job", "not submitted", self.draft.display_name or "new job")
            ok = await self.app.push_screen_wait(ConfirmModal(
                "Discard the new job", [target], "Everything chosen in this wizard is lost; nothing was sent.",
                confirm_label="Discard"))
            if not ok:
                return
        if self.app.screen is self:
            self.pai.go_back()

    # --- workspace and type ---

    @on(Picker.Picked, "#pick-workspace")
    def _workspace(self, event: Picker.Picked) -> None:
        draft = self.draft
        if event.key != draft.workspace_id:
            draft.workspace_id = event.key
            draft.workspace_name = event.row.workspace_name or event.key
            # workspace-scoped choices do not carry over: the pickers read the new workspace afresh
            draft.data_sources.clear()
            draft.code_source = None
            for picker_id in ("#pick-image", "#pick-dataset", "#pick-code"):
                picker = self.query_one(picker_id, Picker)
                picker.reset()
                picker.mark(set())
            self.refresh_crumbs()
        event.picker.mark({event.key})
        self.action_forward()

    @on(DataTable.RowSelected, "#type-table")
    def _job_type(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is None:
            return
        self.draft.choose_job_type(event.row_key.value)
        self.action_forward()

    # --- image ---

    def enter_image(self) -> None:
        picker = self.query_one("#pick-image", Picker)
        if not picker.started:
            framework = FRAMEWORK_OF.get(self.draft.job_type or "")
            select = self.query_one("#label-framework", Select)
            if framework and select.value is ANY:
                with self.prevent(Select.Changed):
                    select.value = framework
            picker.start()

    def image_labels(self) -> str:
        """ListImages' ``Labels`` filter from the three selects (``Key=Value,…``)."""
        pairs = []
        for select_id, key in (("#label-chip", "system.chipType"), ("#label-framework", "system.framework"),
                               ("#label-official", "system.officialReleased")):
            value = self.query_one(select_id, Select).value
            if value is not ANY:
                pairs.append(f"{key}={value}")
        return ",".join(pairs)

    @on(Select.Changed, "#label-chip, #label-framework, #label-official")
    def _labels(self) -> None:
        picker = self.query_one("#pick-image", Picker)
        picker.reset()
        picker.action_reload()

    @on(Picker.Picked, "#pick-image")
    def _image(self, event: Picker.Picked) -> None:
        self.draft.image = event.row.image_uri
        event.picker.mark({event.key})
        self.action_forward()

    # --- resources ---

    def enter_resources(self) -> None:
        mode = self.draft.resource_mode
        self.query_one("#resource-switch", ContentSwitcher).current = "pick-ecs" if mode == "ecs" else "quota-box"
        self.query_one("#pick-ecs" if mode == "ecs" else "#pick-quota", Picker).start()

    @on(Select.Changed, "#resource-mode")
    def _mode(self, event: Select.Changed) -> None:
        if event.value in ("ecs", "quota"):
            self.draft.resource_mode = event.value
            if self.draft.step_name == "resources":
                self.enter_resources()

    @on(Picker.Picked, "#pick-ecs")
    def _ecs(self, event: Picker.Picked) -> None:
        self.draft.choose_ecs_spec(event.key)
        event.picker.mark({event.key})
        self.action_forward()

    @on(Picker.Picked, "#pick-quota")
    def _quota(self, event: Picker.Picked) -> None:
        old = self.draft.quota
        quota = quota_resources(event.row, cpu=old.cpu if old else "", memory=old.memory if old else "",
                                gpu=old.gpu if old else "")
        self.draft.choose_quota(quota)
        event.picker.mark({event.key})
        self.query_one("#quota-cpu", Input).focus()

    @on(Input.Changed, "#quota-cpu, #quota-memory, #quota-gpu")
    def _quota_amounts(self, event: Input.Changed) -> None:
        quota = self.draft.quota
        if quota is None:
            return
        field = {"quota-cpu": "cpu", "quota-memory": "memory", "quota-gpu": "gpu"}[event.input.id or ""]
        setattr(quota, field, event.value.strip())

    # --- roles ---

    def enter_roles(self) -> None:
        draft = self.draft
        rules = draft.role_rules()
        self.query_one("#roles-hint", Static).update(Text(
            f"Pods per role of a {draft.job_type}; a role at 0 is left out. Each pod gets "
            + (f"the ECS spec {draft.ecs_spec}" if draft.resource_mode == "ecs"
               else f"the ResourceConfig of quota {draft.quota.quota_name if draft.quota else '?'}")))
        if self.roles_for == draft.job_type:
            return
        self.roles_for = draft.job_type
        box = self.query_one("#roles-box", Vertical)
        box.remove_children()
        widgets: list[Any] = []
        for rule in rules:
            bound = (f"exactly {rule.least}" if rule.most == rule.least
                     else f"{rule.least} or more" if rule.most is None else f"{rule.least} to {rule.most}")
            widgets.append(Label(f"{rule.type} pods ({bound})"))
            widgets.append(Input(str(draft.pods.get(rule.type, rule.default)), id=f"pods-{rule.type}",
                                 restrict=r"[0-9]*", max_length=4))
        box.mount_all(widgets)

    @on(Input.Changed, "#roles-box Input")
    def _pods(self, event: Input.Changed) -> None:
        role = (event.input.id or "").removeprefix("pods-")
        text = event.value.strip()
        self.draft.set_pods(role, int(text) if text else 0)

    # --- name and command ---

    @on(Input.Changed, "#job-name")
    def _display_name(self, event: Input.Changed) -> None:
        self.draft.display_name = event.value

    @on(TextArea.Changed, "#job-command")
    def _command(self, event: TextArea.Changed) -> None:
        self.draft.command = event.text_area.text

    # --- data and code ---

    def mount_of(self, dataset_id: str | None) -> str:
        return next((m.mount_path for m in self.draft.data_sources if m.dataset_id == dataset_id), "")

    @on(Picker.Picked, "#pick-dataset")
    def _dataset(self, event: Picker.Picked) -> None:
        mount = self.query_one("#data-mount", Input)
        self.draft.toggle_dataset(event.key, event.row.name or event.key, mount.value.strip())
        mount.value = ""
        event.picker.mark({m.dataset_id for m in self.draft.data_sources})

    @on(Picker.Picked, "#pick-code")
    def _code(self, event: Picker.Picked) -> None:
        draft = self.draft
        branch, commit, mount = (self.query_one(f"#code-{n}", Input) for n in ("branch", "commit", "mount"))
        if draft.code_source is not None and draft.code_source.code_source_id == event.key:
            draft.code_source = None
            branch.value = commit.value = mount.value = ""
        else:
            row = event.row
            draft.code_source = CodeMount(event.key, row.display_name or event.key, row.code_branch or "",
                                          row.code_commit or "", row.mount_path or "")
            branch.value, commit.value, mount.value = (draft.code_source.branch, draft.code_source.commit,
                                                       draft.code_source.mount_path)
        event.picker.mark({draft.code_source.code_source_id} if draft.code_source else set())

    @on(Input.Changed, "#code-branch, #code-commit, #code-mount")
    def _code_fields(self, event: Input.Changed) -> None:
        code = self.draft.code_source
        if code is not None:
            field = {"code-branch": "branch", "code-commit": "commit", "code-mount": "mount_path"}[event.input.id or ""]
            setattr(code, field, event.value.strip())

    # --- review and submit ---

    def gaps(self) -> tuple[Refusal, ...]:
        """What the wizard's own steps still lack, as refusals named by step."""
        return tuple(Refusal(STEP_TITLES[step], "incomplete", what) for step, what in self.draft.incomplete())

    def show_review(self) -> None:
        self.query_one("#review-body", Static).update(Text(pretty_json(self.draft.body())))
        self.query_one("#review-result", Static).update("")
        self.request = None
        self.check_review()

    @work(exclusive=True, group="wizard-review", exit_on_error=False)
    async def check_review(self) -> CreateRequest | None:
        """The CreateJob rules on the draft's body (the submit area's builder; it reads ListImages and
        ListJobs), shown by field; a failed read says so and leaves the review usable (ctrl+s retries)."""
        out = self.query_one("#review-refusals", Static)
        out.update(Text("checking the CreateJob rules (ListImages, ListJobs) …"))
        try:
            request = await draft_request(self.pai.client, self.draft)
        except PaiError as error:
            out.update(Text(f"Could not check the rules: nothing is sent.\n{error_lines(error)}"))
            return None
        if request.params:  # what the builder made of the draft: exactly the body that is sent
            self.query_one("#review-body", Static).update(Text(pretty_json(request.params)))
        lines = [f" • {r.line()}" for r in self.gaps() + request.refusals]
        if self.pai.is_read_only:
            lines.insert(0, " • read-only mode: nothing is sent (start paitui without --read-only to submit)")
        out.update(Text("Refused before sending:\n" + "\n".join(lines) if lines
                        else "The rules pass: ctrl+s (Submit) asks to confirm, then sends this body."))
        self.request = request
        return request

    def action_submit(self) -> None:
        if self.draft.step_name == "review" and not self.sending:
            self.submit()

    @work(exclusive=True, group="wizard-submit", exit_on_error=False)
    async def submit(self) -> None:
        result = self.query_one("#review-result", Static)
        request = await self.check_review().wait()
        if request is None or self.pai.is_read_only or self.gaps() or request.refusals:
            result.update(Text("Not sent: see above.", style="bold"))
            return
        target = Target("job", "new", self.draft.display_name.strip(), job_type=self.draft.job_type,
                        workspace_id=self.draft.workspace_id)
        specs = self.draft.job_specs()
        ok = await self.app.push_screen_wait(ConfirmModal(
            f"Submit {request.label}", [target],
            f"CreateJob in workspace {self.draft.workspace_name}: {len(specs)} role(s), "
            f"{sum(s['PodCount'] for s in specs)} pod(s). The job starts and uses resources.",
            confirm_label="Submit"))
        if not ok:
            return
        self.sending = True
        result.update(Text("sending CreateJob …"))
        try:
            created = await send(self.pai.client, request)
        except Refused as refused:
            result.update(Text("Refused before sending:\n" + "\n".join(f" • {r.line()}" for r in refused.refusals)))
            return
        except PaiError as error:
            result.update(Text(f"CreateJob failed; the draft is kept:\n{error_lines(error)}"))
            return
        finally:
            self.sending = False
        if created.id is None:  # the answer was lost and reading back did not find the job
            result.update(Text(f"Outcome unknown: {created.note}"
                               + (f"\nRequestId: {created.request_id}" if created.request_id else "")))
            return
        self.open_created(created.id, created.note, created.request_id)

    def open_created(self, job_id: str, note: str, request_id: str | None) -> None:
        from paitui.ui.screens.job import JobDetailScreen

        name = self.draft.display_name.strip()
        self.pai.notifier.watch("job", job_id, name, None)
        self.notify(f"DLC job {name} submitted as {job_id}" + (f" ({note})" if note else "")
                    + (f"\nRequestId: {request_id}" if request_id else ""), title="New job", markup=False)
        self.app.pop_screen()
        self.pai.push_detail(JobDetailScreen(job_id, name))
