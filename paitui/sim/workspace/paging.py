"""Filtering, sorting and paging helpers shared by the AIWorkSpace list operations."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from paitui.sim.routing import Call

T = TypeVar("T")

ORDERS = ("ASC", "DESC")


def csv(value: str | None) -> list[str]:
    """A comma list parameter (``WorkspaceIds``, ``ResourceTypes``…); blanks dropped."""
    if not value:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


def key_values(call: Call, name: str) -> list[tuple[str, str]]:
    """A ``Key=Value,Key=Value`` filter (ListImages ``Labels``); a bare key matches any value."""
    pairs: list[tuple[str, str]] = []
    for part in csv(call.str(name)):
        key, _, value = part.partition("=")
        pairs.append((key.strip(), value.strip()))
    return pairs


def fuzzy(needle: str | None, *haystacks: str | None) -> bool:
    """Case-insensitive substring match, the way the console's search boxes behave."""
    if not needle:
        return True
    lowered = needle.lower()
    return any(lowered in (text or "").lower() for text in haystacks)


def order_desc(call: Call) -> bool:
    """``Order`` is ASC by default for every AIWorkSpace list; accepted in any case."""
    value = call.str("Order", "ASC")
    assert value is not None
    upper = value.upper()
    if upper not in ORDERS:
        call.str("Order", choices=ORDERS)  # raises the real InvalidParameter
    return upper == "DESC"


def sort_key(call: Call, table: Mapping[str, Callable[[T], Any]], default: str = "GmtCreateTime") -> Callable[[T], Any]:
    """The sort key named by ``SortBy`` (one of ``table``'s names, ``default`` when absent)."""
    sort_by = call.str("SortBy", default, choices=tuple(table))
    assert sort_by is not None
    return table[sort_by]


def sort_items(items: Sequence[T], key: Callable[[T], Any], *, desc: bool) -> list[T]:
    # Python's sort is stable, so ties keep the seed order in both directions of a page walk
    return sorted(items, key=key, reverse=desc)


def page(call: Call, items: Sequence[T], *, default_size: int) -> list[T]:
    number = call.int("PageNumber", 1, minimum=1)
    size = call.int("PageSize", default_size, minimum=1, maximum=1000)
    assert number is not None and size is not None
    start = (number - 1) * size
    return list(items[start:start + size])
