"""The ECS instance's RAM role: temporary keys from the metadata service (docs/WIRE.md §5.5), IMDSv2 first, then v1."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import httpx

from paitui.api.credentials.model import Credential
from paitui.api.credentials.providers import (
    DEFAULT_REFRESH_MARGIN,
    Clock,
    RefreshingProvider,
    json_object,
    parse_expiration,
)
from paitui.api.errors import CredentialsError

IMDS_BASE_URL = "http://100.100.100.200"
IMDS_CREDENTIALS_PATH = "/latest/meta-data/ram/security-credentials/"
IMDS_TOKEN_PATH = "/latest/api/token"
IMDS_TOKEN_TTL_SECONDS = 21600


class EcsRamRoleProvider(RefreshingProvider):
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
        data = json_object(response)
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
                expiration=parse_expiration(data.get("Expiration"), "The ECS metadata service"),
            )
        except KeyError as exc:
            raise CredentialsError(f"The ECS metadata service answer lacks {exc.args[0]}.") from None
