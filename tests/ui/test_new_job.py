"""The new-job wizard (``N`` on the jobs list) driven by keys against the simulated cloud: a full walk that ends
on the new job's detail, back and forward keeping choices, the quota path, a refusal at review with nothing
sent, read-only mode, an API error in a picker (Code, Message, RequestId; the step stays usable), and esc
asking before discarding."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Static, TextArea

from paitui.sim.faults import FaultPlan
from paitui.ui.app import PaiTuiApp
from paitui.ui.screens.job import JobDetailScreen
from paitui.ui.screens.jobs import JobsScreen
from paitui.ui.screens.new_job import NewJobScreen
from paitui.ui.screens.new_job.picker import Picker
from paitui.ui.widgets.confirm import ConfirmModal
from tests.ui.conftest import SIZE, demo_app, static_text, wait_until


def creates(app: PaiTuiApp) -> int:
    """CreateJob requests sent so far (the client's request meter)."""
    return sum(u.since_start for u in app.client.meter.usage() if u.action == "CreateJob")


async def open_wizard(pilot: Any, app: PaiTuiApp, key: str = "N") -> NewJobScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs list")
    await pilot.press(key)
    await wait_until(pilot, lambda: isinstance(app.screen, NewJobScreen), what="wizard")
    screen = app.screen
    assert isinstance(screen, NewJobScreen)
    await loaded(pilot, screen, "#pick-workspace")
    return screen


async def loaded(pilot: Any, screen: NewJobScreen, picker_id: str) -> Picker:
    picker = screen.query_one(picker_id, Picker)
    await wait_until(pilot, lambda: picker.loaded and not picker.busy, what=f"{picker_id} loaded")
    await pilot.pause()
    return picker


def cursor_to(picker: Picker, predicate: Any) -> Any:
    """Put the picker's cursor on the first row matching ``predicate``; that row."""
    for index, row in enumerate(picker.shown_rows()):
        if predicate(row):
            picker.table.move_cursor(row=index)
            return row
    raise AssertionError(f"no such row in {picker.id}")


def status(picker: Picker) -> str:
    return str(picker.query_one(".picker-status", Static).render())


async def to_resources(pilot: Any, screen: NewJobScreen, job_type: str = "PyTorchJob") -> None:
    """Workspace (kept) → the job type → the first GPU PyTorch image; on the resources step."""
    await pilot.press("ctrl+n")  # the current workspace is preset
    assert screen.draft.step_name == "type"
    table = screen.query_one("#type-table")
    table.move_cursor(row=list(screen.query_one("#type-table").rows).index(job_type))  # type: ignore[attr-defined]
    await pilot.press("enter")
    assert screen.draft.step_name == "image" and screen.draft.job_type == job_type
    images = await loaded(pilot, screen, "#pick-image")
    cursor_to(images, lambda i: any(lab.value == "GPU" for lab in i.labels or ()))
    await pilot.press("enter")
    assert screen.draft.step_name == "resources"


async def test_a_full_walk_ends_on_the_new_jobs_detail() -> None:
    app = demo_app(jobs=40)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs")
        shown = {(b.binding.key_display, b.binding.description) for b in app.screen.active_bindings.values()
                 if b.binding.show}
        assert ("N", "New job") in shown  # in the footer (and so in ? help)
        screen = await open_wizard(pilot, app)
        assert screen.draft.workspace_id == "264901"
        assert screen.query_one("#pick-workspace", Picker).chosen == {"264901"}
        await to_resources(pilot, screen)
        image = screen.draft.image
        specs = await loaded(pilot, screen, "#pick-ecs")
        spec = cursor_to(specs, lambda s: s.gpu_type == "A10" and s.spot_stock_status == "WithStock")
        assert "A10" in specs.table.get_row_at(specs.table.cursor_row)[2].plain  # GPU type shown
        await pilot.press("enter")
        assert screen.draft.step_name == "roles" and screen.draft.ecs_spec == spec.instance_type
        await pilot.pause()
        workers = screen.query_one("#pods-Worker", Input)
        workers.value = "3"
        await pilot.press("ctrl+n")
        assert screen.draft.step_name == "command"
        await pilot.press(*"wizard-bert")
        screen.query_one("#job-command", TextArea).text = "python train.py --epochs 3"
        await pilot.press("ctrl+n")
        assert screen.draft.step_name == "sources"
        datasets = await loaded(pilot, screen, "#pick-dataset")
        codes = await loaded(pilot, screen, "#pick-code")
        screen.query_one("#data-mount", Input).value = "/mnt/corpus"
        dataset = cursor_to(datasets, lambda d: True)
        await pilot.press("enter")
        assert datasets.chosen == {dataset.dataset_id}
        codes.table.focus()
        code = cursor_to(codes, lambda c: c.code_commit)
        await pilot.press("enter")
        assert screen.query_one("#code-branch", Input).value == code.code_branch
        await pilot.press("ctrl+n")
        assert screen.draft.step_name == "review"
        await wait_until(pilot, lambda: screen.request is not None, what="rules checked")
        review = static_text(screen, "#review-body")
        assert '"EcsSpec": "' + spec.instance_type in review and '"PodCount": 3' in review
        assert "The rules pass" in static_text(screen, "#review-refusals")
        sent = creates(app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirm")
        assert "wizard-bert" in str(app.screen.query_one("#confirm-items").render())
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen), what="the new job's detail")
        detail = app.screen
        assert isinstance(detail, JobDetailScreen) and creates(app) == sent + 1
        job = await app.client.dlc.get_job(detail.job_id)
        assert job.display_name == "wizard-bert" and job.job_type == "PyTorchJob"
        assert [(s.type, s.pod_count, s.image, s.ecs_spec) for s in job.job_specs or ()] == [
            ("Master", 1, image, spec.instance_type), ("Worker", 3, image, spec.instance_type)]
        assert [(d.data_source_id, d.mount_path) for d in job.data_sources or ()] == [
            (dataset.dataset_id, "/mnt/corpus")]
        assert job.code_source is not None and job.code_source.code_source_id == code.code_source_id
        await wait_until(pilot, lambda: detail.snapshot is not None, what="detail snapshot")


async def test_back_and_forward_keep_what_was_chosen() -> None:
    app = demo_app(jobs=20)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot, app, "ctrl+n")
        await to_resources(pilot, screen, "TFJob")
        image = screen.draft.image
        specs = await loaded(pilot, screen, "#pick-ecs")
        spec = cursor_to(specs, lambda s: s.cpu == 16 and not s.gpu)
        await pilot.press("enter")
        await pilot.pause()
        screen.query_one("#pods-PS", Input).value = "2"
        await pilot.press("ctrl+n")
        await pilot.press(*"keep-me")
        for _ in range(3):  # command → roles → resources → image
            await pilot.press("ctrl+b")
        assert screen.draft.step_name == "image"
        assert screen.query_one("#pick-image", Picker).chosen  # the chosen image is still marked
        await pilot.press("ctrl+n", "ctrl+n")  # image (kept) → resources (kept) → roles
        assert screen.draft.step_name == "roles"
        assert screen.query_one("#pods-PS", Input).value == "2"
        assert specs.chosen == {spec.instance_type}
        await pilot.press("ctrl+n")
        assert screen.query_one("#job-name", Input).value == "keep-me"
        assert (screen.draft.image, screen.draft.ecs_spec, screen.draft.pods["PS"]) == (image, spec.instance_type, 2)
        await pilot.press("ctrl+n")  # no command yet: the step says so and stays
        assert screen.draft.step_name == "command"
        assert "give the command" in static_text(screen, "#wizard-missing")


async def test_the_quota_path_sends_resource_config_with_resource_id() -> None:
    app = demo_app(jobs=20)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot, app)
        await to_resources(pilot, screen)
        screen.query_one("#resource-mode").value = "quota"  # type: ignore[attr-defined]
        quotas = await loaded(pilot, screen, "#pick-quota")
        quotas.table.focus()
        quota = cursor_to(quotas, lambda q: any(s.name == "gpu-type" for s in q.specs or ()))
        await pilot.press("enter")
        await pilot.press("ctrl+n")
        assert "CPU per pod" in static_text(screen, "#wizard-missing")  # no ResourceConfig yet
        screen.query_one("#quota-cpu", Input).value = "8"
        screen.query_one("#quota-memory", Input).value = "64Gi"
        screen.query_one("#quota-gpu", Input).value = "1"
        await pilot.press("ctrl+n")
        assert screen.draft.step_name == "roles"
        body = screen.draft.body()
        assert body["ResourceId"] == quota.id
        assert all("EcsSpec" not in s and s["ResourceConfig"]["GPU"] == "1" for s in body["JobSpecs"])


async def walk_to_review(pilot: Any, screen: NewJobScreen) -> None:
    await to_resources(pilot, screen)
    specs = await loaded(pilot, screen, "#pick-ecs")
    cursor_to(specs, lambda s: s.cpu == 8 and not s.gpu)
    await pilot.press("enter", "ctrl+n")
    await pilot.press(*"small-job")
    screen.query_one("#job-command", TextArea).text = "python x.py"
    await pilot.press("ctrl+n")
    await loaded(pilot, screen, "#pick-dataset")
    await pilot.press("ctrl+n")
    assert screen.draft.step_name == "review"
    await wait_until(pilot, lambda: screen.request is not None, what="rules checked")


async def test_a_refusal_at_review_names_the_field_and_nothing_is_sent() -> None:
    app = demo_app(jobs=20)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot, app)
        await walk_to_review(pilot, screen)
        # the image is deregistered between choosing it and submitting: red line 2, checked again at review
        world = app.backend.world
        world.workspace.images = [i for i in world.workspace.images if i.image_uri != screen.draft.image]
        sent = creates(app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Not sent" in static_text(screen, "#review-result"), what="refused")
        refusals = static_text(screen, "#review-refusals")
        assert "JobSpecs[0].Image" in refusals and "image-not-registered" in refusals
        assert not isinstance(app.screen, ConfirmModal) and creates(app) == sent
        await pilot.press("ctrl+b")  # the review stays usable: back to choose another image
        assert screen.draft.step_name == "sources"


async def test_read_only_mode_refuses_at_review() -> None:
    app = demo_app(jobs=20, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot, app)
        await walk_to_review(pilot, screen)
        assert "read-only mode" in static_text(screen, "#review-refusals")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "Not sent" in static_text(screen, "#review-result"), what="refused")
        assert creates(app) == 0 and isinstance(app.screen, NewJobScreen)


async def test_an_api_error_in_a_picker_shows_code_message_and_request_id_and_the_step_recovers() -> None:
    app = demo_app(jobs=20, max_attempts=1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot, app)
        app.backend.sim_app.faults = FaultPlan.parse("ListImages:error5xx=1.0", seed=1)  # type: ignore[attr-defined]
        await pilot.press("ctrl+n", "enter")  # the first job type
        images = await loaded(pilot, screen, "#pick-image")
        said = status(images)
        assert images.error is not None and "could not load images" in said
        assert f"Code: {images.error.code}" in said and "Message:" in said
        assert f"RequestId: {images.error.request_id}" in said and images.error.request_id
        await pilot.press("enter")  # nothing to choose: the step stays
        assert screen.draft.step_name == "image" and isinstance(app.screen, NewJobScreen)
        app.backend.sim_app.faults = None  # type: ignore[attr-defined]
        await pilot.press("r")
        await wait_until(pilot, lambda: images.error is None and images.rows, what="reloaded")
        assert "images" in status(images) and "could not" not in status(images)


async def test_esc_asks_before_discarding_a_draft() -> None:
    app = demo_app(jobs=20)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot, app)
        await pilot.press("ctrl+n", "enter")
        assert screen.draft.touched
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="discard?")
        await pilot.press("escape")  # no: the draft stays
        await wait_until(pilot, lambda: app.screen is screen, what="back in the wizard")
        assert screen.draft.job_type is not None
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="discard?")
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), what="the jobs list")


async def test_a_partial_picker_says_so_and_r_reads_only_the_missing_page() -> None:
    from collections import Counter

    from tests.ui.test_list_truth import failing_app

    app, pages = failing_app(jobs=40)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot, app)
        screen.page_size = 10  # ListEcsSpecs' 33 specs in 4 pages
        pages.fail[("ListEcsSpecs", 2)] = 1
        await to_resources(pilot, screen)
        specs = await loaded(pilot, screen, "#pick-ecs")
        assert "partial: 23 of 33 loaded" in status(specs) and len(specs.rows) == 23
        await pilot.press("r")
        await wait_until(pilot, lambda: len(specs.rows) == 33 and not specs.busy, what="complete")
        assert "33 ECS specs" in status(specs) and "partial" not in status(specs)
        assert Counter(pages.pages("ListEcsSpecs")) == {1: 1, 2: 2, 3: 1, 4: 1}


async def test_a_lost_answer_is_settled_by_reading_back_and_the_job_opens() -> None:
    app = demo_app(jobs=20)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_wizard(pilot, app)
        await walk_to_review(pilot, screen)
        app.backend.sim_app.faults = FaultPlan.parse("CreateJob:lost=1.0", seed=1)  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirm")
        await pilot.press("tab", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen), what="the new job's detail")
        app.backend.sim_app.faults = None  # type: ignore[attr-defined]
        assert creates(app) == 1  # never sent twice
        detail = app.screen
        assert isinstance(detail, JobDetailScreen)
        assert (await app.client.dlc.get_job(detail.job_id)).display_name == "small-job"
