"""What resolution reads (the environment, the home folder, the transport for token services), how it cleans
the values it finds there, and the provider builders that the environment and the profile files share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from paitui.api.credentials.imds import EcsRamRoleProvider
from paitui.api.credentials.model import mask_key_id
from paitui.api.credentials.providers import StaticProvider
from paitui.api.errors import CredentialsError


def clean(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def text(value: Any) -> str | None:
    """A config value as a non-empty string, or None (JSON profiles may hold numbers, nulls, booleans)."""
    if value is None or isinstance(value, bool):
        return None
    return clean(str(value))


@dataclass(frozen=True)
class Context:
    env: Mapping[str, str]
    home: Path
    transport: httpx.AsyncBaseTransport | None

    def get(self, name: str) -> str | None:
        return clean(self.env.get(name))

    def flag(self, name: str) -> bool:
        return (self.get(name) or "").lower() == "true"


def key_pair_provider(
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
    key_id, secret, token = text(key_id), text(secret), text(token)
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


def ecs_role_provider(
    ctx: Context, role_name: str | None, *, name: str, description: str | None = None
) -> EcsRamRoleProvider:
    """The ECS RAM role as the chain asks for it: the role named in the environment unless ``role_name`` is
    given, IMDSv1 as the environment allows, and the chain's transport."""
    return EcsRamRoleProvider(
        role_name=role_name or ctx.get("ALIBABA_CLOUD_ECS_METADATA"),
        name=name,
        description=description,
        transport=ctx.transport,
        disable_imds_v1=ctx.flag("ALIBABA_CLOUD_IMDSV1_DISABLED"),
    )
