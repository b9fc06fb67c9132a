"""The four PAI products: API version, service host prefix and whether hosts are regional."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Product:
    key: str  # our short name: dlc, flow, workspace, plugin
    name: str  # the product code as Alibaba Cloud spells it
    version: str  # x-acs-version
    service: str  # host prefix, e.g. pai-dlc -> pai-dlc.cn-hangzhou.aliyuncs.com
    regional: bool  # False: one central host for every region


PRODUCTS: dict[str, Product] = {
    "dlc": Product("dlc", "pai-dlc", "2020-12-03", "pai-dlc", regional=True),
    "flow": Product("flow", "PAIFlow", "2021-02-02", "paiflow", regional=True),
    "workspace": Product("workspace", "AIWorkSpace", "2021-02-04", "aiworkspace", regional=True),
    "plugin": Product("plugin", "PaiPlugin", "2022-01-12", "paiplugin", regional=False),
}

