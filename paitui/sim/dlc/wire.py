"""Wire JSON of jobs and pods, built from the sim's own records (never from the client's models).

JobItem (ListJobs) and GetJob differ in types on purpose (docs/WIRE.md §2.8): JobItem ``RequestGPU``,
``RequestMemory`` and ``NodeCount`` are strings, GetJob ``RequestGPU``/``RequestMemory`` are floats.
``RestartTimes`` is ``"used/max"``. Times are ``2021-01-12T14:35:01Z``.

Encoded once per phase: everything in a job's wire form changes only when the job enters another phase or is
updated (``job.rev``), except the Durations of what is running, which tick with the clock. So an item or a
GetJob body is built with an ``Elapsed`` hole for each ticking Duration, encoded once into a ``Template``
kept in the world's ``DlcCaches`` under ``(rev, phase index)``, and rendered per call by splicing in the
current Durations (``sim/encoded.py``).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from paitui.sim.dlc.catalog import OSS_BUCKETS, TERMINAL
from paitui.sim.dlc.model import (
    Job,
    PodInstance,
    PodSlot,
    Role,
    Segment,
    node_name,
    pod_instances,
    pod_ip,
    pod_slots,
)
from paitui.sim.encoded import Elapsed, EncodedBody, Render, RequestId, Template

if TYPE_CHECKING:
    from paitui.sim.dlc.caches import DlcCaches
    from paitui.sim.world import World

TENANT_ID = "1557702098194900"


def ts(t: float | None) -> str | None:
    """DLC time format (UTC, second precision). Not memoised: encoded items are cached per phase instead,
    and a process-wide memo would be state shared by every world."""
    return None if t is None else time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def _h(job: Job, what: str, n: int = 10) -> str:
    return hashlib.blake2b(f"{what}:{job.key}".encode(), digest_size=8).hexdigest()[:n]


def job_spec(role: Role) -> dict[str, Any]:
    if role.extra is not None:
        return dict(role.extra)
    spec: dict[str, Any] = {"Type": role.type, "Image": role.image, "PodCount": role.pod_count}
    if role.ecs_spec:
        spec["EcsSpec"] = role.ecs_spec
    else:
        spec["ResourceConfig"] = {"CPU": str(role.cpu), "GPU": str(role.gpu), "Memory": f"{role.memory_gb}Gi",
                                  "SharedMemory": f"{max(role.memory_gb // 4, 1)}Gi",
                                  **({"GPUType": role.gpu_type} if role.gpu else {})}
    if role.spot:
        spec["UseSpotInstance"] = True
        spec["SpotSpec"] = {"SpotStrategy": "SpotWithPriceLimit", "SpotDiscountLimit": 0.3}
    if role.type == "Chief":
        spec["IsChief"] = True
    spec["RestartPolicy"] = "OnFailure" if role.type == "Worker" else "Never"
    return spec


def status_history(job: Job, now: float) -> list[dict[str, Any]]:
    """Contiguous: each EndTime is the next StartTime; the current phase has no EndTime unless terminal."""
    out: list[dict[str, Any]] = []
    last = job.index_at(now)
    for i in range(last + 1):
        p = job.phases[i]
        item: dict[str, Any] = {"Status": p.status, "StartTime": ts(job.times[i])}
        if i < last:
            item["EndTime"] = ts(job.times[i + 1])
        elif p.status in TERMINAL:
            item["EndTime"] = ts(job.times[i])
        if p.reason_code:
            item["ReasonCode"] = p.reason_code
            item["ReasonMessage"] = p.reason_message
        out.append(item)
    return out


def gmt_fields(job: Job, now: float) -> dict[str, Any]:
    running = job.first_time("Running", now)
    finish = job.finished_at(now)
    status = job.status_at(now)
    out: dict[str, Any] = {
        "GmtCreateTime": ts(job.created),
        "GmtSubmittedTime": ts(job.first_time("Queuing", now) or job.created),
        "GmtRunningTime": ts(running),
        "GmtFinishTime": ts(finish),
    }
    if finish is not None:
        key = {"Succeeded": "GmtSuccessedTime", "Failed": "GmtFailedTime", "Stopped": "GmtStoppedTime"}[status]
        out[key] = ts(finish)
    if running is None:
        out["Duration"] = 0
    elif finish is None:
        out["Duration"] = Elapsed(running)  # ticks while the job runs
    else:
        out["Duration"] = int(finish - running)
    return out


def _common(job: Job, world: World, now: float) -> dict[str, Any]:
    ws = world.workspace_ref(job.workspace_id)
    user = world.user(job.user_id)
    p = job.phase_at(now)
    cpu = sum(r.cpu * r.pod_count for r in job.roles)
    settings: dict[str, Any] = {
        "EnableSanityCheck": job.sanity_check, "JobReservedMinutes": job.reserved_minutes,
        "JobReservedPolicy": "Always" if job.reserved_minutes else "None",
        "EnableErrorMonitoringInAIMaster": job.elastic, "EnableRDMA": job.resource_type == "Lingjun",
        "Tags": dict(job.tags),
    }
    if job.custom and isinstance(job.custom.get("Settings"), dict):
        settings.update(job.custom["Settings"])
        settings["Tags"] = dict(job.tags)
    out: dict[str, Any] = {
        "JobId": job.job_id, "DisplayName": job.display_name, "JobType": job.job_type,
        "WorkspaceId": job.workspace_id, "WorkspaceName": ws.name if ws else None,
        "UserId": job.user_id, "TenantId": TENANT_ID,
        "Status": p.status, "ReasonCode": p.reason_code, "ReasonMessage": p.reason_message,
        "Priority": job.priority, "Accessibility": job.accessibility,
        "ResourceId": job.quota_id, "ResourceType": job.resource_type,
        "ResourceLevel": "L0" if job.quota_id else None,
        "ClusterId": "lingjun-hz-cluster-1" if job.resource_type == "Lingjun" else "c3f5e6a1b2d4e8f9a0b1c2d3e",
        "RestartTimes": f"{job.restarts_used(now)}/{job.max_restarts}",
        "JobSpecs": [job_spec(r) for r in job.roles], "Settings": settings,
        "UserCommand": job.user_command, "RequestCPU": cpu, "EnabledDebugger": False,
        "ThirdpartyLibs": [], "ThirdpartyLibDir": None,
        "CodeSource": _code_source(job), "Envs": _envs(job),
    }
    if user is not None:
        out["Username"] = user.name
    if job.elastic:
        out["ElasticSpec"] = {"EnableAIMaster": True, "AIMasterType": "ecs.g6.large", "EnableElasticTraining": True,
                              "MinParallelism": 1, "MaxParallelism": max(job.pod_total, 1)}
    out.update(gmt_fields(job, now))
    return out


def _code_source(job: Job) -> dict[str, Any] | None:
    if job.custom is not None:
        return job.custom.get("CodeSource")
    if job.key % 5 == 0:
        return None
    return {"CodeSourceId": f"code-{_h(job, 'code', 14)}", "Branch": "main" if job.key % 3 else "dev",
            "Commit": _h(job, "commit", 8), "MountPath": "/root/code/"}


def _envs(job: Job) -> dict[str, str]:
    if job.custom is not None and isinstance(job.custom.get("Envs"), dict):
        return dict(job.custom["Envs"])
    return {"NCCL_DEBUG": "WARN", "PYTHONUNBUFFERED": "1", "HF_HOME": "/mnt/data/hf_cache"}


def _data_sources(job: Job, with_uri: bool) -> list[dict[str, Any]]:
    if job.custom is not None:
        given = job.custom.get("DataSources") or []
        return [dict(d) for d in given if isinstance(d, dict)]
    bucket = OSS_BUCKETS[job.key % len(OSS_BUCKETS)]
    out = [{"DataSourceId": f"d-{_h(job, 'ds', 18)}", "MountPath": "/mnt/data/"}]
    if with_uri:
        out[0]["Uri"] = f"oss://{bucket}.oss-cn-hangzhou-internal.aliyuncs.com/datasets/"
    return out


@dataclass(slots=True)
class PodRow:
    """The static facts of one pod incarnation, formatted once (the plan decides them in advance)."""

    inst: PodInstance
    node: str
    ip: str
    created: str
    started: str | None
    ended: str | None


def pod_table(job: Job, caches: DlcCaches) -> list[list[PodRow]]:
    """Every incarnation of every pod, formatted once per plan: ListJobs shows a whole page's pods per call."""
    table = caches.pod_tables.get(job.job_id, job, job.rev)
    if table is None:
        segs = caches.segments(job)
        # an incarnation's times are its generation's (segment's): formatted once per generation, not per pod —
        # but for the pod a failure blames, which ends before its generation does (``model.pod_instances``)
        times = [(ts(seg.created) or "", ts(seg.started), ts(seg.ended)) for seg in segs]

        def row(i: PodInstance, slot: PodSlot) -> PodRow:
            created, started, ended = times[i.number]
            if i.ended != segs[i.number].ended:
                ended = ts(i.ended)
            return PodRow(i, node_name(job, slot, i.number), pod_ip(job, slot, i.number), created, started, ended)

        table = [[row(i, slot) for i in pod_instances(job, slot, segs)] for slot in pod_slots(job)]
        caches.pod_tables.put(job.job_id, job, job.rev, table)
    return table


def _pod(job: Job, row: PodRow, now: float, detail: bool) -> dict[str, Any]:
    inst = row.inst
    slot = inst.slot
    started = inst.started is not None and inst.started <= now
    ended = inst.ended is not None and inst.ended <= now
    out: dict[str, Any] = {
        "PodId": slot.pod_id, "PodUid": inst.uid, "Type": slot.role.type, "Status": inst.status_at(now),
        "SubStatus": "Normal", "GmtCreateTime": row.created,
        "GmtStartTime": row.started if started else None, "GmtFinishTime": row.ended if ended else None,
        "NodeName": row.node, "Ip": row.ip, "PodIps": [{"InterfaceName": "eth0", "Ip": row.ip}],
    }
    if detail:
        out["ResourceType"] = job.resource_type
        if not started or inst.started is None:
            out["Duration"] = 0.0
        elif ended and inst.ended is not None:
            out["Duration"] = float(int(inst.ended - inst.started))
        else:
            out["Duration"] = Elapsed(inst.started, as_float=True)  # ticks while the pod runs
    else:
        out["PodIp"] = row.ip
    return out


def instances_now(job: Job, slot: PodSlot, now: float, segs: list[Segment] | None = None) -> list[PodInstance]:
    return [i for i in pod_instances(job, slot, segs) if i.created <= now]


def pods(job: Job, now: float, detail: bool, caches: DlcCaches) -> list[dict[str, Any]]:
    """Current pods (the latest incarnation of each PodId) with their older incarnations as HistoryPods.
    Every pod time is a phase time (see ``model.segments``), so they change only with the job's phase."""
    out = []
    for rows in pod_table(job, caches):
        live = [r for r in rows if r.inst.created <= now]
        if not live:
            continue
        item = _pod(job, live[-1], now, detail)
        item["HistoryPods"] = [_pod(job, r, now, detail) for r in reversed(live[:-1])]
        out.append(item)
    return out


def node_names(table: list[list[PodRow]], current: int) -> list[str]:
    """Nodes of the current pods (generation ``current``, the last created by now; −1: none yet), read off the
    pod table the item's Pods are built from anyway (every pod of a job shares its generations)."""
    if current < 0:
        return []
    return sorted({rows[current].node for rows in table if len(rows) > current})


def phase_stamp(job: Job, now: float) -> tuple[int, int]:
    """What a job's wire form depends on besides its ticking Durations."""
    return job.rev, job.index_at(now)


def job_item(job: Job, world: World, now: float) -> orjson.Fragment:
    """ListJobs ``Jobs[]``, with ``Pods`` (PodItem: current pods and their HistoryPods), as the service sends
    them and SDK users read them (``jobs[0].pods[0].pod_id``); encoded once per phase."""
    items = world.dlc.caches.list_items
    stamp = phase_stamp(job, now)
    template = items.get(job.job_id, job, stamp)
    if template is None:
        template = items.put(job.job_id, job, stamp, Template(job_item_doc(job, world, now)))
    return template.fragment(Render(now))


def job_item_doc(job: Job, world: World, now: float) -> dict[str, Any]:
    """The ListJobs item at ``now``, with an ``Elapsed`` hole for each ticking Duration."""
    out = _common(job, world, now)
    gpu = job.gpu_total
    mem = sum(r.memory_gb * r.pod_count for r in job.roles)
    out.update({
        "RequestGPU": str(gpu), "RequestMemory": str(mem), "NodeCount": str(job.pod_total),
        "NodeNames": node_names(pod_table(job, world.dlc.caches), world.dlc.caches.generation_at(job, now)),
        "ResourceQuotaName": job.quota_name, "ResourceName": job.quota_name,
        "GmtModifiedTime": ts(max(job.modified, job.times[job.index_at(now)])),
        "IsDeleted": False, "EnablePreemptibleJob": job.payment == "Spot", "UseOversoldResource": False,
        "JobMaxRunningTimeMinutes": (job.custom or {}).get("JobMaxRunningTimeMinutes", 0),
        "DataSources": _data_sources(job, with_uri=False), "StatusHistory": status_history(job, now),
        "Pods": pods(job, now, False, world.dlc.caches),
    })
    custom = job.custom or {}
    if custom.get("TemplateId"):  # a job created from a job template says which one
        out["TemplateId"], out["TemplateName"] = custom["TemplateId"], custom.get("TemplateName")
    return out


def get_job(job: Job, world: World, now: float, need_detail: bool, request_id: str) -> EncodedBody:
    """The GetJob body, encoded once per phase (and ``NeedDetail``)."""
    bodies = world.dlc.caches.job_bodies
    key, stamp = f"{job.job_id}?{int(need_detail)}", phase_stamp(job, now)
    template = bodies.get(key, job, stamp)
    if template is None:
        template = bodies.put(key, job, stamp, Template(get_job_doc(job, world, now, need_detail)))
    return EncodedBody(template.render(Render(now, request_id)))


def get_job_doc(job: Job, world: World, now: float, need_detail: bool) -> dict[str, Any]:
    """The GetJob body at ``now``, with holes for the ticking Durations and the request id."""
    out = _common(job, world, now)
    out.update({
        "Description": job.description,
        "RequestGPU": float(job.gpu_total),
        "RequestMemory": float(sum(r.memory_gb * r.pod_count for r in job.roles)),
        "DataSources": _data_sources(job, with_uri=True),
        "UserVpc": _vpc(job),
    })
    if need_detail:
        out["Pods"] = pods(job, now, True, world.dlc.caches)
        out["StatusHistory"] = status_history(job, now)
        out["RestartRecord"] = restart_record(job, now)
        out["JobReplicaStatuses"] = replica_statuses(job, now, world.dlc.caches)
    out["RequestId"] = RequestId()
    return out


def _vpc(job: Job) -> dict[str, Any] | None:
    if job.custom is not None:
        return job.custom.get("UserVpc")
    if job.key % 4:
        return None
    return {"VpcId": f"vpc-bp1{_h(job, 'vpc', 17)}", "SwitchId": f"vsw-bp1{_h(job, 'vsw', 17)}",
            "SecurityGroupId": f"sg-bp1{_h(job, 'sg', 17)}", "DefaultRoute": "eth0", "ExtendedCidrs": []}


def restart_record(job: Job, now: float) -> list[dict[str, Any]]:
    out = []
    count = 0
    slots = pod_slots(job)
    for i, (t, p) in enumerate(zip(job.times, job.phases, strict=True)):
        if t > now:
            break
        if p.status != "Restarting":
            continue
        count += 1
        end = job.times[i + 1] if i + 1 < len(job.times) else t
        slot = slots[job.failing_pod % len(slots)] if slots else None
        out.append({
            "JobRestartCount": count, "OccurTime": ts(t), "OccurPhase": "Running", "Reason": p.reason_code,
            "RestartLevelType": "JobLevel", "RestartDurationInSec": int(end - t),
            "RestartStatus": "Succeeded" if end <= now else "Restarting",
            "DetailErrorInfoList": [{
                "ErrorCode": p.reason_code, "ErrorMsg": p.reason_message, "ErrorSource": "AIMaster",
                "Pod": slot.pod_id if slot else None,
                "Node": node_name(job, slot, count - 1) if slot else None,
                "TriggerRestart": True, "AddNodeToBlacklist": p.reason_code == "NodeNotReady",
                "AddJobLevelBlacklist": False,
            }],
        })
    return out


def replica_statuses(job: Job, now: float, caches: DlcCaches) -> list[dict[str, Any]]:
    segs = [s for s in caches.segments(job) if s.created <= now]
    seg = segs[-1] if segs else None
    running = seg is not None and seg.started is not None and seg.started <= now and (
        seg.ended is None or seg.ended > now)
    queuing = job.status_at(now) in ("Queuing", "Bidding")
    return [{"Type": r.type, "Active": r.pod_count if running else 0, "Queuing": r.pod_count if queuing else 0,
             "Dequeued": 0 if queuing or seg is None else r.pod_count, "EstimatedPodCount": r.pod_count}
            for r in job.roles]
