"""Credentials: the chain with a fake HOME and an explicit env dict, each CLI mode and ini type, RAM role and
ECS role providers against in-test ASGI stand-ins, delegation to the official library, and redaction."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import socket
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from paitui.api.credentials import (
    Credential,
    CredentialsProvider,
    DelegatingProvider,
    EcsRamRoleProvider,
    ExplicitCredentials,
    RamRoleArnProvider,
    ResolvedCredentials,
    StaticProvider,
    mask_key_id,
    resolve_credentials,
    resolve_region,
    sts_endpoint,
)
from paitui.api.errors import CredentialsError
from paitui.api.signing import sha256_hex, sign_v3

# Real-looking values: none of them may ever show up in a repr, a description or an error message.
AK_ID = "LTAI5tQmW8xZ3kP9rN2vB7yH"
AK_SECRET = "q7Zr2Lm9Xw4Tb8Kc1Nv6Hy3Pd5Fs0G"  # 30 characters, like a real secret
STS_ID = "STS.NUgYrLnoC37mZZCNnAbez2Hb"
STS_SECRET = "8pWcRt5Yq2Lz9Nm4Xb7Vk1Hd6Gs3Fj"
STS_TOKEN = "CAIS" + "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(8))  # ~500 chars
# an aliyun CLI StsToken profile the ChainableRamRoleArn tests start from
CLI_STS_BASE = {"name": "base", "mode": "StsToken", "access_key_id": STS_ID, "access_key_secret": STS_SECRET,
                "sts_token": STS_TOKEN}
BEARER = "sk-" + hashlib.sha256(b"bearer").hexdigest()[:32]
SECRETS = (AK_ID, AK_SECRET, STS_ID, STS_SECRET, STS_TOKEN, BEARER)
T0 = datetime(2024, 6, 1, tzinfo=UTC)
AUTH_RE = re.compile(r"^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$")


def assert_redacted(*texts: object) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in repr(text) and secret not in str(text), f"secret leaked in {text!r}"


# --- fixtures and helpers ---------------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


def write_cli(home: Path, profiles: list[dict[str, Any]], current: str | None = None) -> Path:
    path = home / ".aliyun" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {"profiles": profiles}
    if current is not None:
        data["current"] = current
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def write_ini(home: Path, text: str, name: str = "credentials.ini") -> Path:
    path = home / ".alibabacloud" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def ak_profile(name: str, key_id: str = AK_ID, region: str | None = None) -> dict[str, Any]:
    profile: dict[str, Any] = {"name": name, "mode": "AK", "access_key_id": key_id, "access_key_secret": AK_SECRET}
    if region:
        profile["region_id"] = region
    return profile


def resolve(home: Path, env: dict[str, str] | None = None, **kwargs: Any) -> ResolvedCredentials | None:
    return resolve_credentials(env=env or {}, home=home, **kwargs)


def must_resolve(home: Path, env: dict[str, str] | None = None, **kwargs: Any) -> ResolvedCredentials:
    resolved = resolve(home, env, **kwargs)
    assert resolved is not None
    return resolved


@dataclass
class FakeClock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class StsStandIn:
    """A tiny STS: verifies the V3 signature like the real service and issues numbered temporary keys."""

    key_secrets: dict[str, str]
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    fail_with: tuple[int, str] | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)

    async def assume_role(self, request: Request) -> Response:
        body = await request.body()
        headers = dict(request.headers)
        match = AUTH_RE.match(headers.get("authorization", ""))
        assert match, "AssumeRole must carry a V3 Authorization header"
        key_id, signed = match.group(1), match.group(2).split(";")
        assert headers["x-acs-content-sha256"] == sha256_hex(body)
        expected = sign_v3(
            method=request.method,
            path=request.url.path,
            query=dict(request.query_params),
            headers={name: headers[name] for name in signed},
            access_key_id=key_id,
            access_key_secret=self.key_secrets[key_id],
            signed_headers=signed,
        )
        self.calls.append({"headers": headers, "query": dict(request.query_params), "signed": signed})
        if expected != headers["authorization"]:
            return JSONResponse({"Code": "SignatureDoesNotMatch", "RequestId": "req-bad"}, status_code=400)
        if self.fail_with:
            status, code = self.fail_with
            return JSONResponse({"Code": code, "Message": "You are not authorized", "RequestId": "req-1"}, status)
        n = len(self.calls)
        expiration = (self.clock() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        credentials = {
            "AccessKeyId": f"{STS_ID}{n}",
            "AccessKeySecret": STS_SECRET,
            "SecurityToken": STS_TOKEN,
            "Expiration": expiration,
        }
        return JSONResponse({"RequestId": f"req-{n}", "Credentials": credentials})

    def transport(self) -> httpx.ASGITransport:
        app = Starlette(routes=[Route("/", self.assume_role, methods=["POST"])])
        return httpx.ASGITransport(app=app)


@dataclass
class ImdsStandIn:
    """A tiny ECS metadata service with optional IMDSv2 tokens."""

    v2: bool = True
    role: str = "EcsPaiRole"
    code: str = "Success"
    calls: list[tuple[str, str, str | None]] = field(default_factory=list)
    token: str = "imds-token-1"

    def _token_ok(self, request: Request) -> bool:
        given = request.headers.get("x-aliyun-ecs-metadata-token")
        self.calls.append((request.method, request.url.path, given))
        return not self.v2 or given == self.token

    async def put_token(self, request: Request) -> Response:
        self.calls.append(
            (request.method, request.url.path, request.headers.get("x-aliyun-ecs-metadata-token-ttl-seconds"))
        )
        if not self.v2:
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(self.token)

    async def list_roles(self, request: Request) -> Response:
        if not self._token_ok(request):
            return PlainTextResponse("unauthorized", status_code=401)
        return PlainTextResponse(self.role)

    async def role_credentials(self, request: Request) -> Response:
        if not self._token_ok(request):
            return PlainTextResponse("unauthorized", status_code=401)
        if request.path_params["role"] != self.role:
            return PlainTextResponse("not found", status_code=404)
        return JSONResponse(
            {
                "Code": self.code,
                "AccessKeyId": STS_ID,
                "AccessKeySecret": STS_SECRET,
                "SecurityToken": STS_TOKEN,
                "Expiration": "2099-01-01T00:00:00Z",
                "LastUpdated": "2024-01-01T00:00:00Z",
            }
        )

    def transport(self) -> httpx.ASGITransport:
        base = "/latest/meta-data/ram/security-credentials/"
        app = Starlette(
            routes=[
                Route("/latest/api/token", self.put_token, methods=["PUT"]),
                Route(base, self.list_roles),
                Route(base + "{role}", self.role_credentials),
            ]
        )
        return httpx.ASGITransport(app=app)


class TripwireTransport(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"network used during resolution: {request.url}")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("network used during resolution")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(httpx.AsyncClient, "send", refuse)
    monkeypatch.setattr(httpx.Client, "send", refuse)
    yield


# --- Credential -------------------------------------------------------------------------------------------


def test_credential_kinds_and_validation() -> None:
    ak = Credential.ak(AK_ID, AK_SECRET)
    assert (ak.kind, ak.provider_name) == ("ak", "static_ak")
    assert ak.access_key_secret is not None and ak.access_key_secret.get_secret_value() == AK_SECRET
    sts = Credential.sts(STS_ID, STS_SECRET, STS_TOKEN)
    assert (sts.kind, sts.provider_name) == ("sts", "static_sts")
    bearer = Credential.bearer(BEARER)
    assert bearer.kind == "bearer" and bearer.provider_name is None
    assert Credential("ak", AK_ID, AK_SECRET) == Credential.ak(AK_ID, AK_SECRET, provider_name=None)  # type: ignore[arg-type]
    with pytest.raises(CredentialsError, match="needs access_key_secret"):
        Credential("ak", AK_ID)
    with pytest.raises(CredentialsError, match="needs security_token"):
        Credential("sts", STS_ID, STS_SECRET)  # type: ignore[arg-type]
    with pytest.raises(CredentialsError, match="Unknown credential kind"):
        Credential("rsa", AK_ID)  # type: ignore[arg-type]


def test_credential_repr_hides_secrets_but_names_the_key() -> None:
    for credential in (
        Credential.ak(AK_ID, AK_SECRET),
        Credential.sts(STS_ID, STS_SECRET, STS_TOKEN, expiration=T0),
        Credential.bearer(BEARER),
    ):
        assert_redacted(credential, f"{credential}")
    text = repr(Credential.ak(AK_ID, AK_SECRET))
    assert mask_key_id(AK_ID) in text and "LTAI" in text and "**********" in text
    assert mask_key_id("short") == "***" and mask_key_id(None) == "<none>"


def test_credential_expires_within() -> None:
    credential = Credential.sts(STS_ID, STS_SECRET, STS_TOKEN, expiration=T0 + timedelta(minutes=10))
    assert not credential.expires_within(timedelta(minutes=5), T0)
    assert credential.expires_within(timedelta(minutes=5), T0 + timedelta(minutes=6))
    assert not Credential.ak(AK_ID, AK_SECRET).expires_within(timedelta(days=999), T0)


def test_providers_satisfy_the_protocol() -> None:
    static = StaticProvider.ak(AK_ID, AK_SECRET, description="x")
    providers = [
        static,
        RamRoleArnProvider(source=static, role_arn="acs:ram::1:role/r"),
        EcsRamRoleProvider(),
        DelegatingProvider(mode="OIDC", name="oidc", description="d", factory=lambda m: None),
    ]
    for provider in providers:
        assert isinstance(provider, CredentialsProvider)
        assert provider.name and provider.description
        assert_redacted(provider)


# --- the chain: precedence --------------------------------------------------------------------------------

ENV_AK = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tEnvEnvEnvEnvEnv01", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": AK_SECRET}


async def key_of(resolved: ResolvedCredentials | None) -> str | None:
    assert resolved is not None
    return (await resolved.provider.get_credential()).access_key_id


async def test_precedence_explicit_env_cli_ini(home: Path) -> None:
    write_cli(home, [ak_profile("default", "LTAI5tCliCliCliCliCli01")], current="default")
    write_ini(
        home,
        f"[default]\ntype = access_key\naccess_key_id = LTAI5tIniIniIniIniIni01\naccess_key_secret = {AK_SECRET}\n",
    )
    explicit = ExplicitCredentials(access_key_id="LTAI5tFlagFlagFlagFlag01", access_key_secret=AK_SECRET)

    resolved = must_resolve(home, ENV_AK, explicit=explicit)
    assert (resolved.source, await key_of(resolved)) == ("flags", "LTAI5tFlagFlagFlagFlag01")
    resolved = must_resolve(home, ENV_AK)
    assert (resolved.source, await key_of(resolved)) == ("environment", "LTAI5tEnvEnvEnvEnvEnv01")
    resolved = must_resolve(home, {})
    assert (resolved.source, await key_of(resolved)) == ('aliyun CLI profile "default"', "LTAI5tCliCliCliCliCli01")
    resolved = must_resolve(home, {"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "true"})
    assert (resolved.source, await key_of(resolved)) == ("credentials.ini [default]", "LTAI5tIniIniIniIniIni01")


def test_nothing_configured_returns_none(home: Path) -> None:
    assert resolve(home, {}) is None
    assert resolve(home, {}, explicit=ExplicitCredentials()) is None  # empty flags fall through


# --- explicit and environment -----------------------------------------------------------------------------


async def test_explicit_ak_sts_bearer(home: Path) -> None:
    ak = must_resolve(home, explicit=ExplicitCredentials(access_key_id=AK_ID, access_key_secret=AK_SECRET))
    assert (await ak.provider.get_credential()).provider_name == "static_ak"
    sts = must_resolve(
        home, explicit=ExplicitCredentials(access_key_id=STS_ID, access_key_secret=STS_SECRET, security_token=STS_TOKEN)
    )
    credential = await sts.provider.get_credential()
    assert (credential.kind, credential.provider_name, sts.provider.name) == ("sts", "static_sts", "static_sts")
    bearer = must_resolve(home, explicit=ExplicitCredentials(bearer_token=BEARER, source="config"))
    credential = await bearer.provider.get_credential()
    assert credential.kind == "bearer" and bearer.source == "config"
    assert_redacted(ak, sts, bearer, ak.provider.description, sts.provider.description)


def test_explicit_half_pair_is_an_error(home: Path) -> None:
    with pytest.raises(CredentialsError, match="an AccessKey secret is missing") as err:
        resolve(home, explicit=ExplicitCredentials(access_key_id=AK_ID))
    assert_redacted(err.value)


async def test_env_ak_and_sts_are_named_default_env(home: Path) -> None:
    resolved = must_resolve(home, {"ALIBABA_CLOUD_ACCESS_KEY_ID": AK_ID, "ALIBABA_CLOUD_ACCESS_KEY_SECRET": AK_SECRET})
    credential = await resolved.provider.get_credential()
    assert (credential.kind, credential.provider_name, resolved.source) == ("ak", "default/env", "environment")
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": STS_ID,
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": STS_SECRET,
        "ALIBABA_CLOUD_SECURITY_TOKEN": STS_TOKEN,
        "DASHSCOPE_API_KEY": BEARER,  # the AccessKey pair wins over the bearer token
    }
    credential = await must_resolve(home, env).provider.get_credential()
    assert (credential.kind, credential.provider_name) == ("sts", "default/env")


@pytest.mark.parametrize("present", ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"])
def test_env_half_pair_is_an_error(home: Path, present: str) -> None:
    with pytest.raises(CredentialsError, match="only half of an AccessKey pair") as err:
        resolve(home, {present: AK_ID if present.endswith("ID") else AK_SECRET})
    assert_redacted(err.value)


async def test_env_dashscope_bearer(home: Path) -> None:
    write_cli(home, [ak_profile("default")], current="default")  # env beats the CLI profile
    resolved = must_resolve(home, {"DASHSCOPE_API_KEY": BEARER})
    credential = await resolved.provider.get_credential()
    assert credential.kind == "bearer" and resolved.source == "environment"
    assert credential.bearer_token is not None and credential.bearer_token.get_secret_value() == BEARER
    assert_redacted(resolved, resolved.provider.description, credential)


def test_env_oidc_delegates(home: Path) -> None:
    env = {
        "ALIBABA_CLOUD_ROLE_ARN": "acs:ram::123:role/oidc",
        "ALIBABA_CLOUD_OIDC_PROVIDER_ARN": "acs:ram::123:oidc-provider/ack",
        "ALIBABA_CLOUD_OIDC_TOKEN_FILE": "/var/run/token",
    }
    provider = must_resolve(home, env).provider
    assert isinstance(provider, DelegatingProvider)
    assert (provider.mode, provider.name) == ("OIDC", "default/oidc_role_arn")


def test_env_ecs_metadata_and_credentials_uri_are_last(home: Path) -> None:
    provider = must_resolve(home, {"ALIBABA_CLOUD_ECS_METADATA": "MyRole"}).provider
    assert isinstance(provider, EcsRamRoleProvider) and provider.role_name == "MyRole"
    assert resolve(home, {"ALIBABA_CLOUD_ECS_METADATA": "R", "ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"}) is None
    provider = must_resolve(home, {"ALIBABA_CLOUD_CREDENTIALS_URI": "http://127.0.0.1:1/creds"}).provider
    assert isinstance(provider, DelegatingProvider) and provider.name == "default/credential_uri"
    write_cli(home, [ak_profile("default")], current="default")
    assert must_resolve(home, {"ALIBABA_CLOUD_ECS_METADATA": "MyRole"}).source.startswith("aliyun CLI")


# --- aliyun CLI profiles ----------------------------------------------------------------------------------


async def test_cli_ak_and_sts_modes(home: Path) -> None:
    sts = {
        "name": "prod",
        "mode": "StsToken",
        "access_key_id": STS_ID,
        "access_key_secret": STS_SECRET,
        "sts_token": STS_TOKEN,
        "region_id": "cn-shanghai",
    }
    write_cli(home, [ak_profile("default", region="cn-beijing"), sts], current="default")

    resolved = must_resolve(home)
    credential = await resolved.provider.get_credential()
    assert (credential.provider_name, resolved.profile, resolved.region) == (
        "default/cli_profile/static_ak",
        "default",
        "cn-beijing",
    )
    assert resolved.provider.description == 'aliyun CLI profile "default" (AK)'

    resolved = must_resolve(home, profile="prod")
    credential = await resolved.provider.get_credential()
    assert (credential.kind, credential.provider_name, resolved.region) == (
        "sts",
        "default/cli_profile/static_sts",
        "cn-shanghai",
    )
    assert resolved.provider.description == 'aliyun CLI profile "prod" (StsToken)'
    assert resolved.source == 'aliyun CLI profile "prod"'
    assert_redacted(resolved, credential)


def test_cli_profile_selection(home: Path) -> None:
    write_cli(home, [ak_profile("default"), ak_profile("prod"), ak_profile("dev")], current="prod")
    assert must_resolve(home).profile == "prod"  # the file's current
    assert must_resolve(home, {"ALIBABA_CLOUD_PROFILE": "dev"}).profile == "dev"
    assert must_resolve(home, {"ALIBABA_CLOUD_PROFILE": "dev"}, profile="default").profile == "default"  # arg wins


def test_missing_named_profile_lists_existing(home: Path) -> None:
    write_cli(home, [ak_profile("default"), ak_profile("prod")], current="default")
    write_ini(home, f"[team]\ntype = access_key\naccess_key_id = {AK_ID}\naccess_key_secret = {AK_SECRET}\n")
    with pytest.raises(CredentialsError) as err:
        resolve(home, profile="staging")
    message = str(err.value)
    assert '"staging" does not exist' in message
    assert "default, prod, [team]" in message
    assert_redacted(err.value)
    with pytest.raises(CredentialsError, match='"qa" does not exist'):
        resolve(home, {"ALIBABA_CLOUD_PROFILE": "qa"})


def test_missing_profile_message_mentions_disabled_cli(home: Path) -> None:
    write_cli(home, [ak_profile("prod")])
    with pytest.raises(CredentialsError, match=r"no profiles exist.*ALIBABA_CLOUD_CLI_PROFILE_DISABLED"):
        resolve(home, {"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "true"}, profile="prod")


async def test_dangling_current_is_an_error_naming_it_unless_another_source_resolves(home: Path) -> None:
    path = write_cli(home, [ak_profile("default"), ak_profile("prod")], current="ghost")
    # before: None here, so paitui silently signed with the simulated cloud's demo key
    with pytest.raises(CredentialsError) as err:
        resolve(home)
    assert f'{path} says "current": "ghost"' in str(err.value) and "profiles: default, prod" in str(err.value)
    assert_redacted(err.value)
    assert resolve(home, {"ALIBABA_CLOUD_CLI_PROFILE_DISABLED": "true"}) is None  # the file is not read at all
    assert must_resolve(home, profile="prod").profile == "prod"  # an explicit profile does not need current
    write_ini(home, f"[default]\ntype = access_key\naccess_key_id = {AK_ID}\naccess_key_secret = {AK_SECRET}\n")
    assert must_resolve(home).source == "credentials.ini [default]"


def test_cli_ram_role_arn_mode(home: Path) -> None:
    profile = {
        "name": "role",
        "mode": "RamRoleArn",
        "access_key_id": AK_ID,
        "access_key_secret": AK_SECRET,
        "ram_role_arn": "acs:ram::123:role/pai",
        "ram_session_name": "s1",
        "expired_seconds": 0,
        "sts_region": "cn-shanghai",
        "enable_vpc": True,
    }
    write_cli(home, [profile], current="role")
    provider = must_resolve(home).provider
    assert isinstance(provider, RamRoleArnProvider)
    assert provider.name == "default/cli_profile/ram_role_arn/static_ak"
    assert provider.role_arn == "acs:ram::123:role/pai"
    assert provider._url == "https://sts-vpc.cn-shanghai.aliyuncs.com"
    assert_redacted(provider, provider.description)


def test_sts_endpoint_rules(home: Path) -> None:
    assert sts_endpoint() == "sts.aliyuncs.com"
    assert sts_endpoint("cn-beijing") == "sts.cn-beijing.aliyuncs.com"
    assert sts_endpoint("cn-beijing", vpc=True) == "sts-vpc.cn-beijing.aliyuncs.com"
    profile = {
        "name": "role",
        "mode": "RamRoleArn",
        "access_key_id": AK_ID,
        "access_key_secret": AK_SECRET,
        "ram_role_arn": "acs:ram::123:role/pai",
    }
    write_cli(home, [profile], current="role")
    provider = must_resolve(
        home, {"ALIBABA_CLOUD_STS_REGION": "cn-beijing", "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED": "true"}
    ).provider
    assert isinstance(provider, RamRoleArnProvider) and provider._url == "https://sts-vpc.cn-beijing.aliyuncs.com"
    provider = must_resolve(home).provider
    assert isinstance(provider, RamRoleArnProvider) and provider._url == "https://sts.aliyuncs.com"


def test_cli_ecs_ram_role_mode(home: Path) -> None:
    write_cli(
        home,
        [{"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "PaiRole", "region_id": "cn-hangzhou"}],
        current="ecs",
    )
    provider = must_resolve(home).provider
    assert isinstance(provider, EcsRamRoleProvider)
    assert (provider.name, provider.role_name) == ("default/cli_profile/ecs_ram_role", "PaiRole")
    with pytest.raises(CredentialsError, match="ALIBABA_CLOUD_ECS_METADATA_DISABLED"):
        resolve(home, {"ALIBABA_CLOUD_ECS_METADATA_DISABLED": "true"})


def test_cli_chainable_ram_role(home: Path) -> None:
    chained = {
        "name": "chain",
        "mode": "ChainableRamRoleArn",
        "source_profile": "base",
        "ram_role_arn": "acs:ram::123:role/up",
    }
    loop_a = {"name": "a", "mode": "ChainableRamRoleArn", "source_profile": "b", "ram_role_arn": "x"}
    loop_b = {"name": "b", "mode": "ChainableRamRoleArn", "source_profile": "a", "ram_role_arn": "y"}
    dangling = {"name": "d", "mode": "ChainableRamRoleArn", "source_profile": "nope", "ram_role_arn": "z"}
    write_cli(home, [CLI_STS_BASE, chained, loop_a, loop_b, dangling])
    provider = must_resolve(home, profile="chain").provider
    assert isinstance(provider, RamRoleArnProvider)
    assert provider.name == "default/cli_profile/ram_role_arn/static_sts"
    with pytest.raises(CredentialsError, match="loops back"):
        resolve(home, profile="a")
    with pytest.raises(CredentialsError, match="source_profile 'nope'"):
        resolve(home, profile="d")


@pytest.mark.parametrize(
    ("mode", "inner"),
    [("OIDC", "oidc_role_arn"), ("CloudSSO", "cloud_sso"), ("OAuth", "oauth"), ("External", "external")],
)
def test_cli_modes_delegated_to_official_library(home: Path, mode: str, inner: str) -> None:
    write_cli(home, [{"name": "p", "mode": mode}], current="p")
    provider = must_resolve(home).provider
    assert isinstance(provider, DelegatingProvider)
    assert (provider.mode, provider.name) == (mode, f"default/cli_profile/{inner}")
    assert provider.description == f'aliyun CLI profile "p" ({mode})'


def test_cli_errors(home: Path) -> None:
    write_cli(home, [{"name": "p", "mode": "Kerberos"}], current="p")
    with pytest.raises(CredentialsError, match="mode 'Kerberos' is not supported; known modes: AK, StsToken"):
        resolve(home)
    write_cli(home, [{"name": "p", "mode": "AK", "access_key_id": AK_ID, "access_key_secret": ""}], current="p")
    with pytest.raises(CredentialsError, match='profile "p" \\(AK\\) has no usable keys: an AccessKey secret') as err:
        resolve(home)
    assert_redacted(err.value)
    write_cli(
        home, [{"name": "p", "mode": "StsToken", "access_key_id": AK_ID, "access_key_secret": AK_SECRET}], current="p"
    )
    with pytest.raises(CredentialsError, match="sts_token is missing"):
        resolve(home)
    path = home / ".aliyun" / "config.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CredentialsError, match=r"config\.json is not valid JSON \(line 1, column 2\)"):
        resolve(home)
    for empty in ("", "  \n"):  # an interrupted `aliyun configure` leaves an empty file
        path.write_text(empty, encoding="utf-8")
        with pytest.raises(CredentialsError, match=r"config\.json is empty"):
            resolve(home)
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(CredentialsError, match=r"config\.json is not UTF-8 text"):
        resolve(home)


# --- credentials.ini --------------------------------------------------------------------------------------

INI = f"""
[default]
type = access_key
access_key_id = {AK_ID}   # inline comment, as the SDK allows
access_key_secret = {AK_SECRET}

[role]
type = ram_role_arn
access_key_id = {AK_ID}
access_key_secret = {AK_SECRET}
role_arn = acs:ram::123:role/pai
role_session_name = sess

[ecs]
type = ecs_ram_role
role_name = EcsPaiRole

[oidc]
type = oidc_role_arn
role_arn = acs:ram::123:role/oidc

[rsa]
type = rsa_key_pair
public_key_id = pk

[odd]
type = kerberos
"""


async def test_ini_types(home: Path) -> None:
    write_ini(home, INI)
    resolved = must_resolve(home)
    credential = await resolved.provider.get_credential()
    assert (credential.access_key_id, credential.provider_name) == (AK_ID, "default/profile/static_ak")
    assert resolved.provider.description == "credentials.ini [default] (access_key)"

    role = must_resolve(home, profile="role").provider
    assert isinstance(role, RamRoleArnProvider) and role.name == "default/profile/ram_role_arn/static_ak"
    ecs = must_resolve(home, profile="ecs").provider
    assert isinstance(ecs, EcsRamRoleProvider) and ecs.role_name == "EcsPaiRole"
    for section, name in (("oidc", "default/profile/oidc_role_arn"), ("rsa", "default/profile/rsa_key_pair")):
        delegated = must_resolve(home, profile=section).provider
        assert isinstance(delegated, DelegatingProvider) and delegated.name == name
    with pytest.raises(CredentialsError, match="type 'kerberos' is not supported"):
        resolve(home, profile="odd")
    assert_redacted(resolved, role, ecs)


def test_ini_section_selection(home: Path) -> None:
    write_ini(home, INI)
    assert must_resolve(home).profile == "default"
    assert must_resolve(home, profile="ecs").profile == "ecs"
    # for the ini file ALIBABA_CLOUD_PROFILE names the section even when a profile argument is given
    assert must_resolve(home, {"ALIBABA_CLOUD_PROFILE": "role"}, profile="ecs").profile == "role"


def test_ini_custom_path(home: Path, tmp_path: Path) -> None:
    custom = tmp_path / "elsewhere.ini"
    custom.write_text(f"[default]\ntype = access_key\naccess_key_id = {AK_ID}\naccess_key_secret = {AK_SECRET}\n")
    assert must_resolve(home, {"ALIBABA_CLOUD_CREDENTIALS_FILE": str(custom)}).profile == "default"
    write_ini(home, INI, name="mine.ini")
    env = {"ALIBABA_CLOUD_CREDENTIALS_FILE": "~/.alibabacloud/mine.ini"}  # "~" is the given home
    assert must_resolve(home, env, profile="ecs").profile == "ecs"
    with pytest.raises(CredentialsError, match=r"points to .*missing\.ini, which is not a file"):
        resolve(home, {"ALIBABA_CLOUD_CREDENTIALS_FILE": str(tmp_path / "missing.ini")})


def test_extensionless_credentials_file_is_ignored(home: Path) -> None:
    write_ini(home, INI, name="credentials")
    assert resolve(home) is None


# --- region -----------------------------------------------------------------------------------------------


def test_resolve_region_order() -> None:
    env = {"ALIBABA_CLOUD_REGION_ID": "cn-beijing"}
    assert resolve_region("ap-southeast-1", env, "cn-shanghai") == "ap-southeast-1"
    assert resolve_region(None, env, "cn-shanghai") == "cn-beijing"
    assert resolve_region("", {}, "cn-shanghai") == "cn-shanghai"
    assert resolve_region(None, {}, None) == "cn-hangzhou"


# --- no network while resolving ---------------------------------------------------------------------------


def test_resolution_never_touches_the_network(home: Path, no_network: None) -> None:
    profiles = [
        ak_profile("ak"),
        {
            "name": "role",
            "mode": "RamRoleArn",
            "access_key_id": AK_ID,
            "access_key_secret": AK_SECRET,
            "ram_role_arn": "acs:ram::1:role/r",
        },
        {"name": "ecs", "mode": "EcsRamRole"},
        {"name": "chain", "mode": "ChainableRamRoleArn", "source_profile": "role", "ram_role_arn": "acs:ram::1:role/x"},
        *({"name": m.lower(), "mode": m} for m in ("OIDC", "CloudSSO", "OAuth", "External")),
    ]
    write_cli(home, profiles)
    write_ini(home, INI.replace("[odd]\ntype = kerberos\n", ""))
    tripwire = TripwireTransport()
    for profile in [p["name"] for p in profiles] + ["default", "role", "ecs", "oidc", "rsa"]:
        assert resolve(home, {}, profile=profile, transport=tripwire) is not None
    empty_home = home / "empty"
    empty_home.mkdir()
    assert resolve(empty_home, {"ALIBABA_CLOUD_ECS_METADATA": "r"}, transport=tripwire) is not None
    assert resolve(empty_home, {"ALIBABA_CLOUD_CREDENTIALS_URI": "http://x/"}, transport=tripwire) is not None


# --- RAM role through STS ---------------------------------------------------------------------------------


async def test_ram_role_arn_signs_v3_and_refreshes_before_expiry() -> None:
    clock = FakeClock()
    sts = StsStandIn({AK_ID: AK_SECRET}, clock=clock)
    source = StaticProvider.ak(AK_ID, AK_SECRET, description="test key")
    provider = RamRoleArnProvider(
        source=source,
        role_arn="acs:ram::123:role/pai",
        role_session_name="sess",
        duration_seconds=3600,
        policy='{"Statement":[]}',
        external_id="ext-1",
        endpoint="sts.cn-shanghai.aliyuncs.com",
        transport=sts.transport(),
        clock=clock,
    )

    first = await provider.get_credential()
    assert (first.kind, first.access_key_id, first.provider_name) == ("sts", f"{STS_ID}1", "ram_role_arn/static_ak")
    assert first.expiration == T0 + timedelta(hours=1)
    call = sts.calls[0]
    assert call["headers"]["host"] == "sts.cn-shanghai.aliyuncs.com"
    assert call["headers"]["x-acs-action"] == "AssumeRole" and call["headers"]["x-acs-version"] == "2015-04-01"
    assert call["headers"]["x-acs-date"] == "2024-06-01T00:00:00Z"
    assert call["query"] == {
        "RoleArn": "acs:ram::123:role/pai",
        "RoleSessionName": "sess",
        "DurationSeconds": "3600",
        "Policy": '{"Statement":[]}',
        "ExternalId": "ext-1",
    }
    assert {"host", "x-acs-action", "x-acs-date", "x-acs-signature-nonce"} <= set(call["signed"])

    clock.advance(minutes=30)
    assert await provider.get_credential() is first  # cached
    assert len(sts.calls) == 1
    clock.advance(minutes=26)  # 4 minutes before Expiration: inside the refresh margin
    second = await provider.get_credential()
    assert second.access_key_id == f"{STS_ID}2" and len(sts.calls) == 2
    assert second.expiration == clock.now + timedelta(hours=1)


async def test_ram_role_concurrent_callers_share_one_refresh() -> None:
    sts = StsStandIn({AK_ID: AK_SECRET}, clock=FakeClock())
    provider = RamRoleArnProvider(
        source=StaticProvider.ak(AK_ID, AK_SECRET, description="k"),
        role_arn="acs:ram::1:role/r",
        transport=sts.transport(),
        clock=FakeClock(),
    )
    results = await asyncio.gather(*(provider.get_credential() for _ in range(5)))
    assert len(sts.calls) == 1 and len({r.access_key_id for r in results}) == 1


async def test_ram_role_refusal_is_a_clear_error_without_secrets() -> None:
    sts = StsStandIn({AK_ID: AK_SECRET}, fail_with=(403, "NoPermission"))
    provider = RamRoleArnProvider(
        source=StaticProvider.ak(AK_ID, AK_SECRET, description="k"),
        role_arn="acs:ram::1:role/r",
        transport=sts.transport(),
    )
    with pytest.raises(CredentialsError, match="STS refused to assume role acs:ram::1:role/r: NoPermission") as err:
        await provider.get_credential()
    assert (err.value.status, err.value.code, err.value.request_id) == (403, "NoPermission", "req-1")
    assert_redacted(err.value)


async def test_ram_role_keeps_valid_credential_when_early_refresh_fails() -> None:
    clock = FakeClock()
    sts = StsStandIn({AK_ID: AK_SECRET}, clock=clock)
    provider = RamRoleArnProvider(
        source=StaticProvider.ak(AK_ID, AK_SECRET, description="k"),
        role_arn="acs:ram::1:role/r",
        transport=sts.transport(),
        clock=clock,
    )
    first = await provider.get_credential()
    sts.fail_with = (500, "InternalError")
    clock.advance(minutes=57)
    assert await provider.get_credential() is first  # still valid for 3 minutes
    clock.advance(minutes=4)
    with pytest.raises(CredentialsError, match="InternalError"):
        await provider.get_credential()


async def test_ram_role_unreachable_sts() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    provider = RamRoleArnProvider(
        source=StaticProvider.ak(AK_ID, AK_SECRET, description="k"),
        role_arn="acs:ram::1:role/r",
        transport=httpx.MockTransport(refuse),
    )
    with pytest.raises(CredentialsError, match=r"Could not reach STS at https://sts\.aliyuncs\.com .*ConnectError"):
        await provider.get_credential()


async def test_ram_role_cannot_use_a_bearer_source() -> None:
    provider = RamRoleArnProvider(source=StaticProvider.bearer(BEARER, description="b"), role_arn="acs:ram::1:role/r")
    with pytest.raises(CredentialsError, match="bearer token"):
        await provider.get_credential()


def test_ram_role_arn_argument_checks() -> None:
    source = StaticProvider.ak(AK_ID, AK_SECRET, description="k")
    with pytest.raises(CredentialsError, match="needs a role ARN"):
        RamRoleArnProvider(source=source, role_arn="")
    with pytest.raises(CredentialsError, match="at least 900 seconds"):
        RamRoleArnProvider(source=source, role_arn="r", duration_seconds=60)


async def test_chained_cli_role_through_resolve_signs_with_source_sts(home: Path) -> None:
    chained = {
        "name": "chain",
        "mode": "ChainableRamRoleArn",
        "source_profile": "base",
        "ram_role_arn": "acs:ram::123:role/up",
        "sts_region": "cn-beijing",
        "region_id": "cn-beijing",
    }
    write_cli(home, [CLI_STS_BASE, chained], current="chain")
    sts = StsStandIn({STS_ID: STS_SECRET})
    resolved = must_resolve(home, transport=sts.transport())
    credential = await resolved.provider.get_credential()
    assert credential.provider_name == "default/cli_profile/ram_role_arn/static_sts"
    assert resolved.region == "cn-beijing"
    call = sts.calls[0]
    assert call["headers"]["host"] == "sts.cn-beijing.aliyuncs.com"
    assert call["headers"]["x-acs-security-token"] == STS_TOKEN
    assert {"x-acs-accesskey-id", "x-acs-security-token"} <= set(call["signed"])


# --- ECS RAM role through the metadata service ------------------------------------------------------------


async def test_ecs_ram_role_imdsv2_with_role_discovery() -> None:
    imds = ImdsStandIn(v2=True)
    provider = EcsRamRoleProvider(transport=imds.transport())
    credential = await provider.get_credential()
    assert (credential.kind, credential.access_key_id, credential.provider_name) == ("sts", STS_ID, "ecs_ram_role")
    assert credential.expiration == datetime(2099, 1, 1, tzinfo=UTC)
    assert imds.calls[0] == ("PUT", "/latest/api/token", "21600")
    assert imds.calls[1:] == [
        ("GET", "/latest/meta-data/ram/security-credentials/", "imds-token-1"),
        ("GET", "/latest/meta-data/ram/security-credentials/EcsPaiRole", "imds-token-1"),
    ]
    assert provider.role_name == "EcsPaiRole"
    assert await provider.get_credential() is credential  # cached until near expiry


async def test_ecs_ram_role_falls_back_to_imdsv1() -> None:
    imds = ImdsStandIn(v2=False)
    credential = await EcsRamRoleProvider(role_name="EcsPaiRole", transport=imds.transport()).get_credential()
    assert credential.access_key_id == STS_ID
    assert imds.calls[-1] == ("GET", "/latest/meta-data/ram/security-credentials/EcsPaiRole", None)


async def test_ecs_ram_role_v1_disabled_and_bad_code() -> None:
    with pytest.raises(CredentialsError, match="IMDSv1 is disabled"):
        await EcsRamRoleProvider(disable_imds_v1=True, transport=ImdsStandIn(v2=False).transport()).get_credential()
    with pytest.raises(CredentialsError, match="Code 'Failed'"):
        await EcsRamRoleProvider(transport=ImdsStandIn(code="Failed").transport()).get_credential()


async def test_ecs_ram_role_through_resolve(home: Path) -> None:
    write_cli(home, [{"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "EcsPaiRole"}], current="ecs")
    imds = ImdsStandIn()
    credential = await must_resolve(home, transport=imds.transport()).provider.get_credential()
    assert credential.provider_name == "default/cli_profile/ecs_ram_role"
    assert [c[1] for c in imds.calls] == ["/latest/api/token", "/latest/meta-data/ram/security-credentials/EcsPaiRole"]


async def test_ecs_ram_role_off_ecs_is_a_clear_error() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    provider = EcsRamRoleProvider(role_name="r", transport=httpx.MockTransport(timeout))
    with pytest.raises(CredentialsError, match=r"Could not reach the ECS metadata service .*only work on an ECS"):
        await provider.get_credential()


def test_ecs_metadata_timeouts_are_one_second() -> None:
    client = EcsRamRoleProvider()._client()
    assert (client.timeout.connect, client.timeout.read) == (1.0, 1.0)
    assert str(client.base_url).startswith("http://100.100.100.200")


# --- delegation to alibabacloud_credentials ---------------------------------------------------------------


async def test_delegated_mode_without_official_package(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_cli(home, [{"name": "sso", "mode": "CloudSSO"}], current="sso")
    provider = must_resolve(home).provider  # resolving works without the package
    monkeypatch.setitem(sys.modules, "alibabacloud_credentials.provider", None)  # makes the import fail
    with pytest.raises(CredentialsError) as err:
        await provider.get_credential()
    message = str(err.value)
    assert "CloudSSO" in message and "pip install 'paitui[credentials]'" in message


async def test_delegated_external_mode_uses_official_library(home: Path, tmp_path: Path) -> None:
    script = tmp_path / "creds.py"
    output = {
        "mode": "StsToken",
        "access_key_id": STS_ID,
        "access_key_secret": STS_SECRET,
        "sts_token": STS_TOKEN,
        "expiration": "2099-01-01T00:00:00Z",
    }
    script.write_text(f"import json\nprint(json.dumps({output!r}))\n", encoding="utf-8")
    write_cli(
        home, [{"name": "ext", "mode": "External", "process_command": f"{sys.executable} {script}"}], current="ext"
    )
    provider = must_resolve(home).provider
    credential = await provider.get_credential()
    assert (credential.kind, credential.access_key_id, credential.provider_name) == (
        "sts",
        STS_ID,
        "default/cli_profile/external",
    )
    assert credential.security_token is not None and credential.security_token.get_secret_value() == STS_TOKEN


async def test_delegated_failure_is_wrapped() -> None:
    class Broken:
        def get_credentials(self) -> Any:
            raise ValueError("token file missing")

    provider = DelegatingProvider(
        mode="OIDC", name="oidc_role_arn", description="OIDC role r", factory=lambda module: Broken()
    )
    with pytest.raises(CredentialsError, match=r"OIDC role r: .*ValueError: token file missing"):
        await provider.get_credential()


async def test_delegated_ak_conversion() -> None:
    class Found:
        def get_access_key_id(self) -> str:
            return AK_ID

        def get_access_key_secret(self) -> str:
            return AK_SECRET

        def get_security_token(self) -> None:
            return None

        def get_expiration(self) -> None:
            return None

    class Inner:
        def get_credentials(self) -> Found:
            return Found()

    provider = DelegatingProvider(mode="rsa_key_pair", name="x/rsa", description="d", factory=lambda m: Inner())
    credential = await provider.get_credential()
    assert (credential.kind, credential.access_key_id, credential.provider_name) == ("ak", AK_ID, "x/rsa")


# --- redaction across everything --------------------------------------------------------------------------


async def test_nothing_leaks_anywhere(home: Path) -> None:
    sts_profile = {
        "name": "sts",
        "mode": "StsToken",
        "access_key_id": STS_ID,
        "access_key_secret": STS_SECRET,
        "sts_token": STS_TOKEN,
    }
    write_cli(home, [ak_profile("ak"), sts_profile], current="ak")
    write_ini(home, INI)
    objects: list[object] = []
    for profile in ("ak", "sts", "default", "role", "ecs", "oidc"):
        resolved = must_resolve(home, profile=profile)
        objects += [resolved, resolved.provider, resolved.provider.description, resolved.source]
        if isinstance(resolved.provider, StaticProvider):
            objects.append(await resolved.provider.get_credential())
    explicit = ExplicitCredentials(
        access_key_id=STS_ID, access_key_secret=STS_SECRET, security_token=STS_TOKEN, bearer_token=BEARER
    )
    objects += [explicit, must_resolve(home, explicit=explicit)]
    for env in ({"ALIBABA_CLOUD_ACCESS_KEY_ID": AK_ID}, {"ALIBABA_CLOUD_ACCESS_KEY_SECRET": AK_SECRET}):
        with pytest.raises(CredentialsError) as err:
            resolve(home, env)
        objects.append(err.value)
    assert_redacted(*objects)


async def test_the_official_library_failure_is_one_line_and_its_own_logger_is_quiet(
        home: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """The official package installs a stderr handler and logs each refresh failure with a traceback; an
    External profile whose command fails must reach the user once, as one line."""
    pytest.importorskip("alibabacloud_credentials")
    write_cli(home, [{"name": "ext", "mode": "External", "process_command": "false"}], current="ext")
    resolved = must_resolve(home)
    with pytest.raises(CredentialsError) as err:
        await resolved.provider.get_credential()
    message = str(err.value)
    assert "\n" not in message and 'aliyun CLI profile "ext" (External)' in message
    assert "failed to execute external command: exit status 1" in message
    _, errors = capfd.readouterr()
    assert "Traceback" not in errors and "CredentialException" not in errors, errors
    # the handler it wrote through held the stderr of import time, which capfd may not see: check it is gone
    logger = logging.getLogger("credentials")
    assert not logger.propagate
    assert not [h for h in logger.handlers if isinstance(h, logging.StreamHandler)]
