"""What a training container prints: startup banner, NCCL init, data loading, per-tick progress lines,
checkpoints, warnings (with same-millisecond bursts of identical lines) and the ending (success, traceback
matching the ReasonCode, SIGTERM on stop). Pure functions of a ``LogCtx`` and a tick number: nothing stored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def noise(j: int, salt: int) -> float:
    """Cheap deterministic noise in [-0.5, 0.5): a small integer hash (multiply, xor-shift, multiply)."""
    x = (j * 0x9E3779B1 + salt) & 0xFFFFFFFF
    x = ((x ^ (x >> 15)) * 0x2C1B3C6D) & 0xFFFFFFFF
    return ((x ^ (x >> 12)) & 0xFFFF) / 65536.0 - 0.5


@dataclass(slots=True)
class LogCtx:
    family: str  # torch | tf | mpi | xgb | batch | megatron | ray | dj | aimaster
    aux: bool  # a coordinating role (PS, Head, Launcher, Master of xgb): fewer, different lines
    job_id: str
    pod_id: str
    uid: str
    node: str
    ip: str
    image: str
    command: str
    name: str
    rank: int
    world: int
    gpus: int  # per pod
    lingjun: bool
    instance: int
    salt: int
    spt: int  # optimisation steps per tick
    total: int  # total steps of the run (for "step s/T")
    step_base: int  # first step of this incarnation (resumed from a checkpoint after a restart)
    ckpt_every: int  # ticks between checkpoints
    burst_mod: int  # ticks between gradient-overflow bursts
    blamed_rank: int
    burst_at: int = 0
    spill_at: int = 0
    warm: int = 1
    tau: float = 1.0
    failure: str = ""  # what broke (catalog.FAILURES), when the job fails

    def step(self, j: int) -> int:
        return self.step_base + (j + 1) * self.spt


    def __post_init__(self) -> None:
        # precomputed for the hot loop (tick)
        self.burst_at = self.salt % self.burst_mod
        self.spill_at = (self.salt + 7) % self.burst_mod
        self.warm = max(self.total // 50, 1)
        self.tau = max(self.total / 4.0, 1.0)

    def lr(self, s: int) -> float:
        warm = self.warm
        peak = 2e-5 if self.family in ("torch", "megatron") else 1e-3
        scale = min(1.0, s / warm) * 0.5 * (1.0 + math.cos(math.pi * min(s / max(self.total, 1), 1.0)))
        return peak * max(scale, 0.02)


def preamble(c: LogCtx) -> list[tuple[int, str]]:
    """(offset ms from container start, text) of the startup phase."""
    out: list[tuple[int, str]] = [
        (120, f"[entrypoint] PAI-DLC job {c.job_id} pod {c.pod_id} (uid {c.uid}) on node {c.node}"),
        (121, f"[entrypoint] image {c.image}"),
        (122, f"[entrypoint] RANK={c.rank} WORLD_SIZE={c.world} MASTER_ADDR={c.job_id}-master-0 "
              f"MASTER_PORT=23456"),
        (180, f"+ {c.command}"),
    ]
    if c.family == "aimaster":
        return [(300, f"[aimaster-worker] agent started for {c.pod_id}, reporting to aimaster every 30s")]
    r = f"[rank{c.rank}]"
    if c.family in ("torch", "megatron", "mpi", "ray", "batch") and c.gpus and not c.aux:
        net = "IB" if c.lingjun else "Socket"
        out += [
            (2400, f"{r} torch 2.3.0+cu121, CUDA 12.1, cuDNN 8902, NCCL 2.20.5, {c.gpus} visible GPU(s)"),
            (3100, f"{r} Initializing process group: backend=nccl, world_size={c.world * c.gpus}"),
            (3350, f"{c.pod_id}:{40 + c.rank}:{40 + c.rank} [0] NCCL INFO Bootstrap : Using eth0:{c.ip}<0>"),
            (3351, f"{c.pod_id}:{40 + c.rank}:{40 + c.rank} [0] NCCL INFO Using network {net}"),
            (4020, f"{c.pod_id}:{40 + c.rank}:{40 + c.rank} [0] NCCL INFO comm 0x55d5c0a1b2c0 rank {c.rank} "
                   f"nranks {c.world} cudaDev 0 busId 1000 - Init COMPLETE"),
        ]
    elif c.family == "tf":
        out += [(2100, "INFO:tensorflow:TF_CONFIG environment variable: {'cluster': ..., 'task': {'type': "
                       f"'{'ps' if c.aux else 'worker'}', 'index': {c.rank}}}}}"),
                (2600, f"INFO:tensorflow:Start Tensorflow server. rank={c.rank}")]
    if c.aux:
        out.append((5200, f"{r} coordinator ready, waiting for {c.world - 1} peer(s)"))
        return out
    samples = 1_000_000 + (c.salt % 9_000_000)
    out += [
        (5600, f"{r} Loading dataset from /mnt/data/datasets/{c.name}/"),
        (9800, f"Map (num_proc=16): 100%|██████████| {samples}/{samples} [00:04<00:00, "
               f"{samples // 4} examples/s]"),
        (14300, f"{r} Loaded {samples:,} training samples, {samples // 100:,} validation samples"),
        (16400, f"{r} ***** Running training ***** total optimization steps = {c.total}"),
    ]
    if c.instance:
        out.append((17000, f"{r} Resuming from checkpoint /mnt/data/output/{c.name}/checkpoint-{c.step_base} "
                           f"(restart #{c.instance})"))
    return out


PREAMBLE_SPAN_MS = 18_000  # the body starts after the preamble


def tick(c: LogCtx, j: int) -> list[str]:
    """Lines printed at tick ``j`` (all with the same timestamp)."""
    s = c.step_base + (j + 1) * c.spt
    r = c.rank
    f = c.family
    if f == "aimaster":
        return [f"[aimaster-worker] {c.pod_id}: heartbeat ok, gpu_util={80 + int(15 * noise(j, c.salt))}%"]
    if c.aux:
        if f == "tf":
            return [f"INFO:tensorflow:ps {r}: serving {120 + c.salt % 300} variables, "
                    f"{900 + int(400 * noise(j, c.salt))} req/s"]
        if f in ("ray", "dj"):
            running = max(1, c.world - 1)
            return [f"== Status == Current time: tick {j} | Resources requested: {running * 8}/{running * 8} CPUs, "
                    f"{running * c.gpus}/{running * c.gpus} GPUs | {running} RUNNING, {j // 10} TERMINATED"]
        return [f"[rank{r}] coordinator: {c.world - 1} peer(s) alive, global step {s}"]
    x = (j * 0x9E3779B1 + c.salt) & 0xFFFFFFFF  # noise(j, salt) inlined: this is the hot loop
    x = ((x ^ (x >> 15)) * 0x2C1B3C6D) & 0xFFFFFFFF
    n = ((x ^ (x >> 12)) & 0xFFFF) / 65536.0 - 0.5
    loss = 0.9 + 2.6 * math.exp(-s / c.tau) + 0.08 * n
    if f == "torch":
        total = c.total
        lr = 2e-5 * max(min(1.0, s / c.warm) * 0.5 * (1.0 + math.cos(math.pi * min(s / total, 1.0))), 0.02)
        line = (f"[rank{r}] step {s}/{total} loss={loss:.4f} lr={lr:.2e} grad_norm={1.2 + n:.3f} "
                f"tokens/s={int(15000 + 3000 * n)} mem={60.5 + 4 * n:.1f}GiB")
    elif f == "tf":
        line = f"INFO:tensorflow:loss = {loss / 5:.5f}, step = {s} ({8.1 + n:.3f} sec)"
    elif f == "mpi":
        line = f"[1,{r}]<stdout>:Iter #{s}: {812.4 + 60 * n:.1f} img/sec per GPU, loss={loss:.4f}"
    elif f == "xgb":
        auc = 0.93 - 0.2 * math.exp(-s / max(c.total / 5, 1)) + 0.002 * n
        line = f"[{s}]\ttrain-auc:{auc:.5f}\tvalidation-auc:{auc - 0.012:.5f}"
    elif f == "batch":
        line = (f"[worker-{r}] processed batch {s}/{c.total}: 64 prompts, {int(2400 + 500 * n)} tokens/s, "
                f"p50 latency {int(820 + 120 * n)} ms")
    elif f == "megatron":
        total = c.total
        lr = 2e-5 * max(min(1.0, s / c.warm) * 0.5 * (1.0 + math.cos(math.pi * min(s / total, 1.0))), 0.02)
        line = (f" iteration {s:8d}/{total:8d} | consumed samples: {s * 512:10d} | elapsed time per iteration "
                f"(ms): {8120.5 + 300 * n:.1f} | learning rate: {lr:.6E} | global batch size:   512 | "
                f"lm loss: {loss:.6E} | loss scale: 1.0 | grad norm: {1.1 + n:.3f} | number of skipped "
                f"iterations:   0 | number of nan iterations:   0 |")
    elif f == "ray":
        line = (f"(RayTrainWorker pid={3000 + r}, ip={c.ip}) epoch {s // 1000} step {s}: loss={loss:.4f}, "
                f"throughput={310.2 + 40 * n:.1f} samples/s")
    else:  # dj
        total = c.total * 100
        done = min(s * 100, total)
        line = (f"| INFO     | data_juicer.core.executor:189 - [document_deduplicator] processed "
                f"{done}/{total} samples ({100.0 * done / total:.2f}%), kept {int(done * 0.83)}")
    out = [line]
    phase = j % c.burst_mod
    if phase == c.burst_at and f in ("torch", "megatron", "mpi"):
        # a same-millisecond burst of identical lines: the client's tailer must not collapse them
        scale = 2 ** (16 - (j // c.burst_mod) % 4)
        out += [f"[rank{r}] WARNING: gradient overflow, skipping step, reducing loss scale to {scale}.0"] * 3
    elif phase == c.spill_at and f in ("ray", "dj", "batch", "xgb", "tf"):
        out += [f"[rank{r}] WARNING: object store is 85% full, spilling to disk"] * 2
    if j and j % c.ckpt_every == 0:
        out.append(f"[rank{r}] Saving checkpoint to /mnt/data/output/{c.name}/checkpoint-{s}")
        out.append(f"[rank{r}] Checkpoint saved ({4.1 + n:.1f} GiB) in {12.3 + 5 * n:.1f}s")
    if j % 397 == 41:
        out.append("/usr/local/lib/python3.11/site-packages/torch/utils/data/dataloader.py:557: UserWarning: "
                   "This DataLoader will create 16 worker processes in total. Our suggested max number of "
                   "worker in current system is 8, which is smaller than what this DataLoader is going to "
                   "create.")
        out.append("  warnings.warn(")
    elif j % 263 == 17:
        out.append(f"[rank{r}] WARNING: data loader is slow: waited {2.5 + 3 * (n + 0.5):.2f}s for batch "
                   f"(prefetch_factor=2)")
    return out


def epilogue(c: LogCtx, kind: str, reason: str | None, end_step: int) -> list[str]:
    """Closing lines: success, a traceback matching ``reason``, a SIGTERM on stop, or a restart."""
    r = f"[rank{c.rank}]"
    if c.family == "aimaster":
        return [f"[aimaster-worker] {c.pod_id}: main container exited, agent stopping"]
    if kind == "succeeded":
        return [f"{r} Training completed at step {end_step}", f"{r} Saving final model to "
                f"/mnt/data/output/{c.name}/final", "[entrypoint] user process exited with code 0"]
    if kind == "stopped":
        return ["[entrypoint] received SIGTERM, forwarding to the user process",
                f"{r} Caught signal 15, saving emergency checkpoint at step {end_step}",
                "[entrypoint] user process exited with code 143"]
    if c.rank != c.blamed_rank and reason != "NCCLTimeout":
        if reason == "NodeNotReady":
            return [f"{r} WARNING: lost connection to rank {c.blamed_rank} (node NotReady), waiting for "
                    "AIMaster to restart the job"]
        return [f"{r} ERROR: peer rank {c.blamed_rank} failed, terminating",
                "[entrypoint] user process exited with code 1"]
    if reason == "NodeNotReady":
        return []  # the node died: the log just stops
    if reason == "OOMKilled" and c.failure == "host-oom":  # the kernel kills it: no traceback, exit 137
        return [f"{r} Loading shard {end_step % 97:05d} of the dataset into memory", "Killed",
                "[entrypoint] user process was killed by signal 9 (SIGKILL): exit code 137"]
    tb = ["Traceback (most recent call last):",
          '  File "/root/code/train.py", line 412, in <module>', "    main()",
          '  File "/root/code/train.py", line 388, in main']
    if reason == "OOMKilled":
        tb += ["    loss = model(**batch).loss",
               '  File "/usr/local/lib/python3.11/site-packages/torch/nn/modules/module.py", line 1532, in '
               "_wrapped_call_impl", "    return self._call_impl(*args, **kwargs)",
               "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.50 GiB. GPU 0 has a total "
               "capacity of 79.15 GiB of which 1.23 GiB is free. Process 4123 has 77.91 GiB memory in use. "
               "Of the allocated memory 74.02 GiB is allocated by PyTorch, and 2.11 GiB is reserved by PyTorch "
               "but unallocated."]
    elif reason == "NCCLTimeout":
        head = [f"[rank{c.rank}]:[E ProcessGroupNCCL.cpp:1182] [PG 0 Rank {c.rank}] Watchdog caught collective "
                f"operation timeout: WorkNCCL(SeqNum={end_step * 3}, OpType=ALLREDUCE, NumelIn=262144000, "
                "NumelOut=262144000, Timeout(ms)=1800000) ran for 1800231 milliseconds before timing out.",
                f"[rank{c.rank}]:[E ProcessGroupNCCL.cpp:577] [Rank {c.rank}] Some NCCL operations have failed "
                "or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might "
                "run on corrupted/incomplete data."]
        tb = head + tb + ["    optimizer.step()",
                          "torch.distributed.DistBackendError: NCCL communicator was aborted on rank "
                          f"{c.rank}. Original reason for failure was: NCCL timeout (Timeout(ms)=1800000)"]
    else:
        tb += _USER_ERRORS.get(c.failure, _USER_ERRORS["FileNotFoundError"])(c, end_step)
    return [*tb, "[entrypoint] user process exited with code 1"]


_USER_ERRORS = {  # the last lines of a traceback, per UserCodeError failure (catalog.FAILURES)
    "FileNotFoundError": lambda c, step: [
        "    val_set = load_split(args.data_dir, 'val')",
        f"FileNotFoundError: [Errno 2] No such file or directory: '/mnt/data/datasets/{c.name}/val.jsonl'"],
    "KeyError": lambda c, step: [
        "    labels = batch['labels'].to(device)", "KeyError: 'labels'"],
    "ValueError": lambda c, step: [
        "    loss = criterion(logits, labels)",
        "ValueError: Expected input batch_size (32) to match target batch_size (16)."],
    "disk-full": lambda c, step: [
        "    save_checkpoint(model, optimizer, step)", '  File "/root/code/ckpt.py", line 41, in save_checkpoint',
        "    torch.save(state, path)",
        f"OSError: [Errno 28] No space left on device: '/root/ckpt/{c.name}/step-{step}.pt'"],
    "mount-lost": lambda c, step: [
        "    batch = next(loader)", '  File "/root/code/data.py", line 77, in __next__',
        "    with open(self.files[self.i], 'rb') as f:",
        f"OSError: [Errno 107] Transport endpoint is not connected: '/mnt/data/datasets/{c.name}/"
        f"train-{step % 512:05d}.parquet'"],
    "rendezvous": lambda c, step: [
        "    dist.init_process_group(backend='nccl')",
        "torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError: the rendezvous of the job did not "
        "complete: 3 of 4 ranks joined within 600 s"],
}

EPILOGUE_LEAD_MS = 1_500  # the ending is printed within this much before the process ends
