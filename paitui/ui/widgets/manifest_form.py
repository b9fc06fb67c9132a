"""Asks for a pipeline manifest file (create or update a pipeline from it); after a refused attempt it shows
what the manifest broke, field by field, and keeps the path for the next try. Reading and checking the file
is the screen's (``live.create.pipelines``): this returns the path."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Input, Label, Static

from paitui.ui.widgets.forms import FormModal


class ManifestPathForm(FormModal[str]):
    DEFAULT_CSS = """
    ManifestPathForm #manifest-refusals { color: $error; height: auto; max-height: 20; margin-top: 1; }
    """

    def __init__(self, title: str, path: str = "", refusals: str = "") -> None:
        super().__init__(title)
        self.path = path
        self.refusals = refusals

    def fields(self) -> ComposeResult:
        yield Label("Manifest file (core/v1 YAML)")
        yield Input(self.path, placeholder="path/to/pipeline.yaml", id="form-path")
        yield Static(Text(self.refusals), id="manifest-refusals")

    def value(self) -> str:
        path = self.query_one("#form-path", Input).value.strip()
        if not path:
            raise ValueError("give the path of a manifest file")
        return path
