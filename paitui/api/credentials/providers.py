"""Where a credential comes from: the provider protocol, fixed credentials, and the caching base that
refreshes temporary keys before they expire (with the parsing helpers its subclasses share)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, runtime_checkable

import httpx

from paitui.api.credentials.model import Credential
from paitui.api.errors import CredentialsError

Clock = Callable[[], datetime]

# refresh temporary keys this long before they expire, so a request never leaves with a dying token
DEFAULT_REFRESH_MARGIN = timedelta(minutes=5)


def _utcnow() -> datetime:
    return datetime.now(UTC)


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


class RefreshingProvider:
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


def parse_expiration(value: Any, what: str) -> datetime:
    try:
        return datetime.strptime(str(value), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise CredentialsError(f"{what} returned an Expiration that is not a UTC time: {value!r}.") from None


def json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
