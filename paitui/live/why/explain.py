"""Why a job is where it is: one ``Explanation`` for ``paitui job why`` and the job detail's panel.

* **waiting** (Queuing, Bidding, EnvPreparing, SanityChecking, Creating): the reason, the job's events, the
  quota by name with its GPUs total/used/free (``live.quotas``: ListQuotas plus the jobs holding it), the job's
  place in that quota's queue (priority, then creation time) with the jobs ahead; spot stock for a spot job;
  a verdict and the fixes that would apply.
* **failed**: the culprit (the pod that failed first, ``culprit``), the error signature of its last log lines
  and the events (``signatures``) and its hint.
* otherwise a one-sentence verdict from the status.

A side read that fails (the quota, the logs) leaves its part out and says so in ``missing``; only GetJob
failing fails the explanation.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from paitui.api.errors import PaiError
from paitui.api.models.job_row import requested_gpus
from paitui.live.status import JOB
from paitui.live.why.culprit import culprit, lives
from paitui.live.why.signatures import Match, match

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.api.models.dlc import GetJobResponse
    from paitui.api.models.job_row import JobRow
    from paitui.live.quotas import QuotaUsage

LOG_TAIL = timedelta(minutes=5)  # a failed pod's last lines: this long before it ended
LAST_LINES = 200
# GetPodLogs returns the FIRST MaxLines lines of its window (default 2000: 8 minutes of a 4-lines/s trainer),
# so the window's end is reached only when nothing is cut: ask for the most one call may return
MAX_LINES = 100_000
KINDS = {"pending": "waiting", "running": "running", "succeeded": "succeeded", "failed": "failed",
         "stopped": "stopped", "unknown": "unknown"}


@dataclass(frozen=True)
class QuotaState:
    id: str
    name: str
    gpu_type: str
    total: float | None  # GPUs
    used: float
    free: float | None
    partial: bool  # the use is a lower bound (some workspace's jobs could not be read)


@dataclass(frozen=True)
class Ahead:
    id: str
    name: str
    priority: int | None
    owner: str
    gpus: float | None
    waiting_since: str | None  # ISO time of creation


@dataclass
class Explanation:
    job_id: str
    name: str
    status: str
    kind: str  # waiting, failed, running, succeeded, stopped, unknown
    verdict: str
    reason: str = ""  # ReasonCode: ReasonMessage
    events: list[str] = field(default_factory=list)
    quota: QuotaState | None = None
    position: int | None = None  # 1-based place in the quota's queue
    ahead: list[Ahead] = field(default_factory=list)
    asked_gpus: float | None = None
    spot_stock: str | None = None
    fixes: list[str] = field(default_factory=list)
    culprit: str | None = None
    signature: str | None = None
    title: str | None = None
    hint: str | None = None
    error_line: str | None = None
    missing: list[str] = field(default_factory=list)  # parts that could not be read, with why

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, [], "")}


def kind_of(status: str | None) -> str:
    entry = JOB.get((status or "").lower())
    return KINDS[entry.phase] if entry is not None else "unknown"


async def explain(client: PaiClient, job_id: str) -> Explanation:
    job = await client.dlc.get_job(job_id)
    status = job.status or "?"
    kind = kind_of(job.status)
    out = Explanation(job.job_id or job_id, job.display_name or "", status, kind, verdict="")
    if job.reason_code or job.reason_message:
        out.reason = ": ".join(p for p in (job.reason_code, job.reason_message) if p)
    if kind == "failed":
        await _failed(client, job, out)
    elif kind == "waiting":
        await _waiting(client, job, out)
    else:
        out.verdict = {"running": f"{status}: the job is running", "succeeded": "the job succeeded",
                       "stopped": "the job was stopped" + (f" ({out.reason})" if out.reason else "")}.get(
                           kind, f"status {status}")
    return out


async def _events(client: PaiClient, job: GetJobResponse, pod_id: str | None, out: Explanation) -> list[str]:
    """The job's events and the pod's, over the job's life (the service's default is the last 7 days)."""
    start = job.gmt_create_time
    end = (job.gmt_finish_time + timedelta(minutes=5)) if job.gmt_finish_time else None
    try:
        events = list((await client.dlc.get_job_events(out.job_id, start_time=start, end_time=end)).events or ())
        if pod_id:
            events += list((await client.dlc.get_pod_events(out.job_id, pod_id, start_time=start,
                                                            end_time=end)).events or ())
        return events
    except PaiError as error:
        out.missing.append(f"events: {error}")
        return []


async def _failed(client: PaiClient, job: GetJobResponse, out: Explanation) -> None:
    pod_id = culprit(job.pods or (), job.reason_message)
    out.culprit = pod_id
    lines: list[str] = []
    if pod_id:
        pod = next((p for p in lives(job.pods or ()) if p.pod_id == pod_id and p.status == "Failed"), None)
        end = pod.gmt_finish_time if pod is not None else job.gmt_finish_time
        try:
            logs = await client.dlc.get_pod_logs(
                out.job_id, pod_id, pod_uid=pod.pod_uid if pod is not None else None,
                start_time=end - LOG_TAIL if end else None, end_time=end + timedelta(minutes=1) if end else None,
                max_lines=MAX_LINES)
            lines = list(logs.logs or ())[-LAST_LINES:]
        except PaiError as error:
            out.missing.append(f"logs of {pod_id}: {error}")
    events = await _events(client, job, pod_id, out)
    out.events = events[-20:]
    found: Match | None = match(lines, events + ([out.reason] if out.reason else []))
    who = pod_id or "a pod"
    if found is not None:
        out.signature, out.title, out.hint, out.error_line = found.name, found.title, found.hint, found.line
        out.verdict = f"{who} failed first: {found.title} → {found.hint}"
    else:
        out.verdict = f"{who} failed first" + (f": {out.reason}" if out.reason else "; its log names no known error")


async def _waiting(client: PaiClient, job: GetJobResponse, out: Explanation) -> None:
    out.asked_gpus = requested_gpus(job.request_gpu, job.job_specs)
    quota_id = job.resource_id or next((s.quota_id for s in job.job_specs or () if s.quota_id), None)
    spot = [s for s in job.job_specs or () if s.use_spot_instance or s.spot_spec]
    events_task = asyncio.ensure_future(_events(client, job, None, out))
    if quota_id and out.status == "Queuing":  # later states hold their resources already
        await _queue(client, job, quota_id, out)
    if spot:
        await _spot(client, [s.ecs_spec for s in spot if s.ecs_spec], out)
    out.events = (await events_task)[-20:]
    if not out.verdict:
        doing = {"Queuing": "waiting for resources", "Bidding": "bidding for spot instances",
                 "Creating": "being created", "SanityChecking": "checking the nodes before training"}.get(
                     out.status, "preparing the job's environment (pulling the image, mounting data)")
        last = f"; last event: {out.events[-1]}" if out.events else ""
        out.verdict = f"{out.status}: {out.reason or doing}{last}"


async def _queue(client: PaiClient, job: GetJobResponse, quota_id: str, out: Explanation) -> None:
    from paitui.live.quotas import QUEUING, QuotaLister, usage

    lister = QuotaLister(client)
    try:
        quotas = (await client.workspace.list_quotas()).quotas or []
    except PaiError as error:
        out.missing.append(f"quota {quota_id}: {error}")
        return
    read = await lister.jobs()
    rows = {row.quota_id: row for row in usage(quotas, read.jobs, read.use)}
    row = rows.get(quota_id)
    if row is None:
        out.missing.append(f"quota {quota_id}: not among ListQuotas' quotas")
        return
    out.quota = _state(row)
    if (partial := read.partial()) is not None:
        out.missing.append(f"quota use is a lower bound: {partial.describe()}")
    queue = sorted((j for j in read.jobs if j.resource_id == quota_id and j.status == QUEUING),
                   key=lambda j: (-(j.priority or 0), j.gmt_create_time.timestamp() if j.gmt_create_time else 0.0))
    ids = [j.job_id for j in queue]
    if out.job_id in ids:
        place = ids.index(out.job_id)
        out.position = place + 1
        out.ahead = [_ahead(j) for j in queue[:place]]
    out.verdict, out.fixes = _queue_verdict(job, out)


def _state(row: QuotaUsage) -> QuotaState:
    free = None if row.gpu_total is None else max(0.0, row.gpu_total - row.gpu_used)
    return QuotaState(row.quota_id, row.name or row.display_name, row.gpu_type, row.gpu_total, row.gpu_used, free,
                      row.use != "complete")


def _ahead(job: JobRow) -> Ahead:
    return Ahead(job.job_id or "", job.display_name or "", job.priority, job.username or job.user_id or "",
                 requested_gpus(job.request_gpu, job.job_specs),
                 job.gmt_create_time.isoformat() if job.gmt_create_time else None)


def _n(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


def _queue_verdict(job: GetJobResponse, out: Explanation) -> tuple[str, list[str]]:
    quota = out.quota
    assert quota is not None
    asked = out.asked_gpus
    parts = [f"{quota.name} has {_n(quota.free)} of {_n(quota.total)} GPUs free"
             if quota.total is not None else f"{quota.name} states no GPU total"]
    if quota.partial:
        parts[0] = f"{quota.name} has at most {_n(quota.free)} of {_n(quota.total)} GPUs free (use partly read)"
    if asked:
        parts.append(f"you asked for {_n(asked)}")
    elif job.request_cpu:
        parts.append(f"you asked for no GPU and {job.request_cpu} CPU cores")
    priority = job.priority or 0
    if out.ahead:
        parts.append(f"{len(out.ahead)} job{'s' if len(out.ahead) != 1 else ''} with priority ≥ {priority} "
                     f"{'are' if len(out.ahead) != 1 else 'is'} ahead of you")
    elif out.position == 1:
        parts.append("you are first in its queue")
    fixes: list[str] = []
    short = asked is not None and quota.free is not None and asked > quota.free
    if not short and not out.ahead and not quota.partial:
        return "; ".join(parts) + " → it fits and nothing is ahead: the scheduler should admit it shortly", []
    per_pod = _gpus_per_pod(job)
    if short and per_pod and quota.free is not None:
        fits = math.floor(quota.free / per_pod)
        if fits >= 1:
            fixes.append(f"lower to {fits} node{'s' if fits != 1 else ''} (fits the free GPUs now)")
    if out.ahead:
        top = max((a.priority or 0) for a in out.ahead)
        if top < 9:
            fixes.append(f"raise the priority to {min(9, top + 1)}")
    fixes.append(f"use pay-as-you-go {quota.gpu_type or 'GPU'} instances (ECS specs: :specs)")
    return "; ".join(parts) + " → " + ", or ".join(fixes), fixes


def _gpus_per_pod(job: GetJobResponse) -> float | None:
    for spec in job.job_specs or ():
        if spec.resource_config is not None and spec.resource_config.gpu_count:
            return spec.resource_config.gpu_count
    return None


async def _spot(client: PaiClient, specs: list[str], out: Explanation) -> None:
    if not specs:
        return
    try:
        answer = await client.dlc.list_ecs_specs(instance_types=",".join(sorted(set(specs))), page_size=50)
    except PaiError as error:
        out.missing.append(f"spot stock: {error}")
        return
    stock = {s.instance_type: s.spot_stock_status for s in answer.ecs_specs or () if s.instance_type}
    out.spot_stock = ", ".join(f"{name}: {stock.get(name) or 'unknown'}" for name in sorted(set(specs)))
    if not out.verdict and out.status in ("Bidding", "Queuing"):
        out.verdict = f"{out.status}: waiting for spot instances ({out.spot_stock})"


def describe(why: Explanation) -> list[str]:
    """The readable form: the verdict first, then what it rests on."""
    lines = [f"{why.job_id} ({why.name}) — {why.status}", f"verdict: {why.verdict}"]
    if why.reason:
        lines.append(f"reason:  {why.reason}")
    if why.quota is not None:
        q = why.quota
        bound = " (lower bound: some workspaces unread)" if q.partial else ""
        lines.append(f"quota:   {q.name} ({q.id}) {q.gpu_type} GPUs total {_n(q.total)} used {_n(q.used)} "
                     f"free {_n(q.free)}{bound}")
    if why.position is not None:
        lines.append(f"queue:   position {why.position}, {len(why.ahead)} ahead")
        for a in why.ahead:
            lines.append(f"  ahead: {a.id} {a.name} priority {a.priority} owner {a.owner} GPUs {_n(a.gpus)} "
                         f"since {a.waiting_since or '?'}")
    if why.spot_stock:
        lines.append(f"spot:    {why.spot_stock}")
    if why.culprit:
        lines.append(f"culprit: {why.culprit}")
    if why.signature:
        lines.append(f"error:   {why.signature} — {why.title}")
        lines.append(f"hint:    {why.hint}")
        if why.error_line:
            lines.append(f"line:    {why.error_line}")
    for fix in why.fixes:
        lines.append(f"fix:     {fix}")
    if why.events:
        lines.append("events:")
        lines += [f"  {e}" for e in why.events[-8:]]
    for gap in why.missing:
        lines.append(f"not read: {gap}")
    return lines
