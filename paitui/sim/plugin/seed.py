"""The seeded PaiPlugin world: audience groups, SMS signatures and templates, and ~30 schedules.

At genesis the schedules cover all six statuses; the ones still checking, waiting or sending move on as the
clock advances (see ``Schedule.timeline``).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from paitui.sim.plugin.schedules import Schedule, Status

if TYPE_CHECKING:
    from paitui.sim.world import World


def uuid_like(rng: random.Random) -> str:
    """Ids look like ``0bddaf8f-5628-427a-8652-5e24f6b4c35d`` (a random UUID, lower case)."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass(frozen=True, slots=True)
class Catalog:
    groups: tuple[str, ...]
    signatures: tuple[tuple[str, str], ...]  # (SignatureId, SignName)
    templates: tuple[tuple[str, str], ...]  # (TemplateId, TemplateCode)

    def signature(self, signature_id: str | None, sign_name: str | None) -> tuple[str, str]:
        """Complete a (SignatureId, SignName) pair from whichever half the caller gave."""
        for sid, name in self.signatures:
            if sid == signature_id or name == sign_name:
                return sid, name
        return signature_id or "", sign_name or ""

    def template(self, template_id: str | None, template_code: str | None) -> tuple[str, str]:
        for tid, code in self.templates:
            if tid == template_id or code == template_code:
                return tid, code
        return template_id or "", template_code or ""


_SIGN_NAMES = ("阿里云PAI", "PaiTui商城", "云上会员中心")

_NAMES = (
    "春季新品上新提醒", "会员日优惠券发放", "Double 11 warm-up", "沉睡用户唤醒", "购物车放弃挽回",
    "生日祝福与礼券", "Flash sale reminder", "积分即将过期提醒", "新客首单立减", "VIP early access",
    "门店开业邀请", "订阅续费提醒", "618 大促预热", "Price drop alert", "满意度回访",
    "Weekend brunch promo", "高价值用户关怀", "App 新版本引导", "Back-to-school deals", "物流签收回访",
    "季末清仓", "Loyalty tier upgrade", "直播预告", "Referral bonus", "节日问候",
    "Abandoned browse nudge", "线下活动报名", "Payday special", "老客回购激励", "Year-end review",
)

# status at genesis -> how many plans are in it (30 in all)
_PLAN: tuple[tuple[Status, int], ...] = (
    (Status.CHECKING, 4), (Status.CHECK_PASSED, 5), (Status.CHECK_FAILED, 3),
    (Status.SENDING, 4), (Status.SENT, 10), (Status.SEND_FAILED, 4),
)


def build_catalog(rng: random.Random) -> Catalog:
    groups = tuple(uuid_like(rng) for _ in range(6))
    signatures = tuple((uuid_like(rng), name) for name in _SIGN_NAMES)
    templates = tuple((uuid_like(rng), f"SMS_{rng.randint(200_000_000, 499_999_999)}") for _ in range(5))
    return Catalog(groups, signatures, templates)


def _schedule(rng: random.Random, catalog: Catalog, name: str, status: Status, genesis: datetime) -> Schedule:
    """One plan whose timeline puts it in ``status`` at ``genesis`` (with a comfortable margin)."""
    g = genesis.replace(microsecond=0)  # the wire strings have whole seconds

    def ago(low: int, high: int) -> datetime:
        return g - timedelta(seconds=rng.randint(low, high))

    def ahead(low: int, high: int) -> datetime:
        return g + timedelta(seconds=rng.randint(low, high))

    check, send = rng.randint(120, 900), rng.randint(600, 3 * 3600)
    execute: datetime | None
    check_ok = send_ok = True
    if status is Status.CHECKING:
        created = ago(10, 100)
        check = rng.randint(300, 900)
        # half send right after the check, half wait for a time later today
        execute = None if rng.random() < 0.5 else ahead(1800, 4 * 3600)
    elif status is Status.CHECK_PASSED:
        created = ago(3600, 3 * 86_400)
        execute = ahead(3600, 5 * 86_400)
    elif status is Status.CHECK_FAILED:
        created, check_ok, execute = ago(2 * 86_400, 40 * 86_400), False, None
    elif status is Status.SENDING:
        created = ago(3 * 3600, 20 * 3600)
        execute = ago(300, 1800)
        send = rng.randint(2 * 3600, 6 * 3600)
    else:
        created = ago(3 * 86_400, 90 * 86_400)
        execute = None if rng.random() < 0.4 else created + timedelta(seconds=rng.randint(3600, 86_400))
        send_ok = status is Status.SENT
    sid, sign_name = rng.choice(catalog.signatures)
    tid, code = rng.choice(catalog.templates)
    plan = Schedule(uuid_like(rng), name, rng.choice(catalog.groups), sid, sign_name, tid, code, created, execute,
                    check, check_ok, send, send_ok)
    if execute is not None and rng.random() < 0.3:  # a repeating plan: daily or weekly, N times
        plan.repeat_cycle, plan.repeat_cycle_unit = 1, rng.choice((2, 3))
        plan.repeat_times = rng.randint(2, 8)
        period = timedelta(days=1 if plan.repeat_cycle_unit == 2 else 7)
        plan.end_time = execute + period * plan.repeat_times
    plan.payment_type = "PostPaid" if rng.random() < 0.8 else "PrePaid"
    return plan


def build_schedules(world: World, rng: random.Random, catalog: Catalog) -> list[Schedule]:
    statuses = [status for status, count in _PLAN for _ in range(count)]
    rng.shuffle(statuses)
    return [_schedule(rng, catalog, name, status, world.genesis) for name, status in zip(_NAMES, statuses,
                                                                                         strict=True)]
