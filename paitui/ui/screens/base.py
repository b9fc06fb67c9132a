"""What every paitui screen has: the top bar with breadcrumbs, a body, the ``:`` command bar, a footer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from paitui.kinds import ResourceKind
from paitui.kinds import kind as resource_kind
from paitui.ui.widgets.command_bar import CommandBar
from paitui.ui.widgets.header import TopBar
from paitui.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from paitui.ui.app import PaiTuiApp


class PaiScreen(Screen[None]):
    TITLE_TEXT = "paitui"
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
    ]
    # A list or detail screen names its kind once (``RESOURCE = "job"``); whether what it shows can be watched
    # or acted on follows from the kind's declaration (``paitui.kinds``), set on the subclass here.
    RESOURCE: ClassVar[str | None] = None
    resource_kind: ClassVar[ResourceKind | None] = None
    NOTIFY_KIND: ClassVar[str | None] = None  # the notifier's kind, when what is shown can finish
    ACTION_KIND: ClassVar[str] = ""  # the actions' kind, when it has actions (read by the actions mixin)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        key = cls.__dict__.get("RESOURCE")
        if key is None:
            return
        declared = resource_kind(key)
        cls.resource_kind = declared
        cls.NOTIFY_KIND = declared.key if declared.notify else None
        if declared.actions:
            cls.ACTION_KIND = declared.key
        cls.take_from_kind(declared)

    @classmethod
    def take_from_kind(cls, declared: ResourceKind) -> None:
        """What else a screen takes from its kind (a list: its name, noun and title)."""

    @property
    def pai(self) -> PaiTuiApp:
        return cast("PaiTuiApp", self.app)

    def crumbs(self) -> list[str]:
        return [self.TITLE_TEXT]

    def compose(self) -> ComposeResult:
        yield TopBar(self.crumbs())
        yield from self.compose_body()
        yield CommandBar()
        yield KeyFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def refresh_crumbs(self) -> None:
        self.query_one(TopBar).set_crumbs(self.crumbs())

    def action_back(self) -> None:
        self.pai.go_back()

    @on(CommandBar.Run)
    def _run_command(self, event: CommandBar.Run) -> None:
        bar = self.query_one(CommandBar)
        error = self.pai.run_command(event.text)
        if error:
            bar.show_error(error)
        elif bar.is_attached:
            bar.action_close()
