"""The simulated cloud's state: one World holds a clock, a seed and the four products' stores.

Everything is derived from ``seed`` (and ``jobs`` for scale), so two worlds made with the same arguments on
a manual clock answer every request identically. The directory (users, workspaces) is built at once; each
product's store (AIWorkSpace, DLC, PAIFlow, PaiPlugin) when it is first used, which gives the same world.
"""

from __future__ import annotations

import functools
import hashlib
import random
import string
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from paitui.sim.clock import SimClock

if TYPE_CHECKING:
    from paitui.sim.dlc.state import DlcState
    from paitui.sim.flow.state import FlowState
    from paitui.sim.plugin.state import PluginState
    from paitui.sim.workspace.state import WorkspaceState


@dataclass(frozen=True, slots=True)
class User:
    user_id: str
    name: str
    display_name: str


# The caller of every demo credential is DEMO_USER ("owner:me" in the dashboard).
DEMO_USER = User("1557702098194904", "demo", "Demo User")
TEST_USER = User("1557702098190001", "tester", "SDK Tester")
USERS: tuple[User, ...] = (
    DEMO_USER,
    User("1557702098194911", "lin.wei", "Lin Wei"),
    User("1557702098194922", "maria.k", "Maria Kowalska"),
    User("1557702098194933", "chen.hao", "Chen Hao"),
    User("1557702098194944", "a.okafor", "Ada Okafor"),
    User("1557702098194955", "svc-pipeline", "Pipeline Service"),
)


@dataclass(frozen=True, slots=True)
class WorkspaceRef:
    workspace_id: str
    name: str
    display_name: str
    status: str
    is_default: bool
    creator: User
    weight: int  # share of jobs/runs that land here


WORKSPACES: tuple[WorkspaceRef, ...] = (
    WorkspaceRef("264901", "llm_pretrain", "LLM pre-training", "ENABLED", True, USERS[1], 5),
    WorkspaceRef("264902", "vision_research", "Vision research", "ENABLED", False, USERS[2], 3),
    WorkspaceRef("264903", "recsys_prod", "RecSys production", "ENABLED", False, USERS[3], 3),
    WorkspaceRef("264904", "sandbox", "Sandbox", "ENABLED", False, DEMO_USER, 2),
    WorkspaceRef("264905", "archive_2025", "Archive 2025", "FROZEN", False, USERS[4], 0),
    WorkspaceRef("264906", "new_team", "New team (initializing)", "INITIALIZING", False, USERS[4], 0),
)


class World:
    def __init__(self, *, seed: int = 7, jobs: int = 400, clock: SimClock | None = None) -> None:
        self.seed = seed
        self.job_count = jobs
        self.clock = clock or SimClock.manual()
        # the moment the world was generated: history lies before it, the future unfolds after it
        self.genesis: datetime = self.clock.now()
        self.users = USERS
        self.workspace_refs = WORKSPACES
        self._counters: dict[str, int] = {}
        self._id_rng = self.rng("ids")

    # Each product's store is seeded on first use (the dashboard's first screen asks AIWorkSpace only, so the
    # 400 demo jobs, the pipeline runs and the schedules wait until a screen wants them). A store seeded late
    # is the same as one seeded at once: seeding reads only ``genesis`` and streams named by purpose
    # (``rng(name)``), never the clock's now or the shared id stream, and time since genesis is caught up
    # on every read as it always was. The product modules are imported here too, which also avoids a cycle
    # (each imports World for type hints).

    @functools.cached_property
    def workspace(self) -> WorkspaceState:
        from paitui.sim.workspace.state import WorkspaceState

        return WorkspaceState(self)

    @functools.cached_property
    def dlc(self) -> DlcState:
        from paitui.sim.dlc.state import DlcState

        return DlcState(self)

    @functools.cached_property
    def flow(self) -> FlowState:
        from paitui.sim.flow.state import FlowState

        return FlowState(self)

    @functools.cached_property
    def plugin(self) -> PluginState:
        from paitui.sim.plugin.state import PluginState

        return PluginState(self)

    def seeded(self) -> tuple[str, ...]:
        """The products whose store exists so far (in dependency order)."""
        return tuple(name for name in ("workspace", "dlc", "flow", "plugin") if name in self.__dict__)

    def now(self) -> datetime:
        return self.clock.now()

    def rng(self, name: str) -> random.Random:
        """An independent deterministic random stream per purpose, so adding one does not shift the others."""
        digest = hashlib.sha256(f"{self.seed}:{name}".encode()).digest()
        return random.Random(int.from_bytes(digest[:8], "big"))

    def new_id(self, prefix: str, length: int = 14) -> str:
        """A fresh resource id such as ``dlc1a2b3c4d5e6f7g``, deterministic for a given seed."""
        alphabet = string.ascii_lowercase + string.digits
        return prefix + "".join(self._id_rng.choice(alphabet) for _ in range(length))

    def request_id(self) -> str:
        return str(uuid.UUID(int=self._id_rng.getrandbits(128), version=4)).upper()

    def workspace_ref(self, workspace_id: str) -> WorkspaceRef | None:
        return next((w for w in self.workspace_refs if w.workspace_id == workspace_id), None)

    def user(self, user_id: str) -> User | None:
        return next((u for u in self.users if u.user_id == user_id), None)
