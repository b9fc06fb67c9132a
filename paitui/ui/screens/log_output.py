"""Getting lines out of the log screen: the file ``save`` writes (every fetched line, from the spool), the
clipboard text of a selection, and handing a saved file to ``$PAGER``; ``LogOutputActions`` are the log
screen's ``ctrl+s`` save, ``c`` copy and ``v`` pager."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import subprocess
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from paitui.live.logsearch import utc_stamp
from paitui.ui.screens.log_source import LogSource

if TYPE_CHECKING:
    from paitui.live.spool import LogSpool
    from paitui.ui.screens.base import PaiScreen
    from paitui.ui.widgets.log_view import LogView

    _Screen = PaiScreen
else:
    _Screen = object  # a plain mixin at runtime, like ``paitui.ui.screens.actions.ActionsMixin`` (same reason)


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
    """Save (the whole spooled history, not just the view), copy the selection, page a saved copy."""

    source: LogSource
    spool: LogSpool
    _saved: Path | None

    if TYPE_CHECKING:
        @property
        def view(self) -> LogView: ...
        def _render_status(self) -> None: ...

    def save_path(self) -> Path:
        return save_path(self.source, self.pai.backend.now())

    async def save(self) -> Path:
        """Write every fetched line (the spool, not the view) to ``<name>-<pod>-<time>.log`` here."""
        path = await asyncio.to_thread(self.spool.save, self.save_path())
        self._saved = path
        self._render_status()
        return path

    async def _save_or_say(self) -> Path | None:
        """``save``, or say why it could not (None)."""
        try:
            return await self.save()
        except OSError as error:
            self.notify(f"could not save: {error}", severity="error", markup=False)
            return None

    @work(exclusive=True, group="log-save", exit_on_error=False)
    async def action_save(self) -> None:
        path = await self._save_or_say()
        if path is None:
            return
        self.notify(f"saved {self.spool.count:,} lines to {path}", markup=False)

    def action_copy(self) -> None:
        lines = self.view.selection()
        if not lines:
            self.notify("nothing to copy", markup=False)
            return
        self.app.copy_to_clipboard("\n".join(lines))
        self.notify(copied_message(lines), markup=False, timeout=2)

    @work(exclusive=True, group="log-save", exit_on_error=False)
    async def action_pager(self) -> None:
        path = await self._save_or_say()
        if path is None:
            return
        command = pager_command(path)
        try:
            with self.app.suspend():
                run_pager(command)
        except Exception as error:  # no terminal to give away (web/headless) or no such pager
            self.notify(f"could not open {command[0]}: {error}; the log is saved at {path}", severity="warning",
                        markup=False)
