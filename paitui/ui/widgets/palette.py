"""The command palette (ctrl+p): Textual's, with one crash of Textual 8.2.8 kept out.

Page up/down in the palette's list while its options are being rebuilt (the search runs as you type) reach
``OptionList._move_page``, which indexes a line cache that is not laid out yet and raises ``KeyError`` — it
ended the dashboard (found by tests/ui/test_random_keys.py). Such a key does nothing now; the next finds the
list laid out.
"""

from __future__ import annotations

import contextlib

from textual.command import CommandPalette


class Palette(CommandPalette):
    def _action_command_list(self, action: str) -> None:
        with contextlib.suppress(KeyError):  # OptionList's line cache not built yet (see the module notes)
            super()._action_command_list(action)
