"""The log screen's words: the info line (what is read, its state, the since window), the message shown
while there is nothing to show (and why), and the status bar (follow/paused, counts, filter, find, flags,
errors, the last save). Pure functions of the screen's state; the screen puts the results in its widgets."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text

from paitui.live.tail import PodRef, Since
from paitui.ui.behaviours.log_source import LogSource, attempts_of

if TYPE_CHECKING:
    from paitui.api.errors import PaiError
    from paitui.live.spool import LogSpool
    from paitui.live.tail import State
    from paitui.ui.widgets.log_view import LogView, ViewStats

NOT_STARTED = ("pending", "readytoschedule", "initialized", "queuing", "creating")


def subject(s: LogSource, pods: Sequence[PodRef], containers: tuple[str, list[str]] | None) -> str:
    """What is read: the node, all pods, or the pod with its attempt, place in the job and container."""
    if s.kind == "node":
        return f"node {s.node_name or s.node_id}"
    if s.merged:
        return f"all {len(pods)} pods merged by time"
    text = f"pod {s.pod_id}"
    if s.pod_uid:
        attempts = attempts_of(s, pods)
        at = next((i for i, ref in enumerate(attempts) if ref.uid == s.pod_uid), 0)
        earlier = max(len(attempts) - 1, 0)  # the attempt list is empty until the job is read
        if at == 0:  # the attempt running now; say how many earlier ones `p` can reach
            text += f" · current attempt (uid {s.pod_uid[:8]}" + (f", {earlier} earlier)" if earlier else ")")
        else:
            text += f" · previous attempt {at} of {earlier} (uid {s.pod_uid[:8]})"
    if pods and not s.pod_uid:
        index = next((i for i, ref in enumerate(pods) if ref.pod_id == s.pod_id), 0)
        text += f" ({index + 1}/{len(pods)})"
    if containers:
        main, sidecars = containers
        text += f" · container {s.container or main}" + (f" (+{len(sidecars)} sidecar)" if sidecars else "")
    return text


def source_status(s: LogSource, detail: Any, pods: Sequence[PodRef]) -> str:
    """The service's status of what is read (node, job, or the pod attempt), "" before the first poll."""
    if detail is None:
        return ""
    if s.kind == "node":
        info = getattr(detail, "status_info", None)
        return getattr(info, "status", "") or ""
    if s.merged or s.pod_id is None:
        return getattr(detail, "status", "") or ""
    ref = next((r for r in pods if r.pod_id == s.pod_id), None)
    if ref is not None and s.pod_uid:
        ref = next((h for h in ref.history if h.uid == s.pod_uid), ref)
    return (ref.status if ref is not None else getattr(detail, "status", "")) or ""


def status_word(state: State, status: str) -> str:
    return {
        "starting": "loading…",
        "waiting": f"waiting for logs ({status})" if status else "waiting for logs",
        "live": "● live",
        "ended": f"■ ended ({status})" if status else "■ ended",
        "gone": "✕ deleted",
    }[state]


def info_line(subject_: str, word: str, since_: Since) -> Text:
    info = Text()
    info.append(subject_)
    info.append("  ·  ")
    info.append(word, style="bold")
    info.append(f"  ·  since {since_.label}", style="dim")
    return info


def empty_message(s: LogSource, view: LogView, state: State, error: PaiError | None, since_: Since,
                  status: str) -> tuple[str, bool]:
    """Why the view is empty ("" when it is not), and whether that is because the source is gone."""
    if view.shown_count:
        return "", False
    if state == "gone":
        what = "pipeline node" if s.kind == "node" else "job or pod"
        reason = f" ({error.code})" if error is not None and error.code else ""
        return f"This {what} no longer exists{reason}: there are no logs to show.", True
    if view.total and (view.filter or view.levels_only):
        return "No line matches the filter. & then enter on an empty pattern clears it; e toggles " \
               "warnings/errors only.", False
    if state == "starting":
        return "Loading logs…", False
    if error is not None:
        return f"Could not read the logs yet: {error}. Retrying…", False
    window = "" if since_.key == "all" else f" in the window '{since_.label}' (5 shows all)"
    if state == "waiting":
        if status.lower() in NOT_STARTED:
            return f"The {'node' if s.kind == 'node' else 'pod'} has not started yet ({status}): " \
                   "no logs yet. Waiting…", False
        return f"No log lines yet{window}. Waiting for the first line…", False
    return f"It ended ({status or 'finished'}) without writing a log line{window}.", False


def status_line(view: LogView, stats: ViewStats, error: PaiError | None, state: State, delay: float,
                saved: Path | None, spool: LogSpool | None = None) -> Text:
    """The bottom bar: follow or paused (with new lines), counts, filter, find, view flags, the error being
    retried (``delay`` seconds to the next try) and the last save."""
    status = Text()
    if state in ("ended", "gone") and view.follow:
        status.append("■ END", style="bold")  # nothing more will come: following means nothing here
    elif view.follow:
        status.append("▼ FOLLOW", style="bold")
    else:
        status.append("⏸ PAUSED", style="bold")
        if stats.new:
            status.append(f"  {stats.new:,} new lines", style="bold")
        status.append(" (f or End follows)", style="dim")
    status.append(f"  ·  {stats.total:,} lines")
    if spool is not None and spool.dropped:  # the spool is bounded: say what find-all no longer sees
        status.append(f" (newest {stats.kept:,} in view; find-all: newest {spool.count:,}, the oldest "
                      f"{spool.dropped:,} dropped at the {spool.max_bytes // 2**20} MiB cap; ctrl+s saves all)",
                      style="dim")
    elif stats.kept < stats.total:
        status.append(f" (newest {stats.kept:,} in view; find-all covers all, ctrl+s saves the whole log)",
                      style="dim")
    if view.filter is not None or view.levels_only:
        parts = ([f"filter {view.filter.describe()}"] if view.filter else []) + \
            (["warnings+errors"] if view.levels_only else [])
        status.append(f"  ·  {' & '.join(parts)}: {stats.shown:,} shown")
    if view.find is not None:
        status.append(f"  ·  find {view.find.describe()}: {stats.matches:,} in view")
    flags = [name for name, on_ in (("wrap", view.wrap), ("no-time", not view.show_timestamps),
                                    ("#", view.show_line_numbers)) if on_]
    if flags:
        status.append(f"  ·  {' '.join(flags)}", style="dim")
    if error is not None and state != "gone":
        status.append(f"  ·  ⚠ {error.code or error.kind}: retrying in {delay:.0f}s", style="bold")
    if saved is not None:
        status.append(f"  ·  saved {saved}", style="dim")
    return status
