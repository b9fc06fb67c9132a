"""``paitui job diff JOB_ID [--against JOB_ID] [--all] [-o json]``: a DLC job's spec against its last good run
(``paitui.live.why.compare``), changed fields only unless ``--all``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.headless import Console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("job_id", metavar="JOB_ID")
    parser.add_argument("--against", metavar="JOB_ID",
                        help="the job to compare with (default: the last Succeeded job of the same template or "
                             "name stem)")
    parser.add_argument("--all", action="store_true", help="every field, not only the changed ones")
    parser.add_argument("-o", "--output", choices=("text", "json"), default="text")


async def run(args: Any) -> int:
    from paitui.headless_create.read_flow import run_read

    return await run_read(args, lambda client, console: answer(client, console, args))


async def answer(client: PaiClient, console: Console, args: Any) -> int:
    import json

    from paitui.live.why.compare import MISSING, compare, find_last_good

    ours = await client.dlc.get_job(args.job_id)
    against = args.against
    chosen = "given"
    if not against:
        against = await find_last_good(client, ours)
        chosen = "last good run"
        if against is None:
            console.warn(f"no Succeeded job of the same template or name stem as {ours.display_name!r} in the 30 "
                         "days before it; name one with --against JOB_ID")
            return 1
    theirs = await client.dlc.get_job(against)
    rows = compare(ours, theirs, every_field=args.all)
    if args.output == "json":
        console.say(json.dumps({"job": ours.job_id, "against": theirs.job_id, "chosen": chosen,
                                "differences": [{"field": r.field, "job": None if r.ours == MISSING else r.ours,
                                                 "against": None if r.theirs == MISSING else r.theirs}
                                                for r in rows]}, ensure_ascii=False))
        return 0
    console.say(f"{ours.job_id} ({ours.display_name}, {ours.status})  against  {theirs.job_id} "
                f"({theirs.display_name}, {theirs.status}, {chosen})")
    if not rows:
        console.say("no field differs" if not args.all else "no fields")
        return 0
    width = min(40, max(len(r.field) for r in rows))
    side = 50
    console.say(f"{'FIELD':<{width}}  {'THIS JOB':<{side}}  {'AGAINST'}")
    for r in rows:
        mark = "" if r.changed else "  (same)"
        start = _first_difference(r.ours, r.theirs)
        console.say(f"{r.field:<{width}}  {_cut(r.ours, side, start):<{side}}  {_cut(r.theirs, side, start)}{mark}")
    return 0


def _first_difference(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _cut(text: str, width: int, start: int = 0) -> str:
    """At most ``width`` characters, showing where two long values start to differ (``start``)."""
    if len(text) <= width:
        return text
    begin = max(0, min(start - 12, len(text) - width + 1)) if start > width - 12 else 0
    head = "…" if begin else ""
    body = text[begin:begin + width - len(head)]
    return head + (body[:-1] + "…" if begin + len(body) < len(text) else body)
