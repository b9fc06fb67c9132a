"""Where a list's load stands, and what the screen says about it: the policy behind "the screen tells the truth".

While the first full list is on its way the summary says ``loading 1,200 / 5,000 jobs…``; a listing that
lost pages says ``partial: …`` (``paging.Partial``); a first load that failed leaves the table empty with
``Could not load runs: Throttling.User (throttled) · retrying in 4 s``; an empty table says why (no rows,
none matching the filter or view, none in the creation window). The widgets draw these words; which words,
and when an error is worth telling again, is decided here (see docs/ARCHITECTURE.md, "Error policy").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from paitui.api.errors import describe
from paitui.live.paging import Partial


@dataclass(slots=True)
class LoadState:
    """The load of one list: progress, partial answer, first-load error (see the module notes)."""

    noun: str  # "jobs"
    loaded: bool = False  # the first full list has arrived
    progress: tuple[int, int | None] | None = None  # (rows read, TotalCount) of a load in progress
    partial: Partial | None = None  # the rows shown are what arrived of a listing with failed pages
    error: str | None = None  # why nothing is shown yet: "Throttling.User (throttled)"
    retry_at: float | None = None  # monotonic time of the next attempt while nothing is shown
    _told: str | None = None  # the error code last told to the user: a repeat is not told again

    def restart(self) -> None:
        """The query changed: nothing of the new list has arrived."""
        self.loaded = False
        self.partial = None
        self.error = None

    def progressed(self, loaded: int, total: int | None) -> None:
        self.progress = (loaded, total)

    def succeeded(self, partial: Partial | None) -> None:
        self.progress = None
        self.error = None
        self._told = None
        self.partial = partial
        self.loaded = True

    def failed(self, error: BaseException | None, retry_at: float | None) -> tuple[str, bool]:
        """A poll failed: ``(code, tell)`` — the code for the header (words, never a class name such as
        ``TimeoutError_``) and whether this error is new, so worth a toast (the same code again is not)."""
        self.progress = None
        words = describe(error)
        code = getattr(error, "code", None) or words
        if not self.loaded:  # nothing is on screen to be stale: the empty table says why
            self.error = code if code == words else f"{code} ({words})"
            self.retry_at = retry_at
        tell = error is not None and code != self._told
        if tell:
            self._told = code
        return code, tell

    def loading_text(self) -> str:
        """``loading 1,200 / 5,000 jobs… `` while the first list loads, else ``""``."""
        if self.progress is None or self.loaded:
            return ""
        loaded, expected = self.progress
        return f"loading {loaded:,}" + (f" / {expected:,}" if expected else "") + f" {self.noun}… "

    def waiting_text(self) -> str:
        """What an empty table says before anything arrived."""
        return f"Loading {self.noun}…"

    def failure_text(self, *, paused: bool, now: float) -> str | None:
        """``Could not load runs: Throttling.User (throttled) · retrying in 4 s`` (``now``: monotonic), or
        ``None`` when rows are shown or nothing failed."""
        if self.loaded or self.error is None:
            return None
        if paused:
            when = "paused (r retries)"
        elif self.retry_at is None:
            when = "retrying"
        else:
            left = math.ceil(self.retry_at - now)
            when = f"retrying in {left} s" if left > 0 else "retrying now…"
        return f"Could not load {self.noun}: {self.error} · {when}"

    def empty_text(self, *, rows: int, filter_text: str | None = None, view: str | None = None,
                   window: str | None = None) -> str:
        """Why the table shows nothing: ``rows`` are held (all hidden by the filter or the view) or none
        are; ``window`` is the creation window of a windowed list ("all" or ``None``: none)."""
        if rows and filter_text is not None:
            message = f"No {self.noun} match {filter_text!r}"
        elif rows and view is not None:
            message = f"No {view} {self.noun}"
        else:
            message = f"No {self.noun}"
        if self.partial is not None:  # "none" is only known of the pages that arrived
            return f"{message} in what loaded so far ({self.partial.describe()})"
        if not rows and window is not None and window != "all":
            # the window is on creation time: an older job still running is outside it too
            return f"{message} created in the last {window} · t widens the window"
        return message
