"""Deterministic generation of the job population: the history before genesis and the trickle after it.

Job ``i`` draws everything from its own ``random.Random(key(i))``, so a job's content never depends on how
many other jobs were generated before it, and the post-genesis arrivals can be produced lazily as the clock
moves. A few "anchor" jobs are placed so that every one of the 13 statuses is present at genesis.
"""

from __future__ import annotations

import hashlib
import random
from typing import TYPE_CHECKING

from paitui.sim.dlc import catalog as cat
from paitui.sim.dlc.lifecycle import PlanSpec, apply, build, random_spec
from paitui.sim.dlc.model import Job, Role
from paitui.sim.world import DEMO_USER

if TYPE_CHECKING:
    from paitui.sim.world import World

DAY = 86400.0
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def job_key(seed: int, index: int) -> int:
    digest = hashlib.blake2b(f"dlc:{seed}:{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def job_id_for(key: int) -> str:
    out, n = [], key
    for _ in range(14):
        n, r = divmod(n, 36)
        out.append(_ALNUM[r])
    return "dlc" + "".join(out)


class JobFactory:
    """Builds jobs for one world; ``seeded(i)`` for history, ``arrival(i, t)`` for jobs after genesis."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.seed = world.seed
        self.genesis = world.genesis.timestamp()
        refs = [w for w in world.workspace_refs if w.weight > 0]
        self.workspaces = [w.workspace_id for w in refs]
        self.ws_weights = [w.weight for w in refs]
        # a good share of jobs belong to the demo caller ("owner:me"), the first user of the directory
        self.users = [DEMO_USER, *(u for u in world.users if u.user_id != DEMO_USER.user_id)]
        others = len(self.users) - 1
        self.user_weights = [30] + [70 // max(others, 1)] * others

    # --- public ---

    def seeded(self, index: int, anchor: str | None = None, job_type: str | None = None) -> Job:
        key = job_key(self.seed, index)
        rng = random.Random(key)
        job = self._skeleton(key, rng, job_type)
        spec = self._history_spec(job, rng)
        created = self._history_created(rng)
        if anchor is not None:
            created = self._anchor(job, spec, rng, anchor)
        else:
            self._finish(job, spec, created)
        return job

    def arrival(self, index: int, at: float) -> Job:
        key = job_key(self.seed, index)
        rng = random.Random(key)
        job = self._skeleton(key, rng)
        spec = random_spec(rng, fresh=True)
        spec.spot, spec.sanity = job.payment == "Spot", job.sanity_check
        spec.reserved_minutes = job.reserved_minutes
        # most new jobs finish within minutes so a running demo shows whole lifecycles
        spec.run = rng.uniform(60.0, 600.0) if rng.random() < 0.7 else rng.uniform(1200.0, 3 * 3600.0)
        roll = rng.random()
        if roll < 0.12:
            spec.outcome, spec.reason = "failed", rng.choice(cat.RUN_FAILURES)
        if rng.random() < 0.05 and job.max_restarts:
            spec.restarts = [rng.choice(cat.RESTART_CAUSES)]
        self._finish(job, spec, at)
        return job

    # --- pieces ---

    def _skeleton(self, key: int, rng: random.Random, forced_type: str | None = None) -> Job:
        ws = rng.choices(self.workspaces, self.ws_weights)[0]
        job_type = rng.choices(cat.JOB_TYPES, cat.JOB_TYPE_WEIGHTS)[0]
        job_type = forced_type or job_type
        user = rng.choices(self.users, self.user_weights)[0]
        name = self._name(rng, ws, job_type)
        quotas = cat.QUOTAS.get(ws, ())
        gpu_job = job_type not in ("XGBoostJob",) and not (ws == "264903" and rng.random() < 0.5)
        roll = rng.random()
        if gpu_job and job_type in ("PyTorchJob", "SlurmJob", "RayJob") and roll < 0.1:
            payment = "Spot"
        elif quotas and roll < 0.62:
            payment = "PrePaid"
        else:
            payment = "PostPaid"
        quota = rng.choice(quotas) if payment == "PrePaid" else None
        if quota is not None and not quota[3]:
            gpu_job = False
        resource_type = "Lingjun" if payment == "Spot" or (quota and quota[2] == "Lingjun") else "ECS"
        image = rng.choice(cat.IMAGES[job_type])
        roles = self._roles(rng, job_type, image, gpu_job, payment, quota)
        tags: dict[str, str] = {}
        if rng.random() < 0.6:
            tags["team"] = rng.choice(cat.TAG_TEAMS)
        if rng.random() < 0.4:
            tags["project"] = rng.choice(cat.TAG_PROJECTS)
        multi_gpu = sum(r.gpu * r.pod_count for r in roles) >= 8
        return Job(
            job_id=job_id_for(key), key=key, workspace_id=ws, user_id=user.user_id, display_name=name,
            job_type=job_type, created=0.0, roles=roles, payment=payment, resource_type=resource_type,
            quota_id=quota[0] if quota else None, quota_name=quota[1] if quota else None,
            priority=rng.choice((1, 1, 3, 5, 5, 5, 7, 9)), description=rng.choice(cat.DESCRIPTIONS),
            accessibility=rng.choice(("PRIVATE", "PRIVATE", "PUBLIC")), tags=tags,
            sanity_check=multi_gpu and (resource_type == "Lingjun" or rng.random() < 0.15),
            reserved_minutes=rng.choice((5, 10, 30)) if rng.random() < 0.08 else 0,
            max_restarts=rng.choice((0, 3, 3, 5)), elastic=job_type == "ElasticBatchJob" or (
                job_type == "PyTorchJob" and rng.random() < 0.3),
            user_command=self._command(rng, job_type, name), times=[], phases=[],
        )

    def _name(self, rng: random.Random, ws: str, job_type: str) -> str:
        n = rng.randint(1, 40)
        if job_type in cat.BY_TYPE_NAMES:
            return rng.choice(cat.BY_TYPE_NAMES[job_type]).format(n=n)
        if ws == "264902" or (job_type == "PyTorchJob" and ws == "264904" and rng.random() < 0.5):
            return rng.choice(cat.VISION).format(n=n)
        if ws == "264903" or job_type == "TFJob":
            return rng.choice(cat.RECSYS).format(n=f"2026{rng.randint(1, 2):02d}{rng.randint(1, 28):02d}"
                                                   if rng.random() < 0.3 else n)
        return f"{rng.choice(cat.LLM_MODELS)}-{rng.choice(cat.LLM_TASKS)}-{rng.choice(cat.LLM_VARIANTS)}"

    def _roles(self, rng: random.Random, job_type: str, image: str, gpu_job: bool, payment: str,
               quota: tuple[str, str, str, str] | None) -> tuple[Role, ...]:
        roles: list[Role] = []
        if payment == "Spot":
            gpu_ecs = rng.choice(cat.LINGJUN_SPOT)
        elif quota is not None and quota[2] == "Lingjun":
            gpu_ecs = "ml.gu7xf.c96m1600.8-gu108"
        else:
            gpu_ecs = rng.choice(cat.GPU_ECS)
        cpu_ecs = rng.choice(cat.CPU_ECS)
        single = job_type == "PyTorchJob" and rng.random() < 0.35
        for role_type, lo, hi in cat.ROLES[job_type]:
            if single and role_type == "Master":
                continue
            count = 1 if single else rng.randint(lo, hi)
            if count == 0:
                continue
            if job_type == "TFJob" and role_type == "Chief" and rng.random() < 0.5:
                continue
            uses_gpu = gpu_job and role_type not in cat.CPU_ROLES
            ecs = cat.ECS_BY_TYPE[gpu_ecs if uses_gpu else cpu_ecs]
            if quota is not None:  # dedicated resources: ResourceConfig, no EcsSpec (red line 1)
                gpus = (rng.choice((1, 2, 4, 8)) if uses_gpu else 0)
                cpu = max(4, gpus * 12) if uses_gpu else rng.choice((4, 8, 16))
                roles.append(Role(role_type, count, image, None, cpu, gpus, cpu * 4 if not gpus else gpus * 96,
                                  (quota[3] or "") if gpus else "", False))
            else:
                roles.append(Role(role_type, count, image, ecs.instance_type, ecs.cpu, ecs.gpu, ecs.memory,
                                  ecs.gpu_type, payment == "Spot"))
        return tuple(roles)

    def _command(self, rng: random.Random, job_type: str, name: str) -> str:
        out = f"/mnt/data/output/{name}"
        if job_type == "PyTorchJob":
            return (f"torchrun --nproc_per_node=$GPU_NUM --nnodes=$WORLD_SIZE --node_rank=$RANK "
                    f"--master_addr=$MASTER_ADDR --master_port=$MASTER_PORT train.py "
                    f"--config configs/{name}.yaml --output_dir {out} --lr {rng.choice(('2e-5', '1e-4', '3e-4'))}")
        if job_type == "TFJob":
            return f"python train.py --ps_hosts=$PS_HOSTS --worker_hosts=$WORKER_HOSTS --model_dir={out}"
        if job_type == "MPIJob":
            return "mpirun -np $WORLD_SIZE --allow-run-as-root python train_horovod.py --epochs 30"
        if job_type == "XGBoostJob":
            return f"python xgb_train.py --train /mnt/data/train.parquet --num_round 500 --out {out}"
        if job_type == "SlurmJob":
            return "sbatch --wait --nodes=$SLURM_NNODES run_pretrain.sbatch"
        if job_type == "RayJob":
            return f"python -m entrypoint --experiment {name} --num-samples 64"
        if job_type == "DataJuicerJob":
            return f"dj-process --config configs/{name}.yaml --export_path {out}/result.jsonl"
        if job_type == "ElasticBatchJob":
            return f"python batch_infer.py --input oss://pai-llm-hz/prompts/ --output {out}"
        return f"python3 -m oneflow.distributed.launch train.py --output {out}"

    def _history_created(self, rng: random.Random) -> float:
        roll = rng.random()
        if roll < 0.07:  # a burst of recent work so plenty is active at genesis
            age = rng.uniform(0.0, 0.25 * DAY)
        elif roll < 0.30:
            age = rng.uniform(0.25 * DAY, 7 * DAY - 600.0)
        else:
            age = rng.uniform(7 * DAY + 600.0, 45 * DAY)
        return self.genesis - age

    def _history_spec(self, job: Job, rng: random.Random) -> PlanSpec:
        spec = random_spec(rng, fresh=False)
        spec.spot, spec.sanity = job.payment == "Spot", job.sanity_check
        spec.reserved_minutes = job.reserved_minutes
        name = job.display_name
        if "pretrain" in name or "cpt" in name or job.gpu_total >= 32:
            spec.run = rng.uniform(1 * DAY, 5 * DAY)
        elif job.job_type in ("DataJuicerJob", "XGBoostJob", "ElasticBatchJob"):
            spec.run = rng.uniform(300.0, 2 * 3600.0)
        else:
            spec.run = min(max(rng.lognormvariate(8.0, 1.2), 120.0), 2 * DAY)  # median ≈ 50 min
        if job.max_restarts:
            roll = rng.random()
            if roll < 0.04:
                spec.restarts = [rng.choice(cat.RESTART_CAUSES) for _ in range(2)]
            elif roll < 0.16:
                spec.restarts = [rng.choice(cat.RESTART_CAUSES)]
        roll = rng.random()
        if roll < 0.02:
            spec.outcome = "failed_pull"
            for r in job.roles:
                r.image = cat.BROKEN_IMAGE
        elif roll < 0.035 and job.payment == "PrePaid":
            spec.outcome = "failed_quota"
        elif roll < 0.16:
            spec.outcome, spec.reason = "failed", rng.choice(cat.RUN_FAILURES)
        elif roll < 0.19:
            spec.outcome = "stopped_queue"
        elif roll < 0.31:
            spec.outcome = "stopped"
            spec.run *= rng.uniform(0.1, 0.9)
        return spec

    def _finish(self, job: Job, spec: PlanSpec, created: float) -> None:
        job.failing_pod = (job.key >> 8) % max(job.pod_total, 1)
        job.failure = cat.failure_of(spec.reason, job.key) if spec.outcome == "failed" else ""
        if job.failure == cat.LOST_NODE:
            spec.reason = "NodeNotReady"
        plan = build(spec, {**self._ctx(job), "failure": job.failure})
        apply(job, plan, created)
        job.created = created
        job.modified = created
        job.outcome = spec.outcome
        job.planned_run = spec.run

    def _ctx(self, job: Job) -> dict[str, str]:
        pods = [f"{job.job_id}-{r.type.lower()}-{i}" for r in job.roles for i in range(r.pod_count)]
        blamed = pods[job.failing_pod] if pods else job.job_id
        node = f"cn-hangzhou.10.0.{job.key % 200}.{(job.key >> 8) % 250 + 2}"
        return {"pod": blamed, "image": job.roles[0].image if job.roles else "", "quota": job.quota_name or "",
                "node": node, "minutes": str(job.reserved_minutes)}

    def _anchor(self, job: Job, spec: PlanSpec, rng: random.Random, status: str) -> float:
        """Place the job so that ``status`` is in force at genesis (flags adjusted to make it reachable)."""
        spec.outcome, spec.reason, spec.restarts = "succeeded", None, []
        spec.run = rng.uniform(2 * 3600.0, 12 * 3600.0)
        spec.queue = max(spec.queue, 300.0) if status == "Queuing" else spec.queue
        spec.env = max(spec.env, 120.0) if status == "EnvPreparing" else spec.env
        if status == "Bidding":
            job.payment, job.resource_type, spec.spot = "Spot", "Lingjun", True
            job.quota_id = job.quota_name = None
            for r in job.roles:
                r.spot = True
                r.ecs_spec = r.ecs_spec or "ml.gu7xf.c96m1600.8-gu108"
            spec.bidding = 600.0
        if status == "SanityChecking":
            job.sanity_check = spec.sanity = True
            spec.sanity_s = 900.0
        if status == "Restarting":
            job.max_restarts = max(job.max_restarts, 3)
            spec.restarts, spec.restart_s = ["NodeNotReady"], 300.0
        if status in ("Stopping", "Stopped"):
            spec.outcome, spec.stopping = "stopped", 120.0
        if status in ("SucceededReserving", "FailedReserving"):
            job.reserved_minutes = spec.reserved_minutes = 30
        if status in ("Failed", "FailedReserving"):
            spec.outcome, spec.reason = "failed", rng.choice(cat.RUN_FAILURES)
        self._finish(job, spec, 0.0)
        idx = max(i for i, p in enumerate(job.phases) if p.status == status)
        start = job.times[idx]
        if status in cat.TERMINAL:
            created = self.genesis - start - rng.uniform(600.0, 20 * 3600.0)
        else:
            length = job.times[idx + 1] - start
            created = self.genesis - start - length * rng.uniform(0.05, 0.35)
        shift = created - job.times[0]
        job.times = [t + shift for t in job.times]
        job.rev += 1  # the plan moved
        job.created = job.modified = created
        return created
