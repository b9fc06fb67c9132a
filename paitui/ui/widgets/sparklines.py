"""Per-pod utilisation sparklines (GPU core, GPU memory, CPU, memory) over a window the user cycles.

The panel only renders series it is given; the job screen fetches ``GetJobMetrics`` once per metric type
(every pod of the job comes back in one answer) and hands the selected pod's values over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static

from paitui.api.models.dlc import GetJobMetricsResponse

# (MetricType, label) in display order; all four are percentages (PAI-API.md §6.1, GetJobMetrics)
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

# metric type -> pod id -> values in time order
MetricSeries = dict[str, dict[str, list[float]]]


def pod_series(response: GetJobMetricsResponse) -> dict[str, list[float]]:
    """``PodMetrics`` as ``{pod_id: [values…]}`` sorted by time; samples without a value are skipped."""
    out: dict[str, list[float]] = {}
    for pod in response.pod_metrics or ():
        if not pod.pod_id:
            continue
        points = sorted((m for m in pod.metrics or () if m.value is not None and m.time is not None),
                        key=lambda m: m.time)  # type: ignore[arg-type,return-value]
        out.setdefault(pod.pod_id, []).extend(float(m.value) for m in points)  # type: ignore[arg-type]
    return out


def summary(label: str, values: Sequence[float] | None, *, live: bool = True) -> Text:
    """``now`` for a running job's latest sample; ``end`` for a finished one's (its window ends at the finish)."""
    text = Text(f"{label:<11}", style="bold")
    if not values:
        text.append("no data", style="dim")
        return text
    text.append(f"{'now' if live else 'end'} {values[-1]:5.1f}%")
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

    def show(self, pod_id: str | None, series: MetricSeries, *, live: bool = True) -> None:
        for metric, label in METRICS:
            values = series.get(metric, {}).get(pod_id or "", [])
            self.query_one(f"#label-{metric}", Static).update(summary(label, values, live=live))
            spark = self.query_one(f"#spark-{metric}", Sparkline)
            spark.data = values
            spark.set_class(not values, "-empty")  # an empty Sparkline draws a flat line, which reads as 0 %

    def values(self, metric: str) -> list[float]:
        return list(self.query_one(f"#spark-{metric}", Sparkline).data or [])
