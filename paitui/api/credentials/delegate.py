"""Credential modes paitui does not implement natively, handed to the optional official
``alibabacloud_credentials`` package."""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from paitui.api.credentials.model import Credential
from paitui.api.errors import CredentialsError

INSTALL_HINT = "pip install 'paitui[credentials]'"
LIBRARY_LOGGER = "credentials"  # the official package logs to this name, through a stderr handler of its own


def quiet_library_logger() -> None:
    """The official package adds a stderr handler at import and logs every refresh failure with its traceback
    (over the dashboard, or three times before ``paitui call`` prints its own error). Its failures reach the
    user once, as the ``CredentialsError`` below; here they go nowhere."""
    logger = logging.getLogger(LIBRARY_LOGGER)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.addHandler(logging.NullHandler())
    logger.propagate = False


def one_line(text: str) -> str:
    """A library message as one line (external commands add their stderr after a newline)."""
    return " ".join(text.split())


class DelegatingProvider:
    """Modes we do not implement natively (OIDC, CloudSSO, OAuth, External, credentials URI, rsa_key_pair…)
    handed to the official ``alibabacloud_credentials`` package, whose blocking calls run in a thread."""

    def __init__(self, *, mode: str, description: str, name: str, factory: Callable[[Any], Any]) -> None:
        self.mode = mode
        self.name = name
        self.description = description
        self._factory = factory  # gets alibabacloud_credentials.provider, returns an ICredentialsProvider
        self._inner: Any = None
        self._lock = asyncio.Lock()  # build the official provider once, even under concurrent callers

    def _official_module(self) -> Any:
        try:
            module = importlib.import_module("alibabacloud_credentials.provider")
        except ImportError:
            raise CredentialsError(
                f"The credential mode {self.mode} ({self.description}) needs the optional package "
                f"alibabacloud-credentials; install it with: {INSTALL_HINT}"
            ) from None
        quiet_library_logger()
        return module

    async def get_credential(self) -> Credential:
        module = self._official_module()
        try:
            async with self._lock:
                if self._inner is None:
                    self._inner = await asyncio.to_thread(self._factory, module)
            # the official providers cache and refresh by themselves; this is cheap when they hold a value
            found = await asyncio.to_thread(self._inner.get_credentials)
        except CredentialsError:
            raise
        except Exception as exc:  # the library raises CredentialException, ValueError, OSError…
            raise CredentialsError(
                f"{self.description}: the alibabacloud-credentials library could not get credentials "
                f"({type(exc).__name__}: {one_line(str(exc))[:300]})."
            ) from None
        return self._convert(found)

    def _convert(self, found: Any) -> Credential:
        expiration = found.get_expiration() if hasattr(found, "get_expiration") else None
        # the library uses 0 or None for "no expiration"
        expires = datetime.fromtimestamp(expiration, UTC) if isinstance(expiration, int | float) and expiration > 0 \
            else None
        token = found.get_security_token()
        if token:
            return Credential.sts(
                found.get_access_key_id(),
                found.get_access_key_secret(),
                token,
                provider_name=self.name,
                expiration=expires,
            )
        return Credential.ak(found.get_access_key_id(), found.get_access_key_secret(), provider_name=self.name)

    def __repr__(self) -> str:
        return f"DelegatingProvider(mode={self.mode!r}, name={self.name!r}, description={self.description!r})"
