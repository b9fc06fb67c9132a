"""``paitui job submit -f job.yaml [--template ID] [--set Path=Value …]``: CreateJob from a file of its body
(wire names, YAML or JSON), optionally merged into a job template, with every rule checked before sending."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.live.create import CreateRequest


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from paitui.headless_create.common import add_common_arguments

    parser.add_argument("-f", "--file", required=True, metavar="FILE",
                        help="CreateJob's body, wire names, YAML or JSON ('-' reads standard input)")
    parser.add_argument("--template", metavar="TEMPLATE_ID",
                        help="merge into this job template: its locked fields cannot be changed, required ones "
                             "must be given")
    parser.add_argument("--template-version", type=int, metavar="N", help="the template's version (default: its "
                                                                          "default version)")
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", dest="sets",
                        help="change one field, e.g. JobSpecs[0].PodCount=2 or UserCommand='python train.py' "
                             "(repeatable; applied after the template)")
    parser.add_argument("--allow-unregistered-image", action="store_true",
                        help="send an image ListImages does not return (red line 2 says register it first)")
    add_common_arguments(parser)


async def run(args: Any) -> int:
    from paitui.headless_create.flow import run_creation

    if args.file == "-":  # read before the flow: a blocking read under its signal handlers would ignore ctrl+c
        import sys

        args.stdin_text = sys.stdin.read()
    return await run_creation(args, lambda client: build(client, args))


async def build(client: PaiClient, args: Any) -> CreateRequest:
    """The request, its refusals located in the file (``job.yaml line 7``)."""
    import dataclasses
    import sys

    from paitui.live.create import Refused
    from paitui.live.create.body_file import parse_sets, read_body, read_body_file
    from paitui.live.create.job_request import create_job_request

    sets, bad_sets = parse_sets(args.sets)
    if args.file == "-":
        text = read_body(getattr(args, "stdin_text", None) or sys.stdin.read(), "standard input")
    else:
        text = read_body_file(args.file)
    if bad_sets:
        raise Refused(bad_sets)
    body = text.data
    if isinstance(body, dict) and not body.get("WorkspaceId") and getattr(args, "workspace", None):
        body = {**body, "WorkspaceId": args.workspace}  # --workspace, when the file does not say
    request = await create_job_request(client, body, template_id=args.template,
                                       template_version=args.template_version, overrides=sets,
                                       allow_unregistered_image=args.allow_unregistered_image)
    if request.refusals:
        return dataclasses.replace(request, refusals=tuple(_where(request.refusals, text, sets)))
    return request


def _where(refusals: Any, text: Any, sets: dict[str, Any]) -> list[Any]:
    """A refusal of a field ``--set`` gave says so; the others point at the file's line."""
    import dataclasses

    from paitui.live.create import wire_paths

    def by_set(field: str) -> str | None:
        try:
            mine = wire_paths.text(wire_paths.parse(field))
        except ValueError:
            return None
        return next((p for p in sets if mine == wire_paths.text(wire_paths.parse(p))), None)

    out: list[Any] = []
    for refusal in refusals:
        path = by_set(refusal.field)
        out += ([dataclasses.replace(refusal, message=f"{refusal.message} (--set {path})")] if path
                else text.locate([refusal]))
    return out
