"""A PAIFlow pipeline manifest (``core/v1`` YAML): its rules, checked field by field before CreatePipeline or
UpdatePipeline sends it, and its typed input parameters (``spec.inputs.parameters``), which a run's
arguments are checked against before CreatePipelineRun.

The seeds' manifest reference: ``apiVersion`` must be ``core/v1``; ``metadata.identifier``, ``.version`` and
``.provider`` are required; ``spec.inputs`` / ``spec.outputs`` are objects and ``spec.pipelines`` a list of
nodes, each a manifest of its own whose ``dependencies`` name siblings. A parameter has a ``name``, a ``type``
and a default ``value``; one without a value must be given by each run. Type names follow the PAI SDK
(``String``, ``Int``, ``Double``, ``Bool``, ``Map``, ``Array``; common spellings such as ``Integer`` or
``Float`` are read as the same type); a parameter may list its allowed values (``feasible: {enum: [...]}``
or ``enum: [...]``). Nothing here talks to the cloud.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from paitui.live.create.request import Refusal

API_VERSION = "core/v1"
# manifest type name (lower case) → the type paitui checks a value against
TYPE_NAMES: dict[str, str] = {
    "string": "String", "str": "String",
    "int": "Int", "integer": "Int", "long": "Int",
    "double": "Double", "float": "Double",
    "bool": "Bool", "boolean": "Bool",
    "map": "Map", "object": "Map",
    "array": "Array", "list": "Array",
}
_WHAT = {"String": "text", "Int": "a whole number", "Double": "a number", "Bool": "true or false",
         "Map": "a JSON object", "Array": "a JSON list"}
_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off"}
_INPUT_REF = re.compile(r"\{\{\s*inputs\.parameters\.([A-Za-z0-9_.-]+)\s*\}\}")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: manifests can be long


class BadValue(ValueError):
    """A value a parameter does not take; ``rule`` says which check it failed (``argument-type`` or
    ``argument-enum``) and the message names the parameter and its type."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True, slots=True)
class Parameter:
    """One input parameter of a pipeline: its type (one of ``TYPE_NAMES``' values), default and choices."""

    name: str
    type: str
    default: Any = None  # None: no default, every run must give it
    choices: tuple[Any, ...] = ()
    description: str = ""

    @property
    def required(self) -> bool:
        return self.default is None

    @property
    def type_label(self) -> str:
        return f"{self.type} (one of {', '.join(map(str, self.choices))})" if self.choices else self.type

    def parse(self, raw: str) -> Any:
        """The typed value of ``raw`` (what a user typed); ``BadValue`` naming the parameter and its type."""
        value = _convert(self.type, raw)
        if value is _BAD:
            raise BadValue("argument-type", f"{self.name} is {self.type}: {_WHAT[self.type]}, not {raw!r}")
        if self.choices and value not in self.choices:
            raise BadValue("argument-enum",
                           f"{self.name} must be one of {', '.join(map(str, self.choices))}, not {raw!r}")
        return value

    def shown(self, value: Any) -> str:
        """``value`` as a user would type it (a form's prefilled default)."""
        if value is None:
            return ""
        if self.type == "Bool":
            return "true" if value else "false"
        if self.type in ("Map", "Array"):
            return json.dumps(value, ensure_ascii=False)
        return str(value)


_BAD = object()


def _convert(kind: str, raw: str) -> Any:
    text = raw.strip()
    if kind == "String":
        return raw
    if kind == "Int":
        return int(text) if re.fullmatch(r"[+-]?\d+", text) else _BAD
    if kind == "Double":
        try:
            number = float(text)
        except ValueError:
            return _BAD
        return number if math.isfinite(number) else _BAD
    if kind == "Bool":
        return True if text.lower() in _TRUE else False if text.lower() in _FALSE else _BAD
    try:
        value = json.loads(text)
    except ValueError:
        return _BAD
    return value if isinstance(value, dict if kind == "Map" else list) else _BAD


def _typed_default(kind: str, value: Any) -> Any:
    """A manifest's default as a value of ``kind`` (YAML may give ``"0"`` for an Int), or ``_BAD``."""
    if kind == "String":
        return value if isinstance(value, str) else str(value)
    if kind == "Bool" and isinstance(value, bool):
        return value
    if kind == "Int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "Double" and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind == "Map" and isinstance(value, dict):
        return value
    if kind == "Array" and isinstance(value, list):
        return value
    if isinstance(value, str) and kind not in ("Map", "Array"):
        return _convert(kind, value)
    return _BAD


class Manifest:
    """A parsed manifest: ``doc`` (the YAML as data), ``refusals`` (every rule it breaks, by field), and its
    input ``parameters``. A manifest that is not YAML has one refusal and no document."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.refusals: list[Refusal] = []
        self.parameters: list[Parameter] = []
        self.doc: dict[str, Any] = {}
        self._declared: set[str] = set()  # every parameter name, a broken declaration's too
        try:
            doc = yaml.load(text, Loader=_Loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            self._refuse("Manifest", "manifest-yaml", f"is not valid YAML{where}: {problem}")
            return
        if not isinstance(doc, dict):
            self._refuse("Manifest", "manifest-yaml", "must be a YAML mapping (apiVersion, metadata, spec)")
            return
        self.doc = doc
        self._check_node(doc, "")
        self._read_parameters()
        self._check_references()

    @property
    def metadata(self) -> Mapping[str, Any]:
        meta = self.doc.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def identifier(self) -> str:
        return str(self.metadata.get("identifier") or "")

    @property
    def version(self) -> str:
        return str(self.metadata.get("version") or "")

    @property
    def provider(self) -> str:
        return str(self.metadata.get("provider") or "")

    def _refuse(self, where: str, rule: str, message: str) -> None:
        self.refusals.append(Refusal(where, rule, message))

    def _check_node(self, doc: Mapping[str, Any], at: str) -> None:
        """One pipeline (the root, or a node under ``spec.pipelines``): header and spec shapes."""
        if str(doc.get("apiVersion", "")) != API_VERSION:
            self._refuse(f"{at}apiVersion", "manifest-api-version",
                         f"must be {API_VERSION!r}, not {doc.get('apiVersion')!r}")
        meta = doc.get("metadata")
        if not isinstance(meta, dict):
            self._refuse(f"{at}metadata", "manifest-required",
                         "is required: a mapping with identifier, version and provider")
            meta = {}
        for key in ("identifier", "version", "provider"):
            if not str(meta.get(key) or "").strip():
                why = " (your account id, or pai for PAI's components)" if key == "provider" else ""
                self._refuse(f"{at}metadata.{key}", "manifest-required", f"is required{why}")
        spec = doc.get("spec", {})
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            self._refuse(f"{at}spec", "manifest-shape", "must be a mapping")
            return
        for key in ("inputs", "outputs", "arguments"):
            if key in spec and not isinstance(spec[key], dict | None):
                self._refuse(f"{at}spec.{key}", "manifest-shape", "must be a mapping (parameters, artifacts)")
        if "dependencies" in spec and not _strings(spec["dependencies"]):
            self._refuse(f"{at}spec.dependencies", "manifest-shape", "must be a list of node names")
        children = spec.get("pipelines")
        if children is None:
            return
        if not isinstance(children, list) or not all(isinstance(c, dict) for c in children):
            self._refuse(f"{at}spec.pipelines", "manifest-shape", "must be a list of pipeline nodes")
            return
        names: list[str] = []
        for index, child in enumerate(children):
            self._check_node(child, f"{at}spec.pipelines[{index}].")
            cmeta = _mapping(child.get("metadata"))
            names.append(str(cmeta.get("name") or cmeta.get("identifier") or ""))
        idents = [str(_mapping(c.get("metadata")).get("identifier") or "") for c in children]
        for index, name in enumerate(names):
            if name and names.count(name) > 1 and names.index(name) != index:
                self._refuse(f"{at}spec.pipelines[{index}].metadata.name", "manifest-duplicate-node",
                             f"{name!r} names two nodes; give each node its own metadata.name")
        for index, child in enumerate(children):
            cspec = _mapping(child.get("spec"))
            deps = cspec.get("dependencies")
            for dep in deps if isinstance(deps, list) and _strings(deps) else []:
                if dep not in names and dep not in idents:
                    self._refuse(f"{at}spec.pipelines[{index}].spec.dependencies", "manifest-unknown-dependency",
                                 f"{dep!r} is not a node of this pipeline (nodes: {', '.join(filter(None, names))})")

    def _read_parameters(self) -> None:
        spec = _mapping(self.doc.get("spec"))
        inputs = _mapping(spec.get("inputs"))
        raw = inputs.get("parameters")
        if raw is None:
            return
        where = "spec.inputs.parameters"
        if not isinstance(raw, list):
            self._refuse(where, "manifest-shape", "must be a list of parameters (name, type, value)")
            return
        seen: set[str] = set()
        for index, item in enumerate(raw):
            at = f"{where}[{index}]"
            if not isinstance(item, dict):
                self._refuse(at, "manifest-shape", "must be a mapping with name, type and value")
                continue
            name = str(item.get("name") or "").strip()
            if not name:
                self._refuse(f"{at}.name", "manifest-required", "is required")
                continue
            if name in seen:
                self._refuse(f"{at}.name", "parameter-duplicate", f"{name!r} is declared twice")
                continue
            seen.add(name)
            self._declared.add(name)
            kind = TYPE_NAMES.get(str(item.get("type") or "String").lower())
            if kind is None:
                self._refuse(f"{at}.type", "parameter-type",
                             f"{item.get('type')!r} is not a parameter type (String, Int, Double, Bool, Map, Array)")
                continue
            choices = _choices(item)
            typed_choices = tuple(_typed_default(kind, c) for c in choices)
            if _BAD in typed_choices:
                self._refuse(f"{at}.feasible.enum", "parameter-default-type", f"every allowed value must be {kind}")
                typed_choices = ()
            default = item.get("value")
            if default is not None:
                default = _typed_default(kind, default)
                if default is _BAD:
                    self._refuse(f"{at}.value", "parameter-default-type",
                                 f"the default of {name} must be {kind}: {_WHAT[kind]}, not {item.get('value')!r}")
                    continue
                if typed_choices and default not in typed_choices:
                    self._refuse(f"{at}.value", "parameter-default-enum",
                                 f"the default of {name} must be one of {', '.join(map(str, typed_choices))}")
                    continue
            self.parameters.append(Parameter(name, kind, default, typed_choices, str(item.get("desc") or "")))

    def _check_references(self) -> None:
        """``{{inputs.parameters.X}}`` in a node's arguments must name a declared parameter."""
        if not self.doc or any(r.rule == "manifest-shape" for r in self.refusals):
            return
        declared = self._declared
        spec = _mapping(self.doc.get("spec"))
        for index, child in enumerate(spec.get("pipelines") or ()):
            for text in _strings_in(child.get("spec") or {}):
                for name in _INPUT_REF.findall(text):
                    if name not in declared:
                        self._refuse(f"spec.pipelines[{index}].spec.arguments", "manifest-unknown-input",
                                     f"refers to {{{{inputs.parameters.{name}}}}}, which spec.inputs.parameters "
                                     "does not declare")


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _strings_in(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item)


def _choices(item: Mapping[str, Any]) -> tuple[Any, ...]:
    feasible = item.get("feasible")
    found = feasible.get("enum") if isinstance(feasible, dict) else None
    found = found if found is not None else item.get("enum")
    return tuple(found) if isinstance(found, list) else ()


def parameters_of(text: str) -> list[Parameter]:
    """The typed input parameters of a manifest (the ones that pass the rules; see ``Manifest``)."""
    return Manifest(text).parameters
