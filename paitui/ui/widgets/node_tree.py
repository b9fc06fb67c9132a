"""The DAG of a pipeline run as a ``Tree``: one line per node with status (coloured), duration and progress.

``update_root`` reconciles in place, keyed by ``NodeId``: labels change, new nodes are added under their
parent, vanished ones removed. Existing ``TreeNode``s are never rebuilt, so what the user expanded or
collapsed and where the cursor is survive every refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from paitui.api.models.flow import PipelineRunNode
from paitui.live.lifecycle import humanize
from paitui.live.status import Phase, is_terminal_node, node_phase

Colour = Callable[[Phase], str]

GLYPHS: dict[Phase, str] = {"pending": "○", "running": "◐", "succeeded": "●", "failed": "✖", "stopped": "◌",
                            "unknown": "?"}


def node_name(node: PipelineRunNode) -> str:
    meta = node.metadata
    if meta is None:
        return "?"
    return meta.display_name or meta.name or meta.node_id or "?"


def node_duration(node: PipelineRunNode, now: datetime) -> str:
    info = node.status_info
    if info is None or info.started_at is None:
        return ""
    end = info.finished_at if info.finished_at is not None else (None if not is_terminal_node(info.status) else
                                                                  info.started_at)
    return humanize((end or now) - info.started_at)


def node_label(node: PipelineRunNode, now: datetime, colour: Colour) -> Text:
    info = node.status_info
    status = info.status if info is not None else None
    phase = node_phase(status)
    style = colour(phase)
    text = Text()
    text.append(f"{GLYPHS[phase]} ", style=style)
    text.append(node_name(node))  # plain Text: never parsed as markup
    kind = node.metadata.node_type if node.metadata is not None else None
    if kind and kind != "Task":
        text.append(f" [{kind}]", style="dim")
    text.append(f"  {status or '-'}", style=style)
    duration = node_duration(node, now)
    if duration:
        text.append(f"  {duration}", style="dim")
    if info is not None and info.progress and node.children:
        text.append(f"  {info.progress}", style="dim")
    return text


class NodeTree(Tree[str]):
    """Tree data is the node id; ``nodes`` maps node id to its latest ``PipelineRunNode``."""

    def __init__(self, colour: Colour, *, id: str | None = None) -> None:
        super().__init__("run", id=id)
        self._colour = colour
        self.auto_expand = False  # enter opens logs; space toggles
        self.guide_depth = 3
        self.nodes: dict[str, PipelineRunNode] = {}
        self._by_node_id: dict[str, TreeNode[str]] = {}

    def update_root(self, root: PipelineRunNode, now: datetime) -> None:
        seen: set[str] = set()
        root_id = _id(root)
        if self._by_node_id.get(root_id) is not self.root:
            self._reset(root_id)
        self._sync(self.root, root, now, seen)
        gone = set(self._by_node_id) - seen
        for node_id in gone:
            tree_node = self._by_node_id.pop(node_id)
            self.nodes.pop(node_id, None)
            parent = tree_node.parent
            # removing a parent removes its subtree: only remove the topmost vanished node
            if parent is not None and parent.data not in gone:
                tree_node.remove()

    def _reset(self, root_id: str) -> None:
        self.clear()
        self.root.data = root_id
        self.root.expand()
        self._by_node_id = {root_id: self.root}
        self.nodes = {}

    def _sync(self, tree_node: TreeNode[str], node: PipelineRunNode, now: datetime, seen: set[str]) -> None:
        node_id = _id(node)
        seen.add(node_id)
        self.nodes[node_id] = node
        label = node_label(node, now, self._colour)
        if tree_node.label != label:
            tree_node.set_label(label)
        for child in node.children:
            child_id = _id(child)
            existing = self._by_node_id.get(child_id)
            if existing is None:
                # new nodes open by default so the whole DAG is visible; later collapses stick
                existing = tree_node.add(Text(""), data=child_id, expand=True, allow_expand=bool(child.children))
                self._by_node_id[child_id] = existing
            elif bool(child.children) != existing.allow_expand:
                existing.allow_expand = bool(child.children)
            self._sync(existing, child, now, seen)

    def tick(self, now: datetime) -> None:
        """Re-label running nodes so their durations move between polls."""
        for node_id, node in self.nodes.items():
            info = node.status_info
            if info is not None and node_phase(info.status) == "running":
                tree_node = self._by_node_id.get(node_id)
                if tree_node is not None:
                    tree_node.set_label(node_label(node, now, self._colour))

    @property
    def highlighted_id(self) -> str | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def tree_node(self, node_id: str) -> TreeNode[str] | None:
        return self._by_node_id.get(node_id)


def _id(node: PipelineRunNode) -> str:
    meta = node.metadata
    if meta is not None and meta.node_id:
        return meta.node_id
    return f"name:{node_name(node)}"  # never seen on the wire; keeps the key stable across polls
