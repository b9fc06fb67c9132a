"""The action catalogue, derived from the kinds' declarations (``paitui.kinds``), and whether an action is
available now: ``availability`` says whether the current state allows one and, when it does not, why (the
action panel shows the reason, the headless commands print it). Each action's rule is declared beside its
entry in its kind's module; read-only mode disables every action that changes something (copying a URL stays).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from paitui.kinds import Action, Target, kind, with_actions

MAX_BULK = 100  # one confirmation never lists (or sends) more than this
READ_ONLY_REASON = "read-only mode: paitui sends no changes (--read-only, the config file or the profile)"

# derived: what each kind is called in confirmations and results, its actions, and the one-call wire mappings
KIND_WORDS: dict[str, str] = {k.key: k.noun for k in with_actions()}
CATALOGUE: dict[str, tuple[Action, ...]] = {k.key: k.actions for k in with_actions()}
# Actions that are one API call on the resource's id: (product, API action, id parameter). ``perform`` and
# the headless ``--dry-run`` both build their request from this, so what is printed is what is sent.
WIRE: dict[tuple[str, str], tuple[str, str, str]] = {
    (a.kind, a.key): a.wire for k in with_actions() for a in k.actions if a.wire is not None}


@dataclass(frozen=True, slots=True)
class Availability:
    action: Action
    ok: bool
    reason: str = ""  # why not, when not ok


def action(kind_key: str, key: str) -> Action:
    return kind(kind_key).action(key)


def availability(action_: Action, target: Target, *, read_only: bool = False) -> Availability:
    if read_only and action_.mutating:
        return Availability(action_, False, READ_ONLY_REASON)
    reason = action_.rule(target)
    return Availability(action_, not reason, reason)


def available_actions(target: Target, *, read_only: bool = False) -> list[Availability]:
    """Every action of the target's kind, each with whether it is allowed now and why not."""
    return [availability(a, target, read_only=read_only) for a in kind(target.kind).actions]


def bulk_availability(action_: Action, targets: Sequence[Target], *,
                      read_only: bool = False) -> tuple[list[Target], list[tuple[Target, str]]]:
    """Split ``targets`` into those the action applies to and those it does not (with the reason)."""
    ok: list[Target] = []
    skipped: list[tuple[Target, str]] = []
    for target in targets:
        verdict = availability(action_, target, read_only=read_only)
        if verdict.ok:
            ok.append(target)
        else:
            skipped.append((target, verdict.reason))
    return ok, skipped


def target_of(kind_key: str, row: Any) -> Target:
    """A ``Target`` from a list row or a detail model (``JobItem``, ``PipelineRun``, ``Pipeline`` …), read with
    the kind's accessors."""
    k = kind(kind_key)
    status = k.status(row)
    return Target(kind_key, k.id(row) or "", k.name(row) or "", None if status is None else str(status),
                  k.type(row), k.workspace(row))


def typed_matches(typed: str, targets: Sequence[Target]) -> bool:
    """The typed confirmation of a delete: the name or id of a single resource, or the count of several."""
    text = typed.strip()
    if not text:
        return False
    if len(targets) == 1:
        t = targets[0]
        return text in {t.id, t.name} - {""}
    return text == str(len(targets))


def typed_prompt(targets: Sequence[Target]) -> str:
    if len(targets) == 1:
        t = targets[0]
        return f"type the {kind(t.kind).noun}'s name or id ({t.id}) to confirm"
    return f"type {len(targets)} (the number of resources) to confirm"
