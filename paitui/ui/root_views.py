"""The root views (``:jobs``, ``:runs``, ``:ws`` …) and the screens kept for them.

Each root view is a Textual mode of its own: its list screen (rows, cursor, filter, sort, window) stays alive
while another view is shown, suspended, so its watch does not poll (``Watch.resume`` fetches at once on return
only data older than one interval). Detail screens close when their view is left: ``:jobs`` shows the jobs
list, as in k9s. Kept views belong to a workspace and a region: the app drops the workspace-scoped ones on a
workspace switch and all of them on a region switch. A mode's name carries a serial so that a view can be
replaced while it is on screen (Textual cannot remove the mode it shows).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from paitui.kinds import by_view

if TYPE_CHECKING:
    from textual.screen import Screen

    from paitui.ui.app import PaiTuiApp


def make_view(name: str) -> Screen:
    """A new root screen for view ``name``: its kind's own screen, or the generic list built from the kind."""
    declared = by_view(name)
    if declared.screen is None:
        from paitui.ui.screens.generic_list import list_screen_for

        return list_screen_for(declared)()
    return declared.screen_class()()


class RootViews:
    """The app's kept root views: view name -> the Textual mode that keeps its screens."""

    def __init__(self, app: PaiTuiApp) -> None:
        self._app = app
        self._modes: dict[str, str] = {}
        self._serial = itertools.count(1)

    def open(self, name: str) -> None:
        """Show view ``name``: the one kept from an earlier visit, else a new one."""
        app = self._app
        self.close_above_root()
        mode = self._modes.get(name)
        kept = mode is not None
        if mode is None:
            mode = self._modes[name] = f"{name}-{next(self._serial)}"
            app.add_mode(mode, lambda: make_view(name))
        app.switch_mode(mode)
        if kept:
            self.restate_health()

    def showing(self) -> bool:
        """Whether a root view is on screen (not yet at startup)."""
        return self._app.current_mode in self._modes.values()

    def close_above_root(self) -> None:
        """Close what is above the current view's root screen: details, dialogs, the too-small guard. Each is
        dismissed with no result, so a flow of the kept screen waiting on a dialog (an action's confirmation)
        ends as cancelled instead of waiting for ever."""
        app = self._app
        if self.showing():
            while len(app.screen_stack) > 1:
                app.screen.dismiss(None)

    def drop(self, names: Iterable[str], *, then: str) -> None:
        """Forget the kept views ``names`` (their rows belong to another workspace or region); if one of them
        is on screen, view ``then`` replaces it first."""
        app = self._app
        wanted = set(names)
        dropped = [self._modes.pop(name) for name in list(self._modes) if name in wanted]
        if app.current_mode in dropped:
            app.open_view(then)
        for mode in dropped:
            app.remove_mode(mode)

    def restate_health(self) -> None:
        """The header's refreshed/stale badges are of the screen on top; a kept screen shown again without
        polling states its own (the last report came from the screen that was on top before)."""
        from paitui.api.errors import describe
        from paitui.ui.screens.detail import DetailScreen
        from paitui.ui.screens.resource_list import ResourceListScreen

        app = self._app
        screen = app.screen
        watch = screen.watch if isinstance(screen, ResourceListScreen) else \
            screen.detail_watch if isinstance(screen, DetailScreen) else None
        if watch is None:
            return
        app.refreshed_at = watch.last_ok
        error = watch.error
        shown = watch.value is not None  # nothing loaded: the empty table says why, nothing is stale
        app.report_refresh(None, watch.stale_since if shown else None,
                           (error.code or describe(error)) if error is not None and shown else "")
