"""A request body as a person writes it — a YAML or JSON file, an editor buffer, ``--set Key=Value`` — read
into wire-named data with the line of every field, so a refusal can say where to look ("job.yaml line 7").

Unreadable text is a ``Refused`` naming the line, never an exception from the parser."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from paitui.live.create import wire_paths
from paitui.live.create.request import Refusal, Refused


@dataclass(frozen=True)
class BodyText:
    """What a text said: the data and, per wire path (``JobSpecs[0].Image``), its 1-based line."""

    data: Any
    source: str  # "job.yaml", "the editor"
    lines: dict[str, int] = field(default_factory=dict)

    def locate(self, refusals: Iterable[Refusal]) -> list[Refusal]:
        """``refusals`` with where each field is written ("(job.yaml line 7)"); a field the text does not
        write points at its nearest written parent."""
        out = []
        for refusal in refusals:
            line = self.line_of(refusal.field)
            out.append(refusal if line is None else
                       dataclasses.replace(refusal, message=f"{refusal.message} ({self.source} line {line})"))
        return out

    def line_of(self, path: str) -> int | None:
        try:
            steps = wire_paths.parse(path)
        except ValueError:
            return None
        while steps:
            line = self.lines.get(wire_paths.text(steps))
            if line is not None:
                return line
            steps = steps[:-1]
        return None


def read_body(text: str, source: str) -> BodyText:
    """YAML (JSON is YAML too) into data with its lines; ``Refused`` (rule ``unreadable``) naming the line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "somewhere"
        reason = error.problem or error.context or "not YAML or JSON"
        raise Refused([Refusal(f"{source} {where}", "unreadable", f"{source} is not readable YAML or JSON at "
                                                                f"{where}: {reason}")]) from None
    except yaml.YAMLError as error:
        raise Refused([Refusal(source, "unreadable", f"{source} is not readable YAML or JSON: {error}")]) from None
    if data is None:
        raise Refused([Refusal(source, "unreadable", f"{source} is empty: write CreateJob's body, with wire names")])
    lines: dict[str, int] = {}
    if node is not None:
        _walk(node, [], lines)
    return BodyText(data, source, lines)


def read_body_file(path: str | Path) -> BodyText:
    """``read_body`` of a file; a file that cannot be read is a ``Refused`` naming it."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise Refused([Refusal(name, "unreadable", f"cannot read {name}: {reason}")]) from None
    return read_body(text, Path(name).name)


def dump_body(body: Mapping[str, Any]) -> str:
    """The body as YAML for a person to edit (keys in their order, text kept readable)."""
    return yaml.safe_dump(dict(body), sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)


def parse_sets(items: Iterable[str]) -> tuple[dict[str, Any], list[Refusal]]:
    """``--set Path=Value`` items → path → value; a value reads as YAML when it is a plain scalar or starts
    with ``[``/``{`` (``2`` is a number, ``true`` a flag), otherwise it stays text (``echo: hi`` is a command)."""
    out: dict[str, Any] = {}
    refusals: list[Refusal] = []
    for item in items:
        path, sep, raw = item.partition("=")
        if not sep or not path.strip():
            refusals.append(Refusal(f"--set {item}", "bad-set", f"--set takes Path=Value (e.g. "
                                                                 f"JobSpecs[0].PodCount=2), not {item!r}"))
            continue
        try:
            wire_paths.parse(path)
        except ValueError as error:
            refusals.append(Refusal(path.strip(), "bad-path", str(error)))
            continue
        out[path.strip()] = parse_value(raw)
    return out, refusals


def parse_value(raw: str) -> Any:
    """One field's text as data (the ``--set`` and form rule): a plain scalar or ``[…]``/``{…}`` reads as
    YAML, anything else stays text."""
    try:
        value = yaml.safe_load(raw) if raw.strip() else raw
    except yaml.YAMLError:
        return raw
    if isinstance(value, dict | list) and not raw.lstrip().startswith(("[", "{")):
        return raw
    return raw if value is None else value


def _walk(node: yaml.Node, steps: list[wire_paths.Step], lines: dict[str, int]) -> None:
    if steps:
        lines.setdefault(wire_paths.text(steps), node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                lines.setdefault(wire_paths.text([*steps, str(key.value)]), key.start_mark.line + 1)
                _walk(value, [*steps, str(key.value)], lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, [*steps, index], lines)
