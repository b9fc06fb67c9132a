"""The PaiPlugin store: SMS-marketing schedules (send plans), with create and delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from paitui.sim.plugin.schedules import Schedule, Status
from paitui.sim.plugin.seed import Catalog, build_catalog, build_schedules, uuid_like

if TYPE_CHECKING:
    from paitui.sim.world import World

# a plan created through the API is reviewed in two minutes and sends for five
CREATED_CHECK_SECONDS = 120
CREATED_SEND_SECONDS = 300


@dataclass(frozen=True, slots=True)
class NewSchedule:
    """CreateSchedule's validated input."""

    name: str
    group_id: str
    signature_id: str | None
    sign_name: str | None
    template_id: str | None
    template_code: str | None
    execute_at: datetime | None
    repeat_cycle: int
    repeat_cycle_unit: int
    repeat_times: int
    end_time: datetime | None
    payment_type: str
    ai_send_start: str
    ai_send_end: str


class PluginState:
    def __init__(self, world: World) -> None:
        self.world = world
        self._rng = world.rng("plugin.schedules")
        self.catalog: Catalog = build_catalog(self._rng)
        self._schedules: dict[str, Schedule] = {s.schedule_id: s for s in build_schedules(world, self._rng,
                                                                                          self.catalog)}

    def schedules(self) -> list[Schedule]:
        """Newest first, as the console lists them."""
        return sorted(self._schedules.values(), key=lambda s: (s.created, s.schedule_id), reverse=True)

    def schedule(self, schedule_id: str) -> Schedule | None:
        return self._schedules.get(schedule_id)

    def status(self, schedule_id: str) -> Status | None:
        plan = self._schedules.get(schedule_id)
        return None if plan is None else plan.status(self.world.now())

    def create(self, spec: NewSchedule) -> Schedule:
        sid, sign_name = self.catalog.signature(spec.signature_id, spec.sign_name)
        tid, code = self.catalog.template(spec.template_id, spec.template_code)
        plan = Schedule(
            uuid_like(self._rng), spec.name, spec.group_id, sid, sign_name, tid, code,
            self.world.now().replace(microsecond=0), spec.execute_at, CREATED_CHECK_SECONDS, True,
            CREATED_SEND_SECONDS, True, spec.repeat_cycle, spec.repeat_cycle_unit, spec.repeat_times,
            spec.end_time, spec.payment_type, spec.ai_send_start, spec.ai_send_end,
        )
        self._schedules[plan.schedule_id] = plan
        return plan

    def delete(self, schedule_id: str) -> bool:
        return self._schedules.pop(schedule_id, None) is not None
