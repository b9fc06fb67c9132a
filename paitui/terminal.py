"""What the terminal can do, checked before the dashboard starts (no Textual import: the CLI asks first).

- ``TERM=dumb`` (Emacs shell buffers, some CI consoles): no cursor movement, so a full-screen dashboard cannot be
  drawn. paitui refuses with one line and exit 2, and points at the commands that print plain text.
- ``NO_COLOR`` (https://no-color.org): a non-empty value means no colour. Textual 8.2.8 turns monochrome for
  any ``NO_COLOR``, even an empty one, so an empty value is dropped before the app is built. The CLI's own
  output (``paitui call``, headless commands, ``sim serve``) never carries colour codes.
"""

from __future__ import annotations

from collections.abc import MutableMapping

DUMB_TERMS = frozenset({"dumb"})


def no_color(env: MutableMapping[str, str]) -> bool:
    return bool(env.get("NO_COLOR"))


def prepare_dashboard(env: MutableMapping[str, str]) -> str | None:
    """Why the dashboard cannot run in this terminal (None: it can); settles ``NO_COLOR`` for Textual."""
    term = env.get("TERM", "").strip().lower()
    if term in DUMB_TERMS:
        return (f"this terminal (TERM={term}) cannot draw the dashboard; run paitui in a full terminal, or use "
                "`paitui call …` and `paitui job|run|schedule …`, which print plain text")
    if "NO_COLOR" in env and not no_color(env):
        del env["NO_COLOR"]  # an empty NO_COLOR does not ask for monochrome (no-color.org)
    return None
