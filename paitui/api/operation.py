"""What one API operation is: the row type of the declarative operations table.

The table itself lives in ``paitui.api.operations``; the typed facades and the raw ``paitui call`` both
read it, so a route, a parameter location or a response model is written down exactly once.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    from pydantic import BaseModel

MODELS_PACKAGE = "paitui.api.models"
# A response model: the class itself, or its name "module:Class" within MODELS_PACKAGE ("dlc:GetJobResponse"),
# imported when first needed so that the start does not load every product's models.
ModelRef: TypeAlias = "type[BaseModel] | str"

Location = Literal["path", "query", "body"]
# How a Python value becomes a wire value:
#   str/int/float: str(); bool: "true"/"false"; time: ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ" (datetime or str);
#   json: compact JSON string in the query ("shrink" parameters such as ListJobs Tags);
#   flat: a dict flattened to Key.Sub=value query entries (GetToken TokenSettings);
#   any: a body value sent as JSON as-is (lists, objects).
ParamKind = Literal["str", "int", "float", "bool", "time", "json", "flat", "any"]


@dataclass(frozen=True, slots=True)
class Param:
    name: str  # the wire name, exactly as the API spells it (PageSize, JodId, isShared)
    location: Location = "query"
    kind: ParamKind = "str"
    required: bool = False


@dataclass(frozen=True, slots=True)
class Operation:
    product: str  # key in paitui.api.products.PRODUCTS
    action: str  # x-acs-action, e.g. ListJobs
    method: str  # GET POST PUT DELETE
    path: str  # template with wire-named placeholders: /api/v1/jobs/{JobId}
    response_model: ModelRef  # read through ``response``
    params: tuple[Param, ...] = ()
    mutating: bool = False  # refused in read-only mode before anything is sent
    # Doing it twice has the same effect as once, so a lost answer may be retried. ``None`` = reads yes,
    # mutations no (the safe default); the operations table marks the idempotent mutations (Update*, Set*).
    idempotent: bool | None = None
    _by_name: dict[str, Param] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {p.name: p for p in self.params})
        if self.idempotent is None:
            object.__setattr__(self, "idempotent", not self.mutating)

    @property
    def response(self) -> type[BaseModel]:
        """The class the answer is read into (imported on first use when the row names it)."""
        ref = self.response_model
        return resolve_model(ref) if isinstance(ref, str) else ref

    def param(self, name: str) -> Param | None:
        return self._by_name.get(name)

    @property
    def path_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "path")


@functools.cache
def resolve_model(ref: str) -> type[BaseModel]:
    """``"dlc:GetJobResponse"`` → the class ``paitui.api.models.dlc.GetJobResponse`` (imported once, cached)."""
    from pydantic import BaseModel

    module, sep, name = ref.partition(":")
    if not sep or not module or not name:
        raise ValueError(f"a response model is named 'module:Class', not {ref!r}")
    model = getattr(importlib.import_module(f"{MODELS_PACKAGE}.{module}"), name, None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"{ref!r} names no pydantic model in {MODELS_PACKAGE}.{module}")
    return model
