"""Completion of ``:`` commands (pure: no app)."""

from __future__ import annotations

import pytest

from paitui.ui.commands import complete


@pytest.mark.parametrize(("typed", "completed"), [
    (":pipeline", "pipelines"),  # an alias is a command already: its name, not a longer word (pipelineruns)
    (":ws", "workspaces"),
    (":jobs", None),  # complete
    (":ru", "runs"),
    (":tem", "templates"),
    (":t", "te"),  # tensorboards and templates: only as far as they agree
    (":te", None),
    (":pi", "pipeline"),  # pipelines / pipelineruns
    (":q", "quit"),
    (":zz", None),
    (":ws llm", None),  # arguments are not completed here
    ("", None),
])
def test_completion(typed: str, completed: str | None) -> None:
    assert complete(typed) == completed
