"""Pipeline-run detail: the run header, its DAG as a live tree, and the highlighted node's detail (status,
conditions, parameters, artifacts, produced outputs, manifest fragment).

One poll is one snapshot, fetched by the run kind (``live.run_snapshot``: GetPipelineRun plus the root
node's whole tree). A run still ``Initialized`` has no ``NodeId`` and so no tree yet. The produced outputs of
the highlighted node (ListPipelineRunNodeOutputs) load when the cursor moves and when that node's status
changes.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static, Tree

from paitui.api.errors import PaiError
from paitui.api.models.flow import NodeOutput, PipelineRun, PipelineRunNode
from paitui.live.lifecycle import run_times_text, short_reason
from paitui.live.run_snapshot import RunSnapshot, node_outputs
from paitui.live.status import Phase, is_terminal_run, node_phase, run_phase
from paitui.ui.behaviours.actions import DetailActions
from paitui.ui.behaviours.pipeline_create import PipelineCreation
from paitui.ui.screens.detail import DetailScreen
from paitui.ui.widgets.node_tree import NodeTree, node_duration, node_name

NOT_STARTED = "Not started: the run is {status} and has no nodes yet — press s to start it."
NO_NODES = "No nodes: the run is {status} and never ran a node."


class RunDetailScreen(PipelineCreation, DetailActions, DetailScreen):
    RESOURCE = "run"
    AUTO_FOCUS = "#nodes"  # arrows walk the tree, enter opens a node's logs
    BINDINGS = [
        Binding("x", "actions", "Actions", id="run-actions"),
        Binding("s", "act('start')", "Start", id="run-start", show=False),
        Binding("m", "manifest", "Manifest", id="run-manifest"),
        Binding("N", "run_again", "Run again…", key_display="N", id="run-again"),
        Binding("enter", "open_logs", "Logs", id="run-logs", show=True),
    ]
    DEFAULT_CSS = """
    RunDetailScreen #run-header { height: 3; padding: 0 1; background: $surface; }
    RunDetailScreen #run-body { height: 1fr; }
    RunDetailScreen .pane { border: round $panel-lighten-2; border-title-color: $text; padding: 0 1; }
    RunDetailScreen .pane:focus-within { border: round $primary; }
    RunDetailScreen #tree-pane { width: 2fr; }
    RunDetailScreen #node-pane { width: 3fr; }
    RunDetailScreen #nodes { height: 1fr; }
    RunDetailScreen #not-started { height: auto; color: $text-muted; padding: 1 1; display: none; }
    RunDetailScreen #tree-pane.-not-started #not-started { display: block; }
    RunDetailScreen #tree-pane.-not-started #nodes { display: none; }
    """

    def __init__(self, run_id: str, name: str | None = None, pipeline_name: str | None = None) -> None:
        super().__init__()
        self.run_id = run_id
        self.run_name = name
        self.pipeline_name = pipeline_name  # known to the runs list (ListPipelines), not to GetPipelineRun
        self.outputs: dict[str, list[NodeOutput] | str] = {}  # node id -> outputs, or why they are missing
        self._shown_status: dict[str, tuple[str | None, str | None]] = {}  # node id -> (status, progress)
        self._manifest_cache: tuple[str, Any] | None = None

    def crumbs(self) -> list[str]:
        return ["runs", self.run_name or self.run_id]

    def compose_body(self) -> ComposeResult:
        yield Static(Text(f"{self.run_name or self.run_id}  loading…"), id="run-header")
        with Horizontal(id="run-body"):
            with Vertical(id="tree-pane", classes="pane") as tree_pane:
                tree_pane.border_title = "Nodes (space: fold · enter: logs)"
                yield Static(id="not-started")
                yield NodeTree(self.colour, id="nodes")
            with VerticalScroll(id="node-pane", classes="pane") as node_pane:
                node_pane.border_title = "Node"
                yield Static(Text("loading…", style="dim"), id="node-detail")

    @property
    def node_tree(self) -> NodeTree:
        return self.query_one("#nodes", NodeTree)

    # --- fetching ---

    @property
    def subject_id(self) -> str:
        return self.run_id

    def subject_model(self, snapshot: RunSnapshot) -> PipelineRun:
        return snapshot.run

    def with_update(self, snapshot: RunSnapshot, update: dict[str, Any]) -> RunSnapshot:
        return replace(snapshot, run=snapshot.run.model_copy(update=update))

    # --- rendering ---

    def show_snapshot(self, snapshot: RunSnapshot, first: bool) -> None:
        run = snapshot.run
        now = self.now()
        if run.name and run.name != self.run_name:
            self.run_name = run.name
            self.refresh_crumbs()
        pane = self.query_one("#tree-pane")
        pane.set_class(snapshot.root is None, "-not-started")
        if snapshot.root is None:
            hint = NO_NODES if is_terminal_run(run.status) else NOT_STARTED
            self.query_one("#not-started", Static).update(Text(hint.format(status=run.status or "unknown")))
            self.query_one("#node-detail", Static).update(Text("no nodes yet", style="dim"))
        else:
            self.node_tree.update_root(snapshot.root, now)
            if self.node_tree.cursor_node is None:
                self.node_tree.move_cursor(self.node_tree.root, animate=False)
            highlighted = self.node_tree.highlighted_id or self.node_tree.root.data
            if highlighted is not None:
                node = self.node_tree.nodes.get(highlighted)
                if first or (node is not None and self._shown_status.get(highlighted) != _state(node)):
                    self.outputs.pop(highlighted, None)  # a node (or its subtree) moved on: outputs may be new
                self.show_node(highlighted)
        self._show_header(now)

    def show_state(self) -> None:
        if self.snapshot is not None:
            self._show_header(self.now())
        elif self.detail_watch is not None and self.detail_watch.error is not None:
            text = Text(f"{self.run_name or self.run_id}  ")
            text.append("could not load: ", style="bold red")
            text.append(str(self.detail_watch.error))
            self.query_one("#run-header", Static).update(text)

    def tick(self, now: datetime) -> None:
        if self.detail_watch is not None and not self.detail_watch.done:
            self.node_tree.tick(now)
            self._show_header(now)
            node = self.node_tree.nodes.get(self.node_tree.highlighted_id or "")
            if node is not None and node.status_info is not None and node_phase(node.status_info.status) == "running":
                self._render_node(node)

    def _pipeline_label(self, run: PipelineRun) -> str:
        if not run.pipeline_id:
            return "inline manifest"  # created from a PipelineManifest, the SDK's way
        if self.pipeline_name and self.pipeline_name != run.pipeline_id:
            return f"{self.pipeline_name} ({run.pipeline_id})"
        return run.pipeline_id

    def _show_header(self, now: datetime) -> None:
        run: PipelineRun = self.snapshot.run
        phase = run_phase(run.status)
        line = Text()
        line.append(run.name or self.run_id, style="bold")
        line.append("  ")
        line.append_text(self.status_text(run.status, phase))
        line.append(f"   {run_times_text(run, now)}", style="bold")
        line.append("   ")
        line.append_text(self.state_text())
        # one line, the times first: a wrapped second line pushed the run's message out of the header
        meta = Text(style="dim")
        meta.append(f"{self.run_id} · started {_when(run.started_at)} · finished {_when(run.finished_at)}")
        meta.append(f" · pipeline {self._pipeline_label(run)} · source {run.source_type or '?'}")
        if run.source_id:
            meta.append(f" {run.source_id}")
        meta.truncate(max(self.app.size.width - 2, 20), overflow="ellipsis")  # no_wrap is lost in the join
        message = Text(short_reason(None, run.message, 150) or " ", style=self.colour(phase) if run.message else "")
        self.query_one("#run-header", Static).update(Text("\n").join([line, meta, message]))

    # --- the highlighted node ---

    @on(Tree.NodeHighlighted, "#nodes")
    def _node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        if event.node is not None and event.node.data is not None and self.is_attached:
            self.show_node(event.node.data)

    def show_node(self, node_id: str) -> None:
        node = self.node_tree.nodes.get(node_id)
        if node is None:
            return
        self._shown_status[node_id] = _state(node)
        self.query_one("#node-pane").border_title = Text(f"Node · {node_name(node)}")
        if node_id not in self.outputs:
            self.outputs[node_id] = "loading…"
            self._load_outputs(node_id)
        self._render_node(node)

    def _render_node(self, node: PipelineRunNode) -> None:
        fragment = self._manifest_fragment(node)
        outputs = self.outputs.get((node.metadata.node_id or "") if node.metadata else "", "")
        body = render_node(node, outputs, self.now(), self.colour, fragment)
        self.query_one("#node-detail", Static).update(body)

    @work(exclusive=True, group="node-outputs", exit_on_error=False)
    async def _load_outputs(self, node_id: str) -> None:
        try:
            self.outputs[node_id] = await node_outputs(self.pai.client, self.run_id, node_id)
        except PaiError as error:
            self.outputs[node_id] = f"could not load outputs: {error}"
        if not self.is_attached:  # the answer came after the screen left
            return
        node = self.node_tree.nodes.get(node_id)
        if node is not None and self.node_tree.highlighted_id in (node_id, None):
            self._render_node(node)

    def _manifest_fragment(self, node: PipelineRunNode) -> str | None:
        manifest = self.snapshot.run.manifest if self.snapshot is not None else None
        if not manifest or node.metadata is None:
            return None
        if self._manifest_cache is None or self._manifest_cache[0] != manifest:
            import yaml  # lazily: only needed once a node is shown

            try:
                self._manifest_cache = (manifest, yaml.safe_load(manifest))
            except yaml.YAMLError:
                self._manifest_cache = (manifest, None)
        doc = self._manifest_cache[1]
        found = _find_step(doc, node.metadata.name) if isinstance(doc, dict) else None
        if found is None:
            return None
        import yaml

        if found is doc:  # the root: everything but the children, which have their own fragments
            found = {**doc, "spec": {k: v for k, v in (doc.get("spec") or {}).items() if k != "pipelines"}}
        return yaml.safe_dump(found, sort_keys=False, allow_unicode=True, width=100)

    # --- keys ---

    @on(Tree.NodeSelected, "#nodes")
    def _node_selected(self, event: Tree.NodeSelected[str]) -> None:
        event.stop()
        if event.node is not None and event.node.data is not None and self.is_attached:
            self._open_logs(event.node.data)

    def action_open_logs(self) -> None:
        node_id = self.node_tree.highlighted_id
        if node_id is not None:
            self._open_logs(node_id)

    def _open_logs(self, node_id: str) -> None:
        from paitui.ui.screens.logs import LogScreen  # lazily: written separately, heavy

        node = self.node_tree.nodes.get(node_id)
        self.pai.push_detail(LogScreen.for_node(self.run_id, node_id, run_name=self.run_name,
                                                node_name=node_name(node) if node is not None else None))

    def action_run_again(self) -> None:
        """``N``: a new run of this run's pipeline with new arguments (the form starts from this run's)."""
        self.run_again(self.run_id)

    def action_manifest(self) -> None:
        from paitui.ui.widgets.json_view import JsonModal

        manifest = self.snapshot.run.manifest if self.snapshot is not None else None
        if not manifest:
            self.notify("no manifest in the run", markup=False, timeout=2)
            return
        self.app.push_screen(JsonModal(f"Manifest of {self.run_name or self.run_id}", manifest, lexer="yaml"))

    def raw_request(self) -> Callable[[], Awaitable[dict[str, Any]]]:
        from paitui.api.operations import operation

        client = self.pai.client
        return lambda: client.invoke_json(operation("flow", "GetPipelineRun"), {"PipelineRunId": self.run_id})

    def raw_title(self) -> str:
        return f"GetPipelineRun {self.run_id} — {self.run_name or ''}"

    def raw_fallback(self, snapshot: RunSnapshot) -> Any:
        return snapshot.run.model_dump(by_alias=True, exclude_none=True, mode="json")


# --- rendering helpers (pure) -----------------------------------------------------------------------------

Colour = Callable[[Phase], str]


def _when(moment: datetime | None) -> str:
    return f"{moment.astimezone():%m-%d %H:%M:%S}" if moment is not None else "—"


def _state(node: PipelineRunNode) -> tuple[str | None, str | None]:
    info = node.status_info
    return (info.status, info.progress) if info is not None else (None, None)


def _iso_local(value: Any) -> str:
    """A condition's ``LastTransitionTime`` (ISO string) in local time, like every other time on screen."""
    try:
        return _when(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except ValueError:
        return str(value or "")


def _find_step(doc: dict[str, Any], name: str | None) -> dict[str, Any] | None:
    """The manifest entry whose ``metadata.name`` is ``name`` (the root first, then nested pipelines)."""
    if name is None:
        return None
    if (doc.get("metadata") or {}).get("name") == name:
        return doc
    for child in (doc.get("spec") or {}).get("pipelines") or ():
        if isinstance(child, dict) and (found := _find_step(child, name)) is not None:
            return found
    return None


def _compact(value: Any, width: int = 110) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def _section(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def render_node(node: PipelineRunNode, outputs: list[NodeOutput] | str, now: datetime, colour: Colour,
                fragment: str | None) -> RenderableType:
    meta, info, spec = node.metadata, node.status_info, node.spec
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    status = info.status if info is not None else None
    grid.add_row("Name", Text(f"{node_name(node)}" + (f" ({meta.name})" if meta and meta.name != node_name(node)
                                                      else "")))
    grid.add_row("Node", Text(f"{meta.node_id if meta else '?'} · {meta.node_type if meta else '?'}"))
    if meta is not None and meta.identifier:
        grid.add_row("Component", Text(f"{meta.provider or '?'}/{meta.identifier}@{meta.version or '?'}"))
    grid.add_row("Status", Text(status or "—", style=f"bold {colour(node_phase(status))}"))
    if info is not None:
        grid.add_row("Started", Text(f"{_when(info.started_at)} · finished {_when(info.finished_at)}"
                                     f" · {node_duration(node, now) or '—'}"))
        if info.progress:
            grid.add_row("Progress", Text(info.progress))
    if spec is not None and spec.dependencies:
        grid.add_row("Depends on", Text(", ".join(spec.dependencies)))
    if spec is not None and spec.when:
        grid.add_row("When", Text(spec.when))
    parts: list[RenderableType] = [grid]

    conditions = (info.conditions if info is not None else None) or []
    if conditions:
        parts.append(_section("Conditions"))
        table = Table.grid(padding=(0, 1))
        for _ in range(4):
            table.add_column(no_wrap=True)
        table.add_column(overflow="fold")
        for c in conditions:
            table.add_row(Text(str(c.get("Type", "?"))), Text(str(c.get("Status", ""))),
                          Text(_iso_local(c.get("LastTransitionTime")), style="dim"),
                          Text(str(c.get("Reason", "") or "")), Text(str(c.get("Message", "") or ""), style="dim"))
        parts.append(table)

    inputs = spec.inputs if spec is not None else None
    outs = spec.outputs if spec is not None else None
    for title, items in (("Parameters", inputs.parameters if inputs else None),
                         ("Input artifacts", inputs.artifacts if inputs else None),
                         ("Output parameters", outs.parameters if outs else None),
                         ("Output artifacts (declared)", outs.artifacts if outs else None)):
        if not items:
            continue
        parts.append(_section(title))
        for item in items:
            line = Text(f"  {item.get('Name', '?')}", style="bold")
            if "Value" in item:
                line.append(f" = {_compact(item['Value'])}")
            if item.get("From"):
                line.append(f" ← {item['From']}", style="dim")
            if item.get("Type"):
                line.append(f"  ({item['Type']})", style="dim")
            parts.append(line)

    parts.append(_section("Outputs (ListPipelineRunNodeOutputs)"))
    if isinstance(outputs, str):
        parts.append(Text(f"  {outputs or '—'}", style="dim"))
    elif not outputs:
        parts.append(Text("  none yet" if node_phase(status) != "succeeded" else "  none", style="dim"))
    else:
        for out in outputs:
            line = Text(f"  {out.name or '?'}", style="bold")
            line.append(f"  {out.type or ''}  {out.id or ''}  {_when(out.gmt_create_time)}", style="dim")
            parts.append(line)
            location = (out.info or {}).get("location") if isinstance(out.info, dict) else None
            if location or out.info:
                parts.append(Text(f"    {_compact(location or out.info, 400)}", no_wrap=True, overflow="ellipsis"))

    parts.append(_section("Manifest"))
    if fragment:
        parts.append(Syntax(fragment, "yaml", theme="ansi_dark", background_color="default", word_wrap=True))
    else:  # a step of a pipeline the run's manifest only references (by identifier)
        parts.append(Text("  not in the run's manifest (defined by a referenced pipeline); m shows the manifest",
                          style="dim"))
    return Group(*parts)
