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

    from paitui.live.why.compare import MISSING, compare_jobs, format_table

    found = await compare_jobs(client, args.job_id, args.against, every_field=args.all)
    if found.theirs is None:
        console.warn(f"{found.missing} (--against JOB_ID)")
        return 1
    ours, theirs, rows = found.ours, found.theirs, found.rows
    if args.output == "json":
        console.say(json.dumps({"job": ours.job_id, "against": theirs.job_id, "chosen": found.chosen,
                                "differences": [{"field": r.field, "job": None if r.ours == MISSING else r.ours,
                                                 "against": None if r.theirs == MISSING else r.theirs}
                                                for r in rows]}, ensure_ascii=False))
        return 0
    for line in format_table(ours, theirs, found.chosen, rows, every_field=args.all):
        console.say(line)
    return 0
