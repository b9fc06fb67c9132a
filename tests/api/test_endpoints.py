"""Endpoints per product/region, VPC hosts, overrides and their parsing."""

from __future__ import annotations

import pytest

from paitui.api.endpoints import (
    PAI_REGIONS,
    covers_every_product,
    endpoint_for,
    normalize_endpoint,
    parse_endpoint_override,
    validate_region,
)


@pytest.mark.parametrize(
    ("product", "expected"),
    [
        ("dlc", "https://pai-dlc.cn-shanghai.aliyuncs.com"),
        ("flow", "https://paiflow.cn-shanghai.aliyuncs.com"),  # regional, not the SDK's central default
        ("workspace", "https://aiworkspace.cn-shanghai.aliyuncs.com"),
        ("plugin", "https://paiplugin.aliyuncs.com"),
    ],
)
def test_public_endpoints(product: str, expected: str) -> None:
    assert endpoint_for(product, "cn-shanghai") == expected


@pytest.mark.parametrize(
    ("product", "expected"),
    [
        ("dlc", "https://pai-dlc-vpc.ap-southeast-1.aliyuncs.com"),
        ("flow", "https://paiflow-vpc.ap-southeast-1.aliyuncs.com"),
        ("workspace", "https://aiworkspace-vpc.ap-southeast-1.aliyuncs.com"),
        ("plugin", "https://paiplugin.aliyuncs.com"),  # central: no VPC variant
    ],
)
def test_vpc_endpoints(product: str, expected: str) -> None:
    assert endpoint_for(product, "ap-southeast-1", vpc=True) == expected


def test_overrides_per_product_and_for_all() -> None:
    overrides = {"dlc": "http://127.0.0.1:8899/", "*": "127.0.0.1:9000"}
    assert endpoint_for("dlc", "cn-hangzhou", overrides=overrides) == "http://127.0.0.1:8899"
    assert endpoint_for("flow", "cn-hangzhou", overrides=overrides) == "https://127.0.0.1:9000"
    assert endpoint_for("plugin", "cn-hangzhou", overrides={"all": "http://localhost:1"}) == "http://localhost:1"
    assert endpoint_for("workspace", "cn-hangzhou", overrides={"dlc": "http://x:1"}).startswith("https://aiworkspace")


def test_override_skips_region_check() -> None:
    assert endpoint_for("dlc", "not a region", overrides={"dlc": "http://127.0.0.1:1"}) == "http://127.0.0.1:1"


def test_unknown_product_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="Unknown product 'pai'; known products: dlc, flow, workspace, plugin"):
        endpoint_for("pai", "cn-hangzhou")


@pytest.mark.parametrize("region", ["cn-hangzhou", "ap-southeast-1", "cn-shanghai-finance-1", "us-east-1"])
def test_valid_regions(region: str) -> None:
    assert validate_region(region) == region


@pytest.mark.parametrize("region", ["", "hangzhou", "CN-HANGZHOU", "cn-hangzhou.evil.com", "cn-", "cn_hangzhou", "c-x"])
def test_invalid_regions(region: str) -> None:
    with pytest.raises(ValueError, match="does not look like an Alibaba Cloud region id"):
        validate_region(region)
    with pytest.raises(ValueError):
        endpoint_for("dlc", region)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dlc=http://127.0.0.1:8899", ("dlc", "http://127.0.0.1:8899")),
        ("Flow=paiflow.cn-beijing.aliyuncs.com", ("flow", "https://paiflow.cn-beijing.aliyuncs.com")),
        ("*=http://[::1]:8080/", ("*", "http://[::1]:8080")),
        ("all=localhost:8899", ("all", "https://localhost:8899")),
    ],
)
def test_parse_endpoint_override(text: str, expected: tuple[str, str]) -> None:
    assert parse_endpoint_override(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("http://127.0.0.1:8899", "must look like PRODUCT=URL"),
        ("dlc=", "must look like PRODUCT=URL"),
        ("pai=http://x", "Unknown product 'pai'"),
        ("dlc=ftp://x", "must use http or https"),
        ("dlc=http://x:notaport", "invalid port"),
        ("dlc=http://x/api", "without a path or query"),
        ("dlc=http://x?a=b", "without a path or query"),
        ("dlc=http://:80", "has no host name"),
    ],
)
def test_parse_endpoint_override_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_endpoint_override(text)


def test_normalize_endpoint_rejects_empty() -> None:
    with pytest.raises(ValueError, match="empty"):
        normalize_endpoint("  ")


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("cn-sh", "Did you mean cn-shanghai, cn-shenzhen or cn-shanghai-finance-1?"),  # a prefix
        ("cn-hangzou", "Did you mean cn-hangzhou, "),  # a typo: the closest first
        ("ap-southeast-9", "Did you mean ap-southeast-5, ap-southeast-3 or ap-southeast-1?"),
    ],
)
def test_unknown_regions_are_refused_with_the_closest_suggested(typed: str, suggested: str) -> None:
    with pytest.raises(ValueError, match=f"'{typed}' is not a PAI region") as err:
        validate_region(typed)
    assert suggested in str(err.value) and "PAI regions: cn-hangzhou, cn-shanghai" in str(err.value)
    with pytest.raises(ValueError, match="is not a PAI region"):
        endpoint_for("dlc", typed)  # the default host is never built for it


def test_every_known_region_is_accepted() -> None:
    assert all(validate_region(region) == region for region in PAI_REGIONS)
    assert {"cn-wulanchabu", "ap-south-1", "eu-central-1"} <= set(PAI_REGIONS)  # from both host lists


def test_overriding_every_product_accepts_any_well_formed_region() -> None:
    assert covers_every_product({"*": "http://127.0.0.1:8899"})
    assert covers_every_product({"dlc": "http://x", "flow": "http://x", "workspace": "http://x"})  # plugin is central
    assert not covers_every_product({"dlc": "http://x"}) and not covers_every_product(None)
    assert validate_region("xx-lab-1", overrides={"*": "http://127.0.0.1:8899"}) == "xx-lab-1"
    with pytest.raises(ValueError, match="is not a PAI region"):
        validate_region("xx-lab-1", overrides={"dlc": "http://127.0.0.1:8899"})
    with pytest.raises(ValueError, match="does not look like"):  # a host name is still a host name
        validate_region("cn-hangzhou/../evil?x=", overrides={"*": "http://127.0.0.1:8899"})
