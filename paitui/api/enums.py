"""The products' enumerations (docs/WIRE.md §8): plain enums and status sets, no pydantic.

Apart from the models (``api.models.common`` re-exports them) so the status table (``live.status``), the
kinds and ``paitui --help`` can read them without loading pydantic and every response model.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

# --- enumerations -------------------------------------------------------------------------------------
# Fields stay plain str/int so that a value the cloud adds tomorrow still parses; compare against these.


class JobStatus(StrEnum):
    CREATING = "Creating"
    QUEUING = "Queuing"
    BIDDING = "Bidding"
    ENV_PREPARING = "EnvPreparing"
    SANITY_CHECKING = "SanityChecking"
    RUNNING = "Running"
    RESTARTING = "Restarting"
    STOPPING = "Stopping"
    SUCCEEDED_RESERVING = "SucceededReserving"
    FAILED_RESERVING = "FailedReserving"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    STOPPED = "Stopped"


JOB_TERMINAL: frozenset[str] = frozenset({"Succeeded", "Failed", "Stopped"})
JOB_ACTIVE: frozenset[str] = frozenset(s.value for s in JobStatus) - JOB_TERMINAL


class PodStatus(StrEnum):
    PENDING = "Pending"
    RUNNING = "Running"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    UNKNOWN = "Unknown"


class JobType(StrEnum):
    TF = "TFJob"
    PYTORCH = "PyTorchJob"
    MPI = "MPIJob"
    XGBOOST = "XGBoostJob"
    ONEFLOW = "OneFlowJob"
    ELASTIC_BATCH = "ElasticBatchJob"
    SLURM = "SlurmJob"
    RAY = "RayJob"
    DATA_JUICER = "DataJuicerJob"


class MetricType(StrEnum):
    GPU_CORE_USAGE = "GpuCoreUsage"
    GPU_MEMORY_USAGE = "GpuMemoryUsage"
    CPU_CORE_USAGE = "CpuCoreUsage"
    MEMORY_USAGE = "MemoryUsage"
    NETWORK_INPUT_RATE = "NetworkInputRate"
    NETWORK_OUTPUT_RATE = "NetworkOutputRate"
    DISK_READ_RATE = "DiskReadRate"
    DISK_WRITE_RATE = "DiskWriteRate"


class SanityCheckPhase(StrEnum):
    CHECK_INIT = "CheckInit"
    DEVICE_CHECK = "DeviceCheck"
    SINGLE_NODE_COMM_CHECK = "SingleNodeCommCheck"
    TWO_NODE_COMM_CHECK = "TwoNodeCommCheck"
    ALL_NODE_COMM_CHECK = "AllNodeCommCheck"


class TensorboardStatus(StrEnum):
    CREATING = "Creating"
    RUNNING = "Running"
    STOPPED = "Stopped"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"


TENSORBOARD_TERMINAL: frozenset[str] = frozenset({"Stopped", "Succeeded", "Failed"})


class RunStatus(StrEnum):
    INITIALIZED = "Initialized"
    READY_TO_SCHEDULE = "ReadyToSchedule"
    STARTING = "Starting"
    WORKFLOW_SERVICE_STARTING = "WorkflowServiceStarting"
    RUNNING = "Running"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"
    SUSPENDED = "Suspended"
    TERMINATING = "Terminating"
    TERMINATED = "Terminated"
    SKIPPED = "Skipped"
    UNKNOWN = "Unknown"


RUN_TERMINAL: frozenset[str] = frozenset({"Succeeded", "Failed", "Terminated", "Skipped"})
# what the PAI Python SDK treats as "running" (§8), plus Terminating which still holds resources
RUN_ACTIVE: frozenset[str] = frozenset(
    {"Starting", "Running", "WorkflowServiceStarting", "ReadyToSchedule", "Terminating"}
)


class NodeStatus(StrEnum):
    SUCCEED = "Succeed"  # what the service sends (sic)
    SUCCEEDED = "Succeeded"  # what the PAI Python SDK compares against
    RUNNING = "Running"
    FAILED = "Failed"
    SKIPPED = "Skipped"
    READY_TO_SCHEDULE = "ReadyToSchedule"
    TERMINATED = "Terminated"
    UNKNOWN = "Unknown"


NODE_SUCCEEDED: frozenset[str] = frozenset({"Succeed", "Succeeded"})
NODE_FAILED: frozenset[str] = frozenset({"Failed"})
NODE_TERMINAL: frozenset[str] = NODE_SUCCEEDED | NODE_FAILED | {"Skipped", "Terminated"}


def normalize_node_status(status: str | None) -> str | None:
    """PAIFlow node statuses spell success ``Succeed``; map it to ``Succeeded`` for display and comparison."""
    return "Succeeded" if status == "Succeed" else status


class WorkspaceStatus(StrEnum):
    ENABLED = "ENABLED"
    INITIALIZING = "INITIALIZING"
    FAILURE = "FAILURE"
    DISABLED = "DISABLED"
    FROZEN = "FROZEN"
    UPDATING = "UPDATING"


class ScheduleStatus(IntEnum):
    """PaiPlugin schedule (SMS send plan) status; the wire value is an int."""

    CHECKING = 0
    CHECK_PASSED = 1
    CHECK_FAILED = 2
    SENDING = 3
    SENT = 4
    SEND_FAILED = 5

    @property
    def text(self) -> str:
        return _SCHEDULE_WORDS[self.value]


_SCHEDULE_WORDS = {
    0: "checking",
    1: "check passed",
    2: "check failed",
    3: "sending",
    4: "sent",
    5: "send failed",
}


def schedule_status_text(status: int | None) -> str:
    """Words for a PaiPlugin schedule status; unknown values are shown as themselves."""
    if status is None:
        return ""
    return _SCHEDULE_WORDS.get(status, f"status {status}")


class RepeatCycleUnit(IntEnum):
    NEVER = 0
    HOUR = 1
    DAY = 2
    WEEK = 3
    MONTH = 4
