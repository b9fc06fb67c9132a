"""The official Alibaba Cloud SDK (sync and async) authenticates against the simulated cloud over real HTTP.

Each credential kind must be verified by the server the intended way (AK and STS by V3 signature, bearer by
token, v2 by the legacy ROA HMAC-SHA1 scheme); a wrong secret, a forged STS token and a read-only identity
are refused with the real codes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from alibabacloud_pai_dlc20201203 import models as dlc_models
from alibabacloud_pai_dlc20201203.client import Client as DlcClient
from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException

from paitui.sim.serve import ServerHandle, start_in_thread

KINDS = ["ak", "sts", "bearer", "v2"]
EXPECTED_AUTH = {"ak": "ak", "sts": "sts", "bearer": "bearer", "v2": "roa-sha1"}
Client = Callable[..., DlcClient]


@pytest.fixture(scope="module")
def server(sim_server: ServerHandle) -> ServerHandle:
    return sim_server


@pytest.fixture(scope="module")
def throttling_server(interop_helpers: SimpleNamespace) -> Iterator[ServerHandle]:
    # every request is throttled before any handler runs, so a stand-in world is enough
    with start_in_thread(interop_helpers.StubWorld(), port=0, faults="throttle=1,retry-after=200ms") as handle:
        yield handle


@pytest.fixture
def client(interop_helpers: SimpleNamespace) -> Client:
    def make(server: ServerHandle, kind: str, **overrides: Any) -> DlcClient:
        return DlcClient(interop_helpers.make_config(server.endpoint, kind, **overrides))

    return make


def check_list(resp: Any, kind: str, server: ServerHandle) -> None:
    assert resp.status_code == 200
    assert isinstance(resp.body.total_count, int)
    assert resp.body.request_id == resp.headers["x-acs-request-id"]
    assert resp.headers["content-type"] == "application/json;charset=utf-8"
    assert server.app.last_caller.auth == EXPECTED_AUTH[kind]  # the server verified it the intended way


@pytest.mark.parametrize("kind", KINDS)
def test_sync_client_authenticates(server: ServerHandle, client: Client, kind: str) -> None:
    resp = client(server, kind).list_jobs(dlc_models.ListJobsRequest(page_size=5, show_own=True))
    check_list(resp, kind, server)


@pytest.mark.parametrize("kind", KINDS)
async def test_async_client_authenticates(server: ServerHandle, client: Client, kind: str) -> None:
    resp = await client(server, kind).list_jobs_async(dlc_models.ListJobsRequest(page_size=5, display_name="a b/π"))
    check_list(resp, kind, server)


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
