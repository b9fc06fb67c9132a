"""The simulator's request verification (docs/WIRE.md §3) against the published vectors and the official SDK's
own signing helpers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paitui.sim.auth import (
    Authenticator,
    AuthError,
    NonceCache,
    SignedRequest,
    canonical_request_v3,
    string_to_sign_roa,
    string_to_sign_v3,
)
from paitui.sim.identity import (
    DEMO_ACCESS_KEY_ID,
    DEMO_ACCESS_KEY_SECRET,
    DEMO_BEARER_TOKEN,
    DEMO_STS_ACCESS_KEY_ID,
    DEMO_STS_ACCESS_KEY_SECRET,
    DEMO_STS_TOKEN,
    KEY_PAIRS,
    READONLY_ACCESS_KEY_ID,
    READONLY_ACCESS_KEY_SECRET,
    KeyPair,
)
from paitui.sim.world import DEMO_USER, TEST_USER

# a copy of shared/api/signing-vectors.json (computed with the official SDK signer), kept with the tests
VECTORS_FILE = Path(__file__).resolve().parents[1] / "data" / "signing-vectors.json"
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_FILE.read_text())["vectors"]
VECTOR_TIME = datetime(2024, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 3, 2, 8, 0, 0, tzinfo=UTC)


def vector(name: str) -> dict[str, Any]:
    return next(v for v in VECTORS if v["name"] == name)


def key_pairs_for(v: dict[str, Any]) -> dict[str, KeyPair]:
    """identity.py's pairs; for the STS vector, ``testid`` is made temporary with the vector's token."""
    pairs = dict(KEY_PAIRS)
    token = v["headers"].get("x-acs-security-token")
    if token:
        pairs["testid"] = KeyPair("testid", "testsecret", TEST_USER, security_token=token)
    return pairs


def vector_request(v: dict[str, Any], *, headers: dict[str, str] | None = None, body: str | None = None,
                   wire_query: str | None = None) -> SignedRequest:
    all_headers = {**v["headers"], **v.get("unsigned_headers", {}), "authorization": v["authorization"],
                   **(headers or {})}
    query = parse_qsl(v["wire_query"] if wire_query is None else wire_query, keep_blank_values=True)
    return SignedRequest(v["method"], v["pathname"], query, all_headers,
                         (v["body"] if body is None else body).encode())


def vector_auth(v: dict[str, Any], *, at: datetime = VECTOR_TIME + timedelta(minutes=3)) -> Authenticator:
    return Authenticator(key_pairs=key_pairs_for(v), now=lambda: at)


def rejected(auth: Authenticator, req: SignedRequest) -> AuthError:
    with pytest.raises(AuthError) as info:
        auth.authenticate(req)
    return info.value


# ---------------------------------------------------------------------------------------------------------------
# the published vectors


@pytest.mark.parametrize("v", VECTORS, ids=lambda v: v["name"])
def test_every_vector_verifies(v: dict[str, Any]) -> None:
    caller = vector_auth(v).authenticate(vector_request(v))
    assert caller.user_id == TEST_USER.user_id
    assert caller.access_key_id == "testid"
    expected_kind = {"ACS3-HMAC-SHA256": "ak"}.get(v["scheme"], "roa-sha1")
    if "x-acs-security-token" in v["headers"]:
        expected_kind = "sts"
    assert caller.auth == expected_kind


@pytest.mark.parametrize("v", [v for v in VECTORS if v["canonical_request"]], ids=lambda v: v["name"])
def test_server_side_canonical_forms_match_the_vectors(v: dict[str, Any]) -> None:
    query = parse_qsl(v["wire_query"], keep_blank_values=True)
    canonical = canonical_request_v3(v["method"], v["pathname"], query, v["headers"],
                                     v["signed_headers"].split(";"), v["payload_sha256"])
    assert canonical == v["canonical_request"]
    assert string_to_sign_v3(canonical) == v["string_to_sign"]


def test_roa_string_to_sign_matches_vector_5() -> None:
    v = vector("roa_hmac_sha1_listjobs")
    query = parse_qsl(v["wire_query"], keep_blank_values=True)
    assert string_to_sign_roa(v["method"], v["pathname"], query, v["headers"]) == v["string_to_sign"]


# ---------------------------------------------------------------------------------------------------------------
# tampering


def test_tampered_signature_is_rejected_without_leaking_the_secret() -> None:
    v = vector("v3_listjobs_minimal")
    bad = v["authorization"][:-4] + "0000"
    err = rejected(vector_auth(v), vector_request(v, headers={"authorization": bad}))
    assert (err.status, err.code) == (400, "SignatureDoesNotMatch")
    assert "server string to sign is:" in err.message
    assert v["string_to_sign"] in err.message
    assert err.detail is not None and v["canonical_request"] in err.detail
    assert "testsecret" not in err.message + err.detail


def test_tampered_body_fails_the_body_hash() -> None:
    v = vector("v3_updatejob_json_body")
    err = rejected(vector_auth(v), vector_request(v, body='{"Priority":9}'))
    assert err.code == "InvalidContentSha256"


def test_tampered_body_with_matching_hash_fails_the_signature() -> None:
    import hashlib

    v = vector("v3_updatejob_json_body")
    body = '{"Priority":9}'
    req = vector_request(v, body=body, headers={"x-acs-content-sha256": hashlib.sha256(body.encode()).hexdigest()})
    assert rejected(vector_auth(v), req).code == "SignatureDoesNotMatch"


def test_tampered_query_is_rejected() -> None:
    v = vector("v3_listjobs_minimal")
    assert rejected(vector_auth(v), vector_request(v, wire_query="PageSize=100")).code == "SignatureDoesNotMatch"


def test_tampered_signed_header_is_rejected() -> None:
    v = vector("v3_listjobs_minimal")
    req = vector_request(v, headers={"x-acs-action": "DeleteJob"})
    assert rejected(vector_auth(v), req).code == "SignatureDoesNotMatch"


def test_encoded_query_must_be_decoded_and_re_encoded() -> None:
    v = vector("v3_listjobs_encoded_query")
    # the same values spelled differently on the wire (%20 instead of +) still verify
    same = "DisplayName=my%20job%2F%CF%80*~&PageNumber=1&ShowOwn=true"
    assert vector_auth(v).authenticate(vector_request(v, wire_query=same)).auth == "ak"


def test_unsigned_extra_headers_are_accepted() -> None:
    """The async SDK adds content-type, content-length and accept-encoding without signing them."""
    v = vector("v3_listjobs_minimal")
    extra = {"content-type": "application/octet-stream", "content-length": "0",
             "accept-encoding": "gzip, deflate", "user-agent": "AlibabaCloud (Linux) Python/3.11"}
    assert vector_auth(v).authenticate(vector_request(v, headers=extra)).auth == "ak"


def test_unsigned_acs_header_is_rejected() -> None:
    v = vector("v3_listjobs_minimal")
    err = rejected(vector_auth(v), vector_request(v, headers={"x-acs-retry-attempts": "1"}))
    assert (err.code, "x-acs-retry-attempts" in err.message) == ("IncompleteSignature", True)


def test_host_must_be_signed() -> None:
    v = vector("v3_listjobs_minimal")
    auth = v["authorization"].replace("SignedHeaders=host;", "SignedHeaders=")
    assert rejected(vector_auth(v), vector_request(v, headers={"authorization": auth})).code == "IncompleteSignature"


def test_malformed_authorization_header() -> None:
    v = vector("v3_listjobs_minimal")
    req = vector_request(v, headers={"authorization": "ACS3-HMAC-SHA256 Credential=testid"})
    assert rejected(vector_auth(v), req).code == "IncompleteSignature"
    req = vector_request(v, headers={"authorization": "Digest abc"})
    assert rejected(vector_auth(v), req).code == "IncompleteSignature"
    sm3 = v["authorization"].replace("ACS3-HMAC-SHA256", "ACS3-HMAC-SM3")
    assert rejected(vector_auth(v), vector_request(v, headers={"authorization": sm3})).code == "InvalidSignatureMethod"


# ---------------------------------------------------------------------------------------------------------------
# freshness and replay


@pytest.mark.parametrize("offset", [timedelta(minutes=15, seconds=1), -timedelta(minutes=15, seconds=1)])
def test_stale_or_future_date_is_rejected(offset: timedelta) -> None:
    v = vector("v3_listjobs_minimal")
    err = rejected(vector_auth(v, at=VECTOR_TIME + offset), vector_request(v))
    assert (err.status, err.code) == (400, "InvalidTimeStamp.Expired")


def test_date_within_fifteen_minutes_is_fresh() -> None:
    v = vector("v3_listjobs_minimal")
    assert vector_auth(v, at=VECTOR_TIME - timedelta(minutes=14, seconds=59)).authenticate(vector_request(v))


def test_unparsable_date() -> None:
    v = vector("v3_listjobs_minimal")
    req = vector_request(v, headers={"x-acs-date": "yesterday"})
    assert rejected(vector_auth(v), req).code == "InvalidTimeStamp.Format"


def test_freshness_uses_the_wall_clock_not_a_fast_world(official_signer: Any) -> None:
    """The authenticator knows only the wall clock; a signature made now verifies whatever the world's time."""
    signer = official_signer(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
    now = datetime.now(UTC).replace(microsecond=0)
    headers = signer.v3("GET", "/api/v1/jobs", when=now, nonce="n-wall")
    assert Authenticator().authenticate(SignedRequest("GET", "/api/v1/jobs", [], _lower(headers))).auth == "ak"


def test_replayed_nonce_is_rejected() -> None:
    v = vector("v3_listjobs_minimal")
    auth = vector_auth(v)
    auth.authenticate(vector_request(v))
    err = rejected(auth, vector_request(v))
    assert (err.status, err.code) == (400, "SignatureNonceUsed")


def test_a_failed_request_does_not_burn_its_nonce() -> None:
    v = vector("v3_listjobs_minimal")
    auth = vector_auth(v)
    rejected(auth, vector_request(v, wire_query="PageSize=11"))
    assert auth.authenticate(vector_request(v)).auth == "ak"


def test_nonce_memory_is_pruned_and_bounded() -> None:
    cache = NonceCache(max_entries=3)
    for i in range(5):
        cache.add(("k", str(i)), expires=100.0 + i)
    assert len(cache) == 3  # the cap forgot the soonest-expiring ones
    assert not cache.seen(("k", "0"), now=50.0)
    assert cache.seen(("k", "4"), now=50.0)
    cache.prune(now=103.5)
    assert len(cache) == 1
    assert not cache.seen(("k", "3"), now=103.5)


def test_nonce_is_kept_as_long_as_its_date_stays_fresh() -> None:
    v = vector("v3_listjobs_minimal")
    moment = [VECTOR_TIME - timedelta(minutes=14)]  # the request is dated 14 min in the future
    auth = Authenticator(key_pairs=key_pairs_for(v), now=lambda: moment[0])
    auth.authenticate(vector_request(v))
    moment[0] = VECTOR_TIME + timedelta(minutes=14)  # 28 min later: the date still passes, so must the nonce check
    assert rejected(auth, vector_request(v)).code == "SignatureNonceUsed"
    moment[0] = VECTOR_TIME + timedelta(minutes=16)
    assert rejected(auth, vector_request(v)).code == "InvalidTimeStamp.Expired"
    assert len(auth.nonces) == 1
    auth.nonces.prune(moment[0].timestamp())
    assert len(auth.nonces) == 0


# ---------------------------------------------------------------------------------------------------------------
# identities


def test_unknown_access_key() -> None:
    v = vector("v3_listjobs_minimal")
    req = vector_request(v, headers={"authorization": v["authorization"].replace("testid", "nobody")})
    err = rejected(vector_auth(v), req)
    assert (err.status, err.code) == (404, "InvalidAccessKeyId.NotFound")
    assert err.message == "Specified access key is not found."


def test_missing_authorization() -> None:
    err = rejected(Authenticator(), SignedRequest("GET", "/api/v1/jobs", [], {"host": "x"}))
    assert (err.status, err.code) == (400, "MissingAuthorization")


def _lower(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def _signed(signer: Any, *, extra: dict[str, str] | None = None, nonce: str = "n1", method: str = "GET",
            path: str = "/api/v1/jobs", query: dict[str, str] | None = None) -> SignedRequest:
    headers = signer.v3(method, path, query, when=NOW, nonce=nonce, extra=extra)
    return SignedRequest(method, path, list((query or {}).items()), _lower(headers))


def test_official_sdk_signature_with_every_header_signed(official_signer: Any) -> None:
    signer = official_signer(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
    req = _signed(signer, query={"DisplayName": "a b/π", "ShowOwn": "True", "Empty": ""},
                  extra={"user-agent": "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
                         "x-acs-credentials-provider": "static_ak"})
    caller = Authenticator(now=lambda: NOW).authenticate(req)
    assert (caller.user_id, caller.auth, caller.read_only) == (DEMO_USER.user_id, "ak", False)


def test_read_only_key_is_flagged(official_signer: Any) -> None:
    signer = official_signer(READONLY_ACCESS_KEY_ID, READONLY_ACCESS_KEY_SECRET)
    assert Authenticator(now=lambda: NOW).authenticate(_signed(signer)).read_only is True


def test_sts_with_the_right_token(official_signer: Any) -> None:
    signer = official_signer(DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET)
    req = _signed(signer, extra={"x-acs-accesskey-id": DEMO_STS_ACCESS_KEY_ID, "x-acs-security-token": DEMO_STS_TOKEN})
    caller = Authenticator(now=lambda: NOW).authenticate(req)
    assert (caller.auth, caller.access_key_id, caller.user_id) == ("sts", DEMO_STS_ACCESS_KEY_ID, DEMO_USER.user_id)


@pytest.mark.parametrize(("extra", "code"), [
    ({"x-acs-accesskey-id": DEMO_STS_ACCESS_KEY_ID, "x-acs-security-token": "CAISwrong"},
     "InvalidSecurityToken.Malformed"),
    ({"x-acs-accesskey-id": DEMO_STS_ACCESS_KEY_ID}, "MissingSecurityToken"),
    ({"x-acs-accesskey-id": "STS.someoneelse", "x-acs-security-token": DEMO_STS_TOKEN},
     "InvalidAccessKeyId.Inconsistent"),
])
def test_sts_with_a_wrong_or_missing_token(official_signer: Any, extra: dict[str, str], code: str) -> None:
    signer = official_signer(DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET)
    assert rejected(Authenticator(now=lambda: NOW), _signed(signer, extra=extra)).code == code


def test_sts_token_must_be_signed(official_signer: Any) -> None:
    signer = official_signer(DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET)
    req = _signed(signer, extra={"x-acs-accesskey-id": DEMO_STS_ACCESS_KEY_ID})
    headers = {**req.headers, "x-acs-security-token": DEMO_STS_TOKEN}  # added after signing
    err = rejected(Authenticator(now=lambda: NOW), SignedRequest("GET", req.raw_path, req.query, headers))
    assert err.code == "IncompleteSignature"


def test_token_with_a_permanent_key_is_refused(official_signer: Any) -> None:
    signer = official_signer(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
    req = _signed(signer, extra={"x-acs-security-token": DEMO_STS_TOKEN})
    assert rejected(Authenticator(now=lambda: NOW), req).code == "InvalidSecurityToken.MismatchWithAccessKey"


def test_bearer_header_form() -> None:
    headers = {"x-acs-bearer-token": DEMO_BEARER_TOKEN, "x-acs-signature-type": "BEARERTOKEN",
               "x-acs-date": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), "x-acs-signature-nonce": "b1"}
    caller = Authenticator(now=lambda: NOW).authenticate(SignedRequest("GET", "/api/v1/jobs", [], headers))
    assert (caller.auth, caller.user_id, caller.access_key_id) == ("bearer", DEMO_USER.user_id, None)


def test_bearer_authorization_form_of_the_seed_documents() -> None:
    req = SignedRequest("DELETE", "/api/PaiPlugin/2022-01-12/schedules/x", [],
                        {"authorization": f"Bearer {DEMO_BEARER_TOKEN}"})
    assert Authenticator().authenticate(req).auth == "bearer"


def test_bearer_rejections() -> None:
    auth = Authenticator(now=lambda: NOW)
    bad = SignedRequest("GET", "/", [], {"authorization": "Bearer nope"})
    err = rejected(auth, bad)
    assert (err.status, err.code) == (401, "InvalidBearerToken.NotFound")
    untyped = SignedRequest("GET", "/", [], {"x-acs-bearer-token": DEMO_BEARER_TOKEN})
    assert rejected(auth, untyped).code == "IncompleteSignature"
    stale = SignedRequest("GET", "/", [], {"x-acs-bearer-token": DEMO_BEARER_TOKEN,
                                            "x-acs-signature-type": "BEARERTOKEN",
                                            "x-acs-date": "2020-01-01T00:00:00Z"})
    assert rejected(auth, stale).code == "InvalidTimeStamp.Expired"
    fresh = {"x-acs-bearer-token": DEMO_BEARER_TOKEN, "x-acs-signature-type": "BEARERTOKEN",
             "x-acs-signature-nonce": "same"}
    auth.authenticate(SignedRequest("GET", "/", [], fresh))
    assert rejected(auth, SignedRequest("GET", "/", [], fresh)).code == "SignatureNonceUsed"


# ---------------------------------------------------------------------------------------------------------------
# legacy ROA HMAC-SHA1


def test_roa_vector_tampered_and_stale() -> None:
    v = vector("roa_hmac_sha1_listjobs")
    assert rejected(vector_auth(v), vector_request(v, wire_query="PageSize=11")).code == "SignatureDoesNotMatch"
    err = rejected(vector_auth(v, at=VECTOR_TIME + timedelta(hours=1)), vector_request(v))
    assert err.code == "InvalidTimeStamp.Expired"
    no_date = vector_request(v)
    headers = {k: val for k, val in no_date.headers.items() if k != "date"}
    err = rejected(vector_auth(v), SignedRequest("GET", v["pathname"], no_date.query, headers))
    assert err.code == "MissingParameter"


def test_roa_with_official_signer_and_sts(official_signer: Any) -> None:
    signer = official_signer(DEMO_STS_ACCESS_KEY_ID, DEMO_STS_ACCESS_KEY_SECRET)
    query = {"PageSize": "10", "DisplayName": "a b", "Flag": ""}
    headers = signer.roa("GET", "/api/v1/jobs", query, when=NOW, nonce="r1",
                         extra={"x-acs-accesskey-id": DEMO_STS_ACCESS_KEY_ID, "x-acs-security-token": DEMO_STS_TOKEN})
    req = SignedRequest("GET", "/api/v1/jobs", list(query.items()), headers)
    caller = Authenticator(now=lambda: NOW).authenticate(req)
    assert (caller.auth, caller.access_key_id) == ("roa-sha1", DEMO_STS_ACCESS_KEY_ID)


def test_identify_without_verification() -> None:
    auth = Authenticator()
    req = SignedRequest("GET", "/", [], {"authorization": f"ACS3-HMAC-SHA256 Credential={READONLY_ACCESS_KEY_ID},"
                                                          "SignedHeaders=host,Signature=00"})
    assert auth.identify(req).read_only is True
    assert auth.identify(SignedRequest("GET", "/", [], {})).auth == "none"


def test_roa_tolerates_the_async_sdks_unsigned_octet_stream_content_type(official_signer: Any) -> None:
    """aiohttp adds ``content-type: application/octet-stream`` to body-less requests after the SDK signed them."""
    signer = official_signer(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
    headers = signer.roa("GET", "/api/v1/jobs", {"PageSize": "1"}, when=NOW, nonce="r2")
    headers |= {"content-type": "application/octet-stream", "content-length": "0"}
    auth = Authenticator(now=lambda: NOW)
    assert auth.authenticate(SignedRequest("GET", "/api/v1/jobs", [("PageSize", "1")], headers)).auth == "roa-sha1"
    # but only for that value and an empty body
    headers = signer.roa("GET", "/api/v1/jobs", when=NOW, nonce="r3") | {"content-type": "application/json"}
    assert rejected(auth, SignedRequest("GET", "/api/v1/jobs", [], headers)).code == "SignatureDoesNotMatch"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.dictionaries(st.from_regex(r"[A-Za-z][A-Za-z0-9.]{0,11}", fullmatch=True),
                             st.text(max_size=20), max_size=6),
       body=st.binary(max_size=64))
def test_any_query_and_body_signed_by_the_sdk_verify(official_signer: Any, query: dict[str, str],
                                                      body: bytes) -> None:
    """The wire query (urlencode: ``+`` for spaces) is decoded and re-encoded exactly as the SDK signed it."""
    from urllib.parse import urlencode

    signer = official_signer(DEMO_ACCESS_KEY_ID, DEMO_ACCESS_KEY_SECRET)
    headers = _lower(signer.v3("PUT", "/api/v1/jobs/x%2Fy", query, body, when=NOW, nonce="h"))
    wire = parse_qsl(urlencode(sorted(query.items())), keep_blank_values=True)
    assert Authenticator(now=lambda: NOW).authenticate(SignedRequest("PUT", "/api/v1/jobs/x%2Fy", wire, headers, body))
