"""``paitui pipeline update PIPELINE_ID -f manifest.yaml``: UpdatePipeline, refused before sending while the
pipeline has unfinished runs or when the manifest breaks a rule (``live.create.pipelines``)."""

from __future__ import annotations

import argparse
from typing import Any

from paitui.headless_create.common import add_common_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pipeline_id", metavar="PIPELINE_ID")
    parser.add_argument("-f", "--file", required=True, metavar="MANIFEST", help="the new manifest (core/v1 YAML)")
    add_common_arguments(parser)


async def run(args: Any, *, console: Any = None, client: Any = None) -> int:
    """``console`` and ``client`` are for tests (``flow.run_creation``)."""
    from paitui.headless_create import flow
    from paitui.live.create.pipelines import read_manifest_file, update_request

    text, refusals = read_manifest_file(args.file)

    async def build(client: Any) -> Any:
        return await update_request(client, args.pipeline_id, text, refusals)

    return await flow.run_creation(args, build, console=console, client=client)
