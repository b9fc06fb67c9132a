"""Credentials: what signs a request, where it comes from, and how temporary keys are refreshed.

Resolution (``resolve_credentials``) only reads files and the environment; nothing touches the network until a
provider's ``get_credential`` is awaited. Secrets live in ``SecretStr`` and never reach a repr, a description
or an error message. See docs/WIRE.md §5 for the chain this mirrors.

- ``model``: ``Credential``, ``ExplicitCredentials``, ``ResolvedCredentials`` and the secret/mask helpers
- ``providers``: the ``CredentialsProvider`` protocol, ``StaticProvider`` and the refreshing base
- ``sts``: ``RamRoleArnProvider`` (STS AssumeRole) and ``sts_endpoint``
- ``imds``: ``EcsRamRoleProvider`` (ECS metadata service)
- ``delegate``: ``DelegatingProvider`` (the optional official ``alibabacloud_credentials`` package)
- ``context``: what resolution reads, and the provider builders its sources share
- ``environment``, ``profiles``: the sources (environment variables; aliyun CLI config.json, credentials.ini)
- ``chain``: ``resolve_credentials`` and ``resolve_region``
"""

# __all__ is the API; the constants and type aliases the single-file module also offered stay importable here
from paitui.api.credentials.chain import DEFAULT_REGION as DEFAULT_REGION
from paitui.api.credentials.chain import resolve_credentials, resolve_region
from paitui.api.credentials.delegate import INSTALL_HINT as INSTALL_HINT
from paitui.api.credentials.delegate import DelegatingProvider
from paitui.api.credentials.imds import IMDS_BASE_URL as IMDS_BASE_URL
from paitui.api.credentials.imds import IMDS_CREDENTIALS_PATH as IMDS_CREDENTIALS_PATH
from paitui.api.credentials.imds import IMDS_TOKEN_PATH as IMDS_TOKEN_PATH
from paitui.api.credentials.imds import IMDS_TOKEN_TTL_SECONDS as IMDS_TOKEN_TTL_SECONDS
from paitui.api.credentials.imds import EcsRamRoleProvider
from paitui.api.credentials.model import Credential, ExplicitCredentials, ResolvedCredentials, mask_key_id
from paitui.api.credentials.model import CredentialKind as CredentialKind
from paitui.api.credentials.providers import DEFAULT_REFRESH_MARGIN as DEFAULT_REFRESH_MARGIN
from paitui.api.credentials.providers import Clock as Clock
from paitui.api.credentials.providers import CredentialsProvider, StaticProvider
from paitui.api.credentials.sts import STS_VERSION as STS_VERSION
from paitui.api.credentials.sts import USER_AGENT as USER_AGENT
from paitui.api.credentials.sts import RamRoleArnProvider, sts_endpoint

__all__ = [
    "Credential",
    "CredentialsProvider",
    "DelegatingProvider",
    "EcsRamRoleProvider",
    "ExplicitCredentials",
    "RamRoleArnProvider",
    "ResolvedCredentials",
    "StaticProvider",
    "mask_key_id",
    "resolve_credentials",
    "resolve_region",
    "sts_endpoint",
]
