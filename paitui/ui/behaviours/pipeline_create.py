"""Creating from the dashboard: a new run of a pipeline (from ``:pipelines``, or "run again with new
arguments" from a run) and a pipeline created or updated from a manifest file.

The flow, in one worker: refused in read-only mode → read what the form needs (the pipeline, a run's
arguments) → the form, whose rules are ``live.create``'s → a confirmation naming the resource → ``send`` →
the new run's detail (a new or updated pipeline: its manifest, read back). API errors show Code, Message
and RequestId; a lost answer that reading back did not settle says what to check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

from paitui.api.errors import PaiError
from paitui.kinds.action import Target
from paitui.live.create import Created, CreateRequest, Refused, send
from paitui.ui.behaviours.actions import error_lines
from paitui.ui.widgets.confirm import ConfirmModal

if TYPE_CHECKING:
    from paitui.ui.screens.base import PaiScreen

    _Screen = PaiScreen
else:
    _Screen = object  # a plain mixin at runtime (see behaviours.actions)


class PipelineCreation(_Screen):
    """``start_run(pipeline_id)``, ``run_again(run_id)`` and ``manifest_to_pipeline(pipeline)`` for a screen."""

    def _refused_read_only(self, what: str) -> bool:
        if self.pai.is_read_only:
            self.notify(f"read-only mode: {what} is refused; nothing was sent", title="read-only",
                        severity="warning", markup=False)
            return True
        return False

    def start_run(self, pipeline_id: str) -> None:
        if not self._refused_read_only("starting a pipeline run"):
            self._new_run_flow(pipeline_id, None)

    def run_again(self, run_id: str) -> None:
        if not self._refused_read_only("starting a pipeline run"):
            self._new_run_flow(None, run_id)

    def manifest_to_pipeline(self, pipeline: Any | None) -> None:
        """A new pipeline (``pipeline`` None) or an update of ``pipeline`` from a manifest file."""
        if not self._refused_read_only("creating or updating a pipeline"):
            self._manifest_flow(pipeline)

    @work(group="create", exclusive=True, exit_on_error=False)
    async def _new_run_flow(self, pipeline_id: str | None, run_id: str | None) -> None:
        from paitui.live.create.manifest import Manifest
        from paitui.live.create.pipeline_runs import pipeline_of_run, run_request
        from paitui.ui.screens.run import RunDetailScreen
        from paitui.ui.widgets.run_form import RunForm

        client = self.pai.client
        try:
            if run_id is not None:
                pipeline, initial = await pipeline_of_run(client, run_id)
                if pipeline is None:
                    self.notify("this run was made from an inline manifest, not a pipeline: there is no pipeline "
                                "to run again", title="run again", severity="warning", markup=False)
                    return
            else:
                pipeline, initial = await client.flow.get_pipeline(pipeline_id or ""), {}
        except PaiError as error:
            self.notify(error_lines(error), title="could not read the pipeline", severity="error", markup=False,
                        timeout=12)
            return
        now = client.server_now()
        ident = pipeline.identifier or pipeline.pipeline_id or "pipeline"
        parameters = Manifest(pipeline.manifest or "").parameters

        def build(given: dict[str, str], name: str) -> CreateRequest:
            return run_request(pipeline, given, name, now=now)

        title = f"New run of pipeline {ident}" + (f" (again, from {run_id})" if run_id else "")
        request = await self.app.push_screen_wait(
            RunForm(title, parameters, build, name=f"{ident}-{now:%Y%m%d-%H%M%S}", initial=initial))
        if request is None:
            return
        target = Target("pipeline", pipeline.pipeline_id or "", ident)
        given = request.params.get("Arguments") or "no arguments: every parameter keeps its default"
        if not await self._confirm_creation(f"Start {request.label}", target, "Start run",
                                            f"A new run starts at once (NoConfirmRequired). Arguments: {given}"):
            return
        created = await self._send_creation(request)
        if created is not None and created.id:
            self.pai.notifier.watch("run", created.id, request.params.get("Name") or created.id, "Running")
            self.pai.push_detail(RunDetailScreen(created.id, request.params.get("Name"), ident))

    @work(group="create", exclusive=True, exit_on_error=False)
    async def _manifest_flow(self, pipeline: Any | None) -> None:
        from paitui.live.create.pipelines import create_request, read_manifest_file, update_request
        from paitui.ui.widgets.manifest_form import ManifestPathForm

        client = self.pai.client
        verb = "Update" if pipeline is not None else "Create"
        title = f"Update pipeline {pipeline.identifier} from a manifest" if pipeline is not None else \
            f"Create a pipeline in {self.pai.workspace_label or self.pai.workspace_id} from a manifest"
        path, refusals_text = "", ""
        while True:
            chosen = await self.app.push_screen_wait(ManifestPathForm(title, path, refusals_text))
            if chosen is None:
                return
            path = chosen
            text, refusals = read_manifest_file(path)
            try:
                if pipeline is None:
                    request = create_request(self.pai.workspace_id or "", text, refusals)
                else:
                    request = await update_request(client, pipeline.pipeline_id or "", text, refusals)
            except PaiError as error:
                self.notify(error_lines(error), title="could not check the pipeline", severity="error",
                            markup=False, timeout=12)
                return
            if not request.refusals:
                break
            refusals_text = "Refused, nothing was sent:\n" + "\n".join(f"• {r.line()}" for r in request.refusals)
        target = Target("pipeline", pipeline.pipeline_id if pipeline is not None else "new", request.label)
        lines = len(text.splitlines())
        where = f"workspace {request.params['WorkspaceId']}" if pipeline is None else pipeline.pipeline_id
        consequence = (f"{request.operation.action} of {where} with the manifest in {path} ({lines} lines)."
                       + (" The definition is replaced; existing runs keep theirs." if pipeline is not None else ""))
        if not await self._confirm_creation(f"{verb} {request.label}", target, verb, consequence):
            return
        created = await self._send_creation(request)
        if created is not None and created.id:
            self._show_pipeline(created.id, request.label)

    def _show_pipeline(self, pipeline_id: str, label: str) -> None:
        """The created or updated pipeline's manifest, read back, over a refreshed list."""
        from paitui.ui.widgets.text_modal import TextModal

        client = self.pai.client

        async def manifest() -> str:
            return (await client.flow.get_pipeline(pipeline_id)).manifest or ""

        refresh = getattr(self, "action_refresh_now", None)
        if callable(refresh):
            refresh()
        self.app.push_screen(TextModal(f"{label} ({pipeline_id}) · manifest", loader=manifest, lexer="yaml"))

    async def _confirm_creation(self, title: str, target: Target, label: str, consequence: str) -> bool:
        modal = ConfirmModal(title, [target], consequence, confirm_label=label)
        confirmed: bool = await self.app.push_screen_wait(modal)
        if confirmed:
            return True
        self.notify(f"{title}: cancelled, nothing was sent", markup=False, timeout=3)
        return False

    async def _send_creation(self, request: CreateRequest) -> Created | None:
        try:
            created = await send(self.pai.client, request)
        except Refused as refused:  # the form checked already; a rule is a rule all the same
            self.notify(str(refused), title="refused: nothing was sent", severity="error", markup=False)
            return None
        except PaiError as error:
            self.notify(error_lines(error), title=f"{request.label} failed", severity="error", markup=False,
                        timeout=12)
            return None
        tail = f"\nRequestId: {created.request_id}" if created.request_id else ""
        if created.unknown:
            self.notify(created.note + tail, title=f"{request.label}: outcome unknown", severity="warning",
                        markup=False, timeout=20)
            return None
        note = f" ({created.note})" if created.note else ""
        self.notify(f"{created.id} {request.done}{note}{tail}", title=request.label, markup=False,
                    timeout=6)
        return created
