"""Getting lines out of the log screen: the file ``save`` writes (the whole log, read again from PAI from its
beginning by ``paitui.live.log_export``, written atomically and 0600), the clipboard text of a selection, and
handing a saved file to ``$PAGER``; ``LogOutputActions`` are the log screen's ``ctrl+s`` save, ``c`` copy
and ``v`` pager."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

from paitui.api.errors import PaiError
from paitui.live.log_export import Export, export_node_log, export_pod_log
from paitui.live.logsearch import utc_stamp
from paitui.ui.behaviours.log_source import LogSource

if TYPE_CHECKING:
    from paitui.ui.screens.base import PaiScreen
    from paitui.ui.widgets.log_view import LogView

    _Screen = PaiScreen
else:
    _Screen = object  # a plain mixin at runtime, like ``paitui.ui.behaviours.actions.ActionsMixin`` (same reason)


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "log"


def save_path(s: LogSource, now: datetime) -> Path:
    """``<run or job>-<node or pod[-uid] or all>-<time>.log`` in the current directory."""
    if s.kind == "node":
        name, part = s.run_name or s.run_id, s.node_name or s.node_id
    else:
        name = s.job_name or s.job_id
        part = "all" if s.merged else (s.pod_id or "pod") + (f"-{s.pod_uid[:8]}" if s.pod_uid else "")
    return Path.cwd() / f"{_safe(name)}-{_safe(part)}-{utc_stamp(now)}.log"


def copied_message(lines: Sequence[str]) -> str:
    return f"copied {len(lines)} line{'s' if len(lines) != 1 else ''} to the clipboard"


def pager_command(path: Path) -> list[str]:
    """``$PAGER`` (with its arguments), else ``less``, on ``path``."""
    return [*shlex.split(os.environ.get("PAGER") or "less"), str(path)]


def run_pager(command: list[str]) -> None:
    """Run the pager in the foreground (the caller has suspended the app)."""
    subprocess.run(command, check=False)


class LogOutputActions(_Screen):
    """Save (the whole log, not just the view or the spool), copy the selection, page a saved copy."""

    source: LogSource
    detail: Any
    page_lines: int
    interval: float
    _saved: Path | None

    if TYPE_CHECKING:
        @property
        def view(self) -> LogView: ...
        def _render_status(self) -> None: ...
        async def _pace(self) -> None: ...

    def save_path(self) -> Path:
        return save_path(self.source, self.pai.backend.now())

    async def save(self) -> Export:
        """Read the whole log again from PAI into ``<name>-<pod>-<time>.log`` here (atomically)."""
        s, client, now = self.source, self.pai.client, self.pai.backend.now
        if s.kind == "node":
            result = await export_node_log(client, self.save_path(), s.run_id, s.node_id, now=now, pace=self._pace,
                                           page_size=min(self.page_lines, 1000), retry_base=self.interval)
        else:
            if s.pod_id is None and not s.merged:
                raise LookupError("the job has no pod yet: nothing to save")
            job = self.detail if self.detail is not None else await client.dlc.get_job(s.job_id)
            result = await export_pod_log(client, self.save_path(), s.job_id, s.pod_id,
                                          job_created=getattr(job, "gmt_create_time", None), pod_uid=s.pod_uid,
                                          container=s.container, merged=s.merged, now=now, pace=self._pace,
                                          page_lines=self.page_lines, retry_base=self.interval)
        self._saved = result.path
        self._render_status()
        return result

    async def _save_or_say(self) -> Export | None:
        """``save``, or say why it could not (None); a failed save leaves no file behind."""
        self.notify("saving the whole log …", markup=False, timeout=2)
        try:
            return await self.save()
        except PaiError as error:
            self.pai.show_error(error, title="could not save the log")
        except (OSError, LookupError) as error:
            self.notify(f"could not save: {error}", severity="error", markup=False)
        return None

    @work(exclusive=True, group="log-save", exit_on_error=False)
    async def action_save(self) -> None:
        result = await self._save_or_say()
        if result is None:
            return
        self.notify(result.describe(), markup=False, severity="information" if result.whole else "warning")

    def action_copy(self) -> None:
        lines = self.view.selection()
        if not lines:
            self.notify("nothing to copy", markup=False)
            return
        self.app.copy_to_clipboard("\n".join(lines))
        self.notify(copied_message(lines), markup=False, timeout=2)

    @work(exclusive=True, group="log-save", exit_on_error=False)
    async def action_pager(self) -> None:
        result = await self._save_or_say()
        if result is None:
            return
        path = result.path
        command = pager_command(path)
        try:
            with self.app.suspend():
                run_pager(command)
        except Exception as error:  # no terminal to give away (web/headless) or no such pager
            self.notify(f"could not open {command[0]}: {error}; the log is saved at {path}", severity="warning",
                        markup=False)
