"""What a credential is: the signing credential, the credentials a user gave explicitly, the resolved source,
and the helpers that keep secrets out of reprs (``SecretStr`` wrapping, masked key IDs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from pydantic import SecretStr

from paitui.api.errors import CredentialsError

if TYPE_CHECKING:
    from paitui.api.credentials.providers import CredentialsProvider

CredentialKind = Literal["ak", "sts", "bearer"]

SECRET_FIELDS = ("access_key_secret", "security_token", "bearer_token")


def mask_key_id(value: str | None) -> str:
    """An AccessKey ID shortened for screens and reprs: enough to recognise, not enough to reuse."""
    if not value:
        return "<none>"
    if len(value) < 12:
        return "***"
    return f"{value[:4]}…{value[-3:]}"


def to_secret(value: SecretStr | str | None) -> SecretStr | None:
    if value is None or isinstance(value, SecretStr):
        return value
    return SecretStr(value)


def filled(value: SecretStr | str | None) -> bool:
    if isinstance(value, SecretStr):
        return value.get_secret_value() != ""
    return bool(value)


def _wrap_secrets(instance: object) -> None:
    """Wrap the secret fields of a frozen dataclass in ``SecretStr`` (plain strings are accepted on input)."""
    for field_name in SECRET_FIELDS:
        object.__setattr__(instance, field_name, to_secret(getattr(instance, field_name)))


@dataclass(frozen=True, repr=False)
class Credential:
    """One usable credential. Plain strings passed for secrets are wrapped in ``SecretStr``."""

    kind: CredentialKind
    access_key_id: str | None = None
    access_key_secret: SecretStr | None = None
    security_token: SecretStr | None = None
    bearer_token: SecretStr | None = None
    provider_name: str | None = None  # sent as x-acs-credentials-provider
    expiration: datetime | None = None  # UTC; None for long-lived keys

    def __post_init__(self) -> None:
        _wrap_secrets(self)
        self._check_complete()

    def _check_complete(self) -> None:
        needed = {
            "ak": ("access_key_id", "access_key_secret"),
            "sts": ("access_key_id", "access_key_secret", "security_token"),
            "bearer": ("bearer_token",),
        }.get(self.kind)
        if needed is None:
            raise CredentialsError(f"Unknown credential kind {self.kind!r}; expected ak, sts or bearer.")
        missing = [name for name in needed if not filled(getattr(self, name))]
        if missing:
            raise CredentialsError(f"A {self.kind} credential needs {' and '.join(missing)}, which is empty.")

    @classmethod
    def ak(cls, access_key_id: str, access_key_secret: str, *, provider_name: str | None = "static_ak") -> Credential:
        return cls("ak", access_key_id, to_secret(access_key_secret), provider_name=provider_name)

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
            to_secret(access_key_secret),
            to_secret(security_token),
            provider_name=provider_name,
            expiration=expiration,
        )

    @classmethod
    def bearer(cls, token: str, *, provider_name: str | None = None) -> Credential:
        return cls("bearer", bearer_token=to_secret(token), provider_name=provider_name)

    def expires_within(self, margin: timedelta, now: datetime) -> bool:
        return self.expiration is not None and self.expiration - margin <= now

    def __repr__(self) -> str:
        parts = [f"kind={self.kind!r}"]
        if self.access_key_id:
            parts.append(f"access_key_id={mask_key_id(self.access_key_id)!r}")
        parts += [f"{name}='**********'" for name in SECRET_FIELDS if getattr(self, name) is not None]
        parts.append(f"provider_name={self.provider_name!r}")
        if self.expiration is not None:
            parts.append(f"expiration={self.expiration.isoformat()!r}")
        return f"Credential({', '.join(parts)})"

    __str__ = __repr__


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
        _wrap_secrets(self)

    def is_empty(self) -> bool:
        return not any(filled(v) for v in (self.access_key_id, self.access_key_secret, self.bearer_token))

    def __repr__(self) -> str:
        given = [name for name in SECRET_FIELDS if getattr(self, name)]
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
