"""``client.workspace``: typed methods over the AIWorkSpace operations (workspaces, images, datasets, code
sources, quotas, resources). ``**extra`` takes further wire-named (or snake_case) parameters verbatim."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from paitui.api.facade import Facade
from paitui.api.models import workspace as m


class WorkspaceApi(Facade):
    product = "workspace"

    # --- workspaces -----------------------------------------------------------------------------------------

    async def list_workspaces(
        self,
        *,
        workspace_name: str | None = None,
        workspace_ids: str | None = None,
        status: str | None = None,
        verbose: bool | None = None,
        option: str | None = None,
        sort_by: str | None = None,
        order: str | None = None,
        page_number: int = 1,
        page_size: int = 50,
        **extra: Any,
    ) -> m.ListWorkspacesResponse:
        return await self._call(
            "ListWorkspaces", WorkspaceName=workspace_name, WorkspaceIds=workspace_ids, Status=status,
            Verbose=verbose, Option=option, SortBy=sort_by, Order=order, PageNumber=page_number,
            PageSize=page_size, **self._wire("ListWorkspaces", extra),
        )

    def iter_workspaces(
        self, *, page_size: int = 100, limit: int | None = None, **filters: Any
    ) -> AsyncIterator[m.Workspace]:
        return self._pages(
            "ListWorkspaces", "workspaces", page_size=page_size, limit=limit, **self._wire("ListWorkspaces", filters)
        )

    async def get_workspace(self, workspace_id: str, *, verbose: bool | None = None) -> m.GetWorkspaceResponse:
        return await self._call("GetWorkspace", WorkspaceId=workspace_id, Verbose=verbose)

    async def get_default_workspace(self, *, verbose: bool | None = None) -> m.GetDefaultWorkspaceResponse:
        return await self._call("GetDefaultWorkspace", Verbose=verbose)

    # --- images, datasets, code sources -----------------------------------------------------------------------

    async def list_images(
        self,
        *,
        workspace_id: str | None = None,
        name: str | None = None,
        labels: str | None = None,
        verbose: bool | None = None,
        page_number: int = 1,
        page_size: int = 50,
        **extra: Any,
    ) -> m.ListImagesResponse:
        """``labels`` filters as ``Key=Value,…`` (e.g. ``system.chipType=GPU``)."""
        return await self._call(
            "ListImages", WorkspaceId=workspace_id, Name=name, Labels=labels, Verbose=verbose,
            PageNumber=page_number, PageSize=page_size, **self._wire("ListImages", extra),
        )

    def iter_images(self, *, page_size: int = 100, limit: int | None = None, **filters: Any) -> AsyncIterator[m.Image]:
        return self._pages(
            "ListImages", "images", page_size=page_size, limit=limit, **self._wire("ListImages", filters)
        )

    async def get_image(self, image_id: str, *, verbose: bool | None = None) -> m.GetImageResponse:
        return await self._call("GetImage", ImageId=image_id, Verbose=verbose)

    async def list_datasets(
        self,
        *,
        workspace_id: str | None = None,
        name: str | None = None,
        page_number: int = 1,
        page_size: int = 50,
        **extra: Any,
    ) -> m.ListDatasetsResponse:
        return await self._call(
            "ListDatasets", WorkspaceId=workspace_id, Name=name, PageNumber=page_number, PageSize=page_size,
            **self._wire("ListDatasets", extra),
        )

    def iter_datasets(
        self, *, page_size: int = 100, limit: int | None = None, **filters: Any
    ) -> AsyncIterator[m.Dataset]:
        return self._pages(
            "ListDatasets", "datasets", page_size=page_size, limit=limit, **self._wire("ListDatasets", filters)
        )

    async def get_dataset(self, dataset_id: str) -> m.GetDatasetResponse:
        return await self._call("GetDataset", DatasetId=dataset_id)

    async def list_code_sources(
        self,
        workspace_id: str,
        *,
        display_name: str | None = None,
        sort_by: str | None = None,
        order: str | None = None,
        page_number: int = 1,
        page_size: int = 50,
    ) -> m.ListCodeSourcesResponse:
        return await self._call(
            "ListCodeSources", WorkspaceId=workspace_id, DisplayName=display_name, SortBy=sort_by, Order=order,
            PageNumber=page_number, PageSize=page_size,
        )

    def iter_code_sources(
        self, workspace_id: str, *, page_size: int = 100, limit: int | None = None, **filters: Any
    ) -> AsyncIterator[m.CodeSource]:
        return self._pages(
            "ListCodeSources", "code_sources", page_size=page_size, limit=limit, WorkspaceId=workspace_id,
            **self._wire("ListCodeSources", filters),
        )

    async def get_code_source(self, code_source_id: str) -> m.GetCodeSourceResponse:
        return await self._call("GetCodeSource", CodeSourceId=code_source_id)

    # --- quotas and resources -------------------------------------------------------------------------------

    async def list_quotas(self, *, name: str | None = None) -> m.ListQuotasResponse:
        """Not paginated: every quota in one answer."""
        return await self._call("ListQuotas", Name=name)

    async def list_resources(
        self,
        *,
        workspace_id: str | None = None,
        option: str | None = None,
        resource_types: str | None = None,
        product_types: str | None = None,
        verbose: bool | None = None,
        page_number: int = 1,
        page_size: int = 50,
        **extra: Any,
    ) -> m.ListResourcesResponse:
        """``workspace_id`` is required unless ``option="ListResource"``."""
        return await self._call(
            "ListResources", WorkspaceId=workspace_id, Option=option, ResourceTypes=resource_types,
            ProductTypes=product_types, Verbose=verbose, PageNumber=page_number, PageSize=page_size,
            **self._wire("ListResources", extra),
        )

    def iter_resources(
        self, *, page_size: int = 100, limit: int | None = None, **filters: Any
    ) -> AsyncIterator[m.Resource]:
        return self._pages(
            "ListResources", "resources", page_size=page_size, limit=limit, **self._wire("ListResources", filters)
        )
