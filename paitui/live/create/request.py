"""One creation request, the rules it broke, and sending it.

A creation is not idempotent on PAI (a second CreateJob makes a second job), so a request whose answer was
lost is never retried blindly: ``send`` asks the request's ``settle`` to look for what it made (by name and
creation time, say) and reports ``unknown`` when it cannot tell.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from paitui.api.errors import PaiError

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.api.operation import Operation


@dataclass(frozen=True)
class Refusal:
    """A rule the request breaks, found before sending: ``field`` is the wire path ("JobSpecs[0].EcsSpec"),
    ``rule`` a stable short name ("ecs-spec-with-resource-config"), ``message`` the reason and the fix."""

    field: str
    rule: str
    message: str

    def line(self) -> str:
        return f"{self.field}: {self.message} (rule: {self.rule})"


class Refused(Exception):
    """Raised instead of sending: every rule the request broke."""

    def __init__(self, refusals: tuple[Refusal, ...] | list[Refusal]) -> None:
        self.refusals = tuple(refusals)
        super().__init__("; ".join(r.line() for r in self.refusals) or "refused")


@dataclass(frozen=True)
class CreateRequest:
    kind: str  # the kind's key: "job", "run", "tensorboard", "template", "pipeline"
    label: str  # what is created, for a prompt and the result line: "DLC job 'bert-ft'"
    operation: Operation
    params: dict[str, Any]  # by wire names, exactly as sent
    new_id: Callable[[Any], str]  # the created id, from the parsed answer
    # after a lost answer: the id of what this request created if reading back finds it, else None
    settle: Callable[[PaiClient], Awaitable[str | None]] | None = None
    refusals: tuple[Refusal, ...] = field(default=())
    # what the request does, for the prompt ("Create …?") and the result line ("… created"): a new version
    # or a default version is "made" by an update, and says so
    verb: str = "create"
    done: str = "created"
    # read what ``settle`` compares against, just before sending (after the prompt; never for a dry run)
    before_send: Callable[[PaiClient], Awaitable[None]] | None = None


@dataclass(frozen=True)
class Created:
    """What sending settled: an id (``unknown`` False), or ``unknown`` with the note saying what to check."""

    id: str | None
    request_id: str | None
    unknown: bool = False
    note: str = ""


async def send(client: PaiClient, request: CreateRequest) -> Created:
    """Send ``request`` (refused, with nothing sent, when it broke a rule); an API error propagates as
    ``PaiError`` except a lost answer, which is settled by reading back."""
    if request.refusals:
        raise Refused(request.refusals)
    if request.before_send is not None:
        await request.before_send(client)  # a failure here is a plain PaiError: nothing was sent
    try:
        answer = await client.invoke(request.operation, request.params)
    except PaiError as error:
        if error.kind != "outcome_unknown":
            raise
        found = await _settle(client, request)
        if found is not None:
            return Created(found, error.request_id, note="the answer was lost; reading back found it")
        return Created(None, error.request_id, unknown=True,
                       note=f"sent, the answer was lost and reading back did not find the new {request.kind}; "
                            "look for it before sending again")
    return Created(request.new_id(answer), getattr(answer, "request_id", None) or None)


async def _settle(client: PaiClient, request: CreateRequest) -> str | None:
    if request.settle is None:
        return None
    try:
        return await request.settle(client)
    except PaiError:  # reading back failed too: still unknown, not a failure
        return None
