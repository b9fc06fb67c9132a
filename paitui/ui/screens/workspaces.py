"""Workspaces of the region: enter opens the workspace's jobs and re-scopes every list to it."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from paitui.live.status import workspace_phase
from paitui.ui.screens.resource_list import ResourceListScreen
from paitui.ui.widgets.resource_table import Column


class WorkspacesScreen(ResourceListScreen):
    RESOURCE = "workspace"

    def crumbs(self) -> list[str]:
        return [self.pai.region, "workspaces"]

    def columns(self) -> list[Column]:
        return [
            Column("default", "", lambda w: Text("★", style="bold") if w.is_default else "", width=1),
            Column("name", "NAME", lambda w: w.workspace_name or "", min_width=12, max_width=32),
            Column("display", "DISPLAY NAME", lambda w: w.display_name or "", flex=True, min_width=12, drop=4),
            Column("id", "ID", lambda w: w.workspace_id or "", width=10, drop=3),
            Column("status", "STATUS", lambda w: self.status_text(w.status, workspace_phase(w.status)), width=13),
            Column("creator", "CREATOR", lambda w: w.creator or "", min_width=7, max_width=20, drop=2),
            Column("env", "ENV", lambda w: ",".join(w.env_types or ()), width=8, drop=1),
            self.age_column("created", "CREATED", lambda w: w.gmt_create_time),
        ]

    def row_search_text(self, row: Any) -> tuple[str, ...]:
        return (row.workspace_name or "", row.display_name or "", row.workspace_id or "")

    def on_mount(self) -> None:
        # the workspace the user is in stays selected when coming back here
        if self.pai.workspace_id and self.query("#table"):  # not when popped while it mounted
            self.call_after_refresh(self.table.move_cursor_to_key, self.pai.workspace_id)

    def open_row(self, row: Any) -> None:
        self.pai.set_workspace(row.workspace_id, self.row_name(row))
        self.pai.open_view("jobs")
