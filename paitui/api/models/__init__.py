"""Response models of the four PAI products, one module per product, plus the shared lenient types.

``from paitui.api.models import dlc`` then ``dlc.JobItem``; the common types and enums are re-exported here.
The product modules are imported when first named (``models.dlc`` or ``from paitui.api.models import dlc``),
not with this package: a start that shows workspaces reads none of DLC's, PAIFlow's or PaiPlugin's models.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

from paitui.api.models.common import (
    JOB_ACTIVE,
    JOB_TERMINAL,
    NODE_FAILED,
    NODE_SUCCEEDED,
    NODE_TERMINAL,
    RUN_ACTIVE,
    RUN_TERMINAL,
    TENSORBOARD_TERMINAL,
    JobStatus,
    JobType,
    MetricType,
    NodeStatus,
    PodStatus,
    RepeatCycleUnit,
    RunStatus,
    SanityCheckPhase,
    ScheduleStatus,
    TensorboardStatus,
    WireModel,
    WorkspaceStatus,
    normalize_node_status,
    parse_time,
    schedule_status_text,
)

__all__ = [
    "JOB_ACTIVE",
    "JOB_TERMINAL",
    "NODE_FAILED",
    "NODE_SUCCEEDED",
    "NODE_TERMINAL",
    "RUN_ACTIVE",
    "RUN_TERMINAL",
    "TENSORBOARD_TERMINAL",
    "JobStatus",
    "JobType",
    "MetricType",
    "NodeStatus",
    "PodStatus",
    "RepeatCycleUnit",
    "RunStatus",
    "SanityCheckPhase",
    "ScheduleStatus",
    "TensorboardStatus",
    "WireModel",
    "WorkspaceStatus",
    "dlc",
    "flow",
    "normalize_node_status",
    "parse_time",
    "plugin",
    "schedule_status_text",
    "workspace",
]

_PRODUCTS = ("dlc", "flow", "plugin", "workspace")

if TYPE_CHECKING:
    from paitui.api.models import dlc, flow, plugin, workspace


def __getattr__(name: str) -> ModuleType:
    if name in _PRODUCTS:  # ``models.dlc`` before anything imported the submodule
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
