"""Container images: PAI's official images plus a few custom ones registered in the shared workspaces."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from paitui.sim.routing import iso_millis

if TYPE_CHECKING:
    from paitui.sim.world import World

OFFICIAL_REGISTRY = "dsw-registry-vpc.cn-hangzhou.cr.aliyuncs.com/pai"  # DLC catalog images share it
OFFICIAL_WORKSPACE = "0"  # official images belong to no workspace

# name, tag, framework, chip, python, description
_OFFICIAL: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("pytorch", "2.3.0-gpu-py310-cu121-ubuntu22.04", "PyTorch", "GPU", "3.10", "PyTorch 2.3 with CUDA 12.1"),
    ("pytorch", "2.3.0-cpu-py310-ubuntu22.04", "PyTorch", "CPU", "3.10", "PyTorch 2.3 for CPU"),
    ("pytorch", "2.1.2-gpu-py310-cu121-ubuntu22.04", "PyTorch", "GPU", "3.10", "PyTorch 2.1 with CUDA 12.1"),
    ("pytorch", "1.12-gpu-py39-cu113-ubuntu20.04", "PyTorch", "GPU", "3.9", "PyTorch 1.12 with CUDA 11.3"),
    ("tensorflow", "2.14-gpu-py310-cu118-ubuntu22.04", "TensorFlow", "GPU", "3.10", "TensorFlow 2.14, CUDA 11.8"),
    ("tensorflow", "2.14-cpu-py310-ubuntu22.04", "TensorFlow", "CPU", "3.10", "TensorFlow 2.14 for CPU"),
    ("tensorflow", "1.15-gpu-py36-cu100-ubuntu18.04", "TensorFlow", "GPU", "3.6", "TensorFlow 1.15 (legacy)"),
    ("xgboost", "1.6.0-cpu-py39-ubuntu20.04", "XGBoost", "CPU", "3.9", "XGBoost 1.6 for CPU training"),
    ("pai-megatron-patch", "24.07-gpu-py310-cu124-ubuntu22.04", "Megatron", "GPU", "3.10",
     "Megatron-LM with PAI patches for LLM pre-training"),
    ("deepspeed", "0.14.0-pytorch2.1.2-gpu-py310-cu121-ubuntu22.04", "DeepSpeed", "GPU", "3.10",
     "DeepSpeed 0.14 on PyTorch 2.1"),
    ("modelscope", "1.14.0-pytorch2.1.2-gpu-py310-cu121-ubuntu22.04", "ModelScope", "GPU", "3.10",
     "ModelScope library with PyTorch 2.1"),
)

# workspace id, name, tag, framework, chip, accessibility, creator user name, description
_CUSTOM: tuple[tuple[str, str, str, str, str, str, str, str], ...] = (
    ("264901", "llm-train", "v3.2", "Megatron", "GPU", "PRIVATE", "lin.wei", "LLM trainer with flash-attn 2"),
    ("264902", "vision-base", "2025.11", "PyTorch", "GPU", "PUBLIC", "maria.k", "mmdet + timm base image"),
    ("264903", "recsys-trainer", "1.8-cpu", "TensorFlow", "CPU", "PUBLIC", "chen.hao", "EasyRec trainer"),
    ("264904", "demo-notebook", "latest", "PyTorch", "CPU", "PRIVATE", "demo", "Notebook image for the demo"),
)

# the images DLC jobs and templates run, per job type (the seeded jobs pick from these; all are registered)

_REG = "dsw-registry-vpc.cn-hangzhou.cr.aliyuncs.com/pai/"
DLC_IMAGES: dict[str, tuple[str, ...]] = {
    "TFJob": (_REG + "tensorflow-training:2.14-gpu-py311-cu118-ubuntu22.04",
              _REG + "tensorflow-training:1.15-gpu-py36-cu100-ubuntu18.04"),
    "PyTorchJob": (_REG + "pytorch-training:2.3-gpu-py311-cu121-ubuntu22.04",
                   _REG + "pytorch-training:2.1-gpu-py310-cu121-ubuntu22.04",
                   _REG + "megatron-patch:24.07-pytorch2.3-cu124-ubuntu22.04",
                   "registry-vpc.cn-hangzhou.aliyuncs.com/llm-team/train:20260211-a3f9c1"),
    "MPIJob": (_REG + "horovod-training:0.28-pytorch2.1-gpu-py310-cu121-ubuntu22.04",),
    "XGBoostJob": (_REG + "xgboost-training:1.7-cpu-py310-ubuntu22.04",),
    "OneFlowJob": (_REG + "oneflow-training:0.9-gpu-py39-cu117-ubuntu20.04",),
    "ElasticBatchJob": (_REG + "pytorch-inference:2.3-gpu-py311-cu121-ubuntu22.04",),
    "SlurmJob": (_REG + "slurm:23.02-megatron-cu121-ubuntu22.04",),
    "RayJob": (_REG + "ray:2.9.3-gpu-py310-cu118-ubuntu22.04",),
    "DataJuicerJob": (_REG + "data-juicer:1.0.0-py310-ubuntu22.04",),
}
BROKEN_IMAGE = "registry-vpc.cn-hangzhou.aliyuncs.com/vision-team/exp:does-not-exist"


@dataclass(frozen=True, slots=True)
class Image:
    image_id: str
    name: str
    image_uri: str
    description: str
    accessibility: str
    workspace_id: str
    user_id: str
    source_type: str
    size: int  # bytes
    labels: tuple[tuple[str, str], ...]
    gmt_create: datetime
    gmt_modified: datetime

    @property
    def official(self) -> bool:
        return self.workspace_id == OFFICIAL_WORKSPACE

    def label(self, key: str) -> str | None:
        return next((v for k, v in self.labels if k == key), None)

    def wire(self, *, labels: bool, with_id: bool = True) -> dict[str, Any]:
        item: dict[str, Any] = {
            "Name": self.name,
            "ImageUri": self.image_uri,
            "Description": self.description,
            "Accessibility": self.accessibility,
            "WorkspaceId": self.workspace_id,
            "UserId": self.user_id,
            "ParentUserId": "" if self.official else self.user_id,
            "SourceType": self.source_type,
            "SourceId": "",
            "Size": self.size,
            "GmtCreateTime": iso_millis(self.gmt_create),
            "GmtModifiedTime": iso_millis(self.gmt_modified),
        }
        if with_id:  # GetImage's model has no ImageId field; the id is in the path
            item = {"ImageId": self.image_id, **item}
        if labels:
            item["Labels"] = [{"Key": k, "Value": v} for k, v in self.labels]
        return item


def _image_id(rng: random.Random) -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "image-" + "".join(rng.choice(alphabet) for _ in range(20))


def build_images(world: World) -> list[Image]:
    rng = world.rng("workspace.images")
    users = {u.name: u for u in world.users}
    out: list[Image] = []
    for index, (name, tag, framework, chip, python, description) in enumerate(_OFFICIAL):
        created = world.genesis - timedelta(days=700 - index * 40, seconds=rng.randint(0, 86_399),
                                            milliseconds=rng.randint(0, 999))
        # system.officialReleased is the seed's label for PAI's own images; system.official is kept alongside
        labels: tuple[tuple[str, str], ...] = (("system.official", "true"), ("system.officialReleased", "true"),
                  ("system.chipType", chip), ("system.framework", framework),
                  ("system.pythonVersion", python), ("system.supported.dlc", "true"),
                  ("system.supported.dsw", "true" if chip == "GPU" else "false"), ("system.source", "PAI"))
        out.append(Image(_image_id(rng), f"{name}:{tag}", f"{OFFICIAL_REGISTRY}/{name}:{tag}", description,
                         "PUBLIC", OFFICIAL_WORKSPACE, "", "PAI", rng.randint(4, 28) * 1_000_000_000 + 3,
                         labels, created, created + timedelta(days=rng.randint(0, 30))))
    for workspace_id, name, tag, framework, chip, access, creator, description in _CUSTOM:
        user = users.get(creator, world.users[0])
        created = world.genesis - timedelta(days=rng.randint(5, 200), seconds=rng.randint(0, 86_399),
                                            milliseconds=rng.randint(0, 999))
        ref = world.workspace_ref(workspace_id)
        namespace = ref.name.replace("_", "-") if ref else "team"
        labels = (("system.official", "false"), ("system.officialReleased", "false"),
                  ("system.chipType", chip), ("system.framework", framework),
                  ("system.supported.dlc", "true"), ("system.source", "USER"))
        out.append(Image(_image_id(rng), f"{name}:{tag}",
                         f"registry.cn-hangzhou.aliyuncs.com/{namespace}/{name}:{tag}", description, access,
                         workspace_id, user.user_id, "USER", rng.randint(2, 18) * 1_000_000_000 + 7, labels,
                         created, created + timedelta(hours=rng.randint(0, 400))))
    out += _dlc_catalog_images(world, {i.image_uri for i in out})
    return out


_FRAMEWORK = {"TFJob": "TensorFlow", "PyTorchJob": "PyTorch", "MPIJob": "Horovod", "XGBoostJob": "XGBoost",
              "OneFlowJob": "OneFlow", "ElasticBatchJob": "PyTorch", "SlurmJob": "Megatron", "RayJob": "Ray",
              "DataJuicerJob": "DataJuicer"}


def _dlc_catalog_images(world: World, known: set[str]) -> list[Image]:
    """The images the seeded jobs and templates run are registered too (red line 2: a job's image comes from
    ListImages), official ones under PAI's registry and the team's own in its workspace; the broken image of
    the failing-pull jobs is not (it is the one a user typed)."""
    rng = world.rng("workspace.images.dlc")  # its own stream: the images above keep their ids
    out: list[Image] = []
    for job_type, uris in DLC_IMAGES.items():
        for uri in uris:
            if uri in known:
                continue
            known.add(uri)
            official = uri.startswith(OFFICIAL_REGISTRY)
            name = uri.rsplit("/", 1)[-1]
            chip = "CPU" if "-cpu-" in uri or uri.endswith("-cpu") else "GPU"
            created = world.genesis - timedelta(days=rng.randint(30, 400), seconds=rng.randint(0, 86_399))
            labels: tuple[tuple[str, str], ...] = (
                ("system.official", str(official).lower()), ("system.officialReleased", str(official).lower()),
                ("system.chipType", chip), ("system.framework", _FRAMEWORK[job_type]),
                ("system.supported.dlc", "true"), ("system.source", "PAI" if official else "USER"))
            workspace, user = (OFFICIAL_WORKSPACE, "") if official else ("264901", world.users[0].user_id)
            out.append(Image(_image_id(rng), name, uri, f"{_FRAMEWORK[job_type]} image for DLC {job_type}",
                             "PUBLIC", workspace, user, "PAI" if official else "USER",
                             rng.randint(3, 20) * 1_000_000_000 + 5, labels, created, created + timedelta(days=3)))
    return out
