"""The shape of an action entry and of the resource it is about; each kind declares its own entries.

An ``Action`` carries its state rule (``rule``: why the current state does not allow it, or ``""``) and, for
an action that is one API call on the resource's id, its wire mapping (``wire``: product, API action, id
parameter), so a kind's catalogue reads as a list of entries with everything about each beside it. Performing
and settling live in ``live.actions``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Rule = Callable[["Target"], str]
PERMANENT = "Deletion is permanent and cannot be undone."


def always(_target: Target) -> str:
    """The rule of an action every state allows."""
    return ""


@dataclass(frozen=True, slots=True)
class Target:
    """The resource an action is about: enough to name it, to judge availability and to call the API."""

    kind: str  # a ``ResourceKind.key``: "job", "run" …
    id: str
    name: str = ""
    status: str | None = None  # schedules: the int status as text
    job_type: str | None = None
    workspace_id: str | None = None

    @property
    def label(self) -> str:
        """``DLC job "llama-sft" (dlc1a2b3c)`` — kind, name and id, as every confirmation names it."""
        from paitui.kinds.registry import kind

        word = kind(self.kind).noun
        return f'{word} "{self.name}" ({self.id})' if self.name and self.name != self.id else f"{word} {self.id}"


@dataclass(frozen=True, slots=True)
class Action:
    """One entry of a kind's catalogue."""

    kind: str
    key: str  # stable id: "stop", "delete", "copy-terminal" …
    label: str  # what the panel shows: "Stop", "Delete" …
    hotkey: str  # the key that picks it inside the panel
    verb: str  # past tense for results: "stopped"
    consequence: str = ""  # what the confirmation says will happen
    mutating: bool = True
    destructive: bool = False  # a confirmation must be typed (name or id)
    transitional: str | None = None  # the status the row shows at once after success
    bulk: bool = True  # may run over marked rows
    form: str | None = None  # "priority", "clone", "rename", "expiry": asks for input before confirming
    removes: bool = False  # the resource is gone afterwards
    rule: Rule = always  # '' when the state allows it, else why not (in words)
    wire: tuple[str, str, str] | None = None  # one call on the id: (product, API action, id parameter)
    headless: bool = False  # offered as ``paitui KIND VERB ID...``

    @property
    def confirm(self) -> bool:
        return self.mutating


def entry(kind: str, key: str, label: str, hotkey: str, verb: str, **kw: Any) -> Action:
    return Action(kind, key, label, hotkey, verb, **kw)
