"""``paitui template set-default TEMPLATE_ID VERSION``: which version a submission from the template uses
(SetJobTemplateDefaultVersion); the version must be one the template has."""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from paitui.headless_create.common import add_common_arguments

    parser.add_argument("template_id", metavar="TEMPLATE_ID")
    parser.add_argument("version", metavar="VERSION", help="a version number of the template (3 or v3)")
    add_common_arguments(parser)


async def run(args: Any, **inject: Any) -> int:
    from paitui.headless_create import flow
    from paitui.live.create.templates import set_default_request

    async def build(client: Any) -> Any:
        template = await client.dlc.get_job_template(args.template_id, version="all")
        return set_default_request(template, args.version)

    return await flow.run_creation(args, build, **inject)
