"""The operations table against the official SDKs and the wire reference.

For every row we find the SDK's ``*_with_options`` method with the same ``action=`` in the product's
``client.py`` (parsed with ``ast``, never executed) and compare method, path template (placeholders by
position), and the exact set of query and body parameter names; parameter kinds are checked against the SDK
request models' annotations. A second group checks the table against the operation tables of docs/WIRE.md §6
(extracted from the wire reference by tools/extract_operations.py and checked in, so this never skips).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from paitui.api.errors import OutcomeUnknownError, ServerError
from paitui.api.models.common import WireModel
from paitui.api.operation import Operation, resolve_model
from paitui.api.operations import OPERATIONS, actions, closest, operation, snake_case, wire_params
from paitui.api.products import PRODUCTS

SDK_PACKAGES = {
    "dlc": "alibabacloud_pai_dlc20201203",
    "flow": "alibabacloud_paiflow20210202",
    "workspace": "alibabacloud_aiworkspace20210204",
    "plugin": "alibabacloud_paiplugin20220112",
}
REPO = Path(__file__).resolve().parents[2]
WIRE_DOC = REPO / "docs" / "WIRE.md"
ROWS = sorted(OPERATIONS.values(), key=lambda op: (op.product, op.action))
IDS = [f"{op.product}.{op.action}" for op in ROWS]


@dataclass
class SdkOperation:
    action: str
    method: str
    path: str  # with SDK placeholders normalised to {}
    path_args: list[str]  # SDK argument names in path order (job_id, pod_id …)
    query: dict[str, str] = field(default_factory=dict)  # wire name -> request attribute
    body: dict[str, str] = field(default_factory=dict)
    request_arg: str | None = None  # name of the request argument (tmp_req for shrink requests)


def _package_dir(product: str) -> Path:
    spec = importlib.util.find_spec(SDK_PACKAGES[product])
    if spec is None or spec.origin is None:
        pytest.skip(f"{SDK_PACKAGES[product]} is not installed")
    return Path(spec.origin).parent


def _path_of(node: ast.expr) -> tuple[str, list[str]]:
    if isinstance(node, ast.Constant):
        return node.value, []
    assert isinstance(node, ast.JoinedStr), ast.dump(node)
    text, args = "", []
    for part in node.values:
        if isinstance(part, ast.Constant):
            text += part.value
        else:
            assert isinstance(part, ast.FormattedValue)
            call = part.value  # DaraURL.percent_encode(job_id) / OpenApiUtilClient.get_encode_param(id)
            assert isinstance(call, ast.Call) and isinstance(call.args[0], ast.Name)
            args.append(call.args[0].id)
            text += "{}"
    return text, args


def _attribute_name(value: ast.expr) -> str:
    # request.page_size / request.tags_shrink -> page_size / tags
    return ast.unparse(value).split(".")[-1].removesuffix("_shrink")


@cache
def sdk_operations(product: str) -> dict[str, SdkOperation]:
    tree = ast.parse((_package_dir(product) / "client.py").read_text(encoding="utf-8"))
    found: dict[str, SdkOperation] = {}
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef) or not fn.name.endswith("_with_options"):
            continue
        params_call = next(
            (n for n in ast.walk(fn) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "Params"), None
        )
        if params_call is None:
            continue
        kw = {k.arg: k.value for k in params_call.keywords}
        action = kw["action"].value  # type: ignore[attr-defined]
        path, path_args = _path_of(kw["pathname"])
        op = SdkOperation(action, kw["method"].value, path, path_args)  # type: ignore[attr-defined]
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
                target = node.targets[0]
                if isinstance(target.value, ast.Name) and isinstance(target.slice, ast.Constant):
                    if target.value.id == "query":
                        op.query[target.slice.value] = _attribute_name(node.value)
                    elif target.value.id == "body":
                        op.body[target.slice.value] = _attribute_name(node.value)
        args = [a.arg for a in fn.args.args[1:]]
        op.request_arg = next((a for a in args if a in ("request", "tmp_req")), None)
        found[action] = op
    return found


@cache
def request_types(product: str, action: str) -> dict[str, str]:
    """``attribute -> annotation`` of the SDK's ``<Action>Request`` model (``""`` when it has none)."""
    models = importlib.import_module(f"{SDK_PACKAGES[product]}.models")
    cls = getattr(models, f"{action}Request", None)
    if cls is None:
        return {}
    fn = ast.parse(inspect.getsource(cls.__init__).strip()).body[0]
    assert isinstance(fn, ast.FunctionDef)
    return {a.arg: re.sub(r"\w+_models\.", "", ast.unparse(a.annotation)) for a in fn.args.args[1:] if a.annotation}


def _ours_normalised(op: Operation) -> str:
    return re.sub(r"\{\w+\}", "{}", op.path)


def _pascal(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


# --- faithfulness against the SDKs ---------------------------------------------------------------------------


@pytest.mark.parametrize("op", ROWS, ids=IDS)
def test_route_matches_sdk(op: Operation) -> None:
    sdk = sdk_operations(op.product).get(op.action)
    assert sdk is not None, f"{op.action} is not an operation of {SDK_PACKAGES[op.product]}"
    assert op.method == sdk.method
    assert _ours_normalised(op) == sdk.path
    # placeholders by position: our wire names are the PascalCase of the SDK's argument names (id -> Id)
    assert [p.name for p in op.path_params] == [_pascal(a) for a in sdk.path_args]


@pytest.mark.parametrize("op", ROWS, ids=IDS)
def test_parameters_match_sdk(op: Operation) -> None:
    sdk = sdk_operations(op.product)[op.action]
    ours_query = {p.name for p in op.params if p.location == "query"}
    ours_body = {p.name for p in op.params if p.location == "body"}
    assert ours_query == set(sdk.query), f"query of {op.action}"
    assert ours_body == set(sdk.body), f"body of {op.action}"


@pytest.mark.parametrize("op", ROWS, ids=IDS)
def test_parameter_kinds_match_sdk_types(op: Operation) -> None:
    sdk = sdk_operations(op.product)[op.action]
    types = request_types(op.product, op.action)
    for param in op.params:
        if param.location == "path":
            continue
        attr = (sdk.query if param.location == "query" else sdk.body)[param.name]
        sdk_type = types.get(attr, "")
        if sdk_type == "bool":
            assert param.kind == "bool", param.name
        elif sdk_type == "int":
            assert param.kind == "int", param.name
        elif sdk_type == "float":
            assert param.kind == "float", param.name
        elif sdk_type == "str":
            assert param.kind in ("str", "time"), param.name
        elif param.location == "query":  # structured values in the query are shrunk or flattened
            assert param.kind in ("json", "flat"), param.name
        else:
            assert param.kind == "any", param.name


def test_time_kinds_are_the_dlc_time_window() -> None:
    timed = {(op.action, p.name) for op in ROWS for p in op.params if p.kind == "time"}
    assert timed
    assert {name for _, name in timed} == {"StartTime", "EndTime"}
    assert {op.product for op in ROWS if any(p.kind == "time" for p in op.params)} == {"dlc"}


def test_shrink_and_flat_parameters() -> None:
    assert operation("dlc", "ListJobs").param("Tags").kind == "json"  # type: ignore[union-attr]
    assert operation("dlc", "GetToken").param("TokenSettings").kind == "flat"  # type: ignore[union-attr]


def test_every_sdk_operation_we_skip_is_outside_our_scope() -> None:
    """The table covers §6.1–6.4 plus a few §6.5 rows; make sure none of ours is a typo of an SDK action."""
    for product in PRODUCTS:
        sdk = sdk_operations(product)
        for action in actions(product):
            assert action in sdk


# --- faithfulness against the wire reference (docs/WIRE.md §6) ----------------------------------------------------


def _extractor() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_operations", REPO / "tools" / "extract_operations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _doc_tables() -> dict[str, list[tuple[str, str, str]]]:
    """``product -> [(action, method, path)]`` from the tables of docs/WIRE.md §6.1–6.4."""
    products = {"6.1": "dlc", "6.2": "flow", "6.3": "workspace", "6.4": "plugin"}
    found = _extractor().operation_rows(WIRE_DOC.read_text(encoding="utf-8"))
    return {products[section]: rows for section, rows in found.items()}


def test_the_checked_in_tables_are_what_the_extractor_writes() -> None:
    """Hand edits inside the generated tables would drift from the reference; the tables are exactly what
    tools/extract_operations.py renders (the same parser reads the reference and this page)."""
    extractor, text = _extractor(), WIRE_DOC.read_text(encoding="utf-8")
    found = extractor.operation_rows(text)
    assert [len(found[s]) for s in ("6.1", "6.2", "6.3", "6.4")] == [26, 18, 8, 4]
    for section, rows in found.items():
        assert extractor.render(section, rows) in text


def test_table_covers_every_documented_operation() -> None:
    for product, rows in _doc_tables().items():
        assert rows, product
        for action, method, path in rows:
            op = operation(product, action)
            assert op.method == method
            assert re.sub(r"\{\w+\}", "{}", path) == _ours_normalised(op)


def test_extra_section_6_5_operations_are_present() -> None:
    for action in ("CreateJobTemplate", "UpdateJobTemplate", "DeleteJobTemplate", "SetJobTemplateDefaultVersion",
                   "UpdateTensorboard"):
        assert operation("dlc", action).mutating
    assert operation("workspace", "GetImage").path == "/api/v1/images/{ImageId}"
    assert operation("workspace", "GetDataset").path == "/api/v1/datasets/{DatasetId}"
    assert operation("workspace", "GetCodeSource").path == "/api/v1/codesources/{CodeSourceId}"


# --- table sanity --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", ROWS, ids=IDS)
def test_row_is_consistent(op: Operation) -> None:
    assert op.product in PRODUCTS
    assert OPERATIONS[(op.product, op.action)] is op
    placeholders = re.findall(r"\{(\w+)\}", op.path)
    assert placeholders == [p.name for p in op.path_params]
    assert all(p.required and p.kind == "str" for p in op.path_params)
    names = [p.name for p in op.params]
    assert len(names) == len(set(names)), "duplicate parameter"
    assert issubclass(op.response, WireModel)
    # named, not imported, by the table (the start loads a product's models when it is first called) …
    assert isinstance(op.response_model, str) and op.response_model.startswith(f"{op.product}:")
    assert op.response.__name__ == op.response_model.split(":")[1]  # … and the name is the class's
    assert op.method in ("GET", "POST", "PUT", "DELETE")
    if op.method == "GET":
        assert not any(p.location == "body" for p in op.params)


@pytest.mark.parametrize("op", ROWS, ids=IDS)
def test_mutating_follows_the_verb(op: Operation) -> None:
    verb = re.match(r"[A-Z][a-z]+", op.action).group(0)  # type: ignore[union-attr]
    expected = verb in ("Create", "Update", "Delete", "Stop", "Start", "Terminate", "Rerun", "Set")
    assert op.mutating is expected
    if op.method == "GET":
        assert not op.mutating


def test_batch_status_poll_is_a_put_that_reads() -> None:
    op = operation("flow", "ListPipelineRunsStatus")
    assert op.method == "PUT" and not op.mutating


def test_unique_actions_per_product() -> None:
    keys = [(op.product, op.action) for op in OPERATIONS.values()]
    assert len(keys) == len(set(keys))
    assert len(OPERATIONS) == 31 + 18 + 11 + 4


@pytest.mark.parametrize(
    ("product", "action", "param"),
    [
        ("dlc", "GetJobMetrics", "MetricType"),
        ("dlc", "ListJobTemplates", "WorkspaceId"),
        ("dlc", "GetJobSanityCheckResult", "SanityCheckNumber"),
        ("dlc", "CreateJob", "DisplayName"),
        ("dlc", "CreateJob", "JobType"),
        ("dlc", "CreateJob", "JobSpecs"),
        ("workspace", "ListCodeSources", "WorkspaceId"),
        ("dlc", "GetPodLogs", "PodId"),
        ("plugin", "GetSchedule", "Id"),
    ],
)
def test_required_parameters(product: str, action: str, param: str) -> None:
    found = operation(product, action).param(param)
    assert found is not None and found.required


def test_oddly_spelled_wire_names_are_kept() -> None:
    assert operation("dlc", "GetTensorboard").param("JodId") is not None
    assert operation("dlc", "GetDashboard").param("isShared") is not None
    assert operation("dlc", "GetDashboard").param("token") is not None
    assert operation("dlc", "UpdateJobTemplate").param("version") is not None


def test_lookup_helpers() -> None:
    assert "ListJobs" in actions("dlc")
    assert actions("nope") == []
    assert closest("dlc", "getjob")[0] == "GetJob"
    with pytest.raises(KeyError, match="did you mean GetJob"):
        operation("dlc", "GetJobs")
    with pytest.raises(KeyError, match="unknown product"):
        operation("nope", "ListJobs")


def test_wire_params_maps_snake_case() -> None:
    assert snake_case("RequestCPU") == "request_cpu"
    assert snake_case("isShared") == "is_shared"
    assert wire_params("dlc", "ListJobs", {"workspace_id": "1", "ShowOwn": True, "bogus": 1}) == {
        "WorkspaceId": "1",
        "ShowOwn": True,
        "bogus": 1,
    }
    assert wire_params("dlc", "GetDashboard", {"is_shared": True}) == {"isShared": True}


# --- idempotency: which operations may be repeated after a lost answer ----------------------------------

_NOT_IDEMPOTENT = ("Create", "Delete", "Start", "Stop", "Terminate", "Rerun")


@pytest.mark.parametrize("op", ROWS, ids=IDS)
def test_every_operation_declares_whether_a_repeat_is_safe(op: Operation) -> None:
    assert isinstance(op.idempotent, bool)
    if not op.mutating:
        assert op.idempotent, "a read is always safe to repeat"
    elif op.action.startswith(_NOT_IDEMPOTENT):
        assert not op.idempotent, f"{op.action} twice is not {op.action} once"
    else:
        assert op.action.startswith(("Update", "Set")) and op.idempotent, "a mutation that sets values"


def _value(kind: str) -> object:
    return {"int": 1, "float": 1.0, "bool": True, "time": "2026-01-01T00:00:00Z", "json": {}, "flat": {"K": "v"},
            "any": {}}.get(kind, "x")


@pytest.mark.parametrize("op", ROWS, ids=IDS)
async def test_the_client_repeats_a_5xx_only_for_idempotent_operations(op: Operation) -> None:
    """Table-driven over every row: a 500 then a success. A repeat is sent only when the row says it is safe;
    otherwise a mutation's answer is "outcome unknown", never a plain failure."""
    from tests.api.test_client import Clock, Script, _client_on, err, ok

    script = Script(err(500, "InternalError"), ok())
    params = {p.name: _value(p.kind) for p in op.params if p.required}

    async with _client_on(httpx.ASGITransport(app=script), Clock()) as client:
        if op.idempotent:
            try:
                await client.invoke(op, params)
            except Exception as exc:  # the success body may not fit every model; the repeat is what counts
                assert not isinstance(exc, ServerError | OutcomeUnknownError)
        else:
            with pytest.raises(OutcomeUnknownError):
                await client.invoke(op, params)
    assert len(script.requests) == (2 if op.idempotent else 1)


def test_a_response_model_name_that_names_nothing_fails_loudly() -> None:
    assert resolve_model("workspace:ListWorkspacesResponse").__module__ == "paitui.api.models.workspace"
    with pytest.raises(TypeError, match="names no pydantic model"):
        resolve_model("dlc:NoSuchResponse")
    with pytest.raises(TypeError, match="names no pydantic model"):
        resolve_model("dlc:JOB_TERMINAL")  # there, but a set of statuses, not a model
    with pytest.raises(ValueError, match="module:Class"):
        resolve_model("dlc.GetJobResponse")
    row = Operation("dlc", "GetJob", "GET", "/api/v1/jobs/{JobId}", "dlc:GetJobResponse")
    assert row.response is resolve_model("dlc:GetJobResponse")
