"""Request signing for the PAI ROA APIs: V3 ``ACS3-HMAC-SHA256`` and the legacy ROA HMAC-SHA1 scheme.

Pure and stdlib-only, so the simulator can verify with the very same functions the client signs with.
See docs/WIRE.md §3; every step is checked against ``tests/data/signing-vectors.json`` and the official SDK.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:  # signing stays import-light: the credential is only duck-typed at runtime
    from paitui.api.credentials import Credential

ALGORITHM_V3 = "ACS3-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
ACS_DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
RFC1123_FORMAT = "%a, %d %b %Y %H:%M:%S GMT"

__all__ = [
    "ALGORITHM_V3",
    "EMPTY_SHA256",
    "acs_date",
    "auth_headers",
    "canonical_headers",
    "canonical_query",
    "canonical_request",
    "new_nonce",
    "percent_encode",
    "rfc1123_date",
    "roa_canonicalized_resource",
    "roa_string_to_sign",
    "sha256_hex",
    "sign_roa_sha1",
    "sign_v3",
    "signed_header_names",
    "string_to_sign",
]


# --- encoding helpers -------------------------------------------------------------------------------------


def sha256_hex(body: bytes) -> str:
    """Lowercase hex SHA-256: the ``x-acs-content-sha256`` value and the V3 payload hash."""
    return hashlib.sha256(body).hexdigest()


def percent_encode(value: str) -> str:
    """Encode one path parameter like the pai-dlc/AIWorkSpace SDKs (§2.1): ``/`` in an id becomes ``%2F``."""
    # quote() already leaves "~" alone and escapes "*" and "+"; the replacements mirror the SDK literally so
    # the result stays identical even if quote()'s safe set ever changes.
    return quote(value, safe="").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")


def canonical_query(query: Mapping[str, str | None]) -> str:
    """CanonicalQueryString (§3.3 step 2): keys sorted, values RFC 3986-encoded, ``None`` values skipped.

    Keys are not re-encoded, exactly like the SDK (identical for the ASCII names these APIs use).
    """
    keys = sorted(k for k, v in query.items() if v is not None)
    return "&".join(f"{k}={quote(str(query[k]), safe='~')}" for k in keys)


# --- V3 ---------------------------------------------------------------------------------------------------


def _grouped_headers(headers: Mapping[str, str]) -> dict[str, list[str]]:
    """Header values by lower-cased name; HTTP names are case-insensitive so ``Host`` and ``host`` merge."""
    grouped: dict[str, list[str]] = {}
    for name, value in headers.items():
        if value is not None:
            grouped.setdefault(name.lower(), []).append(str(value).strip())
    return grouped


def signed_header_names(headers: Mapping[str, str], signed_headers: Iterable[str] | None = None) -> list[str]:
    """The sorted, lower-cased names that enter the signature.

    ``None`` means every header present except ``authorization`` (which is computed last), i.e. sign exactly
    what is sent, as the official SDK does.
    """
    if signed_headers is None:
        names = {name.lower() for name, value in headers.items() if value is not None}
        names.discard("authorization")
    else:
        names = {name.lower() for name in signed_headers}
    return sorted(names)


def canonical_headers(headers: Mapping[str, str], names: Iterable[str]) -> str:
    """``name:value\\n`` per signed header; repeated names are sorted and joined with ``,`` (§3.3 step 3)."""
    grouped = _grouped_headers(headers)
    lines = []
    for name in names:
        if name not in grouped:
            raise ValueError(f"The header {name!r} is listed as signed but is not in the request.")
        lines.append(f"{name}:{','.join(sorted(grouped[name]))}\n")
    return "".join(lines)


def canonical_request(
    method: str,
    path: str,
    query: Mapping[str, str | None],
    headers: Mapping[str, str],
    signed_headers: Iterable[str] | None,
    payload_hash: str,
) -> str:
    """The V3 CanonicalRequest (§3.3 step 4). ``path`` is the pathname as sent, already percent-encoded."""
    names = signed_header_names(headers, signed_headers)
    return "\n".join(
        [
            method.upper(),
            path or "/",
            canonical_query(query),
            canonical_headers(headers, names),  # ends with "\n", so an empty line follows, as specified
            ";".join(names),
            payload_hash,
        ]
    )


def string_to_sign(canonical_request: str) -> str:
    """``ACS3-HMAC-SHA256\\n`` + hex SHA-256 of the canonical request (§3.3 step 5)."""
    return f"{ALGORITHM_V3}\n{sha256_hex(canonical_request.encode('utf-8'))}"


def _header_value(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def sign_v3(
    *,
    method: str,
    path: str,
    query: Mapping[str, str | None],
    headers: Mapping[str, str],
    access_key_id: str,
    access_key_secret: str,
    signed_headers: Iterable[str] | None = None,
) -> str:
    """The ``Authorization`` value of a V3 request; ``headers`` must already hold ``x-acs-content-sha256``."""
    payload_hash = _header_value(headers, "x-acs-content-sha256")
    if payload_hash is None:
        raise ValueError("V3 signing needs the x-acs-content-sha256 header; set it to sha256_hex(body) first.")
    names = signed_header_names(headers, signed_headers)
    canonical = canonical_request(method, path, query, headers, names, payload_hash)
    signature = hmac.new(
        access_key_secret.encode("utf-8"), string_to_sign(canonical).encode("utf-8"), hashlib.sha256
    ).hexdigest()
    return f"{ALGORITHM_V3} Credential={access_key_id},SignedHeaders={';'.join(names)},Signature={signature}"


# --- legacy ROA HMAC-SHA1 (§3.8) --------------------------------------------------------------------------


def roa_canonicalized_resource(path: str, query: Mapping[str, str | None]) -> str:
    """Path plus the sorted query with raw (un-encoded) values; a bare ``key`` for an empty value."""
    parts = [k if query[k] == "" else f"{k}={query[k]}" for k in sorted(query) if query[k] is not None]
    return f"{path}?{'&'.join(parts)}" if parts else path


def roa_string_to_sign(method: str, path: str, query: Mapping[str, str | None], headers: Mapping[str, str]) -> str:
    """METHOD, accept, content-md5, content-type, date, every ``x-acs-*`` header sorted, then the resource."""
    lowered = {name.lower(): value for name, value in headers.items() if value is not None}
    fixed = [method.upper()] + [lowered.get(h, "") for h in ("accept", "content-md5", "content-type", "date")]
    acs = "".join(f"{name}:{lowered[name]}\n" for name in sorted(lowered) if name.startswith("x-acs-"))
    return "\n".join(fixed) + "\n" + acs + roa_canonicalized_resource(path, query)


def sign_roa_sha1(
    *,
    method: str,
    path: str,
    query: Mapping[str, str | None],
    headers: Mapping[str, str],
    access_key_id: str,
    access_key_secret: str,
) -> str:
    """The ``authorization`` value of the legacy scheme: ``acs <AccessKeyId>:<base64 HMAC-SHA1>``."""
    to_sign = roa_string_to_sign(method, path, query, headers)
    digest = hmac.new(access_key_secret.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha1).digest()
    return f"acs {access_key_id}:{base64.b64encode(digest).decode('ascii')}"


# --- request headers --------------------------------------------------------------------------------------


def _as_utc(now: datetime) -> datetime:
    # a naive datetime is taken to be UTC already: the wire format has no offset to get wrong
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def acs_date(now: datetime) -> str:
    """``x-acs-date``: UTC, ``%Y-%m-%dT%H:%M:%SZ``."""
    return _as_utc(now).strftime(ACS_DATE_FORMAT)


def rfc1123_date(now: datetime) -> str:
    """The ``date`` header of the legacy scheme (English names regardless of locale)."""
    utc = _as_utc(now)
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return f"{days[utc.weekday()]}, {utc.day:02d} {months[utc.month - 1]} {utc:%Y %H:%M:%S} GMT"


def new_nonce() -> str:
    """32 hex characters from the OS CSPRNG; the server rejects a repeated nonce (§3.4)."""
    return secrets.token_hex(16)


def _secret(value: object) -> str:
    """Unwrap a ``SecretStr`` (or anything with ``get_secret_value``); plain strings pass through."""
    getter = getattr(value, "get_secret_value", None)
    return getter() if callable(getter) else str(value)


def auth_headers(
    *,
    method: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    body: bytes,
    credential: Credential,
    now: datetime,
    nonce: str,
) -> dict[str, str]:
    """The complete header dict to send for one attempt.

    ``headers`` holds host, x-acs-action, x-acs-version, accept, user-agent, content-type (with a body) and
    the retry headers on retries; all of it is signed. Call again (new ``now`` and ``nonce``) per retry.
    """
    out = {name.lower(): value for name, value in headers.items() if name.lower() != "authorization"}
    out["x-acs-date"] = acs_date(now)
    out["x-acs-signature-nonce"] = nonce
    out["x-acs-content-sha256"] = sha256_hex(body)
    if credential.provider_name:
        out["x-acs-credentials-provider"] = credential.provider_name

    if credential.kind == "bearer":
        token = _secret(credential.bearer_token)
        out["x-acs-bearer-token"] = token
        out["x-acs-signature-type"] = "BEARERTOKEN"
        # the PAI skill docs' form (§1.3); harmless next to the SDK's headers, and no signature exists here
        out["Authorization"] = f"Bearer {token}"
        return out

    access_key_id = credential.access_key_id or ""
    if credential.kind == "sts":
        # both are x-acs-* headers, so they must be in place before signing (§3.5)
        out["x-acs-accesskey-id"] = access_key_id
        out["x-acs-security-token"] = _secret(credential.security_token)
    out["Authorization"] = sign_v3(
        method=method,
        path=path,
        query=query,
        headers=out,
        access_key_id=access_key_id,
        access_key_secret=_secret(credential.access_key_secret),
    )
    return out
