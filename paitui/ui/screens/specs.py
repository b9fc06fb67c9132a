"""ECS / Lingjun instance specs DLC can run on (ListEcsSpecs); account-wide, not workspace-scoped.

The summary counts specs by accelerator (CPU / GPU). Spot stock is coloured like a phase (with stock green,
low yellow, none red); an unavailable spec is dimmed. Enter shows every field in a key/value modal.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text

from paitui.api.models.dlc import EcsSpec
from paitui.ui.screens.resource_list import ResourceListScreen
from paitui.ui.theming import phase_colour
from paitui.ui.widgets.kv_modal import KeyValueModal, model_pairs
from paitui.ui.widgets.resource_table import Column

STOCK_PHASE = {"withstock": "succeeded", "lowstock": "pending", "nostock": "failed", "closewithstock": "pending"}


def gigabytes(value: int | None) -> str:
    return f"{value} GB" if value else "—"


class SpecsScreen(ResourceListScreen):
    RESOURCE = "spec"
    COUNT_STATUSES = True  # specs have no status: the summary counts them by accelerator (``row_status``)

    def stock_text(self, spec: EcsSpec) -> Text:
        stock = spec.spot_stock_status or ""
        phase = STOCK_PHASE.get(stock.casefold(), "unknown")
        return Text(stock or "—", style=phase_colour(self.app.current_theme, phase) if stock else "")

    def columns(self) -> list[Column]:
        return [
            Column("type", "INSTANCE TYPE", lambda s: s.instance_type or "", min_width=16, max_width=40, flex=True),
            Column("accel", "ACCEL", lambda s: s.accelerator_type or "", width=5, drop=5),
            Column("cpu", "CPU", lambda s: _num(s.cpu), width=5, align="right", sort_key=lambda s: s.cpu or 0),
            Column("gpu", "GPU", lambda s: _num(s.gpu), width=5, align="right", sort_key=lambda s: s.gpu or 0),
            Column("gpu_type", "GPU TYPE", lambda s: s.gpu_type or "", min_width=8, max_width=20),
            Column("gpu_memory", "GPU MEM", lambda s: gigabytes(s.gpu_memory), width=9, align="right",
                   sort_key=lambda s: s.gpu_memory or 0, drop=4),
            Column("memory", "MEMORY", lambda s: gigabytes(s.memory), width=9, align="right",
                   sort_key=lambda s: s.memory or 0),
            Column("resource", "RESOURCE", lambda s: s.resource_type or "", width=10, drop=3),
            Column("payment", "PAYMENT TYPES", lambda s: ", ".join(s.payment_types or ()), min_width=13,
                   max_width=28, drop=2),
            Column("stock", "SPOT STOCK", self.stock_text, width=12, drop=1),
        ]

    def row_status(self, row: Any) -> str:
        return row.accelerator_type or ""  # the summary counts CPU and GPU specs

    def row_phase_of_status(self, status: str) -> str:
        return "stopped"  # the muted colour: an accelerator is not a lifecycle phase

    def row_style(self, row: Any) -> Style | None:
        return Style(dim=True) if row.is_available is False else None

    def open_row(self, row: Any) -> None:
        self.app.push_screen(KeyValueModal(f"spec {self.row_name(row)}", model_pairs(row)))


def _num(value: int | None) -> str:
    return "—" if value is None else str(value)
