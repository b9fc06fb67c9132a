"""Keys apply in order, each to the screen on top once the previous key has done its work.

Textual reads keys from its queue as fast as they come and hands each to the widget focused *at that
moment*; the key then bubbles back up to the app, which runs the bindings of whatever screen is on top *by
then*, behind every key typed meanwhile. What a key sets off (enter → ``RowSelected`` → a pushed screen that
still has to mount) runs later still. So at keyboard auto-repeat speed an ``esc`` reached a list before it
had mounted (``NoMatches``), and ten ``enter esc`` pairs typed at machine speed ended inside a job detail.

``KeyOrder`` lets one key at a time be in flight, and hands a key on only once the screen on top is
mounted and every widget on it has handled what is queued for it. A key that must wait goes back to the end
of the app's queue rather than blocking it: mounting a screen needs the app's loop too. Every wait is
bounded (``SETTLE_LIMIT``): a handler stuck on something slow delays a key, never swallows it or hangs the app.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from textual import events
from textual.app import App
from textual.message_pump import MessagePump

SETTLE_LIMIT = 1.0  # seconds a key may be held back at most (a person would not notice a shorter wait)
MOUNT_LIMIT = 10.0  # … unless the screen on top is still mounting: a key must not reach a half-built screen
QUIET_TURNS = 3  # looks in a row with nothing queued on the screen on top: Textual's queues do not say
# whether a handler is still running, and one that is posts what it sets off within a turn of the loop


def _queue(pump: MessagePump) -> tuple[Any, ...]:
    """What ``pump`` has still to handle: the one it peeked at (taken out of the queue to see whether it
    replaces the one being handled) and its queue (``textual._queue.Queue`` keeps a deque)."""
    pending = pump._pending_message
    return (*(() if pending is None else (pending,)), *getattr(pump._message_queue, "values", ()))


def _screen_busy(app: App[Any]) -> bool:
    """The screen on top is mounting, or what the next key goes through has messages queued: the focused
    widget and its ancestors up to the screen, the path a key and what it sets off (``RowSelected`` …)
    travel. Other widgets' traffic (timers, spinners, sparklines) does not decide where a key goes."""
    try:
        screen = app.screen
    except Exception:  # no screen yet (startup) or none any more (shutdown): nothing to wait for
        return False
    if not screen.is_mounted:
        return True
    node: Any = screen.focused
    while node is not None and node is not screen:
        if node.message_queue_size:
            return True
        node = node.parent
    return bool(screen.message_queue_size)


def _mounting(app: App[Any]) -> bool:
    try:
        return not app.screen.is_mounted
    except Exception:
        return False


def _deferred_work(app: App[Any]) -> bool:
    """Callbacks queued on the app by what earlier keys did: ``Widget.focus()`` is one (a screen's
    ``on_mount`` focusing its table); a key handled before it would go to the widget focused before."""
    return any(isinstance(message, events.Callback) for message in _queue(app))


class KeyOrder:
    """The app's gate for keys from the terminal (``admit`` before handling one, ``done`` after)."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._in_flight: events.Key | None = None  # handed to a widget, not yet back at the app nor consumed
        self._target: MessagePump | None = None  # the widget it was handed to
        self._since = 0.0
        self._waiting: deque[events.Key] = deque()  # keys sent to the back of the queue, oldest first
        self._held_since = 0.0  # when the oldest waiting key was first held back
        self._admitting = 0

    @property
    def busy(self) -> bool:
        """A key is being admitted, held back or still travelling (tests wait for this to end)."""
        return bool(self._admitting or self._waiting or self._travelling())

    def _travelling(self) -> bool:
        key = self._in_flight
        if key is None:
            return False
        if any(queued is key for queued in _queue(self._app)):
            return True  # back at the app (the last hop marks it stopped): its bindings run next
        gone = self._target is None or not self._target.is_attached  # popped: it will never handle the key
        late = asyncio.get_running_loop().time() - self._since > SETTLE_LIMIT
        if key._stop_propagation or gone or late:  # a widget consumed it, or it is lost
            self._in_flight = None
            return False
        return True

    def _busy(self) -> bool:
        return self._travelling() or _screen_busy(self._app) or _deferred_work(self._app)

    async def _must_wait(self) -> bool:
        """Whether the key must go round again; quiet turns are waited here (a few yields: nothing to do
        for the app meanwhile), anything longer by going round the queue, so the app keeps working."""
        for _ in range(QUIET_TURNS):
            if self._busy():
                return True
            await asyncio.sleep(0)
        return self._busy()

    async def _requeue(self, key: events.Key) -> bool:
        if not self._waiting:
            self._held_since = asyncio.get_running_loop().time()
        if not any(k is key for k in self._waiting):
            self._waiting.append(key)
        await asyncio.sleep(0.001)  # let the others run: no hot spin while a screen mounts
        if not self._app.post_message(key):  # the app is closing: the key has nowhere to go
            self._waiting = deque(k for k in self._waiting if k is not key)
        return False

    async def admit(self, key: events.Key) -> bool:
        """Whether ``key`` may be handled now; if not, it has been queued again, in its turn."""
        self._admitting += 1
        try:
            return await self._admit(key)
        finally:
            self._admitting -= 1

    async def _admit(self, key: events.Key) -> bool:
        if not self._app.screen_stack:  # the app is closing: nothing to type into
            return False
        if key.is_forwarded:  # the key in flight bubbling back: its bindings run now
            return True
        if self._waiting and self._waiting[0] is not key:
            return await self._requeue(key)  # an older key goes first
        held = asyncio.get_running_loop().time() - self._held_since if self._waiting else 0.0
        if (held < SETTLE_LIMIT or (held < MOUNT_LIMIT and _mounting(self._app))) and await self._must_wait():
            return await self._requeue(key)
        if self._waiting:
            self._waiting.popleft()
        self._held_since = asyncio.get_running_loop().time()  # the next key's wait starts now
        self._in_flight, self._since = key, asyncio.get_running_loop().time()
        self._target = self._app.focused or self._app.screen  # where App.on_event forwards it
        return True

    def done(self, key: events.Key, bubbled: bool) -> None:
        """The app handled ``key``: handed it on (then it travels), ran it as a priority binding, or ran the
        bindings of a key that ``bubbled`` back (then its journey is over)."""
        if key is self._in_flight and (bubbled or not key.is_forwarded):
            self._in_flight = None
