"""``paitui run create --pipeline PIPELINE_ID [--arg name=value ...] [--name NAME]``: CreatePipelineRun with
the arguments checked against the pipeline's input parameters first (``live.create.pipeline_runs``)."""

from __future__ import annotations

import argparse
from typing import Any

from paitui.headless_create.common import add_common_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pipeline", required=True, metavar="PIPELINE_ID", help="the pipeline to run")
    parser.add_argument("--arg", action="append", default=[], metavar="NAME=VALUE",
                        help="a value for one of the manifest's input parameters, checked against its type; "
                             "repeatable (parameters not given keep their defaults)")
    parser.add_argument("--name", help="the run's name (PAIFlow makes one up when it is left out)")
    add_common_arguments(parser)


async def run(args: Any, *, console: Any = None, client: Any = None) -> int:
    """``console`` and ``client`` are for tests (``flow.run_creation``)."""
    from paitui.headless_create import flow
    from paitui.live.create.pipeline_runs import build_for, parse_assignments

    given, refusals = parse_assignments(args.arg)

    async def build(client: Any) -> Any:
        return await build_for(client, args.pipeline, given, args.name, refusals)

    return await flow.run_creation(args, build, console=console, client=client)
