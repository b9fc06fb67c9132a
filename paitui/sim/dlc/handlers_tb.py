"""pai-dlc tensorboard handlers (List/Get/Create/Start/Stop/Update/Delete/GetTensorboardSharedUrl).

GetTensorboard's body *is* the Tensorboard model (with RequestId); its job filter is spelled ``JodId``.
ListTensorboards: default 7-day creation window, SortBy DisplayName|GmtCreateTime, PageSize default 10.
"""

from __future__ import annotations

import hashlib
from typing import Any

from paitui.sim.dlc.common import ctx
from paitui.sim.dlc.tensorboards import TB_STATUSES, TB_TERMINAL, Tensorboard, tensorboard_wire
from paitui.sim.dlc.wire import ts
from paitui.sim.errors import SimError, invalid_param, missing_param, not_found
from paitui.sim.routing import Call, Routes

routes = Routes("dlc")  # the operations this module serves (listed in app.ROUTE_TABLES)

WEEK = 7 * 86400.0
MAX_SHARE_SECONDS = 604800  # the seed: --expire-time-seconds, max 604800 (7 days), also the default


@routes.route("ListTensorboards", "GET", "/api/v1/tensorboards")
def list_tensorboards(call: Call) -> dict[str, Any]:
    dlc, now = ctx(call)
    page = call.int("PageNumber", 1, minimum=1) or 1
    size = call.int("PageSize", 10, minimum=1, maximum=1000) or 10
    sort_by = call.str("SortBy", "GmtCreateTime", choices=("DisplayName", "GmtCreateTime"))
    order = (call.str("Order", "desc") or "desc").lower()
    if order not in ("asc", "desc"):
        raise invalid_param("Order", f"{order!r} is not one of desc, asc")
    status = call.str("Status", choices=TB_STATUSES)
    if call.str("SourceType", choices=("job",)) is not None:
        pass  # jobs are the only source type
    start, end = call.time("StartTime"), call.time("EndTime")
    lo = start.timestamp() if start else now - WEEK
    hi = end.timestamp() if end else now
    ws = call.str("WorkspaceId")
    job_id = call.str("JobId") or call.str("SourceId")
    tb_id = call.str("TensorboardId")
    name = (call.str("DisplayName") or "").lower()
    user_id = call.caller.user_id if call.bool("ShowOwn", False) else call.str("UserId")
    username = (call.str("Username") or "").lower()
    quota = call.str("QuotaId")
    payment = call.str("PaymentType", choices=("Free", "Postpaid"))
    access = call.str("Accessibility", choices=("PUBLIC", "PRIVATE"))
    names = {u.user_id: u.name.lower() for u in dlc.world.users}

    def keep(tb: Tensorboard) -> bool:
        return (lo <= tb.created <= hi and (ws is None or tb.workspace_id == ws)
                and (job_id is None or tb.job_id == job_id) and (tb_id is None or tb.tensorboard_id == tb_id)
                and name in tb.display_name.lower() and (user_id is None or tb.user_id == user_id)
                and (not username or username in names.get(tb.user_id, ""))
                and (quota is None or tb.quota_id == quota) and (access is None or tb.accessibility == access)
                and (payment is None or tb.payment == payment)
                and (status is None or tb.status_at(now)[0] == status))

    selected = [tb for tb in dlc.tensorboards.items.values() if keep(tb)]
    selected.sort(key=(lambda t: t.display_name) if sort_by == "DisplayName" else (lambda t: t.created),
                  reverse=order == "desc")
    first = (page - 1) * size
    return {"Tensorboards": [tensorboard_wire(tb, dlc, now) for tb in selected[first:first + size]],
            "TotalCount": len(selected), "RequestId": call.request_id}


@routes.route("GetTensorboard", "GET", "/api/v1/tensorboards/{TensorboardId}")
def get_tensorboard(call: Call) -> dict[str, Any]:
    dlc, now = ctx(call)
    tb = dlc.tensorboards.get(call.path_params["TensorboardId"], call.str("WorkspaceId"))
    jod = call.str("JodId")  # (sic) the SDK's spelling of the job filter
    if jod is not None and tb.job_id != jod:
        raise not_found("NotFound.Tensorboard", "tensorboard", tb.tensorboard_id)
    body = tensorboard_wire(tb, dlc, now)
    body["RequestId"] = call.request_id
    return body


@routes.route("CreateTensorboard", "POST", "/api/v1/tensorboards")
def create_tensorboard(call: Call) -> dict[str, Any]:
    dlc, now = ctx(call)
    body = call.body_dict()
    job_id = body.get("JobId")
    sources = any(body.get(k) for k in ("DataSources", "DataSourceId", "Uri", "TensorboardDataSources"))
    if job_id and sources:
        raise SimError(400, "InvalidParameter", "JobId and DataSources are mutually exclusive: attach the "
                                                "tensorboard to a job or to data sources, not both.")
    if not job_id and not sources:
        raise missing_param("JobId")
    max_minutes = call.int("MaxRunningTimeMinutes", 240, where="body", minimum=1) or 240
    store = dlc.tensorboards
    if job_id:
        job = dlc.job(str(job_id))
        tb = store.create_for_job(job, now, max_minutes, store.create_rng)
    else:
        ws = call.str("WorkspaceId", where="body", required=True)
        if dlc.world.workspace_ref(str(ws)) is None:
            raise invalid_param("WorkspaceId", f"workspace {ws} does not exist")
        tb = store.create_for_sources(str(ws), call.caller.user_id, body, now, max_minutes)
    if name := body.get("DisplayName"):
        tb.display_name = str(name)
    tb.user_id = call.caller.user_id
    tb.accessibility = str(body.get("Accessibility") or tb.accessibility)
    tb.priority = str(body.get("Priority") or tb.priority)
    if body.get("TensorboardSpec"):
        tb.payment = "Postpaid"
    for key, attr in (("Cpu", "cpu"), ("Memory", "memory")):
        if isinstance(body.get(key), int):
            setattr(tb, attr, body[key])
    return {"TensorboardId": tb.tensorboard_id, "JobId": tb.job_id, "DataSourceId": tb.data_source_id,
            "RequestId": call.request_id}


@routes.route("StartTensorboard", "PUT", "/api/v1/tensorboards/{TensorboardId}/start")
def start_tensorboard(call: Call) -> dict[str, Any]:
    dlc, now = ctx(call)
    tb = dlc.tensorboards.get(call.path_params["TensorboardId"], call.str("WorkspaceId"))
    status = tb.status_at(now)[0]
    if status not in TB_TERMINAL:
        raise SimError(400, "InvalidParameter.TensorboardStatus",
                       f"The tensorboard {tb.tensorboard_id} is {status}; only a stopped one can be started.")
    tb.run_plan(now)
    tb.modified = now
    return {"TensorboardId": tb.tensorboard_id, "RequestId": call.request_id}


@routes.route("StopTensorboard", "PUT", "/api/v1/tensorboards/{TensorboardId}/stop")
def stop_tensorboard(call: Call) -> dict[str, Any]:
    dlc, now = ctx(call)
    tb = dlc.tensorboards.get(call.path_params["TensorboardId"], call.str("WorkspaceId"))
    status = tb.status_at(now)[0]
    if status in TB_TERMINAL:
        raise SimError(400, "InvalidParameter.TensorboardStatus",
                       f"The tensorboard {tb.tensorboard_id} is already {status}.")
    tb.stop(now)
    tb.modified = now
    return {"TensorboardId": tb.tensorboard_id, "RequestId": call.request_id}


@routes.route("DeleteTensorboard", "DELETE", "/api/v1/tensorboards/{TensorboardId}")
def delete_tensorboard(call: Call) -> dict[str, Any]:
    dlc, _ = ctx(call)
    tb = dlc.tensorboards.get(call.path_params["TensorboardId"], call.str("WorkspaceId"))
    del dlc.tensorboards.items[tb.tensorboard_id]
    return {"TensorboardId": tb.tensorboard_id, "RequestId": call.request_id}


@routes.route("UpdateTensorboard", "PUT", "/api/v1/tensorboards/{TensorboardId}")
def update_tensorboard(call: Call) -> dict[str, Any]:
    dlc, now = ctx(call)
    tb = dlc.tensorboards.get(call.path_params["TensorboardId"], call.str("WorkspaceId"))
    if (access := call.str("Accessibility", choices=("PUBLIC", "PRIVATE"))) is not None:
        tb.accessibility = access
    if (priority := call.str("Priority")) is not None:
        tb.priority = priority
    minutes = call.int("MaxRunningTimeMinutes", minimum=1)
    if minutes is not None:
        tb.max_minutes = minutes
        tb.reschedule_expiry(now)
    tb.modified = now
    return {"TensorboardId": tb.tensorboard_id, "RequestId": call.request_id}


@routes.route("GetTensorboardSharedUrl", "GET", "/api/v1/tensorboards/{TensorboardId}/sharedurl")
def get_shared_url(call: Call) -> dict[str, Any]:
    dlc, now = ctx(call)
    tb = dlc.tensorboards.get(call.path_params["TensorboardId"])
    # 0 would be a link that is dead on arrival: refused rather than quietly turned into the 7-day maximum
    ttl = call.int("ExpireTimeSeconds", MAX_SHARE_SECONDS, minimum=1, maximum=MAX_SHARE_SECONDS)
    assert ttl is not None
    token = hashlib.blake2b(f"tbshare:{tb.tensorboard_id}:{now}".encode(), digest_size=16).hexdigest()
    url = (f"https://pai-dlc-share.cn-hangzhou.aliyuncs.com/tensorboard/{tb.tensorboard_id}/"
           f"?token={token}&expires={ts(now + ttl)}")
    return {"TensorboardSharedUrl": url, "RequestId": call.request_id}
