"""The log screen on the simulated cloud (manual clock): follow and pause with the new-lines badge, find with
n/N and an invalid regex, filter and its inverse, warnings/errors only, toggles, pod switching, all pods
merged, previous attempt, save (the whole history), copy, pager, throttling with backoff, deleted and
pending sources, PAIFlow nodes, and a snapshot."""

from __future__ import annotations

import subprocess
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from textual import events

from paitui.live.logsearch import ERROR, has_ts, json_payload
from paitui.live.tail import PodLogTailer
from paitui.sim.faults import FaultPlan
from paitui.ui.screens.logs import LogScreen
from paitui.ui.widgets.log_find import FindAllScreen, FindBar, LineScreen
from tests.ui.conftest import demo_app, wait_until

RUNNING = "dlcl21z3vlr1a6eaa"  # PyTorchJob, one running pod, a line every 2 s
MULTI = "dlc8vrg7j4p5ewdda"  # PyTorchJob, 9 running pods
FAILED = "dlcqm47qu1nl6ciaa"  # PyTorchJob that failed with an NCCL timeout traceback on every rank
RESTARTED = "dlckaqn7li586mgca"  # one pod with a previous attempt and an aimaster-worker sidecar


async def open_logs(pilot: Any, screen: LogScreen) -> LogScreen:
    # the app opens its jobs list first (replacing the whole stack): push on top of it
    await wait_until(pilot, lambda: type(pilot.app.screen).__name__ in ("JobsScreen", "LogScreen"), what="jobs")
    pilot.app.push_detail(screen)
    await pilot.pause()
    await wait_until(pilot, lambda: screen.state != "starting" and screen.polls > 0, what="first poll")
    return screen


async def more_lines(pilot: Any, screen: LogScreen, seconds: float) -> None:
    total = screen.spool.count
    pilot.app.backend.world.clock.advance(seconds)
    screen.poll_now()
    await wait_until(pilot, lambda: screen.spool.count > total, what="new lines")


def rendered(screen: LogScreen) -> list[str]:
    view = screen.view
    return [view.render_line(y).text.rstrip() for y in range(view.scrollable_content_region.height)]


async def test_follow_pause_badge_and_resume() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs(pilot, LogScreen.for_pod(RUNNING, since_key="5m"))
        view = screen.view
        assert view.follow and view.total > 20 and view.scroll_offset.y == view.max_scroll_y
        await pilot.press("k")
        assert not view.follow and view.cursor == view.total - 2
        await more_lines(pilot, screen, 10)
        await pilot.pause()
        assert view.new_lines > 0 and view.scroll_offset.y < view.max_scroll_y
        status = str(screen.query_one("#log-status").render())
        assert "PAUSED" in status and f"{view.new_lines:,} new lines" in status
        await pilot.press("f")
        assert view.follow and view.new_lines == 0 and view.scroll_offset.y == view.max_scroll_y
        await more_lines(pilot, screen, 10)
        await pilot.pause()
        assert view.scroll_offset.y == view.max_scroll_y  # following sticks to the bottom
        await pilot.press("home")
        assert not view.follow and view.scroll_offset.y == 0
        await pilot.press("end")
        assert view.follow


async def test_find_highlights_next_previous_and_invalid_regex() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs(pilot, LogScreen.for_pod(MULTI, f"{MULTI}-worker-0", since_key="15m"))
        view = screen.view
        await pilot.press("slash", *"gradient overflow", "enter")
        assert view.find is not None and view.stats().matches >= 3
        first = view.cursor
        assert first is not None and "gradient overflow" in (view.line(first) or "")
        await pilot.press("N")
        second = view.cursor
        assert second is not None and second < first and "gradient overflow" in (view.line(second) or "")
        await pilot.press("n")
        assert view.cursor == first
        # every match on a row is highlighted: the match is its own segment, in the match style
        match_style = view._style("match")
        segments = list(view._strips(first)[0])
        assert any(seg.text.lower() == "gradient overflow" and seg.style is not None
                   and seg.style.bgcolor == match_style.bgcolor for seg in segments)
        # regex toggle, then an invalid pattern: a message, the view keeps its find
        await pilot.press("slash", "ctrl+r")
        bar = screen.query_one(FindBar)
        assert bar.regex
        await pilot.press("ctrl+u", *"(oops", "enter")
        assert bar.has_class("-error") and bar.has_class("-open")
        assert view.find is not None and view.find.text == "gradient overflow"
        await pilot.press("escape")
        assert not bar.has_class("-open")
        await pilot.press("slash", "ctrl+u", *r"loss=\d\.\d+", "enter")
        assert view.find is not None and view.find.regex and view.stats().matches > 10


async def test_keys_typed_fast_after_slash_land_in_the_find_bar() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs(pilot, LogScreen.for_pod(RUNNING, f"{RUNNING}-master-0", since_key="15m"))
        wrap = screen.view.wrap
        for char in "/step wow":  # queued at once, as a paste or a fast typist does ("w" alone toggles wrap)
            key = {"/": "slash", " ": "space"}.get(char, char)
            app.post_message(events.Key(key, char))
        # delivered over more than one pause on a loaded machine: wait (a key that went elsewhere never lands)
        await wait_until(pilot, lambda: screen.query_one("#find-input").value == "step wow", what="the find text")
        await pilot.pause()
        assert screen.view.wrap == wrap
        bar, footer = screen.query_one("#find-bar"), screen.query_one("Footer")
        assert bar.region.height == 1 and bar.region.bottom <= footer.region.y  # shown, not under the footer


async def test_filter_inverse_and_levels_only() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs(pilot, LogScreen.for_pod(MULTI, f"{MULTI}-worker-0", since_key="15m"))
        view = screen.view
        total = view.total
        await pilot.press("ampersand", *"overflow", "enter")
        shown = [view.line(view._shown_at(p)) or "" for p in range(view.shown_count)]
        assert 0 < len(shown) < total and all("overflow" in line for line in shown)
        await pilot.press("ampersand", "ctrl+u", *"!overflow", "enter")
        shown = [view.line(view._shown_at(p)) or "" for p in range(view.shown_count)]
        assert len(shown) == total - len([1 for i in range(total) if "overflow" in (view.line(i) or "")])
        assert not any("overflow" in line for line in shown)
        # new lines are filtered as they arrive
        await more_lines(pilot, screen, 30)
        assert not any("overflow" in (view.line(view._shown_at(p)) or "") for p in range(view.shown_count))
        await pilot.press("ampersand", "ctrl+u", "enter")  # empty: no filter
        assert view.filter is None and view.shown_count == view.total
        await pilot.press("e")
        assert view.levels_only and 0 < view.shown_count < view.total
        assert all(view.level(view._shown_at(p)) > 0 for p in range(view.shown_count))
        await pilot.press("e")
        assert view.shown_count == view.total


async def test_toggles_wrap_timestamps_line_numbers() -> None:
    app = demo_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_logs(pilot, LogScreen.for_pod(MULTI, f"{MULTI}-worker-0", since_key="5m"))
        view = screen.view
        assert has_ts(rendered(screen)[-1])
        await pilot.press("t")
        assert not view.show_timestamps and not has_ts(rendered(screen)[-1])
        await pilot.press("t", "number_sign")
        last = rendered(screen)[-1]
        assert view.show_line_numbers and last.split()[0] == str(view.total) and has_ts(last.split()[1])
        rows = view.virtual_size.height
        await pilot.press("w")
        assert view.wrap and view.virtual_size.height > rows  # long lines take several rows
        assert view.scroll_offset.y == view.max_scroll_y
        assert all(len(row) <= view.scrollable_content_region.width for row in rendered(screen))
        await pilot.press("w", "number_sign")
        assert not view.wrap and view.show_timestamps and not view.show_line_numbers


async def test_pod_switching_merge_and_previous_attempt() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs(pilot, LogScreen.for_pod(MULTI, since_key="1m"))
        pods = [ref.pod_id for ref in screen.pods]
        assert screen.source.pod_id == pods[0] and len(pods) == 9
        await pilot.press("right_square_bracket")
        await wait_until(pilot, lambda: screen.polls > 0 and screen.view.total > 0, what="second pod")
        assert screen.source.pod_id == pods[1] and isinstance(screen.tailer, PodLogTailer)
        assert screen.tailer.pod_id == pods[1]
        await pilot.press("left_square_bracket", "left_square_bracket")
        await wait_until(pilot, lambda: screen.view.total > 0, what="last pod")
        assert screen.source.pod_id == pods[-1]
        await pilot.press("m")
        await wait_until(pilot, lambda: screen.view.total > 0, what="merged")
        lines = screen.view._lines
        labels = {line.split(" ", 2)[1] for line in lines if has_ts(line)}
        assert screen.source.merged and {"[master-0]", "[worker-0]", "[worker-7]"} <= labels
        keys = [line[:24] for line in lines]
        assert keys == sorted(keys)

    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs(pilot, LogScreen.for_pod(RESTARTED, since_key="all"))
        current = list(screen.view._lines)
        await pilot.press("p")
        await wait_until(pilot, lambda: screen.view.total > 0 and screen.state == "ended", what="previous")
        assert screen.source.pod_uid is not None and screen.source.pod_uid in screen.view._lines[0]
        assert screen.view._lines != current
        assert "previous attempt" in str(screen.query_one("#log-info").render())
        await pilot.press("p")
        await wait_until(pilot, lambda: screen.view.total > 0, what="current again")
        assert screen.source.pod_uid is None
        # the sidecar container
        await pilot.press("C")
        await wait_until(pilot, lambda: screen.view.total > 0, what="sidecar")
        assert screen.source.container == "aimaster-worker"
        assert all("aimaster" in line for line in screen.view._lines)


async def whole_log(app: Any, job_id: str, pod_id: str, pod_uid: str | None = None) -> list[str]:
    """The pod's whole log as it is now, in one query (the sim caps MaxLines at 100,000)."""
    response = await app.client.dlc.get_pod_logs(job_id, pod_id, pod_uid=pod_uid, max_lines=100_000,
                                                  start_time="2026-01-01T00:00:00Z")
    assert len(response.logs or []) < 100_000
    return list(response.logs or [])


def toasts(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_save_writes_the_whole_log_and_copy_and_pager(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    app = demo_app()
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(140, 40)) as pilot:
        # the view reads the last 15 minutes; the save pages GetPodLogs (1,000 lines a page) from the start
        screen = await open_logs(pilot, LogScreen.for_pod(MULTI, f"{MULTI}-worker-0", job_name="glm4 grpo",
                                                         since_key="15m", max_lines=100, page_lines=1000))
        view = screen.view
        assert view.total > 300 and view.kept == 100  # the view keeps 100
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: screen._saved is not None, what="saved")
        saved = screen._saved
        assert saved is not None and saved.parent == tmp_path
        assert saved.name.startswith(f"glm4_grpo-{MULTI}-worker-0-2026") and saved.suffix == ".log"
        assert saved.stat().st_mode & 0o777 == 0o600  # saved logs can hold request data
        lines = saved.read_text().splitlines()
        want = await whole_log(app, MULTI, f"{MULTI}-worker-0")
        assert lines == want and len(want) > 5 * 1000 > view.total  # many pages, far more than the view read
        assert lines[-100:] == view._lines
        await wait_until(pilot, lambda: any(t.startswith("saved the whole log") for t in toasts(app)),
                         what="toast")
        assert f"saved the whole log: {len(want):,} lines to {saved}" in toasts(app)
        assert [p.name for p in tmp_path.iterdir()] == [saved.name]  # no temporary file left over
        # copy: the current line, then a selection of three
        await pilot.press("c")
        assert copied[-1] == view._lines[-1]
        await pilot.press("k", "space", "k", "k", "c")
        assert copied[-1].splitlines() == view._lines[-4:-1]
        # pager: saves, suspends the app and runs $PAGER on the file
        calls: list[list[str]] = []
        monkeypatch.setenv("PAGER", "mypager -R")
        monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(cmd))
        monkeypatch.setattr(app, "suspend", nullcontext)
        await pilot.press("v")
        await wait_until(pilot, lambda: bool(calls), what="pager")
        assert calls[0][:2] == ["mypager", "-R"] and Path(calls[0][2]).exists()


async def test_a_save_that_keeps_failing_says_so_and_leaves_no_file(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    app = demo_app(max_attempts=1)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs(pilot, LogScreen.for_pod(MULTI, f"{MULTI}-worker-0", since_key="15m",
                                                         page_lines=1000, interval=0.01))
        shown = list(screen.view._lines)
        # every GetPodLogs fails from now on: the save retries (0.02 s, doubling) and gives up
        app.backend.sim_app.faults = FaultPlan.parse("GetPodLogs:error5xx=1.0", seed=1)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: any("could not save" in str(n.title or "") for n in app._notifications),
                         what="error toast")
        assert screen._saved is None and list(tmp_path.iterdir()) == []  # nothing under any name
        assert screen.view._lines[-len(shown):] == shown  # the view is untouched


async def test_find_all_searches_lines_the_view_dropped() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs(pilot, LogScreen.for_pod(MULTI, f"{MULTI}-worker-0", since_key="15m",
                                                         max_lines=50))
        await pilot.press("slash", *"overflow", "enter", "ctrl+f")
        await pilot.pause()
        results = app.screen
        assert isinstance(results, FindAllScreen)
        want = sum(1 for line in screen.spool.lines() if "overflow" in line)
        await wait_until(pilot, lambda: results.found == want and want > 0, what="find all")
        await pilot.press("escape")
        assert app.screen is screen


async def test_json_line_opens_pretty() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs(pilot, LogScreen.for_pod(RUNNING, since_key="1m"))
        screen.view.append(['2026-03-02T08:00:00.000Z {"event": "eval", "metrics": {"auc": 0.91}}'])
        screen.view.focus()
        await pilot.press("enter")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, LineScreen)
        assert "JSON at line" in str(modal.query_one("#line-title").render())
        assert json_payload(modal.line) == {"event": "eval", "metrics": {"auc": 0.91}}
        await pilot.press("escape")
        assert app.screen is screen


async def test_throttling_keeps_lines_shows_error_and_resumes() -> None:
    app = demo_app(max_attempts=1)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs(pilot, LogScreen.for_pod(RUNNING, since_key="5m"))
        before = list(screen.view._lines)
        sim = app.backend.sim_app
        sim.faults = FaultPlan.parse("GetPodLogs:throttle=1", seed=1)
        app.backend.world.clock.advance(10)
        screen.poll_now()
        await wait_until(pilot, lambda: screen.error is not None, what="throttled")
        assert screen.view._lines == before
        assert screen.tailer is not None and screen.tailer.next_delay() >= 2
        assert "Throttling" in str(screen.query_one("#log-status").render())
        assert app.stale_since is not None and app.stale_reason.startswith("Throttling")  # the header says so
        sim.faults = None
        screen.poll_now()
        await wait_until(pilot, lambda: screen.error is None and screen.view.total > len(before), what="resumed")
        assert app.stale_since is None  # and stops saying so once the logs flow again
        lines = screen.view._lines
        truth = await app.client.dlc.get_pod_logs(RUNNING, screen.source.pod_id or "", max_lines=100_000,
                                                  start_time=lines[0][:19] + "Z")
        assert lines[: len(before)] == before and lines == truth.logs  # nothing lost or repeated


async def test_deleted_job_and_pending_pod_have_clear_states() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs(pilot, LogScreen.for_pod("dlcnosuchjob00000", "dlcnosuchjob00000-worker-0"))
        await wait_until(pilot, lambda: screen.state == "gone", what="gone")
        empty = screen.query_one("#log-empty")
        assert empty.has_class("-show") and "no longer exists" in str(empty.render())
        await pilot.press("escape")
        await pilot.pause()
        job = next(j for j in (await app.client.dlc.list_jobs(workspace_id="264901", page_size=100)).jobs
                   if j.status in ("Queuing", "EnvPreparing"))
        screen = await open_logs(pilot, LogScreen.for_pod(job.job_id))
        empty = screen.query_one("#log-empty")
        assert screen.state == "waiting" and "has not started yet" in str(empty.render())


async def test_node_logs_tail_and_end() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        client = app.client
        found = None
        async for run in client.flow.iter_pipeline_runs(workspace_id="264901", page_size=100):
            if run.status != "Running":
                continue
            detail = await client.flow.get_pipeline_run(run.pipeline_run_id)
            root = await client.flow.get_pipeline_run_node(run.pipeline_run_id, detail.node_id, depth=3)
            stack = list(root.children)
            while stack and found is None:
                node = stack.pop()
                if node.metadata and node.metadata.node_type == "Task" and node.status_info \
                        and node.status_info.status == "Running":
                    found = (run.pipeline_run_id, node.metadata.node_id, run.name, node.metadata.name)
                stack.extend(node.children)
            if found:
                break
        assert found is not None, "the demo world has no running task node"
        run_id, node_id, run_name, node_name = found
        screen = await open_logs(pilot, LogScreen.for_node(run_id, node_id or "", run_name=run_name,
                                                           node_name=node_name, since_key="all"))
        assert screen.view.total > 0 and screen.state == "live"
        # pod keys mean nothing for a node: not offered, and pressing one changes nothing
        assert not screen.check_action("pod", (1,)) and screen.check_action("find", ())
        await pilot.press("right_square_bracket")
        assert screen.source.kind == "node" and screen.source.node_id == (node_id or "")
        for _ in range(200):
            if screen.state == "ended":
                break
            app.backend.world.clock.advance(5)
            screen.poll_now()
            polls = screen.polls
            await wait_until(pilot, lambda p=polls: screen.polls > p, what="poll")
        assert screen.state == "ended" and screen.tailer is not None and screen.tailer.done
        await pilot.pause()
        bar = str(screen.query_one("#log-status").render())
        assert bar.startswith("■ END") and "FOLLOW" not in bar  # nothing more to follow
        want = [line async for line in client.flow.iter_node_logs(run_id, node_id or "", page_size=1000)]
        assert screen.view._lines == want


def test_snapshot(snap_compare: Any) -> None:
    async def run_before(pilot: Any) -> None:
        screen = LogScreen.for_pod(FAILED, f"{FAILED}-master-0", job_name="deepseek-v2-lite-eval", tail_lines=40)
        await open_logs(pilot, screen)
        await wait_until(pilot, lambda: screen.state == "ended", what="ended")
        await pilot.press("number_sign", "k", "k")
        assert any(screen.view.level(i) == ERROR for i in range(screen.view.total))

    assert snap_compare(demo_app(), terminal_size=(130, 36), run_before=run_before)


def test_the_subject_line_before_the_job_is_read_counts_no_earlier_attempts() -> None:
    from paitui.ui.behaviours.log_source import LogSource
    from paitui.ui.behaviours.log_status import subject

    line = subject(LogSource("pod", job_id="dlc1", pod_id="dlc1-master-0", pod_uid="153d37a8-aaaa"), [], None)
    assert line == "pod dlc1-master-0 · current attempt (uid 153d37a8)"  # not "-1 earlier"


async def test_a_failed_jobs_logs_open_on_the_pod_that_failed_first() -> None:
    """Issue 15: not master-0, but the culprit (the pod the job's reason names, which died before the rest)."""
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs(pilot, LogScreen.for_pod(FAILED, job_name="deepseek-v2-lite-eval", tail_lines=40))
        await wait_until(pilot, lambda: screen.source.pod_id is not None, what="a pod chosen")
        assert screen.source.pod_id == f"{FAILED}-worker-2"
        await wait_until(pilot, lambda: screen.state == "ended", what="ended")
        assert any("Watchdog caught collective operation timeout" in line for line in screen.view._lines)


async def test_E_jumps_to_the_first_error_line() -> None:
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_logs(pilot, LogScreen.for_pod(FAILED, f"{FAILED}-worker-2", tail_lines=60))
        await wait_until(pilot, lambda: screen.state == "ended", what="ended")
        await pilot.press("E")
        view = screen.view
        assert view.cursor is not None
        line = view.line(view.cursor) or ""
        assert "Watchdog caught collective operation timeout" in line  # the NCCL failure's first error line
        earlier = [view.line(i) or "" for i in range(view.total - view.kept, view.cursor)]
        assert not any("Traceback" in t or "Watchdog" in t for t in earlier)
