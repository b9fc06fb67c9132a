"""What an action did to one resource (``Outcome``), to many (``Summary``), and errors in words."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from paitui.api.errors import PaiError
from paitui.kinds import Action, kind


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one action on one resource: ok, failed, or (``unknown``) sent with its answer lost and
    not settled by reading the resource back. ``note`` says how a lost answer was settled."""

    id: str
    name: str
    ok: bool
    request_id: str | None = None
    error: PaiError | None = None
    value: str | None = None  # a URL for the copy actions, a new id for a clone
    unknown: bool = False  # sent, but whether it was applied is not known (never together with ok)
    note: str = ""  # "the answer was lost; GetJob now says Stopping"
    status: str | None = None  # the state read back, which the row shows instead of the transitional one

    @property
    def state(self) -> Literal["ok", "failed", "unknown"]:
        return "ok" if self.ok else "unknown" if self.unknown else "failed"

    def line(self, action: Action) -> str:
        """One line per item, for the headless commands and the bulk summary."""
        who = f"{self.id} ({self.name})" if self.name and self.name != self.id else self.id
        tail = f"  RequestId={self.request_id}" if self.request_id else ""
        if self.ok:
            extra = f"  {self.value}" if self.value else ""
            note = f" ({self.note})" if self.note else ""
            return f"ok      {kind(action.kind).noun} {who} {action.verb}{note}{extra}{tail}"
        if self.unknown:
            return f"unknown {kind(action.kind).noun} {who}: {self.note}{tail}"
        if self.note:
            return f"failed  {kind(action.kind).noun} {who}: not applied ({self.note}){tail}"
        return f"failed  {kind(action.kind).noun} {who}: {describe_error(self.error)}"


def describe_error(error: PaiError | None) -> str:
    """``Code: Message (Recommend: …) RequestId=…`` — what a failed item says, with a PipelineInUse
    explanation in words (the seed documents' meaning of the code)."""
    if error is None:
        return "failed"
    parts = [f"{error.code}: " if error.code else ""]
    parts.append(error.server_message or str(error))
    text = "".join(parts)
    hint = explain(error)
    if hint:
        text += f" — {hint}"
    if error.recommend:
        text += f" (Recommend: {error.recommend})"
    if error.request_id:
        text += f" RequestId={error.request_id}"
    return text


def explain(error: PaiError) -> str:
    """Words for error codes whose message alone does not say what to do."""
    if error.code == "InvalidParameter.PipelineInUse":
        return ("the pipeline is in use: other users subscribe to it as a shared pipeline, another pipeline "
                "references it as a sub-pipeline, or unfinished runs use it. Remove those references (or "
                "wait for the runs to finish) before deleting it")
    if error.code and error.code.startswith("Throttling"):
        return "PAI is rate-limiting requests; nothing was changed — wait a moment and try again"
    if error.kind == "read_only":
        return "nothing was sent"
    return ""


@dataclass
class Summary:
    """Counts of a bulk run, for a toast title and the headless exit status."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.state == "failed"]

    @property
    def unknown(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.unknown]

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    @property
    def exit_status(self) -> int:
        """Headless exit status: 3 when any outcome is unknown (it wins: a script must look before it
        retries), else 1 when any failed, else 0."""
        return 3 if self.unknown else 1 if self.failed else 0

    def headline(self, action_: Action) -> str:
        done = sum(o.ok for o in self.outcomes)
        noun = kind(action_.kind).noun + ("s" if len(self.outcomes) != 1 else "")
        text = f"{action_.label}: {done} of {len(self.outcomes)} {noun} {action_.verb}"
        text += f", {len(self.failed)} failed" if self.failed else ""
        return text + (f", {len(self.unknown)} outcome unknown" if self.unknown else "")
