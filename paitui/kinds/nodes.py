"""PAIFlow pipeline nodes: shown inside a run (no list view of their own), watched for notices."""

from __future__ import annotations

from paitui.kinds.base import ResourceKind, attr
from paitui.live.status import is_terminal_node, node_phase

KIND = ResourceKind(
    key="node", label="Node", noun="pipeline node", plural="nodes", product_plural="PAIFlow pipeline nodes",
    id=attr("node_id"), name=attr("node_name"), status=attr("status"), phase=node_phase,
    terminal=is_terminal_node, notify=True, order=200,
)
