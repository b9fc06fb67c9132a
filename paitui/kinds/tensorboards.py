"""DLC TensorBoards (``ListTensorboards`` / ``GetTensorboard``).

Rules: a TensorBoard starts when stopped (or finished) and stops while it is not; a shared URL opens a
running one. Its one-call actions also send the workspace (``live.actions.wire_request``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from paitui.kinds.action import PERMANENT, Target, entry
from paitui.kinds.base import ListContext, ResourceKind, attr
from paitui.kinds.jobs import reason
from paitui.live.status import is_terminal_tensorboard, tensorboard_phase

if TYPE_CHECKING:
    from paitui.api.client import PaiClient


def _start(t: Target) -> str:
    if not is_terminal_tensorboard(t.status):
        return f"the TensorBoard is {t.status or 'unknown'}: only a stopped one can be started"
    return ""


def _stop(t: Target) -> str:
    if is_terminal_tensorboard(t.status):
        return f"the TensorBoard is already {t.status or 'unknown'}"
    return ""


def _shared(t: Target) -> str:
    if is_terminal_tensorboard(t.status):
        return f"the TensorBoard is {t.status or 'unknown'}: a shared URL opens a running TensorBoard; start it first"
    return ""


def _lister(ctx: ListContext) -> Any:
    from paitui.live.listers import TensorboardLister

    return TensorboardLister(ctx.client, ctx.workspace_id, window=ctx.window, now=ctx.now)


async def _get(client: PaiClient, ident: str) -> Any:
    return await client.dlc.get_tensorboard(ident)


KIND = ResourceKind(
    key="tensorboard", label="TensorBoard", noun="TensorBoard", plural="tensorboards",
    product_plural="DLC TensorBoards",
    id=attr("tensorboard_id"), name=attr("display_name"), status=attr("status"), created=attr("gmt_create_time"),
    owner=lambda t: getattr(t, "username", None) or getattr(t, "user_id", None), workspace=attr("workspace_id"),
    phase=tensorboard_phase, terminal=is_terminal_tensorboard, reason=reason, notify=True,
    view="tensorboards", aliases=("tb", "tensorboard"), help="DLC tensorboards", title="TensorBoards",
    screen="paitui.ui.screens.tensorboards:TensorboardsScreen", workspace_scoped=True, windowed=True, order=50,
    lister=_lister, get=_get, get_call=("dlc", "GetTensorboard", "TensorboardId"),
    filter_fields={
        "name": lambda t: f"{t.display_name or ''} {t.tensorboard_id or ''}",
        "status": lambda t: t.status or "",
        "job": lambda t: t.job_id or "",
        "owner": lambda t: [t.user_id or "", t.username or ""],
        "id": lambda t: t.tensorboard_id or "",
    },
    free_text_in_fields=True,
    actions=(
        entry("tensorboard", "start", "Start", "s", "started", transitional="Creating", rule=_start,
              wire=("dlc", "StartTensorboard", "TensorboardId"),
              consequence="The TensorBoard starts again (it uses resources while running)."),
        entry("tensorboard", "stop", "Stop", "t", "stopped", transitional="Stopped", rule=_stop,
              wire=("dlc", "StopTensorboard", "TensorboardId"),
              consequence="The TensorBoard stops; its URL stops working."),
        entry("tensorboard", "delete", "Delete", "d", "deleted", destructive=True, removes=True,
              wire=("dlc", "DeleteTensorboard", "TensorboardId"),
              consequence=f"The TensorBoard is deleted. {PERMANENT}"),
        entry("tensorboard", "copy-shared", "Copy shared URL", "u", "URL copied", mutating=False, bulk=False,
              rule=_shared, form="expiry"),  # GetTensorboardSharedUrl, with the expiry asked (≤ 604,800 s)
    ),
)
