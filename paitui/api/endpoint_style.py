"""Endpoint styles: the regional ROA hosts (docs/WIRE.md §1.2) or the seeds' central OpenAPI gateway.

* ``regional`` — ``https://pai-dlc.cn-hangzhou.aliyuncs.com/api/v1/jobs`` (what the official SDKs call).
* ``gateway`` — ``https://api.aliyun.com/api/<Product>/<Version>/<path>`` for China regions and
  ``https://api.alibabacloud.com/…`` for international ones, the form every seed document shows next to
  ``Authorization: Bearer $DASHSCOPE_API_KEY``. ``<path>`` is the operation's ROA path without its
  ``/api/vN`` prefix (``/api/PaiPlugin/2022-01-12/schedules/{Id}``).

``auto`` (the default) picks ``gateway`` when the only credential is a bearer token and no ``--endpoint``
override is given, ``regional`` otherwise. An override's host is used in either style.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from paitui.api.endpoints import ALL_PRODUCTS_KEYS, endpoint_for, normalize_endpoint
from paitui.api.products import PRODUCTS

Style = Literal["regional", "gateway"]
Setting = Literal["auto", "regional", "gateway"]
CHINA_GATEWAY = "https://api.aliyun.com"
INTERNATIONAL_GATEWAY = "https://api.alibabacloud.com"
_VERSION_PREFIX = re.compile(r"^/api/v\d+(?=/|$)")

__all__ = ["CHINA_GATEWAY", "INTERNATIONAL_GATEWAY", "Setting", "Style", "base_url", "gateway_path", "resolve"]


def resolve(setting: str, *, bearer_only: bool, overrides: Mapping[str, str] | None = None) -> Style:
    """The style to use: an explicit setting wins; ``auto`` is ``gateway`` for a bearer token alone."""
    if setting == "regional":
        return "regional"
    if setting == "gateway":
        return "gateway"
    if setting != "auto":
        raise ValueError(f"Unknown endpoint style {setting!r}; expected auto, regional or gateway.")
    return "gateway" if bearer_only and not overrides else "regional"


def gateway_host(region: str) -> str:
    """China regions use api.aliyun.com, every other region api.alibabacloud.com (the seeds' two variants)."""
    return CHINA_GATEWAY if region.startswith("cn-") else INTERNATIONAL_GATEWAY


def base_url(style: Style, product_key: str, region: str, *, vpc: bool = False,
             overrides: Mapping[str, str] | None = None) -> str:
    """Scheme and host for ``product_key`` in ``style``; an override (per product, then ``*``) always wins."""
    if style == "regional":
        return endpoint_for(product_key, region, vpc=vpc, overrides=overrides)
    for key in (product_key, *ALL_PRODUCTS_KEYS):
        if overrides and overrides.get(key):
            return normalize_endpoint(overrides[key])
    if product_key not in PRODUCTS:
        raise ValueError(f"Unknown product {product_key!r}; known products: {', '.join(PRODUCTS)}.")
    return gateway_host(region)


def gateway_path(product_key: str, path: str) -> str:
    """``/api/v1/pipelineruns/x/start`` of PAIFlow → ``/api/PAIFlow/2021-02-02/pipelineruns/x/start``."""
    product = PRODUCTS[product_key]
    return f"/api/{product.name}/{product.version}{_VERSION_PREFIX.sub('', path, count=1)}"
