"""The simulator keeps no state at module level: every cache and store belongs to a world (issue 12).

Every module of ``paitui.sim`` is imported and what it holds at module level (containers, objects, memoised
functions) is fingerprinted; then two worlds answer a spread of requests over every product as their clocks
move; nothing at module level may have changed."""

from __future__ import annotations

import importlib
import pkgutil
from types import FunctionType, ModuleType
from typing import Any

import paitui.sim
from paitui.sim.world import World
from tests.sim.conftest import sim_client

_ATOMS = (str, bytes, int, float, complex, bool, type(None), frozenset, range)


def sim_modules() -> list[ModuleType]:
    names = [info.name for info in pkgutil.walk_packages(paitui.sim.__path__, "paitui.sim.")]
    return [importlib.import_module(name) for name in sorted(names)]


def state_of(value: Any, depth: int = 0) -> Any:
    """A comparable picture of what ``value`` holds (its contents, not its identity)."""
    if depth > 6 or isinstance(value, _ATOMS):
        return value if isinstance(value, _ATOMS) else "…"
    if hasattr(value, "cache_info"):  # functools.lru_cache / cache
        return ("memo", value.cache_info().currsize)
    if isinstance(value, FunctionType | type | ModuleType) or (callable(value) and not hasattr(value, "__dict__")):
        return ("code", getattr(value, "__qualname__", repr(type(value))))
    if isinstance(value, dict):
        return ("dict", [(state_of(k, depth + 1), state_of(v, depth + 1)) for k, v in value.items()])
    if isinstance(value, list | tuple | set | bytearray) or type(value).__name__ == "deque":
        items = sorted(map(repr, value)) if isinstance(value, set) else [state_of(v, depth + 1) for v in value]
        return (type(value).__name__, items)
    fields = getattr(value, "__dict__", None)
    if fields is None and hasattr(type(value), "__slots__"):
        fields = {name: getattr(value, name, None) for name in type(value).__slots__}
    if fields is not None:
        return (type(value).__name__, state_of(dict(fields), depth + 1))
    return repr(value)


def module_state() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for module in sim_modules():
        for name, value in vars(module).items():
            if name.startswith("__") or isinstance(value, ModuleType):
                continue
            if getattr(value, "__module__", module.__name__) != module.__name__ and not hasattr(value, "cache_info"):
                continue  # imported from elsewhere: fingerprinted where it is defined
            out[f"{module.__name__}.{name}"] = state_of(value)
    return out


async def workload(world: World) -> None:
    async with sim_client(world, "http://pai.sim") as http:
        async def get(path: str, **params: Any) -> dict[str, Any]:
            resp = await http.get(path, params=params)
            assert resp.status_code == 200, (path, resp.text)
            body: dict[str, Any] = resp.json()
            return body

        for _ in range(3):
            jobs = (await get("/api/v1/jobs", PageSize=100))["Jobs"]
            running = next(j for j in jobs if j["Status"] == "Running")
            job = await get(f"/api/v1/jobs/{running['JobId']}")
            pod = job["Pods"][0]["PodId"]
            await get(f"/api/v1/jobs/{running['JobId']}/pods/{pod}/logs")
            await get(f"/api/v1/jobs/{running['JobId']}/pods/{pod}/events")
            await get(f"/api/v1/jobs/{running['JobId']}/events")
            await get(f"/api/v1/jobs/{running['JobId']}/metrics", MetricType="GpuCoreUsage")
            for path in ("/api/v1/tensorboards", "/api/v1/jobtemplates", "/api/v1/ecsspecs", "/api/v1/pipelines",
                         "/api/v1/workspaces", "/api/v1/images", "/api/v1/datasets", "/api/v1/codesources",
                         "/api/v1/quotas", "/api/v1/resources", "/api/v2/schedules"):
                await get(path, WorkspaceId="264901")
            runs = (await get("/api/v1/pipelineruns", PageSize=20))["PipelineRuns"]
            await get(f"/api/v1/pipelineruns/{runs[0]['PipelineRunId']}")
            world.clock.advance(97.0)


async def test_two_worlds_answering_requests_change_nothing_at_module_level() -> None:
    before = module_state()
    assert len(before) > 100  # the walk really reached the product modules
    await workload(World(seed=7, jobs=300))
    await workload(World(seed=8, jobs=500))
    after = module_state()
    changed = sorted(name for name in before if after.get(name) != before[name])
    assert changed == [], f"module-level state changed by serving requests: {changed}"
