"""ECS / Lingjun machine specs DLC can run on (``ListEcsSpecs``); account-wide, without a status."""

from __future__ import annotations

from typing import Any

from paitui.kinds.base import ListContext, ResourceKind, attr


def _lister(ctx: ListContext) -> Any:
    from paitui.live.listers import SpecLister

    return SpecLister(ctx.client)


KIND = ResourceKind(
    key="spec", label="Spec", noun="machine spec", plural="specs", product_plural="ECS / Lingjun machine specs",
    id=attr("instance_type"), name=attr("instance_type"),
    view="specs", aliases=("ecs", "ecsspecs", "spec"), help="ECS / Lingjun machine specs", title="ECS specs",
    screen="paitui.ui.screens.specs:SpecsScreen", order=70, lister=_lister,
    filter_fields={
        "name": lambda s: s.instance_type or "",
        "accel": lambda s: s.accelerator_type or "",
        "gpu": lambda s: s.gpu_type or "",
        "resource": lambda s: s.resource_type or "",
        "payment": lambda s: list(s.payment_types or ()),
        "stock": lambda s: s.spot_stock_status or "",
    },
    free_text_in_fields=True,
    filter_aliases={"type": "accel", "accelerator": "accel", "gputype": "gpu"},
)
