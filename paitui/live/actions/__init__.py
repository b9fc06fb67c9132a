"""One-off operations on resources — stop, terminate, rerun, delete … — without any UI.

Split by job: ``catalogue`` (which actions each kind has, derived from ``paitui.kinds``, and whether the
current state allows one), ``perform`` (the API call behind each, one or many resources), ``settle`` (a lost
answer read back: applied, not applied, or unknown with what to check), ``outcome`` (results in words) and
``clone`` (a DLC job's spec resubmitted). This package's names are the public surface.

State rules follow docs/WIRE.md §6 and §8 and the simulated cloud, which refuses the same transitions; each
is declared beside its action in its kind's module (``paitui.kinds.jobs`` …).
"""

from paitui.kinds import Action, Target
from paitui.kinds.action import PERMANENT
from paitui.live.actions.catalogue import (
    CATALOGUE,
    KIND_WORDS,
    MAX_BULK,
    READ_ONLY_REASON,
    WIRE,
    Availability,
    action,
    availability,
    available_actions,
    bulk_availability,
    target_of,
    typed_matches,
    typed_prompt,
)
from paitui.live.actions.clone import CloneSource, clone_body, clone_spec, load_clone_source, validate_priority
from paitui.live.actions.outcome import Outcome, Summary, describe_error, explain
from paitui.live.actions.perform import BULK_CONCURRENCY, perform, run_bulk, wire_request
from paitui.live.actions.settle import ReadBack, Verdict, check_hint, read_back, settle

__all__ = [
    "BULK_CONCURRENCY", "CATALOGUE", "KIND_WORDS", "MAX_BULK", "PERMANENT", "READ_ONLY_REASON", "WIRE", "Action",
    "Availability", "CloneSource", "Outcome", "ReadBack", "Summary", "Target", "Verdict", "action",
    "availability", "available_actions", "bulk_availability", "check_hint", "clone_body", "clone_spec",
    "describe_error", "explain", "load_clone_source", "perform", "read_back", "run_bulk", "settle", "target_of",
    "typed_matches", "typed_prompt", "validate_priority", "wire_request",
]
