"""``paitui template version TEMPLATE_ID -f content.yaml``: a new version of a job template (UpdateJobTemplate
with Content and Constraints together, as the service requires).

The file holds the Content (a CreateJob body by wire names), or ``{Content, Constraints}``. Without
Constraints in the file the newest version's are kept; --lock/--override/--require then set single fields."""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from paitui.headless_create.common import add_common_arguments
    from paitui.headless_create.template_create import add_constraint_arguments

    parser.add_argument("template_id", metavar="TEMPLATE_ID")
    parser.add_argument("-f", "--file", required=True, metavar="FILE",
                        help="YAML or JSON: the Content, or {Content, Constraints}")
    parser.add_argument("--set-default", action="store_true", help="make the new version the default")
    add_constraint_arguments(parser)
    add_common_arguments(parser)


async def run(args: Any, **inject: Any) -> int:
    from paitui.headless_create import flow
    from paitui.live.create.templates import (
        constraints_from,
        latest_version,
        read_content_file,
        version_request,
    )

    async def build(client: Any) -> Any:
        given = read_content_file(args.file)
        template = await client.dlc.get_job_template(args.template_id, version="all")
        latest = latest_version(template)
        constraints = dict(given.constraints if given.constraints is not None else
                           (latest.constraints or {}) if latest is not None else {})
        constraints.update(constraints_from(args.lock, args.override, args.require))
        return version_request(template, given.content, constraints, set_default=args.set_default)

    return await flow.run_creation(args, build, **inject)
