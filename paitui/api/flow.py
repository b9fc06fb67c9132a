"""``client.flow``: typed methods over the PAIFlow operations (pipelines, pipeline runs, run nodes).

Keyword arguments are snake_case; ``**extra`` takes further wire-named (or snake_case) parameters verbatim.
A run's root node id is ``PipelineRun.node_id`` (GetPipelineRun); node operations need it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from paitui.api.facade import Facade
from paitui.api.models import flow as m


def _epoch_seconds(value: datetime | int | None) -> int | None:
    """Node-log time filters are epoch seconds on the wire (docs/WIRE.md §2.7)."""
    if isinstance(value, datetime):
        return int(value.timestamp())
    return value


class FlowApi(Facade):
    product = "flow"

    # --- pipelines ------------------------------------------------------------------------------------------

    async def list_pipelines(
        self,
        *,
        workspace_id: str | None = None,
        pipeline_identifier: str | None = None,
        pipeline_provider: str | None = None,
        pipeline_version: str | None = None,
        fuzzy_matching: bool | None = None,
        page_number: int = 1,
        page_size: int = 50,
    ) -> m.ListPipelinesResponse:
        return await self._call(
            "ListPipelines", WorkspaceId=workspace_id, PipelineIdentifier=pipeline_identifier,
            PipelineProvider=pipeline_provider, PipelineVersion=pipeline_version, FuzzyMatching=fuzzy_matching,
            PageNumber=page_number, PageSize=page_size,
        )

    def iter_pipelines(
        self, *, page_size: int = 100, limit: int | None = None, **filters: Any
    ) -> AsyncIterator[m.Pipeline]:
        return self._pages(
            "ListPipelines", "pipelines", page_size=page_size, limit=limit, **self._wire("ListPipelines", filters)
        )

    async def get_pipeline(self, pipeline_id: str) -> m.GetPipelineResponse:
        return await self._call("GetPipeline", PipelineId=pipeline_id)

    async def create_pipeline(self, *, manifest: str, workspace_id: str) -> m.CreatePipelineResponse:
        return await self._call("CreatePipeline", Manifest=manifest, WorkspaceId=workspace_id)

    async def update_pipeline(self, pipeline_id: str, *, manifest: str) -> m.UpdatePipelineResponse:
        return await self._call("UpdatePipeline", PipelineId=pipeline_id, Manifest=manifest)

    async def delete_pipeline(self, pipeline_id: str) -> m.DeletePipelineResponse:
        return await self._call("DeletePipeline", PipelineId=pipeline_id)

    # --- pipeline runs --------------------------------------------------------------------------------------

    async def list_pipeline_runs(
        self,
        *,
        workspace_id: str | None = None,
        status: str | None = None,
        name: str | None = None,
        pipeline_run_id: str | None = None,
        source_type: str | None = None,
        source_id: str | None = None,
        user_id: str | None = None,
        sort_by: str | None = None,
        order: str | None = None,
        page_number: int = 1,
        page_size: int = 50,
        **extra: Any,
    ) -> m.ListPipelineRunsResponse:
        return await self._call(
            "ListPipelineRuns", WorkspaceId=workspace_id, Status=status, Name=name, PipelineRunId=pipeline_run_id,
            SourceType=source_type, SourceId=source_id, UserId=user_id, SortBy=sort_by, Order=order,
            PageNumber=page_number, PageSize=page_size, **self._wire("ListPipelineRuns", extra),
        )

    def iter_pipeline_runs(
        self, *, page_size: int = 100, limit: int | None = None, **filters: Any
    ) -> AsyncIterator[m.PipelineRun]:
        return self._pages(
            "ListPipelineRuns", "pipeline_runs", page_size=page_size, limit=limit,
            **self._wire("ListPipelineRuns", filters),
        )

    async def get_pipeline_run(
        self,
        pipeline_run_id: str,
        *,
        verbose: bool | None = None,
        manifest_type: str | None = None,
        token_id: str | None = None,
    ) -> m.GetPipelineRunResponse:
        return await self._call(
            "GetPipelineRun", PipelineRunId=pipeline_run_id, Verbose=verbose, ManifestType=manifest_type,
            TokenId=token_id,
        )

    async def create_pipeline_run(
        self,
        *,
        workspace_id: str,
        pipeline_id: str | None = None,
        pipeline_manifest: str | None = None,
        name: str | None = None,
        arguments: str | None = None,
        no_confirm_required: bool | None = None,
        **extra: Any,
    ) -> m.CreatePipelineRunResponse:
        """Give exactly one of ``pipeline_id`` and ``pipeline_manifest``; ``no_confirm_required=True`` starts
        the run at once (otherwise ``start_pipeline_run`` starts it)."""
        return await self._call(
            "CreatePipelineRun", WorkspaceId=workspace_id, PipelineId=pipeline_id,
            PipelineManifest=pipeline_manifest, Name=name, Arguments=arguments,
            NoConfirmRequired=no_confirm_required, **self._wire("CreatePipelineRun", extra),
        )

    async def start_pipeline_run(self, pipeline_run_id: str) -> m.StartPipelineRunResponse:
        return await self._call("StartPipelineRun", PipelineRunId=pipeline_run_id)

    async def terminate_pipeline_run(self, pipeline_run_id: str) -> m.TerminatePipelineRunResponse:
        return await self._call("TerminatePipelineRun", PipelineRunId=pipeline_run_id)

    async def rerun_pipeline_run(self, pipeline_run_id: str) -> m.RerunPipelineRunResponse:
        """Re-running is the only "retry" PAIFlow has (``PUT …/rerun``)."""
        return await self._call("RerunPipelineRun", PipelineRunId=pipeline_run_id)

    async def delete_pipeline_run(self, pipeline_run_id: str) -> m.DeletePipelineRunResponse:
        return await self._call("DeletePipelineRun", PipelineRunId=pipeline_run_id)

    async def update_pipeline_run(self, pipeline_run_id: str, *, name: str) -> m.UpdatePipelineRunResponse:
        return await self._call("UpdatePipelineRun", PipelineRunId=pipeline_run_id, Name=name)

    async def list_pipeline_runs_status(
        self,
        *,
        pipeline_runs: list[str] | None = None,
        nodes: list[dict[str, str]] | None = None,
        output_type: str | None = None,
        workspace_id: str | None = None,
    ) -> m.ListPipelineRunsStatusResponse:
        """Batch status poll (``PUT /api/v1/pipelineruns``); reads only. ``nodes``: ``[{PipelineRunId, NodeId}]``."""
        return await self._call(
            "ListPipelineRunsStatus", PipelineRuns=pipeline_runs, Nodes=nodes, OutputType=output_type,
            WorkspaceId=workspace_id,
        )

    # --- run nodes ------------------------------------------------------------------------------------------

    async def get_pipeline_run_node(
        self,
        pipeline_run_id: str,
        node_id: str,
        *,
        depth: int | None = None,
        type: str | None = None,  # the wire name
        token_id: str | None = None,
    ) -> m.GetPipelineRunNodeResponse:
        """The node and ``depth`` levels of its children (``Spec.Pipelines``)."""
        return await self._call(
            "GetPipelineRunNode", PipelineRunId=pipeline_run_id, NodeId=node_id, Depth=depth, Type=type,
            TokenId=token_id,
        )

    async def list_pipeline_run_node_status(
        self,
        pipeline_run_id: str,
        node_id: str,
        *,
        depth: int | None = None,
        type: str | None = None,  # the wire name
        token_id: str | None = None,
    ) -> m.ListPipelineRunNodeStatusResponse:
        return await self._call(
            "ListPipelineRunNodeStatus", PipelineRunId=pipeline_run_id, NodeId=node_id, Depth=depth, Type=type,
            TokenId=token_id,
        )

    async def list_pipeline_run_node_outputs(
        self,
        pipeline_run_id: str,
        node_id: str,
        *,
        depth: int | None = None,
        name: str | None = None,
        type: str | None = None,  # the wire name
        sort_by: str | None = None,
        order: str | None = None,
        page_number: int = 1,
        page_size: int = 50,
        token_id: str | None = None,
    ) -> m.ListPipelineRunNodeOutputsResponse:
        return await self._call(
            "ListPipelineRunNodeOutputs", PipelineRunId=pipeline_run_id, NodeId=node_id, Depth=depth, Name=name,
            Type=type, SortBy=sort_by, Order=order, PageNumber=page_number, PageSize=page_size, TokenId=token_id,
        )

    def iter_pipeline_run_node_outputs(
        self, pipeline_run_id: str, node_id: str, *, page_size: int = 100, limit: int | None = None,
        **filters: Any,
    ) -> AsyncIterator[m.NodeOutput]:
        return self._pages(
            "ListPipelineRunNodeOutputs", "outputs", page_size=page_size, limit=limit,
            PipelineRunId=pipeline_run_id, NodeId=node_id, **self._wire("ListPipelineRunNodeOutputs", filters),
        )

    async def list_pipeline_run_node_logs(
        self,
        pipeline_run_id: str,
        node_id: str,
        *,
        offset: int | None = None,
        page_size: int | None = None,
        reverse: bool | None = None,
        keyword: str | None = None,
        from_time: datetime | int | None = None,
        to_time: datetime | int | None = None,
        token_id: str | None = None,
    ) -> m.ListPipelineRunNodeLogsResponse:
        """One page of log lines; ``offset`` counts lines. Times are datetimes or epoch seconds."""
        return await self._call(
            "ListPipelineRunNodeLogs", PipelineRunId=pipeline_run_id, NodeId=node_id, Offset=offset,
            PageSize=page_size, Reverse=reverse, Keyword=keyword, FromTimeInSeconds=_epoch_seconds(from_time),
            ToTimeInSeconds=_epoch_seconds(to_time), TokenId=token_id,
        )

    async def iter_node_logs(
        self,
        run_id: str,
        node_id: str,
        *,
        page_size: int = 100,
        offset: int = 0,
        limit: int | None = None,
        **filters: Any,
    ) -> AsyncIterator[str]:
        """Every log line from ``offset`` on, paging by Offset until ``TotalCount`` (or a short page).

        For live tailing keep the count of lines received and call again later with ``offset`` set to it.
        """
        seen = 0
        wire = self._wire("ListPipelineRunNodeLogs", filters)
        while True:
            page = await self._call(
                "ListPipelineRunNodeLogs", PipelineRunId=run_id, NodeId=node_id, Offset=offset,
                PageSize=page_size, **wire,
            )
            lines = page.logs or []
            for line in lines:
                yield line
                seen += 1
                if limit is not None and seen >= limit:
                    return
            offset += len(lines)
            total = page.total_count
            if not lines or len(lines) < page_size or (total is not None and offset >= total):
                return
