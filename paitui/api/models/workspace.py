"""AIWorkSpace 2021-02-04 response models (docs/WIRE.md §6.3, §7.3).

Field lists follow ``alibabacloud_aiworkspace20210204.models``. List items and Get* bodies share one model per
resource (``Workspace``, ``Image``, ``Dataset``, ``CodeSource``); the Get* responses add ``RequestId``.
"""

from __future__ import annotations

from paitui.api.models.common import Bool, Int, Obj, Str, Time, WireModel, wire


class WorkspaceOwner(WireModel):
    display_name: Str = wire("DisplayName")
    user_id: Str = wire("UserId")
    user_kp: Str = wire("UserKp")
    user_name: Str = wire("UserName")


class WorkspaceCondition(WireModel):
    code: Int = wire("Code")
    message: Str = wire("Message")
    type: Str = wire("Type")


class Workspace(WireModel):
    """A workspace (ListWorkspaces item; GetWorkspace/GetDefaultWorkspace add ``Owner``/``Conditions``)."""

    admin_names: list[str] | None = wire("AdminNames")
    creator: Str = wire("Creator")
    description: Str = wire("Description")
    display_name: Str = wire("DisplayName")
    env_types: list[str] | None = wire("EnvTypes")
    extra_infos: Obj = wire("ExtraInfos")
    gmt_create_time: Time = wire("GmtCreateTime")
    gmt_modified_time: Time = wire("GmtModifiedTime")
    is_default: Bool = wire("IsDefault")
    status: Str = wire("Status")
    workspace_id: Str = wire("WorkspaceId")
    workspace_name: Str = wire("WorkspaceName")
    resource_group_id: Str = wire("resourceGroupId")  # lower-case r in ListWorkspaces items (sic)
    owner: WorkspaceOwner | None = wire("Owner")
    conditions: list[WorkspaceCondition] | None = wire("Conditions")


class ListWorkspacesResponse(WireModel):
    request_id: Str = wire("RequestId")
    resource_limits: Obj = wire("ResourceLimits")
    total_count: Int = wire("TotalCount")
    workspaces: list[Workspace] | None = wire("Workspaces")


class Label(WireModel):
    key: Str = wire("Key")
    value: Str = wire("Value")


class Image(WireModel):
    accessibility: Str = wire("Accessibility")
    description: Str = wire("Description")
    gmt_create_time: Time = wire("GmtCreateTime")
    gmt_modified_time: Time = wire("GmtModifiedTime")
    image_id: Str = wire("ImageId")
    image_uri: Str = wire("ImageUri")
    labels: list[Label] | None = wire("Labels")
    name: Str = wire("Name")
    parent_user_id: Str = wire("ParentUserId")
    size: Int = wire("Size")
    source_id: Str = wire("SourceId")
    source_type: Str = wire("SourceType")
    user_id: Str = wire("UserId")
    workspace_id: Str = wire("WorkspaceId")


class ListImagesResponse(WireModel):
    images: list[Image] | None = wire("Images")
    request_id: Str = wire("RequestId")
    total_count: Int = wire("TotalCount")


class UserMetricsEndpoint(WireModel):
    path: Str = wire("Path")
    port: Int = wire("Port")


class DatasetVersion(WireModel):
    data_count: Int = wire("DataCount")
    data_size: Int = wire("DataSize")
    data_source_type: Str = wire("DataSourceType")
    dataset_task_ram_role: Str = wire("DatasetTaskRamRole")
    description: Str = wire("Description")
    gmt_create_time: Time = wire("GmtCreateTime")
    gmt_modified_time: Time = wire("GmtModifiedTime")
    import_info: Str = wire("ImportInfo")
    labels: list[Label] | None = wire("Labels")
    mount_access: Str = wire("MountAccess")
    options: Str = wire("Options")
    property: Str = wire("Property")
    source_id: Str = wire("SourceId")
    source_type: Str = wire("SourceType")
    uri: Str = wire("Uri")
    user_metrics_endpoints: list[UserMetricsEndpoint] | None = wire("UserMetricsEndpoints")
    version_name: Str = wire("VersionName")


class DatasetShareRelationship(WireModel):
    allowed_mount_access_levels: list[str] | None = wire("AllowedMountAccessLevels")
    expires_at: Time = wire("ExpiresAt")
    extra: Str = wire("Extra")
    is_secure_mode: Bool = wire("IsSecureMode")
    shared_at: Time = wire("SharedAt")
    source_tenant_id: Str = wire("SourceTenantId")
    source_workspace_id: Str = wire("SourceWorkspaceId")
    status: Str = wire("Status")
    tenant_id: Str = wire("TenantId")
    workspace_id: Str = wire("WorkspaceId")


class DatasetSharingConfig(WireModel):
    shared_to: list[DatasetShareRelationship] | None = wire("SharedTo")


class Dataset(WireModel):
    accessibility: Str = wire("Accessibility")
    accessible_role_id_list: list[str] | None = wire("AccessibleRoleIdList")
    data_source_type: Str = wire("DataSourceType")
    data_type: Str = wire("DataType")
    dataset_id: Str = wire("DatasetId")
    description: Str = wire("Description")
    edition: Str = wire("Edition")
    gmt_create_time: Time = wire("GmtCreateTime")
    gmt_modified_time: Time = wire("GmtModifiedTime")
    import_info: Str = wire("ImportInfo")
    is_shared: Bool = wire("IsShared")
    labels: list[Label] | None = wire("Labels")
    latest_version: DatasetVersion | None = wire("LatestVersion")
    mount_access: Str = wire("MountAccess")
    mount_access_read_write_role_id_list: list[str] | None = wire("MountAccessReadWriteRoleIdList")
    name: Str = wire("Name")
    options: Str = wire("Options")
    owner_id: Str = wire("OwnerId")
    property: Str = wire("Property")
    provider_type: Str = wire("ProviderType")
    shared_from: DatasetShareRelationship | None = wire("SharedFrom")
    sharing_config: DatasetSharingConfig | None = wire("SharingConfig")
    source_dataset_id: Str = wire("SourceDatasetId")
    source_dataset_version: Str = wire("SourceDatasetVersion")
    source_id: Str = wire("SourceId")
    source_type: Str = wire("SourceType")
    tag_template_type: Str = wire("TagTemplateType")
    uri: Str = wire("Uri")
    user_id: Str = wire("UserId")
    workspace_id: Str = wire("WorkspaceId")
    provider: Str = wire("Provider")


class ListDatasetsResponse(WireModel):
    datasets: list[Dataset] | None = wire("Datasets")
    request_id: Str = wire("RequestId")
    total_count: Int = wire("TotalCount")


class CodeSource(WireModel):
    accessibility: Str = wire("Accessibility")
    clone_type: Int = wire("CloneType")
    code_branch: Str = wire("CodeBranch")
    code_commit: Str = wire("CodeCommit")
    code_repo: Str = wire("CodeRepo")
    code_repo_access_token: Str = wire("CodeRepoAccessToken")
    code_repo_user_name: Str = wire("CodeRepoUserName")
    code_source_id: Str = wire("CodeSourceId")
    description: Str = wire("Description")
    display_name: Str = wire("DisplayName")
    gmt_create_time: Time = wire("GmtCreateTime")
    gmt_modify_time: Time = wire("GmtModifyTime")
    mount_path: Str = wire("MountPath")
    user_id: Str = wire("UserId")
    workspace_id: Str = wire("WorkspaceId")


class ListCodeSourcesResponse(WireModel):
    code_sources: list[CodeSource] | None = wire("CodeSources")
    request_id: Str = wire("RequestId")
    total_count: Int = wire("TotalCount")


class QuotaSpec(WireModel):
    name: Str = wire("Name")
    type: Str = wire("Type")
    value: Str = wire("Value")


class Quota(WireModel):
    display_name: Str = wire("DisplayName")
    id: Str = wire("Id")
    mode: Str = wire("Mode")
    name: Str = wire("Name")
    product_code: Str = wire("ProductCode")
    quota_type: Str = wire("QuotaType")
    specs: list[QuotaSpec] | None = wire("Specs")
    card_type: Str = wire("CardType")


class ListQuotasResponse(WireModel):
    quotas: list[Quota] | None = wire("Quotas")
    request_id: Str = wire("RequestId")
    total_count: Int = wire("TotalCount")


class ResourceEncryption(WireModel):
    algorithm: Str = wire("Algorithm")
    enabled: Bool = wire("Enabled")
    key: Str = wire("Key")


class Resource(WireModel):
    encryption: ResourceEncryption | None = wire("Encryption")
    env_type: Str = wire("EnvType")
    executor: Obj = wire("Executor")
    gmt_create_time: Time = wire("GmtCreateTime")
    group_name: Str = wire("GroupName")
    id: Str = wire("Id")
    is_default: Bool = wire("IsDefault")
    labels: list[Label] | None = wire("Labels")
    name: Str = wire("Name")
    product_type: Str = wire("ProductType")
    quotas: list[Quota] | None = wire("Quotas")
    resource_type: Str = wire("ResourceType")
    spec: Obj = wire("Spec")
    workspace_id: Str = wire("WorkspaceId")


class ListResourcesResponse(WireModel):
    request_id: Str = wire("RequestId")
    resources: list[Resource] | None = wire("Resources")
    total_count: Int = wire("TotalCount")



# --- response bodies ----------------------------------------------------------------------------------------


class GetWorkspaceResponse(Workspace):
    request_id: Str = wire("RequestId")
    resource_group_id: Str = wire("ResourceGroupId")  # upper-case R here, unlike the list items


class GetDefaultWorkspaceResponse(Workspace):
    request_id: Str = wire("RequestId")


class GetImageResponse(Image):
    request_id: Str = wire("RequestId")


class GetDatasetResponse(Dataset):
    request_id: Str = wire("RequestId")


class GetCodeSourceResponse(CodeSource):
    request_id: Str = wire("RequestId")
