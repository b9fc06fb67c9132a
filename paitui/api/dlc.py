"""``client.dlc``: typed methods over the pai-dlc operations (jobs, pods, logs, metrics, tensorboards, templates).

Keyword arguments are snake_case and mapped to wire names here; ``**extra`` takes further wire-named (or
snake_case) parameters verbatim, so a parameter the table knows but the signature does not is still reachable.
Times (``start_time``/``end_time``) may be aware ``datetime``s or ready ISO-8601 strings.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from paitui.api.facade import Facade
from paitui.api.models import dlc as m
from paitui.api.models.job_row import ListJobRowsResponse, read_job_rows

TimeArg = datetime | str | None


class DlcApi(Facade):
    product = "dlc"

    # --- jobs ---------------------------------------------------------------------------------------------

    async def list_jobs(
        self,
        *,
        workspace_id: str | None = None,
        status: str | None = None,
        job_type: str | None = None,
        display_name: str | None = None,
        start_time: TimeArg = None,
        end_time: TimeArg = None,
        sort_by: str | None = None,
        order: str | None = None,
        page_number: int = 1,
        page_size: int = 50,
        show_own: bool | None = None,
        tags: dict[str, str] | None = None,
        **extra: Any,
    ) -> m.ListJobsResponse:
        """One page of jobs. Without ``start_time``/``end_time`` the service returns only jobs created in the
        last 7 days (docs/WIRE.md §6.1); pass a wider window to see older ones."""
        return await self._call(
            "ListJobs", WorkspaceId=workspace_id, Status=status, JobType=job_type, DisplayName=display_name,
            StartTime=start_time, EndTime=end_time, SortBy=sort_by, Order=order, PageNumber=page_number,
            PageSize=page_size, ShowOwn=show_own, Tags=tags, **self._wire("ListJobs", extra),
        )

    async def list_job_rows(self, **filters: Any) -> ListJobRowsResponse:
        """``list_jobs`` read into compact ``JobRow`` records (``models.job_row``): what a long list keeps in
        memory. Same request, same filters; only the reading of the answer differs."""
        return await self._call_read(read_job_rows, "ListJobs", **self._wire("ListJobs", filters))

    def iter_jobs(self, *, page_size: int = 100, limit: int | None = None, **filters: Any) -> AsyncIterator[m.JobItem]:
        """Every job matching ``filters`` (``list_jobs`` keywords, snake_case or wire names), page by page."""
        return self._pages("ListJobs", "jobs", page_size=page_size, limit=limit, **self._wire("ListJobs", filters))

    async def get_job(self, job_id: str, *, need_detail: bool | None = True) -> m.GetJobResponse:
        return await self._call("GetJob", JobId=job_id, NeedDetail=need_detail)

    async def create_job(
        self,
        *,
        display_name: str,
        job_type: str,
        job_specs: list[dict[str, Any]],
        user_command: str,
        workspace_id: str | None = None,
        **extra: Any,
    ) -> m.CreateJobResponse:
        """Submit a job; ``extra`` carries the rest of CreateJob's body (DataSources, Envs, ResourceId …)."""
        return await self._call(
            "CreateJob", DisplayName=display_name, JobType=job_type, JobSpecs=job_specs,
            UserCommand=user_command, WorkspaceId=workspace_id, **self._wire("CreateJob", extra),
        )

    async def update_job(
        self,
        job_id: str,
        *,
        priority: int | None = None,
        description: str | None = None,
        accessibility: str | None = None,
        job_specs: list[dict[str, Any]] | None = None,
        user_command: str | None = None,
    ) -> m.UpdateJobResponse:
        return await self._call(
            "UpdateJob", JobId=job_id, Priority=priority, Description=description, Accessibility=accessibility,
            JobSpecs=job_specs, UserCommand=user_command,
        )

    async def stop_job(self, job_id: str) -> m.StopJobResponse:
        return await self._call("StopJob", JobId=job_id)

    async def delete_job(self, job_id: str) -> m.DeleteJobResponse:
        return await self._call("DeleteJob", JobId=job_id)

    # --- pods, logs, events, metrics ----------------------------------------------------------------------

    async def get_pod_logs(
        self,
        job_id: str,
        pod_id: str,
        *,
        pod_uid: str | None = None,
        start_time: TimeArg = None,
        end_time: TimeArg = None,
        max_lines: int | None = None,
        containers: str | None = None,
        download_to_file: bool | None = None,
    ) -> m.GetPodLogsResponse:
        """Log lines of one pod. There is no cursor: to tail, move ``start_time`` forward and de-duplicate."""
        return await self._call(
            "GetPodLogs", JobId=job_id, PodId=pod_id, PodUid=pod_uid, StartTime=start_time, EndTime=end_time,
            MaxLines=max_lines, Containers=containers, DownloadToFile=download_to_file,
        )

    async def get_pod_events(
        self,
        job_id: str,
        pod_id: str,
        *,
        pod_uid: str | None = None,
        start_time: TimeArg = None,
        end_time: TimeArg = None,
        max_events_num: int | None = None,
    ) -> m.GetPodEventsResponse:
        return await self._call(
            "GetPodEvents", JobId=job_id, PodId=pod_id, PodUid=pod_uid, StartTime=start_time,
            EndTime=end_time, MaxEventsNum=max_events_num,
        )

    async def get_job_events(
        self,
        job_id: str,
        *,
        start_time: TimeArg = None,
        end_time: TimeArg = None,
        max_events_num: int | None = None,
    ) -> m.GetJobEventsResponse:
        return await self._call(
            "GetJobEvents", JobId=job_id, StartTime=start_time, EndTime=end_time, MaxEventsNum=max_events_num
        )

    async def get_job_metrics(
        self,
        job_id: str,
        metric_type: str,
        *,
        start_time: TimeArg = None,
        end_time: TimeArg = None,
        time_step: str | None = None,
        token: str | None = None,
    ) -> m.GetJobMetricsResponse:
        """``metric_type`` is one of ``common.MetricType`` (GpuCoreUsage, MemoryUsage …)."""
        return await self._call(
            "GetJobMetrics", JobId=job_id, MetricType=str(metric_type), StartTime=start_time, EndTime=end_time,
            TimeStep=time_step, Token=token,
        )

    async def list_job_sanity_check_results(
        self, job_id: str, *, order: str | None = None
    ) -> m.ListJobSanityCheckResultsResponse:
        return await self._call("ListJobSanityCheckResults", JobId=job_id, Order=order)

    async def get_job_sanity_check_result(
        self,
        job_id: str,
        sanity_check_number: int,
        *,
        sanity_check_phase: str | None = None,
        token: str | None = None,
    ) -> m.GetJobSanityCheckResultResponse:
        return await self._call(
            "GetJobSanityCheckResult", JobId=job_id, SanityCheckNumber=sanity_check_number,
            SanityCheckPhase=sanity_check_phase, Token=token,
        )

    # --- ECS specs ------------------------------------------------------------------------------------------

    async def list_ecs_specs(
        self,
        *,
        accelerator_type: str | None = None,
        resource_type: str | None = None,
        instance_types: str | None = None,
        sort_by: str | None = None,
        order: str | None = None,
        page_number: int = 1,
        page_size: int = 50,
    ) -> m.ListEcsSpecsResponse:
        return await self._call(
            "ListEcsSpecs", AcceleratorType=accelerator_type, ResourceType=resource_type,
            InstanceTypes=instance_types, SortBy=sort_by, Order=order, PageNumber=page_number, PageSize=page_size,
        )

    def iter_ecs_specs(
        self, *, page_size: int = 100, limit: int | None = None, **filters: Any
    ) -> AsyncIterator[m.EcsSpec]:
        return self._pages(
            "ListEcsSpecs", "ecs_specs", page_size=page_size, limit=limit, **self._wire("ListEcsSpecs", filters)
        )

    # --- tensorboards ---------------------------------------------------------------------------------------

    async def list_tensorboards(
        self,
        *,
        workspace_id: str | None = None,
        status: str | None = None,
        job_id: str | None = None,
        show_own: bool | None = None,
        verbose: bool | None = None,
        start_time: TimeArg = None,
        end_time: TimeArg = None,
        sort_by: str | None = None,
        order: str | None = None,
        page_number: int = 1,
        page_size: int = 50,
        **extra: Any,
    ) -> m.ListTensorboardsResponse:
        return await self._call(
            "ListTensorboards", WorkspaceId=workspace_id, Status=status, JobId=job_id, ShowOwn=show_own,
            Verbose=verbose, StartTime=start_time, EndTime=end_time, SortBy=sort_by, Order=order,
            PageNumber=page_number, PageSize=page_size, **self._wire("ListTensorboards", extra),
        )

    def iter_tensorboards(
        self, *, page_size: int = 100, limit: int | None = None, **filters: Any
    ) -> AsyncIterator[m.Tensorboard]:
        return self._pages(
            "ListTensorboards", "tensorboards", page_size=page_size, limit=limit,
            **self._wire("ListTensorboards", filters),
        )

    async def get_tensorboard(
        self,
        tensorboard_id: str,
        *,
        workspace_id: str | None = None,
        job_id: str | None = None,
        token: str | None = None,
    ) -> m.GetTensorboardResponse:
        # the job-id query parameter is spelled JodId on the wire (sic, §6.1)
        return await self._call(
            "GetTensorboard", TensorboardId=tensorboard_id, WorkspaceId=workspace_id, JodId=job_id, Token=token
        )

    async def create_tensorboard(self, **body: Any) -> m.CreateTensorboardResponse:
        """CreateTensorboard with its body given as keywords (``quota_id=…, job_id=…, summary_path=…``)."""
        return await self._call("CreateTensorboard", **self._wire("CreateTensorboard", body))

    async def start_tensorboard(
        self, tensorboard_id: str, *, workspace_id: str | None = None
    ) -> m.StartTensorboardResponse:
        return await self._call("StartTensorboard", TensorboardId=tensorboard_id, WorkspaceId=workspace_id)

    async def stop_tensorboard(
        self, tensorboard_id: str, *, workspace_id: str | None = None
    ) -> m.StopTensorboardResponse:
        return await self._call("StopTensorboard", TensorboardId=tensorboard_id, WorkspaceId=workspace_id)

    async def delete_tensorboard(
        self, tensorboard_id: str, *, workspace_id: str | None = None
    ) -> m.DeleteTensorboardResponse:
        return await self._call("DeleteTensorboard", TensorboardId=tensorboard_id, WorkspaceId=workspace_id)

    async def update_tensorboard(
        self,
        tensorboard_id: str,
        *,
        workspace_id: str | None = None,
        accessibility: str | None = None,
        max_running_time_minutes: int | None = None,
        priority: str | None = None,
    ) -> m.UpdateTensorboardResponse:
        return await self._call(
            "UpdateTensorboard", TensorboardId=tensorboard_id, WorkspaceId=workspace_id,
            Accessibility=accessibility, MaxRunningTimeMinutes=max_running_time_minutes, Priority=priority,
        )

    async def get_tensorboard_shared_url(
        self, tensorboard_id: str, *, expire_time_seconds: int | str | None = None
    ) -> m.GetTensorboardSharedUrlResponse:
        seconds = None if expire_time_seconds is None else str(expire_time_seconds)  # a string in the API
        return await self._call("GetTensorboardSharedUrl", TensorboardId=tensorboard_id, ExpireTimeSeconds=seconds)

    # --- job templates --------------------------------------------------------------------------------------

    async def list_job_templates(
        self,
        workspace_id: str,
        *,
        template_name: str | None = None,
        sort_by: str | None = None,
        order: str | None = None,
        page_number: int = 1,
        page_size: int = 50,
        **extra: Any,
    ) -> m.ListJobTemplatesResponse:
        return await self._call(
            "ListJobTemplates", WorkspaceId=workspace_id, TemplateName=template_name, SortBy=sort_by,
            Order=order, PageNumber=page_number, PageSize=page_size, **self._wire("ListJobTemplates", extra),
        )

    def iter_job_templates(
        self, workspace_id: str, *, page_size: int = 100, limit: int | None = None, **filters: Any
    ) -> AsyncIterator[m.JobTemplate]:
        return self._pages(
            "ListJobTemplates", "job_templates", page_size=page_size, limit=limit, WorkspaceId=workspace_id,
            **self._wire("ListJobTemplates", filters),
        )

    async def get_job_template(self, template_id: str, *, version: int | str | None = None) -> m.GetJobTemplateResponse:
        """``version``: a number, ``"all"``, or ``None`` for the default version."""
        return await self._call(
            "GetJobTemplate", TemplateId=template_id, Version=None if version is None else str(version)
        )

    async def create_job_template(
        self,
        *,
        workspace_id: str,
        template_name: str,
        content: str,
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
        constraints: dict[str, Any] | None = None,
    ) -> m.CreateJobTemplateResponse:
        return await self._call(
            "CreateJobTemplate", WorkspaceId=workspace_id, TemplateName=template_name, Content=content,
            Description=description, Metadata=metadata, Constraints=constraints,
        )

    async def update_job_template(
        self,
        template_id: str,
        *,
        content: str | None = None,
        template_name: str | None = None,
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
        constraints: dict[str, Any] | None = None,
        set_as_default: bool | None = None,
        version: int | None = None,
    ) -> m.UpdateJobTemplateResponse:
        return await self._call(
            "UpdateJobTemplate", TemplateId=template_id, Content=content, TemplateName=template_name,
            Description=description, Metadata=metadata, Constraints=constraints, SetAsDefault=set_as_default,
            version=version,  # lower-case on the wire (sic)
        )

    async def delete_job_template(self, template_id: str) -> m.DeleteJobTemplateResponse:
        return await self._call("DeleteJobTemplate", TemplateId=template_id)

    async def set_job_template_default_version(
        self, template_id: str, version: int
    ) -> m.SetJobTemplateDefaultVersionResponse:
        return await self._call("SetJobTemplateDefaultVersion", TemplateId=template_id, Version=version)

    # --- dashboards, terminals, sharing ---------------------------------------------------------------------

    async def get_dashboard(
        self, job_id: str, *, is_shared: bool | None = None, token: str | None = None
    ) -> m.GetDashboardResponse:
        return await self._call("GetDashboard", JobId=job_id, isShared=is_shared, token=token)

    async def get_ray_dashboard(
        self, job_id: str, *, is_shared: bool | None = None, token: str | None = None
    ) -> m.GetRayDashboardResponse:
        return await self._call("GetRayDashboard", JobId=job_id, isShared=is_shared, token=token)

    async def get_web_terminal(
        self, job_id: str, pod_id: str, *, pod_uid: str | None = None, is_shared: bool | None = None
    ) -> m.GetWebTerminalResponse:
        return await self._call("GetWebTerminal", JobId=job_id, PodId=pod_id, PodUid=pod_uid, IsShared=is_shared)

    async def get_token(
        self,
        *,
        target_type: str | None = None,
        target_id: str | None = None,
        expire_time: int | None = None,
        token_settings: dict[str, Any] | None = None,
    ) -> m.GetTokenResponse:
        """A sharing token for a job or tensorboard (``target_type`` ``job``/``tensorboard``)."""
        return await self._call(
            "GetToken", TargetType=target_type, TargetId=target_id, ExpireTime=expire_time,
            TokenSettings=token_settings,
        )
