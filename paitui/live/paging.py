"""A paged listing read page by page that survives failed pages, and how a partial list describes itself.

PAI lists are PageNumber/PageSize/TotalCount. Under throttling one page of twelve may fail; throwing the
eleven others away (what an ``async for`` over the pages does) leaves a screen empty or short for minutes
while it claims to be complete. ``PagedListing`` keeps every page that arrived, remembers which are
missing, and ``retry()`` re-reads only those. A lister hands its rows to the watch as ``Listed`` — a list
that carries ``partial`` — so the screen can say ``partial: 305 of 1,192 loaded · retrying (throttled)``.

Page 1 failing is not partial: nothing arrived and no TotalCount is known, so the error propagates and
the watch reports a failed poll (the last good rows stay, marked stale).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from paitui.api.errors import PaiError, describe
from paitui.api.facade import items_of, total_of

T = TypeVar("T")
PageReader = Callable[[int], Awaitable[tuple[list[T], "int | None"]]]  # page number -> (rows, TotalCount)
OnPage = Callable[[list[T], "int | None"], None]
PAGE_CONCURRENCY = 4  # pages of a listing in flight at once


@dataclass(frozen=True, slots=True)
class Partial:
    """What a list is missing: ``loaded`` rows read by the listing, of ``total`` (TotalCount, when known);
    ``kept`` rows shown from the previous list because the pages that would re-read them failed."""

    loaded: int
    total: int | None
    missing: tuple[int, ...]  # page numbers still to read
    error: PaiError
    kept: int = 0

    @property
    def reason(self) -> str:
        return describe(self.error)

    @property
    def retry_after(self) -> float | None:
        return self.error.retry_after

    def describe(self) -> str:
        """``partial: 305 of 1,192 loaded · retrying (throttled)``."""
        of = f" of {self.total:,}" if self.total is not None else ""
        kept = f", {self.kept:,} kept from the last list" if self.kept else ""
        return f"partial: {self.loaded:,}{of} loaded{kept} · retrying ({self.reason})"


class Listed(list[T]):
    """A lister's answer: the rows, plus ``partial`` when some pages could not be read."""

    partial: Partial | None

    def __init__(self, rows: Iterable[T] = (), partial: Partial | None = None) -> None:
        super().__init__(rows)
        self.partial = partial


def partial_of(rows: object) -> Partial | None:
    return getattr(rows, "partial", None)


class PagedListing(Generic[T]):
    """One listing: page 1 alone (it tells TotalCount and the real page size), then the rest
    ``PAGE_CONCURRENCY`` at a time; without a TotalCount, page by page until a short or empty page.

    ``read`` must keep its query fixed for the listing's life (a time window's end included), so a retried
    page N means what it meant the first time.
    """

    def __init__(self, read: PageReader[T], page_size: int, *, on_page: OnPage[T] | None = None) -> None:
        self._read = read
        self.page_size = page_size
        self._on_page = on_page
        self.pages: dict[int, list[T]] = {}
        self.total: int | None = None
        self.per_page: int | None = None
        self.missing: set[int] = set()
        self.open_end = False  # no TotalCount: after the last page read, more may follow
        self.error: PaiError | None = None

    @property
    def complete(self) -> bool:
        return bool(self.pages) and not self.missing and not self.open_end

    @property
    def rows(self) -> list[T]:
        """Rows of the pages read, in page order."""
        return [row for number in sorted(self.pages) for row in self.pages[number]]

    def partial(self, kept: int = 0) -> Partial | None:
        if self.complete or self.error is None:
            return None
        missing = tuple(sorted(self.missing))
        return Partial(sum(len(p) for p in self.pages.values()), self.total, missing, self.error, kept)

    async def run(self) -> None:
        """The first reading. Raises the error of page 1 (nothing arrived); later pages that fail are
        recorded in ``missing``."""
        batch, total = await self._read(1)
        self._take(1, batch, total)
        if total is None:
            await self._onward(1)
            return
        if batch and len(batch) < total:
            self.per_page = len(batch)  # what the service really returns, in case it caps PageSize
            await self._some(range(2, math.ceil(total / self.per_page) + 1))

    async def retry(self) -> None:
        """Re-read only the missing pages (and, without a TotalCount, onward from the last one)."""
        self.error = None
        if self.missing:
            await self._some(sorted(self.missing))
        if self.open_end and not self.missing:
            await self._onward(max(self.pages))

    def _take(self, number: int, batch: list[T], total: int | None) -> None:
        self.pages[number] = batch
        self.missing.discard(number)
        self.total = total
        if self._on_page is not None:
            self._on_page(batch, total)

    async def _some(self, numbers: Iterable[int]) -> None:
        gate = asyncio.Semaphore(PAGE_CONCURRENCY)

        async def one(number: int) -> None:
            async with gate:
                try:
                    batch, total = await self._read(number)
                except PaiError as error:
                    self.missing.add(number)
                    self.error = error
                    return
            self._take(number, batch, total)

        await asyncio.gather(*(one(n) for n in numbers))

    async def _onward(self, last: int) -> None:
        """Without a TotalCount: page after page until a short or empty one; a failure leaves the end open."""
        self.open_end = False
        number = last
        while len(self.pages[number]) >= self.page_size and self.pages[number]:
            number += 1
            try:
                batch, total = await self._read(number)
            except PaiError as error:
                self.missing.add(number)
                self.error = error
                self.open_end = True
                return
            self._take(number, batch, total)


def page_reader(call: Callable[..., Awaitable[Any]], items: str, page_size: int, **params: Any) -> PageReader[Any]:
    """A ``PageReader`` over a facade's ``list_*`` method: ``items`` names the response attribute holding the
    page's rows (dotted for nested ones, e.g. ``data.schedules``)."""

    async def read(number: int) -> tuple[list[Any], int | None]:
        response = await call(page_number=number, page_size=page_size, **params)
        return items_of(response, items), total_of(response, items)

    return read
