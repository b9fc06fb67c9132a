"""Log tailers: turn polling APIs into an exact stream of new lines (no Textual). The public face of:

* ``paitui.live.pod_tail`` — ``PodLogTailer``: DLC GetPodLogs has no cursor; a time window re-read each poll
  and a multiset de-duplication (``_Dedup``, with the argument why it is exact) emit every line once.
* ``paitui.live.merged_tail`` — ``MergedPodTailer``: every pod of a job, merged by time with a ``[worker-3]``
  prefix; a line is only released once every pod has been read past its time (a watermark), so the merge
  never reorders.
* ``paitui.live.node_tail`` — ``NodeLogTailer``: PAIFlow node logs page by ``Offset``/``PageSize`` using
  ``TotalCount``.
* ``paitui.live.tail_common`` — what they share: ``since`` windows, ``TailBatch``, backoff, ``PodRef``/
  ``pods_of``, ``TailerBase``.

A tailer's ``poll()`` returns one ``TailBatch`` and never raises ``PaiError``: the error rides in the batch,
the lines already shown stay, and ``next_delay()`` backs off (modelled on ``paitui.live.watch``). It polls
every ``interval`` while the source runs, at once while there is a backlog (``more``), makes one final fetch
after it sees the source end, and is then ``done``.
"""

from __future__ import annotations

from paitui.live.merged_tail import MergedPodTailer
from paitui.live.node_tail import NodeLogTailer
from paitui.live.pod_tail import MAX_LINES_CAP, PodLogTailer, _Dedup
from paitui.live.status import POD_TERMINAL
from paitui.live.tail_common import (
    SINCE_KEYS,
    Now,
    Pace,
    PodRef,
    Since,
    State,
    TailBatch,
    pod_label,
    pods_of,
    since,
)

__all__ = [
    "MAX_LINES_CAP",
    "POD_TERMINAL",
    "SINCE_KEYS",
    "MergedPodTailer",
    "NodeLogTailer",
    "Now",
    "Pace",
    "PodLogTailer",
    "PodRef",
    "Since",
    "State",
    "TailBatch",
    "_Dedup",
    "pod_label",
    "pods_of",
    "since",
]
