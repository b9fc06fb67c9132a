"""Static vocabulary of the simulated pai-dlc product: enums, images, ECS specs, quotas, reasons, names.

Everything here is constant data; randomness lives in ``seed.py`` (which picks from these tables with the
world's deterministic streams).
"""

from __future__ import annotations

from dataclasses import dataclass

from paitui.sim.workspace.images import BROKEN_IMAGE as BROKEN_IMAGE
from paitui.sim.workspace.images import DLC_IMAGES

# --- enums (docs/WIRE.md §8) ---

STATUSES: tuple[str, ...] = (
    "Creating", "Queuing", "Bidding", "EnvPreparing", "SanityChecking", "Running", "Restarting", "Stopping",
    "SucceededReserving", "FailedReserving", "Succeeded", "Failed", "Stopped",
)
TERMINAL: frozenset[str] = frozenset({"Succeeded", "Failed", "Stopped"})
JOB_TYPES: tuple[str, ...] = (
    "TFJob", "PyTorchJob", "MPIJob", "XGBoostJob", "OneFlowJob", "ElasticBatchJob", "SlurmJob", "RayJob",
    "DataJuicerJob",
)
# share of seeded jobs per type (PyTorch dominates real PAI usage)
JOB_TYPE_WEIGHTS: tuple[int, ...] = (12, 45, 6, 6, 3, 6, 5, 10, 7)
METRIC_TYPES: tuple[str, ...] = (
    "GpuCoreUsage", "GpuMemoryUsage", "CpuCoreUsage", "MemoryUsage", "NetworkInputRate", "NetworkOutputRate",
    "DiskReadRate", "DiskWriteRate",
)
SANITY_PHASES: tuple[str, ...] = ("CheckInit", "DeviceCheck", "SingleNodeCommCheck", "TwoNodeCommCheck",
                                  "AllNodeCommCheck")
SORT_FIELDS: tuple[str, ...] = ("DisplayName", "JobType", "Status", "GmtCreateTime", "GmtFinishTime")
PAYMENT_TYPES: tuple[str, ...] = ("PrePaid", "Spot", "PostPaid")

# main container per job type; the log family picks the line generator (logs.py)
MAIN_CONTAINER: dict[str, str] = {
    "TFJob": "tensorflow", "PyTorchJob": "pytorch", "MPIJob": "mpi", "XGBoostJob": "xgboost",
    "OneFlowJob": "oneflow", "ElasticBatchJob": "elasticbatch", "SlurmJob": "slurm", "RayJob": "ray",
    "DataJuicerJob": "ray",
}
SIDECAR = "aimaster-worker"
LOG_FAMILY: dict[str, str] = {
    "TFJob": "tf", "PyTorchJob": "torch", "MPIJob": "mpi", "XGBoostJob": "xgb", "OneFlowJob": "torch",
    "ElasticBatchJob": "batch", "SlurmJob": "megatron", "RayJob": "ray", "DataJuicerJob": "dj",
}

# --- images: registered in AIWorkSpace (ListImages), where red line 2 says a job's image comes from ---
# (kept there so that the workspace product, which a first frame loads, does not load the DLC catalog)
IMAGES = DLC_IMAGES

# role layouts per job type: (role, min pods, max pods); the first role is the "main" one for logs
ROLES: dict[str, tuple[tuple[str, int, int], ...]] = {
    "TFJob": (("Chief", 1, 1), ("PS", 1, 4), ("Worker", 2, 16)),
    "PyTorchJob": (("Master", 1, 1), ("Worker", 0, 15)),
    "MPIJob": (("Launcher", 1, 1), ("Worker", 2, 8)),
    "XGBoostJob": (("Master", 1, 1), ("Worker", 2, 8)),
    "OneFlowJob": (("Master", 1, 1), ("Worker", 1, 7)),
    "ElasticBatchJob": (("Master", 1, 1), ("Worker", 2, 32)),
    "SlurmJob": (("Worker", 2, 16),),
    "RayJob": (("Head", 1, 1), ("Worker", 1, 8)),
    "DataJuicerJob": (("Head", 1, 1), ("Worker", 2, 16)),
}
# roles that run on CPU even in a GPU job
CPU_ROLES: frozenset[str] = frozenset({"PS", "Launcher", "Head"})


# --- machine catalogue (ListEcsSpecs) ---

@dataclass(frozen=True, slots=True)
class EcsSpecInfo:
    instance_type: str
    cpu: int
    memory: int  # GB
    gpu: int
    gpu_type: str
    gpu_memory: int  # GB per card
    resource_type: str  # ECS | Lingjun
    created: str  # when PAI started to offer it (sort key GmtCreateTime)
    spot_stock: str = "WithStock"
    available: bool = True

    @property
    def accelerator(self) -> str:
        return "GPU" if self.gpu else "CPU"


def _e(t: str, cpu: int, mem: int, gpu: int = 0, gt: str = "", gm: int = 0, rt: str = "ECS",
       created: str = "2022-06-01T00:00:00Z", stock: str = "WithStock", ok: bool = True) -> EcsSpecInfo:
    return EcsSpecInfo(t, cpu, mem, gpu, gt, gm, rt, created, stock, ok)


ECS_SPECS: tuple[EcsSpecInfo, ...] = (
    _e("ecs.g6.large", 2, 8, created="2021-03-01T00:00:00Z"),
    _e("ecs.g6.xlarge", 4, 16, created="2021-03-01T00:00:00Z"),
    _e("ecs.g6.2xlarge", 8, 32, created="2021-03-01T00:00:00Z"),
    _e("ecs.g6.4xlarge", 16, 64, created="2021-03-01T00:00:00Z"),
    _e("ecs.g7.2xlarge", 8, 32, created="2022-01-10T00:00:00Z"),
    _e("ecs.g7.4xlarge", 16, 64, created="2022-01-10T00:00:00Z"),
    _e("ecs.g7.8xlarge", 32, 128, created="2022-01-10T00:00:00Z"),
    _e("ecs.c7.4xlarge", 16, 32, created="2022-01-10T00:00:00Z"),
    _e("ecs.r7.4xlarge", 16, 128, created="2022-01-10T00:00:00Z"),
    _e("ecs.g8i.4xlarge", 16, 64, created="2024-05-20T00:00:00Z"),
    _e("ecs.gn5-c8g1.2xlarge", 8, 60, 1, "P100", 16, created="2020-12-03T00:00:00Z", stock="NoStock",
       ok=False),
    _e("ecs.gn6i-c4g1.xlarge", 4, 15, 1, "T4", 16, created="2021-03-01T00:00:00Z"),
    _e("ecs.gn6i-c8g1.2xlarge", 8, 31, 1, "T4", 16, created="2021-03-01T00:00:00Z"),
    _e("ecs.gn6i-c24g1.12xlarge", 48, 186, 2, "T4", 16, created="2021-03-01T00:00:00Z"),
    _e("ecs.gn6v-c8g1.2xlarge", 8, 32, 1, "V100", 16, created="2020-12-03T00:00:00Z"),
    _e("ecs.gn6v-c8g1.8xlarge", 32, 128, 4, "V100", 16, created="2020-12-03T00:00:00Z"),
    _e("ecs.gn6v-c8g1.16xlarge", 64, 256, 8, "V100", 16, created="2020-12-03T00:00:00Z"),
    _e("ecs.gn6e-c12g1.3xlarge", 12, 92, 1, "V100", 32, created="2021-01-15T00:00:00Z"),
    _e("ecs.gn7i-c8g1.2xlarge", 8, 30, 1, "A10", 24, created="2022-03-15T00:00:00Z"),
    _e("ecs.gn7i-c16g1.4xlarge", 16, 60, 1, "A10", 24, created="2022-03-15T00:00:00Z"),
    _e("ecs.gn7i-c32g1.8xlarge", 32, 188, 1, "A10", 24, created="2022-03-15T00:00:00Z"),
    _e("ecs.gn7i-c32g1.16xlarge", 64, 376, 2, "A10", 24, created="2022-03-15T00:00:00Z", stock="LowStock"),
    _e("ecs.gn7-c12g1.3xlarge", 12, 94, 1, "A100", 40, created="2021-09-01T00:00:00Z", stock="LowStock"),
    _e("ecs.gn7-c13g1.13xlarge", 52, 378, 4, "A100", 40, created="2021-09-01T00:00:00Z", stock="LowStock"),
    _e("ecs.gn7-c13g1.26xlarge", 104, 756, 8, "A100", 40, created="2021-09-01T00:00:00Z", stock="NoStock"),
    _e("ecs.gn7e-c16g1.4xlarge", 16, 125, 1, "A100", 80, created="2022-08-01T00:00:00Z"),
    _e("ecs.gn7e-c16g1.16xlarge", 64, 500, 4, "A100", 80, created="2022-08-01T00:00:00Z", stock="LowStock"),
    _e("ecs.gn7e-c16g1.32xlarge", 128, 1000, 8, "A100", 80, created="2022-08-01T00:00:00Z", stock="NoStock"),
    _e("ecs.gn8is.2xlarge", 8, 64, 1, "L20", 48, created="2024-07-01T00:00:00Z"),
    _e("ml.gu7ef.8xlarge-gu100", 32, 256, 1, "GU100", 80, "Lingjun", "2023-04-01T00:00:00Z"),
    _e("ml.gu7ef.c96m1600.8-gu100", 96, 1600, 8, "GU100", 80, "Lingjun", "2023-04-01T00:00:00Z"),
    _e("ml.gu7xf.c96m1600.8-gu108", 96, 1600, 8, "GU108", 80, "Lingjun", "2023-11-01T00:00:00Z",
       stock="LowStock"),
    _e("ml.gu8xf.c96m1800.8-gu120", 96, 1800, 8, "GU120", 96, "Lingjun", "2025-02-01T00:00:00Z",
       stock="NoStock"),
)
ECS_BY_TYPE: dict[str, EcsSpecInfo] = {s.instance_type: s for s in ECS_SPECS}
GPU_DRIVERS: tuple[str, ...] = ("535.161.08", "550.54.15", "470.82.01")
CPU_ECS = ("ecs.g6.2xlarge", "ecs.g7.2xlarge", "ecs.g7.4xlarge", "ecs.c7.4xlarge", "ecs.r7.4xlarge")
GPU_ECS = ("ecs.gn7i-c8g1.2xlarge", "ecs.gn7i-c16g1.4xlarge", "ecs.gn6v-c8g1.16xlarge", "ecs.gn6v-c8g1.2xlarge",
           "ecs.gn6i-c8g1.2xlarge", "ecs.gn7e-c16g1.16xlarge", "ecs.gn7-c13g1.13xlarge", "ecs.gn8is.2xlarge")
LINGJUN_SPOT = ("ml.gu7xf.c96m1600.8-gu108", "ml.gu7ef.c96m1600.8-gu100", "ml.gu7ef.8xlarge-gu100")

# resource quotas of each workspace: (quota id, quota name, resource type, gpu type)
QUOTAS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "264901": (("quota1k9x2m4n7p3q", "llm-a100-pool", "ECS", "A100"),
               ("quotalj8h3k2w9e1r", "llm-lingjun-gu108", "Lingjun", "GU108")),
    "264902": (("quota5v7b2n8m1x4c", "vision-v100-quota", "ECS", "V100"),),
    "264903": (("quota3z6x9c2v5b8n", "recsys-cpu-quota", "ECS", ""),
               ("quota7q1w4e7r2t5y", "recsys-a10-quota", "ECS", "A10")),
    "264904": (("quota2a5s8d1f4g7h", "sandbox-shared", "ECS", "T4"),),
}

# --- reasons (ReasonCode, ReasonMessage template) ---

REASONS: dict[str, str] = {
    "JobStoppedByUser": "Job is stopped by user.",
    "OOMKilled": "Pod {pod} failed: CUDA out of memory (exit code 1).",
    "OOMKilled:host-oom": "Pod {pod} was OOMKilled: its container exceeded the memory limit (exit code 137).",
    "NCCLTimeout": "Pod {pod} failed: NCCL watchdog timeout in collective ALLREDUCE after 1800000 ms.",
    "ImagePullBackOff": "Pod {pod} failed to pull image {image}: manifest unknown.",
    "QuotaExceeded": "The requested resources exceed the available capacity of quota {quota}.",
    "UserCodeError": "Pod {pod} exited with code 1: the user command failed.",
    "NodeNotReady": "Node {node} became NotReady; the job is restarted on healthy nodes.",
    "NodeNotReady:node-lost": "Node {node} became NotReady and the job had no restarts left: pod {pod} was lost.",
    "JobReserving": "The job finished; its pods are reserved for {minutes} minutes for debugging.",
    "MaxRunningTimeExceeded": "The job ran longer than JobMaxRunningTimeMinutes and was stopped.",
}
RUN_FAILURES: tuple[str, ...] = ("OOMKilled", "NCCLTimeout", "UserCodeError")
# What exactly broke behind a ReasonCode: chosen from the job's key (not drawn), so the seeded world's draws stay
# as they were; a "ReasonCode:failure" entry in REASONS overrides the message
FAILURES: dict[str, tuple[str, ...]] = {
    "OOMKilled": ("cuda-oom", "host-oom"),
    "NCCLTimeout": ("nccl-timeout", "node-lost"),  # node-lost: the ReasonCode becomes NodeNotReady
    "UserCodeError": ("FileNotFoundError", "KeyError", "ValueError", "disk-full", "mount-lost", "rendezvous"),
}


LOST_NODE = "node-lost"


def failure_of(reason: str | None, key: int) -> str:
    kinds = FAILURES.get(reason or "", ())
    return kinds[(key >> 20) % len(kinds)] if kinds else ""

RESTART_CAUSES: tuple[str, ...] = ("NodeNotReady", "NCCLTimeout")

# --- names ---

LLM_MODELS = ("llama3-8b", "llama3-70b", "qwen2.5-7b", "qwen2.5-72b", "qwen2-1.5b", "mistral-7b", "glm4-9b",
              "deepseek-v2-lite", "baichuan2-13b", "yi-34b")
LLM_TASKS = ("sft", "dpo", "lora", "pretrain", "rm", "eval", "cpt", "grpo")
LLM_VARIANTS = ("lr2e-5", "lr1e-4", "bs256", "ctx8k", "seq4096", "v3", "exp12", "zero3", "fp8", "mix-cn-en",
                "ablation-2", "warmup500")
VISION = ("resnet50-imagenet-ablation-{n}", "vit-b16-finetune-cifar100-{n}", "yolov8-coco-train-v{n}",
          "sam-finetune-medical-v{n}", "clip-vitl14-pretrain-{n}", "efficientnet-b4-aug-sweep-{n}",
          "swin-t-ade20k-seg-{n}", "detr-objects365-{n}")
RECSYS = ("deepfm-criteo-daily-{n}", "dcn-v2-ctr-train-{n}", "din-taobao-ablation-{n}",
          "wide-deep-ranking-v{n}", "dssm-recall-{n}", "mmoe-multitask-{n}")
BY_TYPE_NAMES: dict[str, tuple[str, ...]] = {
    "MPIJob": ("horovod-bert-large-{n}", "nccl-allreduce-bench-{n}", "horovod-resnet101-{n}"),
    "XGBoostJob": ("xgb-ctr-baseline-{n}", "xgb-churn-model-v{n}", "xgb-fraud-detect-{n}"),
    "OneFlowJob": ("libai-gpt2-pretrain-{n}", "oneflow-bert-base-{n}"),
    "ElasticBatchJob": ("batch-infer-qwen2.5-7b-{n}", "embedding-backfill-{n}", "offline-rerank-{n}"),
    "SlurmJob": ("slurm-megatron-gpt-13b-{n}", "slurm-nccl-tests-{n}", "slurm-llama3-70b-cpt-{n}"),
    "RayJob": ("ray-tune-lgbm-sweep-{n}", "ray-data-tokenize-wiki-{n}", "ray-rllib-ppo-{n}",
               "ray-serve-loadtest-{n}"),
    "DataJuicerJob": ("dj-dedup-commoncrawl-shard{n}", "dj-clean-zh-web-{n}", "dj-quality-filter-{n}"),
}
DESCRIPTIONS = ("", "", "baseline", "sweep over learning rates", "nightly retrain", "reproduce paper numbers",
                "ablation: no data augmentation", "debug run, safe to delete", "release candidate")
TAG_TEAMS = ("llm", "vision", "recsys", "infra", "data")
TAG_PROJECTS = ("chatbot", "search", "ads", "benchmark", "research")

OSS_BUCKETS = ("pai-llm-hz", "pai-vision-hz", "pai-recsys-hz", "pai-sandbox-hz")
