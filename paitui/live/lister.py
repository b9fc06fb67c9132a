"""What a list screen may ask of a lister: the ``Lister`` Protocol, and ``ListerBase`` with its defaults.

Every lister answers ``fetch(progress)`` with a ``Listed`` page set, keys its rows (``key``) and says how to
read a row's lifecycle status (``status``: a callable, or ``None`` for rows without one — definitions,
specs, quotas). Beyond that, four capabilities a list screen uses:

* ``loading`` — the rows read so far by a full listing still in progress (a screen paints them before the
  last page arrives), or ``None`` when the lister cannot show rows early;
* ``invalidate()`` — the query changed (window, workspace): forget what is held, read everything next;
* ``forget(keys)`` — these rows are known deleted: an incremental lister must not bring them back;
* ``set_window(name)`` — the creation-time window (``live.windows``) of a windowed list.

Why one Protocol with every member, and a base class with do-nothing defaults, rather than small optional
Protocols checked with ``isinstance``: each default is a true answer for a lister without the capability
(nothing to forget, nothing to invalidate, no early rows), so the screen calls them unconditionally and
mypy checks every call; an ``isinstance`` probe would only move the ``hasattr`` into another spelling.
``set_window`` is the exception: a lister with no window cannot honour one, so the default refuses loudly
(a windowed view paired with an unwindowed lister is a declaration mistake, not something to ignore).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from paitui.live.paging import Listed

T = TypeVar("T")
Progress = Callable[[int, "int | None"], None]


@runtime_checkable  # for checks that a lister has every member (the screen itself never probes)
class Lister(Protocol[T]):
    """Everything a list screen calls on its lister (see the module notes)."""

    @property
    def status(self) -> Callable[[T], Any] | None: ...

    def key(self, row: T) -> Any: ...

    async def fetch(self, progress: Progress | None = None) -> Listed[T]: ...

    @property
    def loading(self) -> list[T] | None: ...

    def invalidate(self) -> None: ...

    def forget(self, keys: Iterable[str]) -> None: ...

    def set_window(self, window: str) -> None: ...


class ListerBase:
    """The defaults of the optional capabilities: what is true of a lister that does not have them."""

    @property
    def loading(self) -> list[Any] | None:
        """No rows before the listing is complete."""
        return None

    def invalidate(self) -> None:
        """Nothing held between calls that a changed query would make wrong."""

    def forget(self, keys: Iterable[str]) -> None:
        """Every call re-reads the whole listing: a deleted row cannot come back."""

    def set_window(self, window: str) -> None:
        raise TypeError(f"{type(self).__name__} lists without a creation-time window")
