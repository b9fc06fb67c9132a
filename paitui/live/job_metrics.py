"""What the job detail asks GetJobMetrics for: the four metric types and the windows the user cycles (``w``).

Data only (no Textual): the job snapshot fetches these series, the sparkline panel draws them in this order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

# (MetricType, label) in display order; all four are percentages (docs/WIRE.md §6.1, GetJobMetrics)
METRICS: tuple[tuple[str, str], ...] = (
    ("GpuCoreUsage", "GPU core"),
    ("GpuMemoryUsage", "GPU memory"),
    ("CpuCoreUsage", "CPU"),
    ("MemoryUsage", "Memory"),
)
METRIC_TYPES: tuple[str, ...] = tuple(metric for metric, _ in METRICS)


@dataclass(frozen=True, slots=True)
class Window:
    label: str
    span: timedelta
    step: str  # GetJobMetrics TimeStep: ~30–70 points fill a sparkline without a huge answer
    period: timedelta  # the step as a duration: a window gains a point no more often (its refresh clock)


WINDOWS: tuple[Window, ...] = (
    Window("15m", timedelta(minutes=15), "30s", timedelta(seconds=30)),
    Window("1h", timedelta(hours=1), "1m", timedelta(minutes=1)),
    Window("6h", timedelta(hours=6), "5m", timedelta(minutes=5)),
)
DEFAULT_WINDOW = WINDOWS[1]  # 1h
