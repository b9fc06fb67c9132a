"""Lists tell the truth, through the app on the simulated cloud (manual clock): a partial load says so in the
summary bar, an empty table says why, new jobs land newest first, `r` fetches once while paused, a filter
that does not parse keeps the committed one, and status counts are of the rows shown."""

from __future__ import annotations

from paitui.backend import SIM_BASE, Backend, SimTransport, demo_credentials
from paitui.config import Settings
from paitui.live.status import in_view, job_phase
from paitui.ui.app import PaiTuiApp, make_app
from paitui.ui.screens.jobs import JobsScreen
from paitui.ui.screens.resource_list import ResourceListScreen
from paitui.ui.screens.runs import RunsScreen
from paitui.ui.widgets.table_model import RowStore
from tests.failing_pages import FOREVER, FailPages
from tests.ui.conftest import SIZE, static_text, wait_until

WS = "264901"
SPEC = [{"Type": "Worker", "PodCount": 1, "EcsSpec": "ecs.g7.2xlarge",
         "Image": "dsw-registry.cn-hangzhou.cr.aliyuncs.com/pai/pytorch:2.3"}]


def failing_app(jobs: int = 2000, workspace: str | None = WS) -> tuple[PaiTuiApp, FailPages]:
    """The demo app (as ``demo_app`` builds it, manual clock) with chosen list pages refused by the gateway.

    2,000 jobs: the workspace then has 256 jobs (3 pages of 100) and 180 runs (2 pages) in the last 7 days."""
    from paitui.api.client import PaiClient
    from paitui.api.products import PRODUCTS
    from paitui.sim.app import create_app
    from paitui.sim.clock import SimClock
    from paitui.sim.world import DEMO_USER, World

    config = Settings(demo=True, workspace=workspace, max_attempts=1, sim={"seed": 7, "jobs": jobs})
    world = World(seed=7, jobs=jobs, clock=SimClock.manual())
    endpoints = {key: SIM_BASE.format(service=p.service, region="cn-hangzhou") for key, p in PRODUCTS.items()}
    sim_app = create_app(world)
    pages = FailPages(SimTransport(sim_app))
    client = PaiClient(config.model_copy(update={"endpoints": endpoints}), credentials=demo_credentials(),
                       region="cn-hangzhou", transport=pages)
    backend = Backend(client, "demo", "simulated cloud", world, me=DEMO_USER.user_id, sim_app=sim_app)
    return make_app(config, backend), pages


def summary(screen: ResourceListScreen) -> str:
    return static_text(screen, "#summary", width=400).strip()


def on(app: PaiTuiApp, kind: type) -> bool:
    return isinstance(app.screen, kind) and app.screen.loaded


async def test_a_job_list_with_a_failed_page_says_partial_until_the_page_arrives() -> None:
    app, pages = failing_app()
    pages.fail[("ListJobs", 2)] = FOREVER
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: on(app, JobsScreen), what="jobs list")
        screen = app.screen
        line = summary(screen)
        shown = screen.table.row_count
        assert line.startswith(f"partial: {shown:,} of {shown + 100:,} loaded · retrying (throttled) │ {shown} shown")
        assert "/" not in line.split("│")[1]  # never "156/156 shown", as if that were the whole list
        assert "partial: " in line.split("window 7d")[1]  # the status counts are labelled partial
        assert app.stale_since is None  # the rows shown are fresh, only incomplete
        pages.fail.clear()
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.watch.partial is None, what="the missing page")
        await pilot.pause()
        assert screen.table.row_count == shown + 100
        assert summary(screen).startswith(f"{shown + 100}/{shown + 100} shown") and "partial" not in summary(screen)


async def test_a_run_list_with_a_failed_page_shows_the_runs_that_arrived() -> None:
    app, pages = failing_app()
    pages.fail[("ListPipelineRuns", 2)] = FOREVER
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: on(app, JobsScreen), what="jobs list")
        app.open_view("runs")
        await wait_until(pilot, lambda: on(app, RunsScreen), what="runs list")
        screen = app.screen
        assert screen.table.row_count > 0  # not the bare "0/0 shown" of a discarded poll
        assert summary(screen).startswith("partial: 100 of 180 loaded · retrying (throttled)")


async def test_an_empty_table_says_why_it_is_empty_and_nothing_is_called_stale() -> None:
    app, pages = failing_app()
    pages.fail[("ListPipelineRuns", 1)] = FOREVER
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: on(app, JobsScreen), what="jobs list")
        app.open_view("runs")
        await wait_until(pilot, lambda: isinstance(app.screen, RunsScreen) and app.screen.query("#table")
                         and app.screen.table.empty_message.startswith("Could not load"), what="the failure")
        screen = app.screen
        message = screen.table.empty_message
        assert message.startswith("Could not load runs: Throttling.User (throttled) · retrying in ")
        assert message.endswith(" s") or message.endswith("retrying now…")
        assert app.stale_since is None  # nothing has loaded, so nothing on screen is stale
        assert summary(screen).startswith("nothing loaded yet")  # not "0/0 shown", as if there were no runs
        await pilot.press("p")
        assert screen.table.empty_message.endswith("· paused (r retries)")
        pages.fail.clear()
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.loaded, what="runs after the retry")
        assert screen.table.row_count == len(screen.watch.rows) > 100 and screen.watch.paused


async def test_jobs_created_after_the_first_load_are_inserted_newest_first() -> None:
    app, _ = failing_app(jobs=400)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: on(app, JobsScreen), what="jobs list")
        screen = app.screen
        app.backend.world.clock.advance(5)
        created = await app.client.dlc.create_job(display_name="fresh-clone", job_type="PyTorchJob",
                                                  job_specs=SPEC, user_command="echo", workspace_id=WS)
        await pilot.press("r")
        await wait_until(pilot, lambda: created.job_id in screen.table, what="the new job")
        await pilot.pause()
        keys = list(screen.table.visible_keys)
        assert keys[0] == created.job_id  # at its place (the newest), not appended at the bottom
        assert keys == [j.job_id for j in screen.watch.rows]  # the table shows the service's order


async def test_r_on_a_paused_list_fetches_once_and_stays_paused() -> None:
    app, _ = failing_app(jobs=400)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: on(app, JobsScreen), what="jobs list")
        screen = app.screen
        await pilot.press("p")
        assert screen.watch.paused and "⏸ paused" in summary(screen)
        created = await app.client.dlc.create_job(display_name="while-paused", job_type="PyTorchJob",
                                                  job_specs=SPEC, user_command="echo", workspace_id=WS)
        polls = screen.watch.polls
        await pilot.press("r")
        await wait_until(pilot, lambda: created.job_id in screen.table, what="the fetch")
        await wait_until(pilot, lambda: not any(w.group == "list-once" and w.is_running for w in screen.workers),
                         what="the one fetch to end")
        assert screen.watch.polls == polls + 1 and screen.watch.paused
        assert "⏸ paused" in summary(screen)


async def test_a_half_typed_unknown_field_keeps_the_committed_filter() -> None:
    app, _ = failing_app(jobs=400)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: on(app, JobsScreen), what="jobs list")
        screen, table = app.screen, app.screen.table
        total = table.row_count
        await pilot.press("slash", *"foo")  # on the way to "foo:bar": a name search for "foo" meanwhile
        assert table.visible_count < total
        await pilot.press("colon", *"bar")
        message = static_text(screen, "#filter-message")
        assert "unknown field 'foo'" in message and "showing all jobs" in message
        assert table.visible_count == total  # the committed filter (none), not the half-typed "foo"
        await pilot.press("escape")
        running = sum(1 for job in screen.watch.rows if job.status == "Running")
        await pilot.press("slash", *"status:Running", "enter")  # committed
        assert table.visible_count == running
        await pilot.press("slash", *" foo:")  # the box selects its text on focus: this types a new filter
        assert table.visible_count == running
        assert "showing status is Running" in static_text(screen, "#filter-message")
        await pilot.press("escape", "R", "slash", *"xx:")  # under a view, the message says the view still holds
        assert "showing all running jobs" in static_text(screen, "#filter-message")


async def test_status_counts_are_of_the_rows_shown_and_say_so() -> None:
    app, _ = failing_app(jobs=400)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: on(app, JobsScreen), what="jobs list")
        screen = app.screen
        statuses = {job.status for job in screen.watch.rows}
        assert "Failed" in statuses and "Running" in statuses
        whole = summary(screen)
        assert "shown:" not in whole and "Failed " in whole  # every row is shown: plain totals
        await pilot.press("R")
        running = [job for job in screen.watch.rows if in_view(job_phase(job.status), "running")]
        line = summary(screen)
        counts = line.rsplit("│", 1)[1]
        assert counts.strip().startswith("shown: ") and "Failed" not in counts
        assert sum(int(n.replace(",", "")) for n in counts.split()[2::2]) == len(running)
        await pilot.press("a", "slash", *"status:Failed", "enter")
        counts = summary(screen).rsplit("│", 1)[1].split()
        failed = sum(1 for job in screen.watch.rows if job.status == "Failed")
        assert counts == ["shown:", "Failed", str(failed)]  # the status filter is exact, unlike the F view


def test_a_row_store_places_new_keys_where_the_order_says() -> None:
    store = RowStore(key=lambda row: row["id"])
    store.replace([{"id": "b"}, {"id": "a"}])
    store.rebuild()
    _, _, reorder = store.apply([{"id": "c"}], [], [], order=["c", "b", "a"])
    store.rebuild()
    assert reorder and store.view == ["c", "b", "a"]
    store.apply([{"id": "z"}], [], [])  # without an order: the end, as before
    store.rebuild()
    assert store.view == ["c", "b", "a", "z"]


async def test_the_header_names_a_failure_without_a_code_in_words() -> None:
    from paitui.sim.faults import FaultPlan

    app, _ = failing_app(jobs=400)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: on(app, JobsScreen), what="jobs list")
        app.backend.sim_app.faults = FaultPlan.parse("drop=1.0", seed=1)  # the connection vanishes: no Code
        await pilot.press("r")
        await wait_until(pilot, lambda: app.stale_since is not None, what="stale marker")
        assert app.stale_reason == "network error"  # not a class name such as NetworkError or TimeoutError_
