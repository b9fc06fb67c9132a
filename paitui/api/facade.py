"""Base of the product facades (``client.dlc``, ``client.flow`` …): typed methods over the operations table."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from paitui.api.operations import operation, wire_params

if TYPE_CHECKING:
    from paitui.api.client import PaiClient

R = TypeVar("R")


class Facade:
    product: ClassVar[str]

    def __init__(self, client: PaiClient) -> None:
        self._client = client

    def _wire(self, action: str, extra: Mapping[str, Any]) -> dict[str, Any]:
        """``extra`` keyword arguments of ``action`` renamed to wire names (snake_case or wire names accepted)."""
        return wire_params(self.product, action, extra)

    async def _call(self, action: str, /, **params: Any) -> Any:
        """Invoke ``action`` of this product with wire-named parameters; ``None`` values are not sent."""
        op = operation(self.product, action)
        return await self._client.invoke(op, {k: v for k, v in params.items() if v is not None})

    async def _call_read(self, read: Callable[[bytes], R], action: str, /, **params: Any) -> R:
        """``_call`` with the body read by ``read`` instead of the operation's model (a slimmer reading)."""
        return await self._client.invoke_read(operation(self.product, action),
                                              {k: v for k, v in params.items() if v is not None}, read)

    async def _pages(self, action: str, items: str, /, *, page_size: int = 100, limit: int | None = None,
                     **params: Any) -> AsyncIterator[Any]:
        """Yield every item of a PageNumber/PageSize/TotalCount listing, page by page.

        ``items`` is the attribute of the response model holding the page's list (e.g. ``jobs``). Stops at
        TotalCount (or, without one, at a short page), at an empty page, or after ``limit`` items.
        """
        page, seen = 1, 0
        while True:
            response = await self._call(action, PageNumber=page, PageSize=page_size, **params)
            batch = items_of(response, items)
            for item in batch:
                yield item
                seen += 1
                if limit is not None and seen >= limit:
                    return
            total = total_of(response, items)
            # TotalCount decides when it is known: a service that caps PageSize answers short pages
            done = seen >= total if total is not None else len(batch) < page_size
            if not batch or done:
                return
            page += 1


def items_of(response: Any, items: str) -> list[Any]:
    """The rows of one page: ``items`` names the response attribute holding them (dotted when nested, e.g.
    ``data.schedules``)."""
    obj = response
    for part in items.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return []
    return list(obj)


def total_of(response: Any, items: str) -> int | None:
    """TotalCount of a listing: next to the rows (PaiPlugin keeps it inside ``Data``), else at the top."""
    holder = response
    for part in items.split(".")[:-1]:
        holder = getattr(holder, part, None)
    total = getattr(holder, "total_count", None)
    return total if total is not None else getattr(response, "total_count", None)
