"""One snapshot of a PAIFlow pipeline run for its detail screen (no Textual).

GetPipelineRun, then GetPipelineRunNode on the run's root ``NodeId`` with ``Depth``: the whole tree in one
answer. A run still ``Initialized`` has no ``NodeId`` and so no tree yet. Either call failing raises: the
tree is the screen, so there is no panel to blank, and the watch keeps the last snapshot marked stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from paitui.api.models.flow import NodeOutput, PipelineRun, PipelineRunNode

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

DEPTH = 10  # GetPipelineRunNode Depth: deep enough for nested DAGs and loops in one answer


@dataclass(frozen=True)
class RunSnapshot:
    run: PipelineRun
    root: PipelineRunNode | None


async def fetch_run_snapshot(client: PaiClient, run_id: str) -> RunSnapshot:
    flow = client.flow
    run = await flow.get_pipeline_run(run_id)
    run = run.model_copy(update={"request_id": None})  # a new RequestId per call is not a change
    root = None
    if run.node_id:
        root = await flow.get_pipeline_run_node(run_id, run.node_id, depth=DEPTH)
        root = root.model_copy(update={"request_id": None})
    return RunSnapshot(run, root)


async def node_outputs(client: PaiClient, run_id: str, node_id: str) -> list[NodeOutput]:
    """What a node produced (ListPipelineRunNodeOutputs)."""
    answer = await client.flow.list_pipeline_run_node_outputs(run_id, node_id)
    return list(answer.outputs or ())
