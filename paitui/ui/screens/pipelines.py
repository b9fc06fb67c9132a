"""PAIFlow pipeline definitions of the current workspace; enter shows the manifest (GetPipeline → YAML).

Pipelines have no lifecycle status, so the summary bar simply counts them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding

from paitui.api.models.flow import Pipeline
from paitui.ui.behaviours.actions import ListActions
from paitui.ui.screens.resource_list import ResourceListScreen
from paitui.ui.widgets.resource_table import Column
from paitui.ui.widgets.text_modal import TextModal


class PipelinesScreen(ListActions, ResourceListScreen):
    RESOURCE = "pipeline"
    BINDINGS = [Binding("x", "actions", "Actions", id="actions")]
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
        pipeline: Pipeline = row
        client = self.pai.client

        async def manifest() -> str:
            return (await client.flow.get_pipeline(pipeline.pipeline_id or "")).manifest or ""

        title = " ".join(part for part in (self.row_name(pipeline), pipeline.version) if part) + " · manifest"
        self.app.push_screen(TextModal(title, loader=manifest, lexer="yaml"))
