"""The ``/`` filter box of a list: an Input and, under it, why the typed text is not a filter.

It parses as the user types and posts ``FilterBox.Applied`` with the filter in force. The rule: a finished
token (followed by a space), enter and an emptied box *commit* the filter; while the text does not parse
(an invalid regex, an unknown field), the last committed filter stays in force — not the half-typed text
before it (``foo`` on the way to ``foo:bar`` was never meant as a name search).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from paitui.live.filtering import TEXT_FIELD, Filter, FilterError
from paitui.ui.focus import focus_now


def hint(fields: Iterable[str]) -> str:
    """The placeholder, from the list's own fields (``owner:me`` as the example only where there is one)."""
    named = [name for name in fields if name != TEXT_FIELD]
    example = "owner:me" if "owner" in named else "status:Running" if "status" in named else ""
    return (f"filter: text or /regex/, field:value ({', '.join(named)}; a,b or *), "
            + (f"e.g. {example}, " if example else "") + "! inverts")


class FilterBox(Widget):
    DEFAULT_CSS = """
    FilterBox { height: auto; layout: vertical; }
    FilterBox #filter, FilterBox #filter:focus { display: none; height: 1; border: none; padding: 0 1;
                                                 background: $boost; }
    FilterBox #filter.-open { display: block; }
    FilterBox #filter.-error { background: $error 30%; }
    FilterBox #filter-message { display: none; height: 1; padding: 0 1; color: $error; }
    FilterBox #filter-message.-shown { display: block; }
    """

    class Applied(Message):
        """The filter in force is now ``filter`` (``None``: none); ``done``: enter committed it."""

        def __init__(self, box: FilterBox, filter: Filter | None, done: bool) -> None:
            super().__init__()
            self.box = box
            self.filter = filter
            self.done = done

        @property
        def control(self) -> FilterBox:
            return self.box

    def __init__(self, parse: Callable[[str], Filter], *, placeholder: str, showing_all: str,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self._parse = parse
        self._placeholder = placeholder  # ``hint(fields)``
        self.showing_all = showing_all  # what the list shows without a filter ("all running jobs")
        self._in_force: Filter | None = None
        self._committed: Filter | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self._placeholder, id="filter")
        yield Static(id="filter-message")

    @property
    def input(self) -> Input:
        return self.query_one("#filter", Input)

    @property
    def is_open(self) -> bool:
        return self.input.has_class("-open")

    def open(self) -> None:
        box = self.input
        box.add_class("-open")
        focus_now(box)

    def close(self) -> bool:
        """Empty and hide the box (the empty text commits no filter); whether it was open."""
        box = self.input
        if not box.has_class("-open"):
            return False
        if box.value:
            box.value = ""
        box.remove_class("-open")
        return True

    @on(Input.Changed, "#filter")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        value = event.value
        self._apply(value, commit=not value or (value[-1].isspace() and bool(value.strip())), done=False)

    @on(Input.Submitted, "#filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._apply(event.value, commit=True, done=True) and not event.value:
            event.input.remove_class("-open")

    def _apply(self, text: str, *, commit: bool, done: bool) -> bool:
        message = self.query_one("#filter-message", Static)
        try:
            parsed = self._parse(text) if text.strip() else None
        except FilterError as exc:
            self.input.add_class("-error")
            kept = self._committed.describe() if self._committed is not None else self.showing_all
            message.update(Text(f"{exc} · showing {kept}"))
            message.add_class("-shown")
            if self._in_force is not self._committed:
                self._in_force = self._committed
                self.post_message(self.Applied(self, self._committed, done=False))
            return False
        self.input.remove_class("-error")
        message.remove_class("-shown")
        self._in_force = parsed
        if commit:
            self._committed = parsed
        self.post_message(self.Applied(self, parsed, done=done))
        return True
