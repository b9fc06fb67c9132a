"""The job detail screen on the simulated cloud (manual clock): spec, lifecycle, pods, events, metrics,
sanity checks, raw JSON, polling rules, faults and untrusted names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from textual.widgets import DataTable

from paitui.backend import open_backend
from paitui.config import Settings
from paitui.live.lifecycle import humanize, job_duration
from paitui.live.status import is_terminal_job, job_phase
from paitui.sim.clock import SimClock
from paitui.sim.faults import FaultPlan
from paitui.sim.world import World
from paitui.ui.app import PaiTuiApp, make_app
from paitui.ui.screens.job import JobDetailScreen
from paitui.ui.screens.logs import LogScreen
from paitui.ui.widgets.json_view import JsonModal
from paitui.ui.widgets.sparklines import MetricPanel
from paitui.ui.widgets.timeline import PhaseTimeline
from tests.ui.conftest import FAST, SIZE, demo_app, open_detail, static_text, wait_until


def screen_text(app: PaiTuiApp) -> str:
    """What the terminal shows, as plain text."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def find_job(app: PaiTuiApp, predicate: Callable[[Any, float], bool]) -> str:
    """The id of the first simulated job (oldest first, workspace 264901) matching ``predicate(job, now)``."""
    world: Any = app.backend.world
    now = world.clock.now().timestamp()
    for job in world.dlc.all_jobs():
        if job.workspace_id == "264901" and predicate(job, now):
            return job.job_id
    raise AssertionError("no simulated job matches")


def running_with_restarts(job: Any, now: float) -> bool:
    return job_phase(job.status_at(now)) == "running" and job.restarts_used(now) > 0


def running_gpu_job(job: Any, now: float) -> bool:
    return job.status_at(now) == "Running" and job.gpu_total > 0


def short_current_phase(job: Any, now: float) -> bool:
    """In flight, in its current phase for under an hour and staying there a while (seconds show)."""
    i = job.index_at(now)
    stays = i + 1 < len(job.times) and job.times[i + 1] > now + 300
    return not is_terminal_job(job.status_at(now)) and now - job.times[i] < 3000 and stays


def finished_with_sanity_and_history(job: Any, now: float) -> bool:
    history = any(p.status == "Restarting" for p in job.phases[: job.index_at(now) + 1])
    return is_terminal_job(job.status_at(now)) and job.sanity_check and history


async def open_job(app: PaiTuiApp, pilot: Any, job_id: str, name: str | None = None) -> JobDetailScreen:
    return await open_detail(app, pilot, JobDetailScreen(job_id, name), what="job loaded")


async def test_shows_spec_timeline_pods_with_history_and_events() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        job_id = find_job(app, running_with_restarts)
        screen = await open_job(app, pilot, job_id)
        job = screen.snapshot.job
        spec = static_text(screen, "#spec")
        assert job.job_specs[0].image.split("/")[-1][:20] in spec.replace("\n", "")
        assert "Command" in spec and "Task " in spec and f"×{job.job_specs[0].pod_count}" in spec

        spans = screen.query_one(PhaseTimeline).spans
        assert [s.start for s in spans] == sorted(s.start for s in spans)
        assert spans[-1].current and not any(s.current for s in spans[:-1])
        assert spans[-1].status == job.status
        assert "Restarting" in [s.status for s in spans]

        table: DataTable[Any] = screen.pods_table
        history = sum(len(p.history_pods or ()) for p in job.pods)
        assert history > 0
        assert table.row_count == len(job.pods) + history
        first_pod = job.pods[0]
        assert str(table.get_row_at(0)[0]) == first_pod.pod_id
        # node names whole: a cut address reads as another valid one
        node = next(c for c in table.columns.values() if str(c.label) == "NODE")
        assert node.get_render_width(table) - 2 * table.cell_padding >= max(len(p.node_name or "") for p in job.pods)
        assert str(table.get_row_at(1)[0]).strip().startswith("↳ attempt")  # its previous attempt, indented

        text = screen_text(app)
        assert "JobCreated" in text and "JobRestarting" in text  # job events
        assert "Scheduled" in text  # the selected pod's events
        assert job.display_name in text


async def test_a_queuing_job_says_why_it_has_no_pods() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_job(app, pilot, find_job(app, lambda job, now: job.status_at(now) == "Queuing"))
        assert screen.pods_table.row_count == 0
        assert screen.pods_table.border_subtitle == "no pods yet · Queuing"
        # no pod, no metrics: the sparklines are hidden rather than drawn flat (which reads as 0 %)
        sparks = screen.query_one(MetricPanel).query("Sparkline")
        assert sparks and all(spark.has_class("-empty") and not spark.visible for spark in sparks)


async def test_current_phase_duration_ticks_with_the_clock() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_job(app, pilot, find_job(app, short_current_phase))
        timeline = screen.query_one(PhaseTimeline)
        await pilot.press("p")  # no polls: only the 1-second tick can move the numbers
        await pilot.pause(3 * FAST)
        polls = screen.detail_watch.polls
        before = timeline.spans[-1].duration
        app.backend.world.clock.advance(125)
        later = before + timedelta(seconds=125)
        await wait_until(pilot, lambda: timeline.spans[-1].duration == later, what="timeline tick")
        assert screen.detail_watch.polls == polls
        current = next(line for line in static_text(screen, "#timeline").splitlines() if "▶" in line)
        assert screen.snapshot.job.status in current and humanize(later) in current
        assert humanize(job_duration(screen.snapshot.job, app.backend.now())) in static_text(screen, "#job-header")


async def test_metrics_sparklines_follow_the_selected_pod_and_window() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_job(app, pilot, find_job(app, running_gpu_job))
        panel = screen.query_one(MetricPanel)
        await wait_until(pilot, lambda: len(panel.values("GpuCoreUsage")) > 10, what="GPU sparkline")
        assert not any(spark.has_class("-empty") for spark in panel.query("Sparkline"))
        assert all(0 <= v <= 100 for v in panel.values("MemoryUsage"))
        hour = len(panel.values("CpuCoreUsage"))
        await pilot.press("w")  # 1h -> 6h: coarser steps over a longer span
        await wait_until(pilot, lambda: screen.snapshot.metrics and len(panel.values("CpuCoreUsage")) != hour,
                         what="6h window")
        assert "last 6h" in str(screen.query_one("#metrics-pane").border_title)


def restarting_with_a_pending_pod(job: Any, now: float) -> bool:
    return job.status_at(now) == "Restarting" and job.restarts_used(now) > 0


async def test_a_pending_pod_shows_no_now_values_and_labels_the_earlier_attempts_samples() -> None:
    """A restarting job: its pods are Pending again, and GetJobMetrics still answers the first attempt's
    samples under the same PodId. Before: "now 83.2%" for a pod that is not running."""
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_job(app, pilot, find_job(app, restarting_with_a_pending_pod))
        pod = next(p for p in screen.snapshot.job.pods if p.pod_id == screen.selected[0])
        assert pod.status == "Pending" and pod.history_pods
        panel = screen.query_one(MetricPanel)
        await wait_until(pilot, lambda: len(panel.values("CpuCoreUsage")) > 0, what="old samples")
        labels = [str(label.render()) for label in screen.query(".metric-label")]
        assert not any("now " in label for label in labels)
        cpu = next(label for label in labels if label.startswith("CPU"))
        assert "last " in cpu and f"(attempt {len(pod.history_pods)} · " in cpu


async def test_sanity_results_and_a_terminal_job_polls_once() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_job(app, pilot, find_job(app, finished_with_sanity_and_history))
        assert screen.snapshot.sanity
        assert screen.query_one("#sanity-pane").has_class("-shown")
        sanity = static_text(screen, "#sanity")
        assert "DeviceCheck" in sanity and "AllNodeCommCheck" in sanity
        await pilot.pause(10 * FAST)
        assert screen.detail_watch.done and screen.detail_watch.polls == 1  # terminal: no more polls
        assert screen.polling_state == "final"
        assert "final" in static_text(screen, "#job-header")
        # metrics of a finished job end at its finish: not "last 1h", not "now"
        assert "1h to the end" in str(screen.query_one("#metrics-pane").border_title)
        labels = " ".join(str(label.render()) for label in screen.query(".metric-label"))
        assert "now " not in labels and ("end " in labels or "no data" in labels)
        await pilot.press("r")  # an explicit refresh still fetches (once)
        await wait_until(pilot, lambda: screen.detail_watch.polls == 2, what="explicit refresh")
        await pilot.pause(10 * FAST)
        assert screen.detail_watch.polls == 2


async def test_running_job_polls_until_it_is_terminal() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        job_id = find_job(app, running_gpu_job)
        screen = await open_job(app, pilot, job_id)
        await wait_until(pilot, lambda: screen.detail_watch.polls >= 3, what="polling")
        sim_job = app.backend.world.dlc.job(job_id)
        end = sim_job.end_time
        assert end is not None
        app.backend.world.clock.advance(end - app.backend.world.clock.now().timestamp() + 1)
        await wait_until(pilot, lambda: screen.detail_watch.done, what="terminal")
        polls = screen.detail_watch.polls
        assert is_terminal_job(screen.snapshot.job.status)
        await pilot.pause(10 * FAST)
        assert screen.detail_watch.polls == polls  # the terminal fetch was the last one


async def test_pause_stops_polling_and_resumes() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_job(app, pilot, find_job(app, running_gpu_job))
        await pilot.press("p")
        await pilot.pause(3 * FAST)
        polls = screen.detail_watch.polls
        await pilot.pause(10 * FAST)
        assert screen.detail_watch.polls == polls
        assert "paused" in static_text(screen, "#job-header")
        await pilot.press("p")
        await wait_until(pilot, lambda: screen.detail_watch.polls > polls + 1, what="resumed")


async def test_y_shows_the_raw_getjob_body() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        job_id = find_job(app, running_gpu_job)
        screen = await open_job(app, pilot, job_id)
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, JsonModal), what="raw JSON modal")
        modal = app.screen
        assert f'"JobId": "{job_id}"' in modal.text and '"StatusHistory"' in modal.text
        assert '"Pods"' in modal.text and "\n  " in modal.text  # pretty-printed
        await pilot.press("pagedown")
        assert modal.query_one("#detail-scroll").scroll_y > 0  # scrollable
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, what="modal closed")


async def test_fault_keeps_the_last_data_and_marks_it_stale() -> None:
    app = demo_app(detail_interval=FAST, max_attempts=1)
    async with app.run_test(size=SIZE) as pilot:
        job_id = find_job(app, running_gpu_job)
        screen = await open_job(app, pilot, job_id)
        name = screen.snapshot.job.display_name
        app.backend.sim_app.faults = FaultPlan.parse("throttle=1.0,retry-after=50ms", seed=1)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.stale_since is not None, what="stale marker")
        assert app.stale_reason == "Throttling.User"
        assert screen.snapshot.job.job_id == job_id  # the last good data stays
        assert name in static_text(screen, "#job-header") and "stale" in static_text(screen, "#job-header")
        assert screen.pods_table.row_count > 0
        await wait_until(pilot, lambda: screen.detail_watch.failures >= 2, what="second failure")
        toasts = [n for n in app._notifications if "Throttling.User" in n.message]
        assert len(toasts) == 1  # one toast per new error, not one per failed poll
        app.backend.sim_app.faults = None
        await pilot.press("r")
        await wait_until(pilot, lambda: app.stale_since is None, what="recovery")
        assert "stale" not in static_text(screen, "#job-header")


async def test_a_failing_side_call_marks_its_panel_stale_and_the_job_still_updates() -> None:
    app = demo_app(detail_interval=FAST, max_attempts=1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_job(app, pilot, find_job(app, running_gpu_job))
        panel = screen.query_one(MetricPanel)
        await wait_until(pilot, lambda: len(panel.values("GpuCoreUsage")) > 10, what="metrics")
        events, samples = static_text(screen, "#events"), panel.values("GpuCoreUsage")
        polls = screen.detail_watch.polls
        # every side call fails from now on; GetJob still answers
        app.backend.sim_app.faults = FaultPlan.parse("GetJobEvents|GetJobMetrics|GetPodEvents:error5xx=1.0", seed=1)
        app.backend.world.clock.advance(60)
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.detail_watch.polls > polls and screen.snapshot.stale, what="poll")
        await pilot.pause()
        assert app.stale_since is None  # the job itself is fresh: no screen-wide stale marker
        assert static_text(screen, "#events") == events and panel.values("GpuCoreUsage") == samples  # kept
        for pane in ("#events-pane", "#metrics-pane", "#pod-events-pane"):  # 500 or 503, by the fault plan
            subtitle = str(screen.query_one(pane).border_subtitle)
            assert "stale: InternalError" in subtitle or "stale: ServiceUnavailable" in subtitle, pane
        app.backend.sim_app.faults = None
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.snapshot.stale, what="recovery")
        await pilot.pause()
        assert not str(screen.query_one("#events-pane").border_subtitle)


async def test_a_name_with_markup_renders_literally() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        name = "x [/oops] [bold]loud[/bold]"
        created = await app.client.dlc.create_job(
            display_name=name, job_type="PyTorchJob", workspace_id="264901", user_command="echo '[red]hi'",
            job_specs=[{"Type": "Worker", "Image": "img:[latest]", "PodCount": 1, "EcsSpec": "ecs.g6.xlarge"}])
        screen = await open_job(app, pilot, created.job_id)
        text = screen_text(app)
        assert name in text  # crumbs and header
        assert "echo '[red]hi'" in static_text(screen, "#spec")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, JsonModal), what="raw JSON modal")
        assert name in screen_text(app)


async def test_enter_on_a_pod_opens_its_logs() -> None:
    app = demo_app(detail_interval=FAST)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_job(app, pilot, find_job(app, running_with_restarts))
        screen.pods_table.focus()
        await pilot.press("down")  # the first pod's previous attempt
        await pilot.pause()
        pod_id, uid = screen.selected
        assert pod_id == screen.snapshot.job.pods[0].pod_id
        assert uid == screen.snapshot.job.pods[0].history_pods[0].pod_uid
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LogScreen), what="log screen")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, what="back")


def test_snapshot(snap_compare: Any) -> None:
    app = demo_app(detail_interval=FAST)

    async def run_before(pilot: Any) -> None:
        job_id = find_job(app, finished_with_sanity_and_history)
        await open_job(app, pilot, job_id)
        await pilot.pause(0.3)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_polls_read_getjob_only_until_a_clock_is_due_and_r_reads_everything() -> None:
    calls: Counter[str] = Counter()
    config = Settings(demo=True, workspace="264901", sim={"seed": 7, "jobs": 400}, detail_interval=FAST)
    world = World(seed=7, jobs=400, clock=SimClock.manual())
    app = make_app(config, open_backend(config, world=world, on_request=lambda action, _: calls.update([action])))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_job(app, pilot, find_job(app, running_gpu_job))
        calls.clear()
        polls = screen.detail_watch.polls
        await wait_until(pilot, lambda: screen.detail_watch.polls >= polls + 3, what="polls")
        # the manual clock stands still: no side call comes due, each poll is one GetJob
        assert set(calls) == {"GetJob"}
        calls.clear()
        polls = screen.detail_watch.polls
        await pilot.press("r")
        await wait_until(pilot, lambda: calls["GetJobMetrics"] >= 4 and screen.detail_watch.polls > polls,
                         what="a refresh of everything")
        assert calls["GetJobEvents"] >= 1 and calls["GetPodEvents"] >= 1 and not screen.fetch_everything


async def test_W_explains_a_failed_job_and_D_compares_it_with_its_last_good_run() -> None:
    """Issue 15 from the job detail: the same explanation and diff as ``paitui job why`` / ``job diff``."""
    from paitui.ui.widgets.text_modal import TextModal

    failed = "dlcqm47qu1nl6ciaa"  # NCCL timeout, worker-2 first
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(app, pilot, JobDetailScreen(failed, "deepseek-v2-lite-eval-exp12"), what="job loaded")
        await pilot.press("W")
        await wait_until(pilot, lambda: isinstance(app.screen, TextModal) and app.screen.loaded, what="why")
        text = str(app.screen.data)
        assert f"culprit: {failed}-worker-2" in text and "error:   nccl-timeout" in text
        assert text.splitlines()[1].startswith("verdict: ")
        await pilot.press("escape")
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, TextModal) and app.screen.loaded, what="diff")
        text = str(app.screen.data)
        # this job has no earlier success of its name stem: said, with the way to pick one
        assert "no Succeeded job of the same template or name stem" in text and "--against" in text


async def test_a_failed_jobs_pods_mark_the_culprit_and_start_on_it() -> None:
    failed = "dlcqm47qu1nl6ciaa"
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(app, pilot, JobDetailScreen(failed, "x"), what="job loaded")
        table = screen.pods_table
        assert "⚑ worker-2 failed first" in str(table.border_subtitle)
        marked = [str(table.get_row_at(i)[0]) for i in range(table.row_count) if "⚑" in str(table.get_row_at(i)[2])]
        assert marked == [f"{failed}-worker-2"]
        assert screen.selected is not None and screen.selected[0] == f"{failed}-worker-2"


async def test_D_shows_the_fields_that_differ_from_the_last_good_run() -> None:
    from paitui.ui.widgets.text_modal import TextModal

    failed = "dlcwj446orsrev1da"  # wide-deep-ranking-v20260117: an earlier wide-deep-ranking-* succeeded
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(app, pilot, JobDetailScreen(failed, "wide-deep-ranking-v20260117"), what="job loaded")
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, TextModal) and app.screen.loaded, what="diff")
        lines = str(app.screen.data).splitlines()
        assert lines[0].startswith(f"{failed} (wide-deep-ranking-v20260117, Failed)  against  dlc")
        assert "last good run" in lines[0] and lines[1].startswith("FIELD")
        assert any(line.startswith("Priority ") for line in lines[2:])  # 1 here, 5 in the run that succeeded
