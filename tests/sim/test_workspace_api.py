"""AIWorkSpace in the simulated cloud, through the real ASGI app (no auth): workspaces, images, datasets,
code sources, quotas, resources — shared refs, the ``resourceGroupId`` oddity, filters, sorting, paging,
defaults and errors."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from paitui.sim.world import DEMO_USER, WORKSPACES, World
from tests.sim.conftest import expect, sim_client

VERSION = {"x-acs-version": "2021-02-04"}
MILLIS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture
async def client(world: World) -> AsyncIterator[httpx.AsyncClient]:
    async with sim_client(world, "http://aiworkspace.test", headers=VERSION) as c:
        yield c


async def get(client: httpx.AsyncClient, path: str, status: int = 200, **params: Any) -> dict[str, Any]:
    return expect(await client.get(path, params=params), status)


# --- workspaces ---

async def test_list_workspaces_serves_exactly_the_shared_refs(client: httpx.AsyncClient, world: World) -> None:
    body = await get(client, "/api/v1/workspaces")
    assert body["TotalCount"] == len(world.workspace_refs) == 6
    assert body["RequestId"]
    by_id = {w["WorkspaceId"]: w for w in body["Workspaces"]}
    for ref in world.workspace_refs:
        item = by_id[ref.workspace_id]
        assert (item["WorkspaceName"], item["DisplayName"], item["Status"], item["IsDefault"], item["Creator"]) == (
            ref.name, ref.display_name, ref.status, ref.is_default, ref.creator.user_id)
        assert item["EnvTypes"] in (["prod"], ["dev", "prod"])
        assert item["Description"] and ref.creator.name in item["AdminNames"]
        assert MILLIS.match(item["GmtCreateTime"]) and MILLIS.match(item["GmtModifiedTime"])


async def test_list_items_use_lower_case_resource_group_id_but_get_does_not(client: httpx.AsyncClient) -> None:
    item = (await get(client, "/api/v1/workspaces"))["Workspaces"][0]
    assert "resourceGroupId" in item and "ResourceGroupId" not in item
    detail = await get(client, f"/api/v1/workspaces/{item['WorkspaceId']}")
    assert detail["ResourceGroupId"] == item["resourceGroupId"] and "resourceGroupId" not in detail
    assert item["resourceGroupId"].startswith("rg-")


async def test_list_workspaces_sort_order_and_paging(client: httpx.AsyncClient) -> None:
    asc = (await get(client, "/api/v1/workspaces"))["Workspaces"]
    created = [w["GmtCreateTime"] for w in asc]
    assert created == sorted(created)  # GmtCreateTime ASC is the default
    desc = (await get(client, "/api/v1/workspaces", Order="DESC", SortBy="GmtModifiedTime"))["Workspaces"]
    modified = [w["GmtModifiedTime"] for w in desc]
    assert modified == sorted(modified, reverse=True)
    first = await get(client, "/api/v1/workspaces", PageSize=4, PageNumber=1)
    second = await get(client, "/api/v1/workspaces", PageSize=4, PageNumber=2)
    assert first["TotalCount"] == second["TotalCount"] == 6
    ids = [w["WorkspaceId"] for w in first["Workspaces"] + second["Workspaces"]]
    assert len(first["Workspaces"]) == 4 and sorted(ids) == sorted(w.workspace_id for w in WORKSPACES)


async def test_list_workspaces_filters(client: httpx.AsyncClient) -> None:
    frozen = await get(client, "/api/v1/workspaces", Status="FROZEN")
    assert [w["WorkspaceId"] for w in frozen["Workspaces"]] == ["264905"]
    fuzzy = await get(client, "/api/v1/workspaces", WorkspaceName="RESEARCH")
    assert [w["WorkspaceName"] for w in fuzzy["Workspaces"]] == ["vision_research"]
    picked = await get(client, "/api/v1/workspaces", WorkspaceIds="264903, 264901")
    assert {w["WorkspaceId"] for w in picked["Workspaces"]} == {"264901", "264903"}
    mine = await get(client, "/api/v1/workspaces", UserId=DEMO_USER.user_id)
    assert "264904" in {w["WorkspaceId"] for w in mine["Workspaces"]} and mine["TotalCount"] < 6
    group = picked["Workspaces"][0]["resourceGroupId"]
    grouped = await get(client, "/api/v1/workspaces", ResourceGroupId=group)
    assert grouped["TotalCount"] >= 1 and all(w["resourceGroupId"] == group for w in grouped["Workspaces"])


async def test_list_workspaces_verbose_fields_and_resource_limits(client: httpx.AsyncClient) -> None:
    plain = (await get(client, "/api/v1/workspaces"))["Workspaces"][0]
    verbose = (await get(client, "/api/v1/workspaces", Verbose="True"))["Workspaces"][0]
    assert "ExtraInfos" not in plain and verbose["ExtraInfos"]["TenantId"]
    only_ids = (await get(client, "/api/v1/workspaces", Fields="Id"))["Workspaces"]
    assert all(set(w) == {"WorkspaceId"} for w in only_ids)
    limits = await get(client, "/api/v1/workspaces", Option="GetResourceLimits")
    assert limits["ResourceLimits"]["DLC_share"] >= 1 and "Workspaces" not in limits


async def test_get_workspace_and_owner_only_when_verbose(client: httpx.AsyncClient) -> None:
    detail = await get(client, "/api/v1/workspaces/264902")
    assert detail["WorkspaceName"] == "vision_research" and detail["IsDefault"] is False
    assert "Owner" not in detail
    verbose = await get(client, "/api/v1/workspaces/264902", Verbose="true")
    assert verbose["Owner"]["UserName"] == "maria.k" and verbose["Owner"]["DisplayName"] == "Maria Kowalska"


async def test_get_default_workspace_has_conditions(client: httpx.AsyncClient) -> None:
    body = await get(client, "/api/v1/defaultWorkspaces", Verbose="true")
    default = next(w for w in WORKSPACES if w.is_default)
    assert body["WorkspaceId"] == default.workspace_id
    assert body["Conditions"] and all(c["Code"] == 200 for c in body["Conditions"])
    assert body["Conditions"][-1]["Type"] == "ENABLED"
    assert "DisplayName" not in body["Owner"] and body["Owner"]["UserId"] == default.creator.user_id


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"SortBy": "Name"}, 400, "InvalidParameter"),
    ({"Order": "sideways"}, 400, "InvalidParameter"),
    ({"Status": "SLEEPING"}, 400, "InvalidParameter"),
    ({"PageSize": "abc"}, 400, "InvalidParameter"),
    ({"PageNumber": "0"}, 400, "InvalidParameter"),
    ({"Option": "Everything"}, 400, "InvalidParameter"),
])
async def test_list_workspaces_rejects_bad_parameters(client: httpx.AsyncClient, params: dict[str, str],
                                                      status: int, code: str) -> None:
    body = await get(client, "/api/v1/workspaces", status, **params)
    assert body["Code"] == code and body["RequestId"]


async def test_order_is_case_insensitive(client: httpx.AsyncClient) -> None:
    assert (await get(client, "/api/v1/workspaces", Order="desc"))["TotalCount"] == 6


async def test_get_unknown_workspace_is_not_found(client: httpx.AsyncClient) -> None:
    body = await get(client, "/api/v1/workspaces/999999", 404)
    assert body["Code"] == "NotFound.Workspace" and "999999" in body["Message"]


# --- images ---

async def test_list_images_defaults_and_labels_only_when_verbose(client: httpx.AsyncClient) -> None:
    body = await get(client, "/api/v1/images")
    # PAI's images, the teams' own and the ones the seeded jobs and templates run: more than a page of 20
    assert body["TotalCount"] > 20 and len(body["Images"]) == 20
    assert all("Labels" not in i for i in body["Images"])
    created = [i["GmtCreateTime"] for i in body["Images"]]
    assert created == sorted(created)
    verbose = await get(client, "/api/v1/images", Verbose="true", PageSize=5)
    assert len(verbose["Images"]) == 5 and all(i["Labels"] for i in verbose["Images"])
    assert all(i["ImageId"].startswith("image-") for i in verbose["Images"])


async def test_list_images_label_filters(client: httpx.AsyncClient) -> None:
    gpu_torch = await get(client, "/api/v1/images", Labels="system.chipType=GPU,system.framework=PyTorch",
                          Verbose="true")
    assert gpu_torch["TotalCount"] >= 2
    for image in gpu_torch["Images"]:
        labels = {entry["Key"]: entry["Value"] for entry in image["Labels"]}
        assert labels["system.chipType"] == "GPU" and labels["system.framework"] == "PyTorch"
    official = await get(client, "/api/v1/images", Labels="system.official=true")
    custom = await get(client, "/api/v1/images", Labels="system.official=false")
    assert official["TotalCount"] + custom["TotalCount"] == (await get(client, "/api/v1/images"))["TotalCount"]
    assert all(i["Accessibility"] == "PUBLIC" for i in official["Images"])
    # the seed's own label selects exactly the same official images
    released = await get(client, "/api/v1/images", Labels="system.officialReleased=true")
    assert official["TotalCount"] > 0
    assert [i["ImageId"] for i in released["Images"]] == [i["ImageId"] for i in official["Images"]]
    assert (await get(client, "/api/v1/images", Labels="system.officialReleased=false"))["TotalCount"] == \
        custom["TotalCount"]


async def test_list_images_text_filters(client: httpx.AsyncClient) -> None:
    tf = await get(client, "/api/v1/images", Name="tensorflow")
    assert tf["TotalCount"] == 5 and all("tensorflow" in i["Name"] for i in tf["Images"])  # 2 run by DLC jobs
    uri = tf["Images"][0]["ImageUri"]
    assert [i["ImageUri"] for i in (await get(client, "/api/v1/images", ImageUri=uri))["Images"]] == [uri]
    assert (await get(client, "/api/v1/images", Query="legacy"))["TotalCount"] == 1
    in_ws = await get(client, "/api/v1/images", WorkspaceId="264901", Labels="system.official=false")
    assert {i["WorkspaceId"] for i in in_ws["Images"]} == {"264901"} and in_ws["TotalCount"] == 2
    private = await get(client, "/api/v1/images", Accessibility="PRIVATE", Labels="system.official=false")
    assert private["TotalCount"] >= 1 and all(i["Accessibility"] == "PRIVATE" for i in private["Images"])


async def test_get_image(client: httpx.AsyncClient) -> None:
    image = (await get(client, "/api/v1/images", PageSize=1, Order="DESC"))["Images"][0]
    detail = await get(client, f"/api/v1/images/{image['ImageId']}")
    assert detail["ImageUri"] == image["ImageUri"] and detail["Labels"]
    assert (await get(client, "/api/v1/images/image-nope", 404))["Code"] == "NotFound.Image"


# --- datasets ---

async def test_list_datasets_defaults_to_the_default_workspace_and_page_size_10(client: httpx.AsyncClient) -> None:
    default = await get(client, "/api/v1/datasets")
    assert default["TotalCount"] >= 1 and all(d["WorkspaceId"] == "264901" for d in default["Datasets"])
    every = [d for ws in WORKSPACES for d in (await get(client, "/api/v1/datasets",
                                                         WorkspaceId=ws.workspace_id))["Datasets"]]
    assert len(every) == 10
    assert {d["DataSourceType"] for d in every} == {"OSS", "NAS", "CPFS"}
    for dataset in every:
        assert dataset["DatasetId"].startswith("d-") and dataset["LatestVersion"]["VersionName"].startswith("v")
        assert dataset["Uri"].startswith(("oss://", "nas://"))


async def test_list_datasets_filters_sort_and_paging(client: httpx.AsyncClient) -> None:
    ws = "264902"
    pics = await get(client, "/api/v1/datasets", WorkspaceId=ws, DataTypes="PIC")
    assert pics["TotalCount"] == 2 and {d["DataType"] for d in pics["Datasets"]} == {"PIC"}
    nas = await get(client, "/api/v1/datasets", WorkspaceId=ws, DataSourceTypes="NAS,CPFS")
    assert [d["Name"] for d in nas["Datasets"]] == ["factory-video-clips"]
    named = await get(client, "/api/v1/datasets", WorkspaceId=ws, Name="COCO")
    assert [d["Name"] for d in named["Datasets"]] == ["coco-2017"]
    by_name = await get(client, "/api/v1/datasets", WorkspaceId=ws, SortBy="Name", Order="DESC")
    names = [d["Name"] for d in by_name["Datasets"]]
    assert names == sorted(names, reverse=True)
    paged = await get(client, "/api/v1/datasets", WorkspaceId=ws, PageSize=2, PageNumber=2)
    assert paged["TotalCount"] == 3 and len(paged["Datasets"]) == 1
    one = by_name["Datasets"][0]["DatasetId"]
    assert (await get(client, "/api/v1/datasets", WorkspaceId=ws, DatasetIds=one))["TotalCount"] == 1


async def test_get_dataset(client: httpx.AsyncClient) -> None:
    dataset = (await get(client, "/api/v1/datasets"))["Datasets"][0]
    detail = await get(client, f"/api/v1/datasets/{dataset['DatasetId']}")
    assert detail["Name"] == dataset["Name"] and detail["LatestVersion"] == dataset["LatestVersion"]
    assert (await get(client, "/api/v1/datasets/d-missing", 404))["Code"] == "NotFound.Dataset"
    assert (await get(client, "/api/v1/datasets", 404, WorkspaceId="1"))["Code"] == "NotFound.Workspace"


# --- code sources ---

async def test_list_code_sources_requires_a_workspace(client: httpx.AsyncClient) -> None:
    assert (await get(client, "/api/v1/codesources", 400))["Code"] == "MissingParameter"
    assert (await get(client, "/api/v1/codesources", 404, WorkspaceId="42"))["Code"] == "NotFound.Workspace"


async def test_list_code_sources_sorting_and_filter(client: httpx.AsyncClient) -> None:
    body = await get(client, "/api/v1/codesources", WorkspaceId="264901")
    assert body["TotalCount"] == 3
    created = [c["GmtCreateTime"] for c in body["CodeSources"]]
    assert created == sorted(created)
    for field in ("GmtModifyTime", "DisplayName", "CodeSourceId"):
        desc = await get(client, "/api/v1/codesources", WorkspaceId="264901", SortBy=field, Order="DESC")
        values = [c[field] for c in desc["CodeSources"]]
        assert values == sorted(values, reverse=True)
    filtered = await get(client, "/api/v1/codesources", WorkspaceId="264901", DisplayName="EVAL")
    assert [c["DisplayName"] for c in filtered["CodeSources"]] == ["eval-harness"]
    repo = filtered["CodeSources"][0]
    assert repo["CodeRepo"].endswith(".git") and repo["CodeBranch"] == "release/2.3"
    assert repo["CodeRepoAccessToken"] == ""


async def test_get_code_source(client: httpx.AsyncClient) -> None:
    first = (await get(client, "/api/v1/codesources", WorkspaceId="264902"))["CodeSources"][0]
    detail = await get(client, f"/api/v1/codesources/{first['CodeSourceId']}")
    assert detail["CodeRepo"] == first["CodeRepo"] and detail["WorkspaceId"] == "264902"
    assert re.fullmatch(r"[0-9a-f]{40}|", detail["CodeCommit"])
    assert (await get(client, "/api/v1/codesources/code-x", 404))["Code"] == "NotFound.CodeSource"


# --- quotas and resources ---

async def test_list_quotas(client: httpx.AsyncClient) -> None:
    body = await get(client, "/api/v1/quotas")
    assert body["TotalCount"] == len(body["Quotas"]) >= 4
    specs = {s["Name"] for q in body["Quotas"] for s in q["Specs"]}
    assert {"cpu", "memory", "nvidia.com/gpu"} <= specs
    assert {q["Mode"] for q in body["Quotas"]} == {"isolate", "share"}
    lingjun = await get(client, "/api/v1/quotas", Name="lingjun")
    assert [q["Name"] for q in lingjun["Quotas"]] == ["llm-lingjun-a800", "llm-lingjun-gu108"]


async def test_list_resources_by_workspace(client: httpx.AsyncClient) -> None:
    assert (await get(client, "/api/v1/resources", 400))["Code"] == "MissingParameter"
    body = await get(client, "/api/v1/resources", WorkspaceId="264901")
    assert body["TotalCount"] == 4  # Lingjun + ECS, each in dev and prod
    assert {r["EnvType"] for r in body["Resources"]} == {"dev", "prod"}
    assert all(r["WorkspaceId"] == "264901" and "Quotas" in r for r in body["Resources"])  # Verbose default
    lingjun = await get(client, "/api/v1/resources", WorkspaceId="264901", ResourceTypes="Lingjun", Verbose="false")
    assert {r["ResourceType"] for r in lingjun["Resources"]} == {"Lingjun"}
    assert all("Quotas" not in r for r in lingjun["Resources"])


async def test_list_resources_across_workspaces_and_paging(client: httpx.AsyncClient) -> None:
    every = await get(client, "/api/v1/resources", Option="ListResource")
    assert every["TotalCount"] > 6 and {r["WorkspaceId"] for r in every["Resources"]} == {
        w.workspace_id for w in WORKSPACES}
    page = await get(client, "/api/v1/resources", Option="ListResource", PageSize=3, PageNumber=2)
    assert [r["Id"] for r in page["Resources"]] == [r["Id"] for r in every["Resources"][3:6]]
    mc = await get(client, "/api/v1/resources", Option="ListResource", ResourceTypes="MaxCompute")
    assert mc["TotalCount"] == 1 and mc["Resources"][0]["Spec"]["ProjectName"]


async def test_list_quotas_has_the_quotas_dlc_jobs_hold_sized_to_their_peak_use() -> None:
    """Every quota a simulated job runs on is listed by its id, with totals no smaller than what its jobs
    hold at once at any moment of their plans (so the use paitui derives fits the totals)."""
    from paitui.sim.clock import SimClock
    from paitui.sim.workspace.quotas import peak_use
    from paitui.sim.world import World

    world = World(seed=7, jobs=400, clock=SimClock.manual())
    listed = {q.quota_id: dict((n, v) for n, _t, v in q.specs) for q in world.workspace.listed_quotas()}
    jobs = world.dlc.all_jobs()
    assert {j.quota_id for j in jobs if j.quota_id} <= listed.keys()
    for quota_id, (cpu, memory, gpu) in peak_use(jobs).items():
        specs = listed[quota_id]
        assert int(specs["cpu"]) >= cpu and int(specs["memory"].removesuffix("Gi")) >= memory
        assert int(specs.get("nvidia.com/gpu", "0")) >= gpu
    assert world.workspace.listed_quotas() == world.workspace.listed_quotas()  # sized once: totals never move
