"""A list screen over a creation-time window (jobs, runs, TensorBoards): ``t`` cycles the window."""

from __future__ import annotations

from textual.binding import Binding

from paitui.live.windows import DEFAULT_WINDOW, next_window
from paitui.ui.screens.resource_list import ResourceListScreen


class WindowedListScreen(ResourceListScreen):
    """A list over a creation-time window: ``t`` cycles 1d → 7d → 30d → all (7d, like the API's default).

    The lister must offer ``set_window(name)``; the screen's ``window`` is what ``make_lister`` uses.
    """

    BINDINGS = [Binding("t", "cycle_window", "Window", id="window")]

    def __init__(self) -> None:
        super().__init__()
        self.window: str = DEFAULT_WINDOW

    def summary_extra(self) -> str:
        return f"window {self.window}"

    def list_window(self) -> str:
        return self.window

    def shown_window(self) -> str | None:
        return self.window

    def action_cycle_window(self) -> None:
        self.window = next_window(self.window)
        self.lister.set_window(self.window)
        span = "all time" if self.window == "all" else f"the last {self.window}"
        self.notify(f"showing {self.NOUN} created in {span}", markup=False)
        self.restart()
