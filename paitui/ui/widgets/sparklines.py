"""Per-pod utilisation sparklines (GPU core, GPU memory, CPU, memory) over a window the user cycles.

The panel only renders the readings it is given, in the order of ``live.job_metrics.METRICS``; the job
snapshot (``live.job_snapshot``) fetches ``GetJobMetrics`` once per metric type over the window (every pod
of the job comes back in one answer) and ``live.pod_metrics`` decides which samples belong to the selected
pod incarnation and whether the latest may be called "now".
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from paitui.live.job_metrics import METRICS
from paitui.live.pod_metrics import Reading

__all__ = ["MetricPanel", "summary"]


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
