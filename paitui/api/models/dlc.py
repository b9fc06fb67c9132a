"""pai-dlc 2020-12-03 response models (docs/WIRE.md §6.1, §7.1).

Field lists follow the official SDK models (``alibabacloud_pai_dlc20201203.models``); the wire key of every
field is its alias. Deep, rarely displayed specs (elastic, credential, spot, service …) stay plain dicts.
"""

from __future__ import annotations

from typing import Any

from paitui.api.models.common import (
    JOB_TERMINAL,
    Bool,
    Float,
    Int,
    Obj,
    Str,
    Time,
    Unreadable,
    WireModel,
    read_json,
    wire,
)
from paitui.api.models.job_row import requested_gpus


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None and text.strip() else None
    except ValueError:
        return None


class PodNetworkInterface(WireModel):
    interface_name: Str = wire("InterfaceName")
    ip: Str = wire("Ip")


class PodItem(WireModel):
    """A pod of a job (ListJobs and GetJob ``Pods[]``) or one of its earlier incarnations (``HistoryPods[]``).

    ``PodId`` is what GetPodLogs/GetPodEvents take; ``PodUid`` tells restarted pods sharing a ``PodId`` apart;
    ``Type`` matches a ``JobSpecs[].Type``.
    """

    gmt_create_time: Time = wire("GmtCreateTime")
    gmt_finish_time: Time = wire("GmtFinishTime")
    gmt_start_time: Time = wire("GmtStartTime")
    history_pods: list[PodItem] | None = wire("HistoryPods")
    ip: Str = wire("Ip")
    node_name: Str = wire("NodeName")
    pod_id: Str = wire("PodId")
    pod_ip: Str = wire("PodIp")
    pod_ips: list[PodNetworkInterface] | None = wire("PodIps")
    pod_uid: Str = wire("PodUid")
    status: Str = wire("Status")
    sub_status: Str = wire("SubStatus")
    type: Str = wire("Type")
    supported_profiling_types: Str = wire("supportedProfilingTypes")
    duration: Float = wire("Duration")
    resource_type: Str = wire("ResourceType")


class ResourceConfig(WireModel):
    """Per-pod resources. Values are strings on the wire: ``CPU`` ``"4"``, ``Memory`` ``"16Gi"``."""

    cpu: Str = wire("CPU")
    gpu: Str = wire("GPU")
    gpu_type: Str = wire("GPUType")
    memory: Str = wire("Memory")
    shared_memory: Str = wire("SharedMemory")

    @property
    def gpu_count(self) -> float | None:
        """``GPU`` as a number (``"1"`` -> 1.0); ``None`` when absent or not numeric."""
        return _number(self.gpu)

    @property
    def cpu_count(self) -> float | None:
        return _number(self.cpu)


class JobSpec(WireModel):
    """One role of a job (Worker, Master, PS …). Rarely used deep specs stay plain dicts."""

    assign_node_spec: Obj = wire("AssignNodeSpec")
    auto_scaling_spec: Obj = wire("AutoScalingSpec")
    consider_in_success_policy: Bool = wire("ConsiderInSuccessPolicy")
    driver: Str = wire("Driver")
    ecs_spec: Str = wire("EcsSpec")
    elastic_spot_specs: list[dict[str, Any]] | None = wire("ElasticSpotSpecs")
    extra_pod_spec: Obj = wire("ExtraPodSpec")
    hyper_node_scheduling_config: Obj = wire("HyperNodeSchedulingConfig")
    image: Str = wire("Image")
    image_config: Obj = wire("ImageConfig")
    is_cheif: Bool = wire("IsCheif")
    is_chief: Bool = wire("IsChief")
    local_mount_specs: list[dict[str, Any]] | None = wire("LocalMountSpecs")
    oversold_type: Str = wire("OversoldType")
    pod_count: Int = wire("PodCount")
    quota_id: Str = wire("QuotaId")
    resource_config: ResourceConfig | None = wire("ResourceConfig")
    restart_policy: Str = wire("RestartPolicy")
    service_spec: Obj = wire("ServiceSpec")
    spot_spec: Obj = wire("SpotSpec")
    startup_dependencies: list[dict[str, Any]] | None = wire("StartupDependencies")
    system_disk: Obj = wire("SystemDisk")
    type: Str = wire("Type")
    use_spot_instance: Bool = wire("UseSpotInstance")
    user_command: Str = wire("UserCommand")


class StatusTransitionItem(WireModel):
    """One entry of a job's ``StatusHistory``."""

    end_time: Time = wire("EndTime")
    reason_code: Str = wire("ReasonCode")
    reason_message: Str = wire("ReasonMessage")
    start_time: Time = wire("StartTime")
    status: Str = wire("Status")


class JobReplicaStatus(WireModel):
    active: Int = wire("Active")
    current_spot_instance_type: Str = wire("CurrentSpotInstanceType")
    dequeued: Int = wire("Dequeued")
    estimated_auto_scaling_spec: Obj = wire("EstimatedAutoScalingSpec")
    estimated_pod_count: Int = wire("EstimatedPodCount")
    estimated_resource_config: ResourceConfig | None = wire("EstimatedResourceConfig")
    queuing: Int = wire("Queuing")
    type: Str = wire("Type")


class JobSettings(WireModel):
    advanced_settings: Obj = wire("AdvancedSettings")
    allocate_all_rdma_devices: Bool = wire("AllocateAllRDMADevices")
    allow_unschedulable_nodes: Bool = wire("AllowUnschedulableNodes")
    business_user_id: Str = wire("BusinessUserId")
    caller: Str = wire("Caller")
    data_juicer_config: Obj = wire("DataJuicerConfig")
    disable_ecs_stock_check: Bool = wire("DisableEcsStockCheck")
    driver: Str = wire("Driver")
    elastic_spot_job_max_restart_times: Int = wire("ElasticSpotJobMaxRestartTimes")
    enable_cpu_affinity: Bool = wire("EnableCPUAffinity")
    enable_dsw_dev: Bool = wire("EnableDSWDev")
    enable_error_monitoring_in_ai_master: Bool = wire("EnableErrorMonitoringInAIMaster")
    enable_oss_append: Bool = wire("EnableOssAppend")
    enable_rdma: Bool = wire("EnableRDMA")
    enable_sanity_check: Bool = wire("EnableSanityCheck")
    enable_tide_resource: Bool = wire("EnableTideResource")
    error_monitoring_args: Str = wire("ErrorMonitoringArgs")
    job_reserved_minutes: Int = wire("JobReservedMinutes")
    job_reserved_policy: Str = wire("JobReservedPolicy")
    model_cfg: Obj = wire("ModelConfig")
    oversold_type: Str = wire("OversoldType")
    pipeline_id: Str = wire("PipelineId")
    sanity_check_args: Str = wire("SanityCheckArgs")
    shell: Str = wire("Shell")
    tags: Obj = wire("Tags")
    termination_grace_period_seconds: Int = wire("TerminationGracePeriodSeconds")


class CodeSourceRef(WireModel):
    branch: Str = wire("Branch")
    code_source_id: Str = wire("CodeSourceId")
    commit: Str = wire("Commit")
    mount_path: Str = wire("MountPath")


class DataSourceRef(WireModel):
    data_source_id: Str = wire("DataSourceId")
    mount_path: Str = wire("MountPath")
    uri: Str = wire("Uri")


class CustomEnv(WireModel):
    key: Str = wire("Key")
    value: Str = wire("Value")
    visible: Str = wire("Visible")


class UserVpc(WireModel):
    default_route: Str = wire("DefaultRoute")
    extended_cidrs: list[str] | None = wire("ExtendedCidrs")
    security_group_id: Str = wire("SecurityGroupId")
    switch_id: Str = wire("SwitchId")
    vpc_id: Str = wire("VpcId")


class RestartErrorInfo(WireModel):
    add_job_level_blacklist: Bool = wire("AddJobLevelBlacklist")
    add_node_to_blacklist: Bool = wire("AddNodeToBlacklist")
    detail_error_msg: Str = wire("DetailErrorMsg")
    error_code: Str = wire("ErrorCode")
    error_msg: Str = wire("ErrorMsg")
    error_source: Str = wire("ErrorSource")
    node: Str = wire("Node")
    pod: Str = wire("Pod")
    trigger_restart: Bool = wire("TriggerRestart")


class RestartRecord(WireModel):
    detail_error_info_list: list[RestartErrorInfo] | None = wire("DetailErrorInfoList")
    job_restart_count: Int = wire("JobRestartCount")
    occur_phase: Str = wire("OccurPhase")
    occur_time: Time = wire("OccurTime")
    reason: Str = wire("Reason")
    restart_duration_in_sec: Int = wire("RestartDurationInSec")
    restart_fail_reason: Str = wire("RestartFailReason")
    restart_level_type: Str = wire("RestartLevelType")
    restart_status: Str = wire("RestartStatus")
    trigger_id: Str = wire("TriggerID")


class JobFields(WireModel):
    """The fields of a DLC job: everything but the pods (``JobItem`` adds them). A list keeps a compact
    ``job_row.JobRow`` instead, with a few of these under the same names.

    ``RequestGPU`` is a string in lists and a float in GetJob, so it is a float here; ``RequestMemory`` may
    carry a unit, so it stays a string (§2.8).
    """

    accessibility: Str = wire("Accessibility")
    cluster_id: Str = wire("ClusterId")
    code_source: CodeSourceRef | None = wire("CodeSource")
    credential_config: Obj = wire("CredentialConfig")
    data_sources: list[DataSourceRef] | None = wire("DataSources")
    display_name: Str = wire("DisplayName")
    duration: Int = wire("Duration")
    elastic_spec: Obj = wire("ElasticSpec")
    enable_preemptible_job: Bool = wire("EnablePreemptibleJob")
    enabled_debugger: Bool = wire("EnabledDebugger")
    envs: Obj = wire("Envs")
    gmt_create_time: Time = wire("GmtCreateTime")
    gmt_failed_time: Time = wire("GmtFailedTime")
    gmt_finish_time: Time = wire("GmtFinishTime")
    gmt_modified_time: Time = wire("GmtModifiedTime")
    gmt_running_time: Time = wire("GmtRunningTime")
    gmt_stopped_time: Time = wire("GmtStoppedTime")
    gmt_submitted_time: Time = wire("GmtSubmittedTime")
    gmt_successed_time: Time = wire("GmtSuccessedTime")
    is_deleted: Bool = wire("IsDeleted")
    job_id: Str = wire("JobId")
    job_max_running_time_minutes: Int = wire("JobMaxRunningTimeMinutes")
    job_replica_statuses: list[JobReplicaStatus] | None = wire("JobReplicaStatuses")
    job_specs: list[JobSpec] | None = wire("JobSpecs")
    job_type: Str = wire("JobType")
    node_count: Int = wire("NodeCount")
    node_names: list[str] | None = wire("NodeNames")
    priority: Int = wire("Priority")
    reason_code: Str = wire("ReasonCode")
    reason_message: Str = wire("ReasonMessage")
    request_cpu: Int = wire("RequestCPU")
    request_gpu: Float = wire("RequestGPU")
    request_memory: Str = wire("RequestMemory")
    resource_id: Str = wire("ResourceId")
    resource_level: Str = wire("ResourceLevel")
    resource_name: Str = wire("ResourceName")
    resource_quota_name: Str = wire("ResourceQuotaName")
    resource_type: Str = wire("ResourceType")
    restart_times: Str = wire("RestartTimes")
    retry_count: Int = wire("RetryCount")
    scheduling_strategy: Str = wire("SchedulingStrategy")
    settings: JobSettings | None = wire("Settings")
    status: Str = wire("Status")
    status_history: list[StatusTransitionItem] | None = wire("StatusHistory")
    sub_status: Str = wire("SubStatus")
    system_envs: Obj = wire("SystemEnvs")
    template_id: Str = wire("TemplateId")
    template_name: Str = wire("TemplateName")
    tenant_id: Str = wire("TenantId")
    thirdparty_lib_dir: Str = wire("ThirdpartyLibDir")
    thirdparty_libs: list[str] | None = wire("ThirdpartyLibs")
    use_oversold_resource: Bool = wire("UseOversoldResource")
    user_command: Str = wire("UserCommand")
    user_id: Str = wire("UserId")
    user_script: Str = wire("UserScript")
    user_vpc: UserVpc | None = wire("UserVpc")
    username: Str = wire("Username")
    working_dir: Str = wire("WorkingDir")
    workspace_id: Str = wire("WorkspaceId")
    workspace_name: Str = wire("WorkspaceName")
    supported_profiling_types: Str = wire("supportedProfilingTypes")
    custom_envs: list[CustomEnv] | None = wire("CustomEnvs")
    description: Str = wire("Description")
    restart_record: list[RestartRecord] | None = wire("RestartRecord")
    role_system_envs: Obj = wire("RoleSystemEnvs")

    @property
    def is_terminal(self) -> bool:
        return self.status in JOB_TERMINAL

    @property
    def gpu_count(self) -> float | None:
        """GPUs the job asks for (``job_row.requested_gpus``: one rule for full models and list rows)."""
        return requested_gpus(self.request_gpu, self.job_specs)

    @property
    def restarts(self) -> tuple[int, int] | None:
        """``RestartTimes`` ``"used/max"`` as ``(used, max)``; ``None`` when absent or malformed."""
        used, sep, most = (self.restart_times or "").partition("/")
        if not sep or not used.strip().isdigit() or not most.strip().isdigit():
            return None
        return int(used), int(most)


class JobItem(JobFields):
    """A DLC job: the ListJobs item and (via ``GetJobResponse``) the GetJob body.

    Both share one model so that screens treat a listed and a fetched job alike; fields only GetJob sends stay
    ``None`` in lists.
    """

    pods: list[PodItem] | None = wire("Pods")


class ListJobsResponse(WireModel):
    jobs: list[JobItem] | None = wire("Jobs")
    request_id: Str = wire("RequestId")
    total_count: Int = wire("TotalCount")


class ContainerInfo(WireModel):
    main_container: Str = wire("MainContainer")
    sidecar_containers: list[str] | None = wire("SidecarContainers")


class GetPodLogsResponse(WireModel):
    container_info: ContainerInfo | None = wire("ContainerInfo")
    containers: Str = wire("Containers")
    job_id: Str = wire("JobId")
    logs: list[str] | None = wire("Logs")
    pod_id: Str = wire("PodId")
    pod_uid: Str = wire("PodUid")
    request_id: Str = wire("RequestId")


class GetPodEventsResponse(WireModel):
    events: list[str] | None = wire("Events")
    job_id: Str = wire("JobId")
    pod_id: Str = wire("PodId")
    pod_uid: Str = wire("PodUid")
    request_id: Str = wire("RequestId")


class GetJobEventsResponse(WireModel):
    events: list[str] | None = wire("Events")
    job_id: Str = wire("JobId")
    request_id: Str = wire("RequestId")


class Metric(WireModel):
    """One sample; ``Time`` is epoch milliseconds on the wire."""

    time: Time = wire("Time")
    value: Float = wire("Value")


class PodMetric(WireModel):
    metrics: list[Metric] | None = wire("Metrics")
    pod_id: Str = wire("PodId")


class GetJobMetricsResponse(WireModel):
    job_id: Str = wire("JobId")
    pod_metrics: list[PodMetric] | None = wire("PodMetrics")
    request_id: Str = wire("RequestId")


class EcsSpec(WireModel):
    accelerator_type: Str = wire("AcceleratorType")
    cpu: Int = wire("Cpu")
    default_gpu_driver: Str = wire("DefaultGPUDriver")
    gpu: Int = wire("Gpu")
    gpu_memory: Int = wire("GpuMemory")
    gpu_type: Str = wire("GpuType")
    instance_type: Str = wire("InstanceType")
    is_available: Bool = wire("IsAvailable")
    memory: Int = wire("Memory")
    non_protect_spot_discount: Float = wire("NonProtectSpotDiscount")
    payment_types: list[str] | None = wire("PaymentTypes")
    resource_type: Str = wire("ResourceType")
    spot_stock_status: Str = wire("SpotStockStatus")
    supported_gpu_drivers: list[str] | None = wire("SupportedGPUDrivers")


class ListEcsSpecsResponse(WireModel):
    ecs_specs: list[EcsSpec] | None = wire("EcsSpecs")
    request_id: Str = wire("RequestId")
    total_count: Int = wire("TotalCount")


class SanityCheckResultItem(WireModel):
    check_number: Int = wire("CheckNumber")
    finished_at: Time = wire("FinishedAt")
    message: Str = wire("Message")
    phase: Str = wire("Phase")
    started_at: Time = wire("StartedAt")
    status: Str = wire("Status")


class ListJobSanityCheckResultsResponse(WireModel):
    request_id: Str = wire("RequestID")
    sanity_check_results: list[list[SanityCheckResultItem]] | None = wire("SanityCheckResults")
    total_count: Int = wire("TotalCount")


class GetJobSanityCheckResultResponse(WireModel):
    job_id: Str = wire("JobId")
    request_id: Str = wire("RequestID")
    sanity_check_result: list[SanityCheckResultItem] | None = wire("SanityCheckResult")


class TensorboardDataSource(WireModel):
    data_source_type: Str = wire("DataSourceType")
    directory_name: Str = wire("DirectoryName")
    full_summary_path: Str = wire("FullSummaryPath")
    id: Str = wire("Id")
    name: Str = wire("Name")
    source_type: Str = wire("SourceType")
    summary_path: Str = wire("SummaryPath")
    uri: Str = wire("Uri")


class Tensorboard(WireModel):
    accessibility: Str = wire("Accessibility")
    cpu: Int = wire("Cpu")
    data_source_id: Str = wire("DataSourceId")
    data_source_type: Str = wire("DataSourceType")
    display_name: Str = wire("DisplayName")
    duration: Int = wire("Duration")
    gmt_create_time: Time = wire("GmtCreateTime")
    gmt_finish_time: Time = wire("GmtFinishTime")
    gmt_modify_time: Time = wire("GmtModifyTime")
    job_id: Str = wire("JobId")
    max_running_time_minutes: Int = wire("MaxRunningTimeMinutes")
    memory: Int = wire("Memory")
    options: Str = wire("Options")
    priority: Str = wire("Priority")
    quota_id: Str = wire("QuotaId")
    quota_name: Str = wire("QuotaName")
    reason_code: Str = wire("ReasonCode")
    reason_message: Str = wire("ReasonMessage")
    request_id: Str = wire("RequestId")
    status: Str = wire("Status")
    summary_path: Str = wire("SummaryPath")
    summary_relative_path: Str = wire("SummaryRelativePath")
    tensorboard_data_sources: list[TensorboardDataSource] | None = wire("TensorboardDataSources")
    tensorboard_id: Str = wire("TensorboardId")
    tensorboard_spec: Obj = wire("TensorboardSpec")
    tensorboard_url: Str = wire("TensorboardUrl")
    token: Str = wire("Token")
    user_id: Str = wire("UserId")
    username: Str = wire("Username")
    workspace_id: Str = wire("WorkspaceId")


class ListTensorboardsResponse(WireModel):
    request_id: Str = wire("RequestId")
    tensorboards: list[Tensorboard] | None = wire("Tensorboards")
    total_count: Int = wire("TotalCount")


class CreateTensorboardResponse(WireModel):
    data_source_id: Str = wire("DataSourceId")
    job_id: Str = wire("JobId")
    request_id: Str = wire("RequestId")
    tensorboard_id: Str = wire("TensorboardId")


class JobTemplate(WireModel):
    default_version: Int = wire("DefaultVersion")
    description: Str = wire("Description")
    gmt_create_time: Time = wire("GmtCreateTime")
    gmt_modify_time: Time = wire("GmtModifyTime")
    last_used_time: Time = wire("LastUsedTime")
    metadata: Obj = wire("Metadata")
    modified_by: Str = wire("ModifiedBy")
    template_id: Str = wire("TemplateId")
    template_name: Str = wire("TemplateName")
    tenant_id: Str = wire("TenantId")
    user_id: Str = wire("UserId")
    workspace_id: Str = wire("WorkspaceId")


class JobTemplateVersion(WireModel):
    constraints: Obj = wire("Constraints")
    content: Any = wire("Content")
    created_by: Str = wire("CreatedBy")
    gmt_create_time: Time = wire("GmtCreateTime")
    version: Int = wire("Version")

    def content_value(self) -> Any | Unreadable:
        """``Content`` as data: it is "Any" on the wire, a JSON string or already an object; a string that is
        not JSON is ``Unreadable`` (never an exception)."""
        if isinstance(self.content, str):
            return read_json(self.content, what="Content")
        return self.content


class ListJobTemplatesResponse(WireModel):
    job_templates: list[JobTemplate] | None = wire("JobTemplates")
    page_number: Int = wire("PageNumber")
    page_size: Int = wire("PageSize")
    request_id: Str = wire("RequestId")
    total_count: Int = wire("TotalCount")


class UpdateJobTemplateResponse(WireModel):
    default_version: Int = wire("DefaultVersion")
    gmt_modify_time: Time = wire("GmtModifyTime")
    request_id: Str = wire("RequestId")
    version: Int = wire("Version")
    version_created: Bool = wire("VersionCreated")


class DeleteJobTemplateResponse(WireModel):
    request_id: Str = wire("RequestId")
    template_id: Str = wire("TemplateId")


class SetJobTemplateDefaultVersionResponse(WireModel):
    default_version: Int = wire("DefaultVersion")
    gmt_modify_time: Time = wire("GmtModifyTime")
    request_id: Str = wire("RequestId")


class GetDashboardResponse(WireModel):
    url: Str = wire("url")


class GetRayDashboardResponse(WireModel):
    metrics_enabled: Str = wire("metricsEnabled")
    url: Str = wire("url")


class GetWebTerminalResponse(WireModel):
    request_id: Str = wire("RequestId")
    web_terminal_url: Str = wire("WebTerminalUrl")


class GetTokenResponse(WireModel):
    request_id: Str = wire("RequestId")
    token: Str = wire("Token")


class GetTensorboardSharedUrlResponse(WireModel):
    request_id: Str = wire("RequestId")
    tensorboard_shared_url: Str = wire("TensorboardSharedUrl")



# --- response bodies that reuse an item model ---------------------------------------------------------------


class GetJobResponse(JobItem):
    """GetJob: the job itself plus ``RequestId``."""

    request_id: Str = wire("RequestId")


class GetTensorboardResponse(Tensorboard):
    """GetTensorboard: the body *is* the Tensorboard model (it already carries ``RequestId``)."""


class GetJobTemplateResponse(JobTemplate):
    request_id: Str = wire("RequestId")
    total_count: Int = wire("TotalCount")
    versions: list[JobTemplateVersion] | None = wire("Versions")


class CreateJobTemplateResponse(JobTemplate):
    request_id: Str = wire("RequestId")
    version: Int = wire("Version")


class JobIdResponse(WireModel):
    """``{JobId, RequestId}``: the answer of the job mutations."""

    job_id: Str = wire("JobId")
    request_id: Str = wire("RequestId")


class CreateJobResponse(JobIdResponse):
    pass


class StopJobResponse(JobIdResponse):
    pass


class DeleteJobResponse(JobIdResponse):
    pass


class UpdateJobResponse(JobIdResponse):
    pass


class TensorboardIdResponse(WireModel):
    """``{TensorboardId, RequestId}``: the answer of the tensorboard mutations."""

    request_id: Str = wire("RequestId")
    tensorboard_id: Str = wire("TensorboardId")


class StartTensorboardResponse(TensorboardIdResponse):
    pass


class StopTensorboardResponse(TensorboardIdResponse):
    pass


class DeleteTensorboardResponse(TensorboardIdResponse):
    pass


class UpdateTensorboardResponse(TensorboardIdResponse):
    pass
