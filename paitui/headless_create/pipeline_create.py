"""``paitui pipeline create -f manifest.yaml``: CreatePipeline in the workspace given by ``--workspace ID``,
the manifest checked field by field first (``live.create.pipelines``)."""

from __future__ import annotations

import argparse
from typing import Any

from paitui.headless_create.common import add_common_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-f", "--file", required=True, metavar="MANIFEST",
                        help="the pipeline manifest (core/v1 YAML); the workspace is --workspace ID")
    add_common_arguments(parser)


async def run(args: Any, *, console: Any = None, client: Any = None) -> int:
    """``console`` and ``client`` are for tests (``flow.run_creation``)."""
    from paitui.headless_create import flow
    from paitui.live.create.pipelines import create_request, read_manifest_file

    text, refusals = read_manifest_file(args.file)

    async def build(client: Any) -> Any:
        return create_request(getattr(args, "workspace", None) or "", text, refusals)

    return await flow.run_creation(args, build, console=console, client=client)
