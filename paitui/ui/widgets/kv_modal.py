"""``KeyValueModal``: a resource as a two-column key/value sheet (k9s "describe"), given or loaded.

``model_pairs`` turns any wire model into rows keyed by the wire names (``InstanceType``, ``GmtCreateTime``)
so what the screen says matches docs/WIRE.md. Every value becomes a ``rich.text.Text`` (or a renderable the
caller built from ``Text``) before it is drawn: server strings are never markup.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from paitui.live.lifecycle import ago
from paitui.ui.widgets.text_modal import DetailModal, Loader

Pair = tuple[str, Any]


def format_time(moment: datetime, now: datetime | None = None) -> str:
    """Local time with its zone, plus the age when ``now`` is known: ``2026-03-02 07:59:50 UTC (5m ago)``."""
    local = moment.astimezone()
    text = f"{local:%Y-%m-%d %H:%M:%S} {local.tzname() or ''}".rstrip()
    return f"{text} ({ago(moment, now)})" if now is not None else text


def format_value(value: Any, now: datetime | None = None) -> Text:
    """One value as literal text: times readable, scalars as-is, structures as indented JSON."""
    if isinstance(value, Text):
        return value
    if value is None or value == "":
        return Text("—", style="dim")
    if isinstance(value, bool):
        return Text("true" if value else "false")
    if isinstance(value, datetime):
        return Text(format_time(value, now))
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return Text(", ".join(str(v) for v in value) or "—")
    if isinstance(value, list | dict):
        dumped = [v.model_dump(mode="json", by_alias=True, exclude_none=True) if isinstance(v, BaseModel) else v
                  for v in value] if isinstance(value, list) else value
        return Text(json.dumps(dumped, indent=2, ensure_ascii=False, default=str))
    return Text(str(value))


def model_pairs(model: BaseModel, *, skip: Sequence[str] = ("RequestId",)) -> list[Pair]:
    """Every field the server sent (``None`` = not sent, left out), by wire name, declared order first."""
    pairs: list[Pair] = []
    for name, field in type(model).model_fields.items():
        key = field.alias or name
        value = getattr(model, name)
        if value is not None and key not in skip:
            pairs.append((key, value))
    for key, value in (model.model_extra or {}).items():  # fields the cloud added after our models
        if value is not None and key not in skip:
            pairs.append((key, value))
    return pairs


class KeyValueModal(DetailModal[Sequence[Pair]]):
    """Rows of ``(key, value)``; values are formatted by ``format_value`` (``Text`` values pass as they are)."""

    def __init__(self, title: str, pairs: Sequence[Pair] | None = None, *,
                 loader: Loader[Sequence[Pair]] | None = None, now: datetime | None = None) -> None:
        super().__init__(title, pairs, loader=loader)
        self.now = now

    def render_body(self, data: Sequence[Pair]) -> RenderableType:
        if not data:
            return Text("(no fields)", style="italic")
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for key, value in data:
            grid.add_row(Text(key), value if isinstance(value, Table) else format_value(value, self.now))
        return grid

    def value_of(self, key: str) -> str | None:
        """The plain text shown for ``key`` (for tests and copy helpers)."""
        for k, value in self.data or ():
            if k == key:
                return format_value(value, self.now).plain if not isinstance(value, Table) else None
        return None
