"""Workspace records: the shared ``world.workspace_refs`` dressed with what AIWorkSpace reports about them."""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from paitui.sim.routing import iso_millis
from paitui.sim.world import DEMO_USER, User, WorkspaceRef

if TYPE_CHECKING:
    from paitui.sim.world import World

# Every simulated user is a RAM user of one main account; that account is each Owner's ``UserKp``.
MAIN_ACCOUNT_ID = DEMO_USER.user_id
TENANT_ID = "256874310296811"

# Option=GetResourceLimits: the resource kinds (product_mode) a workspace may activate and how many of each.
RESOURCE_LIMITS: dict[str, int] = {
    "MaxCompute_share": 1,
    "MaxCompute_isolate": 1,
    "DLC_share": 1,
    "PAI_isolate": 1,
    "PAI_share": 1,
    "DataWorks_isolate": 1,
    "DataWorks_share": 1,
}

# Per workspace id: description, admin user names (besides the creator), env types, resource group slot.
_DETAILS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], int]] = {
    "264901": ("Pre-training of the in-house LLM family on Lingjun clusters.", ("demo", "chen.hao"),
               ("dev", "prod"), 0),
    "264902": ("Detection and segmentation research, shared GPU quota.", ("demo",), ("dev", "prod"), 0),
    "264903": ("Production recommendation models; changes go through review.", (), ("prod",), 1),
    "264904": ("Personal experiments. Anything here may be deleted.", (), ("prod",), 2),
    "264905": ("Read-only archive of 2025 projects (frozen: overdue payment).", ("lin.wei",), ("prod",), 1),
    "264906": ("Workspace for the new team, still being initialized.", ("demo",), ("dev", "prod"), 2),
}


@dataclass(frozen=True, slots=True)
class Workspace:
    ref: WorkspaceRef
    description: str
    admin_names: tuple[str, ...]
    env_types: tuple[str, ...]
    resource_group_id: str
    gmt_create: datetime
    gmt_modified: datetime

    @property
    def workspace_id(self) -> str:
        return self.ref.workspace_id

    @property
    def owner(self) -> User:
        return self.ref.creator

    def _common(self) -> dict[str, Any]:
        ref = self.ref
        return {
            "WorkspaceId": ref.workspace_id,
            "WorkspaceName": ref.name,
            "DisplayName": ref.display_name,
            "Description": self.description,
            "Status": ref.status,
            "Creator": ref.creator.user_id,
            "EnvTypes": list(self.env_types),
            "GmtCreateTime": iso_millis(self.gmt_create),
            "GmtModifiedTime": iso_millis(self.gmt_modified),
        }

    def list_item(self, *, verbose: bool) -> dict[str, Any]:
        item = self._common()
        item["IsDefault"] = self.ref.is_default
        item["AdminNames"] = list(self.admin_names)
        # the real ListWorkspaces item spells this key with a lower-case "r" (GetWorkspace does not)
        item["resourceGroupId"] = self.resource_group_id
        if verbose:
            item["ExtraInfos"] = {"TenantId": TENANT_ID}
        return item

    def detail(self, *, verbose: bool) -> dict[str, Any]:
        body = self._common()
        body["IsDefault"] = self.ref.is_default
        body["AdminNames"] = list(self.admin_names)
        body["ResourceGroupId"] = self.resource_group_id
        body["ExtraInfos"] = {"TenantId": TENANT_ID}
        if verbose:
            body["Owner"] = owner_wire(self.owner, display_name=True)
        return body

    def default_detail(self, *, verbose: bool) -> dict[str, Any]:
        body = self._common()
        body["Conditions"] = conditions(self.ref.status)
        if verbose:
            body["Owner"] = owner_wire(self.owner, display_name=False)
        return body

    def has_member(self, user: User) -> bool:
        return user.user_id == self.ref.creator.user_id or user.name in self.admin_names


def owner_wire(user: User, *, display_name: bool) -> dict[str, Any]:
    owner = {"UserId": user.user_id, "UserKp": MAIN_ACCOUNT_ID, "UserName": user.name}
    if display_name:  # GetDefaultWorkspace's Owner model has no DisplayName
        owner["DisplayName"] = user.display_name
    return owner


def conditions(status: str) -> list[dict[str, Any]]:
    """The creation steps of a workspace; an initializing one has not reached ENABLED yet."""
    steps = ["CREATING", "WORKSPACE_CREATED", "MEMBERS_ADDED", "ENABLED"]
    if status == "INITIALIZING":
        steps = steps[:2]
    return [{"Code": 200, "Message": "", "Type": step} for step in steps]


def build_workspaces(world: World) -> list[Workspace]:
    rng = world.rng("workspace.workspaces")
    alphabet = string.ascii_lowercase + string.digits
    groups = ["rg-acfm" + "".join(rng.choice(alphabet) for _ in range(11)) for _ in range(3)]
    out: list[Workspace] = []
    for index, ref in enumerate(world.workspace_refs):
        description, admins, env_types, group = _DETAILS.get(
            ref.workspace_id, (f"{ref.display_name}.", (), ("prod",), 0))
        if ref.status == "INITIALIZING":
            created = world.genesis - timedelta(minutes=rng.randint(3, 20), milliseconds=rng.randint(0, 999))
            modified = created
        else:
            # older refs were created earlier, so GmtCreateTime order follows the ref order
            created = world.genesis - timedelta(days=420 - index * 60 + rng.randint(0, 20),
                                                seconds=rng.randint(0, 86_399), milliseconds=rng.randint(0, 999))
            # modification times deliberately do not follow creation order, so the two sorts differ
            modified = world.genesis - timedelta(days=rng.randint(1, 50), seconds=rng.randint(0, 86_399),
                                                 milliseconds=rng.randint(0, 999))
        admin_names = (ref.creator.name, *(a for a in admins if a != ref.creator.name))
        out.append(Workspace(ref, description, admin_names, env_types, groups[group], created, modified))
    return out
