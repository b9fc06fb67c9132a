"""Parse a PAIFlow manifest into a node tree (Task / Dag / Loop) and validate it.

The tree is what a run executes: the root pipeline is a Dag when it has ``spec.pipelines`` and a Task when it
is a single container step; a child with its own ``spec.pipelines`` (or a reference to another user pipeline
that ``resolve`` can find) becomes a nested Dag; a child with ``withItems``/``withSequence`` becomes a Loop
whose children are its iterations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

# (provider, identifier, version) -> that pipeline's manifest dict, for sub-pipeline references
Resolver = Callable[[str, str, str], dict[str, Any] | None]

_MAX_NESTING = 4
# libyaml when available: the pure-Python loader is ~20x slower and the world parses every seeded manifest
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def yaml_load(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


class ManifestError(ValueError):
    """The manifest is not a valid core/v1 pipeline; the message says why."""


@dataclass(slots=True)
class NodeDef:
    path: str  # unique inside the run ("root/features/normalize"); node ids are derived from it
    name: str
    display_name: str
    identifier: str
    provider: str
    version: str
    node_type: str  # Task | Dag | Loop
    kind: str  # what the step does, for durations, logs and outputs (see infer_kind)
    deps: tuple[str, ...] = ()
    children: list[NodeDef] = field(default_factory=list)
    parameters: list[dict[str, Any]] = field(default_factory=list)
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    with_items: list[str] | None = None
    with_sequence: dict[str, Any] | None = None
    parallelism: int = 0
    when: str = ""
    item: str | None = None  # the loop item of an iteration

    def walk(self) -> list[NodeDef]:
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def tasks(self) -> list[NodeDef]:
        return [n for n in self.walk() if n.node_type == "Task"]


_KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("sql", "sql"), ("split", "split"), ("train", "train"), ("finetune", "train"), ("sft", "train"),
    ("evaluat", "evaluate"), ("merge", "merge"), ("export", "export"), ("register", "export"),
    ("source", "source"), ("read", "source"), ("write", "sink"), ("tokeniz", "transform"),
)


def infer_kind(identifier: str) -> str:
    ident = identifier.lower()
    return next((kind for word, kind in _KIND_WORDS if word in ident), "transform")


def load_manifest(text: str) -> dict[str, Any]:
    """YAML (or JSON, a YAML subset) text → the validated top-level manifest dict."""
    if not isinstance(text, str) or not text.strip():
        raise ManifestError("the manifest is empty")
    try:
        doc = yaml_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ManifestError(f"the manifest is not valid YAML{where}") from None
    if not isinstance(doc, dict):
        raise ManifestError("the manifest must be a YAML mapping")
    _check_header(doc, "manifest")
    return doc


def _check_header(doc: dict[str, Any], where: str) -> dict[str, Any]:
    if str(doc.get("apiVersion", "")) != "core/v1":
        raise ManifestError(f"{where}: apiVersion must be core/v1")
    meta = doc.get("metadata")
    if not isinstance(meta, dict) or not meta.get("identifier"):
        raise ManifestError(f"{where}: metadata.identifier is required")
    if doc.get("spec") is not None and not isinstance(doc["spec"], dict):
        raise ManifestError(f"{where}: spec must be a mapping")
    return meta


def build_tree(doc: dict[str, Any], resolve: Resolver | None = None) -> NodeDef:
    return _node(doc, "root", resolve, 0, where="manifest")


def parse(text: str, resolve: Resolver | None = None) -> tuple[dict[str, Any], NodeDef]:
    doc = load_manifest(text)
    meta = doc["metadata"]
    if not meta.get("version"):
        raise ManifestError("manifest: metadata.version is required")
    return doc, build_tree(doc, resolve)


def _node(doc: dict[str, Any], path: str, resolve: Resolver | None, nesting: int, where: str) -> NodeDef:
    meta = _check_header(doc, where)
    spec: dict[str, Any] = doc.get("spec") or {}
    identifier = str(meta["identifier"])
    name = str(meta.get("name") or identifier)
    provider, version = str(meta.get("provider") or ""), str(meta.get("version") or "v1")
    arguments = spec.get("arguments") or {}
    if not isinstance(arguments, dict):
        raise ManifestError(f"{where}: spec.arguments must be a mapping")
    node = NodeDef(
        path=path, name=name, display_name=str(meta.get("displayName") or name), identifier=identifier,
        provider=provider, version=version, node_type="Task", kind=infer_kind(identifier),
        deps=tuple(str(d) for d in spec.get("dependencies") or ()),
        parameters=_list_of_maps(arguments.get("parameters"), f"{where}: spec.arguments.parameters"),
        artifacts=_list_of_maps(arguments.get("artifacts"), f"{where}: spec.arguments.artifacts"),
        parallelism=int(spec.get("parallelism") or 0), when=str(spec.get("when") or ""),
    )
    children_docs = spec.get("pipelines")
    if children_docs is None and resolve is not None and provider not in ("", "pai") and nesting < _MAX_NESTING \
            and "container" not in spec:
        # a reference to another user pipeline (a sub-pipeline): expand its children in place
        target = resolve(provider, identifier, version)
        if target is not None:
            children_docs = (target.get("spec") or {}).get("pipelines")
    items = _loop_items(spec, where)
    if items is not None:
        node.node_type = "Loop"
        node.with_items = spec.get("withItems") and [str(i) for i in spec["withItems"]]
        node.with_sequence = spec.get("withSequence")
        template = {**doc, "spec": {k: v for k, v in spec.items()
                                    if k not in ("withItems", "withSequence", "dependencies", "parallelism")}}
        for index, item in enumerate(items):
            child = _node(template, f"{path}/{index}", resolve, nesting + 1, where)
            child.name, child.display_name = f"{name}-{index}", f"{node.display_name} [{item}]"
            child.item, child.deps = item, ()
            node.children.append(child)
        return node
    if children_docs is not None:
        node.node_type = "Dag"
        node.kind = "dag"
        node.children = _children(children_docs, path, resolve, nesting + 1, where)
    return node


def _children(docs: Any, path: str, resolve: Resolver | None, nesting: int, where: str) -> list[NodeDef]:
    if not isinstance(docs, list) or not all(isinstance(d, dict) for d in docs):
        raise ManifestError(f"{where}: spec.pipelines must be a list of pipelines")
    if nesting > _MAX_NESTING:
        raise ManifestError(f"{where}: pipelines are nested more than {_MAX_NESTING} levels deep")
    children: list[NodeDef] = []
    for index, child_doc in enumerate(docs):
        ident = (child_doc.get("metadata") or {}).get("name") or (child_doc.get("metadata") or {}).get(
            "identifier") or index
        children.append(_node(child_doc, f"{path}/{ident}", resolve, nesting, f"{where}: pipelines[{index}]"))
    names = [c.name for c in children]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ManifestError(f"{where}: duplicate pipeline name(s) {', '.join(duplicates)}")
    # dependencies may name a sibling by name or by identifier (both spellings occur in the docs)
    by_ident = {c.identifier: c.name for c in children if sum(x.identifier == c.identifier for x in children) == 1}
    for child in children:
        resolved = []
        for dep in child.deps:
            target = dep if dep in names else by_ident.get(dep)
            if target is None:
                raise ManifestError(f"{where}: pipeline {child.name} depends on unknown pipeline {dep}")
            resolved.append(target)
        child.deps = tuple(resolved)
    order_children(children, where)
    return children


def order_children(children: list[NodeDef], where: str = "manifest") -> None:
    """Sort siblings topologically in place (stable); a cycle is a manifest error."""
    done: list[NodeDef] = []
    pending = list(children)
    while pending:
        ready = [c for c in pending if all(d in {x.name for x in done} for d in c.deps)]
        if not ready:
            raise ManifestError(f"{where}: dependency cycle among {', '.join(c.name for c in pending)}")
        done.extend(ready)
        pending = [c for c in pending if c not in ready]
    children[:] = done


def _loop_items(spec: dict[str, Any], where: str) -> list[str] | None:
    if spec.get("withItems") is not None:
        items = spec["withItems"]
        if not isinstance(items, list) or not items:
            raise ManifestError(f"{where}: withItems must be a non-empty list")
        return [str(i) for i in items]
    seq = spec.get("withSequence")
    if seq is None:
        return None
    if not isinstance(seq, dict):
        raise ManifestError(f"{where}: withSequence must be a mapping")
    try:
        start = int(seq.get("start", 0))
        end = int(seq["end"]) if "end" in seq else start + int(seq["count"]) - 1
    except (KeyError, TypeError, ValueError):
        raise ManifestError(f"{where}: withSequence needs integer start and end (or count)") from None
    if end < start or end - start >= 64:
        raise ManifestError(f"{where}: withSequence must have between 1 and 64 items")
    fmt = str(seq.get("format") or "%d")
    try:
        return [fmt % i for i in range(start, end + 1)]
    except (TypeError, ValueError):
        raise ManifestError(f"{where}: withSequence.format {fmt!r} is not a printf format") from None


def _list_of_maps(value: Any, where: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ManifestError(f"{where} must be a list of mappings")
    return [dict(v) for v in value]
