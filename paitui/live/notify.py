"""Terminal-state notices for resources the user asked to watch ("tell me when this job finishes").

The notifier only tracks watched ids. A notice is produced on the *transition* into a terminal state that
the notifier saw happen: a resource first observed already finished does not notify (it finished before
anyone was waiting), and a finished resource observed again does not notify twice. A resource that leaves
its terminal state (a PAIFlow run that is re-run) and finishes again notifies again — that is a new ending.
Pass the status known at ``watch()`` time so that a job finishing before the next poll still notifies.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from paitui.kinds import ResourceKind, all_kinds
from paitui.live.diff import RowDiff
from paitui.live.status import Phase
from paitui.live.watch import PollResult

# derived from the kinds' declarations: the kinds whose rows can finish (id, name, status, reason, phase and
# terminal rule are the kind's own)
KINDS: dict[str, ResourceKind] = {k.key: k for k in all_kinds() if k.notify}

_VERBS: dict[Phase, str] = {"succeeded": "succeeded", "failed": "failed", "stopped": "stopped"}


@dataclass(frozen=True, slots=True)
class Notice:
    kind: str
    id: str
    name: str
    status: Any
    phase: Phase
    message: str  # one line for a toast: "Job train-llama failed: OOMKilled: …"


Observed = Iterable[Any] | Mapping[str, Any] | RowDiff[Any] | PollResult[Any]


class TerminalNotifier:
    def __init__(self) -> None:
        self._names: dict[tuple[str, str], str] = {}
        self._terminal: dict[tuple[str, str], bool] = {}  # last seen: was it terminal? (absent = never seen)

    # --- the watch list ---

    def watch(self, kind: str, id: str, name: str | None = None, status: Any = None) -> None:
        """Start watching; ``status`` (when known) counts as the first sighting."""
        spec = _kind(kind)
        key = (kind, id)
        self._names[key] = name or self._names.get(key) or id
        if status is not None:
            self._terminal[key] = bool(spec.terminal(status))

    def unwatch(self, kind: str, id: str) -> None:
        self._names.pop((kind, id), None)
        self._terminal.pop((kind, id), None)

    def is_watched(self, kind: str, id: str) -> bool:
        return (kind, id) in self._names

    def watched(self, kind: str | None = None) -> list[tuple[str, str]]:
        return [k for k in self._names if kind is None or k[0] == kind]

    # --- observation ---

    def observe(self, kind: str, observed: Observed) -> list[Notice]:
        """Feed what a poll returned: rows (list or ``{key: row}``), one object, a ``PollResult`` or a
        ``RowDiff`` (its ``status_changes``; computed with a status getter)."""
        spec = _kind(kind)
        if not self._names:
            return []
        if isinstance(observed, PollResult):
            if not observed.ok or observed.value is None:
                return []
            observed = observed.value
        if isinstance(observed, RowDiff):
            return [n for key, (_, new) in observed.status_changes.items()
                    if (n := self._see(spec, kind, str(key), new, None)) is not None]
        rows = observed.values() if isinstance(observed, Mapping) else observed
        if not isinstance(rows, Iterable) or _is_single(rows):
            rows = [rows]
        notices = []
        for row in rows:
            row_id = spec.id(row)
            if row_id is None:
                continue
            notice = self._see(spec, kind, str(row_id), spec.status(row), row)
            if notice is not None:
                notices.append(notice)
        return notices

    def _see(self, spec: ResourceKind, kind: str, id: str, status: Any, row: Any) -> Notice | None:
        key = (kind, id)
        if key not in self._names:
            return None
        if row is not None and spec.name(row):
            self._names[key] = spec.name(row)
        terminal = bool(spec.terminal(status))
        before = self._terminal.get(key)
        self._terminal[key] = terminal
        if not terminal or before is None or before:
            return None  # not finished, first sighting, or already finished before
        phase = spec.phase(status)
        name = self._names[key]
        message = f"{spec.label} {name} {_VERBS.get(phase, str(status))}"
        reason = spec.reason(row) if row is not None and phase == "failed" else ""
        if reason:
            message += f": {reason}"
        return Notice(kind, id, name, status, phase, message)


def _kind(kind: str) -> ResourceKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown resource kind {kind!r}; known: {', '.join(KINDS)}") from None


def _is_single(value: Any) -> bool:
    # a pydantic model is iterable (over its fields): treat it as one object, not as rows. Without pydantic
    # loaded no value is a model, and the notifier exists from the first frame, before pydantic is needed
    pydantic = sys.modules.get("pydantic")
    return pydantic is not None and isinstance(value, pydantic.BaseModel)
