"""Paths into a request body by wire names — ``JobSpecs[0].Image``, ``UserCommand``, optionally ``$.``-prefixed —
as JobTemplate constraints, ``--set Key=Value`` and refusals name them."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

Step = str | int
MISSING: Any = object()  # what ``lookup`` answers for a path the document does not have

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_WHOLE = re.compile(r"^(?:[^.\[\]]+|\[\d+\])(?:\.[^.\[\]]+|\[\d+\])*$")


def parse(path: str) -> list[Step]:
    """``JobSpecs[0].Image`` → ``["JobSpecs", 0, "Image"]``; ``ValueError`` for a malformed path."""
    text = path.strip().removeprefix("$.").removeprefix("$")
    if not text or not _WHOLE.match(text) or text.startswith("["):
        raise ValueError(f"{path!r} is not a field path (write it like JobSpecs[0].PodCount or UserCommand)")
    return [int(index) if index else name for name, index in _STEP.findall(text)]


def text(steps: list[Step]) -> str:
    out = ""
    for step in steps:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def lookup(doc: Any, path: str | list[Step]) -> Any:
    """The value at ``path``, or ``MISSING``."""
    for step in parse(path) if isinstance(path, str) else path:
        if isinstance(step, int):
            if not isinstance(doc, list) or step >= len(doc):
                return MISSING
        elif not isinstance(doc, Mapping) or step not in doc:
            return MISSING
        doc = doc[step]
    return doc


def place(doc: dict[str, Any], path: str | list[Step], value: Any) -> None:
    """Set ``value`` at ``path``, creating objects and list items on the way; ``ValueError`` when the path
    runs through a value of another shape (an index into a string) or skips list items."""
    steps = parse(path) if isinstance(path, str) else path
    here: Any = doc
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        fresh: Any = copy.deepcopy(value) if last else ([] if isinstance(steps[i + 1], int) else {})
        where = text(steps[: i + 1])
        if isinstance(step, int):
            if not isinstance(here, list):
                raise ValueError(f"{text(steps[:i]) or 'the body'} is not a list, so {where} cannot be set")
            if step > len(here):
                raise ValueError(f"{where}: the list has {len(here)} item(s); add item {len(here)} first")
            if step == len(here):
                here.append(fresh)
                here = here[step]
                continue
        elif not isinstance(here, dict):
            raise ValueError(f"{text(steps[:i])} is not an object, so {where} cannot be set")
        elif step not in here or here[step] is None:
            here[step] = fresh
            here = here[step]
            continue
        if last:
            here[step] = fresh
        elif not isinstance(here[step], list | dict):  # a path through a text or number: never replaced
            raise ValueError(f"{where} is {type(here[step]).__name__} {here[step]!r}, so {text(steps)} "
                             "cannot be set")
        here = here[step]
