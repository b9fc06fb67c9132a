"""PAIFlow 2021-02-02 response models (docs/WIRE.md §6.2, §7.2).

Field lists follow ``alibabacloud_paiflow20210202.models``. Node statuses spell success ``Succeed``; use
``normalized_status`` or ``common.NODE_SUCCEEDED`` rather than comparing with ``"Succeeded"``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from paitui.api.models.common import Bool, Int, Obj, Str, Time, WireModel, normalize_node_status, wire


class Pipeline(WireModel):
    """A pipeline (ListPipelines item; GetPipeline adds ``Manifest``)."""

    gmt_create_time: Time = wire("GmtCreateTime")
    gmt_modified_time: Time = wire("GmtModifiedTime")
    identifier: Str = wire("Identifier")
    pipeline_id: Str = wire("PipelineId")
    provider: Str = wire("Provider")
    uuid: Str = wire("Uuid")
    version: Str = wire("Version")
    workspace_id: Str = wire("WorkspaceId")
    manifest: Str = wire("Manifest")


class ListPipelinesResponse(WireModel):
    pipelines: list[Pipeline] | None = wire("Pipelines")
    request_id: Str = wire("RequestId")
    total_count: Int = wire("TotalCount")


class PipelineRun(WireModel):
    """A pipeline run (ListPipelineRuns item; GetPipelineRun adds Arguments/Manifest/Options).

    ``NodeId`` is the run's root node: the node operations need it, and it may be empty right after creation.
    """

    accessibility: Str = wire("Accessibility")
    duration: Int = wire("Duration")
    finished_at: Time = wire("FinishedAt")
    gmt_create_time: Time = wire("GmtCreateTime")
    gmt_modified_time: Time = wire("GmtModifiedTime")
    message: Str = wire("Message")
    name: Str = wire("Name")
    node_id: Str = wire("NodeId")
    parent_user_id: Str = wire("ParentUserId")
    pipeline_id: Str = wire("PipelineId")
    pipeline_run_id: Str = wire("PipelineRunId")
    pipeline_run_uri: Str = wire("PipelineRunUri")
    source_id: Str = wire("SourceId")
    source_type: Str = wire("SourceType")
    started_at: Time = wire("StartedAt")
    status: Str = wire("Status")
    user_id: Str = wire("UserId")
    workspace_id: Str = wire("WorkspaceId")
    arguments: Str = wire("Arguments")
    manifest: Str = wire("Manifest")
    options: Str = wire("Options")


class ListPipelineRunsResponse(WireModel):
    pipeline_runs: list[PipelineRun] | None = wire("PipelineRuns")
    request_id: Str = wire("RequestId")
    total_count: Int = wire("TotalCount")


class NodeMetadata(WireModel):
    display_name: Str = wire("DisplayName")
    identifier: Str = wire("Identifier")
    name: Str = wire("Name")
    node_id: Str = wire("NodeId")
    node_type: Str = wire("NodeType")
    provider: Str = wire("Provider")
    related_node_ids: list[str] | None = wire("RelatedNodeIds")
    version: Str = wire("Version")


class NodeIO(WireModel):
    """A node's ``Inputs`` or ``Outputs``: artifact and parameter declarations (free-form objects)."""

    artifacts: list[dict[str, Any]] | None = wire("Artifacts")
    parameters: list[dict[str, Any]] | None = wire("Parameters")


class WithSequence(WireModel):
    end: Int = wire("End")
    format: Str = wire("Format")
    start: Int = wire("Start")


class NodeSpec(WireModel):
    """A node's spec; ``Pipelines`` holds the child nodes (as deep as the request's ``Depth``)."""

    dependencies: list[str] | None = wire("Dependencies")
    has_pipelines: Bool = wire("HasPipelines")
    inputs: NodeIO | None = wire("Inputs")
    outputs: NodeIO | None = wire("Outputs")
    parallelism: Int = wire("Parallelism")
    pipelines: list[PipelineRunNode] | None = wire("Pipelines")
    when: Str = wire("When")
    with_items: list[str] | None = wire("WithItems")
    with_param: Str = wire("WithParam")
    with_sequence: WithSequence | None = wire("WithSequence")


class NodeStatusInfo(WireModel):
    conditions: list[dict[str, Any]] | None = wire("Conditions")
    finished_at: Time = wire("FinishedAt")
    progress: Str = wire("Progress")
    started_at: Time = wire("StartedAt")
    status: Str = wire("Status")

    @property
    def normalized_status(self) -> str | None:
        """``Succeed`` (what the service sends) as ``Succeeded``."""
        return normalize_node_status(self.status)


class PipelineRunNode(WireModel):
    """A node of a run's tree: ``{ApiVersion, Metadata, Spec, StatusInfo}``; children in ``Spec.Pipelines``.
    """

    api_version: Str = wire("ApiVersion")
    metadata: NodeMetadata | None = wire("Metadata")
    spec: NodeSpec | None = wire("Spec")
    status_info: NodeStatusInfo | None = wire("StatusInfo")

    @property
    def children(self) -> list[PipelineRunNode]:
        return list(self.spec.pipelines or ()) if self.spec is not None else []

    def walk(self) -> Iterator[PipelineRunNode]:
        """This node and all its descendants, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


class ListPipelineRunNodeLogsResponse(WireModel):
    logs: list[str] | None = wire("Logs")
    request_id: Str = wire("RequestId")
    total_count: Int = wire("TotalCount")


class NodeOutput(WireModel):
    expandable_artifact_name: Str = wire("ExpandableArtifactName")
    expanded_artifact_index: Int = wire("ExpandedArtifactIndex")
    gmt_create_time: Time = wire("GmtCreateTime")
    id: Str = wire("Id")
    info: Obj = wire("Info")
    name: Str = wire("Name")
    node_id: Str = wire("NodeId")
    producer: Str = wire("Producer")
    type: Str = wire("Type")


class ListPipelineRunNodeOutputsResponse(WireModel):
    outputs: list[NodeOutput] | None = wire("Outputs")
    request_id: Str = wire("RequestId")
    total_count: Int = wire("TotalCount")


class NodeStatusItem(WireModel):
    """One node of ListPipelineRunNodeStatus (the subtree, flattened). ``Status`` may be ``Succeed``."""

    finished_at: Time = wire("FinishedAt")
    node_id: Str = wire("NodeId")
    node_name: Str = wire("NodeName")
    runtime_info: Str = wire("RuntimeInfo")
    started_at: Time = wire("StartedAt")
    status: Str = wire("Status")

    @property
    def normalized_status(self) -> str | None:
        return normalize_node_status(self.status)


class ListPipelineRunNodeStatusResponse(WireModel):
    request_id: Str = wire("RequestId")
    status: list[NodeStatusItem] | None = wire("Status")


class RunsStatusNode(WireModel):
    finished_at: Time = wire("FinishedAt")
    input_artifact_archived: Bool = wire("InputArtifactArchived")
    node_id: Str = wire("NodeId")
    node_name: Str = wire("NodeName")
    output_artifact_archived: Bool = wire("OutputArtifactArchived")
    pipeline_run_id: Str = wire("PipelineRunId")
    started_at: Time = wire("StartedAt")
    status: Str = wire("Status")


class RunsStatusOutput(WireModel):
    expandable_artifact_name: Str = wire("ExpandableArtifactName")
    expanded_artifact_index: Int = wire("ExpandedArtifactIndex")
    gmt_create_time: Time = wire("GmtCreateTime")
    id: Str = wire("Id")
    metadata: Obj = wire("Metadata")
    name: Str = wire("Name")
    node_id: Str = wire("NodeId")
    pipeline_run_id: Str = wire("PipelineRunId")
    producer: Str = wire("Producer")
    type: Str = wire("Type")
    value: Str = wire("Value")


class RunsStatusRun(WireModel):
    is_deleted: Bool = wire("IsDeleted")
    name: Str = wire("Name")
    node_id: Str = wire("NodeId")
    parent_user_id: Str = wire("ParentUserId")
    pipeline_run_id: Str = wire("PipelineRunId")
    source_id: Str = wire("SourceId")
    status: Str = wire("Status")
    user_id: Str = wire("UserId")


class ListPipelineRunsStatusResponse(WireModel):
    nodes: list[RunsStatusNode] | None = wire("Nodes")
    outputs: list[RunsStatusOutput] | None = wire("Outputs")
    pipeline_runs: list[RunsStatusRun] | None = wire("PipelineRuns")
    request_id: Str = wire("RequestId")


class CreatePipelineResponse(WireModel):
    pipeline_id: Str = wire("PipelineId")
    request_id: Str = wire("RequestId")


class CreatePipelineRunResponse(WireModel):
    pipeline_run_id: Str = wire("PipelineRunId")
    request_id: Str = wire("RequestId")



# --- response bodies ----------------------------------------------------------------------------------------


class GetPipelineResponse(Pipeline):
    request_id: Str = wire("RequestId")


class GetPipelineRunResponse(PipelineRun):
    request_id: Str = wire("RequestId")


class GetPipelineRunNodeResponse(PipelineRunNode):
    request_id: Str = wire("RequestId")


class RequestIdResponse(WireModel):
    """``{RequestId}``: the answer of most PAIFlow mutations."""

    request_id: Str = wire("RequestId")


class DeletePipelineResponse(RequestIdResponse):
    pass


class UpdatePipelineResponse(RequestIdResponse):
    pass


class StartPipelineRunResponse(RequestIdResponse):
    pass


class TerminatePipelineRunResponse(RequestIdResponse):
    pass


class RerunPipelineRunResponse(RequestIdResponse):
    pass


class DeletePipelineRunResponse(RequestIdResponse):
    pass


class UpdatePipelineRunResponse(RequestIdResponse):
    pass


# NodeSpec.Pipelines refers to PipelineRunNode, defined after it: resolve the forward reference now
NodeSpec.model_rebuild()
