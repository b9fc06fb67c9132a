"""Tensorboards: seeded next to jobs, each with a small status plan (Creating → Running → Succeeded when
``MaxRunningTimeMinutes`` is reached; StopTensorboard → Stopped; StartTensorboard → Creating → Running again).
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from paitui.sim.dlc.catalog import OSS_BUCKETS
from paitui.sim.dlc.wire import ts
from paitui.sim.errors import invalid_param, not_found

if TYPE_CHECKING:
    from paitui.sim.dlc.model import Job
    from paitui.sim.dlc.state import DlcState

TB_STATUSES = ("Creating", "Running", "Stopped", "Succeeded", "Failed")
TB_TERMINAL = frozenset({"Stopped", "Succeeded", "Failed"})
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(slots=True)
class Tensorboard:
    tensorboard_id: str
    workspace_id: str
    user_id: str
    display_name: str
    job_id: str | None
    created: float
    times: list[float]
    statuses: list[tuple[str, str | None, str | None]]  # (status, ReasonCode, ReasonMessage)
    max_minutes: int
    accessibility: str = "PRIVATE"
    priority: str = "1"
    cpu: int = 2
    memory: int = 4
    summary_path: str = ""
    data_source_id: str | None = None
    data_source_type: str | None = None
    quota_id: str | None = None
    modified: float = 0.0
    options: str | None = None
    payment: str = "Free"  # Free | Postpaid (a TensorboardSpec asks for pay-as-you-go resources)
    sources: list[dict[str, Any]] | None = None  # TensorboardDataSources given by CreateTensorboard, if any

    def status_at(self, t: float) -> tuple[str, str | None, str | None]:
        i = bisect_right(self.times, t) - 1
        return self.statuses[max(i, 0)]

    def run_plan(self, start: float, creating: float = 30.0) -> None:
        """From ``start``: Creating → Running → Succeeded when the maximum running time is reached."""
        keep = bisect_right(self.times, start)
        del self.times[keep:]
        del self.statuses[keep:]
        running = start + creating
        self.times += [start, running, running + self.max_minutes * 60.0]
        self.statuses += [("Creating", None, None), ("Running", None, None),
                          ("Succeeded", "MaxRunningTimeReached",
                           f"The tensorboard reached its maximum running time of {self.max_minutes} minutes.")]

    def reschedule_expiry(self, now: float) -> None:
        """After UpdateTensorboard(MaxRunningTimeMinutes): move the planned end of a live tensorboard."""
        if self.statuses[-1][0] != "Succeeded" or self.times[-1] <= now:
            return
        running = self.times[-2]
        self.times[-1] = max(running + self.max_minutes * 60.0, now)
        self.statuses[-1] = ("Succeeded", "MaxRunningTimeReached",
                             f"The tensorboard reached its maximum running time of {self.max_minutes} minutes.")

    def stop(self, now: float) -> None:
        keep = bisect_right(self.times, now)
        del self.times[keep:]
        del self.statuses[keep:]
        self.times.append(now)
        self.statuses.append(("Stopped", "TensorboardStoppedByUser", "Tensorboard is stopped by user."))


class TensorboardStore:
    def __init__(self, dlc: DlcState) -> None:
        self.dlc = dlc
        self.items: dict[str, Tensorboard] = {}
        self._seed(dlc.world.rng("dlc.tensorboards"))
        self.create_rng = dlc.world.rng("dlc.tensorboards.created")  # ids of tensorboards made by calls

    def _new_id(self, rng: random.Random) -> str:
        return "tb" + "".join(rng.choice(_ALNUM) for _ in range(14))

    def _seed(self, rng: random.Random) -> None:
        genesis = self.dlc.genesis
        jobs = [j for j in self.dlc.all_jobs() if j.first_time("Running", genesis) is not None]
        if not jobs:
            return
        count = min(len(jobs), max(12, len(jobs) // 30))
        chosen = rng.sample(jobs, count)
        for job in chosen:
            start = job.first_time("Running", genesis) or job.created
            created = min(start + rng.uniform(60.0, 3600.0), genesis - rng.uniform(60.0, 600.0))
            tb = self._make(job, created, rng.choice((120, 240, 480, 1440)), rng)
            roll = rng.random()
            if roll < 0.06:
                tb.times, tb.statuses = [created, created + 40.0], [
                    ("Creating", None, None),
                    ("Failed", "SummaryPathNotFound", f"The summary path {tb.summary_path} does not exist.")]
            elif roll < 0.3:
                tb.stop(min(created + rng.uniform(300.0, 7200.0), genesis))
            self.items[tb.tensorboard_id] = tb
        # the newest running jobs get fresh tensorboards, so Creating and Running exist at genesis
        taken = {j.job_id for j in chosen}
        active = [j for j in jobs[-2000:] if j.status_at(genesis) == "Running" and j.job_id not in taken][-3:]
        for k, job in enumerate(active):
            created = genesis - (10.0 if k == 0 else rng.uniform(120.0, 900.0))
            tb = self._make(job, created, 1440, rng)
            self.items[tb.tensorboard_id] = tb

    def _make(self, job: Job, created: float, max_minutes: int, rng: random.Random) -> Tensorboard:
        bucket = OSS_BUCKETS[job.key % len(OSS_BUCKETS)]
        tb = Tensorboard(
            tensorboard_id=self._new_id(rng), workspace_id=job.workspace_id, user_id=job.user_id,
            display_name=f"tb-{job.display_name}", job_id=job.job_id, created=created, times=[], statuses=[],
            max_minutes=max_minutes, accessibility=job.accessibility,
            summary_path=f"oss://{bucket}.oss-cn-hangzhou-internal.aliyuncs.com/output/{job.display_name}/runs/",
            data_source_id=f"d-{job.job_id[3:]}", data_source_type="OSS", quota_id=job.quota_id, modified=created)
        tb.run_plan(created, rng.uniform(20.0, 60.0))
        return tb

    def create_for_job(self, job: Job, now: float, max_minutes: int, rng: random.Random) -> Tensorboard:
        tb = self._make(job, now, max_minutes, rng)
        self.items[tb.tensorboard_id] = tb
        return tb

    def create_for_sources(self, workspace_id: str, user_id: str, body: dict[str, Any], now: float,
                           max_minutes: int) -> Tensorboard:
        rng = self.create_rng
        sources = _given_sources(body)
        first = sources[0] if sources else {}
        uri = str(body.get("Uri") or body.get("SummaryPath") or first.get("Uri")
                  or "oss://pai-sandbox-hz/tensorboard/")
        tb = Tensorboard(
            tensorboard_id=self._new_id(rng), workspace_id=workspace_id, user_id=user_id,
            display_name="tensorboard-" + "".join(rng.choice(_ALNUM) for _ in range(6)), job_id=None,
            created=now, times=[], statuses=[], max_minutes=max_minutes, summary_path=uri,
            data_source_id=str(body.get("DataSourceId") or first.get("Id") or "") or None,
            data_source_type=str(body.get("DataSourceType") or first.get("DataSourceType") or "OSS"),
            quota_id=body.get("QuotaId"), modified=now, sources=sources or None)
        tb.run_plan(now, rng.uniform(20.0, 60.0))
        self.items[tb.tensorboard_id] = tb
        return tb

    def get(self, tensorboard_id: str, workspace_id: str | None = None) -> Tensorboard:
        tb = self.items.get(tensorboard_id)
        if tb is None or (workspace_id and tb.workspace_id != workspace_id):
            raise not_found("NotFound.Tensorboard", "tensorboard", tensorboard_id)
        return tb


def _given_sources(body: dict[str, Any]) -> list[dict[str, Any]]:
    """CreateTensorboard's ``DataSources`` (DataSourceItem: a dataset with its Path) and
    ``TensorboardDataSources`` (already in the TensorboardDataSourceSpec shape), as TensorboardDataSourceSpecs."""
    out: list[dict[str, Any]] = []
    for item in body.get("DataSources") or ():
        if not isinstance(item, dict):
            raise invalid_param("DataSources", "each item must be an object")
        ident = item.get("DataSourceId")
        uri = item.get("Path") or item.get("Uri")
        if not ident and not uri:
            raise invalid_param("DataSources", "each item needs a DataSourceId or a Path")
        out.append({"Id": ident, "Name": item.get("DisplayName") or ident, "SourceType": "dataset",
                    "DataSourceType": item.get("DataSourceType") or "OSS", "Uri": uri,
                    "SummaryPath": item.get("MountPath") or "/runs", "FullSummaryPath": uri,
                    "DirectoryName": "runs"})
    for item in body.get("TensorboardDataSources") or ():
        if not isinstance(item, dict):
            raise invalid_param("TensorboardDataSources", "each item must be an object")
        out.append(dict(item))
    return out


def tensorboard_wire(tb: Tensorboard, dlc: DlcState, now: float) -> dict[str, Any]:
    status, code, message = tb.status_at(now)
    user = dlc.world.user(tb.user_id)
    running_since = next((t for t, s in zip(tb.times, tb.statuses, strict=True)
                          if t <= now and s[0] == "Running"), None)
    i = bisect_right(tb.times, now) - 1
    finish = tb.times[i] if status in TB_TERMINAL else None
    duration = int((finish or now) - running_since) if running_since is not None and (
        finish is None or finish >= running_since) else 0
    return {
        "TensorboardId": tb.tensorboard_id, "DisplayName": tb.display_name, "JobId": tb.job_id,
        "WorkspaceId": tb.workspace_id, "UserId": tb.user_id, "Username": user.name if user else None,
        "Status": status, "ReasonCode": code, "ReasonMessage": message,
        "GmtCreateTime": ts(tb.created), "GmtModifyTime": ts(max(tb.modified, tb.times[max(i, 0)])),
        "GmtFinishTime": ts(finish), "Duration": str(duration),
        "MaxRunningTimeMinutes": tb.max_minutes, "Accessibility": tb.accessibility, "Priority": tb.priority,
        "Cpu": tb.cpu, "Memory": tb.memory, "QuotaId": tb.quota_id,
        "DataSourceId": tb.data_source_id, "DataSourceType": tb.data_source_type,
        "SummaryPath": tb.summary_path, "SummaryRelativePath": "/runs", "Options": tb.options,
        "TensorboardDataSources": [dict(x) for x in tb.sources] if tb.sources else [{
            "Id": tb.data_source_id, "Name": tb.display_name, "SourceType": "job" if tb.job_id else "dataset",
            "DataSourceType": tb.data_source_type, "Uri": tb.summary_path, "SummaryPath": "/runs",
            "FullSummaryPath": tb.summary_path, "DirectoryName": "runs"}],
        "TensorboardSpec": {"EcsType": "ecs.g6.large"},
        "TensorboardUrl": (f"https://pai-dlc-proxy.cn-hangzhou.aliyuncs.com/tensorboard/{tb.tensorboard_id}/"
                           if status == "Running" else None),
    }
