"""Which rows a list shows: a one-key status view (``R`` running, ``F`` failed …) and the ``/`` filter, ANDed.

Kept apart from the screen so the rule that the summary, the empty table and the filter's error message
all follow — "is anything hidden, and by what" — is stated once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from paitui.live.filtering import Filter

Predicate = Callable[[Any], bool]


@dataclass(slots=True)
class ListQuery:
    view_label: str = ""  # "running"; "" for all rows
    view: Predicate | None = None
    filter: Filter | None = None

    def set_view(self, label: str, predicate: Predicate | None) -> None:
        self.view_label = label if predicate is not None else ""
        self.view = predicate

    @property
    def filtering(self) -> bool:
        """Whether a view or a filter may hide rows."""
        return self.filter is not None or self.view is not None

    @property
    def active_view(self) -> str | None:
        """The view's label while one is chosen."""
        return self.view_label if self.view is not None else None

    def showing_all(self, noun: str) -> str:
        """What the list shows with no filter: ``all running jobs``."""
        view = f"{self.view_label} " if self.view is not None else ""
        return f"all {view}{noun}"

    def predicate(self) -> Predicate | None:
        """One predicate for the table (``None``: every row)."""
        parts = [p for p in (self.view, self.filter) if p is not None]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        return lambda row: all(p(row) for p in parts)
