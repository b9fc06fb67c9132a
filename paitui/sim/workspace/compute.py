"""Quotas and the compute resources (ECS, Lingjun, MaxCompute…) attached to the shared workspaces."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from paitui.sim.routing import iso_millis

if TYPE_CHECKING:
    from paitui.sim.world import World


@dataclass(frozen=True, slots=True)
class Quota:
    quota_id: str
    name: str
    display_name: str
    mode: str  # isolate (subscription) | share (pay-as-you-go)
    product_code: str
    quota_type: str  # PAI | MaxCompute | DLC
    card_type: str  # CPU | GPU
    specs: tuple[tuple[str, str, str], ...]  # (name, type, value)

    def wire(self) -> dict[str, Any]:
        return {
            "Id": self.quota_id,
            "Name": self.name,
            "DisplayName": self.display_name,
            "Mode": self.mode,
            "ProductCode": self.product_code,
            "QuotaType": self.quota_type,
            "Specs": [{"Name": n, "Type": t, "Value": v} for n, t, v in self.specs],
        }

    def resource_wire(self) -> dict[str, Any]:
        # the copy nested in ListResources carries CardType and its specs have no Type
        return {
            "Id": self.quota_id,
            "Name": self.name,
            "DisplayName": self.display_name,
            "Mode": self.mode,
            "ProductCode": self.product_code,
            "QuotaType": self.quota_type,
            "CardType": self.card_type,
            "Specs": [{"Name": n, "Value": v} for n, _t, v in self.specs],
        }


# name, display name, mode, product code, quota type, card type, (cpu, memory, gpu, gpu type)
_QUOTAS: tuple[tuple[str, str, str, str, str, str, tuple[str, str, str, str]], ...] = (
    ("llm-lingjun-a800", "LLM Lingjun A800 x64", "isolate", "PAI_isolate", "PAI", "GPU",
     ("1024", "8192Gi", "64", "A800")),
    ("vision-gpu-shared", "Vision GPU (shared)", "isolate", "PAI_isolate", "PAI", "GPU",
     ("256", "2048Gi", "16", "A10")),
    ("recsys-cpu", "RecSys CPU", "isolate", "PAI_isolate", "PAI", "CPU", ("512", "2048Gi", "0", "")),
    ("dlc-public", "DLC public resource group", "share", "DLC_share", "DLC", "GPU",
     ("0", "0", "0", "")),
    ("mc-recsys", "MaxCompute RecSys", "isolate", "MaxCompute_isolate", "MaxCompute", "CPU",
     ("1000", "4000Gi", "0", "")),
)


def build_quotas(world: World) -> list[Quota]:
    rng = world.rng("workspace.quotas")
    alphabet = string.ascii_lowercase + string.digits
    out: list[Quota] = []
    for name, display, mode, product, qtype, card, (cpu, memory, gpu, gpu_type) in _QUOTAS:
        specs: list[tuple[str, str, str]] = [("cpu", "int", cpu), ("memory", "string", memory)]
        if card == "GPU":
            specs.append(("nvidia.com/gpu", "int", gpu))
        if gpu_type:
            specs.append(("gpu-type", "string", gpu_type))
        out.append(Quota("quota" + "".join(rng.choice(alphabet) for _ in range(14)), name, display, mode,
                         product, qtype, card, tuple(specs)))
    return out


@dataclass(frozen=True, slots=True)
class Resource:
    resource_id: str
    name: str
    group_name: str
    workspace_id: str
    env_type: str
    resource_type: str  # ECS | Lingjun | MaxCompute | ACS …
    product_type: str  # DLC | MaxCompute | PAI
    is_default: bool
    spec: dict[str, Any]
    labels: tuple[tuple[str, str], ...]
    quotas: tuple[Quota, ...]
    owner_id: str
    gmt_create: datetime

    def wire(self, *, verbose: bool) -> dict[str, Any]:
        item: dict[str, Any] = {
            "Id": self.resource_id,
            "Name": self.name,
            "GroupName": self.group_name,
            "WorkspaceId": self.workspace_id,
            "EnvType": self.env_type,
            "ResourceType": self.resource_type,
            "ProductType": self.product_type,
            "IsDefault": self.is_default,
            "Spec": dict(self.spec),
            "Labels": [{"Key": k, "Value": v} for k, v in self.labels],
            "Encryption": {"Enabled": False, "Algorithm": "", "Key": ""},
            "Executor": {"OwnerId": self.owner_id},
            "GmtCreateTime": iso_millis(self.gmt_create),
        }
        if verbose:  # Verbose (default true) is what adds the Quotas
            item["Quotas"] = [q.resource_wire() for q in self.quotas]
        return item


# workspace, resource type, product type, quota names, is default
_RESOURCES: tuple[tuple[str, str, str, tuple[str, ...], bool], ...] = (
    ("264901", "Lingjun", "DLC", ("llm-lingjun-a800",), True),
    ("264901", "ECS", "DLC", ("dlc-public",), False),
    ("264902", "ECS", "DLC", ("vision-gpu-shared", "dlc-public"), True),
    ("264903", "ECS", "DLC", ("recsys-cpu",), True),
    ("264903", "MaxCompute", "MaxCompute", ("mc-recsys",), False),
    ("264904", "ECS", "DLC", ("dlc-public",), True),
    ("264905", "ECS", "DLC", (), True),
    ("264906", "ECS", "DLC", (), True),
)


def build_resources(world: World, quotas: list[Quota], workspace_envs: dict[str, tuple[str, ...]]
                    ) -> list[Resource]:
    rng = world.rng("workspace.resources")
    by_name = {q.name: q for q in quotas}
    out: list[Resource] = []
    for ws, rtype, product, quota_names, is_default in _RESOURCES:
        ref = world.workspace_ref(ws)
        if ref is None:
            continue
        group = f"{ref.name.replace('_', '')}_{rtype.lower()}_{rng.randint(1000, 9999)}"
        # a dev+prod workspace gets one resource per environment (as PAI does for "standard mode")
        for env in workspace_envs.get(ws, ("prod",)):
            spec: dict[str, Any] = {"ClusterType": rtype}
            if rtype == "MaxCompute":
                spec = {"Endpoint": "http://service.cn-hangzhou.maxcompute.aliyun-inc.com/api",
                        "ProjectName": f"{ref.name}_{env}"}
            created = world.genesis - timedelta(days=rng.randint(30, 400), seconds=rng.randint(0, 86_399))
            name = f"{ref.name}_{rtype.lower()}" + ("" if env == "prod" else "_dev")
            out.append(Resource(str(rng.randint(10**8, 10**9 - 1)), name, group, ws, env, rtype, product,
                                is_default and env == "prod", spec,
                                (("system.workspace", ref.name), ("system.env", env)),
                                tuple(by_name[n] for n in quota_names if n in by_name), ref.creator.user_id,
                                created))
    return out
