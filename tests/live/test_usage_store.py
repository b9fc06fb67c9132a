"""The meter's days on disk: merged with what other runs saved, 0600 in a 0700 folder, written atomically,
old months dropped, a failed save keeping its counts, and the file I/O off the event loop."""

from __future__ import annotations

import json
import stat
import threading
from datetime import datetime
from pathlib import Path

import pytest

from paitui.api.meter import RequestMeter
from paitui.live.usage_store import UsageStore, read_history


class Clock:
    def __init__(self, text: str) -> None:
        self.t = datetime.fromisoformat(text).timestamp()

    def __call__(self) -> float:
        return self.t


def counted(clock: Clock, *calls: tuple[str, str, bool]) -> RequestMeter:
    meter = RequestMeter(clock)
    for product, action, failed in calls:
        meter.count(product, action, failed=failed)
    return meter


def test_a_save_is_private_and_a_restart_sees_the_day(tmp_path: Path) -> None:
    path = tmp_path / "state" / "usage.json"
    clock = Clock("2026-12-04T10:00:00+08:00")
    first = UsageStore(counted(clock, ("dlc", "GetJob", False), ("dlc", "GetJob", True)), path)
    first.save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".part")]  # no temporary file left
    again = RequestMeter(clock)
    UsageStore(again, path).load()
    (use,) = again.usage()
    assert (use.today, use.failed_today, use.since_start) == (2, 1, 0)  # persisted, but not this run's


def test_two_runs_add_up_instead_of_overwriting(tmp_path: Path) -> None:
    path = tmp_path / "usage.json"
    clock = Clock("2026-12-04T10:00:00+08:00")
    a = UsageStore(counted(clock, ("flow", "ListPipelineRuns", False)), path)
    b = UsageStore(counted(clock, ("flow", "ListPipelineRuns", False), ("flow", "ListPipelineRuns", False)), path)
    a.load()
    b.load()
    a.save()
    b.save()  # b never read a's count: the save merges with the file as it is now
    a.meter.count("flow", "ListPipelineRuns")
    a.save()
    assert read_history(path) == {"2026-12-04": {"flow.ListPipelineRuns": [4, 0]}}
    assert a.meter.total_today() == 4  # a sees b's counts after its save


def test_saving_twice_does_not_count_twice(tmp_path: Path) -> None:
    path = tmp_path / "usage.json"
    store = UsageStore(counted(Clock("2026-12-04T10:00:00+08:00"), ("dlc", "ListJobs", False)), path)
    store.save()
    store.save()
    assert read_history(path) == {"2026-12-04": {"dlc.ListJobs": [1, 0]}}
    assert store.meter.total_today() == 1


def test_months_before_the_previous_one_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "usage.json"
    path.write_text(json.dumps({"format": 1, "days": {"2026-10-31": {"dlc.GetJob": [5, 0]},
                                                      "2026-11-01": {"dlc.GetJob": [3, 0]}}}))
    UsageStore(counted(Clock("2026-12-04T10:00:00+08:00"), ("dlc", "GetJob", False)), path).save()
    assert set(read_history(path)) == {"2026-11-01", "2026-12-04"}


def test_an_unreadable_file_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "usage.json"
    path.write_text("not json")
    meter = RequestMeter(Clock("2026-12-04T10:00:00+08:00"))
    UsageStore(meter, path).load()
    assert meter.usage() == []
    path.write_text(json.dumps({"days": {"2026-12-04": {"dlc.GetJob": [-1, 0], "dlc.ListJobs": [2, 1]}}}))
    assert read_history(path) == {"2026-12-04": {"dlc.ListJobs": [2, 1]}}  # a bad cell is dropped, not trusted


def test_a_failed_save_keeps_the_counts_even_as_root(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    store = UsageStore(counted(Clock("2026-12-04T10:00:00+08:00"), ("dlc", "GetJob", False)),
                       blocker / "usage.json")  # a folder under a file: cannot be made by anyone
    store.save()
    assert store.error and store.meter.total_today() == 1
    assert store.meter.unsaved["2026-12-04"] == {"dlc.GetJob": [1, 0]}
    store.path = tmp_path / "usage.json"
    store.save()
    assert read_history(store.path) == {"2026-12-04": {"dlc.GetJob": [1, 0]}}


async def test_the_async_save_writes_in_another_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = UsageStore(counted(Clock("2026-12-04T10:00:00+08:00"), ("dlc", "GetJob", False)), tmp_path / "u.json")
    threads: list[threading.Thread] = []
    write = store._write

    def spy(taken: dict) -> dict:  # type: ignore[type-arg]
        threads.append(threading.current_thread())
        return write(taken)

    monkeypatch.setattr(store, "_write", spy)
    await store.save_async()
    assert threads and threads[0] is not threading.main_thread()
    assert read_history(store.path) == {"2026-12-04": {"dlc.GetJob": [1, 0]}}
