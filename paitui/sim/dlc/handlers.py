"""pai-dlc 2020-12-03 handlers: jobs, pods, logs, events, metrics, ECS specs, sanity checks, dashboards, tokens.
Tensorboards live in ``handlers_tb.py`` and job templates in ``handlers_tpl.py`` (imported at the end).

Error codes answered by the pai-dlc product (besides ``MissingParameter`` / ``InvalidParameter`` from the
parameter accessors):

=====  ==================================  ==========================================================
HTTP   Code                                when
=====  ==================================  ==========================================================
404    ``NotFound.Job``                    unknown or deleted JobId (also GetToken TargetType=job)
404    ``NotFound.Pod``                    unknown PodId, or a PodUid that is not an incarnation of it
404    ``NotFound.Tensorboard``            unknown/deleted TensorboardId (or another WorkspaceId)
404    ``NotFound.JobTemplate``            unknown/deleted TemplateId
404    ``NotFound.JobTemplateVersion``     unknown template version number
400    ``InvalidParameter``                bad values; CreateJob red line (EcsSpec + ResourceConfig)
400    ``InvalidParameter.JobStatus``      StopJob on a terminal job; DeleteJob on a non-terminal one;
                                           UpdateJob JobSpecs after the job started
400    ``InvalidParameter.PodStatus``      GetWebTerminal on a pod that is not running
400    ``InvalidParameter.TensorboardStatus``  Start on a running / Stop on a stopped tensorboard
400    ``InvalidParameter.TemplateName``   empty or > 1024 characters
400    ``InvalidParameter.Content``        Content not JSON / not an object / no valid JobType
400    ``InvalidParameter.Constraints``    bad constraint type, or Content and Constraints not together
=====  ==================================  ==========================================================

Decisions: DeleteJob is allowed only for terminal jobs (stop first); StopJob on a job already Stopping is a
no-op success. ListJobs: PageSize default 10, at most 1000; without WorkspaceId the default workspace is
listed (FromAllWorkspaces=true with ShowOwn=true lists every workspace). GetPodLogs: MaxLines default 2000,
at most 100,000; without ``Containers`` only the main container is read.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from paitui.sim.dlc import events as ev
from paitui.sim.dlc.catalog import ECS_SPECS, GPU_DRIVERS, METRIC_TYPES, SANITY_PHASES, TERMINAL
from paitui.sim.dlc.common import ctx
from paitui.sim.dlc.create import create_job, parse_roles
from paitui.sim.dlc.lifecycle import stop
from paitui.sim.dlc.logs import containers_of, read_lines, stream
from paitui.sim.dlc.metrics import GPU_METRICS, MAX_POINTS, gpu_pod, parse_step, series
from paitui.sim.dlc.model import Job, PodInstance, PodSlot, pod_slots
from paitui.sim.dlc.query import list_jobs
from paitui.sim.dlc.sanity import checks
from paitui.sim.dlc.wire import get_job, instances_now
from paitui.sim.encoded import EncodedBody
from paitui.sim.errors import SimError, invalid_param, missing_param, not_found
from paitui.sim.routing import Call, Routes

if TYPE_CHECKING:
    from paitui.sim.dlc.state import DlcState

routes = Routes("dlc")  # the operations this module serves (listed in app.ROUTE_TABLES)
WEEK = 7 * 86400.0
MAX_LOG_LINES = 100_000
DEFAULT_TOKEN_TTL = 604800


def _job(call: Call) -> tuple[DlcState, float, Job]:
    dlc, now = ctx(call)
    return dlc, now, dlc.job(call.path_params["JobId"])


def _window(call: Call, now: float, default_span: float) -> tuple[float, float]:
    start = call.time("StartTime")
    end = call.time("EndTime")
    hi = end.timestamp() if end else now
    lo = start.timestamp() if start else now - default_span
    return lo, min(hi, now)


def _pod(job: Job, call: Call, now: float) -> tuple[PodSlot, list[PodInstance], PodInstance]:
    pod_id = call.path_params["PodId"]
    slot = next((s for s in pod_slots(job) if s.pod_id == pod_id), None)
    insts = instances_now(job, slot, now, call.world.dlc.caches.segments(job)) if slot else []
    if slot is None or not insts:
        raise not_found("NotFound.Pod", "pod", pod_id)
    uid = call.str("PodUid")
    if uid is None:
        return slot, insts, insts[-1]
    inst = next((i for i in insts if i.uid == uid), None)
    if inst is None:
        raise not_found("NotFound.Pod", f"instance of pod {pod_id} with PodUid", uid)
    return slot, insts, inst


# --- jobs ---

@routes.route("ListJobs", "GET", "/api/v1/jobs")
def list_jobs_handler(call: Call) -> dict[str, Any]:
    dlc, now = ctx(call)
    return list_jobs(dlc, call, now)


@routes.route("GetJob", "GET", "/api/v1/jobs/{JobId}")
def get_job_handler(call: Call) -> EncodedBody:
    dlc, now, job = _job(call)
    return get_job(job, dlc.world, now, bool(call.bool("NeedDetail", True)), call.request_id)


@routes.route("CreateJob", "POST", "/api/v1/jobs")
def create_job_handler(call: Call) -> dict[str, Any]:
    dlc, now = ctx(call)
    job = create_job(dlc, call, now)
    dlc.add(job)
    return {"JobId": job.job_id, "RequestId": call.request_id}


@routes.route("StopJob", "POST", "/api/v1/jobs/{JobId}/stop")
def stop_job_handler(call: Call) -> dict[str, Any]:
    _, now, job = _job(call)
    status = job.status_at(now)
    if status in TERMINAL:
        raise SimError(400, "InvalidParameter.JobStatus",
                       f"The job {job.job_id} is already in terminal state {status}.")
    if status != "Stopping":
        stop(job, now)
    return {"JobId": job.job_id, "RequestId": call.request_id}


@routes.route("DeleteJob", "DELETE", "/api/v1/jobs/{JobId}")
def delete_job_handler(call: Call) -> dict[str, Any]:
    dlc, now, job = _job(call)
    status = job.status_at(now)
    if status not in TERMINAL:
        raise SimError(400, "InvalidParameter.JobStatus",
                       f"The job {job.job_id} is {status}: only a Succeeded, Failed or Stopped job can be deleted; "
                       "stop it first.")
    dlc.remove(job)
    return {"JobId": job.job_id, "RequestId": call.request_id}


@routes.route("UpdateJob", "PUT", "/api/v1/jobs/{JobId}")
def update_job_handler(call: Call) -> dict[str, Any]:
    _, now, job = _job(call)
    body = call.body_dict()
    priority = call.int("Priority", where="body", minimum=1, maximum=9)
    accessibility = call.str("Accessibility", where="body", choices=("PUBLIC", "PRIVATE"))
    if body.get("JobSpecs") is not None:
        status = job.status_at(now)
        if status not in ("Creating", "Queuing"):
            raise SimError(400, "InvalidParameter.JobStatus",
                           f"JobSpecs can only be updated before the job starts; the job is {status}.")
        job.roles, _, _ = parse_roles(body["JobSpecs"], job.quota_id)  # the same validation as CreateJob
    if priority is not None:
        job.priority = priority
    if accessibility is not None:
        job.accessibility = accessibility
    if (description := body.get("Description")) is not None:
        job.description = str(description)
    if command := body.get("UserCommand"):
        job.user_command = str(command)
    job.modified = now
    job.rev += 1  # cached wire forms of this job (pod tables, finished list items) are stale now
    return {"JobId": job.job_id, "RequestId": call.request_id}


# --- pods: logs, events, terminal ---

@routes.route("GetPodLogs", "GET", "/api/v1/jobs/{JobId}/pods/{PodId}/logs")
def get_pod_logs(call: Call) -> dict[str, Any]:
    _, now, job = _job(call)
    slot, insts, inst = _pod(job, call, now)
    main, sidecars = containers_of(job)
    wanted = [main]
    if raw := call.str("Containers"):
        wanted = [c.strip() for c in raw.split(",") if c.strip()]
        unknown = [c for c in wanted if c not in (main, *sidecars)]
        if unknown:
            raise invalid_param("Containers", f"pod {slot.pod_id} has no container {unknown[0]!r} "
                                              f"(containers: {', '.join((main, *sidecars))})")
    limit = call.int("MaxLines", 2000, minimum=1, maximum=MAX_LOG_LINES) or 2000
    lo, hi = _window(call, now, WEEK)
    lo_ms = int(lo) * 1000  # second precision: StartTime 08:01:02Z includes 08:01:02.345
    hi_ms = min(int(hi) * 1000 + 999, int(now * 1000))
    lines: list[str] = []
    if inst.started is not None and inst.started <= now and lo_ms <= hi_ms:
        streams = [s for c in wanted if (s := stream(job, insts, inst.number, c)) is not None]
        if streams:
            lines = read_lines(streams, lo_ms, hi_ms, limit)
    return {"JobId": job.job_id, "PodId": slot.pod_id, "PodUid": inst.uid, "Logs": lines,
            "Containers": ",".join(wanted), "ContainerInfo": {"MainContainer": main, "SidecarContainers": sidecars},
            "RequestId": call.request_id}


@routes.route("GetPodEvents", "GET", "/api/v1/jobs/{JobId}/pods/{PodId}/events")
def get_pod_events(call: Call) -> dict[str, Any]:
    _, now, job = _job(call)
    slot, _, inst = _pod(job, call, now)
    limit = call.int("MaxEventsNum", 2000, minimum=1) or 2000
    lo, hi = _window(call, now, WEEK)
    return {"JobId": job.job_id, "PodId": slot.pod_id, "PodUid": inst.uid,
            "Events": ev.window(ev.pod_events(job, inst), lo, hi, limit), "RequestId": call.request_id}


@routes.route("GetJobEvents", "GET", "/api/v1/jobs/{JobId}/events")
def get_job_events(call: Call) -> dict[str, Any]:
    dlc, now, job = _job(call)
    limit = call.int("MaxEventsNum", 2000, minimum=1) or 2000
    lo, hi = _window(call, now, WEEK)
    return {"JobId": job.job_id, "Events": ev.window(ev.job_events(job, dlc.world), lo, hi, limit),
            "RequestId": call.request_id}


@routes.route("GetWebTerminal", "GET", "/api/v1/jobs/{JobId}/pods/{PodId}/webterminal")
def get_web_terminal(call: Call) -> dict[str, Any]:
    _, now, job = _job(call)
    slot, _, inst = _pod(job, call, now)
    status = inst.status_at(now)
    if status != "Running":
        raise SimError(400, "InvalidParameter.PodStatus",
                       f"The pod {slot.pod_id} is {status}: a web terminal needs a running pod.")
    shared = bool(call.bool("IsShared", False))
    token = hashlib.blake2b(f"wt:{inst.uid}:{now}".encode(), digest_size=12).hexdigest()
    url = (f"wss://pai-dlc-webterminal.cn-hangzhou.aliyuncs.com/api/v1/terminal/{job.job_id}/{slot.pod_id}"
           f"?podUid={inst.uid}&token={token}" + ("&shared=true" if shared else ""))
    return {"WebTerminalUrl": url, "RequestId": call.request_id}


# --- metrics ---

@routes.route("GetJobMetrics", "GET", "/api/v1/jobs/{JobId}/metrics")
def get_job_metrics(call: Call) -> dict[str, Any]:
    _, now, job = _job(call)
    metric = call.str("MetricType", required=True, choices=METRIC_TYPES)
    assert metric is not None
    raw_step = call.str("TimeStep", "5m") or "5m"
    step = parse_step(raw_step)
    if step is None:
        raise invalid_param("TimeStep", f"{raw_step!r} is not a duration such as 30s, 1m, 5m or 1h")
    lo, hi = _window(call, now, 3600.0)
    if hi >= lo and (hi - lo) / step > MAX_POINTS:
        raise invalid_param("TimeStep", f"{raw_step} over this window gives more than {MAX_POINTS} points")
    segs = call.world.dlc.caches.segments(job)
    out = []
    for slot in pod_slots(job):
        insts = instances_now(job, slot, now, segs)
        if not insts or (metric in GPU_METRICS and not gpu_pod(insts[-1])):
            continue
        points = series(job, insts, metric, lo, hi, step)
        if points:
            out.append({"PodId": slot.pod_id, "Metrics": points})
    return {"JobId": job.job_id, "PodMetrics": out, "RequestId": call.request_id}


# --- ECS specs ---

@routes.route("ListEcsSpecs", "GET", "/api/v1/ecsspecs")
def list_ecs_specs(call: Call) -> dict[str, Any]:
    accel = call.str("AcceleratorType", choices=("CPU", "GPU"))
    rtype = call.str("ResourceType", choices=("ECS", "Lingjun"))
    sort_by = call.str("SortBy", choices=("CPU", "GPU", "Memory", "GmtCreateTime"))
    order = (call.str("Order", "desc") or "desc").lower()
    if order not in ("asc", "desc"):
        raise invalid_param("Order", f"{order!r} is not one of desc, asc")
    page = call.int("PageNumber", 1, minimum=1) or 1
    size = call.int("PageSize", 10, minimum=1, maximum=100) or 10
    types = None
    if raw := call.str("InstanceTypes"):
        types = {t.strip() for t in raw.split(",") if t.strip()}
    specs = [s for s in ECS_SPECS if (accel is None or s.accelerator == accel)
             and (rtype is None or s.resource_type == rtype) and (types is None or s.instance_type in types)]
    if sort_by:
        key = {"CPU": lambda s: s.cpu, "GPU": lambda s: s.gpu, "Memory": lambda s: s.memory,
               "GmtCreateTime": lambda s: s.created}[sort_by]
        specs.sort(key=key, reverse=order == "desc")
    first = (page - 1) * size
    items = [{
        "InstanceType": s.instance_type, "AcceleratorType": s.accelerator, "ResourceType": s.resource_type,
        "Cpu": s.cpu, "Memory": s.memory, "Gpu": s.gpu, "GpuType": s.gpu_type or None,
        "GpuMemory": s.gpu_memory, "IsAvailable": s.available, "SpotStockStatus": s.spot_stock,
        "PaymentTypes": ["PostPaid", "Spot"] if s.resource_type == "ECS" else ["PrePaid", "Spot"],
        "NonProtectSpotDiscount": 0.1 if s.gpu else 0.2,
        "DefaultGPUDriver": GPU_DRIVERS[0] if s.gpu else None,
        "SupportedGPUDrivers": list(GPU_DRIVERS) if s.gpu else [],
    } for s in specs[first:first + size]]
    return {"EcsSpecs": items, "TotalCount": len(specs), "RequestId": call.request_id}


# --- sanity checks (note the request-id spelling RequestID) ---

@routes.route("ListJobSanityCheckResults", "GET", "/api/v1/jobs/{JobId}/sanitycheckresults")
def list_sanity(call: Call) -> dict[str, Any]:
    _, now, job = _job(call)
    order = (call.str("Order", "asc") or "asc").lower()
    if order not in ("asc", "desc"):
        raise invalid_param("Order", f"{order!r} is not one of desc, asc")
    results = checks(job, now)
    if order == "desc":
        results.reverse()
    return {"SanityCheckResults": results, "TotalCount": len(results), "RequestID": call.request_id}


@routes.route("GetJobSanityCheckResult", "GET", "/api/v1/jobs/{JobId}/sanitycheckresult")
def get_sanity(call: Call) -> dict[str, Any]:
    _, now, job = _job(call)
    number = call.int("SanityCheckNumber", required=True, minimum=1)
    phase = call.str("SanityCheckPhase", choices=SANITY_PHASES)
    results = checks(job, now)
    if number is None or number > len(results):
        raise invalid_param("SanityCheckNumber", f"the job has {len(results)} sanity check(s)")
    items = [i for i in results[number - 1] if phase is None or i["Phase"] == phase]
    return {"JobId": job.job_id, "SanityCheckResult": items, "RequestID": call.request_id}


# --- dashboards and sharing (lower-camel keys, no request id) ---

def _dashboard_url(call: Call, job: Job, kind: str) -> str:
    shared = bool(call.bool("isShared", False))
    token = call.str("token")
    if shared and not token:
        raise missing_param("token")
    if shared and token is not None and token not in call.world.dlc.tokens:
        raise invalid_param("token", "the sharing token is unknown or expired (see GetToken)")
    if job.job_type != "RayJob":
        return ""
    url = f"https://pai-dlc-proxy.cn-hangzhou.aliyuncs.com/{kind}/{job.job_id}/"
    return url + (f"?token={token}" if shared else "")


@routes.route("GetDashboard", "GET", "/api/v1/jobs/{JobId}/dashboard")
def get_dashboard(call: Call) -> dict[str, Any]:
    _, _, job = _job(call)
    return {"url": _dashboard_url(call, job, "dashboard")}


@routes.route("GetRayDashboard", "GET", "/api/v1/jobs/{JobId}/rayDashboard")
def get_ray_dashboard(call: Call) -> dict[str, Any]:
    _, _, job = _job(call)
    url = _dashboard_url(call, job, "ray-dashboard")
    return {"url": url, "metricsEnabled": "true" if url else "false"}


@routes.route("GetToken", "GET", "/api/v1/tokens")
def get_token(call: Call) -> dict[str, Any]:
    dlc, now = ctx(call)
    target_type = call.str("TargetType", required=True, choices=("job", "tensorboard"))
    target_id = call.str("TargetId", required=True)
    assert target_id is not None and target_type is not None
    ttl = call.int("ExpireTime", DEFAULT_TOKEN_TTL, minimum=0)
    if target_type == "job":
        dlc.job(target_id)
    else:
        dlc.tensorboards.get(target_id)
    token = "dlcshare-" + hashlib.blake2b(f"{call.world.seed}:{target_type}:{target_id}:{now}:{len(dlc.tokens)}"
                                          .encode(), digest_size=16).hexdigest()
    dlc.tokens[token] = (target_type, target_id, now + float(ttl or 0))
    return {"Token": token, "RequestId": call.request_id}

