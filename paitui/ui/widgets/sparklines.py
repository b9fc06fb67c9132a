"""Per-pod utilisation sparklines (GPU core, GPU memory, CPU, memory) over a window the user cycles.

The panel only renders the readings it is given; the job screen fetches ``GetJobMetrics`` once per metric
type (every pod of the job comes back in one answer) and ``paitui.live.pod_metrics`` decides which samples
belong to the selected pod incarnation and whether the latest may be called "now".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from paitui.live.pod_metrics import MetricSeries, Reading, pod_series

__all__ = ["METRICS", "WINDOWS", "MetricPanel", "MetricSeries", "Window", "pod_series", "summary"]

# (MetricType, label) in display order; all four are percentages (docs/WIRE.md §6.1, GetJobMetrics)
METRICS: tuple[tuple[str, str], ...] = (
    ("GpuCoreUsage", "GPU core"),
    ("GpuMemoryUsage", "GPU memory"),
    ("CpuCoreUsage", "CPU"),
    ("MemoryUsage", "Memory"),
)


@dataclass(frozen=True, slots=True)
class Window:
    label: str
    span: timedelta
    step: str  # GetJobMetrics TimeStep: ~30–70 points fill a sparkline without a huge answer


WINDOWS: tuple[Window, ...] = (
    Window("15m", timedelta(minutes=15), "30s"),
    Window("1h", timedelta(hours=1), "1m"),
    Window("6h", timedelta(hours=6), "5m"),
)

def summary(label: str, reading: Reading) -> Text:
    """``now 85.0%`` for a running pod's latest sample, ``end`` for a finished one, ``last … (attempt 1 ·
    08:12:03 …)`` for an earlier attempt's samples; never "now" for a pod that is not running."""
    text = Text(f"{label:<11}", style="bold")
    values = reading.values
    if not values:
        text.append(reading.empty_why, style="dim")
        if reading.note:
            text.append(f"  ({reading.note})", style="dim")
        return text
    text.append(f"{reading.head} {values[-1]:5.1f}%")
    if reading.note:  # right after the value it qualifies (a narrow pane cuts the end of the line)
        text.append(f" ({reading.note})", style="italic")
    text.append(f"   avg {sum(values) / len(values):5.1f}%   max {max(values):5.1f}%", style="dim")
    return text


class MetricPanel(Vertical):
    DEFAULT_CSS = """
    MetricPanel { height: auto; }
    MetricPanel > .metric-label { height: 1; }
    MetricPanel > Sparkline { height: 2; margin-bottom: 0; }
    MetricPanel > Sparkline.-empty { visibility: hidden; }
    """

    def compose(self) -> ComposeResult:
        for metric, _ in METRICS:
            yield Static(classes="metric-label", id=f"label-{metric}")
            yield Sparkline([], id=f"spark-{metric}")

    def show(self, readings: Mapping[str, Reading]) -> None:
        for metric, label in METRICS:
            reading = readings.get(metric) or Reading((), "")
            values = list(reading.values)
            self.query_one(f"#label-{metric}", Static).update(summary(label, reading))
            spark = self.query_one(f"#spark-{metric}", Sparkline)
            spark.data = values
            spark.set_class(not values, "-empty")  # an empty Sparkline draws a flat line, which reads as 0 %

    def values(self, metric: str) -> list[float]:
        return list(self.query_one(f"#spark-{metric}", Sparkline).data or [])
