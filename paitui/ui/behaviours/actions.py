"""Actions wired into screens: ``x`` opens the action panel for the selected (or marked) resources.

``ActionsMixin`` is the flow every screen shares, in one worker: panel → form (if the action needs input)
→ confirmation → the calls (concurrent, bounded) → toasts or a per-item summary. The screen says what the
subjects are and how to show an action's effect through four hooks; ``ListActions`` and ``DetailActions``
implement them for list and detail screens.

Safety rules kept here: nothing is sent before a confirmation (read actions such as copying a URL excepted);
a resource already being worked on cannot be sent the same action twice (``PaiTuiApp.in_flight``); the row or
header shows a spinner while the call runs and the transitional state (Stopping, Terminating) only once the
cloud has accepted the call — a failure changes nothing on screen. A lost answer is settled by reading the
resource back first (``act.settle``): applied shows the state read, not applied and unknown change nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import is_dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work

from paitui.api.errors import PaiError
from paitui.live import actions as act
from paitui.live.actions import Action, Outcome, Target
from paitui.ui.widgets.action_panel import ActionPanel, Entry, ResultsModal
from paitui.ui.widgets.confirm import ConfirmModal


def panel_entries(targets: Sequence[Target], *, read_only: bool) -> list[Entry]:
    """One entry per action of the kind; for several targets, how many it applies to (or why none). The
    read-only reason is said once, above the entries (``panel_subject``): here it is one word."""
    return [replace(entry, note="read-only") if entry.note == act.READ_ONLY_REASON else entry
            for entry in _entries(targets, read_only=read_only)]


def panel_subject(targets: Sequence[Target], *, read_only: bool) -> str:
    subject = targets[0].label if len(targets) == 1 else \
        f"{len(targets)} marked {act.KIND_WORDS[targets[0].kind]}s"
    return f"{subject}\n{act.READ_ONLY_REASON}" if read_only else subject


def _entries(targets: Sequence[Target], *, read_only: bool) -> list[Entry]:
    entries = []
    for action_ in act.CATALOGUE[targets[0].kind]:
        if len(targets) == 1:
            verdict = act.availability(action_, targets[0], read_only=read_only)
            entries.append(Entry(action_.key, action_.label, action_.hotkey, verdict.ok, verdict.reason))
            continue
        if not action_.bulk:
            entries.append(Entry(action_.key, action_.label, action_.hotkey, False,
                                 "works on one resource at a time (space unmarks rows)"))
            continue
        ok, skipped = act.bulk_availability(action_, targets, read_only=read_only)
        if not ok:
            entries.append(Entry(action_.key, action_.label, action_.hotkey, False,
                                 f"none of the marked: {skipped[0][1]}"))
        else:
            entries.append(Entry(action_.key, action_.label, action_.hotkey, True,
                                 f"{len(ok)} of {len(targets)}" if skipped else f"all {len(targets)}"))
    return entries


def error_lines(error: PaiError) -> str:
    """Code, Message, an explanation when the code needs one, Recommend and RequestId, one per line."""
    lines = [f"Code: {error.code}" if error.code else str(error)]
    if error.code:
        lines.append(f"Message: {error.server_message or error}")
    if hint := act.explain(error):
        lines.append(hint[0].upper() + hint[1:] + ".")
    if error.recommend:
        lines.append(f"Recommend: {error.recommend}")
    if error.request_id:
        lines.append(f"RequestId: {error.request_id}")
    return "\n".join(lines)


if TYPE_CHECKING:
    from paitui.live.watch import DetailWatch
    from paitui.ui.screens.base import PaiScreen
    from paitui.ui.widgets.resource_table import ResourceTable

    _Screen = PaiScreen
else:
    # a plain mixin at runtime: Textual follows the first DOMNode base for CSS type names and DEFAULT_CSS,
    # so a Screen subclass here would hide the list screens' own styles
    _Screen = object


class ActionsMixin(_Screen):
    """The action flow; subclasses set ``ACTION_KIND`` and implement the hooks."""

    ACTION_KIND: ClassVar[str] = ""  # a kind key, set by the list or detail screen from its kind (RESOURCE)
    busy_label: str | None = None  # the action running on this screen's subject, for detail headers

    # --- hooks ---

    def action_subjects(self) -> list[Target]:
        """What ``x`` acts on: the marked rows, else the selected one."""
        raise NotImplementedError

    def show_busy(self, targets: Sequence[Target], busy: bool) -> None:
        """A spinner on (or off) where these resources are shown."""

    def show_effect(self, action_: Action, done: Sequence[tuple[Target, Outcome]]) -> None:
        """Show what the cloud accepted (transitional state, removal, new name) before the next poll."""

    def clear_subjects(self) -> None:
        """After a bulk action: unmark rows."""

    # --- the flow ---

    def action_actions(self) -> None:
        targets = self.action_subjects()
        if not targets:
            self.notify("nothing selected", markup=False, timeout=2)
            return
        self._action_flow(targets, None)

    def action_act(self, key: str) -> None:
        """Skip the panel: run action ``key`` on the current subjects (a direct key such as the run's ``s``)."""
        targets = self.action_subjects()
        if targets:
            self._action_flow(targets, key)

    @work(group="actions", exit_on_error=False)
    async def _action_flow(self, targets: list[Target], key: str | None) -> None:
        read_only = self.pai.is_read_only
        if len(targets) > act.MAX_BULK:
            self.notify(f"{len(targets)} marked: one action takes at most {act.MAX_BULK}; unmark some first",
                        severity="warning", markup=False)
            return
        if key is None:
            key = await self.app.push_screen_wait(ActionPanel("Actions", panel_subject(targets, read_only=read_only),
                                                              panel_entries(targets, read_only=read_only)))
            if key is None:
                return
        action_ = act.action(targets[0].kind, key)
        chosen, skipped = act.bulk_availability(action_, targets, read_only=read_only)
        if not chosen:
            self.notify(f"{action_.label}: {skipped[0][1]}", title="not available", markup=False)
            return
        taken = [t for t in chosen if self.pai.in_flight.busy(t)]
        if taken:
            self._say_busy(taken)
            return
        if action_.form == "clone":  # edit and resubmit in full: its own editor, confirmation and result
            from paitui.ui.behaviours.submit import resubmit

            await resubmit(self.pai, chosen[0])
            return
        args = await self._collect_args(action_, chosen[0])
        if args is None:
            return
        if action_.confirm and not await self._confirm(action_, chosen, skipped, args):
            self.notify(f"{action_.label} cancelled: nothing was sent", markup=False, timeout=3)
            return
        await self._execute(action_, chosen, args)

    async def _collect_args(self, action_: Action, target: Target) -> dict[str, Any] | None:
        from paitui.ui.widgets.forms import PriorityForm, RenameForm

        if action_.form == "priority":
            current = self.current_priority(target)
            value = await self.app.push_screen_wait(PriorityForm(f"Priority of {target.label}", current))
            return None if value is None else {"priority": value}
        if action_.form == "expiry":
            from paitui.ui.widgets.create_forms import ShareExpiryForm

            seconds = await self.app.push_screen_wait(ShareExpiryForm(f"Shared URL of {target.label}"))
            return None if seconds is None else {"seconds": seconds}
        if action_.form == "rename":
            name = await self.app.push_screen_wait(RenameForm(f"Rename {target.label}", target.name))
            return None if name is None else {"name": name}
        return {}

    def current_priority(self, target: Target) -> int | None:
        return None

    async def _confirm(self, action_: Action, targets: list[Target], skipped: list[tuple[Target, str]],
                       args: dict[str, Any]) -> bool:
        consequence = action_.consequence
        if action_.form == "priority":
            consequence += f" New priority: {args['priority']}."
        elif action_.form == "rename":
            consequence += f' New name: "{args["name"]}".'
        noun = act.KIND_WORDS[action_.kind] + ("s" if len(targets) > 1 else "")
        verb = f"{action_.label} of" if action_.form == "priority" else action_.label  # "Change priority of …"
        title = f"{verb} {len(targets)} {noun}" if len(targets) > 1 else f"{verb} {noun}"
        modal = ConfirmModal(title, targets, consequence, confirm_label=action_.label,
                             typed=action_.destructive, skipped=skipped)
        confirmed: bool = await self.app.push_screen_wait(modal)
        return bool(confirmed)

    async def _execute(self, action_: Action, targets: list[Target], args: dict[str, Any]) -> None:
        guard = self.pai.in_flight
        taken = guard.claim(targets)  # checked again: a second press may have got here while we waited
        if taken:
            self._say_busy(taken)
            return
        self.busy_label = action_.label
        self.show_busy(targets, True)
        try:
            outcomes = await act.run_bulk(self.pai.client, action_, targets, args=args,
                                          on_done=lambda t, _o: self._done_one(t))
        finally:
            guard.release(targets)
            self.busy_label = None
            self.show_busy(targets, False)
        done = [(t, o) for t, o in zip(targets, outcomes, strict=True) if o.ok]
        if done and action_.mutating and self.is_attached:
            self.show_effect(action_, done)
        if len(targets) > 1:
            self.clear_subjects()
        self._report(action_, targets, outcomes)

    def _done_one(self, target: Target) -> None:
        if self.is_attached:
            self.show_busy([target], False)

    def _say_busy(self, taken: Sequence[Target]) -> None:
        self.notify(f"already working on {taken[0].label}; wait for it to finish", markup=False, timeout=3)

    def _report(self, action_: Action, targets: list[Target], outcomes: list[Outcome]) -> None:
        if len(outcomes) == 1:
            outcome, target = outcomes[0], targets[0]
            if outcome.ok:
                self._report_ok(action_, target, outcome)
            elif outcome.unknown:  # sent, answer lost, the read-back did not settle it: say what to check
                self.notify(outcome.note, title=f"{action_.label} {target.label}: outcome unknown",
                            severity="warning", markup=False, timeout=20)
            else:
                assert outcome.error is not None
                text = error_lines(outcome.error)
                if outcome.note:  # a lost answer, settled: the read-back showed it was not applied
                    text = f"Not applied ({outcome.note}).\n{text}"
                self.notify(text, title=f"{action_.label} {target.label} failed",
                            severity="error", markup=False, timeout=12)
            return
        summary = act.Summary(outcomes)
        self.notify(summary.headline(action_), severity="information" if summary.ok else "warning",
                    markup=False, timeout=6)
        lines = [(o.ok, o.line(action_)) for o in outcomes]
        self.app.push_screen(ResultsModal(summary.headline(action_), lines))

    def _report_ok(self, action_: Action, target: Target, outcome: Outcome) -> None:
        if not action_.mutating and outcome.value:
            self.app.copy_to_clipboard(outcome.value)
            self.notify(outcome.value, title=f"{action_.label.removeprefix('Copy ')} copied", markup=False,
                        timeout=10)
            return
        text = f"{target.label}: {action_.verb}"
        if outcome.note:  # applied, although the answer was lost: how we know
            text += f"\napplied ({outcome.note})"
        if outcome.request_id:
            text += f"\nRequestId: {outcome.request_id}"
        self.notify(text, title=action_.label, markup=False, timeout=6)


class ListActions(ActionsMixin):
    """Hooks for a ``ResourceListScreen``: marked rows or the cursor row; spinners in the gutter."""

    if TYPE_CHECKING:  # what the list screen this is mixed into provides
        table: ResourceTable
        def action_refresh_now(self) -> None: ...
        def apply_local(self, changed: Iterable[Any] = (), removed: Iterable[str] = ()) -> None: ...

    def action_subjects(self) -> list[Target]:
        table = self.table
        rows = [table.get_row(k) for k in table.marked_keys] if table.marked_keys else [table.cursor_row]
        return [act.target_of(self.ACTION_KIND, row) for row in rows if row is not None]

    def current_priority(self, target: Target) -> int | None:
        row = self.table.get_row(target.id)
        return getattr(row, "priority", None)

    def show_busy(self, targets: Sequence[Target], busy: bool) -> None:
        self.table.set_busy([t.id for t in targets], busy)

    def clear_subjects(self) -> None:
        self.table.clear_marks()

    def show_effect(self, action_: Action, done: Sequence[tuple[Target, Outcome]]) -> None:
        if action_.removes:
            self.apply_local(removed=[t.id for t, _ in done])
        else:
            changed = []
            for target, outcome in done:
                row = self.table.get_row(target.id)
                update = effect_update(action_, outcome)
                if row is not None and update:
                    changed.append(updated(row, update))
            self.apply_local(changed=changed)
        self.action_refresh_now()


def updated(row: Any, update: dict[str, Any]) -> Any:
    """A copy of a list row with ``update`` applied: a compact dataclass row (jobs) or a pydantic one."""
    if is_dataclass(row) and not isinstance(row, type):
        return replace(row, **update)
    return row.model_copy(update=update)


def effect_update(action_: Action, outcome: Outcome) -> dict[str, Any]:
    """The fields of a row an accepted action changes at once (model field names). After a lost answer the
    state read back is shown, not the transitional one (it may already be Stopped)."""
    if outcome.status and action_.transitional:
        return {"status": outcome.status}
    if action_.transitional:
        return {"status": action_.transitional}
    if action_.form == "rename" and outcome.value:
        return {"name": outcome.value}
    if action_.form == "priority" and outcome.value:
        return {"priority": int(outcome.value)}
    return {}


class DetailActions(ActionsMixin):
    """Hooks for a ``DetailScreen``: the object shown is the subject; its header shows the spinner."""

    if TYPE_CHECKING:  # what the detail screen this is mixed into provides
        snapshot: Any
        detail_watch: DetailWatch[Any] | None
        def show_state(self) -> None: ...
        def show_snapshot(self, snapshot: Any, first: bool) -> None: ...
        def action_refresh_now(self) -> None: ...

    def subject_model(self, snapshot: Any) -> Any:
        """The job or run model inside a snapshot."""
        raise NotImplementedError

    def with_update(self, snapshot: Any, update: dict[str, Any]) -> Any:
        """A copy of ``snapshot`` whose subject has ``update`` applied."""
        raise NotImplementedError

    def action_subjects(self) -> list[Target]:
        snapshot = self.snapshot
        return [] if snapshot is None else [act.target_of(self.ACTION_KIND, self.subject_model(snapshot))]

    def current_priority(self, target: Target) -> int | None:
        snapshot = self.snapshot
        return getattr(self.subject_model(snapshot), "priority", None) if snapshot is not None else None

    def show_busy(self, targets: Sequence[Target], busy: bool) -> None:
        if self.is_attached:
            self.show_state()  # the header reads busy_label

    def show_effect(self, action_: Action, done: Sequence[tuple[Target, Outcome]]) -> None:
        if action_.removes:
            ids = [t.id for t, _ in done]
            for screen in self.app.screen_stack:  # the list underneath must not show it until a full re-list
                if getattr(screen, "ACTION_KIND", None) == self.ACTION_KIND and hasattr(screen, "apply_local"):
                    screen.apply_local(removed=ids)
            self.pai.go_back()
            return
        update = effect_update(action_, done[0][1])
        snapshot = self.snapshot
        if update and snapshot is not None:
            fresh = self.with_update(snapshot, update)
            self.snapshot = fresh
            if self.detail_watch is not None:
                self.detail_watch.value = fresh  # the next poll converges it
            self.show_snapshot(fresh, False)
        self.action_refresh_now()  # a finished run that reran goes live again


def busy_text(label: str) -> Text:
    """The header's marker while an action runs on the object shown."""
    return Text(f" ⟳ {label.lower()}… ", style="bold reverse")
