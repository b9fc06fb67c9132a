"""PAIFlow pipeline definitions of the current workspace. Enter opens the pipeline's runs (the runs list,
filtered to it), ``m`` its manifest (GetPipeline → YAML), ``n`` a new run with its input parameters, ``c``
creates a pipeline and ``u`` updates this one from a manifest file (``behaviours.pipeline_create``).

Pipelines have no lifecycle status, so the summary bar simply counts them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding

from paitui.api.models.flow import Pipeline
from paitui.ui.behaviours.actions import ListActions
from paitui.ui.behaviours.pipeline_create import PipelineCreation
from paitui.ui.screens.resource_list import ResourceListScreen
from paitui.ui.widgets.resource_table import Column
from paitui.ui.widgets.text_modal import TextModal


class PipelinesScreen(PipelineCreation, ListActions, ResourceListScreen):
    RESOURCE = "pipeline"
    BINDINGS = [
        Binding("x", "actions", "Actions", id="actions"),
        Binding("n", "new_run", "New run", id="pipeline-new-run"),
        Binding("m", "manifest", "Manifest", id="pipeline-manifest"),
        Binding("c", "create_pipeline", "Create", id="pipeline-create"),
        Binding("u", "update_pipeline", "Update", id="pipeline-update"),
    ]
    TICKING = True  # ages

    def columns(self) -> list[Column]:
        return [
            Column("identifier", "IDENTIFIER", lambda p: p.identifier or "", min_width=16, max_width=60, flex=True),
            Column("id", "ID", lambda p: p.pipeline_id or "", width=23, drop=2),
            Column("version", "VERSION", lambda p: p.version or "", min_width=7, max_width=16),
            Column("provider", "PROVIDER", lambda p: p.provider or "", min_width=8, max_width=20, drop=1),
            self.age_column("created", "CREATED", lambda p: p.gmt_create_time, width=10),
            replace(self.age_column("modified", "MODIFIED", lambda p: p.gmt_modified_time, width=10), drop=3),
        ]

    def open_row(self, row: Any) -> None:
        from paitui.ui.screens.runs import RunsScreen

        pipeline: Pipeline = row
        self.pai.push_detail(RunsScreen(pipeline_id=pipeline.pipeline_id, pipeline_name=self.row_name(pipeline)))

    def _selected(self) -> Pipeline | None:
        row = self.table.cursor_row
        if row is None:
            self.notify("no pipeline selected", markup=False, timeout=2)
        return row

    def action_new_run(self) -> None:
        if (pipeline := self._selected()) is not None:
            self.start_run(pipeline.pipeline_id or "")

    def action_create_pipeline(self) -> None:
        self.manifest_to_pipeline(None)

    def action_update_pipeline(self) -> None:
        if (pipeline := self._selected()) is not None:
            self.manifest_to_pipeline(pipeline)

    def action_manifest(self) -> None:
        if (pipeline := self._selected()) is None:
            return
        client = self.pai.client

        async def manifest() -> str:
            return (await client.flow.get_pipeline(pipeline.pipeline_id or "")).manifest or ""

        title = " ".join(part for part in (self.row_name(pipeline), pipeline.version) if part) + " · manifest"
        self.app.push_screen(TextModal(title, loader=manifest, lexer="yaml"))
