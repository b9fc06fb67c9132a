"""The footer of key bindings, recomposed only when the keys it shows change.

Textual's ``Footer`` recomposes on every bindings signal (a widget mounts, focus moves), and a recompose
rebuilds and restyles every key (each ``FooterKey`` is restyled twice as its ``compact`` binding settles):
~10 ms a time. The demo's first screen sent four signals with the same keys before its first frame, and a
loading list sends more. This footer remembers the bindings it last composed for and skips a signal that
brings the same ones (a key enabled or disabled, added or gone still recomposes it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

if TYPE_CHECKING:
    from textual.screen import Screen


class KeyFooter(Footer):
    _composed_for: tuple[object, ...] | None = None  # the bindings of the last recompose asked for

    def bindings_changed(self, screen: Screen[object]) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:  # Footer recomposes now
            bindings = tuple((binding, enabled, tooltip)
                             for _node, binding, enabled, tooltip in screen.active_bindings.values())
            if self._bindings_ready and bindings == self._composed_for:
                return
            self._composed_for = bindings
        super().bindings_changed(screen)
