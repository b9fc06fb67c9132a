"""Submitting jobs through the dashboard on the simulated cloud (Pilot): from a template (``:templates`` →
``n``: locked fields read-only, refusals under their field, the merged body confirmed, the new job's detail
opened) and edit-and-resubmit in full, in ``$EDITOR`` (a tiny script rewrites the file) and in the in-app
editor — each asserted on the cloud's state, with the CreateJob calls counted."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.pilot import Pilot
from textual.widgets import Input, Static, TextArea

from paitui.ui.app import PaiTuiApp
from paitui.ui.screens.job import JobDetailScreen
from paitui.ui.widgets.action_panel import ActionPanel
from paitui.ui.widgets.create_confirm import CreateConfirmModal
from paitui.ui.widgets.job_editor import JobEditorModal
from paitui.ui.widgets.template_form import TemplateSubmitForm
from tests.ui.conftest import SIZE, demo_app, wait_until
from tests.ui.test_actions import count_calls, jobs_screen, open_list, pick


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def field_index(form: TemplateSubmitForm, path: str) -> int:
    return next(i for i, f in enumerate(form.form_fields) if f.path == path)


async def confirm_and_open(pilot: Pilot, app: PaiTuiApp) -> JobDetailScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, CreateConfirmModal), what="confirmation")
    await pilot.click("#confirm")
    await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen), what="the new job's detail")
    return app.screen  # type: ignore[return-value]


async def open_template_form(pilot: Pilot, app: PaiTuiApp) -> TemplateSubmitForm:
    screen = await open_list(pilot, app, "templates")
    await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(app.screen, TemplateSubmitForm), what="template form")
    assert screen.table.cursor_row is not None
    return app.screen  # type: ignore[return-value]


async def test_submit_from_a_template_previews_refuses_by_field_and_opens_the_new_job(
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app(jobs=40)
    calls = count_calls(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_template_form(pilot, app)
        image = form.query_one(f"#tpl-input-{field_index(form, 'JobSpecs[0].Image')}", Input)
        assert image.disabled and image.value.startswith("dsw-registry")  # locked: shown, not editable
        command = form.query_one(f"#tpl-input-{field_index(form, 'UserCommand')}", Input)
        assert not command.disabled and command.value
        name = field_index(form, "DisplayName")
        await pilot.press("ctrl+s")  # no name yet: refused under the field, nothing sent
        await wait_until(pilot, lambda: "required" in text_of(form, f"#tpl-refusal-{name}"), what="refusal")
        assert isinstance(app.screen, TemplateSubmitForm)
        # a locked field given another value through the editable JobSpecs: refused under the locked field
        specs = form.query_one(f"#tpl-input-{field_index(form, 'JobSpecs')}", Input)
        original_specs = specs.value
        changed = json.loads(original_specs)
        changed[0]["Image"] = "registry.example.com/me/other:1"
        specs.value = json.dumps(changed)
        form.query_one(f"#tpl-input-{name}", Input).value = "from-the-template"
        await pilot.press("ctrl+s")
        locked_row = field_index(form, "JobSpecs[0].Image")
        await wait_until(pilot, lambda: "template-locked" in text_of(form, f"#tpl-refusal-{locked_row}"),
                         what="locked refusal")
        # fixed: the preview shows the merged body as it will be sent
        specs.value = original_specs
        command.value = "python train.py --from-form"
        await pilot.pause()
        assert "--from-form" in form.preview_yaml and "TemplateId:" in form.preview_yaml
        assert calls["CreateJob"] == 0
        await pilot.press("ctrl+s")
        detail = await confirm_and_open(pilot, app)
        job = await app.client.dlc.get_job(detail.job_id)
        assert job.display_name == "from-the-template" and job.user_command == "python train.py --from-form"
        assert job.job_specs[0].image == image.value  # type: ignore[index]
        assert calls["CreateJob"] == 1


async def test_the_template_form_refuses_in_read_only_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app(jobs=40, read_only=True)
    calls = count_calls(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_template_form(pilot, app)
        form.query_one(f"#tpl-input-{field_index(form, 'DisplayName')}", Input).value = "nope"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "read-only" in text_of(form, "#tpl-error"), what="read-only refusal")
        assert isinstance(app.screen, TemplateSubmitForm) and calls["CreateJob"] == 0


EDITOR = """\
import pathlib, stat, sys, json
path = pathlib.Path(sys.argv[1])
state = pathlib.Path({state!r})
runs = json.loads(state.read_text()) if state.exists() else []
mode = stat.S_IMODE(path.stat().st_mode)
folder = stat.S_IMODE(path.parent.stat().st_mode)
text = path.read_text()
runs.append({{"path": str(path), "mode": mode, "folder": folder, "text": text}})
state.write_text(json.dumps(runs))
import yaml
lines = [l for l in text.splitlines(keepends=True) if l.startswith("#")]
body = yaml.safe_load(text)
body["DisplayName"] = "edited-in-editor"
body["JobSpecs"][0]["PodCount"] = 3
body["Priority"] = 12 if len(runs) == 1 else 7   # the first save breaks a rule, the second fixes it
path.write_text("".join(lines) + yaml.safe_dump(body, sort_keys=False))
"""


async def open_running_job(pilot: Pilot, app: PaiTuiApp) -> JobDetailScreen:
    screen = await jobs_screen(pilot, app)
    [key] = pick(screen, lambda j: j.status == "Running")
    screen.table.move_cursor_to_key(key)
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, JobDetailScreen) and app.screen.snapshot is not None,
                     what="job detail")
    return app.screen  # type: ignore[return-value]


async def test_edit_and_resubmit_in_editor_points_at_the_line_and_edits_again(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    state = tmp_path / "runs.json"
    script = tmp_path / "editor.py"
    script.write_text(EDITOR.format(state=str(state)))
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    app = demo_app(jobs=80)
    calls = count_calls(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        source = await open_running_job(pilot, app)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ActionPanel), what="panel")
        await pilot.press("c")
        # the first save has Priority 12: not sent, the problem names the field and its line
        await wait_until(pilot, lambda: isinstance(app.screen, ActionPanel) and "Not sent" in app.screen.subject,
                         what="problems")
        problems = app.screen.subject  # type: ignore[attr-defined]
        assert "Priority" in problems and "the editor line" in problems and "priority-range" in problems
        assert calls["CreateJob"] == 0
        await pilot.press("e")  # edit again: the editor gets the text as saved
        detail = await confirm_and_open(pilot, app)
        assert detail.job_id != source.job_id
    runs = json.loads(state.read_text())
    assert len(runs) == 2 and "Priority: 12" in runs[1]["text"]  # edited again without losing the text
    assert all(r["mode"] == 0o600 and r["folder"] == 0o700 for r in runs)
    assert not any(Path(r["path"]).parent.exists() for r in runs)  # removed afterwards
    original = await app.client.dlc.get_job(source.job_id)
    clone = await app.client.dlc.get_job(detail.job_id)
    assert (clone.display_name, clone.priority, clone.job_specs[0].pod_count) == ("edited-in-editor", 7, 3)  # type: ignore[index]
    assert [s.image for s in clone.job_specs or ()] == [s.image for s in original.job_specs or ()]
    assert clone.envs == original.envs and clone.user_command == original.user_command
    data = [[d.data_source_id for d in job.data_sources or ()] for job in (clone, original)]
    assert data[0] == data[1]
    assert calls["CreateJob"] == 1


async def test_edit_and_resubmit_in_app_keeps_the_text_after_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    app = demo_app(jobs=80)
    calls = count_calls(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        source = await open_running_job(pilot, app)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, ActionPanel), what="panel")
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, JobEditorModal), what="in-app editor")
        editor = app.screen
        assert isinstance(editor, JobEditorModal)
        body = yaml.safe_load(editor.text)
        assert body["DisplayName"].endswith("-clone") and body["JobSpecs"] and body["WorkspaceId"]
        body["JobSpecs"][0]["EcsSpec"], body["JobSpecs"][0]["ResourceConfig"] = "ecs.g6.4xlarge", {"CPU": 4}
        bad = yaml.safe_dump(body, sort_keys=False)
        area = editor.query_one("#editor-text", TextArea)
        area.text = bad
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "ecs-spec-with-resource-config" in text_of(editor, "#editor-problems"),
                         what="red line 1")
        assert "the editor line" in text_of(editor, "#editor-problems")
        assert isinstance(app.screen, JobEditorModal) and area.text == bad and calls["CreateJob"] == 0
        area.text = "DisplayName: [unclosed\n"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "unreadable" in text_of(editor, "#editor-problems"), what="unreadable")
        for spec in body["JobSpecs"]:  # public machines for every role now, no quota
            spec.pop("ResourceConfig", None)
            spec["EcsSpec"] = "ecs.g6.4xlarge"
        body.pop("ResourceId", None)
        body["DisplayName"] = "fixed-in-app"
        area.text = yaml.safe_dump(body, sort_keys=False)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, JobEditorModal),
                         what=f"the editor to accept: {editor.problems}")
        detail = await confirm_and_open(pilot, app)
        clone = await app.client.dlc.get_job(detail.job_id)
        assert clone.display_name == "fixed-in-app" and clone.job_specs[0].ecs_spec == "ecs.g6.4xlarge"  # type: ignore[index]
        assert source.job_id != detail.job_id and calls["CreateJob"] == 1
    assert os.environ.get("EDITOR") is None
