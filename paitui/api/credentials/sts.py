"""RAM roles assumed through STS ``AssumeRole`` (RPC style, signed with paitui's own V3 signer)."""

from __future__ import annotations

from datetime import timedelta

import httpx

from paitui import __version__
from paitui.api.credentials.model import Credential
from paitui.api.credentials.providers import (
    DEFAULT_REFRESH_MARGIN,
    Clock,
    CredentialsProvider,
    RefreshingProvider,
    json_object,
    parse_expiration,
)
from paitui.api.errors import CredentialsError
from paitui.api.signing import auth_headers, new_nonce

STS_VERSION = "2015-04-01"
USER_AGENT = f"paitui/{__version__} (credentials)"


def sts_endpoint(region: str | None = None, *, vpc: bool = False) -> str:
    """STS host for role-based providers (docs/WIRE.md §5.2): central unless a region is given."""
    if not region:
        return "sts.aliyuncs.com"
    return f"{'sts-vpc' if vpc else 'sts'}.{region}.aliyuncs.com"


class RamRoleArnProvider(RefreshingProvider):
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
        data = json_object(response)
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
            expiration=parse_expiration(creds.get("Expiration"), "STS AssumeRole"),
        )
