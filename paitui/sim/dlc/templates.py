"""Job templates: a saved CreateJob configuration with numbered versions and field constraints.

Rules (seed doc): ``Content`` must be a JSON object naming a ``JobType``; ``Constraints`` values are
``locked``/``overridable``/``required``; on update ``Content`` and ``Constraints`` come together or not at all
(``InvalidParameter.Constraints``); a new version is created only when ``Content`` changes; ``SetAsDefault``
makes it the default. Name empty or longer than 1024 characters → ``InvalidParameter.TemplateName``.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from paitui.sim.dlc.catalog import IMAGES, JOB_TYPES
from paitui.sim.dlc.wire import TENANT_ID, ts
from paitui.sim.errors import SimError, not_found

if TYPE_CHECKING:
    from paitui.sim.dlc.state import DlcState

CONSTRAINT_KINDS = frozenset({"locked", "overridable", "required"})
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(slots=True)
class TemplateVersion:
    version: int
    content: Any
    constraints: dict[str, Any]
    created_by: str
    created: float


@dataclass(slots=True)
class JobTemplate:
    template_id: str
    name: str
    workspace_id: str
    user_id: str
    description: str
    metadata: dict[str, Any]
    created: float
    modified: float
    modified_by: str
    default_version: int
    versions: list[TemplateVersion] = field(default_factory=list)
    last_used: float | None = None

    def version(self, number: int) -> TemplateVersion:
        for v in self.versions:
            if v.version == number:
                return v
        raise not_found("NotFound.JobTemplateVersion", f"version of job template {self.template_id}",
                        str(number))


def _bad(code: str, message: str) -> SimError:
    return SimError(400, code, message)


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > 1024:
        raise _bad("InvalidParameter.TemplateName", "TemplateName must be 1 to 1024 characters.")
    return name


def parse_content(content: Any) -> dict[str, Any]:
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except ValueError:
            raise _bad("InvalidParameter.Content", "Content is not valid JSON.") from None
    if not isinstance(content, dict):
        raise _bad("InvalidParameter.Content", "Content must be a JSON object.")
    if content.get("JobType") not in JOB_TYPES:
        raise _bad("InvalidParameter.Content", "Content must contain a valid JobType.")
    return content


def check_constraints(constraints: Any) -> dict[str, Any]:
    if isinstance(constraints, str):
        try:
            constraints = json.loads(constraints)
        except ValueError:
            raise _bad("InvalidParameter.Constraints", "Constraints is not valid JSON.") from None
    if not isinstance(constraints, dict):
        raise _bad("InvalidParameter.Constraints", "Constraints must be a JSON object.")
    for path, kind in constraints.items():
        if kind not in CONSTRAINT_KINDS:
            raise _bad("InvalidParameter.Constraints",
                       f"Constraint type {kind!r} of {path} is not one of locked, overridable, required.")
    return constraints


_SEEDED = (
    ("pytorch-ddp-a10", "PyTorchJob", "ecs.gn7i-c8g1.2xlarge", "torchrun --nproc_per_node=1 train.py"),
    ("llm-sft-8xa100", "PyTorchJob", "ecs.gn7e-c16g1.16xlarge", "bash scripts/sft.sh"),
    ("tf-ps-worker-cpu", "TFJob", "ecs.g7.4xlarge", "python train.py --ps_hosts=$PS_HOSTS"),
    ("xgb-baseline", "XGBoostJob", "ecs.g6.4xlarge", "python xgb_train.py --num_round 500"),
    ("ray-tune-sweep", "RayJob", "ecs.gn7i-c16g1.4xlarge", "python tune.py --num-samples 64"),
    ("dj-clean-web", "DataJuicerJob", "ecs.g7.8xlarge", "dj-process --config configs/clean.yaml"),
)


class TemplateStore:
    def __init__(self, dlc: DlcState) -> None:
        self.dlc = dlc
        self.items: dict[str, JobTemplate] = {}
        rng = dlc.world.rng("dlc.templates")
        genesis = dlc.genesis
        for ws in dlc.world.workspace_refs:
            if ws.weight <= 0:
                continue
            for name, job_type, ecs, cmd in rng.sample(_SEEDED, 3):
                created = genesis - rng.uniform(3 * 86400.0, 60 * 86400.0)
                tpl = JobTemplate(self.new_id(rng), f"{ws.name}-{name}", ws.workspace_id, ws.creator.user_id,
                                  f"Team template for {job_type}", {"team": ws.name}, created, created,
                                  ws.creator.user_id, 1, last_used=genesis - rng.uniform(600.0, 86400.0))
                for v in range(1, rng.randint(1, 4) + 1):
                    content = {"JobType": job_type, "UserCommand": cmd, "JobSpecs": [
                        {"Type": "Worker", "PodCount": v, "Image": IMAGES[job_type][0], "EcsSpec": ecs}]}
                    at = created + (v - 1) * rng.uniform(3600.0, 86400.0)
                    tpl.versions.append(TemplateVersion(v, content, {"JobSpecs[0].Image": "locked",
                                                                    "UserCommand": "overridable"},
                                                        ws.creator.user_id, min(at, genesis)))
                    tpl.modified = min(at, genesis)
                tpl.default_version = tpl.versions[-1].version if rng.random() < 0.7 else 1
                self.items[tpl.template_id] = tpl
        self.create_rng = dlc.world.rng("dlc.templates.created")  # ids of templates made by calls

    @staticmethod
    def new_id(rng: random.Random) -> str:
        return "jt-" + "".join(rng.choice(_ALNUM) for _ in range(16))

    def get(self, template_id: str) -> JobTemplate:
        tpl = self.items.get(template_id)
        if tpl is None:
            raise not_found("NotFound.JobTemplate", "job template", template_id)
        return tpl


def summary_wire(tpl: JobTemplate) -> dict[str, Any]:
    return {
        "TemplateId": tpl.template_id, "TemplateName": tpl.name, "WorkspaceId": tpl.workspace_id,
        "UserId": tpl.user_id, "TenantId": TENANT_ID, "Description": tpl.description,
        "Metadata": dict(tpl.metadata), "DefaultVersion": tpl.default_version,
        "GmtCreateTime": ts(tpl.created), "GmtModifyTime": ts(tpl.modified),
        "LastUsedTime": ts(tpl.last_used), "ModifiedBy": tpl.modified_by,
    }


def version_wire(v: TemplateVersion) -> dict[str, Any]:
    return {"Version": v.version, "Content": v.content, "Constraints": dict(v.constraints),
            "CreatedBy": v.created_by, "GmtCreateTime": ts(v.created)}
