"""Request authentication as the Alibaba Cloud gateway does it (docs/WIRE.md §3), written from the spec alone.

This module deliberately shares no code with ``paitui.api``: a signing bug in the client must show up here as a
``SignatureDoesNotMatch`` instead of being reproduced by a common helper.

Schemes accepted:

* **V3** ``Authorization: ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`` (§3.3). Only the headers
  named in ``SignedHeaders`` enter the canonical request (the async SDK adds unsigned ``content-type``,
  ``content-length`` and ``accept-encoding``), but ``host``, ``x-acs-date``, ``x-acs-content-sha256`` and every
  ``x-acs-*`` header that is present must be among them (the documented minimum set).
* **STS** (§3.5): V3 or ROA with ``x-acs-security-token`` (and ``x-acs-accesskey-id``) for an STS key pair.
* **Bearer** (§3.6): ``x-acs-bearer-token`` + ``x-acs-signature-type: BEARERTOKEN``, or the seed documents'
  ``Authorization: Bearer <token>``. No signature; date and nonce are checked when present.
* **Legacy ROA HMAC-SHA1** ``authorization: acs <id>:<base64 sig>`` with an RFC 1123 ``date`` header (§3.8).

Freshness (§3.4): the request date (``x-acs-date``, or ``date`` for ROA) must be within 15 minutes of the **real
wall clock** (not the world clock, which may run fast); a nonce may be used once. Nonces are remembered until
the request date + 15 minutes can no longer pass the date check, then pruned (plus a hard cap on entries).

Error codes (HTTP status, code):

==========================================  ===  =========================================================
situation                                   HTTP code
==========================================  ===  =========================================================
no credentials at all                       400  ``MissingAuthorization``
unknown Authorization scheme / malformed    400  ``IncompleteSignature``
required header present but not signed      400  ``IncompleteSignature``
required header (date, nonce, hash) absent  400  ``MissingParameter``
unsupported V3 algorithm (SM3, RSA)         400  ``InvalidSignatureMethod``
unknown AccessKeyId                         404  ``InvalidAccessKeyId.NotFound``
``x-acs-accesskey-id`` ≠ Credential          400  ``InvalidAccessKeyId.Inconsistent``
STS pair without token                      400  ``MissingSecurityToken``
wrong STS token                             400  ``InvalidSecurityToken.Malformed``
token sent with a permanent key pair        400  ``InvalidSecurityToken.MismatchWithAccessKey``
unparsable date                             400  ``InvalidTimeStamp.Format``
date more than 15 min from wall clock       400  ``InvalidTimeStamp.Expired``
nonce seen before                           400  ``SignatureNonceUsed``
``x-acs-content-sha256`` ≠ body hash         400  ``InvalidContentSha256``
signature mismatch                          400  ``SignatureDoesNotMatch`` (Message has the server string to
                                                 sign; ``Detail`` the canonical request; never the secret)
bearer token unknown                        401  ``InvalidBearerToken.NotFound``
bearer header without BEARERTOKEN type      400  ``IncompleteSignature``
==========================================  ===  =========================================================
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import quote

from paitui.sim.errors import SimError
from paitui.sim.identity import BEARER_TOKENS, KEY_PAIRS, KeyPair
from paitui.sim.routing import Caller
from paitui.sim.world import DEMO_USER, User

V3_ALGORITHM = "ACS3-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
MAX_SKEW = timedelta(minutes=15)
# headers every V3 signature must cover, whatever else the client chose to sign
_V3_REQUIRED_SIGNED = ("host", "x-acs-date", "x-acs-content-sha256", "x-acs-signature-nonce")
_SIGNATURE_MISMATCH = "Specified signature is not matched with our calculation. server string to sign is:"


class AuthError(SimError):
    """A SimError that may carry a ``Detail`` (the app adds it to the error body when set)."""

    def __init__(self, status: int, code: str, message: str, *, detail: str | None = None) -> None:
        super().__init__(status, code, message)
        self.detail = detail


@dataclass(frozen=True, slots=True)
class SignedRequest:
    """What verification needs from an HTTP request. ``headers`` has lower-case names; a repeated header's
    values are joined with ``,`` (sorted, as both sides of V3 canonicalisation do)."""

    method: str
    raw_path: str  # as received, still percent-encoded, without the query
    query: Sequence[tuple[str, str]]  # decoded wire query, blanks kept
    headers: Mapping[str, str]
    body: bytes = b""


def _utcnow() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------------------------------------------
# canonicalisation (pure functions; the tests run the published vectors through them)


def _rfc3986(text: str) -> str:
    # only A-Z a-z 0-9 - _ . ~ stay unescaped (urllib's quote keeps - _ . too); space -> %20, * -> %2A
    return quote(text, safe="~")


def canonical_query_v3(query: Sequence[tuple[str, str]]) -> str:
    """Sorted by key; values percent-encoded per RFC 3986; keys as sent (the SDK does not encode them)."""
    return "&".join(f"{key}={_rfc3986(value)}" for key, value in sorted(query))


def canonical_request_v3(method: str, raw_path: str, query: Sequence[tuple[str, str]],
                         headers: Mapping[str, str], signed: Sequence[str], payload_hash: str) -> str:
    canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
    return "\n".join((method.upper(), raw_path or "/", canonical_query_v3(query), canonical_headers,
                      ";".join(signed), payload_hash))


def string_to_sign_v3(canonical_request: str) -> str:
    return f"{V3_ALGORITHM}\n{hashlib.sha256(canonical_request.encode('utf-8')).hexdigest()}"


def signature_v3(secret: str, string_to_sign: str) -> str:
    return hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def string_to_sign_roa(method: str, raw_path: str, query: Sequence[tuple[str, str]],
                       headers: Mapping[str, str], *, content_type: str | None = None) -> str:
    """§3.8: method, accept, content-md5, content-type, date, sorted ``x-acs-*`` headers, resource."""
    ctype = headers.get("content-type", "") if content_type is None else content_type
    lines = [method.upper(), headers.get("accept", ""), headers.get("content-md5", ""), ctype,
             headers.get("date", "")]
    acs = "".join(f"{name}:{headers[name]}\n" for name in sorted(headers) if name.startswith("x-acs-"))
    resource = raw_path
    if query:
        resource += "?" + "&".join(key if value == "" else f"{key}={value}" for key, value in sorted(query))
    return "\n".join(lines) + "\n" + acs + resource


def signature_roa(secret: str, string_to_sign: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def parse_v3_authorization(value: str) -> tuple[str, str, list[str], str]:
    """``ACS3-HMAC-SHA256 Credential=id,SignedHeaders=a;b,Signature=hex`` → (algorithm, id, names, sig)."""
    algorithm, _, rest = value.strip().partition(" ")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        key, sep, val = part.strip().partition("=")
        if sep:
            fields[key] = val
    try:
        credential, signed, signature = fields["Credential"], fields["SignedHeaders"], fields["Signature"]
    except KeyError as missing:
        raise AuthError(400, "IncompleteSignature",
                        f"The Authorization header is missing the {missing.args[0]} field.") from None
    if not credential or not signature or not signed:
        raise AuthError(400, "IncompleteSignature", "The Authorization header has an empty field.")
    return algorithm, credential, signed.split(";"), signature


# --------------------------------------------------------------------------------------------------------------
# replay protection


class NonceCache:
    """Nonces with an expiry (wall-clock epoch seconds); memory is bounded by pruning and by ``max_entries``."""

    def __init__(self, max_entries: int = 200_000) -> None:
        self._expiry: dict[tuple[str, str], float] = {}
        self._heap: list[tuple[float, tuple[str, str]]] = []
        self._max = max_entries

    def __len__(self) -> int:
        return len(self._expiry)

    def seen(self, key: tuple[str, str], now: float) -> bool:
        self.prune(now)
        return key in self._expiry

    def add(self, key: tuple[str, str], expires: float) -> None:
        self._expiry[key] = expires
        heapq.heappush(self._heap, (expires, key))
        while len(self._expiry) > self._max:  # hard cap: forget the soonest-expiring first
            self._pop()

    def prune(self, now: float) -> None:
        while self._heap and self._heap[0][0] <= now:
            self._pop()

    def _pop(self) -> None:
        expires, key = heapq.heappop(self._heap)
        if self._expiry.get(key) == expires:
            del self._expiry[key]


# --------------------------------------------------------------------------------------------------------------
# the verifier


def _caller(user: User, auth: str, key: KeyPair | None = None) -> Caller:
    return Caller(user.user_id, user.name, auth, key.access_key_id if key else None,
                  key.read_only if key else False)


def _missing(name: str) -> AuthError:
    return AuthError(400, "MissingParameter",
                     f"The input parameter {name} that is mandatory for processing this request is not supplied.")


class Authenticator:
    """Verifies a request and returns its ``Caller`` or raises ``AuthError``.

    ``now`` is the wall clock used for freshness (injectable for tests). Not thread-safe: one per app.
    """

    def __init__(self, *, key_pairs: Mapping[str, KeyPair] = KEY_PAIRS,
                 bearer_tokens: Mapping[str, User] = BEARER_TOKENS,
                 now: Callable[[], datetime] = _utcnow, max_skew: timedelta = MAX_SKEW,
                 nonces: NonceCache | None = None) -> None:
        self.key_pairs = key_pairs
        self.bearer_tokens = bearer_tokens
        self.now = now
        self.max_skew = max_skew
        self.nonces = nonces if nonces is not None else NonceCache()

    # --- entry points ---

    def authenticate(self, req: SignedRequest) -> Caller:
        headers = req.headers
        if "x-acs-bearer-token" in headers:
            return self._bearer(req, headers["x-acs-bearer-token"], header_form=True)
        authorization = headers.get("authorization", "").strip()
        if not authorization:
            raise AuthError(400, "MissingAuthorization",
                            "The request is not signed: send an Authorization header or a bearer token.")
        scheme = authorization.split(" ", 1)[0]
        if scheme.startswith("ACS3-"):
            return self._v3(req, authorization)
        if scheme == "acs":
            return self._roa(req, authorization)
        if scheme.lower() == "bearer":
            return self._bearer(req, authorization[len(scheme):].strip(), header_form=False)
        raise AuthError(400, "IncompleteSignature", f"Unsupported authorization scheme {scheme!r}.")

    def identify(self, req: SignedRequest) -> Caller:
        """Who the request claims to be, without verifying anything (``verify_auth=False``)."""
        headers = req.headers
        token = headers.get("x-acs-bearer-token")
        authorization = headers.get("authorization", "").strip()
        if token is None and authorization.lower().startswith("bearer "):
            token = authorization[7:].strip()
        if token is not None:
            user = self.bearer_tokens.get(token)
            return _caller(user, "bearer") if user else _caller(DEMO_USER, "none")
        key_id = None
        if authorization.startswith("ACS3-"):
            key_id = authorization.partition("Credential=")[2].split(",", 1)[0]
        elif authorization.startswith("acs "):
            key_id = authorization[4:].rpartition(":")[0]
        key = self.key_pairs.get(key_id or "")
        if key is None:
            return _caller(DEMO_USER, "none")
        return _caller(key.user, "sts" if key.security_token else "ak", key)

    # --- schemes ---

    def _v3(self, req: SignedRequest, authorization: str) -> Caller:
        headers = req.headers
        algorithm, key_id, signed, signature = parse_v3_authorization(authorization)
        if algorithm != V3_ALGORITHM:
            raise AuthError(400, "InvalidSignatureMethod",
                            f"The signature algorithm {algorithm} is not supported; use {V3_ALGORITHM}.")
        key = self._key(key_id)
        self._check_sts(key, headers)
        names = [name.strip().lower() for name in signed]
        for name in names:
            if name not in headers:
                raise AuthError(400, "IncompleteSignature", f"The signed header {name} is not in the request.")
        for name in _V3_REQUIRED_SIGNED:
            if name not in headers:
                raise _missing(name)
        for name in headers:
            if (name in _V3_REQUIRED_SIGNED or name.startswith("x-acs-")) and name not in names:
                raise AuthError(400, "IncompleteSignature", f"The header {name} must be signed.")
        when = self._fresh(headers["x-acs-date"], rfc1123=False)
        nonce_key = (key_id, headers["x-acs-signature-nonce"])
        self._check_nonce(nonce_key)
        payload_hash = headers["x-acs-content-sha256"].strip()
        if payload_hash != hashlib.sha256(req.body).hexdigest():
            raise AuthError(400, "InvalidContentSha256",
                            "The x-acs-content-sha256 header does not match the SHA-256 of the request body.")
        canonical = canonical_request_v3(req.method, req.raw_path, req.query, headers, sorted(names),
                                         payload_hash)
        to_sign = string_to_sign_v3(canonical)
        if not hmac.compare_digest(signature_v3(key.access_key_secret, to_sign), signature.strip().lower()):
            raise AuthError(400, "SignatureDoesNotMatch", _SIGNATURE_MISMATCH + to_sign,
                            detail="server canonical request is:" + canonical)
        self._remember(nonce_key, when)
        return _caller(key.user, "sts" if key.security_token else "ak", key)

    def _roa(self, req: SignedRequest, authorization: str) -> Caller:
        headers = req.headers
        key_id, sep, signature = authorization[4:].strip().rpartition(":")
        if not sep or not key_id or not signature:
            raise AuthError(400, "IncompleteSignature",
                            "The Authorization header must be 'acs <AccessKeyId>:<Signature>'.")
        method_name = headers.get("x-acs-signature-method", "HMAC-SHA1")
        if method_name.upper() != "HMAC-SHA1":
            raise AuthError(400, "InvalidSignatureMethod", f"The signature method {method_name} is not supported.")
        key = self._key(key_id)
        self._check_sts(key, headers)
        if "date" not in headers:
            raise _missing("Date")
        when = self._fresh(headers["date"], rfc1123=True)
        nonce = headers.get("x-acs-signature-nonce")
        nonce_key = (key_id, nonce) if nonce else None
        if nonce_key:
            self._check_nonce(nonce_key)
        to_sign = string_to_sign_roa(req.method, req.raw_path, req.query, headers)
        ok = hmac.compare_digest(signature_roa(key.access_key_secret, to_sign), signature)
        if not ok and not req.body and headers.get("content-type") == "application/octet-stream":
            # The async SDK (aiohttp) adds content-type: application/octet-stream to body-less requests after
            # signing, so its string to sign has an empty content-type line: accept that spelling too.
            ok = hmac.compare_digest(
                signature_roa(key.access_key_secret,
                              string_to_sign_roa(req.method, req.raw_path, req.query, headers, content_type="")),
                signature)
        if not ok:
            raise AuthError(400, "SignatureDoesNotMatch", _SIGNATURE_MISMATCH + to_sign)
        if nonce_key:
            self._remember(nonce_key, when)
        return _caller(key.user, "roa-sha1", key)

    def _bearer(self, req: SignedRequest, token: str, *, header_form: bool) -> Caller:
        headers = req.headers
        if header_form and headers.get("x-acs-signature-type", "").upper() != "BEARERTOKEN":
            raise AuthError(400, "IncompleteSignature",
                            "x-acs-bearer-token requires the header x-acs-signature-type: BEARERTOKEN.")
        user = self.bearer_tokens.get(token)
        if user is None:
            raise AuthError(401, "InvalidBearerToken.NotFound", "Specified bearer token is not found or has expired.")
        # bearer requests carry no signature; still refuse stale dates and replays when the client sent them
        when = self._fresh(headers["x-acs-date"], rfc1123=False) if "x-acs-date" in headers else None
        nonce = headers.get("x-acs-signature-nonce")
        if nonce:
            nonce_key = ("bearer:" + token, nonce)
            self._check_nonce(nonce_key)
            self._remember(nonce_key, when)
        return _caller(user, "bearer")

    # --- shared checks ---

    def _key(self, key_id: str) -> KeyPair:
        key = self.key_pairs.get(key_id)
        if key is None:
            raise AuthError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        return key

    @staticmethod
    def _check_sts(key: KeyPair, headers: Mapping[str, str]) -> None:
        claimed = headers.get("x-acs-accesskey-id")
        if claimed is not None and claimed != key.access_key_id:
            raise AuthError(400, "InvalidAccessKeyId.Inconsistent",
                            "The x-acs-accesskey-id header does not match the signing AccessKeyId.")
        token = headers.get("x-acs-security-token")
        if key.security_token is None:
            if token is not None:
                raise AuthError(400, "InvalidSecurityToken.MismatchWithAccessKey",
                                "The security token does not belong to the specified access key.")
            return
        if token is None:
            raise AuthError(400, "MissingSecurityToken",
                            "The access key is temporary: the header x-acs-security-token is required.")
        if not hmac.compare_digest(token.encode(), key.security_token.encode()):
            raise AuthError(400, "InvalidSecurityToken.Malformed", "Specified SecurityToken is malformed.")

    def _fresh(self, value: str, *, rfc1123: bool) -> datetime:
        try:
            if rfc1123:
                when = parsedate_to_datetime(value)
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
            else:
                when = datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except (TypeError, ValueError):
            raise AuthError(400, "InvalidTimeStamp.Format",
                            "Specified time stamp or date value is not well formatted.") from None
        if abs(self.now() - when) > self.max_skew:
            raise AuthError(400, "InvalidTimeStamp.Expired",
                            "Specified time stamp or date value is expired (more than 15 minutes from server time).")
        return when

    def _check_nonce(self, key: tuple[str, str]) -> None:
        if self.nonces.seen(key, self.now().timestamp()):
            raise AuthError(400, "SignatureNonceUsed", "Specified signature nonce was used already.")

    def _remember(self, key: tuple[str, str], when: datetime | None) -> None:
        # a nonce can only be replayed while its date still passes the freshness check
        base = max(self.now(), when) if when is not None else self.now()
        self.nonces.add(key, (base + self.max_skew).timestamp())
