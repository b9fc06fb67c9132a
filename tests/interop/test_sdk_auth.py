"""The official Alibaba Cloud SDK (sync and async) authenticates against the simulated cloud over real HTTP.

Uses DLC ``ListJobs``/``StopJob`` from the product handlers when they exist; until then throwaway routes stand
in for them (the authentication path is the same either way), and a stand-in world replaces ``World`` while
the product state modules are incomplete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from alibabacloud_pai_dlc20201203 import models as dlc_models
from alibabacloud_pai_dlc20201203.client import Client as DlcClient
from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException

from paitui.sim.app import load_handlers
from paitui.sim.routing import ROUTES, Call, Route, route
from paitui.sim.serve import ServerHandle, start_in_thread

KINDS = ["ak", "sts", "bearer", "v2"]
EXPECTED_AUTH = {"ak": "ak", "sts": "sts", "bearer": "bearer", "v2": "roa-sha1"}
Client = Callable[..., DlcClient]


class StandIns:
    """Throwaway DLC routes for the actions whose real handlers are not registered yet."""

    def __init__(self) -> None:
        self.seen: list[str] = []  # callers' auth kinds, recorded by the stand-in ListJobs
        self.added: list[Route] = []

    def ensure(self) -> None:
        load_handlers()
        present = {(r.product, r.action) for r in ROUTES}
        if ("dlc", "ListJobs") not in present:
            route("dlc", "ListJobs", "GET", "/api/v1/jobs")(self.list_jobs)
            self.added.append(ROUTES[-1])
        if ("dlc", "StopJob") not in present:
            route("dlc", "StopJob", "POST", "/api/v1/jobs/{job_id}/stop")(self.stop_job)
            self.added.append(ROUTES[-1])

    @property
    def list_jobs_is_stand_in(self) -> bool:
        return any(r.action == "ListJobs" for r in self.added)

    def list_jobs(self, call: Call) -> dict[str, Any]:
        self.seen.append(call.caller.auth)
        return {"RequestId": call.request_id, "Jobs": [], "TotalCount": 0}

    @staticmethod
    def stop_job(call: Call) -> dict[str, Any]:
        return {"RequestId": call.request_id, "JobId": call.path_params["job_id"]}

    def remove(self) -> None:
        for r in self.added:
            ROUTES.remove(r)


@pytest.fixture(scope="module")
def stand_ins() -> Iterator[StandIns]:
    helper = StandIns()
    helper.ensure()
    yield helper
    helper.remove()


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, interop_helpers: SimpleNamespace,
           stand_ins: StandIns) -> Iterator[ServerHandle]:
    """The session's simulated cloud, or a stand-in world while the product state is incomplete."""
    if interop_helpers.products_available():
        yield request.getfixturevalue("sim_server")
        return
    if not stand_ins.list_jobs_is_stand_in:
        pytest.skip("the real DLC handlers are registered but the World cannot be built yet")
    with start_in_thread(interop_helpers.StubWorld(), port=0) as handle:
        yield handle


@pytest.fixture(scope="module")
def throttling_server(interop_helpers: SimpleNamespace, stand_ins: StandIns) -> Iterator[ServerHandle]:
    # every request is throttled before any handler runs, so a stand-in world is enough
    with start_in_thread(interop_helpers.StubWorld(), port=0, faults="throttle=1,retry-after=200ms") as handle:
        yield handle


@pytest.fixture
def client(interop_helpers: SimpleNamespace) -> Client:
    def make(server: ServerHandle, kind: str, **overrides: Any) -> DlcClient:
        return DlcClient(interop_helpers.make_config(server.endpoint, kind, **overrides))

    return make


def check_list(resp: Any, kind: str, stand_ins: StandIns) -> None:
    assert resp.status_code == 200
    assert isinstance(resp.body.total_count, int)
    assert resp.body.request_id == resp.headers["x-acs-request-id"]
    assert resp.headers["content-type"] == "application/json;charset=utf-8"
    if stand_ins.list_jobs_is_stand_in:
        assert stand_ins.seen[-1] == EXPECTED_AUTH[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_sync_client_authenticates(server: ServerHandle, client: Client, stand_ins: StandIns, kind: str) -> None:
    resp = client(server, kind).list_jobs(dlc_models.ListJobsRequest(page_size=5, show_own=True))
    check_list(resp, kind, stand_ins)


@pytest.mark.parametrize("kind", KINDS)
async def test_async_client_authenticates(server: ServerHandle, client: Client, stand_ins: StandIns,
                                          kind: str) -> None:
    resp = await client(server, kind).list_jobs_async(dlc_models.ListJobsRequest(page_size=5, display_name="a b/π"))
    check_list(resp, kind, stand_ins)


@pytest.mark.parametrize("kind", ["ak", "v2"])
def test_wrong_secret_is_signature_does_not_match(server: ServerHandle, client: Client, kind: str) -> None:
    with pytest.raises(ClientException) as info:
        client(server, kind, access_key_secret="not-the-secret").list_jobs(dlc_models.ListJobsRequest())
    assert info.value.code == "SignatureDoesNotMatch"
    assert "not-the-secret" not in str(info.value.data)


async def test_wrong_secret_async(server: ServerHandle, client: Client) -> None:
    with pytest.raises(ClientException) as info:
        await client(server, "ak", access_key_secret="nope").list_jobs_async(dlc_models.ListJobsRequest())
    assert info.value.code == "SignatureDoesNotMatch"


def test_wrong_sts_token(server: ServerHandle, client: Client) -> None:
    with pytest.raises(ClientException) as info:
        client(server, "sts", security_token="CAISforged").list_jobs(dlc_models.ListJobsRequest())
    assert info.value.code == "InvalidSecurityToken.Malformed"


def test_read_only_user_cannot_stop_a_job(server: ServerHandle, client: Client) -> None:
    ro = client(server, "readonly")
    assert ro.list_jobs(dlc_models.ListJobsRequest(page_size=1)).status_code == 200
    with pytest.raises(ClientException) as info:
        ro.stop_job("dlc-does-not-matter")
    assert (info.value.code, info.value.data.get("statusCode")) == ("Forbidden.RAM", 403)


def test_throttling_gives_throttling_exception(throttling_server: ServerHandle, client: Client) -> None:
    with pytest.raises(ThrottlingException) as info:
        client(throttling_server, "ak").list_jobs(dlc_models.ListJobsRequest())
    assert info.value.code == "Throttling.User"
    assert info.value.retry_after == 200


async def test_throttling_async(throttling_server: ServerHandle, client: Client) -> None:
    with pytest.raises(ThrottlingException) as info:
        await client(throttling_server, "bearer").list_jobs_async(dlc_models.ListJobsRequest())
    assert info.value.retry_after == 200
