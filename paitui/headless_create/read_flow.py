"""Around a headless read verb (``job why``, ``job diff``): the backend from the flags, the API error line
(Code, Message, RequestId; exit 1), ctrl+c and SIGTERM."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from paitui.api.errors import PaiError
from paitui.headless import Console, Interrupted, interruptible, with_backend
from paitui.live.actions.outcome import describe_error

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

Answer = Callable[["PaiClient", Console], Awaitable[int]]


async def run_read(args: Any, answer: Answer, *, console: Console | None = None,
                   client: PaiClient | None = None) -> int:
    console = console or Console.system()
    if client is not None:
        return await _answer(client, answer, console)
    return await with_backend(args, console, lambda opened: _answer(opened, answer, console))


async def _answer(client: PaiClient, answer: Answer, console: Console) -> int:
    try:
        return await interruptible(answer(client, console))
    except Interrupted as stop:
        return stop.exit_status
    except PaiError as error:
        console.warn(describe_error(error))  # Code: Message … RequestId=…
        return 1
