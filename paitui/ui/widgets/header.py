"""The top bar: where you are (breadcrumbs) and what you are looking at (profile, region, workspace,
DEMO / READ-ONLY badges, last refresh or "stale since", what the requests cost when a cap or budget is set,
and "slowed: …" while the request budget stretches polling)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from paitui.api.errors import WORDS

NARROW = 120


class TopBar(Horizontal):
    DEFAULT_CSS = """
    TopBar { height: 1; dock: top; background: $panel; }
    TopBar > #crumbs { width: 1fr; padding: 0 1; }
    TopBar > #badges { width: auto; padding: 0 1; }
    """

    def __init__(self, crumbs: list[str]) -> None:
        super().__init__()
        self._crumbs = crumbs

    def compose(self) -> ComposeResult:
        yield Static(id="crumbs")
        yield Static(id="badges")

    def on_mount(self) -> None:
        for name in ("region", "workspace_label", "refreshed_at", "stale_since", "stale_reason", "profile_label",
                     "usage_figure", "slowed_reason"):
            self.watch(self.app, name, self._refresh_badges, init=False)
        self.set_crumbs(self._crumbs)
        self._refresh_badges()

    def on_resize(self) -> None:
        self._refresh_badges()

    def set_crumbs(self, crumbs: list[str]) -> None:
        self._crumbs = crumbs
        if not self.is_attached or not self.query("#crumbs"):
            return  # popped while mounting (a quick view switch): nothing to draw into
        # one line, cut at the end: a wrapped second line would be hidden, leaving only "paitui"
        text = Text(" paitui ", style="bold reverse", no_wrap=True, overflow="ellipsis")
        crumbs = [crumb for crumb in crumbs if crumb]  # the region is "" until the backend is open
        for index, crumb in enumerate(crumbs):
            text.append(" › " if index else "  ", style="dim")
            text.append(crumb, style="bold" if index == len(crumbs) - 1 else "")  # Text(): never markup
        self.query_one("#crumbs", Static).update(text)

    def _refresh_badges(self, *_: object) -> None:
        if not self.is_attached or not self.query("#badges"):
            return
        app = self.app
        text = Text()
        # below NARROW columns the badges leave the room to the breadcrumbs, which name the workspace too
        narrow = 0 < app.size.width < NARROW
        profile = getattr(app, "profile_label", "")
        if profile and not narrow:
            text.append(f"{profile} · ", style="dim")
        text.append(str(getattr(app, "region", "")))
        workspace = getattr(app, "workspace_label", "")
        if workspace and not narrow:
            text.append(" · ws ")
            text.append(workspace, style="bold")
        if getattr(app, "is_demo", False):
            text.append("  ")
            text.append(" DEMO ", style="bold black on yellow")
        if getattr(app, "is_read_only", False):
            text.append("  ")
            text.append(" READ-ONLY ", style="bold white on dark_red")
        stale: datetime | None = getattr(app, "stale_since", None)
        refreshed: datetime | None = getattr(app, "refreshed_at", None)
        if stale is not None:
            reason = stale_words(getattr(app, "stale_reason", ""))
            text.append("  ")
            text.append(f" stale since {stale.astimezone():%H:%M:%S} ({reason}) ", style="bold white on red")
        elif refreshed is not None:
            text.append(f"  ⟳ {refreshed.astimezone():%H:%M:%S}", style="dim")
        figure = getattr(app, "usage_figure", "")
        if figure and not narrow:  # at 80 columns it would crowd out the breadcrumbs; :requests has it
            text.append(f"  {figure}", style="dim")
        slowed = getattr(app, "slowed_reason", "")
        if slowed:  # polling is stretched: say so, or a slow screen looks broken (narrow: "slowed ×4" alone)
            text.append("  ")
            text.append(f" {slowed.partition(':')[0] if narrow else slowed} ", style="bold black on dark_orange")
        self.query_one("#badges", Static).update(text)


def stale_words(reason: str) -> str:
    """The header's reason for stale data in words: screens report a server code ("Throttling.User") or
    already the words of ``describe`` ("timed out"); a code gets its words in front ("throttled · …")."""
    if not reason:
        return "refresh failing"
    if reason in WORDS.values():
        return reason
    from paitui.api.responses import describe_code  # httpx, with the client: only once a refresh failed

    words = describe_code(reason)
    return f"{words} · {reason}" if words else reason
