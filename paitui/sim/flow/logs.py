"""Node logs, generated on demand (never stored) from the node's plan.

A Task's script is a deterministic list of timed lines covering its whole planned run (seeded by the node
id); a request sees the lines whose time has come, so the log grows while the node runs and is stable
afterwards. A failed task ends with an ERROR line and a traceback; a task killed by TerminatePipelineRun
stops at the terminate request with a SIGTERM notice. A Dag or Loop node's log is its workflow events
(each descendant becoming ReadyToSchedule, Running, then Succeed/Failed/Skipped).

Query semantics: filters first (Keyword: case-insensitive substring; FromTimeInSeconds/ToTimeInSeconds:
inclusive epoch-second bounds on the line time), then ``TotalCount`` = lines matching so far, then
``Reverse`` (newest first), then ``Offset`` lines skipped and at most ``PageSize`` returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from paitui.sim.flow.artifacts import dlc_job_id, location, maxcompute_instance, metrics, output_specs, uses_maxcompute
from paitui.sim.flow.plan import FAILED, READY, PNode, stable_rng
from paitui.sim.flow.records import Run
from paitui.sim.routing import iso_millis

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000

Line = tuple[float, str]  # (offset from the run's start, "LEVEL text")


@dataclass(frozen=True, slots=True)
class LogQuery:
    offset: int = 0
    page_size: int = DEFAULT_PAGE_SIZE
    reverse: bool = False
    keyword: str | None = None
    from_s: int | None = None
    to_s: int | None = None


def _maxcompute(node: PNode, run: Run, rng_seed: str) -> list[Line]:
    rng = stable_rng(rng_seed)
    start, end = node.start or 0.0, node.end
    instance = maxcompute_instance(node.node_id)
    specs = output_specs(node.d)
    table = location(node, specs[0], run.run_id).get("table", "pai_temp_output") if specs else "pai_temp_output"
    sql = next((str(p.get("value")) for p in node.d.parameters if p.get("name") == "sql"), None)
    sql = (sql or f"INSERT OVERWRITE TABLE {table} SELECT * FROM ${{t1}}").replace("\n", " ").replace("\t", " ")
    lines: list[Line] = [
        (start + 0.2, "INFO  Submitting SQL job to MaxCompute project paitui_demo"),
        (start + 0.4, f"INFO  SQL: {sql}"),
        (start + 0.9, f"INFO  MaxCompute instance id: {instance}"),
        (start + 1.0, "INFO  LogView: http://logview.odps.aliyun.com/logview/?h=http://service.cn-hangzhou."
                      f"maxcompute.aliyun.com/api&p=paitui_demo&i={instance}"),
    ]
    t, mappers = start + 2.0, rng.randint(4, 40)
    while t < end - 1.5:
        pct = min(99, int(100 * (t - start) / max(1.0, end - start)))
        lines.append((t, f"INFO  Job progress: M1_job_0: {mappers * pct // 100}/{mappers}  R2_1: "
                         f"{int(pct >= 90)}/1  progress {pct}%"))
        t += rng.uniform(1.0, 2.5)
    rows = rng.randint(10_000, 50_000_000)
    lines += [(end - 1.0, "INFO  Job progress: M1_job_0: done  R2_1: done  progress 100%"),
              (end - 0.5, f"INFO  Rows written: {rows} to table {table}")]
    return lines


def _dlc(node: PNode, rng_seed: str) -> list[Line]:
    rng = stable_rng(rng_seed)
    start, end = node.start or 0.0, node.end
    job = dlc_job_id(node.node_id)
    lines: list[Line] = [
        (start + 0.3, f"INFO  Creating DLC job {job} (image registry.cn-hangzhou.aliyuncs.com/pai-dlc/"
                      "pytorch-training:2.3-gpu-py310-cu121, 1 x ecs.gn7i-c8g1.2xlarge)"),
        (start + 2.0, f"INFO  DLC job {job} is Running (worker-0 on cn-hangzhou-h)"),
    ]
    if node.d.kind != "train":
        t = start + 3.0
        while t < end - 1.0:
            lines.append((t, f"INFO  Processing shard {len(lines) - 1}: {rng.randint(2000, 9000)} records/s"))
            t += rng.uniform(1.0, 2.0)
        return lines
    epochs, steps = rng.randint(3, 8), 4
    span = max(1.0, end - start - 4.0)
    loss = rng.uniform(0.6, 0.9)
    for epoch in range(1, epochs + 1):
        for step in range(1, steps + 1):
            t = start + 3.0 + span * ((epoch - 1) * steps + step - 0.5) / (epochs * steps)
            loss *= rng.uniform(0.93, 0.99)
            lr = 3e-4 * (1 - epoch / (epochs + 1))
            lines.append((t, f"INFO  Epoch {epoch}/{epochs} step {step * 100}/{steps * 100} loss={loss:.4f} "
                             f"lr={lr:.2e} throughput={rng.randint(800, 1400)} samples/s"))
        t = start + 3.0 + span * epoch / (epochs * steps) * steps - 0.1
        lines.append((t, f"INFO  Epoch {epoch} finished: train_loss={loss:.4f} "
                         f"val_auc={min(0.99, 0.7 + 0.03 * epoch + rng.uniform(0, 0.02)):.4f}"))
    return lines


def task_script(node: PNode, run: Run) -> list[Line]:
    """The whole log of one planned (base-plan) task, success or failure included."""
    if node.start is None:
        return []
    seed = f"{node.node_id}:log"
    engine = "MaxCompute" if uses_maxcompute(node.d) else "DLC"
    lines: list[Line] = [(node.start, f"INFO  Task {node.d.name} ({node.d.identifier}@{node.d.provider}/"
                                      f"{node.d.version}) started on {engine}")]
    if node.d.item is not None:
        lines.append((node.start + 0.05, f"INFO  Loop item: {node.d.item}"))
    lines += _maxcompute(node, run, seed) if engine == "MaxCompute" and node.d.kind != "train" else _dlc(node, seed)
    if node.outcome == FAILED:
        lines = [line for line in lines if line[0] < node.end - 0.3]
        where = "maxcompute" if engine == "MaxCompute" else "dlc"
        lines += [(node.end - 0.2, f"ERROR Task failed: {node.message}"),
                  (node.end - 0.2, "ERROR Traceback (most recent call last):"),
                  (node.end - 0.2, 'ERROR   File "/pai/executor/run.py", line 142, in main'),
                  (node.end - 0.2, "ERROR     result = executor.execute(task)"),
                  (node.end - 0.2, f'ERROR   File "/pai/executor/{where}.py", line 88, in execute'),
                  (node.end - 0.2, "ERROR     raise TaskFailedError(message)"),
                  (node.end - 0.1, f"ERROR paiflow.executor.TaskFailedError: {node.message}")]
        return lines
    if node.d.kind == "evaluate":
        m = metrics(node)
        lines.append((node.end - 0.3, "INFO  Evaluation: " + " ".join(f"{k.upper()}={v}" for k, v in m.items())))
    for spec in output_specs(node.d):
        lines.append((node.end - 0.2, f"INFO  Output artifact {spec.name} ({spec.type}) written to "
                                      f"{location(node, spec, run.run_id)}"))
    lines.append((node.end - 0.05, f"INFO  Task {node.d.name} finished successfully in "
                                   f"{node.end - node.start:.1f}s"))
    return lines


def _events(node: PNode, elapsed: float) -> list[Line]:
    lines: list[Line] = []
    for n in node.walk():
        label = f"{n.d.node_type.lower()} {n.d.name} ({n.node_id})"
        lines.append((n.ready, f"INFO  {label} {READY}"))
        if n.start is not None:
            lines.append((n.start, f"INFO  {label} Running"))
        level = "ERROR" if n.outcome == FAILED else "INFO "
        suffix = f": {n.message}" if n.message else ""
        lines.append((n.end, f"{level} {label} {n.outcome}{suffix}"))
    return sorted((line for line in lines if line[0] <= elapsed), key=lambda line: line[0])


def node_lines(run: Run, visible: PNode, view_elapsed: float, now: datetime) -> list[tuple[datetime, str]]:
    """The log lines of a node that exist at ``now``, oldest first, with absolute times.

    ``visible``/``view_elapsed`` come from ``Run.view`` (frozen at the cut while a run is terminating).
    """
    if visible.d.node_type != "Task":
        raw = _events(visible, view_elapsed)
    else:
        base = next(n for n in run.plan().walk() if n.node_id == visible.node_id)
        window = run.cut_window()
        elapsed = run.offset(now)
        limit = min(elapsed, window[0]) if window else elapsed
        raw = [line for line in task_script(base, run) if line[0] <= limit]
        terminated = window is not None and window[1] is not None and elapsed >= window[0]
        if terminated and window is not None and base.start is not None and base.start < window[0] < base.end:
            raw += [(window[0], "WARN  Received SIGTERM: the pipeline run is being terminated"),
                    (window[0] + 0.5, f"WARN  Task {base.d.name} terminated")]
            raw = [line for line in raw if line[0] <= max(elapsed, window[0])]
    return [(run.at(offset), f"{iso_millis(run.at(offset))} {text}") for offset, text in raw]


def query(lines: list[tuple[datetime, str]], q: LogQuery) -> tuple[list[str], int]:
    keyword = (q.keyword or "").lower()
    matched = [text for at, text in lines
               if (not keyword or keyword in text.lower())
               and (q.from_s is None or int(at.timestamp()) >= q.from_s)
               and (q.to_s is None or int(at.timestamp()) <= q.to_s)]
    if q.reverse:
        matched.reverse()
    return matched[q.offset:q.offset + q.page_size], len(matched)
