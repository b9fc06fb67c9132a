"""Datasets on OSS, NAS and CPFS, each with a latest version, spread over the shared workspaces."""

from __future__ import annotations

import builtins
import json
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from paitui.sim.routing import iso_millis

if TYPE_CHECKING:
    from paitui.sim.world import World

# workspace, name, source type, data type, property, uri, accessibility, owner, edition, versions, description
_DATASETS: tuple[tuple[str, str, str, str, str, str, str, str, str, int, str], ...] = (
    ("264901", "pretrain-corpus-v5", "OSS", "TEXT", "DIRECTORY",
     "oss://llm-data.oss-cn-hangzhou-internal.aliyuncs.com/corpus/v5/", "PUBLIC", "lin.wei", "ADVANCED", 5,
     "Deduplicated web + code corpus, 2.1T tokens"),
    ("264901", "sft-instructions", "OSS", "TEXT", "FILE",
     "oss://llm-data.oss-cn-hangzhou-internal.aliyuncs.com/sft/instructions.jsonl", "PRIVATE", "demo", "BASIC",
     2, "Instruction-tuning pairs (jsonl)"),
    ("264901", "ckpt-shared", "CPFS", "COMMON", "DIRECTORY",
     "nas://cpfs-0a1b2c3d4e5f6a7b.cn-hangzhou/ptc-7f3e9a/checkpoints/", "PUBLIC", "chen.hao", "BASIC", 1,
     "Shared checkpoint store on CPFS"),
    ("264902", "coco-2017", "OSS", "PIC", "DIRECTORY",
     "oss://vision-public.oss-cn-hangzhou-internal.aliyuncs.com/coco2017/", "PUBLIC", "maria.k", "BASIC", 1,
     "COCO 2017 detection"),
    ("264902", "factory-video-clips", "NAS", "VIDEO", "DIRECTORY",
     "nas://0c4f24b9a1.cn-hangzhou/vision/factory_clips/", "PRIVATE", "maria.k", "BASIC", 3,
     "Annotated inspection clips"),
    ("264902", "street-scenes-labelled", "OSS", "PIC", "DIRECTORY",
     "oss://vision-public.oss-cn-hangzhou-internal.aliyuncs.com/street/labelled/", "PUBLIC", "demo",
     "ADVANCED", 4, "iTAG-labelled street scenes"),
    ("264903", "click-logs-daily", "OSS", "COMMON", "DIRECTORY",
     "oss://recsys-prod.oss-cn-hangzhou-internal.aliyuncs.com/clicklog/daily/", "PRIVATE", "chen.hao",
     "BASIC", 12, "Daily click logs (parquet)"),
    ("264903", "item-features", "NAS", "COMMON", "FILE",
     "nas://1d9e3a7c52.cn-hangzhou/recsys/item_features.parquet", "PUBLIC", "chen.hao", "BASIC", 6,
     "Item feature table snapshot"),
    ("264904", "demo-audio", "OSS", "AUDIO", "DIRECTORY",
     "oss://paitui-demo.oss-cn-hangzhou.aliyuncs.com/audio/", "PRIVATE", "demo", "BASIC", 1,
     "Speech samples for the demo"),
    ("264905", "archived-eval-sets", "OSS", "TEXT", "DIRECTORY",
     "oss://archive-2025.oss-cn-hangzhou-internal.aliyuncs.com/eval/", "PUBLIC", "a.okafor", "BASIC", 2,
     "Evaluation sets of 2025 projects"),
)


@dataclass(frozen=True, slots=True)
class Dataset:
    dataset_id: str
    name: str
    description: str
    workspace_id: str
    owner_id: str
    source_type: str  # the data source: OSS / NAS / CPFS
    data_type: str
    property: str
    uri: str
    accessibility: str
    edition: str
    version_count: int
    data_count: int
    data_size: int
    labels: tuple[tuple[str, str], ...]
    gmt_create: datetime
    gmt_modified: datetime

    def _latest_version(self) -> dict[str, Any]:
        return {
            "VersionName": f"v{self.version_count}",
            "DataSourceType": self.source_type,
            "Property": self.property,
            "Uri": self.uri,
            "SourceType": "USER",
            "SourceId": "",
            "DataCount": self.data_count,
            "DataSize": self.data_size,
            "Description": f"version {self.version_count}",
            "MountAccess": "RO",
            "Options": self.options,
            "ImportInfo": "",
            "Labels": [],
            "GmtCreateTime": iso_millis(self.gmt_modified),
            "GmtModifiedTime": iso_millis(self.gmt_modified),
        }

    @builtins.property  # the field ``property`` shadows the builtin in this class body
    def options(self) -> str:
        return json.dumps({"mountPath": f"/mnt/data/{self.name}/"}, separators=(",", ":"))

    def wire(self) -> dict[str, Any]:
        return {
            "DatasetId": self.dataset_id,
            "Name": self.name,
            "Description": self.description,
            "WorkspaceId": self.workspace_id,
            "UserId": self.owner_id,
            "OwnerId": self.owner_id,
            "DataSourceType": self.source_type,
            "DataType": self.data_type,
            "Property": self.property,
            "Uri": self.uri,
            "Accessibility": self.accessibility,
            "AccessibleRoleIdList": [],
            "Edition": self.edition,
            "MountAccess": "RW" if self.accessibility == "PRIVATE" else "RO",
            "MountAccessReadWriteRoleIdList": [],
            "Options": self.options,
            "ProviderType": "Ecs",
            "SourceType": "USER",
            "SourceId": "",
            "SourceDatasetId": "",
            "SourceDatasetVersion": "",
            "TagTemplateType": "",
            "ImportInfo": "",
            "IsShared": False,
            "Labels": [{"Key": k, "Value": v} for k, v in self.labels],
            "LatestVersion": self._latest_version(),
            "GmtCreateTime": iso_millis(self.gmt_create),
            "GmtModifiedTime": iso_millis(self.gmt_modified),
        }


def build_datasets(world: World) -> list[Dataset]:
    rng = world.rng("workspace.datasets")
    users = {u.name: u for u in world.users}
    alphabet = string.ascii_lowercase + string.digits
    out: list[Dataset] = []
    for index, (ws, name, source, data_type, prop, uri, access, owner, edition, versions, description) in (
            enumerate(_DATASETS)):
        created = world.genesis - timedelta(days=300 - index * 25, seconds=rng.randint(0, 86_399),
                                            milliseconds=rng.randint(0, 999))
        modified = created + timedelta(days=rng.randint(0, 20), seconds=rng.randint(0, 86_399))
        count = 1 if prop == "FILE" else rng.randint(2_000, 9_000_000)
        labels = (("team", (world.workspace_ref(ws) or world.workspace_refs[0]).name), ("format", data_type.lower()))
        out.append(Dataset("d-" + "".join(rng.choice(alphabet) for _ in range(18)), name, description, ws,
                           users.get(owner, world.users[0]).user_id, source, data_type, prop, uri, access, edition,
                           versions, count, rng.randint(10**8, 5 * 10**12), labels, created, modified))
    return out
