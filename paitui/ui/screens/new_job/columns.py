"""The columns of the new-job wizard's pickers: what each discovery listing shows of a row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from paitui.ui.screens.new_job.picker import PickColumn


def label_of(row: Any, key: str) -> str:
    """An image's label value (ListImages ``Labels[]``, present with ``Verbose``)."""
    return next((lab.value or "" for lab in (row.labels or ()) if lab.key == key), "")


def quota_spec(quota: Any, name: str) -> str:
    """A ListQuotas row's ``Specs[]`` value: ``cpu``, ``memory``, ``nvidia.com/gpu``, ``gpu-type``."""
    return next((s.value or "" for s in (quota.specs or ()) if s.name == name), "")


def _gib(value: int | None) -> str:
    return f"{value} GiB" if value else ""


def _discount(spec: Any) -> str:
    # ListEcsSpecs carries no list price; NonProtectSpotDiscount is the spot price as a share of it
    value = spec.non_protect_spot_discount
    return "" if value is None else f"{value:.0%} of list"


WORKSPACES = [PickColumn("NAME", lambda w: w.workspace_name, 28), PickColumn("ID", lambda w: w.workspace_id, 12),
              PickColumn("STATUS", lambda w: w.status, 10), PickColumn("DESCRIPTION", lambda w: w.description)]
IMAGES = [PickColumn("NAME", lambda i: i.name, 40),
          PickColumn("FRAMEWORK", lambda i: label_of(i, "system.framework"), 11),
          PickColumn("CHIP", lambda i: label_of(i, "system.chipType"), 5),
          PickColumn("OFFICIAL", lambda i: label_of(i, "system.officialReleased"), 8),
          PickColumn("IMAGE URI", lambda i: i.image_uri)]
ECS_SPECS = [PickColumn("INSTANCE TYPE", lambda s: s.instance_type, 28),
             PickColumn("GPU TYPE", lambda s: s.gpu_type, 9), PickColumn("GPUS", lambda s: s.gpu or "", 4),
             PickColumn("CPU", lambda s: s.cpu, 4), PickColumn("MEMORY", lambda s: _gib(s.memory), 9),
             PickColumn("SPOT STOCK", lambda s: s.spot_stock_status, 10),
             PickColumn("SPOT PRICE", _discount, 11),
             PickColumn("PAYMENT", lambda s: ", ".join(s.payment_types or ()), 16),
             PickColumn("TYPE", lambda s: s.resource_type, 8),
             PickColumn("AVAILABLE", lambda s: "" if s.is_available is None else "yes" if s.is_available else "no")]
QUOTAS = [PickColumn("NAME", lambda q: q.name, 22), PickColumn("DISPLAY NAME", lambda q: q.display_name, 28),
          PickColumn("CPU", lambda q: quota_spec(q, "cpu"), 6),
          PickColumn("MEMORY", lambda q: quota_spec(q, "memory"), 8),
          PickColumn("GPU", lambda q: quota_spec(q, "nvidia.com/gpu"), 4),
          PickColumn("GPU TYPE", lambda q: quota_spec(q, "gpu-type"), 8), PickColumn("ID", lambda q: q.id)]
CODE_SOURCES = [PickColumn("NAME", lambda c: c.display_name, 22), PickColumn("BRANCH", lambda c: c.code_branch, 18),
                PickColumn("COMMIT", lambda c: (c.code_commit or "")[:12], 12),
                PickColumn("REPO", lambda c: c.code_repo)]


def datasets(mount_of: Callable[[str | None], str]) -> list[PickColumn]:
    """Datasets, with where each chosen one is mounted (``mount_of`` reads the draft)."""
    return [PickColumn("NAME", lambda d: d.name, 24), PickColumn("TYPE", lambda d: d.data_source_type, 5),
            PickColumn("MOUNT", lambda d: mount_of(d.dataset_id), 24), PickColumn("URI", lambda d: d.uri),
            PickColumn("ID", lambda d: d.dataset_id, 20)]
