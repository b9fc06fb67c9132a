"""Pipelines in the dashboard, driven through Pilot on the simulated cloud: enter on a pipeline lists its runs;
``n`` asks its typed input parameters (a bad value is refused under its field, nothing sent), confirms and
ends on the new run's detail; ``N`` on a run starts from that run's arguments; ``c``/``u`` create or update
a pipeline from a manifest file, refused by field or while runs are active; read-only refuses them all."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, Static

from paitui.sim.flow import manifests
from paitui.ui.app import PaiTuiApp
from paitui.ui.screens.pipelines import PipelinesScreen
from paitui.ui.screens.run import RunDetailScreen
from paitui.ui.screens.runs import RunsScreen
from paitui.ui.widgets.confirm import ConfirmModal
from paitui.ui.widgets.manifest_form import ManifestPathForm
from paitui.ui.widgets.run_form import RunForm
from paitui.ui.widgets.text_modal import TextModal
from tests.ui.conftest import SIZE, wait_until
from tests.ui.test_lists import filter_to, make_app, open_view, rows


def sim_flow(app: PaiTuiApp) -> Any:
    return app.backend.world.flow


async def select_pipeline(pilot: Pilot, app: PaiTuiApp, identifier: str) -> PipelinesScreen:
    screen: PipelinesScreen = await open_view(pilot, app, "pipelines")
    await filter_to(pilot, identifier)
    await pilot.press("enter")  # submit the filter: the cursor is on the one row left
    assert screen.table.cursor_row.identifier == identifier
    return screen


async def wait_for(pilot: Pilot, app: PaiTuiApp, kind: type, what: str) -> Any:
    await wait_until(pilot, lambda: isinstance(app.screen, kind), what=what)
    return app.screen


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_enter_on_a_pipeline_lists_its_runs_only() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await select_pipeline(pilot, app, "llm_sft")
        pid = screen.table.cursor_row.pipeline_id
        await pilot.press("enter")
        runs: RunsScreen = await wait_for(pilot, app, RunsScreen, "the pipeline's runs")
        await wait_until(pilot, lambda: runs.loaded, what="runs loaded")
        shown = rows(runs)
        mine = [r for r in sim_flow(app).runs.values() if r.pipeline_id == pid]
        public = {r.run_id for r in mine if r.accessibility == "PUBLIC"}  # others' PRIVATE runs are not listed
        shown_ids = {r.pipeline_run_id for r in shown}
        assert public and public <= shown_ids <= {r.run_id for r in mine}  # all time, this pipeline only
        assert runs.crumbs()[-2:] == ["llm_sft", "runs"] and "window all" in str(runs.query_one("#summary").render())
        await pilot.press("enter")  # a run opens its detail as from :runs
        detail: RunDetailScreen = await wait_for(pilot, app, RunDetailScreen, "run detail")
        assert detail.run_id == runs.table.cursor_row.pipeline_run_id


async def test_new_run_form_checks_types_then_ends_on_the_new_run_s_detail() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await select_pipeline(pilot, app, "llm_sft")
        pid = screen.table.cursor_row.pipeline_id
        sim_flow(app).sync()  # runs that arrived by now are in the store before it is compared
        before = set(sim_flow(app).runs)
        await pilot.press("n")
        form: RunForm = await wait_for(pilot, app, RunForm, "the new-run form")
        names = [p.name for p in form.parameters]
        assert names == ["corpus", "epochs", "learning_rate", "use_lora", "precision", "eval_suite"]
        epochs = form.query_one(f"#arg-{names.index('epochs')}", Input)
        assert epochs.value == "3"  # the manifest's default
        assert isinstance(form.query_one(f"#arg-{names.index('use_lora')}"), Select)
        assert isinstance(form.query_one(f"#arg-{names.index('precision')}"), Select)
        epochs.value = "three"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, RunForm)  # refused: the form stays, nothing sent
        assert "epochs is Int: a whole number, not 'three'" in text_of(form, f"#err-{names.index('epochs')}")
        assert "has no default" in text_of(form, f"#err-{names.index('eval_suite')}")
        assert set(sim_flow(app).runs) == before
        epochs.value = "4"
        form.query_one(f"#arg-{names.index('eval_suite')}", Input).value = "ceval"
        form.query_one(f"#arg-{names.index('precision')}", Select).value = "fp16"
        form.query_one("#form-name", Input).value = "sft-from-form"
        await pilot.pause()
        preview = text_of(form, "#form-preview")
        assert "CreatePipelineRun request body" in preview and '"PipelineId": "' + pid in preview
        await pilot.press("ctrl+s")
        confirm: ConfirmModal = await wait_for(pilot, app, ConfirmModal, "the confirmation")
        assert "llm_sft" in str(confirm.query_one("#confirm-items").render()) and set(sim_flow(app).runs) == before
        confirm.query_one("#confirm", Button).press()
        detail: RunDetailScreen = await wait_for(pilot, app, RunDetailScreen, "the new run's detail")
        (new_id,) = {r.run_id for r in sim_flow(app).runs.values() if r.name == "sft-from-form"}
        assert detail.run_id == new_id
        run = sim_flow(app).runs[new_id]
        assert run.name == "sft-from-form" and run.pipeline_id == pid
        sent = {p["name"]: p["value"] for p in json.loads(run.arguments)["arguments"]["parameters"]}
        assert sent == {"epochs": 4, "precision": "fp16", "eval_suite": "ceval"}

        # N on that run: the form starts from the run's own arguments
        await pilot.press("N")
        again: RunForm = await wait_for(pilot, app, RunForm, "the run-again form")
        assert again.query_one(f"#arg-{names.index('epochs')}", Input).value == "4"
        assert again.query_one(f"#arg-{names.index('eval_suite')}", Input).value == "ceval"
        await pilot.press("escape")
        assert app.screen is detail and sum(r.pipeline_id == pid for r in sim_flow(app).runs.values()) == \
            sum(sim_flow(app).runs[r].pipeline_id == pid for r in before) + 1


async def test_create_from_a_manifest_file_shows_refusals_by_field_then_the_new_pipeline(tmp_path: Path) -> None:
    doc = manifests.llm_sft("1557702098194911")
    doc["metadata"]["identifier"] = "ui_made"
    good = tmp_path / "good.yaml"
    good.write_text(manifests.dump(doc))
    doc["apiVersion"] = "v0"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await select_pipeline(pilot, app, "llm_sft")
        await pilot.press("c")
        form: ManifestPathForm = await wait_for(pilot, app, ManifestPathForm, "the manifest form")
        form.query_one("#form-path", Input).value = str(bad)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ManifestPathForm) and app.screen is not form,
                         what="the form again, with the refusals")
        again = app.screen
        assert "apiVersion: must be 'core/v1'" in text_of(again, "#manifest-refusals")
        assert again.query_one("#form-path", Input).value == str(bad)
        again.query_one("#form-path", Input).value = str(good)
        await pilot.press("ctrl+s")
        confirm: ConfirmModal = await wait_for(pilot, app, ConfirmModal, "the confirmation")
        assert "CreatePipeline of workspace 264901" in str(confirm.query_one("#confirm-consequence").render())
        confirm.query_one("#confirm", Button).press()
        modal: TextModal = await wait_for(pilot, app, TextModal, "the new pipeline's manifest")
        await wait_until(pilot, lambda: modal.loaded, what="manifest read back")
        made = [p for p in sim_flow(app).pipelines.values() if p.identifier == "ui_made"]
        assert len(made) == 1 and made[0].pipeline_id in modal.title_text and "identifier: ui_made" in modal.data


async def test_update_is_refused_while_runs_are_active_and_read_only_refuses_every_creation(tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        flow = sim_flow(app)
        busy = next(p for p in flow.pipelines.values()
                    if p.workspace_id == "264901" and flow.active_runs_of(p.pipeline_id, app.backend.world.now()))
        path = tmp_path / "v2.yaml"
        path.write_text(busy.manifest.replace("version: v1", "version: v2"))
        await select_pipeline(pilot, app, busy.identifier)
        await pilot.press("u")
        form: ManifestPathForm = await wait_for(pilot, app, ManifestPathForm, "the manifest form")
        form.query_one("#form-path", Input).value = str(path)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ManifestPathForm) and app.screen is not form,
                         what="the refusal")
        refusals = text_of(app.screen, "#manifest-refusals")
        assert "unfinished run(s)" in refusals and "pipeline-has-active-runs" in refusals
        assert flow.pipelines[busy.pipeline_id].version == "v1"
    app = make_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await select_pipeline(pilot, app, "llm_sft")
        for key in ("n", "c", "u"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, PipelinesScreen)
        assert sum("read-only" in n.message for n in app._notifications) == 3
