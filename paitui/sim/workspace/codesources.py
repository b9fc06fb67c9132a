"""Code sources: git repositories (branch, optional pinned commit) registered in the shared workspaces."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from paitui.sim.routing import iso_millis

if TYPE_CHECKING:
    from paitui.sim.world import World

# workspace, display name, repo, branch, pinned commit?, accessibility, creator, description
_CODE_SOURCES: tuple[tuple[str, str, str, str, bool, str, str, str], ...] = (
    ("264901", "megatron-train", "https://github.com/alibaba/Pai-Megatron-Patch.git", "main", True, "PUBLIC",
     "lin.wei", "Training scripts for the LLM family"),
    ("264901", "eval-harness", "https://codeup.aliyun.com/llm/eval-harness.git", "release/2.3", False,
     "PUBLIC", "chen.hao", "Evaluation harness"),
    ("264901", "data-pipeline", "https://codeup.aliyun.com/llm/data-pipeline.git", "dev", False, "PRIVATE",
     "demo", "Tokenisation and packing jobs"),
    ("264902", "detectron-experiments", "https://github.com/facebookresearch/detectron2.git", "main", True,
     "PUBLIC", "maria.k", "Detection baselines"),
    ("264902", "seg-research", "https://codeup.aliyun.com/vision/seg-research.git", "feature/mask2former",
     False, "PRIVATE", "maria.k", "Segmentation experiments"),
    ("264903", "easyrec-models", "https://github.com/alibaba/EasyRec.git", "master", True, "PUBLIC",
     "chen.hao", "Production ranking models"),
    ("264904", "paitui-demo", "https://github.com/paitui/demo-jobs.git", "main", False, "PRIVATE", "demo",
     "Small jobs used by the dashboard demo"),
    ("264904", "notebooks", "https://codeup.aliyun.com/demo/notebooks.git", "main", False, "PUBLIC", "demo",
     "Scratch notebooks"),
)


@dataclass(frozen=True, slots=True)
class CodeSource:
    code_source_id: str
    display_name: str
    description: str
    workspace_id: str
    user_id: str
    code_repo: str
    code_branch: str
    code_commit: str
    accessibility: str
    gmt_create: datetime
    gmt_modify: datetime

    def wire(self) -> dict[str, Any]:
        return {
            "CodeSourceId": self.code_source_id,
            "DisplayName": self.display_name,
            "Description": self.description,
            "WorkspaceId": self.workspace_id,
            "UserId": self.user_id,
            "CodeRepo": self.code_repo,
            "CodeBranch": self.code_branch,
            "CodeCommit": self.code_commit,
            "CodeRepoUserName": "",
            "CodeRepoAccessToken": "",  # never echoed back, even when one was stored
            "MountPath": f"/root/code/{self.display_name}",
            "CloneType": 0,
            "Accessibility": self.accessibility,
            "GmtCreateTime": iso_millis(self.gmt_create),
            "GmtModifyTime": iso_millis(self.gmt_modify),  # sic: "Modify", not "Modified"
        }


def build_code_sources(world: World) -> list[CodeSource]:
    rng = world.rng("workspace.codesources")
    users = {u.name: u for u in world.users}
    alphabet = string.ascii_lowercase + string.digits
    out: list[CodeSource] = []
    for index, (ws, name, repo, branch, pinned, access, creator, description) in enumerate(_CODE_SOURCES):
        created = world.genesis - timedelta(days=250 - index * 20, seconds=rng.randint(0, 86_399),
                                            milliseconds=rng.randint(0, 999))
        # modify order deliberately differs from create order so SortBy=GmtModifyTime is observable
        modified = world.genesis - timedelta(days=rng.randint(1, 40), seconds=rng.randint(0, 86_399))
        commit = "".join(rng.choice("0123456789abcdef") for _ in range(40)) if pinned else ""
        out.append(CodeSource("code-" + "".join(rng.choice(alphabet) for _ in range(20)), name, description, ws,
                              users.get(creator, world.users[0]).user_id, repo, branch, commit, access, created,
                              modified))
    return out
