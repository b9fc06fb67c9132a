"""PAIFlow pipeline definitions (``ListPipelines`` / ``GetPipeline``); they have no lifecycle status.

Rule: a delete is always offered; PAIFlow refuses one in use (``InvalidParameter.PipelineInUse``, explained
by ``live.actions.explain``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from paitui.kinds.action import PERMANENT, entry
from paitui.kinds.base import ListContext, ResourceKind, attr

if TYPE_CHECKING:
    from paitui.api.client import PaiClient


def _lister(ctx: ListContext) -> Any:
    from paitui.live.listers import PipelineLister

    return PipelineLister(ctx.client, ctx.workspace_id)


async def _get(client: PaiClient, ident: str) -> Any:
    return await client.flow.get_pipeline(ident)


KIND = ResourceKind(
    key="pipeline", label="Pipeline", noun="pipeline", plural="pipelines", product_plural="PAIFlow pipelines",
    id=attr("pipeline_id"), name=attr("identifier"), created=attr("gmt_create_time"),
    workspace=attr("workspace_id"),
    view="pipelines", aliases=("pipeline", "pl"), help="PAIFlow pipeline definitions", title="Pipelines",
    screen="paitui.ui.screens.pipelines:PipelinesScreen", workspace_scoped=True, order=30,
    lister=_lister, get=_get, get_call=("flow", "GetPipeline", "PipelineId"),
    filter_fields={
        "name": lambda p: f"{p.identifier or ''} {p.pipeline_id or ''}",
        "id": lambda p: p.pipeline_id or "",
        "version": lambda p: p.version or "",
        "provider": lambda p: p.provider or "",
    },
    free_text_in_fields=True,
    actions=(
        entry("pipeline", "delete", "Delete", "d", "deleted", destructive=True, removes=True,
              wire=("flow", "DeletePipeline", "PipelineId"),
              consequence=f"The pipeline definition is deleted. {PERMANENT}"),
    ),
)
