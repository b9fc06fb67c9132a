"""Headless actions for scripts: ``paitui job stop|delete ID...``, ``paitui run start|terminate|rerun|delete
ID...``, ``paitui schedule delete ID...``.

The same catalogue, state rules and client as the dashboard (``paitui.live.actions``):

* each resource is read first (its name for the confirmation and the result line, its state for the rules);
  one the state does not allow is reported and not sent;
* on a terminal the command asks first (a delete wants the resource's name or id typed, or the count when
  there are several); ``--yes`` skips that; without a terminal and without ``--yes`` it refuses outright,
  before any request;
* ``--dry-run`` prints each request as it would be signed and sent (secrets redacted) and sends nothing;
* read-only mode refuses before anything is sent;
* one line per item; exit status 0 when every item succeeded, 1 when any failed or the prompt was declined,
  2 for a refusal (no terminal, read-only, too many ids).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TextIO

from paitui.api.errors import PaiError
from paitui.live import actions as act
from paitui.live.actions import Action, Outcome, Target

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

COMMANDS: dict[str, tuple[str, ...]] = {
    "job": ("stop", "delete"),
    "run": ("start", "terminate", "rerun", "delete"),
    "schedule": ("delete",),
}
LOOKUP_CONCURRENCY = 8


@dataclass
class Console:
    """Where the command talks: injectable so tests drive the prompt without a terminal."""

    out: TextIO
    err: TextIO
    read: Callable[[str], str]
    is_tty: bool

    @classmethod
    def system(cls) -> Console:
        return cls(sys.stdout, sys.stderr, input, sys.stdin.isatty() and sys.stdout.isatty())

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def warn(self, text: str) -> None:
        print(f"paitui: {text}", file=self.err, flush=True)


async def lookup(client: PaiClient, kind: str, ident: str) -> Target:
    """Read one resource: its name and state (a failure propagates as ``PaiError``)."""
    if kind == "job":
        return act.target_of("job", await client.dlc.get_job(ident))
    if kind == "run":
        return act.target_of("run", await client.flow.get_pipeline_run(ident))
    answer = await client.plugin.get_schedule(ident)
    if answer.data is None:
        raise PaiError(f"schedule {ident} not found", code="NotFound", request_id=answer.request_id)
    return act.target_of("schedule", answer.data)


async def dry_run(client: PaiClient, action_: Action, ids: Sequence[str], console: Console) -> int:
    if client.read_only:
        console.say("# read-only mode: these requests would be refused, not sent")
    for ident in ids:
        op, params = act.wire_request(action_, Target(action_.kind, ident))
        request = await client.signed_request(op, params)
        console.say(f"# {action_.kind} {action_.key} {ident} — dry run, not sent")
        console.say(f"{request.method} {request.url}")
        for name, value in request.headers.items():
            console.say(f"{name}: {value}")
        if request.body:
            console.say("")
            console.say(request.body)
        console.say("")
    return 0


def confirm(action_: Action, targets: Sequence[Target], console: Console) -> bool:
    """Ask on the terminal; a delete wants the name or id (one) or the count (several) typed."""
    console.say(f"{action_.label} {len(targets)} {act.KIND_WORDS[action_.kind]}{'s' if len(targets) > 1 else ''}:")
    for target in targets:
        console.say(f"  • {target.label}")
    console.say(action_.consequence)
    try:
        if action_.destructive:
            prompt = act.typed_prompt(targets)
            typed = console.read(f"{prompt[0].upper()}{prompt[1:]}: ")
            return act.typed_matches(typed, targets)
        return console.read("Proceed? [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


async def run(client: PaiClient, kind: str, verb: str, ids: Sequence[str], *, yes: bool = False,
              dry: bool = False, console: Console | None = None) -> int:
    console = console or Console.system()
    action_ = act.action(kind, verb)
    ids = list(dict.fromkeys(i for i in ids if i))  # the same id twice is one request
    if not ids:
        console.warn("give at least one id")
        return 2
    if len(ids) > act.MAX_BULK:
        console.warn(f"{len(ids)} ids: one command takes at most {act.MAX_BULK}")
        return 2
    if dry:
        return await dry_run(client, action_, ids, console)
    if client.read_only:
        console.warn(f"read-only mode: refusing to {verb} {len(ids)} {kind}(s); nothing was sent")
        return 2
    if not yes and not console.is_tty:
        console.warn(f"refusing to {verb} without --yes: there is no terminal to confirm on; nothing was sent")
        return 2

    gate = asyncio.Semaphore(LOOKUP_CONCURRENCY)

    async def read(ident: str) -> Target | Outcome:
        async with gate:
            try:
                return replace(await lookup(client, kind, ident), id=ident)
            except PaiError as error:
                return Outcome(ident, "", False, error.request_id, error)

    looked = await asyncio.gather(*(read(i) for i in ids))
    results: dict[str, Outcome] = {}
    chosen: list[Target] = []
    for item in looked:
        if isinstance(item, Outcome):
            results[item.id] = item
            continue
        verdict = act.availability(action_, item)
        if verdict.ok:
            chosen.append(item)
        else:
            results[item.id] = Outcome(item.id, item.name, False,
                                       error=PaiError(f"not sent: {verdict.reason}", action=verb))
    if chosen and not yes and not confirm(action_, chosen, console):
        console.say("cancelled: nothing was sent")
        for outcome in results.values():
            console.say(outcome.line(action_))
        return 1
    for outcome in await act.run_bulk(client, action_, chosen):
        results[outcome.id] = outcome
    for ident in ids:
        console.say(results[ident].line(action_))
    return 0 if all(o.ok for o in results.values()) else 1


async def main(args: Any) -> int:
    """Entry from ``paitui.cli``: settings from the flags, one client, ``run``."""
    from paitui.backend import open_backend
    from paitui.cli import settings_from_args
    from paitui.config import ConfigError

    console = Console.system()
    try:
        settings = settings_from_args(args)
        backend = open_backend(settings)
    except (ConfigError, PaiError) as exc:
        console.warn(str(exc))
        return 2
    try:
        return await run(backend.client, args.command, args.verb, args.ids, yes=args.yes, dry=args.dry_run,
                         console=console)
    finally:
        await backend.aclose()
