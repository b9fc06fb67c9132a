"""``paitui tensorboard create --job JOB_ID | --dataset DATASET_ID``: a TensorBoard reading a job's summaries
or a dataset's (CreateTensorboard), in the dataset's workspace."""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from paitui.headless_create.common import add_common_arguments

    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--job", metavar="JOB_ID", help="the DLC job whose summaries it shows")
    source.add_argument("--dataset", metavar="DATASET_ID", help="a dataset of the workspace (ListDatasets)")
    parser.add_argument("--name", default="", help="its display name")
    parser.add_argument("--max-minutes", default="240", metavar="MINUTES",
                        help="stop it after this many minutes of running (default 240)")
    add_common_arguments(parser)


async def run(args: Any, **inject: Any) -> int:
    from paitui.headless_create import flow
    from paitui.live.create.tensorboards import Source, create_request, existing

    async def build(client: Any) -> Any:
        if args.job:
            await client.dlc.get_job(args.job)  # NotFound.Job before anything is sent
            source = Source(job_id=args.job)
        else:
            dataset = await client.workspace.get_dataset(args.dataset)  # NotFound.Dataset before sending
            source = Source(dataset=dataset, workspace_id=dataset.workspace_id or "")
        return create_request(source, max_minutes=args.max_minutes, display_name=args.name,
                              before=await existing(client, source))

    return await flow.run_creation(args, build, **inject)
