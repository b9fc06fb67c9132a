"""Choosing the backend: real cloud when credentials resolve (without touching the network), else the demo."""

from __future__ import annotations

from pathlib import Path

from paitui.backend import open_backend
from paitui.config import Settings


async def test_environment_credentials_choose_the_cloud_and_say_so(tmp_path: Path) -> None:
    env = {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAI5tExampleKey0001", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "s" * 30,
           "ALIBABA_CLOUD_REGION_ID": "cn-shanghai"}
    backend = open_backend(Settings(), env=env, home=tmp_path)
    try:
        assert (backend.mode, backend.label, backend.client.region) == ("cloud", "environment", "cn-shanghai")
        assert backend.world is None and "s" * 30 not in backend.description
    finally:
        await backend.aclose()


async def test_no_credentials_means_the_simulated_cloud(tmp_path: Path) -> None:
    backend = open_backend(Settings(), env={}, home=tmp_path)
    try:
        assert (backend.mode, backend.label) == ("demo", "demo") and backend.world is not None
        jobs = await backend.client.dlc.list_jobs(page_size=1)
        assert jobs.total_count
    finally:
        await backend.aclose()
