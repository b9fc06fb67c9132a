"""Named profiles: the aliyun CLI's ~/.aliyun/config.json (docs/WIRE.md §5.3) and ~/.alibabacloud/credentials.ini
(§5.4)."""

from __future__ import annotations

import configparser
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from paitui.api.credentials.context import Context, ecs_role_provider, key_pair_provider, text
from paitui.api.credentials.delegate import DelegatingProvider
from paitui.api.credentials.imds import EcsRamRoleProvider
from paitui.api.credentials.model import ResolvedCredentials
from paitui.api.credentials.providers import CredentialsProvider, StaticProvider
from paitui.api.credentials.sts import RamRoleArnProvider, sts_endpoint
from paitui.api.errors import CredentialsError

_CLI_DELEGATED = {"OIDC": "oidc_role_arn", "CloudSSO": "cloud_sso", "OAuth": "oauth", "External": "external"}
_CLI_MODES = ("AK", "StsToken", "RamRoleArn", "EcsRamRole", "ChainableRamRoleArn", *_CLI_DELEGATED)
_CLI_PREFIX = "default/cli_profile/"

_INI_DELEGATED = {"oidc_role_arn": "oidc_role_arn", "rsa_key_pair": "rsa_key_pair"}
_INI_TYPES = ("access_key", "ram_role_arn", "ecs_ram_role", *_INI_DELEGATED)
_INI_PREFIX = "default/profile/"

# --- what a profile entry (a CLI profile or an ini section) turns into -----------------------------------------


def _seconds(value: Any, default: int = 3600) -> int:
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        return default
    return seconds if seconds > 0 else default  # the CLI writes 0 for "not set"


def _as_bool(value: Any) -> bool:
    return value is True or str(value).strip().lower() == "true"


def _sts_host(ctx: Context, region: Any, vpc: Any) -> str:
    enable_vpc = _as_bool(vpc) if vpc not in (None, "") else ctx.flag("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED")
    return sts_endpoint(text(region) or ctx.get("ALIBABA_CLOUD_STS_REGION"), vpc=enable_vpc)


def _own_keys(entry: Mapping[str, Any], token: Any, *, what: str, prefix: str) -> StaticProvider:
    """An entry that signs with the keys it stores: named with the chain's prefix, described as the entry."""
    key_id, secret = entry.get("access_key_id"), entry.get("access_key_secret")
    return key_pair_provider(key_id, secret, token, what=what, name_prefix=prefix, description=what)


def _role_keys(entry: Mapping[str, Any], *, what: str) -> StaticProvider:
    """The AccessKey pair an entry stores to assume its RAM role with."""
    return key_pair_provider(entry.get("access_key_id"), entry.get("access_key_secret"), None, what=what)


def _assume_role(
    ctx: Context,
    source: CredentialsProvider,
    *,
    what: str,
    prefix: str,
    role_arn: Any,
    session_name: Any,
    policy: Any,
    duration: Any = None,
    external_id: Any = None,
    sts_region: Any = None,
    enable_vpc: Any = None,
) -> RamRoleArnProvider:
    """An entry's RAM role, assumed with ``source`` at the STS host the entry and the environment choose."""
    return RamRoleArnProvider(
        source=source,
        role_arn=text(role_arn) or "",
        role_session_name=text(session_name),
        duration_seconds=_seconds(duration),
        policy=text(policy),
        external_id=text(external_id),
        endpoint=_sts_host(ctx, sts_region, enable_vpc),
        name=f"{prefix}ram_role_arn/{source.name}",
        description=what,
        transport=ctx.transport,
    )


def _ecs_role(ctx: Context, role_name: Any, *, prefix: str, what: str) -> EcsRamRoleProvider:
    if ctx.flag("ALIBABA_CLOUD_ECS_METADATA_DISABLED"):
        raise CredentialsError(f"{what} asks for the ECS RAM role, but ALIBABA_CLOUD_ECS_METADATA_DISABLED=true.")
    return ecs_role_provider(ctx, text(role_name), name=f"{prefix}ecs_ram_role", description=what)


def _delegated(
    mode: str, delegated: Mapping[str, str], *, prefix: str, what: str, factory: Callable[[Any], Any]
) -> DelegatingProvider:
    return DelegatingProvider(mode=mode, name=f"{prefix}{delegated[mode]}", description=what, factory=factory)


# --- aliyun CLI ~/.aliyun/config.json (§5.3) --------------------------------------------------------------------


def _load_cli_profiles(ctx: Context) -> tuple[Path, str | None, dict[str, dict[str, Any]]] | None:
    if ctx.flag("ALIBABA_CLOUD_CLI_PROFILE_DISABLED"):
        return None
    path = ctx.home / ".aliyun" / "config.json"
    if not path.is_file():
        return None
    try:
        raw = path.read_text(encoding="utf-8")
        data = json.loads(raw) if raw.strip() else None
    except OSError as exc:
        raise CredentialsError(f"Could not read the aliyun CLI config {path}: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise CredentialsError(f"The aliyun CLI config {path} is not UTF-8 text (a binary file?).") from None
    except ValueError as exc:  # json.JSONDecodeError: where, never the text (it may hold a secret)
        where = f"line {exc.lineno}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else "somewhere"
        raise CredentialsError(f"The aliyun CLI config {path} is not valid JSON ({where}).") from None
    if data is None:
        raise CredentialsError(f"The aliyun CLI config {path} is empty; run `aliyun configure` or remove it.")
    if not isinstance(data, dict) or not isinstance(data.get("profiles", []), list):
        raise CredentialsError(f"The aliyun CLI config {path} is not in the expected format (profiles list).")
    profiles = {p["name"]: p for p in data.get("profiles", []) if isinstance(p, dict) and p.get("name")}
    return path, text(data.get("current")), profiles


def _cli_provider(
    ctx: Context,
    path: Path,
    profiles: dict[str, dict[str, Any]],
    name: str,
    prefix: str,
    seen: tuple[str, ...] = (),
) -> CredentialsProvider:
    """The provider for one CLI profile; ``prefix`` is prepended to the SDK-style provider name."""
    profile = profiles[name]
    mode = text(profile.get("mode")) or "AK"
    what = f'aliyun CLI profile "{name}" ({mode})'
    if mode in ("AK", "StsToken"):
        token = profile.get("sts_token") if mode == "StsToken" else None
        if mode == "StsToken" and not token:
            raise CredentialsError(f"{what} has no usable keys: sts_token is missing.")
        return _own_keys(profile, token, what=what, prefix=prefix)
    if mode == "EcsRamRole":
        return _ecs_role(ctx, profile.get("ram_role_name"), prefix=prefix, what=what)
    if mode in ("RamRoleArn", "ChainableRamRoleArn"):
        return _assume_role(
            ctx,
            _cli_role_source(ctx, path, profiles, name, profile, mode, seen, what),
            what=what,
            prefix=prefix,
            role_arn=profile.get("ram_role_arn"),
            session_name=profile.get("ram_session_name"),
            policy=profile.get("policy"),
            duration=profile.get("expired_seconds"),
            external_id=profile.get("external_id"),
            sts_region=profile.get("sts_region"),
            enable_vpc=profile.get("enable_vpc"),
        )
    if mode in _CLI_DELEGATED:
        return _delegated(
            mode,
            _CLI_DELEGATED,
            prefix=prefix,
            what=what,
            factory=lambda m: m.CLIProfileCredentialsProvider(profile_name=name, profile_file=str(path)),
        )
    raise CredentialsError(f"{what}: the mode {mode!r} is not supported; known modes: {', '.join(_CLI_MODES)}.")


def _cli_role_source(
    ctx: Context,
    path: Path,
    profiles: dict[str, dict[str, Any]],
    name: str,
    profile: dict[str, Any],
    mode: str,
    seen: tuple[str, ...],
    what: str,
) -> CredentialsProvider:
    if mode == "RamRoleArn":
        return _role_keys(profile, what=what)
    source = text(profile.get("source_profile"))
    if not source or source not in profiles:
        raise CredentialsError(f"{what} names source_profile {source!r}, which is not a profile in {path}.")
    if source in (*seen, name):
        raise CredentialsError(f"{what}: source_profile chain loops back to {source!r}.")
    return _cli_provider(ctx, path, profiles, source, "", (*seen, name))


def from_cli(ctx: Context, requested: str | None) -> ResolvedCredentials | None:
    loaded = _load_cli_profiles(ctx)
    if loaded is None:
        return None
    path, current, profiles = loaded
    name = requested or current
    if not name or name not in profiles:
        return None  # a missing name is reported after the ini file was checked too (dangling_current)
    provider = _cli_provider(ctx, path, profiles, name, _CLI_PREFIX)
    return ResolvedCredentials(
        provider=provider,
        source=f'aliyun CLI profile "{name}"',
        profile=name,
        region=text(profiles[name].get("region_id")),
    )


# --- ~/.alibabacloud/credentials.ini (§5.4) ---------------------------------------------------------------------


def _ini_path(ctx: Context) -> tuple[Path, bool]:
    """The ini path and whether the user named it (a named file that is missing is an error)."""
    named = ctx.get("ALIBABA_CLOUD_CREDENTIALS_FILE")
    if not named:
        return ctx.home / ".alibabacloud" / "credentials.ini", False
    if named == "~" or named.startswith("~/"):
        return ctx.home / named[2:], True  # our home, not the process's: tests and sandboxes agree
    return Path(named), True


def _load_ini(ctx: Context) -> tuple[Path, dict[str, dict[str, str]]] | None:
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


def _ini_provider(ctx: Context, path: Path, section_name: str, section: dict[str, str]) -> CredentialsProvider:
    kind = section.get("type") or ""
    what = f"credentials.ini [{section_name}] ({kind or 'no type'})"
    if kind == "access_key":
        return _own_keys(section, None, what=what, prefix=_INI_PREFIX)
    if kind == "ram_role_arn":
        return _assume_role(
            ctx,
            _role_keys(section, what=what),
            what=what,
            prefix=_INI_PREFIX,
            role_arn=section.get("role_arn"),
            session_name=section.get("role_session_name"),
            policy=section.get("policy"),
        )
    if kind == "ecs_ram_role":
        return _ecs_role(ctx, section.get("role_name"), prefix=_INI_PREFIX, what=what)
    if kind in _INI_DELEGATED:
        return _delegated(
            kind,
            _INI_DELEGATED,
            prefix=_INI_PREFIX,
            what=what,
            factory=lambda m: m.ProfileCredentialsProvider(profile_file=str(path), profile_name=section_name),
        )
    raise CredentialsError(f"{what}: the type {kind!r} is not supported; known types: {', '.join(_INI_TYPES)}.")


def from_ini(ctx: Context, section_name: str) -> ResolvedCredentials | None:
    loaded = _load_ini(ctx)
    if loaded is None or section_name not in loaded[1]:
        return None
    path, sections = loaded
    provider = _ini_provider(ctx, path, section_name, sections[section_name])
    return ResolvedCredentials(provider=provider, source=f"credentials.ini [{section_name}]", profile=section_name)


def dangling_current(ctx: Context) -> CredentialsError | None:
    """The error for a config.json whose ``current`` names no profile in it (None when it does, or is unset):
    the aliyun CLI itself refuses such a file, so paitui must not quietly fall back to the demo key."""
    loaded = _load_cli_profiles(ctx)
    if loaded is None:
        return None
    path, current, profiles = loaded
    if not current or current in profiles:
        return None
    known = ", ".join(sorted(profiles)) or "none"
    return CredentialsError(
        f'The aliyun CLI config {path} says "current": "{current}", but it has no profile of that name '
        f"(profiles: {known}); fix \"current\" (aliyun configure set --profile NAME) or pass --profile."
    )


def missing_profile(ctx: Context, requested: str) -> CredentialsError:
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
