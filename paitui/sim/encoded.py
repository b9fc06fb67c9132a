"""Wire JSON encoded once, with holes for the few values that change between two requests.

A job's list item or GetJob body is the same bytes for as long as the job stays in one phase, except for the
durations that tick with the simulated clock (and GetJob's request id). Building and encoding it on every call
was a third of a demo load (issue 13), so a document is encoded once with a ``Hole`` in place of each
changing value and rendered by splicing the holes' values between the cached pieces. orjson encodes the pieces
exactly as it would the whole document, so a rendering is byte-identical to encoding the document afresh
(``tests/sim/test_wire_cache.py`` checks that).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

import orjson


@dataclass(frozen=True, slots=True)
class Render:
    """What a hole may depend on: the simulated moment and the request being answered."""

    now: float
    request_id: str = ""


class Hole:
    """A value filled in per rendering."""

    __slots__ = ()

    def value(self, render: Render) -> Any:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Elapsed(Hole):
    """Whole seconds since ``since`` (a running job's or pod's Duration): an int, or a float when the wire
    sends one (GetJob's pods)."""

    since: float
    as_float: bool = False

    def value(self, render: Render) -> Any:
        seconds = int(render.now - self.since)
        return float(seconds) if self.as_float else seconds


@dataclass(frozen=True, slots=True)
class RequestId(Hole):
    def value(self, render: Render) -> Any:
        return render.request_id


@dataclass(frozen=True, slots=True)
class EncodedBody:
    """A complete response body already encoded; a handler may return it instead of a dict."""

    data: bytes


class Template:
    """``pieces[0] hole[0] pieces[1] … hole[n-1] pieces[n]``; with no holes, the document's bytes."""

    __slots__ = ("_holes", "_pieces")

    def __init__(self, doc: Any) -> None:
        nonce = secrets.token_hex(8)  # a marker no document carries, so splitting cannot cut a real value
        holes: list[Hole] = []

        def mark(obj: Any) -> str:
            if not isinstance(obj, Hole):
                raise TypeError(f"{type(obj).__name__} is not JSON serializable")
            holes.append(obj)
            return f"\x00{nonce}:{len(holes) - 1}"

        encoded = orjson.dumps(doc, default=mark, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS)
        if not holes:  # most jobs: finished, or not yet running
            self._pieces: tuple[bytes, ...] = (encoded,)
            self._holes: tuple[Hole, ...] = ()
            return
        marker = re.compile(rb'"\\u0000' + nonce.encode() + rb':(\d+)"')
        parts = marker.split(encoded)
        self._pieces = tuple(parts[0::2])
        self._holes = tuple(holes[int(i)] for i in parts[1::2])

    @property
    def static(self) -> bool:
        return not self._holes

    def render(self, render: Render) -> bytes:
        pieces, holes = self._pieces, self._holes
        if not holes:
            return pieces[0]
        out = [pieces[0]]
        for hole, piece in zip(holes, pieces[1:], strict=True):
            out.append(orjson.dumps(hole.value(render)))
            out.append(piece)
        return b"".join(out)

    def fragment(self, render: Render) -> orjson.Fragment:
        """The rendering as a value inside a larger document (a ListJobs page)."""
        return orjson.Fragment(self.render(render))


def resolve(doc: Any, render: Render) -> Any:
    """The document with its holes filled: what a template renders, as plain values (tests, uncached paths)."""
    if isinstance(doc, Hole):
        return doc.value(render)
    if isinstance(doc, dict):
        return {k: resolve(v, render) for k, v in doc.items()}
    if isinstance(doc, list):
        return [resolve(v, render) for v in doc]
    return doc
