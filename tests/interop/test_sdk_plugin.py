"""The official PaiPlugin SDK (alibabacloud_paiplugin20220112) against the simulated cloud: list, get, create
and delete SMS schedules, sync and async, with AK, STS and bearer credentials; business errors in HTTP 200.

The server is shared by the whole session, so these tests only delete schedules they created themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from alibabacloud_paiplugin20220112 import models as pp
from alibabacloud_paiplugin20220112.client import Client
from alibabacloud_tea_openapi.exceptions import ClientException

pytestmark = pytest.mark.interop

CST_STRING = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def create_request(name: str) -> pp.CreateScheduleRequest:
    return pp.CreateScheduleRequest(name=name, group_id="6c0d0f0e-2f7b-4a53-9d39-5d3f7a1c2b11",
                                    sign_name="阿里云PAI", template_code="SMS_300000002",
                                    execute_time="2031-06-01 09:30:00", repeat_cycle_unit=0)


def check_list(body: Any) -> None:
    assert body.error_code == 0 and body.error_message == "OK" and body.request_id
    assert body.data.page_size == 10 and body.data.page_number == 1 and body.data.total_count >= 10
    first = body.data.schedules[0]
    assert first.id and first.name and first.status in range(6) and CST_STRING.match(first.created_time)
    assert isinstance(first.end_time, int) and isinstance(first.repeat_cycle_unit, int)


@pytest.mark.parametrize("kind", ["ak", "sts", "bearer"])
def test_schedule_lifecycle_sync(sdk_config: Callable[..., Any], kind: str) -> None:
    client = Client(sdk_config(kind))
    check_list(client.list_schedules(pp.ListSchedulesRequest()).body)

    created = client.create_schedule(create_request(f"interop sync {kind}")).body
    assert created.error_code == 0 and created.data.status == 0 and created.data.execute_time == "2031-06-01 09:30:00"
    schedule_id = created.data.id

    detail = client.get_schedule(schedule_id).body
    assert detail.data.id == schedule_id and detail.data.history and detail.data.payment_type
    assert detail.data.sign_name == "阿里云PAI" and detail.data.signature_id

    deleted = client.delete_schedule(schedule_id).body
    assert (deleted.data, deleted.error_code, deleted.error_message) == ("OK", 0, "OK")
    with pytest.raises(ClientException) as gone:  # HTTP 404 "Not Found", as the seed says
        client.get_schedule(schedule_id)
    assert gone.value.code == "NotFound" and gone.value.data["ErrorCode"] == 404


@pytest.mark.parametrize("kind", ["ak", "sts", "bearer"])
async def test_schedule_lifecycle_async(sdk_config: Callable[..., Any], kind: str) -> None:
    client = Client(sdk_config(kind))
    check_list((await client.list_schedules_async(pp.ListSchedulesRequest())).body)

    created = (await client.create_schedule_async(create_request(f"interop async {kind}"))).body
    schedule_id = created.data.id
    found = (await client.list_schedules_async(pp.ListSchedulesRequest(name=f"interop async {kind}"))).body
    assert [s.id for s in found.data.schedules] == [schedule_id]

    assert (await client.get_schedule_async(schedule_id)).body.data.status == 0
    assert (await client.delete_schedule_async(schedule_id)).body.data == "OK"
    after = (await client.list_schedules_async(pp.ListSchedulesRequest(name=f"interop async {kind}"))).body
    assert after.data.total_count == 0


def test_status_filter_returns_typed_statuses(sdk_config: Callable[..., Any]) -> None:
    body = Client(sdk_config()).list_schedules(pp.ListSchedulesRequest(status=4, page_size=50)).body
    assert body.data.schedules and {s.status for s in body.data.schedules} == {4}


def test_business_errors_arrive_in_http_200(sdk_config: Callable[..., Any]) -> None:
    client = Client(sdk_config())
    response = client.create_schedule(pp.CreateScheduleRequest(name="no audience"))
    assert response.status_code == 200
    assert response.body.error_code == 400 and "GroupId" in response.body.error_message
    with pytest.raises(ClientException) as missing:  # an unknown schedule is HTTP 404, not an error inside 200
        client.delete_schedule("0bddaf8f-5628-427a-8652-5e24f6b4c35d")
    assert missing.value.code == "NotFound" and missing.value.data["statusCode"] == 404


def test_malformed_request_is_a_client_exception(sdk_config: Callable[..., Any]) -> None:
    with pytest.raises(ClientException) as caught:
        Client(sdk_config()).list_schedules(pp.ListSchedulesRequest(page_size=0))
    assert caught.value.code == "InvalidParameter"


def test_read_only_user_cannot_delete(sdk_config: Callable[..., Any]) -> None:
    with pytest.raises(ClientException) as caught:
        Client(sdk_config("readonly")).delete_schedule("0bddaf8f-5628-427a-8652-5e24f6b4c35d")
    assert caught.value.code == "Forbidden.RAM"
