"""Lifecycle math: how long a job or run has been going, its phase timeline, and short human texts for both.

Everything takes ``now`` explicitly (the server's clock, ``PaiClient.server_now()``) so that durations agree
with the timestamps the server sent, also against the simulator's fast or manual clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from paitui.live.status import Phase, is_terminal_job, is_terminal_run, job_phase

if TYPE_CHECKING:  # annotations only: the kinds read short_reason without loading the models
    from paitui.api.models.dlc import JobItem, StatusTransitionItem
    from paitui.api.models.flow import PipelineRun
    from paitui.api.models.job_row import JobRow

    Job = JobItem | JobRow  # the detail's full model or a list's compact row: the same time fields

_ZERO = timedelta(0)


def _nonneg(td: timedelta) -> timedelta:
    # clocks of client and server, or of two services, disagree a little: never show "-3s"
    return td if td > _ZERO else _ZERO


def _first(*moments: datetime | None) -> datetime | None:
    return next((m for m in moments if m is not None), None)


def _job_end(job: Job) -> datetime | None:
    by_status = {"succeeded": job.gmt_successed_time, "failed": job.gmt_failed_time,
                 "stopped": job.gmt_stopped_time}.get(job_phase(job.status))
    return _first(job.gmt_finish_time, by_status, job.gmt_successed_time, job.gmt_failed_time,
                  job.gmt_stopped_time)


# --- the duration rule -----------------------------------------------------------------------------------
#
# One rule for every view (jobs list, job detail, runs list, run detail), as the PAI console does it:
#   DURATION = running time: from the first GmtRunningTime / StartedAt to the end (or now while in flight);
#              nothing ("—") before it started.
#   WAITED   = waiting time: from creation to that start (or to now / the end while it never started).
# Each value only grows while the job goes Queuing → Running → …: the waiting time stops when running starts,
# the running time starts from zero then. (Counting from creation while queued and from the start once
# running made DURATION jump backwards at the start.)


def job_duration(job: Job, now: datetime) -> timedelta | None:
    """Running time of a DLC job: GmtRunningTime (the first start) to its end, or to ``now`` in flight.

    ``None`` while it has not started. A finished job without a usable start or end falls back to the
    API's ``Duration`` (seconds, also running time); ``None`` when nothing usable is known.
    """
    start = job.gmt_running_time
    if is_terminal_job(job.status):
        end = _job_end(job)
        if start is not None and end is not None:
            return _nonneg(end - start)
        return timedelta(seconds=job.duration) if job.duration is not None and job.duration >= 0 else None
    return _nonneg(now - start) if start is not None else None


def job_waiting(job: Job, now: datetime) -> timedelta | None:
    """Waiting time of a DLC job: GmtCreateTime to its first GmtRunningTime; while it has not started, to
    ``now`` (or to its end if it finished without running). ``None`` without a creation time."""
    created = job.gmt_create_time
    if created is None:
        return None
    if job.gmt_running_time is not None:
        return _nonneg(job.gmt_running_time - created)
    if not is_terminal_job(job.status):
        return _nonneg(now - created)
    end = _job_end(job)
    return _nonneg(end - created) if end is not None else None  # ended, but when is not known: neither is the wait


def run_duration(run: PipelineRun, now: datetime) -> timedelta | None:
    """Running time of a pipeline run: StartedAt to FinishedAt, or to ``now`` while it is in flight.

    A finished run without both times falls back to ``Duration`` (seconds); a run that has not started yet
    has no duration.
    """
    if run.started_at is not None and run.finished_at is not None:
        return _nonneg(run.finished_at - run.started_at)
    if is_terminal_run(run.status):
        return timedelta(seconds=run.duration) if run.duration is not None and run.duration >= 0 else None
    return _nonneg(now - run.started_at) if run.started_at is not None else None


def run_waiting(run: PipelineRun, now: datetime) -> timedelta | None:
    """Waiting time of a pipeline run: GmtCreateTime to StartedAt; to ``now`` (or FinishedAt) while it has
    not started."""
    created = run.gmt_create_time
    if created is None:
        return None
    if run.started_at is not None:
        return _nonneg(run.started_at - created)
    end = run.finished_at if is_terminal_run(run.status) else None
    if end is None and is_terminal_run(run.status):
        return None  # ended without start or end time: how long it waited is not known
    return _nonneg((end or now) - created)


def waited_and_ran(waited: timedelta | None, ran: timedelta | None, *, ended: bool = False) -> str:
    """The detail headers' one text for both: ``ran 2m 05s · waited 40s``, ``waiting 3m 12s`` (not started
    yet), ``never ran · waited 5m`` (ended before it started)."""
    if ran is None:
        if waited is None:
            return "—"
        return f"never ran · waited {humanize(waited)}" if ended else f"waiting {humanize(waited)}"
    text = f"ran {humanize(ran)}"
    return f"{text} · waited {humanize(waited)}" if waited is not None else text


def job_times_text(job: JobItem, now: datetime) -> str:
    """The job detail header's ``ran … · waited …``."""
    return waited_and_ran(job_waiting(job, now), job_duration(job, now), ended=is_terminal_job(job.status))


def run_times_text(run: PipelineRun, now: datetime) -> str:
    """The run detail header's ``ran … · waited …``."""
    return waited_and_ran(run_waiting(run, now), run_duration(run, now), ended=is_terminal_run(run.status))


@dataclass(frozen=True, slots=True)
class PhaseSpan:
    """One phase of a job's life. ``end`` is ``None`` for the phase the job is in now (``current``)."""

    status: str
    start: datetime
    end: datetime | None
    duration: timedelta
    reason_code: str | None = None
    reason_message: str | None = None
    current: bool = False

    @property
    def phase(self) -> Phase:
        return job_phase(self.status)


def phase_timeline(status_history: Iterable[StatusTransitionItem] | None, now: datetime,
                   current_status: str | None = None) -> list[PhaseSpan]:
    """A DLC job's ``StatusHistory`` as ordered spans, the last one current.

    * Entries are sorted by start time; entries without a status or start time are dropped.
    * A missing end is taken from the next entry's start (gaps stay gaps, overlaps keep the server's times;
      durations never go negative).
    * The last phase is open-ended: it ticks to ``now``, except a terminal phase (Succeeded/Failed/Stopped),
      which lasts zero — the job is over, it is not "being succeeded".
    * ``current_status`` (the job's ``Status``) wins when the history lags behind it: a span is added for it,
      starting where the history ends (or ``now`` if that is unknown).
    """
    # (item, its start, its status): the filter's proof that both are set, kept for the type checker
    items = sorted(((i, i.start_time, i.status) for i in status_history or ()
                    if i.status and i.start_time is not None), key=lambda entry: entry[1])
    spans: list[PhaseSpan] = []
    for index, (item, start, status) in enumerate(items):
        end = item.end_time
        if end is None and index + 1 < len(items):
            end = items[index + 1][1]
        spans.append(PhaseSpan(status, start, end, _ZERO, item.reason_code, item.reason_message))
    if current_status and (not spans or spans[-1].status != current_status):
        begin = (spans[-1].end or now) if spans else now  # a datetime is never falsy: this is "the first set"
        if spans and spans[-1].end is None:
            spans[-1] = _with_end(spans[-1], begin)
        spans.append(PhaseSpan(current_status, begin, None, _ZERO))
    out: list[PhaseSpan] = []
    for index, span in enumerate(spans):
        if index < len(spans) - 1:
            end = span.end or now  # always set: filled from the next start above
            out.append(PhaseSpan(span.status, span.start, end, _nonneg(end - span.start), span.reason_code,
                                 span.reason_message))
        else:
            ticking = _ZERO if is_terminal_job(span.status) else _nonneg(now - span.start)
            out.append(PhaseSpan(span.status, span.start, None, ticking, span.reason_code, span.reason_message,
                                 current=True))
    return out


def _with_end(span: PhaseSpan, end: datetime) -> PhaseSpan:
    return PhaseSpan(span.status, span.start, end, span.duration, span.reason_code, span.reason_message)


# --- human texts ---------------------------------------------------------------------------------------------


SECONDS_SHOWN_UNDER = 60  # a list's durations show seconds under a minute only, as its ages do


def humanize(td: timedelta | None, *, coarse: bool = False) -> str:
    """``45s``, ``3m 12s``, ``2h 05m``, ``3d 4h``: two units at most, the smaller zero-padded for steady columns.

    ``coarse`` (a list's column): ``12m`` from a minute on, so that a row changes once a minute, not every
    second — an idle list repaints only what moved (issue 13); a detail shows the seconds."""
    if td is None:
        return ""
    total = max(0, int(td.total_seconds()))
    if coarse and SECONDS_SHOWN_UNDER <= total < 3600:
        return f"{total // 60}m"
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {seconds:02d}s"
    return f"{seconds}s"


def _coarse(seconds: int) -> str:
    for size, unit in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def ago(moment: datetime | None, now: datetime) -> str:
    """``5m ago`` (largest unit only); ``just now`` under a second; ``in 5m`` for a moment in the future."""
    if moment is None:
        return ""
    seconds = int((now - moment).total_seconds())
    if seconds == 0:
        return "just now"
    if seconds < 0:
        return f"in {_coarse(-seconds)}"
    return f"{_coarse(seconds)} ago"


_SPACES = re.compile(r"\s+")


def short_reason(code: str | None, message: str | None, width: int = 60) -> str:
    """``Code: message`` on one line, cut to ``width`` with an ellipsis; the message alone repeats no code."""
    code = _SPACES.sub(" ", code or "").strip()
    message = _SPACES.sub(" ", message or "").strip()
    if code and message and message != code:
        text = message if message.startswith(code) else f"{code}: {message}"
    else:
        text = code or message
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
