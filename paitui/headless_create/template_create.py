"""``paitui template create --from-job JOB_ID --name NAME [--lock PATH ...]``: save a job as a job template
(CreateJobTemplate), its CreateJob body as the Content, each field path given a constraint."""

from __future__ import annotations

import argparse
from typing import Any


def add_constraint_arguments(parser: argparse.ArgumentParser) -> None:
    """--lock / --override / --require PATH, repeatable (shared with ``template version``)."""
    parser.add_argument("--lock", action="append", default=[], metavar="PATH",
                        help="a field that keeps the template's value, e.g. JobSpecs[0].Image (repeatable)")
    parser.add_argument("--override", action="append", default=[], metavar="PATH",
                        help="a field a submission may override, e.g. JobSpecs[0].EcsSpec (repeatable)")
    parser.add_argument("--require", action="append", default=[], metavar="PATH",
                        help="a field a submission must give, e.g. UserCommand (repeatable)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from paitui.headless_create.common import add_common_arguments

    parser.add_argument("--from-job", required=True, metavar="JOB_ID", help="the DLC job whose body is saved")
    parser.add_argument("--name", required=True, help="the template's name (1 to 1024 characters)")
    parser.add_argument("--description", default="", help="the template's description")
    add_constraint_arguments(parser)
    add_common_arguments(parser)


async def run(args: Any, **inject: Any) -> int:
    from paitui.headless_create import flow
    from paitui.live.create.templates import constraints_from, template_from_job_request

    constraints = constraints_from(args.lock, args.override, args.require)

    async def build(client: Any) -> Any:
        return await template_from_job_request(client, args.from_job, name=args.name, constraints=constraints,
                                               description=args.description)

    return await flow.run_creation(args, build, **inject)
