"""The official AIWorkSpace SDK (alibabacloud_aiworkspace20210204) against the simulated cloud: every
simulated operation once, sync and async, with AK, STS and bearer credentials; typed models populated."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from alibabacloud_aiworkspace20210204 import models as ws
from alibabacloud_aiworkspace20210204.client import Client
from alibabacloud_tea_openapi.exceptions import ClientException

from paitui.sim.world import WORKSPACES

pytestmark = pytest.mark.interop

DEFAULT = next(w for w in WORKSPACES if w.is_default)


def run_all_operations(client: Client) -> dict[str, Any]:
    """One representative call of every simulated AIWorkSpace operation (sync); returns the bodies."""
    out: dict[str, Any] = {}
    out["workspaces"] = client.list_workspaces(ws.ListWorkspacesRequest(page_size=10, verbose=True)).body
    out["workspace"] = client.get_workspace(DEFAULT.workspace_id, ws.GetWorkspaceRequest(verbose=True)).body
    out["default"] = client.get_default_workspace(ws.GetDefaultWorkspaceRequest(verbose=True)).body
    out["images"] = client.list_images(ws.ListImagesRequest(labels="system.chipType=GPU", verbose=True)).body
    out["image"] = client.get_image(out["images"].images[0].image_id, ws.GetImageRequest()).body
    out["datasets"] = client.list_datasets(ws.ListDatasetsRequest(workspace_id=DEFAULT.workspace_id)).body
    out["dataset"] = client.get_dataset(out["datasets"].datasets[0].dataset_id, ws.GetDatasetRequest()).body
    out["code_sources"] = client.list_code_sources(
        ws.ListCodeSourcesRequest(workspace_id=DEFAULT.workspace_id, sort_by="DisplayName")).body
    out["code_source"] = client.get_code_source(out["code_sources"].code_sources[0].code_source_id,
                                                ws.GetCodeSourceRequest()).body
    out["quotas"] = client.list_quotas(ws.ListQuotasRequest()).body
    out["resources"] = client.list_resources(ws.ListResourcesRequest(workspace_id=DEFAULT.workspace_id)).body
    return out


async def run_all_operations_async(client: Client) -> dict[str, Any]:
    """The same calls through the aiohttp-based ``*_async`` methods."""
    out: dict[str, Any] = {}
    out["workspaces"] = (await client.list_workspaces_async(
        ws.ListWorkspacesRequest(page_size=10, verbose=True))).body
    out["workspace"] = (await client.get_workspace_async(DEFAULT.workspace_id,
                                                         ws.GetWorkspaceRequest(verbose=True))).body
    out["default"] = (await client.get_default_workspace_async(ws.GetDefaultWorkspaceRequest(verbose=True))).body
    out["images"] = (await client.list_images_async(
        ws.ListImagesRequest(labels="system.chipType=GPU", verbose=True))).body
    out["image"] = (await client.get_image_async(out["images"].images[0].image_id, ws.GetImageRequest())).body
    out["datasets"] = (await client.list_datasets_async(
        ws.ListDatasetsRequest(workspace_id=DEFAULT.workspace_id))).body
    out["dataset"] = (await client.get_dataset_async(out["datasets"].datasets[0].dataset_id,
                                                     ws.GetDatasetRequest())).body
    out["code_sources"] = (await client.list_code_sources_async(
        ws.ListCodeSourcesRequest(workspace_id=DEFAULT.workspace_id, sort_by="DisplayName"))).body
    out["code_source"] = (await client.get_code_source_async(out["code_sources"].code_sources[0].code_source_id,
                                                             ws.GetCodeSourceRequest())).body
    out["quotas"] = (await client.list_quotas_async(ws.ListQuotasRequest())).body
    out["resources"] = (await client.list_resources_async(
        ws.ListResourcesRequest(workspace_id=DEFAULT.workspace_id))).body
    return out


def check_models(out: dict[str, Any]) -> None:
    workspaces = out["workspaces"]
    assert workspaces.total_count == 6 and workspaces.request_id
    first = workspaces.workspaces[0]
    assert first.workspace_id and first.workspace_name and first.status
    assert first.resource_group_id.startswith("rg-")  # read from the lower-case resourceGroupId key
    assert first.extra_infos["TenantId"] and first.env_types

    workspace = out["workspace"]
    assert workspace.workspace_id == DEFAULT.workspace_id and workspace.is_default is True
    assert workspace.resource_group_id.startswith("rg-") and workspace.owner.user_name == DEFAULT.creator.name
    assert workspace.admin_names and workspace.gmt_create_time.endswith("Z")

    default = out["default"]
    assert default.workspace_id == DEFAULT.workspace_id and default.conditions[0].code == 200
    assert default.owner.user_id == DEFAULT.creator.user_id

    image = out["images"].images[0]
    assert image.image_id.startswith("image-") and image.image_uri and image.size > 0
    assert {label.key: label.value for label in image.labels}["system.chipType"] == "GPU"
    assert out["image"].image_uri == image.image_uri and out["image"].labels

    dataset = out["datasets"].datasets[0]
    assert out["datasets"].total_count >= 1 and dataset.workspace_id == DEFAULT.workspace_id
    assert dataset.latest_version.version_name and dataset.latest_version.data_size > 0
    assert out["dataset"].dataset_id == dataset.dataset_id and out["dataset"].uri == dataset.uri

    names = [c.display_name for c in out["code_sources"].code_sources]
    assert names == sorted(names) and out["code_sources"].code_sources[0].code_repo
    assert out["code_source"].code_source_id == out["code_sources"].code_sources[0].code_source_id

    quota = out["quotas"].quotas[0]
    assert quota.id.startswith("quota") and quota.specs[0].name and quota.mode in ("isolate", "share")

    resource = out["resources"].resources[0]
    assert resource.workspace_id == DEFAULT.workspace_id and resource.env_type in ("dev", "prod")
    assert resource.quotas and resource.quotas[0].specs and resource.executor.owner_id


@pytest.mark.parametrize("kind", ["ak", "sts", "bearer"])
def test_every_operation_sync(sdk_config: Callable[..., Any], kind: str) -> None:
    check_models(run_all_operations(Client(sdk_config(kind))))


@pytest.mark.parametrize("kind", ["ak", "sts", "bearer"])
async def test_every_operation_async(sdk_config: Callable[..., Any], kind: str) -> None:
    check_models(await run_all_operations_async(Client(sdk_config(kind))))


def test_legacy_roa_signature(sdk_config: Callable[..., Any]) -> None:
    body = Client(sdk_config("v2")).list_quotas(ws.ListQuotasRequest(name="a800")).body
    assert [q.name for q in body.quotas] == ["llm-lingjun-a800"]


def test_resource_limits_option(sdk_config: Callable[..., Any]) -> None:
    body = Client(sdk_config()).list_workspaces(ws.ListWorkspacesRequest(option="GetResourceLimits")).body
    assert body.resource_limits["PAI_isolate"] >= 1 and body.workspaces == []


@pytest.mark.parametrize(("call", "code"), [
    (lambda c: c.get_workspace("999999", ws.GetWorkspaceRequest()), "NotFound.Workspace"),
    (lambda c: c.get_image("image-missing", ws.GetImageRequest()), "NotFound.Image"),
    (lambda c: c.list_code_sources(ws.ListCodeSourcesRequest()), "MissingParameter"),
    (lambda c: c.list_workspaces(ws.ListWorkspacesRequest(sort_by="Nope")), "InvalidParameter"),
])
def test_errors_are_client_exceptions(sdk_config: Callable[..., Any], call: Callable[[Client], Any],
                                      code: str) -> None:
    with pytest.raises(ClientException) as caught:
        call(Client(sdk_config()))
    assert caught.value.code == code


async def test_async_error(sdk_config: Callable[..., Any]) -> None:
    get: Callable[..., Awaitable[Any]] = Client(sdk_config("sts")).get_dataset_async
    with pytest.raises(ClientException) as caught:
        await get("d-missing", ws.GetDatasetRequest())
    assert caught.value.code == "NotFound.Dataset" and caught.value.statusCode == 404
