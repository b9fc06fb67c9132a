"""AIWorkSpace (2021-02-04) handlers: workspaces, images, datasets, code sources, quotas, resources.

Errors (gateway error body, docs/WIRE.md §4.1):

* 404 ``NotFound.Workspace`` — GetWorkspace with an unknown id, or a list call's ``WorkspaceId`` that does not exist;
* 404 ``NotFound.Image`` / ``NotFound.Dataset`` / ``NotFound.CodeSource`` — the matching Get* with an unknown id;
* 404 ``NotFound.DefaultWorkspace`` — GetDefaultWorkspace when no workspace is the default;
* 400 ``MissingParameter`` — ListCodeSources without ``WorkspaceId``; ListResources with
  ``Option=ListResourceByWorkspace`` (the default) without ``WorkspaceId``;
* 400 ``InvalidParameter`` — a value outside its enumeration (``SortBy``, ``Order``, ``Option``, ``Status``…),
  a non-integer or out-of-range ``PageNumber``/``PageSize``, a malformed boolean.

Time fields are ISO-8601 UTC with milliseconds (``2021-01-12T14:35:01.123Z``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from paitui.sim.errors import SimError, missing_param, not_found
from paitui.sim.routing import Call, Routes
from paitui.sim.workspace.compute import Resource
from paitui.sim.workspace.images import Image
from paitui.sim.workspace.paging import csv, fuzzy, key_values, order_desc, page, sort_items, sort_key
from paitui.sim.workspace.state import WorkspaceState
from paitui.sim.workspace.workspaces import RESOURCE_LIMITS, Workspace

PRODUCT = "workspace"
routes = Routes(PRODUCT)  # the operations this module serves (listed in app.ROUTE_TABLES)
WORKSPACE_STATUSES = ("ENABLED", "INITIALIZING", "FAILURE", "DISABLED", "FROZEN", "UPDATING")
_TIME_SORT: dict[str, Callable[[Any], Any]] = {  # workspaces and images
    "GmtCreateTime": lambda x: x.gmt_create,
    "GmtModifiedTime": lambda x: x.gmt_modified,
}


def _state(call: Call) -> WorkspaceState:
    return call.world.workspace


def _workspace_param(call: Call, *, required: bool = False) -> Workspace | None:
    workspace_id = call.str("WorkspaceId", required=required)
    if workspace_id is None:
        return None
    workspace = _state(call).workspace(workspace_id)
    if workspace is None:
        raise not_found("NotFound.Workspace", "workspace", workspace_id)
    return workspace


# --- workspaces ---

@routes.route("ListWorkspaces", "GET", "/api/v1/workspaces")
def list_workspaces(call: Call) -> dict[str, Any]:
    option = call.str("Option", "GetWorkspaces", choices=("GetWorkspaces", "GetResourceLimits"))
    if option == "GetResourceLimits":
        return {"RequestId": call.request_id, "ResourceLimits": dict(RESOURCE_LIMITS)}
    key = sort_key(call, _TIME_SORT)
    desc = order_desc(call)
    status = call.str("Status", choices=WORKSPACE_STATUSES)
    name = call.str("WorkspaceName")
    ids = set(csv(call.str("WorkspaceIds")))
    group = call.str("ResourceGroupId")
    user_id = call.str("UserId")
    verbose = bool(call.bool("Verbose", False))
    only_id = "Id" in csv(call.str("Fields"))
    call.str("ModuleList", "PAI")  # accepted; every simulated workspace has the PAI module

    user = call.world.user(user_id) if user_id else None
    matches = [
        w for w in _state(call).workspaces
        if (status is None or w.ref.status == status)
        and fuzzy(name, w.ref.name)
        and (not ids or w.workspace_id in ids)
        and (group is None or w.resource_group_id == group)
        and (user_id is None or (user is not None and w.has_member(user)))
    ]
    ordered = sort_items(matches, key, desc=desc)
    items = [{"WorkspaceId": w.workspace_id} if only_id else w.list_item(verbose=verbose)
             for w in page(call, ordered, default_size=20)]
    return {"RequestId": call.request_id, "TotalCount": len(matches), "Workspaces": items}


@routes.route("GetWorkspace", "GET", "/api/v1/workspaces/{WorkspaceId}")
def get_workspace(call: Call) -> dict[str, Any]:
    workspace_id = call.path_params["WorkspaceId"]
    workspace = _state(call).workspace(workspace_id)
    if workspace is None:
        raise not_found("NotFound.Workspace", "workspace", workspace_id)
    return {"RequestId": call.request_id, **workspace.detail(verbose=bool(call.bool("Verbose", False)))}


@routes.route("GetDefaultWorkspace", "GET", "/api/v1/defaultWorkspaces")
def get_default_workspace(call: Call) -> dict[str, Any]:
    workspace = _state(call).default_workspace()
    if workspace is None:
        raise SimError(404, "NotFound.DefaultWorkspace", "The default workspace does not exist.")
    return {"RequestId": call.request_id, **workspace.default_detail(verbose=bool(call.bool("Verbose", False)))}


# --- images ---

@routes.route("ListImages", "GET", "/api/v1/images")
def list_images(call: Call) -> dict[str, Any]:
    workspace = _workspace_param(call)
    labels = key_values(call, "Labels")
    query = call.str("Query")
    name = call.str("Name")
    exact_name = call.str("Options") == "ExactMatchName"
    uri = call.str("ImageUri")
    access = call.str("Accessibility", choices=("PUBLIC", "PRIVATE"))
    key = sort_key(call, _TIME_SORT)
    desc = order_desc(call)
    verbose = bool(call.bool("Verbose", False))

    def keep(image: Image) -> bool:
        if workspace is not None and not (image.official or image.workspace_id == workspace.workspace_id):
            return False
        if any(image.label(k) is None or (v and image.label(k) != v) for k, v in labels):
            return False
        if name and (image.name != name if exact_name else not fuzzy(name, image.name)):
            return False
        # Accessibility only applies to custom images; official ones are always visible
        if access and not image.official and image.accessibility != access:
            return False
        return fuzzy(query, image.name, image.description) and (uri is None or image.image_uri == uri)

    matches = [i for i in _state(call).images if keep(i)]
    items = [i.wire(labels=verbose) for i in page(call, sort_items(matches, key, desc=desc), default_size=20)]
    return {"RequestId": call.request_id, "TotalCount": len(matches), "Images": items}


@routes.route("GetImage", "GET", "/api/v1/images/{ImageId}")
def get_image(call: Call) -> dict[str, Any]:
    image_id = call.path_params["ImageId"]
    image = _state(call).image(image_id)
    if image is None:
        raise not_found("NotFound.Image", "image", image_id)
    # GetImage always carries Labels (it is the detail view); Verbose is accepted for symmetry
    call.bool("Verbose", False)
    return {"RequestId": call.request_id, **image.wire(labels=True, with_id=False)}


# --- datasets ---

_DATASET_SORT = {
    "GmtCreateTime": lambda d: d.gmt_create,
    "GmtModifiedTime": lambda d: d.gmt_modified,
    "Name": lambda d: d.name,
    "DatasetId": lambda d: d.dataset_id,
}


@routes.route("ListDatasets", "GET", "/api/v1/datasets")
def list_datasets(call: Call) -> dict[str, Any]:
    # without WorkspaceId the real service lists the default workspace's datasets
    workspace = _workspace_param(call) or _state(call).default_workspace()
    name = call.str("Name")
    source_types = set(csv(call.str("DataSourceTypes")))
    data_types = set(csv(call.str("DataTypes")))
    ids = set(csv(call.str("DatasetIds")))
    properties = set(csv(call.str("Properties")))
    access = call.str("Accessibility", choices=("PUBLIC", "PRIVATE", "ROLE_PUBLIC"))
    edition = call.str("Edition")
    label = call.str("Label")
    key = sort_key(call, _DATASET_SORT)
    desc = order_desc(call)

    matches = [
        d for d in _state(call).datasets
        if (workspace is None or d.workspace_id == workspace.workspace_id)
        and fuzzy(name, d.name)
        and (not source_types or d.source_type in source_types)
        and (not data_types or d.data_type in data_types)
        and (not ids or d.dataset_id in ids)
        and (not properties or d.property in properties)
        and (access is None or d.accessibility == access)
        and (edition is None or d.edition == edition)
        and (not label or any(fuzzy(label, k, v) for k, v in d.labels))
    ]
    ordered = sort_items(matches, key, desc=desc)
    items = [d.wire() for d in page(call, ordered, default_size=10)]
    return {"RequestId": call.request_id, "TotalCount": len(matches), "Datasets": items}


@routes.route("GetDataset", "GET", "/api/v1/datasets/{DatasetId}")
def get_dataset(call: Call) -> dict[str, Any]:
    dataset_id = call.path_params["DatasetId"]
    dataset = _state(call).dataset(dataset_id)
    if dataset is None:
        raise not_found("NotFound.Dataset", "dataset", dataset_id)
    return {"RequestId": call.request_id, **dataset.wire()}


# --- code sources ---

_CODE_SORT = {
    "GmtCreateTime": lambda c: c.gmt_create,
    "GmtModifyTime": lambda c: c.gmt_modify,
    "DisplayName": lambda c: c.display_name,
    "CodeSourceId": lambda c: c.code_source_id,
}


@routes.route("ListCodeSources", "GET", "/api/v1/codesources")
def list_code_sources(call: Call) -> dict[str, Any]:
    workspace = _workspace_param(call, required=True)
    assert workspace is not None
    name = call.str("DisplayName")
    key = sort_key(call, _CODE_SORT)
    desc = order_desc(call)
    matches = [c for c in _state(call).code_sources
               if c.workspace_id == workspace.workspace_id and fuzzy(name, c.display_name)]
    ordered = sort_items(matches, key, desc=desc)
    items = [c.wire() for c in page(call, ordered, default_size=20)]
    return {"RequestId": call.request_id, "TotalCount": len(matches), "CodeSources": items}


@routes.route("GetCodeSource", "GET", "/api/v1/codesources/{CodeSourceId}")
def get_code_source(call: Call) -> dict[str, Any]:
    code_source_id = call.path_params["CodeSourceId"]
    code_source = _state(call).code_source(code_source_id)
    if code_source is None:
        raise not_found("NotFound.CodeSource", "code source", code_source_id)
    return {"RequestId": call.request_id, **code_source.wire()}


# --- quotas and resources ---

@routes.route("ListQuotas", "GET", "/api/v1/quotas")
def list_quotas(call: Call) -> dict[str, Any]:
    name = call.str("Name")
    quotas = [q for q in _state(call).listed_quotas() if fuzzy(name, q.name, q.display_name)]
    # no pagination: every match in one answer
    return {"RequestId": call.request_id, "TotalCount": len(quotas), "Quotas": [q.wire() for q in quotas]}


@routes.route("ListResources", "GET", "/api/v1/resources")
def list_resources(call: Call) -> dict[str, Any]:
    option = call.str("Option", "ListResourceByWorkspace", choices=("ListResourceByWorkspace", "ListResource"))
    workspace = _workspace_param(call)
    if option == "ListResourceByWorkspace" and workspace is None:
        raise missing_param("WorkspaceId")
    # ResourceTypes is the current name; ProductTypes is its deprecated predecessor
    types = set(csv(call.str("ResourceTypes"))) | set(csv(call.str("ProductTypes")))
    group = call.str("GroupName")
    resource_name = call.str("ResourceName")
    quota_ids = set(csv(call.str("QuotaIds")))
    labels = key_values(call, "Labels")
    verbose = bool(call.bool("Verbose", True))
    call.str("VerboseFields")  # accepted; every field is always present

    def keep(resource: Resource) -> bool:
        return ((workspace is None or resource.workspace_id == workspace.workspace_id)
                and (not types or resource.resource_type in types or resource.product_type in types)
                and (group is None or resource.group_name == group)
                and (resource_name is None or resource.name == resource_name)
                and quota_ids <= {q.quota_id for q in resource.quotas}
                and all(any(k == rk and (not v or v == rv) for rk, rv in resource.labels) for k, v in labels))

    matches = [r for r in _state(call).resources if keep(r)]
    items = [r.wire(verbose=verbose) for r in page(call, matches, default_size=20)]
    return {"RequestId": call.request_id, "TotalCount": len(matches), "Resources": items}
