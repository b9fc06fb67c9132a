"""AIWorkSpace workspaces of the region (``ListWorkspaces``); choosing one scopes the other lists."""

from __future__ import annotations

from typing import Any

from paitui.kinds.base import ListContext, ResourceKind, attr
from paitui.live.status import workspace_phase


def _lister(ctx: ListContext) -> Any:
    from paitui.live.listers import WorkspaceLister

    return WorkspaceLister(ctx.client)


KIND = ResourceKind(
    key="workspace", label="Workspace", noun="workspace", plural="workspaces", product_plural="AIWorkSpace workspaces",
    id=attr("workspace_id"), name=lambda w: getattr(w, "workspace_name", None), status=attr("status"),
    created=attr("gmt_create_time"), owner=attr("creator"), workspace=attr("workspace_id"), phase=workspace_phase,
    view="workspaces", aliases=("ws", "workspace"), arg="NAME",
    help="list workspaces; with NAME, switch to that workspace",
    title="Workspaces", screen="paitui.ui.screens.workspaces:WorkspacesScreen", order=0, lister=_lister,
    filter_fields={
        "name": lambda w: w.workspace_name or "",
        "status": lambda w: w.status or "",
        "creator": lambda w: w.creator or "",
    },
)
