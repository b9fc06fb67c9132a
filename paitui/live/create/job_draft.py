"""The new-job wizard's state and the CreateJob body it builds (no Textual; the screens only show it).

The wizard walks the seed's resource discovery in order: workspace → job type → image (ListImages) →
resources (an ECS spec from ListEcsSpecs, or a quota from ListQuotas with a ResourceConfig per pod) → roles
and pod counts → name and command → data sources (ListDatasets) and code source (ListCodeSources) → review.
A ``JobDraft`` holds every choice, so going back and forth between steps keeps what was chosen; what a step
still lacks before the next one is ``missing(step)`` (the wizard's own completeness, in words). The
CreateJob *rules* (red lines, registered images …) are not here: the review hands ``body()`` to the
submit area's request builder (``job_request.create_job_request``, its rules in ``job_rules``), so each
rule exists once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from paitui.api.enums import JobType
from paitui.live.create.job_request import create_job_request
from paitui.live.create.request import CreateRequest

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

STEPS: tuple[str, ...] = ("workspace", "type", "image", "resources", "roles", "command", "sources", "review")
STEP_TITLES: dict[str, str] = {
    "workspace": "Workspace", "type": "Job type", "image": "Image", "resources": "Resources",
    "roles": "Roles and pods", "command": "Name and command", "sources": "Data and code", "review": "Review",
}
ResourceMode = Literal["ecs", "quota"]


@dataclass(frozen=True, slots=True)
class RoleRule:
    """A TaskSpec ``Type`` a job type takes, and how many pods of it (``most`` None: no fixed limit)."""

    type: str
    least: int
    most: int | None
    default: int


# The roles each DLC job type takes (TaskSpec Type: Worker/PS/Master/Evaluator/Chief, seeds/001, plus the
# Launcher of MPI and the Head of Ray). A role at 0 pods is left out of JobSpecs.
ROLE_RULES: dict[str, tuple[RoleRule, ...]] = {
    JobType.PYTORCH: (RoleRule("Master", 0, 1, 1), RoleRule("Worker", 1, None, 1)),
    JobType.TF: (RoleRule("Chief", 0, 1, 0), RoleRule("PS", 0, None, 1), RoleRule("Worker", 1, None, 2),
                 RoleRule("Evaluator", 0, 1, 0)),
    JobType.MPI: (RoleRule("Launcher", 1, 1, 1), RoleRule("Worker", 1, None, 2)),
    JobType.XGBOOST: (RoleRule("Master", 0, 1, 1), RoleRule("Worker", 1, None, 2)),
    JobType.ONEFLOW: (RoleRule("Master", 0, 1, 1), RoleRule("Worker", 1, None, 1)),
    JobType.ELASTIC_BATCH: (RoleRule("Master", 1, 1, 1), RoleRule("Worker", 1, None, 2)),
    JobType.SLURM: (RoleRule("Worker", 1, None, 2),),
    JobType.RAY: (RoleRule("Head", 1, 1, 1), RoleRule("Worker", 0, None, 1)),
    JobType.DATA_JUICER: (RoleRule("Head", 1, 1, 1), RoleRule("Worker", 0, None, 2)),
}
JOB_TYPES: tuple[str, ...] = tuple(t.value for t in JobType)
# the image picker's framework filter starts at the job type's framework (a user may widen it)
FRAMEWORK_OF: dict[str, str] = {JobType.PYTORCH: "PyTorch", JobType.TF: "TensorFlow",
                                JobType.XGBOOST: "XGBoost"}
# ListImages label filters the picker offers (seeds/001: "Key --labels filters")
IMAGE_LABELS: tuple[str, ...] = ("system.chipType", "system.framework", "system.officialReleased")
MOUNT_PATH = re.compile(r"^/[^\s]*$")
COMMIT = re.compile(r"^[0-9a-f]{7,40}$")


@dataclass(slots=True)
class QuotaResources:
    """A dedicated quota (CreateJob ``ResourceId``) and the ResourceConfig each pod asks of it."""

    quota_id: str
    quota_name: str = ""
    cpu: str = ""
    memory: str = ""
    gpu: str = ""
    gpu_type: str = ""


@dataclass(slots=True)
class DataMount:
    dataset_id: str
    name: str
    mount_path: str


@dataclass(slots=True)
class CodeMount:
    code_source_id: str
    name: str
    branch: str = ""
    commit: str = ""
    mount_path: str = ""


@dataclass(slots=True)
class JobDraft:
    """Every choice of the wizard; nothing here talks to the cloud."""

    workspace_id: str | None = None
    workspace_name: str = ""
    job_type: str | None = None
    image: str | None = None
    resource_mode: ResourceMode = "ecs"
    ecs_spec: str | None = None
    quota: QuotaResources | None = None
    pods: dict[str, int] = field(default_factory=dict)  # role Type -> pod count
    display_name: str = ""
    command: str = ""
    data_sources: list[DataMount] = field(default_factory=list)
    code_source: CodeMount | None = None
    step: int = 0

    # --- moving between steps ---

    @property
    def step_name(self) -> str:
        return STEPS[self.step]

    def forward(self) -> list[str]:
        """Go to the next step, unless this one lacks something: then stay and say what."""
        lacking = self.missing(self.step_name)
        if not lacking and self.step < len(STEPS) - 1:
            self.step += 1
        return lacking

    def back(self) -> None:
        if self.step > 0:
            self.step -= 1

    @property
    def touched(self) -> bool:
        """Whether discarding the draft loses a choice (esc asks first when it does)."""
        return any((self.job_type, self.image, self.ecs_spec, self.quota, self.display_name, self.command,
                    self.data_sources, self.code_source))

    # --- choices ---

    def choose_job_type(self, job_type: str) -> None:
        """A job type sets its roles' pod counts to their defaults; choosing the same type again keeps them."""
        if job_type not in ROLE_RULES:
            raise ValueError(f"{job_type!r} is not a DLC job type ({', '.join(JOB_TYPES)})")
        if job_type != self.job_type:
            self.job_type = job_type
            self.pods = {rule.type: rule.default for rule in ROLE_RULES[job_type]}

    def role_rules(self) -> tuple[RoleRule, ...]:
        return ROLE_RULES.get(self.job_type or "", ())

    def set_pods(self, role: str, count: int) -> None:
        rule = next((r for r in self.role_rules() if r.type == role), None)
        if rule is None:
            raise ValueError(f"a {self.job_type or 'job'} has no {role} role")
        self.pods[role] = count

    def choose_ecs_spec(self, instance_type: str) -> None:
        self.resource_mode, self.ecs_spec = "ecs", instance_type

    def choose_quota(self, quota: QuotaResources) -> None:
        self.resource_mode, self.quota = "quota", quota

    def toggle_dataset(self, dataset_id: str, name: str, mount_path: str = "") -> bool:
        """Add the dataset (at ``mount_path``, default ``/mnt/data/<name>``), or remove it; True when added."""
        for mount in self.data_sources:
            if mount.dataset_id == dataset_id:
                self.data_sources.remove(mount)
                return False
        self.data_sources.append(DataMount(dataset_id, name, mount_path or f"/mnt/data/{name}"))
        return True

    # --- what a step lacks ---

    def missing(self, step: str) -> list[str]:
        """What ``step`` still needs before the next one, in words (empty: complete)."""
        out: list[str] = []
        if step == "workspace" and not self.workspace_id:
            out.append("choose a workspace")
        elif step == "type" and not self.job_type:
            out.append("choose a job type")
        elif step == "image" and not self.image:
            out.append("choose an image from the list (ListImages)")
        elif step == "resources":
            out += self._missing_resources()
        elif step == "roles":
            out += self._missing_roles()
        elif step == "command":
            if not self.display_name.strip():
                out.append("give the job a name")
            if not self.command.strip():
                out.append("give the command the pods run")
        elif step == "sources":
            out += self._missing_sources()
        return out

    def _missing_resources(self) -> list[str]:
        if self.resource_mode == "ecs":
            return [] if self.ecs_spec else ["choose an ECS spec, or switch to a quota"]
        if self.quota is None:
            return ["choose a quota, or switch to an ECS spec"]
        out = []
        if not _quantity(self.quota.cpu):
            out.append("CPU per pod: a number of cores, such as 8")
        if not _quantity(self.quota.memory):
            out.append("memory per pod: a quantity, such as 64Gi")
        if self.quota.gpu and not _quantity(self.quota.gpu):
            out.append(f"GPU per pod: a whole number, not {self.quota.gpu!r}")
        return out

    def _missing_roles(self) -> list[str]:
        out = []
        for rule in self.role_rules():
            count = self.pods.get(rule.type, 0)
            if count < rule.least:
                out.append(f"{rule.type}: at least {rule.least} pod{'s' if rule.least > 1 else ''}")
            elif rule.most is not None and count > rule.most:
                out.append(f"{rule.type}: at most {rule.most} pod{'s' if rule.most > 1 else ''}")
        return out

    def _missing_sources(self) -> list[str]:
        out = []
        paths: set[str] = set()
        for mount in self.data_sources:
            if not MOUNT_PATH.match(mount.mount_path):
                out.append(f"{mount.name}: the mount path must be absolute, not {mount.mount_path!r}")
            elif mount.mount_path in paths:
                out.append(f"{mount.name}: {mount.mount_path} is mounted twice")
            paths.add(mount.mount_path)
        code = self.code_source
        if code is not None:
            if code.commit and not COMMIT.match(code.commit):
                out.append(f"{code.name}: a commit is 7 to 40 hexadecimal digits, not {code.commit!r}")
            if code.mount_path and not MOUNT_PATH.match(code.mount_path):
                out.append(f"{code.name}: the mount path must be absolute, not {code.mount_path!r}")
        return out

    def incomplete(self) -> list[tuple[str, str]]:
        """Every step's gaps before review, as (step, what): the review lists them rather than send."""
        return [(step, what) for step in STEPS[:-1] for what in self.missing(step)]

    # --- the request ---

    def job_specs(self) -> list[dict[str, Any]]:
        specs = []
        for rule in self.role_rules():
            count = self.pods.get(rule.type, 0)
            if count <= 0:
                continue
            spec: dict[str, Any] = {"Type": rule.type, "PodCount": count, "Image": self.image or ""}
            if self.resource_mode == "ecs":
                spec["EcsSpec"] = self.ecs_spec or ""
            elif self.quota is not None:
                config = {"CPU": self.quota.cpu.strip(), "Memory": self.quota.memory.strip()}
                if self.quota.gpu.strip() and self.quota.gpu.strip() != "0":
                    config["GPU"] = self.quota.gpu.strip()
                    if self.quota.gpu_type:
                        config["GPUType"] = self.quota.gpu_type
                spec["ResourceConfig"] = config
            specs.append(spec)
        return specs

    def body(self) -> dict[str, Any]:
        """CreateJob's body by wire names, exactly what the review shows and the submit sends."""
        body: dict[str, Any] = {
            "WorkspaceId": self.workspace_id or "",
            "DisplayName": self.display_name.strip(),
            "JobType": self.job_type or "",
            "JobSpecs": self.job_specs(),
            "UserCommand": self.command.strip(),
        }
        if self.resource_mode == "quota" and self.quota is not None:
            body["ResourceId"] = self.quota.quota_id
        if self.data_sources:
            body["DataSources"] = [{"DataSourceId": m.dataset_id, "MountPath": m.mount_path}
                                   for m in self.data_sources]
        if self.code_source is not None:
            code = self.code_source
            body["CodeSource"] = {k: v for k, v in (("CodeSourceId", code.code_source_id), ("Branch", code.branch),
                                                    ("Commit", code.commit), ("MountPath", code.mount_path)) if v}
        return body


_NUMBER = re.compile(r"^\s*\d+(\.\d+)?\s*([KMGT]i?)?\s*$", re.IGNORECASE)


def _quantity(text: str) -> bool:
    return bool(text and _NUMBER.match(text))


def quota_resources(quota: Any, *, cpu: str = "", memory: str = "", gpu: str = "") -> QuotaResources:
    """A ``QuotaResources`` for a ListQuotas row: its id and name, the GPU type its ``gpu-type`` spec names."""
    specs = {s.name: s.value for s in (getattr(quota, "specs", None) or ()) if s.name}
    return QuotaResources(quota.id or "", quota.name or quota.display_name or "", cpu, memory, gpu,
                          specs.get("gpu-type") or "")



async def draft_request(client: PaiClient, draft: JobDraft) -> CreateRequest:
    """The one CreateJob request of this draft, its refusals set by the CreateJob rules: built by the submit
    area's builder (``job_request.create_job_request``: red lines, images registered in ListImages), so
    the wizard and ``paitui job submit`` check the same rules. Reads ListImages and ListJobs."""
    return await create_job_request(client, draft.body())
