"""Which headless commands exist (``paitui KIND VERB ID...``) and what their exit statuses mean.

All the argument parser needs from ``paitui.headless``, apart from it: that module loads the client, its
models and pydantic, which ``paitui --help`` and ``paitui call`` must not pay for. Derived from the kinds'
declarations, which are cheap to read (``kinds.base``).
"""

from __future__ import annotations

from paitui.kinds import with_actions

# ``paitui KIND VERB ID...`` for every action its kind marks ``headless``
COMMANDS: dict[str, tuple[str, ...]] = {
    k.key: verbs for k in with_actions() if (verbs := tuple(a.key for a in k.actions if a.headless))}
EXIT_HELP = """exit status:
  0    every item was confirmed applied (a lost answer counts once reading the resource back proves it)
  1    an item failed or was not applied, or the prompt was declined
  2    refused before anything was sent (no terminal without --yes, read-only, more than 100 ids)
  3    an item's outcome is unknown: it was sent, the answer was lost and reading it back did not settle
       it (3 wins over 1: look before retrying)
  130  ctrl+c, 143 SIGTERM: one line per item says settled, sent (outcome unknown) or not sent"""
