"""Creation flows wired into screens: save a job as a template, a template's new version, its default version
and the diff of two versions; a TensorBoard for a job or a dataset, and a TensorBoard's update.

Every flow is one worker: read what the form needs → the form (the rules' refusals under their fields) →
the review of the exact body → ``live.create.send`` (a lost answer settled by reading back) → the new
resource's detail. Read-only mode refuses before the form opens (and the client refuses too); an API error
shows Code, Message and RequestId and changes nothing on screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import work

from paitui.api.errors import PaiError
from paitui.live import actions as act
from paitui.live.create import Created, CreateRequest, Refused, send
from paitui.live.create import templates as tpl
from paitui.live.create import tensorboards as tbs
from paitui.ui.behaviours.actions import error_lines

if TYPE_CHECKING:
    from paitui.ui.screens.base import PaiScreen
    from paitui.ui.widgets.create_forms import CreateForm

    _Screen = PaiScreen
else:
    _Screen = object  # a plain mixin at runtime, as ``ActionsMixin``

Finish = Callable[[Any, CreateRequest], Awaitable[CreateRequest]]


class CreateFlows(_Screen):
    """The flows; a screen calls the ``start_*`` methods from its key actions."""

    last_created: Created | None = None  # tests read what the last flow settled

    def _refuse_read_only(self, what: str) -> bool:
        if self.pai.is_read_only:
            self.notify(act.READ_ONLY_REASON, title=f"{what}: not available", severity="warning", markup=False)
            return True
        return False

    def _failed(self, title: str, error: PaiError) -> None:
        self.notify(error_lines(error), title=title, severity="error", markup=False, timeout=12)

    async def _create(self, form: CreateForm, finish: Finish | None = None) -> Created | None:
        """Form → (finish: the read-back snapshot the form cannot read) → review → send."""
        from paitui.ui.widgets.create_forms import ReviewModal

        request: CreateRequest | None = await self.app.push_screen_wait(form)
        if request is None:
            return None
        try:
            if finish is not None:
                request = await finish(form, request)
        except PaiError as error:
            self._failed(f"could not prepare {request.label}", error)
            return None
        if not await self.app.push_screen_wait(ReviewModal(request)):
            self.notify(f"{request.label}: cancelled, nothing was sent", markup=False, timeout=3)
            return None
        try:
            created = await send(self.pai.client, request)
        except Refused as refused:  # a rule the form did not catch (the builder is the same): nothing was sent
            self.notify(str(refused), title=f"{request.label}: refused", severity="error", markup=False)
            return None
        except PaiError as error:
            self._failed(f"{request.verb.capitalize()} {request.label} failed", error)
            return None
        self.last_created = created
        if created.unknown:
            self.notify(created.note, title=f"{request.label}: outcome unknown", severity="warning",
                        markup=False, timeout=20)
            return None
        tail = f"\nRequestId: {created.request_id}" if created.request_id else ""
        note = f"\n{created.note}" if created.note else ""
        self.notify(f"{request.label}: {created.id} {request.done}{note}{tail}", title=request.done.capitalize(),
                    markup=False, timeout=8)
        return created

    # --- templates ---

    @work(group="create", exit_on_error=False)
    async def start_save_as_template(self, job_id: str) -> None:
        from paitui.api.operations import operation
        from paitui.ui.widgets.create_forms import SaveTemplateForm

        if self._refuse_read_only("Save as template"):
            return
        client = self.pai.client
        try:
            job = await client.invoke_json(operation("dlc", "GetJob"), {"JobId": job_id})
        except PaiError as error:
            self._failed(f"could not read job {job_id}", error)
            return

        async def finish(form: Any, _request: CreateRequest) -> CreateRequest:
            inputs = form.inputs
            before = await tpl.named_templates(client, inputs["workspace_id"], inputs["name"])
            return tpl.create_template_request(**inputs, before=before)

        created = await self._create(SaveTemplateForm(f"Save job {job_id} as a template", job_id, job), finish)
        if created is not None and created.id:
            self.open_template(created.id)

    async def _read_template(self, template_id: str) -> Any | None:
        try:
            return await self.pai.client.dlc.get_job_template(template_id, version="all")
        except PaiError as error:
            self._failed(f"could not read job template {template_id}", error)
            return None

    @work(group="create", exit_on_error=False)
    async def start_template_version(self, template_id: str) -> None:
        from paitui.ui.widgets.create_forms import TemplateVersionForm

        if self._refuse_read_only("New version") or (template := await self._read_template(template_id)) is None:
            return
        form = TemplateVersionForm(f"New version of {tpl.template_label(template_id, template.template_name)}",
                                   template)
        if await self._create(form) is not None:
            self.open_template(template_id)

    @work(group="create", exit_on_error=False)
    async def start_template_default(self, template_id: str) -> None:
        from paitui.ui.widgets.create_forms import SetDefaultForm

        if self._refuse_read_only("Set default version") or \
                (template := await self._read_template(template_id)) is None:
            return
        form = SetDefaultForm(f"Default version of {tpl.template_label(template_id, template.template_name)}",
                              template)
        if await self._create(form) is not None:
            self.refresh_after_create()

    @work(group="create", exit_on_error=False)
    async def start_template_diff(self, template_id: str) -> None:
        from paitui.ui.widgets.create_forms import VersionDiffForm
        from paitui.ui.widgets.text_modal import TextModal

        if (template := await self._read_template(template_id)) is None:
            return
        if len(template.versions or ()) < 2:
            self.notify(f"{tpl.template_label(template_id, template.template_name)} has one version: nothing to "
                        "compare", markup=False, timeout=4)
            return
        picked = await self.app.push_screen_wait(VersionDiffForm("Compare versions", template))
        if picked is None:
            return
        text = tpl.diff_text(template, *picked)
        self.app.push_screen(TextModal(f"{template.template_name or template_id} · v{picked[0]} → v{picked[1]}",
                                       text, lexer="diff"))

    def open_template(self, template_id: str) -> None:
        """The template's detail: every version, the default marked (as enter on its row shows)."""
        from paitui.ui.screens.templates import versions_yaml
        from paitui.ui.widgets.text_modal import TextModal

        client = self.pai.client

        async def versions() -> str:
            return versions_yaml(await client.dlc.get_job_template(template_id, version="all"))

        self.refresh_after_create()
        self.app.push_screen(TextModal(f"job template {template_id} · versions", loader=versions, lexer="yaml"))

    # --- tensorboards ---

    @work(group="create", exit_on_error=False)
    async def start_tensorboard_for_job(self, job_id: str) -> None:
        from paitui.ui.widgets.create_forms import TensorboardForm

        if self._refuse_read_only("New TensorBoard"):
            return
        created = await self._create(TensorboardForm(f"TensorBoard for job {job_id}", job_id=job_id),
                                     self._tensorboard_finish)
        if created is not None and created.id:
            self.open_tensorboard(created.id)

    @work(group="create", exit_on_error=False)
    async def start_tensorboard_for_dataset(self) -> None:
        from paitui.ui.widgets.create_forms import TensorboardForm

        if self._refuse_read_only("New TensorBoard"):
            return
        workspace = self.pai.workspace_id or ""
        try:
            page = await self.pai.client.workspace.list_datasets(workspace_id=workspace or None, page_size=100)
        except PaiError as error:
            self._failed("could not list the datasets", error)
            return
        datasets = list(page.datasets or ())
        if not datasets:
            self.notify("this workspace has no datasets (ListDatasets): register one first", markup=False)
            return
        shown = "" if (page.total_count or 0) <= len(datasets) else f" (first {len(datasets)} of {page.total_count})"
        form = TensorboardForm(f"TensorBoard for a dataset{shown}", datasets=datasets, workspace_id=workspace)
        created = await self._create(form, self._tensorboard_finish)
        if created is not None and created.id:
            self.open_tensorboard(created.id)

    async def _tensorboard_finish(self, form: Any, _request: CreateRequest) -> CreateRequest:
        before = await tbs.existing(self.pai.client, form.inputs["source"])
        return tbs.create_request(**form.inputs, before=before)

    @work(group="create", exit_on_error=False)
    async def start_tensorboard_update(self, tensorboard_id: str) -> None:
        from paitui.ui.widgets.create_forms import TensorboardUpdateForm

        if self._refuse_read_only("Update TensorBoard"):
            return
        try:
            tensorboard = await self.pai.client.dlc.get_tensorboard(tensorboard_id)
        except PaiError as error:
            self._failed(f"could not read TensorBoard {tensorboard_id}", error)
            return
        form = TensorboardUpdateForm(f"Update TensorBoard {tensorboard.display_name or tensorboard_id}",
                                     tensorboard)
        if await self._create(form) is not None:
            self.open_tensorboard(tensorboard_id)

    def open_tensorboard(self, tensorboard_id: str) -> None:
        """The TensorBoard's detail, read fresh (as enter on its row shows)."""
        from paitui.ui.widgets.kv_modal import KeyValueModal, model_pairs

        client = self.pai.client

        async def pairs() -> Any:
            return model_pairs(await client.dlc.get_tensorboard(tensorboard_id))

        self.refresh_after_create()
        self.app.push_screen(KeyValueModal(f"TensorBoard {tensorboard_id}", loader=pairs))

    def refresh_after_create(self) -> None:
        """A list re-reads at once, so the new row is there when its detail closes."""
        for name in ("action_fetch_now", "action_refresh_now"):
            refresh = getattr(self, name, None)
            if callable(refresh):
                refresh()
                return
