"""Base URLs per product and region (PAI-API.md §1.2), and ``--endpoint`` overrides.

We always build the regional host ourselves instead of using the SDKs' defaults: PAIFlow's SDK default is the
central ``paiflow.aliyuncs.com`` for every region, and AIWorkSpace's map has a host with a trailing TAB.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from paitui.api.products import PRODUCTS

ALL_PRODUCTS_KEYS = ("*", "all")  # an override under one of these keys applies to every product
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z0-9]+)+$")

__all__ = ["ALL_PRODUCTS_KEYS", "endpoint_for", "normalize_endpoint", "parse_endpoint_override", "validate_region"]


def validate_region(region: str) -> str:
    """A light format check (``cn-hangzhou``, ``ap-southeast-1``); returns the region unchanged."""
    if not isinstance(region, str) or not _REGION_RE.match(region):
        raise ValueError(
            f"{region!r} does not look like an Alibaba Cloud region id; expected something like cn-hangzhou."
        )
    return region


def _check_product(key: str) -> None:
    if key not in PRODUCTS:
        raise ValueError(f"Unknown product {key!r}; known products: {', '.join(PRODUCTS)}.")


def normalize_endpoint(url: str) -> str:
    """A base URL with scheme and no trailing slash; a bare ``host[:port]`` gets ``https://``."""
    text = url.strip()
    if not text:
        raise ValueError("The endpoint is empty; give a URL such as http://127.0.0.1:8899.")
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"The endpoint {url!r} must use http or https, not {parts.scheme!r}.")
    if not parts.hostname:
        raise ValueError(f"The endpoint {url!r} has no host name.")
    try:
        parts.port  # noqa: B018 - urlsplit only validates the port when it is read
    except ValueError:
        raise ValueError(f"The endpoint {url!r} has an invalid port.") from None
    # the signature covers the path as sent, so a base URL cannot carry a path, query or fragment of its own
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"The endpoint {url!r} must be scheme://host[:port] without a path or query.")
    return f"{parts.scheme}://{parts.netloc}"


def endpoint_for(
    product_key: str, region: str, *, vpc: bool = False, overrides: Mapping[str, str] | None = None
) -> str:
    """The base URL (with scheme) for a product in a region; a per-product override wins over ``*``/``all``."""
    _check_product(product_key)
    for key in (product_key, *ALL_PRODUCTS_KEYS):
        if overrides and overrides.get(key):
            return normalize_endpoint(overrides[key])
    product = PRODUCTS[product_key]
    if not product.regional:
        return f"https://{product.service}.aliyuncs.com"
    validate_region(region)  # the region becomes part of a host name: refuse anything odd
    service = f"{product.service}-vpc" if vpc else product.service
    return f"https://{service}.{region}.aliyuncs.com"


def parse_endpoint_override(text: str) -> tuple[str, str]:
    """``dlc=http://127.0.0.1:8899`` -> ``("dlc", "http://127.0.0.1:8899")``; the key may be ``*``/``all``."""
    key, sep, url = text.partition("=")
    key = key.strip().lower()
    if not sep or not key or not url.strip():
        raise ValueError(f"The endpoint override {text!r} must look like PRODUCT=URL, e.g. dlc=http://127.0.0.1:8899.")
    if key not in ALL_PRODUCTS_KEYS:
        _check_product(key)
    return key, normalize_endpoint(url)
