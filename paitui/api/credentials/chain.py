"""The credential chain (docs/WIRE.md §5): explicit > environment > aliyun CLI profile > credentials.ini > ECS
role / credentials URI named in the environment; and the region that goes with it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import httpx
from pydantic import SecretStr

from paitui.api.credentials.context import Context, clean, key_pair_provider
from paitui.api.credentials.environment import from_env, late_env
from paitui.api.credentials.model import ExplicitCredentials, ResolvedCredentials
from paitui.api.credentials.profiles import dangling_current, from_cli, from_ini, missing_profile
from paitui.api.credentials.providers import StaticProvider

DEFAULT_REGION = "cn-hangzhou"


def _reveal(value: SecretStr | str | None) -> str | None:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def _from_explicit(explicit: ExplicitCredentials) -> ResolvedCredentials | None:
    if explicit.is_empty():
        return None
    bearer = _reveal(explicit.bearer_token)
    if bearer and not explicit.access_key_id:
        provider = StaticProvider.bearer(bearer, description=f"bearer token from {explicit.source}")
    else:
        provider = key_pair_provider(
            explicit.access_key_id,
            _reveal(explicit.access_key_secret),
            _reveal(explicit.security_token),
            what=f"credentials from {explicit.source}",
        )
    return ResolvedCredentials(provider=provider, source=explicit.source)


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
    ctx = Context(env=env, home=home, transport=transport)
    if explicit is not None and (found := _from_explicit(explicit)):
        return found
    if found := from_env(ctx):
        return found
    requested = clean(profile) or ctx.get("ALIBABA_CLOUD_PROFILE")
    if found := from_cli(ctx, requested):
        return found
    if found := from_ini(ctx, ctx.get("ALIBABA_CLOUD_PROFILE") or clean(profile) or "default"):
        return found
    if requested:
        raise missing_profile(ctx, requested)
    if found := late_env(ctx):
        return found
    # nothing else is configured: a config.json pointing at a missing profile is a mistake to name, not a
    # reason to fall back to the simulated cloud
    if error := dangling_current(ctx):
        raise error
    return None


def resolve_region(flag: str | None, env: Mapping[str, str], profile_region: str | None) -> str:
    """flag > ALIBABA_CLOUD_REGION_ID > the profile's region_id > cn-hangzhou."""
    return clean(flag) or clean(env.get("ALIBABA_CLOUD_REGION_ID")) or clean(profile_region) or DEFAULT_REGION
