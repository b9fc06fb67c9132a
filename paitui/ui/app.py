"""The Textual app: global state (region, workspace, refresh health), navigation and the ``:`` commands.

Screens are imported lazily by name so that startup stays fast. Each list screen is a root view, kept while
another is shown (``ui.root_views``); detail screens are pushed on top and ``esc`` pops them.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.events import Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from paitui.kinds import viewed
from paitui.ui import commands
from paitui.ui.behaviours.in_flight import InFlight
from paitui.ui.focus import text_entry_active
from paitui.ui.key_order import KeyOrder
from paitui.ui.root_views import RootViews
from paitui.ui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen
from paitui.ui.theming import DEFAULT_THEME, load_themes

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.backend import Backend
    from paitui.config import Settings
    from paitui.live.budget import RequestGovernor

# derived from the kinds' declarations (``paitui.kinds``): view name -> "module:Class" of its screen, and the
# views that list one workspace's resources (specs, schedules and workspaces are not scoped)
# (None: the generic list screen, built from the kind's declaration)
VIEWS: dict[str, str | None] = {k.view: k.screen for k in viewed() if k.view}
WORKSPACE_SCOPED = frozenset(k.view for k in viewed() if k.view and k.workspace_scoped)


@dataclass(frozen=True)
class DeferredStart:
    """A start that paints before the settings are validated and the backend is built (issue 13: the client,
    pydantic, httpx and the simulator are most of a start's own cost). The first frame shows the shell from
    what the settings' layers say as given (``paitui.config_layers``); ``open`` then runs on a thread of its
    own, off the UI loop, and returns the validated settings and the backend, or the one line that says why
    the dashboard cannot start (the app then leaves with status 2 and prints it)."""

    open: Callable[[], tuple[Settings, Backend] | str]
    theme: str | None = None
    workspace: str | None = None
    profile: str | None = None
    demo: bool = False  # --demo: the header says DEMO from the first frame (else once the backend says so)
    read_only: bool = False


class PaiTuiApp(App[None]):
    CSS_PATH = "paitui.tcss"
    TITLE = "paitui"
    BINDINGS = [
        Binding("colon", "command_bar", "Command", key_display=":", priority=True, id="command"),  # see ui.focus
        Binding("question_mark", "help", "Help", key_display="?", id="help"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="quit"),
    ]

    region: reactive[str] = reactive("")
    workspace_label: reactive[str] = reactive("")
    profile_label: reactive[str] = reactive("")
    refreshed_at: reactive[datetime | None] = reactive(None)
    stale_since: reactive[datetime | None] = reactive(None)
    stale_reason: reactive[str] = reactive("")
    usage_figure: reactive[str] = reactive("")  # "42 req/min · ¥0.03 today", when a cap or budget is set
    slowed_reason: reactive[str] = reactive("")  # "slowed ×4: daily budget 92 % used" (live.budget)

    # set once the backend is open: at once when one is given, after the first frame for a ``DeferredStart``
    settings: Settings
    backend: Backend
    client: PaiClient
    governor: RequestGovernor

    def __init__(self, settings: Settings | None = None, backend: Backend | None = None, *,
                 deferred: DeferredStart | None = None) -> None:
        super().__init__()
        if deferred is None and (settings is None or backend is None):
            raise TypeError("PaiTuiApp needs settings and a backend, or a DeferredStart")
        self._deferred = deferred
        self._backend_is_open = asyncio.Event()  # the backend is open (``when_ready``)
        self._on_ready: list[Callable[[], None]] = []
        self._leaving = False
        # why a deferred start could not open its backend (bad settings, unusable credentials): the app leaves
        # with status 2 and the caller prints it once the terminal is restored (``paitui.cli``)
        self.start_problem: str | None = None
        self.is_demo = deferred.demo if deferred is not None else False
        self.is_read_only = deferred.read_only if deferred is not None else False
        self.workspace_id: str | None = None
        self.current_view = "workspaces"
        self.views = RootViews(self)
        from paitui.live.notify import TerminalNotifier

        self.notifier = TerminalNotifier()
        self._keys = KeyOrder(self)
        self.in_flight = InFlight()  # resources an action is being sent to (ui.behaviours.actions claims them)
        self.crash: tuple[BaseException, Path | None] | None = None  # the unhandled exception and its report
        if settings is not None and backend is not None:
            self._adopt(settings, backend)
        self._choose_theme()

    def _adopt(self, settings: Settings, backend: Backend) -> None:
        """The backend is open: what the screens ask of the app (client, settings, budget) exists from now."""
        from paitui.live.budget import RequestGovernor

        self.settings = settings
        self.backend = backend
        self.client = backend.client
        self.is_demo = backend.mode == "demo"
        self.is_read_only = backend.client.read_only
        # the request budget every watch of this app is slowed by (screens pass it to their watches)
        self.governor = RequestGovernor(backend.client.meter, max_per_minute=settings.max_requests_per_minute,
                                        daily_budget=settings.daily_request_budget)
        self._backend_is_open.set()

    @property
    def ready(self) -> bool:
        """The backend is open (with a ``DeferredStart``, not before the first frame)."""
        return self._backend_is_open.is_set()

    def when_ready(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` on the UI loop once the backend is open (now, when it already is)."""
        if self.ready:
            callback()
        else:
            self._on_ready.append(callback)

    async def wait_ready(self) -> None:
        await self._backend_is_open.wait()

    # --- startup ---

    def _choose_theme(self) -> None:
        """Register the themes and pick one before the stylesheet is first built: set in ``on_mount``, the
        change of theme parsed and applied every style a second time before the first frame."""
        themes, problems = load_themes()
        for theme in themes.values():
            self.register_theme(theme)
        wanted = (self._deferred.theme if self._deferred is not None else self.settings.theme) or DEFAULT_THEME
        if wanted not in self.available_themes:
            problems.append(f"unknown theme {wanted!r}; using {DEFAULT_THEME}")
            wanted = DEFAULT_THEME
        self.theme = wanted
        self._theme_problems = problems

    async def on_mount(self) -> None:
        deferred = self._deferred
        for problem in self._theme_problems:
            self.notify(problem, severity="warning", markup=False)
        workspace = deferred.workspace if deferred is not None else self.settings.workspace
        if deferred is not None:
            self.profile_label = deferred.profile or ""
        else:
            self._backend_opened()
        if workspace:
            self.select_workspace(workspace, view="jobs")  # looked up once the backend is open
        else:
            self.open_view("workspaces")  # its table says "Loading workspaces…" until the rows come
        self._check_size(self.size.width, self.size.height)
        self._catch_signals()

    def on_ready(self) -> None:
        """The first frame is on the terminal: now clean up old spools, and open a deferred start's backend
        on a thread."""
        self._clean_spools()
        deferred = self._deferred
        if deferred is None or self.ready:
            return
        loop = asyncio.get_running_loop()

        def open_backend() -> None:
            try:
                opened: tuple[Settings, Backend] | str | BaseException = deferred.open()
            except BaseException as exc:  # an unexpected failure: the app's crash report, on the UI loop
                opened = exc
            # handed to the app's own message queue, so it runs in the app's context (its timers, workers);
            # RuntimeError: the app left (and its loop closed) while the backend was opening
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.call_later, self._opened, opened)

        # a daemon thread: quitting during the start does not wait for its imports
        threading.Thread(target=open_backend, name="paitui-open", daemon=True).start()

    def _opened(self, opened: tuple[Settings, Backend] | str | BaseException) -> None:
        if isinstance(opened, BaseException):
            raise opened
        if isinstance(opened, str):  # bad settings or unusable credentials: said once the terminal is restored
            self.start_problem = opened
            self.exit(return_code=2)
            return
        if self._leaving:  # quit while it opened: nothing was sent, nothing to save
            return
        self._adopt(*opened)
        self._backend_opened()

    def _backend_opened(self) -> None:
        self.region = self.client.region
        self.profile_label = self.settings.profile or self.backend.label
        self._start_metering()
        waiting, self._on_ready = self._on_ready, []
        for callback in waiting:
            callback()

    @work(group="startup-cleanup", exit_on_error=False)
    async def _clean_spools(self) -> None:
        """Log spools a killed paitui left behind: a directory walk and deletions, in a thread, so the first
        frame and the first keys never wait for the disk."""
        from paitui.live.spool import clean_at_start

        await asyncio.to_thread(clean_at_start)

    async def on_unmount(self) -> None:
        self._leaving = True
        self._release_signals()
        if self.ready:
            await self.backend.aclose()  # saves the request counts (backend.usage)

    # --- what the requests cost (live.budget, live.usage) ---

    USAGE_EVERY = 2.0  # seconds between updates of the header's figure and the slow-down notice

    def _start_metering(self) -> None:
        from paitui.live.usage import price_table
        from paitui.live.usage_store import SAVE_EVERY

        self._prices = price_table(self.settings)
        self.set_interval(self.USAGE_EVERY, self._usage_tick, name="usage")
        if self.backend.usage is not None:
            self.set_interval(SAVE_EVERY, self._save_usage, name="usage-save")

    @work(exclusive=True, group="usage", exit_on_error=False)
    async def _usage_tick(self) -> None:  # a timer only starts workers: an exception must not end the app
        self.refresh_usage()

    def refresh_usage(self) -> None:
        """The header's figure and slow-down notice, from the meter (memory only, no request)."""
        from paitui.live.usage import compact

        self.slowed_reason = self.governor.slowdown().reason
        self.usage_figure = compact(self.client.meter, self._prices) if self.governor.active else ""

    @work(exclusive=True, group="usage-save", exit_on_error=False)
    async def _save_usage(self) -> None:
        if self.backend.usage is not None:
            await self.backend.usage.save_async()  # the file I/O runs in a thread

    # --- leaving: signals, a crash, actions still running ---

    # SIGTERM and SIGHUP leave as ctrl+q does (alternate screen left, mouse off, cursor shown): by default
    # they killed the process with the terminal still in the dashboard's modes. Exit status 128 + signal.
    SIGNALS = {signal.SIGTERM: 143, signal.SIGHUP: 129}

    def _catch_signals(self) -> None:
        if self.is_headless:  # tests: the test runner owns the process's signals
            return
        loop = asyncio.get_running_loop()
        for signum, code in self.SIGNALS.items():
            loop.add_signal_handler(signum, self.exit, None, code)
        # a blocked signal stays pending for ever: a parent may start us with them blocked (it is inherited)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, set(self.SIGNALS))

    def _release_signals(self) -> None:
        if self.is_headless:
            return
        loop = asyncio.get_running_loop()
        for signum in self.SIGNALS:
            loop.remove_signal_handler(signum)

    def _handle_exception(self, error: Exception) -> None:
        """An unhandled exception: the traceback goes to a file (see ``_print_error_renderables``)."""
        if self.crash is None:
            from paitui.crash_report import write_crash_report

            try:
                path: Path | None = write_crash_report(error)
            except OSError:
                path = None
            self.crash = (error, path)
        super()._handle_exception(error)

    def _print_error_renderables(self) -> None:
        """Once the terminal is restored: one line naming the crash report, not a screenful of traceback."""
        if self.crash is None or not self._exit_renderables:
            super()._print_error_renderables()
            return
        from paitui.crash_report import crash_line

        self._exit_renderables.clear()
        self.error_console.print(crash_line(*self.crash), markup=False, highlight=False, soft_wrap=True)

    def running_actions(self) -> int:
        """Resources an action is still being sent to."""
        return len(self.in_flight.keys)

    def action_quit(self) -> None:  # type: ignore[override]
        """ctrl+q and ``:q``: with an action still running, ask first (its outcome would go unreported)."""
        from paitui.ui.widgets.confirm import ConfirmModal

        count = self.running_actions()
        if not count:
            self.exit()
            return
        if any(getattr(s, "quit_prompt", False) for s in self.screen_stack):
            return  # already asking
        title = f"{count} action{' is' if count == 1 else 's are'} still running: quit anyway"
        modal = ConfirmModal(title, [], "Quitting now leaves the outcome unreported here; the cloud may still "
                             "apply it (check the resource afterwards).", confirm_label="Quit")
        modal.quit_prompt = True  # type: ignore[attr-defined]
        self.push_screen(modal, callback=lambda ok: self.exit() if ok else None)

    async def on_event(self, event: events.Event) -> None:
        # one key at a time, each to the screen on top once the previous one has done its work: ui.key_order
        if not isinstance(event, events.Key):
            await super().on_event(event)
            return
        bubbled = event.is_forwarded
        if await self._keys.admit(event):
            await super().on_event(event)
            self._keys.done(event, bubbled)

    # --- navigation (each root view keeps its screen: ``ui.root_views``) ---

    def open_view(self, name: str) -> None:
        """Show root view ``name``: the one kept from an earlier visit, else a new one (k9s-style navigation)."""
        self.current_view = name
        self.views.open(name)
        self._check_size(self.size.width, self.size.height)  # the too-small guard stays on top

    def push_detail(self, screen: Screen) -> None:
        self.push_screen(screen)

    def go_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()
            self.views.restate_health()
        elif self.current_view != "workspaces":
            self.open_view("workspaces")

    @work(exclusive=True, group="workspace-lookup", exit_on_error=False)
    async def select_workspace(self, wanted: str, view: str = "jobs") -> None:
        """Switch every list to workspace ``wanted`` (id or name); unknown names change nothing."""
        from paitui.api.errors import PaiError

        await self.wait_ready()
        try:
            found = None
            names: list[str] = []
            async for ws in self.client.workspace.iter_workspaces():
                if wanted in (ws.workspace_id, ws.workspace_name, ws.display_name):
                    found = ws
                    break
                names.append(ws.workspace_name or ws.workspace_id or "")
        except PaiError as error:
            self.show_error(error)
            if not self.views.showing():
                self.open_view("workspaces")
            return
        if found is None:
            close = commands.closest_names(wanted, names)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            self.notify(f"no workspace {wanted!r} in {self.region}{hint} (still in {self.workspace_label or 'none'})",
                        severity="error", markup=False)
            if not self.views.showing():
                self.open_view("workspaces")
            return
        self.set_workspace(found.workspace_id, found.workspace_name or found.workspace_id)
        self.open_view(view)

    def set_workspace(self, workspace_id: str | None, label: str | None) -> None:
        """Enter a workspace: the kept views of the one before are dropped (a kept jobs list of workspace A
        must never show under B); the view on screen, if scoped, is opened afresh in the new one."""
        changed = workspace_id != self.workspace_id
        self.workspace_id = workspace_id
        self.workspace_label = label or ""
        if changed:  # with no workspace, a scoped view on screen gives way to the workspaces
            self.views.drop(WORKSPACE_SCOPED, then=self.current_view if workspace_id else "workspaces")

    # --- commands ---

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``:`` is a priority binding (see ``ui.focus``): a character in text fields and dialogs."""
        if action == "command_bar":
            from paitui.ui.widgets.command_bar import CommandBar

            return not text_entry_active(self) and bool(self.screen.query(CommandBar))
        return True

    def action_command_bar(self) -> None:
        from paitui.ui.widgets.command_bar import CommandBar

        bars = self.screen.query(CommandBar)
        if bars:
            bars.first().open()

    def action_command_palette(self) -> None:
        """Textual's palette, guarded against a crash of its list (``ui.widgets.palette``)."""
        from paitui.ui.widgets.palette import Palette

        if self.use_command_palette and not any(isinstance(screen, Palette) for screen in self.screen_stack):
            self.push_screen(Palette(id="--command-palette"))

    def action_help(self) -> None:
        from paitui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def run_command(self, text: str) -> str | None:
        """Run a ``:`` command; returns an error message (and changes nothing) when it cannot."""
        try:
            command, arg = commands.parse(text)
        except commands.CommandError as exc:
            return str(exc)
        if command.name == "quit":
            self.action_quit()
        elif command.name == "help":
            self.action_help()
        elif command.name == "region":
            return self.switch_region(arg or "")
        elif command.name == "workspaces" and arg:
            self.select_workspace(arg, view=self.current_view if self.current_view != "workspaces" else "jobs")
        elif command.name in WORKSPACE_SCOPED and self.workspace_id is None:
            self.notify("pick a workspace first (enter on a row)", markup=False)
            self.open_view("workspaces")
        else:
            self.open_view(command.name)
        return None

    def switch_region(self, region: str) -> str | None:
        from paitui.api.endpoints import validate_region

        if not self.ready:
            return "still starting: try again once the workspaces are listed"
        try:
            validate_region(region, overrides=self.settings.endpoints)  # --endpoint for all: any name
        except ValueError as exc:
            return str(exc)
        self.client.region = region
        self.region = region
        self.workspace_id = None
        self.workspace_label = ""
        self.notify(f"region {region}", markup=False)
        self.views.drop(VIEWS, then="workspaces")  # every kept view lists the region it was made in
        self.open_view("workspaces")
        return None

    def get_system_commands(self, screen: Screen) -> Any:
        yield from super().get_system_commands(screen)
        for command in commands.COMMANDS:
            if command.name in VIEWS:
                yield SystemCommand(f"Go to {command.name}", command.help,
                                    lambda name=command.name: self.run_command(name))
        from paitui.ui.screens.help import screen_bindings

        # every described key of the screen, its base classes' too (refresh, pause, sort, filter …)
        for binding in screen_bindings(screen, focused=False, app=False):
            yield SystemCommand(binding.description, f"key {binding.key_display or binding.key}",
                                lambda action=binding.action, s=screen: self.run_action(action, s))

    # --- health of the data on screen ---

    def report_refresh(self, ok_at: datetime | None, stale_since: datetime | None, reason: str = "") -> None:
        if ok_at is not None:
            self.refreshed_at = ok_at
        self.stale_since = stale_since
        self.stale_reason = reason if stale_since else ""

    def show_error(self, error: BaseException, *, title: str | None = None) -> None:
        """A toast with Code, Message and RequestId (never markup: server text is not trusted)."""
        from paitui.api.errors import PaiError, describe

        if isinstance(error, PaiError):
            lines = [str(error)]
            if error.recommend:
                lines.append(f"Recommend: {error.recommend}")
        else:
            lines = [f"{describe(error)}: {error}"]
        self.notify("\n".join(lines), title=title or "PAI error", severity="error", markup=False, timeout=8)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place for worker failures (workers run with exit_on_error=False): say so, never die silently."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.log.error(f"worker {event.worker.name} failed", event.worker.error)
            self.show_error(event.worker.error, title=f"{event.worker.name or 'background task'} failed")

    # --- size ---

    def on_resize(self, event: Resize) -> None:
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        showing = isinstance(self.screen, TooSmallScreen)
        if small and not showing:
            self.push_screen(TooSmallScreen())
        elif small and isinstance(self.screen, TooSmallScreen):  # showing
            self.screen.update_size(width, height)
        elif not small and showing:
            self.pop_screen()


def make_app(settings: Settings, backend: Backend | None = None) -> PaiTuiApp:
    """The one factory used by the CLI and the tests."""
    if backend is None:
        from paitui.backend import open_backend

        backend = open_backend(settings)
    return PaiTuiApp(settings, backend)
