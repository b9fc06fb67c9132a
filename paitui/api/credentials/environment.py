"""Credentials named by environment variables: the AccessKey pair, OIDC and DashScope keys early in the chain,
the ECS role and credentials URI (chain steps 5 and 6) at its end."""

from __future__ import annotations

from paitui.api.credentials.context import Context, ecs_role_provider, key_pair_provider
from paitui.api.credentials.delegate import DelegatingProvider
from paitui.api.credentials.model import ResolvedCredentials
from paitui.api.credentials.providers import CredentialsProvider, StaticProvider
from paitui.api.errors import CredentialsError


def from_env(ctx: Context) -> ResolvedCredentials | None:
    key_id, secret = ctx.get("ALIBABA_CLOUD_ACCESS_KEY_ID"), ctx.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
    if key_id or secret:
        if not (key_id and secret):
            missing = "ALIBABA_CLOUD_ACCESS_KEY_SECRET" if key_id else "ALIBABA_CLOUD_ACCESS_KEY_ID"
            raise CredentialsError(f"The environment sets only half of an AccessKey pair: {missing} is missing.")
        # the SDK's env provider names itself "env" for both AK and STS
        provider = key_pair_provider(
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


def _oidc_from_env(ctx: Context) -> DelegatingProvider | None:
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


def late_env(ctx: Context) -> ResolvedCredentials | None:
    """Chain steps 5 and 6, only when asked for by name: we never probe the metadata service on a hunch."""
    if (role := ctx.get("ALIBABA_CLOUD_ECS_METADATA")) and not ctx.flag("ALIBABA_CLOUD_ECS_METADATA_DISABLED"):
        provider: CredentialsProvider = ecs_role_provider(ctx, role, name="default/ecs_ram_role")
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
