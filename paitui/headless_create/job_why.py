"""``paitui job why JOB_ID [-o json]``: why a DLC job waits or failed (``paitui.live.why.explain``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.headless import Console
    from paitui.live.why.explain import Explanation


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("job_id", metavar="JOB_ID")
    parser.add_argument("-o", "--output", choices=("text", "json"), default="text")


def render(why: Explanation) -> list[str]:
    """The readable form: the verdict first, then what it rests on."""
    lines = [f"{why.job_id} ({why.name}) — {why.status}", f"verdict: {why.verdict}"]
    if why.reason:
        lines.append(f"reason:  {why.reason}")
    if why.quota is not None:
        q = why.quota
        bound = " (lower bound: some workspaces unread)" if q.partial else ""
        lines.append(f"quota:   {q.name} ({q.id}) {q.gpu_type} GPUs total {_n(q.total)} used {_n(q.used)} "
                     f"free {_n(q.free)}{bound}")
    if why.position is not None:
        lines.append(f"queue:   position {why.position}, {len(why.ahead)} ahead")
        for a in why.ahead:
            lines.append(f"  ahead: {a.id} {a.name} priority {a.priority} owner {a.owner} GPUs {_n(a.gpus)} "
                         f"since {a.waiting_since or '?'}")
    if why.spot_stock:
        lines.append(f"spot:    {why.spot_stock}")
    if why.culprit:
        lines.append(f"culprit: {why.culprit}")
    if why.signature:
        lines.append(f"error:   {why.signature} — {why.title}")
        lines.append(f"hint:    {why.hint}")
        if why.error_line:
            lines.append(f"line:    {why.error_line}")
    for fix in why.fixes:
        lines.append(f"fix:     {fix}")
    if why.events:
        lines.append("events:")
        lines += [f"  {e}" for e in why.events[-8:]]
    for gap in why.missing:
        lines.append(f"not read: {gap}")
    return lines


def _n(value: float | None) -> str:
    return "?" if value is None else f"{value:g}"


async def run(args: Any) -> int:
    from paitui.headless_create.read_flow import run_read

    return await run_read(args, lambda client, console: answer(client, console, args.job_id, args.output))


async def answer(client: PaiClient, console: Console, job_id: str, output: str) -> int:
    import json

    from paitui.live.why.explain import explain

    why = await explain(client, job_id)
    if output == "json":
        console.say(json.dumps(why.to_json(), ensure_ascii=False, default=str))
    else:
        for line in render(why):
            console.say(line)
    return 0
