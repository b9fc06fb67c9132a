"""What goes on the wire for every operation of the table, through the real ``PaiClient`` and the facades.

A raw ASGI app records each request (method, still-encoded path, query string, body, headers) behind
``httpx.ASGITransport``; nothing in the client is mocked.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from paitui.api.client import PaiClient
from paitui.api.credentials import StaticProvider
from paitui.api.models import dlc, flow, plugin, workspace
from paitui.api.models.common import UTC8
from paitui.api.operation import Operation, Param
from paitui.api.operations import OPERATIONS, snake_case
from paitui.api.products import PRODUCTS
from paitui.config import Settings

ROWS = sorted(OPERATIONS.values(), key=lambda op: (op.product, op.action))
IDS = [f"{op.product}.{op.action}" for op in ROWS]
Responder = Callable[[dict[str, Any]], dict[str, Any]]


class Recorder:
    """A raw ASGI app: records each request and answers 200 with ``responder(request)`` as JSON."""

    def __init__(self, responder: Responder | None = None) -> None:
        self.requests: list[dict[str, Any]] = []
        self.responder = responder or (lambda _: {"RequestId": "req-1", "ErrorCode": 0})

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        record = {
            "method": scope["method"],
            "raw_path": scope["raw_path"].decode(),
            "query_string": scope["query_string"].decode(),
            "query": dict(parse_qsl(scope["query_string"].decode(), keep_blank_values=True)),
            "headers": {k.decode(): v.decode() for k, v in scope["headers"]},
            "body": body,
        }
        self.requests.append(record)
        payload = json.dumps(self.responder(record)).encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"x-acs-request-id", b"req-1")]})
        await send({"type": "http.response.body", "body": payload})


async def _no_sleep(_: float) -> None:
    return None


def _client(recorder: Recorder) -> PaiClient:
    settings = Settings(region="cn-hangzhou", endpoints={"*": "http://pai.test"})
    return PaiClient(
        settings,
        transport=httpx.ASGITransport(app=recorder),
        credentials=StaticProvider.ak("LTAI-test-key-id", "test-secret", description="test key"),
        read_only=False,
        sleep=_no_sleep,
    )


# --- samples per kind ----------------------------------------------------------------------------------------

PATH_VALUE = "job id/with slash"  # docs/WIRE.md §2.9: percent-encoded as job%20id%2Fwith%20slash
PATH_ENCODED = "job%20id%2Fwith%20slash"
MOMENT = datetime(2024, 1, 1, 8, 0, 0, tzinfo=UTC8)  # an aware non-UTC time: must go out as UTC "Z"
MOMENT_WIRE = "2024-01-01T00:00:00Z"


def _sample(param: Param) -> tuple[Any, dict[str, str], Any]:
    """(value passed, expected query entries, expected body value)."""
    name = param.name
    match param.kind:
        case "str":
            text = f"v {name}/ü&="  # spaces, slashes, non-ASCII and separators must survive
            return text, {name: text}, text
        case "int":
            return 7, {name: "7"}, 7
        case "float":
            return 1.5, {name: "1.5"}, 1.5
        case "bool":
            flag = len(name) % 2 == 0  # exercise both spellings across the table
            return flag, {name: "true" if flag else "false"}, flag
        case "time":
            return MOMENT, {name: MOMENT_WIRE}, MOMENT_WIRE
        case "json":
            tags = {"team": "ml", "env": "测试"}
            return tags, {name: json.dumps(tags, separators=(",", ":"), ensure_ascii=False)}, tags
        case "flat":
            settings = {"EnableCrossAccountAccess": True, "EnableLogDownloadJob": False}
            return settings, {f"{name}.EnableCrossAccountAccess": "true", f"{name}.EnableLogDownloadJob": "false"}, None
        case "any":
            value = [{"Type": "Worker", "PodCount": 2, "ResourceConfig": {"GPU": "1"}}]
            return value, {}, value
    raise AssertionError(f"no sample for kind {param.kind}")


def _expected_path(op: Operation) -> str:
    path = op.path
    for param in op.path_params:
        path = path.replace("{" + param.name + "}", PATH_ENCODED)
    return path


@pytest.mark.parametrize("op", ROWS, ids=IDS)
async def test_every_operation_wire_shape(op: Operation) -> None:
    recorder = Recorder()
    params: dict[str, Any] = {}
    query: dict[str, str] = {}
    body: dict[str, Any] = {}
    for param in op.params:
        if param.location == "path":
            params[param.name] = PATH_VALUE
            continue
        value, query_entries, body_value = _sample(param)
        params[param.name] = value
        if param.location == "query":
            query.update(query_entries)
        else:
            body[param.name] = body_value
    optional = [p for p in op.params if not p.required]
    if optional:
        dropped = optional[-1].name
        params[dropped] = None  # an explicit None is omitted from query and body
        query = {k: v for k, v in query.items() if k.split(".")[0] != dropped}
        body.pop(dropped, None)

    async with _client(recorder) as client:
        result = await client.invoke(op, params)

    assert isinstance(result, op.response)
    [sent] = recorder.requests
    assert sent["method"] == op.method
    assert sent["raw_path"] == _expected_path(op)
    assert sent["query"] == query
    headers = sent["headers"]
    assert headers["x-acs-action"] == op.action
    assert headers["x-acs-version"] == PRODUCTS[op.product].version
    assert headers["authorization"].startswith("ACS3-HMAC-SHA256 Credential=LTAI-test-key-id,")
    if body:
        assert sent["body"] == json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        assert headers["content-type"] == "application/json; charset=utf-8"
    else:
        assert sent["body"] == b""


async def test_query_encoding_details() -> None:
    recorder = Recorder()
    async with _client(recorder) as client:
        await client.dlc.list_jobs(workspace_id="12345", status="Running", show_own=True, sort_by="GmtCreateTime",
                                   order="desc", page_size=10, tags={"team": "ml"},
                                   start_time=datetime(2024, 1, 1, tzinfo=UTC))
    raw = recorder.requests[0]["query_string"]
    assert "ShowOwn=true" in raw  # lowercase, unlike the Python SDK's True
    assert "Tags=%7B%22team%22%3A%22ml%22%7D" in raw
    assert "StartTime=2024-01-01T00%3A00%3A00Z" in raw
    assert "PageNumber=1" in raw and "PageSize=10" in raw


# --- facades ---------------------------------------------------------------------------------------------------

FACADES = {"dlc": "dlc", "flow": "flow", "workspace": "workspace", "plugin": "plugin"}
# facade method names that differ from snake_case(action)
RENAMED = {("flow", "ListPipelineRunNodeLogs"): "list_pipeline_run_node_logs"}


@pytest.mark.parametrize("op", ROWS, ids=IDS)
async def test_every_operation_has_a_facade_method(op: Operation) -> None:
    async with _client(Recorder()) as client:
        api = getattr(client, FACADES[op.product])
        assert callable(getattr(api, RENAMED.get((op.product, op.action), snake_case(op.action)), None))


async def _one(call: Callable[[PaiClient], Any], responder: Responder | None = None) -> dict[str, Any]:
    recorder = Recorder(responder)
    async with _client(recorder) as client:
        await call(client)
    [sent] = recorder.requests
    return sent


async def test_facade_keyword_mapping() -> None:
    sent = await _one(lambda c: c.dlc.get_job("dlc-1"))
    assert (sent["raw_path"], sent["query"]) == ("/api/v1/jobs/dlc-1", {"NeedDetail": "true"})

    sent = await _one(lambda c: c.dlc.get_pod_logs("dlc-1", "dlc-1-worker-0", pod_uid="uid-0", max_lines=100,
                                                   start_time="2024-01-01T00:00:00Z"))
    assert sent["raw_path"] == "/api/v1/jobs/dlc-1/pods/dlc-1-worker-0/logs"
    assert sent["query"] == {"PodUid": "uid-0", "MaxLines": "100", "StartTime": "2024-01-01T00:00:00Z"}

    sent = await _one(lambda c: c.dlc.get_tensorboard("tb-1", job_id="dlc-1", workspace_id="w"))
    assert sent["query"] == {"JodId": "dlc-1", "WorkspaceId": "w"}

    sent = await _one(lambda c: c.dlc.get_job_metrics("dlc-1", "GpuCoreUsage", time_step="1m"))
    assert sent["query"] == {"MetricType": "GpuCoreUsage", "TimeStep": "1m"}

    sent = await _one(lambda c: c.dlc.get_dashboard("dlc-1", is_shared=True, token="t"))
    assert sent["query"] == {"isShared": "true", "token": "t"}

    sent = await _one(lambda c: c.dlc.update_job("dlc-1", priority=5))
    assert (sent["method"], sent["body"]) == ("PUT", b'{"Priority":5}')

    sent = await _one(lambda c: c.dlc.stop_job("dlc-1"))
    assert (sent["method"], sent["raw_path"], sent["body"]) == ("POST", "/api/v1/jobs/dlc-1/stop", b"")

    sent = await _one(lambda c: c.dlc.list_jobs(display_name="x", UserIdForFilter="u", resource_quota_name="q"))
    assert sent["query"]["UserIdForFilter"] == "u" and sent["query"]["ResourceQuotaName"] == "q"

    sent = await _one(lambda c: c.dlc.update_job_template("t-1", version=3))
    assert sent["body"] == b'{"version":3}'

    sent = await _one(lambda c: c.flow.list_pipeline_run_node_logs(
        "flow-1", "node-1", offset=200, page_size=100, reverse=False,
        from_time=datetime(2024, 1, 1, tzinfo=UTC)))
    assert sent["query"] == {"Offset": "200", "PageSize": "100", "Reverse": "false",
                             "FromTimeInSeconds": "1704067200"}

    sent = await _one(lambda c: c.flow.terminate_pipeline_run("flow-xyz"))
    assert (sent["method"], sent["raw_path"]) == ("PUT", "/api/v1/pipelineruns/flow-xyz/termination")

    sent = await _one(lambda c: c.flow.list_pipeline_runs_status(pipeline_runs=["a"], workspace_id="w"))
    assert (sent["method"], json.loads(sent["body"])) == ("PUT", {"PipelineRuns": ["a"], "WorkspaceId": "w"})

    sent = await _one(lambda c: c.workspace.list_code_sources("w-1", page_size=20))
    assert sent["query"] == {"WorkspaceId": "w-1", "PageNumber": "1", "PageSize": "20"}

    sent = await _one(lambda c: c.plugin.get_schedule("s 1"))
    assert sent["raw_path"] == "/api/v2/schedules/s%201"


async def test_read_only_refuses_mutations_before_sending() -> None:
    from paitui.api.errors import ReadOnlyError

    recorder = Recorder()
    settings = Settings(region="cn-hangzhou", endpoints={"*": "http://pai.test"})
    async with PaiClient(settings, transport=httpx.ASGITransport(app=recorder), read_only=True,
                         credentials=StaticProvider.ak("id", "secret", description="t"), sleep=_no_sleep) as client:
        with pytest.raises(ReadOnlyError):
            await client.dlc.stop_job("dlc-1")
        await client.flow.list_pipeline_runs_status(pipeline_runs=["a"])  # a PUT that only reads
    assert [r["method"] for r in recorder.requests] == ["PUT"]


# --- pagination --------------------------------------------------------------------------------------------------


def _paged(items_key: str, total: int, make: Callable[[int], dict[str, Any]], *, inside: str | None = None):
    def respond(request: dict[str, Any]) -> dict[str, Any]:
        page, size = int(request["query"]["PageNumber"]), int(request["query"]["PageSize"])
        start = (page - 1) * size
        items = [make(i) for i in range(start, min(start + size, total))]
        data = {items_key: items, "TotalCount": total}
        return {"RequestId": "r", "ErrorCode": 0, inside: data} if inside else {"RequestId": "r", **data}

    return respond


async def test_iter_jobs_pages_until_total() -> None:
    recorder = Recorder(_paged("Jobs", 5, lambda i: {"JobId": f"dlc-{i}"}))
    async with _client(recorder) as client:
        jobs = [job async for job in client.dlc.iter_jobs(page_size=2, status="Running")]
    assert [j.job_id for j in jobs] == [f"dlc-{i}" for i in range(5)]
    assert all(isinstance(j, dlc.JobItem) for j in jobs)
    assert [r["query"]["PageNumber"] for r in recorder.requests] == ["1", "2", "3"]
    assert all(r["query"]["Status"] == "Running" for r in recorder.requests)


@pytest.mark.parametrize(
    ("call", "key", "model", "inside"),
    [
        (lambda c: c.flow.iter_pipeline_runs(page_size=2, workspace_id="w"), "PipelineRuns", flow.PipelineRun, None),
        (lambda c: c.flow.iter_pipelines(page_size=2), "Pipelines", flow.Pipeline, None),
        (lambda c: c.workspace.iter_workspaces(page_size=2), "Workspaces", workspace.Workspace, None),
        (lambda c: c.dlc.iter_tensorboards(page_size=2), "Tensorboards", dlc.Tensorboard, None),
        (lambda c: c.dlc.iter_job_templates("w", page_size=2), "JobTemplates", dlc.JobTemplate, None),
        (lambda c: c.dlc.iter_ecs_specs(page_size=2), "EcsSpecs", dlc.EcsSpec, None),
        (lambda c: c.plugin.iter_schedules(page_size=2, status=4), "Schedules", plugin.Schedule, "Data"),
    ],
)
async def test_other_iterators(call: Callable[[PaiClient], Any], key: str, model: type, inside: str | None) -> None:
    recorder = Recorder(_paged(key, 3, lambda i: {"Name": f"n{i}"}, inside=inside))
    async with _client(recorder) as client:
        items = [item async for item in call(client)]
    assert len(items) == 3 and all(isinstance(item, model) for item in items)
    assert len(recorder.requests) == 2


async def test_iter_node_logs_pages_by_offset() -> None:
    lines = [f"line {i}" for i in range(250)]

    def respond(request: dict[str, Any]) -> dict[str, Any]:
        offset, size = int(request["query"]["Offset"]), int(request["query"]["PageSize"])
        return {"RequestId": "r", "Logs": lines[offset:offset + size], "TotalCount": len(lines)}

    recorder = Recorder(respond)
    async with _client(recorder) as client:
        got = [line async for line in client.flow.iter_node_logs("flow-1", "node-1", offset=20, keyword="x")]
    assert got == lines[20:]
    assert [r["query"]["Offset"] for r in recorder.requests] == ["20", "120", "220"]
    assert all(r["query"]["Keyword"] == "x" for r in recorder.requests)
    assert recorder.requests[0]["raw_path"] == "/api/v1/pipelineruns/flow-1/nodes/node-1/logs"
