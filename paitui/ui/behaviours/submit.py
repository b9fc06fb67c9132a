"""Submitting DLC jobs from the dashboard: from a job template (``:templates`` → ``n``) and "edit and
resubmit in full" (the clone action). Both build their request with ``paitui.live.create`` (the rules exist
once, shared with ``paitui job submit``), confirm with the exact body, send, and open the new job's detail.

The clone's whole CreateJob body goes to the user's ``$VISUAL``/``$EDITOR`` as YAML (a 0600 file in a private
temporary folder, removed afterwards; the dashboard is suspended meanwhile), or, without one or in a browser,
to the in-app editor. Problems point at the field and line; the user edits again with the text kept.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import SuspendNotSupported

from paitui.api.errors import PaiError
from paitui.live.create import CreateRequest, Refusal, Refused, send
from paitui.ui.behaviours.actions import error_lines

if TYPE_CHECKING:
    from paitui.live.actions import Target
    from paitui.live.create.template_merge import JobTemplateSource
    from paitui.ui.app import PaiTuiApp
    from paitui.ui.widgets.job_editor import Problem

EDIT_HEADER = ("# {label}: CreateJob's body, wire names (docs/WIRE.md). Edit anything — image, roles, counts,\n"
               "# specs, envs, data, settings — save and quit to check it; nothing is sent before you confirm.\n")


async def confirm_and_send(app: PaiTuiApp, request: CreateRequest) -> str | None:
    """The confirmation with the exact body, then CreateJob; on success the new job's detail opens.
    Read-only mode refuses before asking (and the client would refuse too)."""
    from paitui.live.actions import READ_ONLY_REASON
    from paitui.ui.widgets.create_confirm import CreateConfirmModal

    if app.is_read_only:
        app.notify(f"{READ_ONLY_REASON}: {request.label} was not submitted", title="read-only",
                   severity="warning", markup=False)
        return None
    consequence = "A new job is created and queued; it uses resources."
    if not await app.push_screen_wait(CreateConfirmModal(request.label, request.params, consequence)):
        app.notify(f"{request.label}: cancelled, nothing was sent", markup=False, timeout=3)
        return None
    try:
        created = await send(app.client, request)
    except Refused as refused:
        app.notify("\n".join(r.line() for r in refused.refusals), title="not sent", severity="error", markup=False)
        return None
    except PaiError as error:
        app.notify(error_lines(error), title=f"submit {request.label} failed", severity="error", markup=False,
                   timeout=15)
        return None
    if created.unknown or created.id is None:
        app.notify(created.note + (f"\nRequestId: {created.request_id}" if created.request_id else ""),
                   title=f"submit {request.label}: outcome unknown", severity="warning", markup=False, timeout=20)
        return None
    tail = f"\nRequestId: {created.request_id}" if created.request_id else ""
    note = f"\n{created.note}" if created.note else ""
    app.notify(f"{request.label} submitted as {created.id}{note}{tail}", title="submitted", markup=False, timeout=8)
    open_job(app, created.id, str(request.params.get("DisplayName") or created.id))
    return created.id


def open_job(app: PaiTuiApp, job_id: str, name: str) -> None:
    from paitui.ui.screens.job import JobDetailScreen

    app.notifier.watch("job", job_id, name, "Creating")
    app.push_detail(JobDetailScreen(job_id, name))


def _read_refusal(error: PaiError) -> Refusal:
    return Refusal("(reading)", "read-failed", "could not check: " + error_lines(error).replace("\n", " · "))


def _read_only_refusal() -> Refusal:
    from paitui.live.actions import READ_ONLY_REASON

    return Refusal("(read-only)", "read-only", f"{READ_ONLY_REASON}; nothing can be submitted")


# --- from a template ---------------------------------------------------------------------------------------

async def submit_from_template(app: PaiTuiApp, template_id: str) -> str | None:
    """GetJobTemplate, the form, the confirmation, CreateJob; the new job's id (``None``: nothing sent)."""
    from paitui.live.create.template_merge import load_template

    try:
        template = await load_template(app.client, template_id)
    except PaiError as error:
        app.notify(error_lines(error), title="could not read the template", severity="error", markup=False,
                   timeout=12)
        return None
    request = await app.push_screen_wait(template_form(app, template))
    if request is None:
        app.notify("submit from template cancelled: nothing was sent", markup=False, timeout=3)
        return None
    return await confirm_and_send(app, request)


def template_form(app: PaiTuiApp, template: JobTemplateSource) -> Any:
    from paitui.live.create import template_form as tf
    from paitui.live.create.job_request import create_job_request
    from paitui.live.create.job_rules import check_job_body
    from paitui.ui.widgets.template_form import FormField, TemplateSubmitForm

    fields = [FormField(tf.NAME, "required", "", True),
              FormField(tf.WORKSPACE, "", app.workspace_id or template.workspace_id, True)]
    fields += [FormField(f.path, f.constraint, tf.field_text(f.value), f.editable) for f in template.fields()]

    def preview(texts: dict[str, str]) -> tuple[dict[str, Any], list[Refusal]]:
        body, refusals = tf.preview(template, texts)
        return body, refusals + check_job_body(body)  # the rules that need no reading, as the user types

    async def check(texts: dict[str, str], allow: bool) -> tuple[CreateRequest | None, Sequence[Refusal]]:
        if app.is_read_only:
            return None, [_read_only_refusal()]
        body, overrides = tf.form_inputs(template, texts)
        try:
            request = await create_job_request(app.client, body, template=template, overrides=overrides,
                                               allow_unregistered_image=allow)
        except PaiError as error:
            return None, [_read_refusal(error)]
        return request, request.refusals

    version = f" v{template.version}" if template.version is not None else ""
    return TemplateSubmitForm(f"New job from template {template.name}{version}", fields, preview, check)


# --- edit and resubmit in full ------------------------------------------------------------------------------

def editor_command(app: PaiTuiApp) -> list[str] | None:
    """``$VISUAL`` or ``$EDITOR`` split as a shell would, unless paitui runs in a browser (no terminal to lend)."""
    if app.is_web:
        return None
    raw = os.environ.get("VISUAL") or os.environ.get("EDITOR") or ""
    try:
        command = shlex.split(raw)
    except ValueError:
        return None
    return command or None


async def run_editor(app: PaiTuiApp, command: list[str], text: str) -> tuple[str | None, str]:
    """Let the user edit ``text`` in ``command``; the edited text (``None`` when the editor failed) and why.

    The file is 0600 in a 0700 temporary folder (the body may hold envs and credentials) and is removed
    afterwards, whatever happens. The dashboard is suspended while the editor owns the terminal (Textual's
    ``App.suspend``, nothing is drawn meanwhile); without a terminal to lend (headless) the editor runs as a
    subprocess the loop awaits."""
    folder = Path(tempfile.mkdtemp(prefix="paitui-job-"))
    try:
        path = folder / "job.yaml"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        try:
            if app.is_headless:
                process = await asyncio.create_subprocess_exec(
                    *command, str(path), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)
                status = await process.wait()
            else:
                with app.suspend():
                    status = subprocess.run([*command, str(path)], check=False).returncode
        except (OSError, subprocess.SubprocessError, SuspendNotSupported) as error:
            return None, f"could not run {command[0]}: {error or type(error).__name__}"
        if status != 0:
            return None, f"{command[0]} exited with status {status}"
        return path.read_text(encoding="utf-8"), ""
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def resubmit(app: PaiTuiApp, target: Target) -> str | None:
    """The clone's whole body in an editor, checked until it passes (or the user gives up), confirmed, sent;
    the new job's detail opens. ``None``: nothing was sent."""
    from paitui.live import actions as act
    from paitui.live.create.body_file import dump_body
    from paitui.ui.widgets.action_panel import ActionPanel, Entry
    from paitui.ui.widgets.job_editor import JobEditorModal

    try:
        source = await act.load_clone_source(app.client, target.id)
    except PaiError as error:
        app.notify(error_lines(error), title="could not read the job to clone", severity="error", markup=False,
                   timeout=10)
        return None
    label = f"new job from {target.label}"
    text = EDIT_HEADER.format(label=label) + dump_body(act.clone_body(source.job, name=source.name))
    command = editor_command(app)
    allow = False
    problems: list[Problem] = []

    async def check(edited: str, allowed: bool) -> tuple[CreateRequest | None, list[Problem]]:
        return await check_edit(app, edited, allowed)

    request: CreateRequest | None = None
    edit = True  # False: the problems came from a re-check (the override), show them before editing again
    while request is None:
        if command is None:
            request = await app.push_screen_wait(JobEditorModal(f"Edit and resubmit {target.label}", text, check,
                                                                problems=problems, allow_unregistered_image=allow))
            break
        if edit:
            edited, why = await run_editor(app, command, text)
            if edited is None:
                app.notify(f"{why}; nothing was sent", title="edit and resubmit", severity="warning", markup=False)
                return None
            text = edited
            request, problems = await check(text, allow)
            if request is not None:
                break
        image = any("image-not-registered" in line for line, _ in problems)
        entries = [Entry("edit", f"Edit again in {Path(command[0]).name}", "e", True, "the text is kept"),
                   Entry("inapp", "Edit in paitui", "i", True),
                   Entry("allow", "Send the unregistered image anyway", "a", image and not allow,
                         "" if image and not allow else "no image problem")]
        subject = "Not sent. Problems:\n" + "\n".join(f" • {line}" for line, _ in problems)
        choice = await app.push_screen_wait(ActionPanel("Edit and resubmit", subject, entries))
        if choice is None:
            break
        edit = choice != "allow"
        if choice == "inapp":
            command = None
        elif choice == "allow":
            allow = True
            request, problems = await check(text, allow)
    if request is None:
        app.notify("edit and resubmit cancelled: nothing was sent", markup=False, timeout=3)
        return None
    return await confirm_and_send(app, request)


async def check_edit(app: PaiTuiApp, text: str, allow: bool) -> tuple[CreateRequest | None, list[Problem]]:
    """The edited text as a request, or its problems with their lines."""
    from paitui.live.create.body_file import read_body
    from paitui.live.create.job_request import create_job_request

    if app.is_read_only:
        return None, [(_read_only_refusal().line(), None)]
    try:
        body = read_body(text, "the editor")
    except Refused as refused:
        return None, [(r.line(), _line_in(r.field)) for r in refused.refusals]
    try:
        request = await create_job_request(app.client, body.data, allow_unregistered_image=allow)
    except PaiError as error:
        return None, [(_read_refusal(error).line(), None)]
    if request.refusals:
        return None, [(r.line(), body.line_of(r.field)) for r in body.locate(request.refusals)]
    return request, []


def _line_in(field: str) -> int | None:
    """The line an ``unreadable`` refusal names ("the editor line 3, column 1")."""
    words = field.replace(",", " ").split()
    if "line" in words:
        after = words[words.index("line") + 1] if words.index("line") + 1 < len(words) else ""
        return int(after) if after.isdigit() else None
    return None
