"""``paitui job why JOB_ID [-o json]``: why a DLC job waits or failed (``paitui.live.why.explain``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.headless import Console


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("job_id", metavar="JOB_ID")
    parser.add_argument("-o", "--output", choices=("text", "json"), default="text")


async def run(args: Any) -> int:
    from paitui.headless_create.read_flow import run_read

    return await run_read(args, lambda client, console: answer(client, console, args.job_id, args.output))


async def answer(client: PaiClient, console: Console, job_id: str, output: str) -> int:
    import json

    from paitui.live.why.explain import describe, explain

    why = await explain(client, job_id)
    if output == "json":
        console.say(json.dumps(why.to_json(), ensure_ascii=False, default=str))
    else:
        for line in describe(why):
            console.say(line)
    return 0
