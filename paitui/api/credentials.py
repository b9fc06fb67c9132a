"""Credentials: what signs a request, where it comes from, and how temporary keys are refreshed.

Resolution (``resolve_credentials``) only reads files and the environment; nothing touches the network until a
provider's ``get_credential`` is awaited. Secrets live in ``SecretStr`` and never reach a repr, a description
or an error message. See PAI-API.md §5 for the chain this mirrors.
"""

from __future__ import annotations

import asyncio
import configparser
import importlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable
from urllib.parse import quote

import httpx
from pydantic import SecretStr

from paitui import __version__
from paitui.api.errors import CredentialsError
from paitui.api.signing import auth_headers, new_nonce

Kind = Literal["ak", "sts", "bearer"]
Clock = Callable[[], datetime]

DEFAULT_REGION = "cn-hangzhou"
# refresh temporary keys this long before they expire, so a request never leaves with a dying token
DEFAULT_REFRESH_MARGIN = timedelta(minutes=5)
STS_VERSION = "2015-04-01"
IMDS_BASE_URL = "http://100.100.100.200"
IMDS_CREDENTIALS_PATH = "/latest/meta-data/ram/security-credentials/"
IMDS_TOKEN_PATH = "/latest/api/token"
IMDS_TOKEN_TTL_SECONDS = 21600
INSTALL_HINT = "pip install 'paitui[credentials]'"
USER_AGENT = f"paitui/{__version__} (credentials)"

__all__ = [
    "Credential",
    "CredentialsProvider",
    "DelegatingProvider",
    "EcsRamRoleProvider",
    "ExplicitCredentials",
    "RamRoleArnProvider",
    "ResolvedCredentials",
    "StaticProvider",
    "mask_key_id",
    "resolve_credentials",
    "resolve_region",
    "sts_endpoint",
]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def mask_key_id(value: str | None) -> str:
    """An AccessKey ID shortened for screens and reprs: enough to recognise, not enough to reuse."""
    if not value:
        return "<none>"
    if len(value) < 12:
        return "***"
    return f"{value[:4]}…{value[-3:]}"


def _to_secret(value: SecretStr | str | None) -> SecretStr | None:
    if value is None or isinstance(value, SecretStr):
        return value
    return SecretStr(value)


def _filled(value: SecretStr | str | None) -> bool:
    if isinstance(value, SecretStr):
        return value.get_secret_value() != ""
    return bool(value)


# --- the credential ---------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Credential:
    """One usable credential. Plain strings passed for secrets are wrapped in ``SecretStr``."""

    kind: Kind
    access_key_id: str | None = None
    access_key_secret: SecretStr | None = None
    security_token: SecretStr | None = None
    bearer_token: SecretStr | None = None
    provider_name: str | None = None  # sent as x-acs-credentials-provider
    expiration: datetime | None = None  # UTC; None for long-lived keys

    def __post_init__(self) -> None:
        for field_name in ("access_key_secret", "security_token", "bearer_token"):
            object.__setattr__(self, field_name, _to_secret(getattr(self, field_name)))
        self._check_complete()

    def _check_complete(self) -> None:
        needed = {
            "ak": ("access_key_id", "access_key_secret"),
            "sts": ("access_key_id", "access_key_secret", "security_token"),
            "bearer": ("bearer_token",),
        }.get(self.kind)
        if needed is None:
            raise CredentialsError(f"Unknown credential kind {self.kind!r}; expected ak, sts or bearer.")
        missing = [name for name in needed if not _filled(getattr(self, name))]
        if missing:
            raise CredentialsError(f"A {self.kind} credential needs {' and '.join(missing)}, which is empty.")

    @classmethod
    def ak(cls, access_key_id: str, access_key_secret: str, *, provider_name: str | None = "static_ak") -> Credential:
        return cls("ak", access_key_id, _to_secret(access_key_secret), provider_name=provider_name)

    @classmethod
    def sts(
        cls,
        access_key_id: str,
        access_key_secret: str,
        security_token: str,
        *,
        provider_name: str | None = "static_sts",
        expiration: datetime | None = None,
    ) -> Credential:
        return cls(
            "sts",
            access_key_id,
            _to_secret(access_key_secret),
            _to_secret(security_token),
            provider_name=provider_name,
            expiration=expiration,
        )

    @classmethod
    def bearer(cls, token: str, *, provider_name: str | None = None) -> Credential:
        return cls("bearer", bearer_token=_to_secret(token), provider_name=provider_name)

    def expires_within(self, margin: timedelta, now: datetime) -> bool:
        return self.expiration is not None and self.expiration - margin <= now

    def __repr__(self) -> str:
        parts = [f"kind={self.kind!r}"]
        if self.access_key_id:
            parts.append(f"access_key_id={mask_key_id(self.access_key_id)!r}")
        parts += [
            f"{name}='**********'"
            for name in ("access_key_secret", "security_token", "bearer_token")
            if getattr(self, name) is not None
        ]
        parts.append(f"provider_name={self.provider_name!r}")
        if self.expiration is not None:
            parts.append(f"expiration={self.expiration.isoformat()!r}")
        return f"Credential({', '.join(parts)})"

    __str__ = __repr__


# --- providers --------------------------------------------------------------------------------------------


@runtime_checkable
class CredentialsProvider(Protocol):
    """Where a credential comes from. ``name`` is the x-acs-credentials-provider value; ``description`` is
    for screens (never secret)."""

    name: str
    description: str

    async def get_credential(self) -> Credential: ...


class StaticProvider:
    """A fixed AK, STS or bearer credential (flags, environment, a profile's stored keys)."""

    def __init__(self, credential: Credential, *, description: str, name: str | None = None) -> None:
        self._credential = credential
        self.name = name or credential.provider_name or f"static_{credential.kind}"
        self.description = description

    @classmethod
    def ak(
        cls, access_key_id: str, access_key_secret: str, *, description: str, provider_name: str = "static_ak"
    ) -> StaticProvider:
        return cls(
            Credential.ak(access_key_id, access_key_secret, provider_name=provider_name),
            description=description,
        )

    @classmethod
    def sts(
        cls,
        access_key_id: str,
        access_key_secret: str,
        security_token: str,
        *,
        description: str,
        provider_name: str = "static_sts",
    ) -> StaticProvider:
        credential = Credential.sts(access_key_id, access_key_secret, security_token, provider_name=provider_name)
        return cls(credential, description=description)

    @classmethod
    def bearer(cls, token: str, *, description: str, provider_name: str | None = None) -> StaticProvider:
        # the SDK's bearer credential carries no provider name, so no x-acs-credentials-provider by default
        return cls(Credential.bearer(token, provider_name=provider_name), description=description, name="bearer")

    async def get_credential(self) -> Credential:
        return self._credential

    def __repr__(self) -> str:
        return f"StaticProvider(name={self.name!r}, description={self.description!r})"


class _RefreshingProvider:
    """Caches a temporary credential and fetches a new one ``refresh_margin`` before it expires."""

    name: str
    description: str

    def __init__(self, *, name: str, description: str, clock: Clock | None, refresh_margin: timedelta) -> None:
        self.name = name
        self.description = description
        self._clock = clock or _utcnow
        self._margin = refresh_margin
        self._cached: Credential | None = None
        self._lock = asyncio.Lock()  # concurrent callers share one refresh

    def _usable(self, margin: timedelta) -> Credential | None:
        """The cached credential if it is still good for at least ``margin``."""
        cached = self._cached
        if cached is None or cached.expires_within(margin, self._clock()):
            return None
        return cached

    async def get_credential(self) -> Credential:
        if fresh := self._usable(self._margin):
            return fresh
        async with self._lock:
            if fresh := self._usable(self._margin):  # another caller refreshed while we waited
                return fresh
            try:
                self._cached = await self._fetch()
            except CredentialsError:
                # a failed early refresh keeps the old credential while it is still valid
                if still_valid := self._usable(timedelta(0)):
                    return still_valid
                raise
            return self._cached

    async def _fetch(self) -> Credential:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, description={self.description!r})"


def _parse_expiration(value: Any, what: str) -> datetime:
    try:
        return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise CredentialsError(f"{what} returned an Expiration that is not a UTC time: {value!r}.") from None


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def sts_endpoint(region: str | None = None, *, vpc: bool = False) -> str:
    """STS host for role-based providers (§5.2): central unless a region is given."""
    if not region:
        return "sts.aliyuncs.com"
    return f"{'sts-vpc' if vpc else 'sts'}.{region}.aliyuncs.com"


class RamRoleArnProvider(_RefreshingProvider):
    """Assumes a RAM role through STS ``AssumeRole`` (RPC style, signed with our own V3 signer)."""

    def __init__(
        self,
        *,
        source: CredentialsProvider,
        role_arn: str,
        role_session_name: str | None = None,
        duration_seconds: int = 3600,
        policy: str | None = None,
        external_id: str | None = None,
        endpoint: str = "sts.aliyuncs.com",
        name: str | None = None,
        description: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        refresh_margin: timedelta = DEFAULT_REFRESH_MARGIN,
    ) -> None:
        if not role_arn:
            raise CredentialsError("A RAM role credential needs a role ARN (ram_role_arn / role_arn), which is empty.")
        if duration_seconds < 900:
            raise CredentialsError(f"The STS session duration must be at least 900 seconds, not {duration_seconds}.")
        super().__init__(
            name=name or f"ram_role_arn/{source.name}",
            description=description or f"RAM role {role_arn} assumed with {source.description}",
            clock=clock,
            refresh_margin=refresh_margin,
        )
        self._source = source
        self.role_arn = role_arn
        self._session_name = role_session_name
        self._duration = duration_seconds
        self._policy = policy
        self._external_id = external_id
        self._url = endpoint if "://" in endpoint else f"https://{endpoint}"
        self._transport = transport

    def _query(self) -> dict[str, str]:
        session = self._session_name or f"paitui-{int(self._clock().timestamp())}"
        query = {"RoleArn": self.role_arn, "RoleSessionName": session, "DurationSeconds": str(self._duration)}
        if self._policy:
            query["Policy"] = self._policy
        if self._external_id:
            query["ExternalId"] = self._external_id
        return query

    async def _fetch(self) -> Credential:
        source = await self._source.get_credential()
        if source.kind == "bearer":
            raise CredentialsError(
                f"Cannot assume RAM role {self.role_arn} with a bearer token; it needs an AccessKey."
            )
        query = self._query()
        base = {
            "host": httpx.URL(self._url).netloc.decode("ascii"),
            "x-acs-action": "AssumeRole",
            "x-acs-version": STS_VERSION,
            "accept": "application/json",
            "user-agent": USER_AGENT,
        }
        headers = auth_headers(
            method="POST",
            path="/",
            query=query,
            headers=base,
            body=b"",
            credential=source,
            now=self._clock(),
            nonce=new_nonce(),
        )
        try:
            async with httpx.AsyncClient(transport=self._transport, timeout=httpx.Timeout(10.0, connect=5.0)) as http:
                response = await http.post(f"{self._url}/", params=query, headers=headers)
        except httpx.HTTPError as exc:
            raise CredentialsError(
                f"Could not reach STS at {self._url} to assume role {self.role_arn} ({type(exc).__name__})."
            ) from None
        return self._credential_from(response)

    def _credential_from(self, response: httpx.Response) -> Credential:
        data = _json_object(response)
        if response.status_code != 200:
            code, message = data.get("Code"), data.get("Message")
            raise CredentialsError(
                f"STS refused to assume role {self.role_arn}: {code or response.status_code}"
                + (f" - {message}" if message else "")
                + ".",
                status=response.status_code,
                code=code,
                server_message=message,
                request_id=data.get("RequestId"),
                action="AssumeRole",
            )
        creds = data.get("Credentials")
        if not isinstance(creds, dict) or not all(
            creds.get(k) for k in ("AccessKeyId", "AccessKeySecret", "SecurityToken")
        ):
            raise CredentialsError(f"STS answered AssumeRole for {self.role_arn} without usable Credentials.")
        return Credential.sts(
            creds["AccessKeyId"],
            creds["AccessKeySecret"],
            creds["SecurityToken"],
            provider_name=self.name,
            expiration=_parse_expiration(creds.get("Expiration"), "STS AssumeRole"),
        )


class EcsRamRoleProvider(_RefreshingProvider):
    """Temporary keys of the ECS instance's RAM role from the metadata service (§5.5): IMDSv2, then v1."""

    def __init__(
        self,
        *,
        role_name: str | None = None,
        disable_imds_v1: bool = False,
        name: str = "ecs_ram_role",
        description: str | None = None,
        base_url: str = IMDS_BASE_URL,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        refresh_margin: timedelta = DEFAULT_REFRESH_MARGIN,
    ) -> None:
        role_text = f"role {role_name}" if role_name else "the instance's role"
        super().__init__(
            name=name,
            description=description or f"ECS instance RAM {role_text} (metadata service)",
            clock=clock,
            refresh_margin=refresh_margin,
        )
        self.role_name = role_name
        self._disable_v1 = disable_imds_v1
        self._base_url = base_url
        self._transport = transport

    def _client(self) -> httpx.AsyncClient:
        # the metadata service answers in microseconds on ECS; 1 s keeps a laptop from hanging (§5.5).
        # trust_env=False: a proxy must never see this link-local address.
        return httpx.AsyncClient(
            base_url=self._base_url,
            transport=self._transport,
            timeout=httpx.Timeout(1.0, connect=1.0),
            trust_env=False,
        )

    async def _fetch(self) -> Credential:
        try:
            async with self._client() as http:
                token_headers = await self._token_headers(http)
                role = self.role_name or await self._discover_role(http, token_headers)
                response = await http.get(IMDS_CREDENTIALS_PATH + quote(role, safe=""), headers=token_headers)
        except httpx.HTTPError as exc:
            raise CredentialsError(
                f"Could not reach the ECS metadata service at {self._base_url} ({type(exc).__name__}); "
                "EcsRamRole credentials only work on an ECS instance with a RAM role."
            ) from None
        return self._credential_from(response)

    async def _token_headers(self, http: httpx.AsyncClient) -> dict[str, str]:
        try:
            response = await http.put(
                IMDS_TOKEN_PATH,
                headers={"X-aliyun-ecs-metadata-token-ttl-seconds": str(IMDS_TOKEN_TTL_SECONDS)},
            )
            if response.status_code == 200 and response.text:
                return {"X-aliyun-ecs-metadata-token": response.text.strip()}
            failure = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            failure = type(exc).__name__
        if self._disable_v1:
            raise CredentialsError(
                f"The ECS metadata service gave no IMDSv2 token ({failure}) and IMDSv1 is disabled "
                "(ALIBABA_CLOUD_IMDSV1_DISABLED=true)."
            )
        return {}  # IMDSv1 fallback: the same requests without a token

    async def _discover_role(self, http: httpx.AsyncClient, headers: dict[str, str]) -> str:
        response = await http.get(IMDS_CREDENTIALS_PATH, headers=headers)
        role = response.text.strip().splitlines()[0].strip() if response.text.strip() else ""
        if response.status_code != 200 or not role:
            raise CredentialsError(
                f"The ECS metadata service lists no RAM role (HTTP {response.status_code}); "
                "attach a RAM role to the instance or name one in the profile."
            )
        self.role_name = role  # the attached role does not change under a running instance
        return role

    def _credential_from(self, response: httpx.Response) -> Credential:
        data = _json_object(response)
        if response.status_code != 200 or data.get("Code") != "Success":
            raise CredentialsError(
                f"The ECS metadata service gave no credentials for role {self.role_name} "
                f"(HTTP {response.status_code}, Code {data.get('Code')!r})."
            )
        try:
            return Credential.sts(
                data["AccessKeyId"],
                data["AccessKeySecret"],
                data["SecurityToken"],
                provider_name=self.name,
                expiration=_parse_expiration(data.get("Expiration"), "The ECS metadata service"),
            )
        except KeyError as exc:
            raise CredentialsError(f"The ECS metadata service answer lacks {exc.args[0]}.") from None


class DelegatingProvider:
    """Modes we do not implement natively (OIDC, CloudSSO, OAuth, External, credentials URI, rsa_key_pair…)
    handed to the official ``alibabacloud_credentials`` package, whose blocking calls run in a thread."""

    def __init__(self, *, mode: str, description: str, name: str, factory: Callable[[Any], Any]) -> None:
        self.mode = mode
        self.name = name
        self.description = description
        self._factory = factory  # gets alibabacloud_credentials.provider, returns an ICredentialsProvider
        self._inner: Any = None
        self._lock = asyncio.Lock()  # build the official provider once, even under concurrent callers

    def _official_module(self) -> Any:
        try:
            return importlib.import_module("alibabacloud_credentials.provider")
        except ImportError:
            raise CredentialsError(
                f"The credential mode {self.mode} ({self.description}) needs the optional package "
                f"alibabacloud-credentials; install it with: {INSTALL_HINT}"
            ) from None

    async def get_credential(self) -> Credential:
        module = self._official_module()
        try:
            async with self._lock:
                if self._inner is None:
                    self._inner = await asyncio.to_thread(self._factory, module)
            # the official providers cache and refresh by themselves; this is cheap when they hold a value
            found = await asyncio.to_thread(self._inner.get_credentials)
        except CredentialsError:
            raise
        except Exception as exc:  # the library raises CredentialException, ValueError, OSError…
            raise CredentialsError(
                f"{self.description}: the alibabacloud-credentials library could not get credentials "
                f"({type(exc).__name__}: {str(exc)[:300]})."
            ) from None
        return self._convert(found)

    def _convert(self, found: Any) -> Credential:
        expiration = found.get_expiration() if hasattr(found, "get_expiration") else None
        # the library uses 0 or None for "no expiration"
        has_expiry = isinstance(expiration, int | float) and expiration > 0
        expires = datetime.fromtimestamp(expiration, UTC) if has_expiry else None
        token = found.get_security_token()
        if token:
            return Credential.sts(
                found.get_access_key_id(),
                found.get_access_key_secret(),
                token,
                provider_name=self.name,
                expiration=expires,
            )
        return Credential.ak(found.get_access_key_id(), found.get_access_key_secret(), provider_name=self.name)

    def __repr__(self) -> str:
        return f"DelegatingProvider(mode={self.mode!r}, name={self.name!r}, description={self.description!r})"


# --- resolution -------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class ExplicitCredentials:
    """Credentials given on the command line or in paitui's config: an AccessKey pair (+ STS token) or a
    bearer token."""

    access_key_id: str | None = None
    access_key_secret: SecretStr | str | None = None  # plain strings are wrapped in SecretStr
    security_token: SecretStr | str | None = None
    bearer_token: SecretStr | str | None = None
    source: str = "flags"

    def __post_init__(self) -> None:
        for field_name in ("access_key_secret", "security_token", "bearer_token"):
            object.__setattr__(self, field_name, _to_secret(getattr(self, field_name)))

    def is_empty(self) -> bool:
        return not any(_filled(v) for v in (self.access_key_id, self.access_key_secret, self.bearer_token))

    def __repr__(self) -> str:
        given = [name for name in ("access_key_secret", "security_token", "bearer_token") if getattr(self, name)]
        return (
            f"ExplicitCredentials(access_key_id={mask_key_id(self.access_key_id)!r}, "
            f"given={given!r}, source={self.source!r})"
        )


@dataclass(frozen=True)
class ResolvedCredentials:
    provider: CredentialsProvider
    source: str  # human: flags, environment, aliyun CLI profile "x", credentials.ini [x]
    profile: str | None = None
    region: str | None = None  # the profile's region_id, if any


@dataclass(frozen=True)
class _Ctx:
    env: Mapping[str, str]
    home: Path
    transport: httpx.AsyncBaseTransport | None

    def get(self, name: str) -> str | None:
        value = self.env.get(name)
        return value.strip() if value and value.strip() else None

    def flag(self, name: str) -> bool:
        return (self.get(name) or "").lower() == "true"


def _clean(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _text(value: Any) -> str | None:
    """A config value as a non-empty string, or None (JSON profiles may hold numbers, nulls, booleans)."""
    if value is None or isinstance(value, bool):
        return None
    return _clean(str(value))


def _key_pair_provider(
    key_id: Any,
    secret: Any,
    token: Any,
    *,
    what: str,
    name_prefix: str = "",
    provider_name: str | None = None,
    description: str | None = None,
) -> StaticProvider:
    """AK or STS from stored keys, with a sentence naming what is missing (never the values)."""
    key_id, secret, token = _text(key_id), _text(secret), _text(token)
    if not key_id or not secret:
        missing = "an AccessKey ID" if not key_id else "an AccessKey secret"
        raise CredentialsError(f"{what} has no usable keys: {missing} is missing.")
    if token:
        return StaticProvider.sts(
            key_id,
            secret,
            token,
            description=description or f"{what} (STS token {mask_key_id(key_id)})",
            provider_name=provider_name or f"{name_prefix}static_sts",
        )
    return StaticProvider.ak(
        key_id,
        secret,
        description=description or f"{what} (AccessKey {mask_key_id(key_id)})",
        provider_name=provider_name or f"{name_prefix}static_ak",
    )


def _reveal(value: SecretStr | str | None) -> str | None:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def _from_explicit(explicit: ExplicitCredentials) -> ResolvedCredentials | None:
    if explicit.is_empty():
        return None
    bearer = _reveal(explicit.bearer_token)
    if bearer and not explicit.access_key_id:
        provider = StaticProvider.bearer(bearer, description=f"bearer token from {explicit.source}")
    else:
        provider = _key_pair_provider(
            explicit.access_key_id,
            _reveal(explicit.access_key_secret),
            _reveal(explicit.security_token),
            what=f"credentials from {explicit.source}",
        )
    return ResolvedCredentials(provider=provider, source=explicit.source)


def _from_env(ctx: _Ctx) -> ResolvedCredentials | None:
    key_id, secret = ctx.get("ALIBABA_CLOUD_ACCESS_KEY_ID"), ctx.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    if key_id or secret:
        if not (key_id and secret):
            missing = "ALIBABA_CLOUD_ACCESS_KEY_SECRET" if key_id else "ALIBABA_CLOUD_ACCESS_KEY_ID"
            raise CredentialsError(f"The environment sets only half of an AccessKey pair: {missing} is missing.")
        # the SDK's env provider names itself "env" for both AK and STS
        provider = _key_pair_provider(
            key_id,
            secret,
            ctx.get("ALIBABA_CLOUD_SECURITY_TOKEN"),
            what="environment variables ALIBABA_CLOUD_ACCESS_KEY_*",
            provider_name="default/env",
        )
        return ResolvedCredentials(provider=provider, source="environment")
    if oidc := _oidc_from_env(ctx):
        return ResolvedCredentials(provider=oidc, source="environment")
    if token := ctx.get("DASHSCOPE_API_KEY"):
        provider = StaticProvider.bearer(token, description="bearer token from DASHSCOPE_API_KEY")
        return ResolvedCredentials(provider=provider, source="environment")
    return None


def _oidc_from_env(ctx: _Ctx) -> DelegatingProvider | None:
    names = ("ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE")
    values = [ctx.get(n) for n in names]
    if not all(values):
        return None
    role_arn, provider_arn, token_file = values
    session = ctx.get("ALIBABA_CLOUD_ROLE_SESSION_NAME")
    return DelegatingProvider(
        mode="OIDC",
        name="default/oidc_role_arn",
        description=f"OIDC role {role_arn} from environment variables",
        factory=lambda m: m.OIDCRoleArnCredentialsProvider(
            role_arn=role_arn,
            oidc_provider_arn=provider_arn,
            oidc_token_file_path=token_file,
            role_session_name=session,
        ),
    )


def _late_env(ctx: _Ctx) -> ResolvedCredentials | None:
    """Chain steps 5 and 6, only when asked for by name: we never probe the metadata service on a hunch."""
    if (role := ctx.get("ALIBABA_CLOUD_ECS_METADATA")) and not ctx.flag("ALIBABA_CLOUD_ECS_METADATA_DISABLED"):
        provider = EcsRamRoleProvider(
            role_name=role,
            name="default/ecs_ram_role",
            transport=ctx.transport,
            disable_imds_v1=ctx.flag("ALIBABA_CLOUD_IMDSV1_DISABLED"),
        )
        return ResolvedCredentials(provider=provider, source="environment")
    if uri := ctx.get("ALIBABA_CLOUD_CREDENTIALS_URI"):
        provider = DelegatingProvider(
            mode="credentials URI",
            name="default/credential_uri",
            description="credentials URI from ALIBABA_CLOUD_CREDENTIALS_URI",
            factory=lambda m: m.URLCredentialsProvider(uri=uri),
        )
        return ResolvedCredentials(provider=provider, source="environment")
    return None


# aliyun CLI ~/.aliyun/config.json (§5.3)

_CLI_DELEGATED = {"OIDC": "oidc_role_arn", "CloudSSO": "cloud_sso", "OAuth": "oauth", "External": "external"}
_CLI_MODES = ("AK", "StsToken", "RamRoleArn", "EcsRamRole", "ChainableRamRoleArn", *_CLI_DELEGATED)


def _load_cli_profiles(ctx: _Ctx) -> tuple[Path, str | None, dict[str, dict[str, Any]]] | None:
    if ctx.flag("ALIBABA_CLOUD_CLI_PROFILE_DISABLED"):
        return None
    path = ctx.home / ".aliyun" / "config.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CredentialsError(f"Could not read the aliyun CLI config {path}: {type(exc).__name__}.") from None
    if not isinstance(data, dict) or not isinstance(data.get("profiles", []), list):
        raise CredentialsError(f"The aliyun CLI config {path} is not in the expected format (profiles list).")
    profiles = {p["name"]: p for p in data.get("profiles", []) if isinstance(p, dict) and p.get("name")}
    return path, _text(data.get("current")), profiles


def _seconds(value: Any, default: int = 3600) -> int:
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        return default
    return seconds if seconds > 0 else default  # the CLI writes 0 for "not set"


def _as_bool(value: Any) -> bool:
    return value is True or str(value).strip().lower() == "true"


def _sts_host(ctx: _Ctx, region: Any, vpc: Any) -> str:
    enable_vpc = _as_bool(vpc) if vpc not in (None, "") else ctx.flag("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED")
    return sts_endpoint(_text(region) or ctx.get("ALIBABA_CLOUD_STS_REGION"), vpc=enable_vpc)


def _ecs_provider(ctx: _Ctx, role_name: Any, *, name: str, what: str) -> EcsRamRoleProvider:
    if ctx.flag("ALIBABA_CLOUD_ECS_METADATA_DISABLED"):
        raise CredentialsError(f"{what} asks for the ECS RAM role, but ALIBABA_CLOUD_ECS_METADATA_DISABLED=true.")
    return EcsRamRoleProvider(
        role_name=_text(role_name) or ctx.get("ALIBABA_CLOUD_ECS_METADATA"),
        name=name,
        description=what,
        transport=ctx.transport,
        disable_imds_v1=ctx.flag("ALIBABA_CLOUD_IMDSV1_DISABLED"),
    )


def _cli_provider(
    ctx: _Ctx,
    path: Path,
    profiles: dict[str, dict[str, Any]],
    name: str,
    prefix: str,
    seen: tuple[str, ...] = (),
) -> CredentialsProvider:
    """The provider for one CLI profile; ``prefix`` is prepended to the SDK-style provider name."""
    profile = profiles[name]
    mode = _text(profile.get("mode")) or "AK"
    what = f'aliyun CLI profile "{name}" ({mode})'
    if mode in ("AK", "StsToken"):
        token = profile.get("sts_token") if mode == "StsToken" else None
        if mode == "StsToken" and not token:
            raise CredentialsError(f"{what} has no usable keys: sts_token is missing.")
        return _key_pair_provider(
            profile.get("access_key_id"),
            profile.get("access_key_secret"),
            token,
            what=what,
            name_prefix=prefix,
            description=what,
        )
    if mode == "EcsRamRole":
        return _ecs_provider(ctx, profile.get("ram_role_name"), name=f"{prefix}ecs_ram_role", what=what)
    if mode in ("RamRoleArn", "ChainableRamRoleArn"):
        source = _cli_role_source(ctx, path, profiles, name, profile, mode, seen, what)
        return RamRoleArnProvider(
            source=source,
            role_arn=_text(profile.get("ram_role_arn")) or "",
            role_session_name=_text(profile.get("ram_session_name")),
            duration_seconds=_seconds(profile.get("expired_seconds")),
            policy=_text(profile.get("policy")),
            external_id=_text(profile.get("external_id")),
            endpoint=_sts_host(ctx, profile.get("sts_region"), profile.get("enable_vpc")),
            name=f"{prefix}ram_role_arn/{source.name}",
            description=what,
            transport=ctx.transport,
        )
    if mode in _CLI_DELEGATED:
        return DelegatingProvider(
            mode=mode,
            name=f"{prefix}{_CLI_DELEGATED[mode]}",
            description=what,
            factory=lambda m: m.CLIProfileCredentialsProvider(profile_name=name, profile_file=str(path)),
        )
    raise CredentialsError(f"{what}: the mode {mode!r} is not supported; known modes: {', '.join(_CLI_MODES)}.")


def _cli_role_source(
    ctx: _Ctx,
    path: Path,
    profiles: dict[str, dict[str, Any]],
    name: str,
    profile: dict[str, Any],
    mode: str,
    seen: tuple[str, ...],
    what: str,
) -> CredentialsProvider:
    if mode == "RamRoleArn":
        return _key_pair_provider(profile.get("access_key_id"), profile.get("access_key_secret"), None, what=what)
    source = _text(profile.get("source_profile"))
    if not source or source not in profiles:
        raise CredentialsError(f"{what} names source_profile {source!r}, which is not a profile in {path}.")
    if source in (*seen, name):
        raise CredentialsError(f"{what}: source_profile chain loops back to {source!r}.")
    return _cli_provider(ctx, path, profiles, source, "", (*seen, name))


def _from_cli(ctx: _Ctx, requested: str | None) -> ResolvedCredentials | None:
    loaded = _load_cli_profiles(ctx)
    if loaded is None:
        return None
    path, current, profiles = loaded
    name = requested or current
    if not name or name not in profiles:
        return None  # an explicit name is reported missing after the ini file was checked too
    provider = _cli_provider(ctx, path, profiles, name, "default/cli_profile/")
    return ResolvedCredentials(
        provider=provider,
        source=f'aliyun CLI profile "{name}"',
        profile=name,
        region=_text(profiles[name].get("region_id")),
    )


# ~/.alibabacloud/credentials.ini (§5.4)

_INI_DELEGATED = {"oidc_role_arn": "oidc_role_arn", "rsa_key_pair": "rsa_key_pair"}
_INI_TYPES = ("access_key", "ram_role_arn", "ecs_ram_role", *_INI_DELEGATED)


def _ini_path(ctx: _Ctx) -> tuple[Path, bool]:
    """The ini path and whether the user named it (a named file that is missing is an error)."""
    named = ctx.get("ALIBABA_CLOUD_CREDENTIALS_FILE")
    if not named:
        return ctx.home / ".alibabacloud" / "credentials.ini", False
    if named == "~" or named.startswith("~/"):
        return ctx.home / named[2:], True  # our home, not the process's: tests and sandboxes agree
    return Path(named), True


def _load_ini(ctx: _Ctx) -> tuple[Path, dict[str, dict[str, str]]] | None:
    path, named = _ini_path(ctx)
    if not path.is_file():
        if named:
            raise CredentialsError(f"ALIBABA_CLOUD_CREDENTIALS_FILE points to {path}, which is not a file.")
        return None
    parser = configparser.ConfigParser(interpolation=None)  # secrets may contain "%"
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        raise CredentialsError(f"Could not read the credentials file {path}: {type(exc).__name__}.") from None
    # like the SDK, anything after "#" in a value is a comment
    sections = {s: {k: v.split("#")[0].strip() for k, v in parser.items(s)} for s in parser.sections()}
    return path, sections


def _ini_provider(ctx: _Ctx, path: Path, section_name: str, section: dict[str, str]) -> CredentialsProvider:
    kind = section.get("type") or ""
    what = f"credentials.ini [{section_name}] ({kind or 'no type'})"
    prefix = "default/profile/"
    if kind == "access_key":
        return _key_pair_provider(
            section.get("access_key_id"),
            section.get("access_key_secret"),
            None,
            what=what,
            name_prefix=prefix,
            description=what,
        )
    if kind == "ram_role_arn":
        source = _key_pair_provider(section.get("access_key_id"), section.get("access_key_secret"), None, what=what)
        return RamRoleArnProvider(
            source=source,
            role_arn=section.get("role_arn") or "",
            role_session_name=section.get("role_session_name") or None,
            policy=section.get("policy") or None,
            endpoint=_sts_host(ctx, None, None),
            name=f"{prefix}ram_role_arn/static_ak",
            description=what,
            transport=ctx.transport,
        )
    if kind == "ecs_ram_role":
        return _ecs_provider(ctx, section.get("role_name"), name=f"{prefix}ecs_ram_role", what=what)
    if kind in _INI_DELEGATED:
        return DelegatingProvider(
            mode=kind,
            name=f"{prefix}{_INI_DELEGATED[kind]}",
            description=what,
            factory=lambda m: m.ProfileCredentialsProvider(profile_file=str(path), profile_name=section_name),
        )
    raise CredentialsError(f"{what}: the type {kind!r} is not supported; known types: {', '.join(_INI_TYPES)}.")


def _from_ini(ctx: _Ctx, section_name: str) -> ResolvedCredentials | None:
    loaded = _load_ini(ctx)
    if loaded is None or section_name not in loaded[1]:
        return None
    path, sections = loaded
    provider = _ini_provider(ctx, path, section_name, sections[section_name])
    return ResolvedCredentials(provider=provider, source=f"credentials.ini [{section_name}]", profile=section_name)


def _missing_profile(ctx: _Ctx, requested: str) -> CredentialsError:
    cli = _load_cli_profiles(ctx)
    ini = _load_ini(ctx)
    known = sorted(cli[2]) if cli else []
    known += [f"[{s}]" for s in sorted(ini[1])] if ini else []
    where = f"profiles that exist: {', '.join(known)}" if known else "no profiles exist"
    note = (
        " (aliyun CLI profiles are off: ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true)"
        if ctx.flag("ALIBABA_CLOUD_CLI_PROFILE_DISABLED")
        else ""
    )
    return CredentialsError(
        f'The credentials profile "{requested}" does not exist in ~/.aliyun/config.json or '
        f"credentials.ini; {where}{note}."
    )


def resolve_credentials(
    *,
    explicit: ExplicitCredentials | None = None,
    profile: str | None = None,
    env: Mapping[str, str],
    home: Path,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ResolvedCredentials | None:
    """Find the credential source; the first hit wins. Reads files and ``env`` only, never the network.

    Order: explicit > environment > aliyun CLI profile > credentials.ini > ECS role / credentials URI named in
    the environment. ``None`` when nothing is configured.
    """
    ctx = _Ctx(env=env, home=home, transport=transport)
    if explicit is not None and (found := _from_explicit(explicit)):
        return found
    if found := _from_env(ctx):
        return found
    requested = _clean(profile) or ctx.get("ALIBABA_CLOUD_PROFILE")
    if found := _from_cli(ctx, requested):
        return found
    if found := _from_ini(ctx, ctx.get("ALIBABA_CLOUD_PROFILE") or _clean(profile) or "default"):
        return found
    if requested:
        raise _missing_profile(ctx, requested)
    return _late_env(ctx)


def resolve_region(flag: str | None, env: Mapping[str, str], profile_region: str | None) -> str:
    """flag > ALIBABA_CLOUD_REGION_ID > the profile's region_id > cn-hangzhou."""
    return _clean(flag) or _clean(env.get("ALIBABA_CLOUD_REGION_ID")) or _clean(profile_region) or DEFAULT_REGION
