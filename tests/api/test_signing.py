"""Signing: the shared vectors, invariance properties, auth_headers per credential kind, and agreement with the
official SDK's own signer (both its helper functions and a full request built by the pai-dlc client)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paitui.api.credentials import Credential
from paitui.api.signing import (
    EMPTY_SHA256,
    acs_date,
    auth_headers,
    canonical_query,
    canonical_request,
    new_nonce,
    percent_encode,
    rfc1123_date,
    roa_canonicalized_resource,
    roa_string_to_sign,
    sha256_hex,
    sign_roa_sha1,
    sign_v3,
    string_to_sign,
)

# a copy of shared/api/signing-vectors.json (computed with the official SDK signer), kept with the tests
VECTORS_PATH = Path(__file__).resolve().parents[1] / "data" / "signing-vectors.json"
VECTORS: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
V3 = [v for v in VECTORS["vectors"] if v["canonical_request"] is not None]
ROA = [v for v in VECTORS["vectors"] if v["canonical_request"] is None]
NOW = datetime(2024, 1, 1, tzinfo=UTC)
NONCE = "3156853299f313e23d1673dc12e1703d"
AUTH_RE = re.compile(r"^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$")


# --- shared vectors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("vector", V3, ids=lambda v: v["name"])
def test_v3_vector(vector: dict[str, Any]) -> None:
    assert sha256_hex(vector["body"].encode("utf-8")) == vector["payload_sha256"]
    signed = vector["signed_headers"].split(";")
    canonical = canonical_request(
        vector["method"], vector["pathname"], vector["query"], vector["headers"], signed, vector["payload_sha256"]
    )
    assert canonical == vector["canonical_request"]
    assert string_to_sign(canonical) == vector["string_to_sign"]
    for signed_headers in (signed, None):  # explicit list, and the default "every header given"
        authorization = sign_v3(
            method=vector["method"],
            path=vector["pathname"],
            query=vector["query"],
            headers=vector["headers"],
            access_key_id=vector["access_key_id"],
            access_key_secret=vector["access_key_secret"],
            signed_headers=signed_headers,
        )
        assert authorization == vector["authorization"]
        assert authorization.endswith(f"Signature={vector['signature']}")


@pytest.mark.parametrize("vector", ROA, ids=lambda v: v["name"])
def test_roa_sha1_vector(vector: dict[str, Any]) -> None:
    sent = {**vector["headers"], **vector["unsigned_headers"]}  # host and user-agent are sent, not signed
    assert roa_canonicalized_resource(vector["pathname"], vector["query"]) == vector["canonicalized_resource"]
    assert roa_string_to_sign(vector["method"], vector["pathname"], vector["query"], sent) == vector["string_to_sign"]
    authorization = sign_roa_sha1(
        method=vector["method"],
        path=vector["pathname"],
        query=vector["query"],
        headers=sent,
        access_key_id=vector["access_key_id"],
        access_key_secret=vector["access_key_secret"],
    )
    assert authorization == vector["authorization"]
    assert rfc1123_date(NOW) == vector["headers"]["date"]


def test_vector_common_inputs_match_our_helpers() -> None:
    first = V3[0]
    assert first["headers"]["x-acs-date"] == acs_date(NOW)
    assert first["payload_sha256"] == EMPTY_SHA256


# --- encoding ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("job id/with slash", "job%20id%2Fwith%20slash"),
        ("dlc-abc123", "dlc-abc123"),
        ("a*b+c~d", "a%2Ab%2Bc~d"),
        ("π", "%CF%80"),
    ],
)
def test_percent_encode_path_parameters(raw: str, encoded: str) -> None:
    assert percent_encode(raw) == encoded


def test_canonical_query_sorts_encodes_and_skips_none() -> None:
    assert canonical_query({}) == ""
    query = {"b": "x y", "a": "1/2:3", "c": None, "D": "~*"}
    assert canonical_query(query) == "D=~%2A&a=1%2F2%3A3&b=x%20y"  # byte order: upper case first


def test_roa_resource_writes_bare_key_for_empty_value() -> None:
    assert roa_canonicalized_resource("/p", {"b": "", "a": "1", "c": None}) == "/p?a=1&b"
    assert roa_canonicalized_resource("/p", {}) == "/p"


def test_acs_date_converts_to_utc_and_nonce_is_fresh_hex() -> None:
    beijing = timezone(timedelta(hours=8))
    assert acs_date(datetime(2024, 1, 1, 8, 0, 0, tzinfo=beijing)) == "2024-01-01T00:00:00Z"
    assert acs_date(datetime(2024, 1, 1, 0, 0, 0)) == "2024-01-01T00:00:00Z"  # naive = UTC
    nonces = {new_nonce() for _ in range(50)}
    assert len(nonces) == 50
    assert all(re.fullmatch(r"[0-9a-f]{32}", n) for n in nonces)


def test_sign_v3_requires_the_payload_hash_header() -> None:
    with pytest.raises(ValueError, match="x-acs-content-sha256"):
        sign_v3(method="GET", path="/", query={}, headers={"host": "h"}, access_key_id="i", access_key_secret="s")


def test_listed_but_missing_signed_header_is_an_error() -> None:
    with pytest.raises(ValueError, match="x-acs-missing"):
        canonical_request("GET", "/", {}, {"host": "h"}, ["host", "x-acs-missing"], EMPTY_SHA256)


# --- properties -------------------------------------------------------------------------------------------

BASE_HEADERS = dict(V3[3]["headers"])
BASE_QUERY = dict(V3[3]["query"])


def _random_case(draw: st.DrawFn, name: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    return "".join(c.upper() if flip else c for c, flip in zip(name, flips, strict=True))


@st.composite
def _recased_reordered(draw: st.DrawFn) -> tuple[dict[str, str], dict[str, str]]:
    header_items = draw(st.permutations(list(BASE_HEADERS.items())))
    headers = {_random_case(draw, name): value for name, value in header_items}
    query = dict(draw(st.permutations(list(BASE_QUERY.items()))))
    return headers, query


@settings(max_examples=60, deadline=None)
@given(_recased_reordered())
def test_canonical_request_ignores_header_case_and_query_order(case: tuple[dict[str, str], dict[str, str]]) -> None:
    headers, query = case
    vector = V3[3]
    payload = vector["payload_sha256"]
    assert canonical_request("GET", vector["pathname"], query, headers, None, payload) == vector["canonical_request"]
    authorization = sign_v3(
        method="GET",
        path=vector["pathname"],
        query=query,
        headers=headers,
        access_key_id="testid",
        access_key_secret="testsecret",
    )
    assert authorization == vector["authorization"]


@st.composite
def _random_request(draw: st.DrawFn) -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]]:
    """A random request, and the same request with header names re-cased and both mappings re-ordered."""
    names = draw(st.sets(st.from_regex(r"x-acs-[a-z0-9-]{1,10}", fullmatch=True), max_size=6))
    values = st.text(st.characters(blacklist_categories=("Cs",)), max_size=15)
    headers = {name: draw(values) for name in names} | {"host": "h", "x-acs-content-sha256": EMPTY_SHA256}
    query = draw(st.dictionaries(st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,8}", fullmatch=True), values, max_size=6))
    shuffled_headers = {_random_case(draw, k): v for k, v in draw(st.permutations(list(headers.items())))}
    shuffled_query = dict(draw(st.permutations(list(query.items()))))
    return headers, query, shuffled_headers, shuffled_query


@settings(max_examples=80, deadline=None)
@given(_random_request())
def test_signature_is_invariant_for_random_requests(
    case: tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str]],
) -> None:
    headers, query, shuffled_headers, shuffled_query = case

    def sign(h: dict[str, str], q: dict[str, str]) -> tuple[str, str]:
        canonical = canonical_request("POST", "/api/v1/x", q, h, None, EMPTY_SHA256)
        auth = sign_v3(method="POST", path="/api/v1/x", query=q, headers=h, access_key_id="a", access_key_secret="s")
        return canonical, auth

    assert sign(headers, query) == sign(shuffled_headers, shuffled_query)


# --- auth_headers -----------------------------------------------------------------------------------------

REQUEST_HEADERS = {
    "host": "pai-dlc.cn-hangzhou.aliyuncs.com",
    "x-acs-action": "UpdateJob",
    "x-acs-version": "2020-12-03",
    "accept": "application/json",
    "user-agent": "paitui-test",
    "content-type": "application/json; charset=utf-8",
}
BODY = b'{"Priority":5}'


def _build(credential: Credential, extra: dict[str, str] | None = None) -> dict[str, str]:
    return auth_headers(
        method="PUT",
        path="/api/v1/jobs/dlc-abc123",
        query={"Note": "a b"},
        headers={**REQUEST_HEADERS, **(extra or {})},
        body=BODY,
        credential=credential,
        now=NOW,
        nonce=NONCE,
    )


def _verify(headers: dict[str, str], key_id: str, secret: str) -> list[str]:
    """Recompute the signature the way a server does, from SignedHeaders; return the signed names."""
    match = AUTH_RE.match(headers["Authorization"])
    assert match, headers["Authorization"]
    assert match.group(1) == key_id
    signed = match.group(2).split(";")
    expected = sign_v3(
        method="PUT",
        path="/api/v1/jobs/dlc-abc123",
        query={"Note": "a b"},
        headers={k: v for k, v in headers.items() if k != "Authorization"},
        access_key_id=key_id,
        access_key_secret=secret,
        signed_headers=signed,
    )
    assert expected == headers["Authorization"]
    return signed


def test_auth_headers_ak_signs_every_header_sent() -> None:
    headers = _build(Credential.ak("testid", "testsecret"))
    assert headers["x-acs-date"] == "2024-01-01T00:00:00Z"
    assert headers["x-acs-signature-nonce"] == NONCE
    assert headers["x-acs-content-sha256"] == sha256_hex(BODY)
    assert headers["x-acs-credentials-provider"] == "static_ak"
    assert "x-acs-security-token" not in headers
    signed = _verify(headers, "testid", "testsecret")
    assert signed == sorted(k for k in headers if k != "Authorization")


def test_auth_headers_sts_adds_token_headers_before_signing() -> None:
    headers = _build(Credential.sts("STS.id", "stssecret", "ststoken"))
    assert headers["x-acs-accesskey-id"] == "STS.id"
    assert headers["x-acs-security-token"] == "ststoken"
    assert headers["x-acs-credentials-provider"] == "static_sts"
    signed = _verify(headers, "STS.id", "stssecret")
    assert {"x-acs-accesskey-id", "x-acs-security-token"} <= set(signed)


def test_auth_headers_bearer_sends_token_without_signature() -> None:
    headers = _build(Credential.bearer("bt-123"))
    assert headers["x-acs-bearer-token"] == "bt-123"
    assert headers["x-acs-signature-type"] == "BEARERTOKEN"
    assert headers["Authorization"] == "Bearer bt-123"
    assert "x-acs-credentials-provider" not in headers  # the SDK's bearer credential has no provider name
    assert headers["x-acs-content-sha256"] == sha256_hex(BODY)


def test_auth_headers_signs_retry_headers_and_drops_stale_authorization() -> None:
    retry = {"x-acs-retry-attempts": "2", "x-acs-retry-delay": "400", "Authorization": "stale"}
    headers = _build(Credential.ak("testid", "testsecret", provider_name=None), retry)
    signed = _verify(headers, "testid", "testsecret")
    assert {"x-acs-retry-attempts", "x-acs-retry-delay"} <= set(signed)
    assert "x-acs-credentials-provider" not in headers
    assert headers["Authorization"] != "stale"


def test_auth_headers_reproduces_vector_3() -> None:
    vector = V3[2]
    base = {k: v for k, v in vector["headers"].items() if not k.startswith(("x-acs-date", "x-acs-signature"))}
    base.pop("x-acs-content-sha256")
    headers = auth_headers(
        method=vector["method"],
        path=vector["pathname"],
        query=vector["query"],
        headers=base,
        body=vector["body"].encode("utf-8"),
        credential=Credential.ak("testid", "testsecret", provider_name=None),
        now=NOW,
        nonce=NONCE,
    )
    assert headers["Authorization"] == vector["authorization"]


# --- the official SDK -------------------------------------------------------------------------------------

_header_name = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,14}", fullmatch=True).filter(
    lambda n: n.lower() != "authorization"
)
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@settings(max_examples=80, deadline=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    path=st.lists(_text, max_size=3).map(lambda parts: "/" + "/".join(percent_encode(p) for p in parts)),
    query=st.dictionaries(st.from_regex(r"[A-Za-z][A-Za-z0-9.]{0,10}", fullmatch=True), _text, max_size=5),
    extra=st.dictionaries(_header_name, _text, max_size=5),
    body=st.binary(max_size=64),
)
def test_sign_v3_matches_official_helpers(
    method: str, path: str, query: dict[str, str], extra: dict[str, str], body: bytes
) -> None:
    from alibabacloud_openapi_util.client import Client as OpenApiUtil
    from alibabacloud_tea_openapi.utils import Utils as TeaOpenApiUtils

    headers = {
        **{k.lower(): v for k, v in extra.items()},
        "host": "h.example",
        "x-acs-content-sha256": sha256_hex(body),
    }
    ours = sign_v3(method=method, path=path, query=query, headers=headers, access_key_id="ak", access_key_secret="sk")
    request = SimpleNamespace(method=method, pathname=path, query=query, headers=headers)
    for helper in (TeaOpenApiUtils, OpenApiUtil):
        theirs = helper.get_authorization(request, "ACS3-HMAC-SHA256", sha256_hex(body), "ak", "sk")
        assert ours == theirs


class _Captured(Exception):
    pass


@pytest.fixture
def sdk_requests(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Intercept the official client's transport: the built (and signed) request is kept, nothing is sent."""
    import alibabacloud_tea_openapi.client as tea_client

    captured: list[Any] = []

    def fake_do_action(request: Any, runtime: Any) -> Any:
        captured.append(request)
        raise _Captured

    monkeypatch.setattr(tea_client.DaraCore, "do_action", fake_do_action)
    return captured


def _sdk_client(**config: str) -> Any:
    from alibabacloud_pai_dlc20201203.client import Client
    from alibabacloud_tea_openapi import models as open_api_models

    return Client(open_api_models.Config(endpoint="pai-dlc.cn-hangzhou.aliyuncs.com", **config))


def _ours_for(sdk_request: Any, credential: Credential) -> dict[str, str]:
    given = {"host", "x-acs-version", "x-acs-action", "user-agent", "accept", "content-type"}
    base = {k: v for k, v in sdk_request.headers.items() if k in given}
    when = datetime.strptime(sdk_request.headers["x-acs-date"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    body = sdk_request.body.encode("utf-8") if sdk_request.body else b""
    return auth_headers(
        method=sdk_request.method,
        path=sdk_request.pathname,
        query=sdk_request.query,
        headers=base,
        body=body,
        credential=credential,
        now=when,
        nonce=sdk_request.headers["x-acs-signature-nonce"],
    )


def _call_sdk(client: Any, call: str) -> None:
    from alibabacloud_pai_dlc20201203 import models as dlc

    calls = {
        "list_jobs": lambda: client.list_jobs(
            dlc.ListJobsRequest(
                page_size=10, display_name="my job/π*~", show_own=True, start_time="2024-01-01T00:00:00Z"
            )
        ),
        "update_job": lambda: client.update_job("dlc-abc123", dlc.UpdateJobRequest(priority=5, description="训练 x")),
        "get_job": lambda: client.get_job("job id/with slash", dlc.GetJobRequest(need_detail=True)),
        "stop_job": lambda: client.stop_job("dlc-abc123"),
    }
    with pytest.raises(Exception):  # noqa: B017 - the SDK wraps our sentinel in its own exception type
        calls[call]()


@pytest.mark.parametrize("call", ["list_jobs", "update_job", "get_job", "stop_job"])
def test_full_request_matches_official_sdk_ak(sdk_requests: list[Any], call: str) -> None:
    _call_sdk(_sdk_client(access_key_id="testid", access_key_secret="testsecret"), call)
    sdk_request = sdk_requests[-1]
    ours = _ours_for(sdk_request, Credential.ak("testid", "testsecret"))
    assert ours == sdk_request.headers


@pytest.mark.parametrize("call", ["list_jobs", "update_job"])
def test_full_request_matches_official_sdk_sts(sdk_requests: list[Any], call: str) -> None:
    client = _sdk_client(access_key_id="STS.testid", access_key_secret="stssecret", security_token="ststoken")
    _call_sdk(client, call)
    sdk_request = sdk_requests[-1]
    ours = _ours_for(sdk_request, Credential.sts("STS.testid", "stssecret", "ststoken"))
    assert ours == sdk_request.headers


def test_full_request_matches_official_sdk_bearer(sdk_requests: list[Any]) -> None:
    _call_sdk(_sdk_client(bearer_token="bt-token"), "update_job")
    sdk_request = sdk_requests[-1]
    ours = _ours_for(sdk_request, Credential.bearer("bt-token"))
    # we add the docs' "Authorization: Bearer" form on top of the SDK's headers
    assert ours.pop("Authorization") == "Bearer bt-token"
    assert ours == sdk_request.headers
