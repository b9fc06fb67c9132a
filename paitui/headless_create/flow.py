"""What every headless creation verb does around its request: the shared flags, the rules' refusals (exit 2,
nothing sent), ``--dry-run`` (the exact signed request, secrets redacted), read-only and no-terminal refusals,
the confirmation, sending with the lost answer settled, and one result line (or ``-o json``).

Imported when a verb runs, not for the parser (it loads the client).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from paitui.api.errors import PaiError
from paitui.headless import Console, Interrupted, interruptible, say_signed, with_backend
from paitui.headless_create.common import add_common_arguments  # re-exported: verbs may import it here
from paitui.live.actions.outcome import describe_error
from paitui.live.create import CreateRequest, Refused, send

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

__all__ = ["Build", "add_common_arguments", "print_signed", "run_creation"]

Build = Callable[["PaiClient"], Awaitable[CreateRequest]]


async def print_signed(client: PaiClient, request: CreateRequest, console: Console) -> None:
    say_signed(console, request.label, await client.signed_request(request.operation, request.params))


async def run_creation(args: Any, build: Build, *, console: Console | None = None,
                       client: PaiClient | None = None) -> int:
    """Entry for a verb's ``run``: opens the backend from the flags unless ``client`` is given (tests)."""
    console = console or Console.system()
    if client is not None:
        return await _create(client, args, build, console)
    return await with_backend(args, console, lambda opened: _create(opened, args, build, console))


async def _create(client: PaiClient, args: Any, build: Build, console: Console) -> int:
    as_json = getattr(args, "output", "text") == "json"
    try:
        request = await interruptible(build(client))
    except Interrupted as stop:
        console.warn(f"interrupted ({stop}) before sending: nothing was sent")
        return stop.exit_status
    except Refused as refused:
        return _refused(refused, console, as_json)
    except PaiError as error:  # reading what the request needs (a template, the images) failed
        console.warn(f"could not prepare the request: {describe_error(error)}; nothing was sent")
        return 1
    if request.refusals:
        return _refused(Refused(request.refusals), console, as_json)
    if args.dry_run:
        await print_signed(client, request, console)
        return 0
    if client.read_only:
        console.warn(f"read-only mode: refusing to {request.verb} {request.label}; nothing was sent")
        return 2
    if not args.yes:
        if not console.is_tty:
            console.warn(f"refusing to {request.verb} {request.label} without --yes: there is no terminal to "
                         "confirm on; nothing was sent")
            return 2
        try:
            answer = console.read(f"{request.verb.capitalize()} {request.label}? [y/N] ")
        except (EOFError, KeyboardInterrupt):
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            _line(console, as_json, "cancelled: nothing was sent", {"ok": False, "cancelled": True})
            return 1
    try:
        created = await interruptible(send(client, request))
    except Interrupted as stop:
        _line(console, as_json, f"unknown {request.label}: sent, then interrupted ({stop}) before the answer; "
              "look for it before sending again", {"ok": False, "unknown": True, "interrupted": str(stop)})
        return stop.exit_status
    except PaiError as error:
        _line(console, as_json, f"failed  {request.label}: {describe_error(error)}",
              {"ok": False, "error": error.to_dict()})
        return 1
    tail = f"  RequestId={created.request_id}" if created.request_id else ""
    if as_json:
        console.say(json.dumps({"ok": not created.unknown, "id": created.id, "request_id": created.request_id,
                                "unknown": created.unknown, "note": created.note}))
    elif created.unknown:
        console.say(f"unknown {request.label}: {created.note}{tail}")
    else:
        note = f" ({created.note})" if created.note else ""
        console.say(f"ok {request.label} {created.id} {request.done}{note}{tail}")
    return 3 if created.unknown else 0


def _line(console: Console, as_json: bool, text: str, body: dict[str, Any]) -> None:
    """One result on standard output: the JSON object with ``-o json`` (and only it: scripts parse it), else
    the line."""
    console.say(json.dumps(body) if as_json else text)


def _refused(refused: Refused, console: Console, as_json: bool) -> int:
    if as_json:
        console.say(json.dumps({"ok": False, "refused": [
            {"field": r.field, "rule": r.rule, "message": r.message} for r in refused.refusals]}))
    for refusal in refused.refusals:
        console.warn(f"refused: {refusal.line()}")
    console.warn("nothing was sent")
    return 2
