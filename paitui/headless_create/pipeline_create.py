"""``paitui pipeline create -f manifest.yaml``: CreatePipeline in the workspace ``--workspace`` names (an id
or a name), the manifest checked field by field first (``live.create.pipelines``)."""

from __future__ import annotations

import argparse
from typing import Any

from paitui.headless_create.common import add_common_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-f", "--file", required=True, metavar="MANIFEST",
                        help="the pipeline manifest (core/v1 YAML); the workspace is --workspace (id or name)")
    add_common_arguments(parser)


async def run(args: Any, *, console: Any = None, client: Any = None) -> int:
    """``console`` and ``client`` are for tests (``flow.run_creation``)."""
    from paitui.headless_create import flow
    from paitui.live.create.pipelines import create_request, read_manifest_file, workspace_refusals

    text, refusals = read_manifest_file(args.file)

    async def build(client: Any) -> Any:
        workspace_id, unknown = await workspace_refusals(client, getattr(args, "workspace", None))
        return create_request(workspace_id, text, refusals + unknown)

    return await flow.run_creation(args, build, console=console, client=client)
