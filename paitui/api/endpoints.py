"""Base URLs per product and region (docs/WIRE.md §1.2), and ``--endpoint`` overrides.

We always build the regional host ourselves instead of using the SDKs' defaults: PAIFlow's SDK default is the
central ``paiflow.aliyuncs.com`` for every region, and AIWorkSpace's map has a host with a trailing TAB.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from paitui.api.products import PRODUCTS

ALL_PRODUCTS_KEYS = ("*", "all")  # an override under one of these keys applies to every product
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z0-9]+)+$")

__all__ = [
    "ALL_PRODUCTS_KEYS", "PAI_REGIONS", "closest_regions", "covers_every_product", "endpoint_for",
    "normalize_endpoint", "parse_endpoint_override", "validate_region",
]


# Regions with PAI regional hosts (docs/WIRE.md §1.2: the union of the DLC and PAIFlow host lists)
PAI_REGIONS: tuple[str, ...] = (
    "cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen", "cn-guangzhou", "cn-wulanchabu", "cn-hongkong",
    "cn-shanghai-finance-1", "ap-northeast-1", "ap-southeast-1", "ap-southeast-3", "ap-southeast-5",
    "ap-south-1", "us-east-1", "us-west-1", "eu-central-1",
)


def closest_regions(region: str, n: int = 3) -> list[str]:
    """Known regions that start with what was typed (``cn-sh``), else the most similar ones."""
    typed = region.strip().lower()
    starting = [r for r in PAI_REGIONS if typed and r.startswith(typed)]
    return (starting or difflib.get_close_matches(typed, PAI_REGIONS, n=n, cutoff=0.5))[:n]


def covers_every_product(overrides: Mapping[str, str] | None) -> bool:
    """True when ``--endpoint`` overrides name a host for every regional product (the region is then free)."""
    if not overrides:
        return False
    if any(overrides.get(key) for key in ALL_PRODUCTS_KEYS):
        return True
    return all(overrides.get(key) for key, product in PRODUCTS.items() if product.regional)


def validate_region(region: str, *, overrides: Mapping[str, str] | None = None) -> str:
    """A region id that can go into a host name; returns it unchanged.

    Unknown regions are refused with the closest known ones suggested, unless ``overrides`` send every
    product elsewhere (a simulator or a private gateway may use any region name)."""
    if not isinstance(region, str) or not _REGION_RE.match(region):
        raise ValueError(
            f"{region!r} does not look like an Alibaba Cloud region id; expected something like cn-hangzhou."
            + _suggestion(region if isinstance(region, str) else "")
        )
    if region not in PAI_REGIONS and not covers_every_product(overrides):
        raise ValueError(f"{region!r} is not a PAI region.{_suggestion(region)} "
                         f"PAI regions: {', '.join(PAI_REGIONS)}.")
    return region


def _suggestion(region: str) -> str:
    close = closest_regions(region)
    if not close:
        return ""
    return f" Did you mean {', '.join(close[:-1])} or {close[-1]}?" if len(close) > 1 else f" Did you mean {close[0]}?"


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
