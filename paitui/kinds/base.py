"""What a resource kind is: one ``ResourceKind`` holds every fact about one kind of PAI resource.

A kind's declaration (one module per kind in this package) says how to read a row (id, name, status,
created, owner, workspace), what its statuses mean (phase and terminal, read from the one status table in
``live.status``), what it is called, how it is listed and fetched, which actions it has (each with its
rule and wire mapping, see ``kinds.action``) and which screen shows it. The views, ``:`` commands,
notifications, action words and headless commands are derived from these declarations (``kinds.registry``).

No Textual here, and nothing heavy at import time: models, listers and screens are named by module path or
imported inside factories, so ``paitui --help`` stays fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from paitui.kinds.action import Action
from paitui.live.status import Phase

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

Accessor = Callable[[Any], Any]
Align = Literal["left", "right"]


def attr(name: str) -> Accessor:
    """``attr("job_id")``: the row's field, or None when the row (a list row, a detail model) has none."""
    return lambda row: getattr(row, name, None)


def _none(_row: Any) -> Any:
    return None


def _empty(_row: Any) -> str:
    return ""


def _unknown(_status: Any) -> Phase:
    return "unknown"


def _never(_status: Any) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class ListContext:
    """What a lister factory is given: the client, the scope and the window the screen shows."""

    client: PaiClient
    workspace_id: str | None
    window: str
    now: Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class DetailContext:
    """What a detail snapshot fetcher is given: the client, the resource, the previous snapshot (panels whose
    call failed just now keep its data), the moment, and what the screen chose to look at (a job's metrics
    window and pod; kinds that have no such choice ignore them)."""

    client: PaiClient
    ident: str
    now: datetime
    previous: Any = None
    window: Any = None  # ``live.job_metrics.Window``
    selected: Any = None  # a job's ``(PodId, PodUid)``
    everything: bool = False  # the user asked for a refresh: panels on slower clocks are read now too


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A column as plain data; the UI turns it into its table ``Column`` (``value`` gives text or a number,
    ``status`` columns are coloured by the kind's phase, ``age`` columns show ``5m ago`` of a moment)."""

    key: str
    title: str
    value: Accessor
    width: int | None = None
    min_width: int | None = None
    max_width: int | None = None
    flex: bool = False
    align: Align = "left"
    drop: int = 0  # what a narrow terminal hides first (1 first)
    sort_key: Accessor | None = None
    style: Literal["text", "status", "age"] = "text"


@dataclass(frozen=True, slots=True)
class ResourceKind:
    """Every fact about one kind of resource (see the module notes)."""

    key: str  # "job": what actions, notifications and headless commands call it
    label: str  # "Job": the start of a notice ("Job train-llama failed")
    noun: str  # "DLC job": confirmations and result lines
    id: Accessor
    name: Accessor
    plural: str = ""  # "jobs": what a list says ("Loading jobs…")
    product_plural: str = ""  # "DLC jobs": with the product, where the context does not say it (``--help``)
    status: Accessor = _none
    created: Accessor = _none
    owner: Accessor = _none
    workspace: Accessor = _none
    type: Accessor = _none  # a sub-type some rules read (a DLC job's JobType: only Ray jobs have a dashboard)
    phase: Callable[[Any], Phase] = _unknown  # of a status, from the one status table
    terminal: Callable[[Any], bool] = _never  # of a status: the rules' "it is over"
    reason: Callable[[Any], str] = _empty  # why it failed, in one line, for a notice
    notify: bool = False  # rows can finish: `w` watches them and a notice says when
    # --- the list view ---
    view: str | None = None  # ":jobs"; None for kinds shown only inside others (pipeline nodes)
    aliases: tuple[str, ...] = ()
    arg: str | None = None  # the ``:`` command's optional argument (``:workspaces NAME``)
    help: str = ""  # the command's one line in ``?`` and the palette
    title: str = ""  # the screen's title
    screen: str | None = None  # "paitui.ui.screens.jobs:JobsScreen", imported only when opened
    workspace_scoped: bool = False  # the list shows one workspace's resources
    windowed: bool = False  # the list has a creation-time window (``t``)
    order: int = 100  # place among the views and commands
    lister: Callable[[ListContext], Any] | None = None
    columns: tuple[ColumnSpec, ...] = ()  # plain-data columns (for kinds whose screen is the generic one)
    filter_fields: Mapping[str, Accessor] = field(default_factory=dict)  # ``status:Running`` … (``text`` is free text)
    free_text_in_fields: bool = False  # free text searches every field's text, not just the name and id
    filter_aliases: Mapping[str, str] = field(default_factory=dict)  # other words for a field: ``type`` → ``accel``
    # --- one resource ---
    get: Callable[[PaiClient, str], Awaitable[Any]] | None = None  # one resource by id (headless reads it first)
    detail: Callable[[DetailContext], Awaitable[Any]] | None = None  # the detail screen's snapshot (``live``)
    get_call: tuple[str, str, str] | None = None  # (product, action, id parameter) of that read, for hints
    actions: tuple[Action, ...] = ()

    @property
    def has_status(self) -> bool:
        """Whether rows have a lifecycle status (definitions and quotas do not)."""
        return self.status is not _none

    @property
    def words(self) -> tuple[str, ...]:
        """The ``:`` words that open the view."""
        return (self.view, *self.aliases) if self.view else ()

    def phase_of(self, row: Any) -> Phase:
        return self.phase(self.status(row))

    def display_name(self, row: Any) -> str:
        """The row's name, or its id when it has none."""
        return str(self.name(row) or self.id(row) or "")

    def screen_class(self) -> Any:
        """The list screen's class, imported now (the UI calls this when the view opens)."""
        if self.screen is None:
            raise LookupError(f"{self.key} has no screen")
        module, _, name = self.screen.partition(":")
        return getattr(importlib.import_module(module), name)

    def action(self, key: str) -> Action:
        for item in self.actions:
            if item.key == key:
                return item
        raise KeyError(f"no action {key!r} for {self.key}")
