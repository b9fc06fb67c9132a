"""The AIWorkSpace store: the six shared workspaces plus images, datasets, code sources, quotas, resources.

Everything is generated once from the world's seed (read-only afterwards: the simulator implements no
AIWorkSpace mutations), so other products can hold references into it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from paitui.sim.workspace.codesources import CodeSource, build_code_sources
from paitui.sim.workspace.compute import Quota, Resource, build_quotas, build_resources
from paitui.sim.workspace.datasets import Dataset, build_datasets
from paitui.sim.workspace.images import Image, build_images
from paitui.sim.workspace.workspaces import Workspace, build_workspaces

if TYPE_CHECKING:
    from paitui.sim.world import World


class WorkspaceState:
    def __init__(self, world: World) -> None:
        self.world = world
        self.workspaces: list[Workspace] = build_workspaces(world)
        self.images: list[Image] = build_images(world)
        self.datasets: list[Dataset] = build_datasets(world)
        self.code_sources: list[CodeSource] = build_code_sources(world)
        self.quotas: list[Quota] = build_quotas(world)
        self.resources: list[Resource] = build_resources(
            world, self.quotas, {w.workspace_id: w.env_types for w in self.workspaces})
        self._dlc_quotas: list[Quota] | None = None

    def listed_quotas(self) -> list[Quota]:
        """What ListQuotas lists: the resource groups, then the quotas DLC jobs run on (sized from those jobs
        when first asked: the DLC store is built after this one)."""
        if self._dlc_quotas is None:
            from paitui.sim.workspace.quotas import build_dlc_quotas

            self._dlc_quotas = build_dlc_quotas(self.world)
        return [*self.quotas, *self._dlc_quotas]

    # --- lookups (None when unknown; handlers turn that into the product's not-found error) ---

    def workspace(self, workspace_id: str) -> Workspace | None:
        return next((w for w in self.workspaces if w.workspace_id == workspace_id), None)

    def default_workspace(self) -> Workspace | None:
        return next((w for w in self.workspaces if w.ref.is_default), None)

    def image(self, image_id: str) -> Image | None:
        return next((i for i in self.images if i.image_id == image_id), None)

    def dataset(self, dataset_id: str) -> Dataset | None:
        return next((d for d in self.datasets if d.dataset_id == dataset_id), None)

    def code_source(self, code_source_id: str) -> CodeSource | None:
        return next((c for c in self.code_sources if c.code_source_id == code_source_id), None)
