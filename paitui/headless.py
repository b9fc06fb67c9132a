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
* one line per item: ``ok``, ``failed`` or ``unknown`` — a request whose answer was lost is settled by reading
  the resource back (``paitui.live.actions.settle``), and ``unknown`` says what to check;
* exit status 0 when every item was confirmed applied, 1 when any failed or the prompt was declined, 3 when
  any outcome is unknown (it wins over 1: a script must look before it retries), 2 for a refusal (no
  terminal, read-only, too many ids);
* ctrl+c or SIGTERM while requests are out stops at once: one line per item says whether it was settled,
  sent with its outcome unknown, or not sent; exit status 130 (SIGINT) or 143 (SIGTERM).
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from paitui.api.errors import PaiError
from paitui.headless_commands import COMMANDS, EXIT_HELP  # noqa: F401  (re-exported: the commands' one place)
from paitui.kinds import kind as resource_kind
from paitui.live import actions as act
from paitui.live.actions import Action, Outcome, Target

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

LOOKUP_CONCURRENCY = 8
EXIT_UNKNOWN = 3
T = TypeVar("T")


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived while requests were out."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        return 128 + self.signum  # the shell's convention: 130 for SIGINT, 143 for SIGTERM


async def interruptible(work: Awaitable[T]) -> T:
    """Run ``work``; SIGINT/SIGTERM cancel it and raise ``Interrupted`` instead of killing the process, so
    the caller can still say what was sent. (Not around a prompt: a blocking ``input`` would not see it.)"""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(work)
    hit: list[int] = []

    def stop(signum: int) -> None:
        hit.append(signum)
        task.cancel()

    installed = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop, signum)
            installed.append(signum)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no such support
            pass
    try:
        return await task
    except asyncio.CancelledError:
        if hit:
            raise Interrupted(hit[0]) from None
        raise
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)


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
    get = resource_kind(kind).get
    if get is None:
        raise PaiError(f"a {kind} cannot be read by id", code="NotSupported")
    return act.target_of(kind, await get(client, ident))


async def dry_run(client: PaiClient, action_: Action, ids: Sequence[str], console: Console) -> int:
    if client.read_only:
        console.say("# read-only mode: these requests would be refused, not sent")
    for ident in ids:
        op, params = act.wire_request(action_, Target(action_.kind, ident))
        say_signed(console, f"{action_.kind} {action_.key} {ident}", await client.signed_request(op, params))
        console.say("")
    return 0


def say_signed(console: Console, what: str, request: Any) -> None:
    """A signed request as ``--dry-run`` prints it: a heading, the request line, headers (secrets already
    redacted by ``PaiClient.signed_request``) and the body."""
    console.say(f"# {what} — dry run, not sent")
    console.say(f"{request.method} {request.url}")
    for name, value in request.headers.items():
        console.say(f"{name}: {value}")
    if request.body:
        console.say("")
        console.say(request.body)


async def with_backend(args: Any, console: Console, work: Callable[[PaiClient], Awaitable[int]]) -> int:
    """Open the backend the flags name (a config or credentials problem: its line, exit 2), run ``work`` with
    its client, close it."""
    from paitui.backend import open_backend
    from paitui.cli import settings_from_args
    from paitui.config import ConfigError

    try:
        backend = open_backend(settings_from_args(args)).persist_usage()
    except (ConfigError, PaiError) as exc:
        console.warn(str(exc))
        return 2
    try:
        return await work(backend.client)
    finally:
        await backend.aclose()


def confirm(action_: Action, targets: Sequence[Target], console: Console) -> bool:
    """Ask on the terminal; a delete wants the name or id (one) or the count (several) typed."""
    console.say(f"{action_.label} {len(targets)} {resource_kind(action_.kind).noun}{'s' if len(targets) > 1 else ''}:")
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

    try:
        looked = await interruptible(asyncio.gather(*(read(i) for i in ids)))
    except Interrupted as stop:
        for ident in ids:
            console.say(_not_sent(action_, Target(action_.kind, ident), stop))
        return stop.exit_status
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
    try:
        declined = bool(chosen) and not yes and not confirm(action_, chosen, console)
    except KeyboardInterrupt:  # ctrl+c at the prompt: input() raises it before anything was sent
        console.say("")
        interrupted = Interrupted(signal.SIGINT)
        waiting = {t.id: t for t in chosen}
        for ident in ids:
            console.say(_not_sent(action_, waiting[ident], interrupted) if ident in waiting
                        else results[ident].line(action_))
        return interrupted.exit_status
    if declined:
        console.say("cancelled: nothing was sent")
        for outcome in results.values():
            console.say(outcome.line(action_))
        return 1
    started: set[str] = set()
    settled: dict[str, Outcome] = {}

    def on_start(target: Target) -> None:
        if not started:
            console.warn(f"sending {len(chosen)} {action_.key} request(s); ctrl+c stops and says what was sent")
        started.add(target.id)

    try:
        outcomes = await interruptible(act.run_bulk(client, action_, chosen, on_start=on_start,
                                                    on_done=lambda t, o: settled.__setitem__(t.id, o)))
    except Interrupted as stop:
        by_id = {t.id: t for t in chosen}
        for ident in ids:
            if ident in results or ident in settled:
                console.say((results.get(ident) or settled[ident]).line(action_))
            elif ident in started:
                target = by_id[ident]
                console.say(Outcome(ident, target.name, False, unknown=True, note=(
                    f"outcome unknown: sent, then interrupted ({stop}) before the answer; "
                    f"{act.check_hint(target)}")).line(action_))
            else:
                console.say(_not_sent(action_, by_id[ident], stop))
        return stop.exit_status
    for outcome in outcomes:
        results[outcome.id] = outcome
    for ident in ids:
        console.say(results[ident].line(action_))
    return act.Summary(list(results.values())).exit_status


def _not_sent(action_: Action, target: Target, stop: Interrupted) -> str:
    who = f"{target.id} ({target.name})" if target.name and target.name != target.id else target.id
    return f"not sent {resource_kind(action_.kind).noun} {who}: interrupted ({stop}) before sending"


async def main(args: Any) -> int:
    """Entry from ``paitui.cli``: settings from the flags, one client, ``run``."""
    console = Console.system()
    return await with_backend(args, console, lambda client: run(
        client, args.command, args.verb, args.ids, yes=args.yes, dry=args.dry_run, console=console))
