"""The template and TensorBoard forms through the dashboard (Pilot) on the simulated cloud: refusals shown under
their field with nothing sent, the review of the body, sending, and the new resource's detail opening after;
read-only refuses before a form opens. Each outcome is asserted on the cloud's state."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
import yaml
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, TextArea

from paitui.ui.app import PaiTuiApp
from paitui.ui.screens.job import JobDetailScreen
from paitui.ui.screens.jobs import JobsScreen
from paitui.ui.widgets.action_panel import ActionPanel
from paitui.ui.widgets.create_forms import (
    ReviewModal,
    SaveTemplateForm,
    SetDefaultForm,
    ShareExpiryForm,
    TemplateVersionForm,
    TensorboardForm,
    TensorboardUpdateForm,
    VersionDiffForm,
)
from paitui.ui.widgets.kv_modal import KeyValueModal
from paitui.ui.widgets.text_modal import TextModal
from tests.ui.conftest import SIZE, demo_app, open_detail, static_text, wait_until
from tests.ui.test_actions import count_calls, open_list, pick

WS = "264901"


def mutations(calls: Counter[str]) -> list[str]:
    return [a for a, n in calls.items() if n and not a.startswith(("Get", "List"))]


async def on_top(pilot: Pilot, app: PaiTuiApp, kind: type) -> Any:
    await wait_until(pilot, lambda: isinstance(app.screen, kind), what=kind.__name__)
    await pilot.pause()
    return app.screen


def notes(app: PaiTuiApp) -> str:
    return "\n".join(f"{n.title}\n{n.message}" for n in app._notifications)


async def a_job_detail(pilot: Pilot, app: PaiTuiApp) -> JobDetailScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen) and app.screen.loaded, what="jobs")
    jobs = app.screen
    assert isinstance(jobs, JobsScreen)
    row = jobs.table.cursor_row
    assert row is not None
    return await open_detail(app, pilot, JobDetailScreen(row.job_id, row.display_name), what="job")


async def send_reviewed(pilot: Pilot, app: PaiTuiApp) -> ReviewModal:
    review = await on_top(pilot, app, ReviewModal)
    await pilot.press("ctrl+s")
    return review


async def test_save_a_job_as_a_template_from_its_detail() -> None:
    app = demo_app(jobs=40)
    async with app.run_test(size=SIZE) as pilot:
        detail = await a_job_detail(pilot, app)
        calls = count_calls(app, pytest.MonkeyPatch())
        await pilot.press("T")
        form = await on_top(pilot, app, SaveTemplateForm)
        form.query_one("#form-name", Input).value = ""
        form.set_constraint("JobSpecs[0].Image", "locked")
        form.set_constraint("UserCommand", "required")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "(rule: template-name-length)" in static_text(form, "#err-name")  # under its field
        assert app.screen is form and mutations(calls) == []
        form.query_one("#form-name", Input).value = "saved-in-the-ui"
        await pilot.press("ctrl+s")
        review = await on_top(pilot, app, ReviewModal)
        body = static_text(review, "#review-json")
        assert '"TemplateName": "saved-in-the-ui"' in body and '"JobSpecs[0].Image": "locked"' in body
        assert '"JobType": ' in body and "(Content sent as a JSON string of the object shown)" in body
        await pilot.press("enter")  # focus starts on Cancel
        await wait_until(pilot, lambda: "nothing was sent" in notes(app), what="cancelled")
        assert mutations(calls) == []  # nothing before the review is accepted
        await pilot.press("T")
        form = await on_top(pilot, app, SaveTemplateForm)
        form.query_one("#form-name", Input).value = "saved-in-the-ui"
        form.set_constraint("JobSpecs[0].Image", "locked")
        form.set_constraint("UserCommand", "required")
        await pilot.press("ctrl+s")
        await on_top(pilot, app, ReviewModal)
        await pilot.press("ctrl+s")
        modal = await on_top(pilot, app, TextModal)
        assert "versions" in modal.title_text and "jt-" in modal.title_text
        template_id = modal.title_text.split()[2]
        saved = await app.client.dlc.get_job_template(template_id, version="all")
        assert saved.template_name == "saved-in-the-ui"
        assert (saved.versions or [])[0].constraints == {"JobSpecs[0].Image": "locked", "UserCommand": "required"}
        assert calls["CreateJobTemplate"] == 1 and detail.job_id in (saved.description or "")


async def test_save_as_template_and_new_tensorboard_are_refused_in_read_only_mode() -> None:
    app = demo_app(jobs=40, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await a_job_detail(pilot, app)
        for key in ("T", "B"):
            await pilot.press(key)
            await wait_until(pilot, lambda: "read-only" in notes(app), what="read-only refusal")
            assert isinstance(app.screen, JobDetailScreen)
            app.clear_notifications()


async def a_template_with_versions(app: PaiTuiApp) -> str:
    page = await app.client.dlc.list_job_templates(WS, page_size=50)
    for t in page.job_templates or ():
        full = await app.client.dlc.get_job_template(t.template_id or "", version="all")
        if len(full.versions or ()) >= 2:
            return t.template_id or ""
    raise AssertionError("no template with two versions")


async def templates_list(pilot: Pilot, app: PaiTuiApp, template_id: str) -> Any:
    await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), what="jobs")
    screen = await open_list(pilot, app, "templates")
    screen.table.move_cursor_to_key(template_id)
    await pilot.pause()
    return screen


async def test_new_version_default_version_and_diff_from_the_templates_list() -> None:
    app = demo_app(jobs=40)
    async with app.run_test(size=SIZE) as pilot:
        template_id = await a_template_with_versions(app)
        await templates_list(pilot, app, template_id)
        calls = count_calls(app, pytest.MonkeyPatch())
        before = await app.client.dlc.get_job_template(template_id, version="all")
        newest = max(v.version or 0 for v in before.versions or ())

        await pilot.press("v")
        form = await on_top(pilot, app, TemplateVersionForm)
        await pilot.press("ctrl+s")  # the newest version's content, unchanged
        await pilot.pause()
        assert "(rule: content-unchanged)" in static_text(form, "#err-doc") and mutations(calls) == []
        doc = form.query_one("#form-doc", TextArea)
        good = doc.text
        doc.text = "Content: [\n"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "(rule: yaml-syntax)" in static_text(form, "#err-doc") and mutations(calls) == []
        doc.text = good
        edited = yaml.safe_load(doc.text)
        edited["Content"]["JobSpecs"][0]["PodCount"] = 12
        edited["Constraints"] = {"UserCommand": "frozen"}
        doc.text = yaml.safe_dump(edited, sort_keys=False)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "(rule: constraint-kind)" in static_text(form, "#err-doc") and mutations(calls) == []
        doc.text = doc.text.replace("frozen", "overridable")
        await pilot.press("ctrl+s")
        await send_reviewed(pilot, app)
        await on_top(pilot, app, TextModal)
        after = await app.client.dlc.get_job_template(template_id, version="all")
        added = next(v for v in after.versions or () if v.version == newest + 1)
        assert added.constraints.get("UserCommand") == "overridable" and calls["UpdateJobTemplate"] == 1
        await pilot.press("escape")

        await pilot.press("D")
        form = await on_top(pilot, app, SetDefaultForm)
        form.query_one("#form-version", Input).value = "99"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "(rule: version-unknown)" in static_text(form, "#err-version")
        form.query_one("#form-version", Input).value = str(newest + 1)
        await pilot.press("ctrl+s")
        await send_reviewed(pilot, app)
        await wait_until(pilot, lambda: calls["SetJobTemplateDefaultVersion"] == 1, what="default set")
        assert (await app.client.dlc.get_job_template(template_id)).default_version == newest + 1

        await pilot.press("c")
        diff_form = await on_top(pilot, app, VersionDiffForm)
        diff_form.query_one("#form-from", Input).value = str(newest)
        diff_form.query_one("#form-to", Input).value = str(newest + 1)
        await pilot.press("ctrl+s")
        modal = await on_top(pilot, app, TextModal)
        assert modal.data is not None and f"v{newest} → v{newest + 1}" in modal.data
        assert "~ Content.JobSpecs[0].PodCount: " in modal.data and "→ 12" in modal.data  # the field edited
        assert "- Constraints.JobSpecs[0].Image: locked" in modal.data  # the constraint the edit dropped


async def test_tensorboard_for_a_dataset_then_update_and_share_it() -> None:
    app = demo_app(jobs=40)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, JobsScreen), what="jobs")
        screen = await open_list(pilot, app, "tensorboards")
        calls = count_calls(app, pytest.MonkeyPatch())
        await pilot.press("n")
        form = await on_top(pilot, app, TensorboardForm)
        form.query_one("#form-minutes", Input).value = "0"
        form.query_one("#form-datasets", OptionList).highlighted = 0
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "(rule: max-running-time)" in static_text(form, "#err-minutes") and mutations(calls) == []
        form.query_one("#form-minutes", Input).value = "45"
        dataset = form.datasets[0]
        await pilot.press("ctrl+s")
        await send_reviewed(pilot, app)
        modal = await on_top(pilot, app, KeyValueModal)
        await wait_until(pilot, lambda: modal.loaded, what="detail loaded")
        tb_id = modal.value_of("TensorboardId")
        assert tb_id and modal.value_of("DataSourceId") == dataset.dataset_id
        assert (await app.client.dlc.get_tensorboard(tb_id)).max_running_time_minutes == 45
        await pilot.press("escape")

        await wait_until(pilot, lambda: screen.table.get_row(tb_id) is not None, what="new row")
        screen.table.move_cursor_to_key(tb_id)
        await pilot.press("e")
        update = await on_top(pilot, app, TensorboardUpdateForm)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "(rule: nothing-to-change)" in static_text(update, "#err-minutes")
        update.query_one("#form-minutes", Input).value = "90"
        await pilot.press("ctrl+s")
        await send_reviewed(pilot, app)
        await on_top(pilot, app, KeyValueModal)
        assert (await app.client.dlc.get_tensorboard(tb_id)).max_running_time_minutes == 90
        await pilot.press("escape")

        [running] = pick(screen, lambda t: t.status == "Running")
        screen.table.move_cursor_to_key(running)
        await pilot.press("x")
        await on_top(pilot, app, ActionPanel)
        await pilot.press("u")
        share = await on_top(pilot, app, ShareExpiryForm)
        share.query_one("#form-seconds", Input).value = "604801"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "(rule: share-expiry-max)" in static_text(share, "#form-error")
        assert calls["GetTensorboardSharedUrl"] == 0
        share.query_one("#form-seconds", Input).value = "3600"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "URL copied" in notes(app) or "shared URL copied" in notes(app).lower(),
                         what="copied")
        # the URL lives the hour asked for, not the 7-day default
        expires = (app.backend.world.now() + timedelta(seconds=3600)).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert calls["GetTensorboardSharedUrl"] == 1 and f"expires={expires}" in notes(app)


async def test_tensorboard_for_a_job_from_its_detail() -> None:
    app = demo_app(jobs=40)
    async with app.run_test(size=SIZE) as pilot:
        detail = await a_job_detail(pilot, app)
        await pilot.press("B")
        form = await on_top(pilot, app, TensorboardForm)
        form.query_one("#form-name", Input).value = "tb-from-ui"
        await pilot.press("ctrl+s")
        review = await on_top(pilot, app, ReviewModal)
        assert f'"JobId": "{detail.job_id}"' in static_text(review, "#review-json")
        await pilot.press("escape")  # declined: nothing sent
        await wait_until(pilot, lambda: "nothing was sent" in notes(app), what="cancelled")
        await pilot.press("B")
        form = await on_top(pilot, app, TensorboardForm)
        form.query_one("#form-name", Input).value = "tb-from-ui"
        await pilot.press("ctrl+s")
        await send_reviewed(pilot, app)
        modal = await on_top(pilot, app, KeyValueModal)
        await wait_until(pilot, lambda: modal.loaded, what="detail loaded")
        assert modal.value_of("JobId") == detail.job_id and modal.value_of("DisplayName") == "tb-from-ui"
        mine = await app.client.dlc.list_tensorboards(job_id=detail.job_id)
        assert sum(t.display_name == "tb-from-ui" for t in mine.tensorboards or ()) == 1
