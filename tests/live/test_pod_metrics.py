"""Which metric samples a pod's sparklines may call "now" (``paitui.live.pod_metrics``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from paitui.api.models.dlc import JobItem
from paitui.live.pod_metrics import incarnations, reading

T0 = datetime(2026, 3, 2, 8, 0, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def wire(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def job_with(current: dict[str, object]) -> JobItem:
    """One pod ``w-0``: an attempt 1 that ran 0–600 s and failed, then the current incarnation."""
    return JobItem.model_validate({"JobId": "dlc1", "Status": "Restarting", "Pods": [{
        "PodId": "w-0", "PodUid": "uid-2", **current,
        "HistoryPods": [{"PodId": "w-0", "PodUid": "uid-1", "Status": "Failed", "GmtStartTime": wire(at(0)),
                         "GmtFinishTime": wire(at(600))}],
    }]})


SAMPLES = [(at(s), float(s // 60)) for s in range(60, 600, 60)]  # attempt 1's samples, 1–9 %


def test_a_pending_pod_shows_no_now_and_labels_old_samples_with_attempt_and_time() -> None:
    job = job_with({"Status": "Pending"})
    got = reading(SAMPLES, incarnations(job, "w-0"), None, job_over=False)
    assert got.head == "last" and got.head != "now"
    assert got.values == tuple(v for _, v in SAMPLES)
    assert got.note.startswith("attempt 1 · ") and f"{at(540).astimezone():%H:%M:%S}" in got.note
    assert reading([], incarnations(job, "w-0"), None, job_over=False).values == ()


def test_a_restarted_running_pod_calls_only_its_own_samples_now() -> None:
    job = job_with({"Status": "Running", "GmtStartTime": wire(at(900))})
    mine = [(at(960), 50.0), (at(1020), 60.0)]
    got = reading(SAMPLES + mine, incarnations(job, "w-0"), "uid-2", job_over=False)
    assert got.head == "now" and got.values == (50.0, 60.0) and got.note == ""
    just_started = reading(SAMPLES, incarnations(job, "w-0"), None, job_over=False)
    assert just_started.values == () and "no samples of this attempt yet" in just_started.empty_why
    over = reading(SAMPLES + mine, incarnations(job, "w-0"), None, job_over=True)
    assert over.head == "end"


def test_an_earlier_attempt_shows_its_own_samples_as_ended() -> None:
    job = job_with({"Status": "Running", "GmtStartTime": wire(at(900))})
    got = reading([*SAMPLES, (at(960), 50.0)], incarnations(job, "w-0"), "uid-1", job_over=False)
    assert got.head == "end" and got.values == tuple(v for _, v in SAMPLES)
    assert got.note == f"attempt 1 · ended {at(600).astimezone():%H:%M:%S}"


def test_attempts_are_numbered_from_the_first() -> None:
    job = job_with({"Status": "Pending"})
    assert [(i.uid, i.attempt, i.current) for i in incarnations(job, "w-0")] == [("uid-1", 1, False),
                                                                              ("uid-2", 2, True)]
    assert incarnations(job, "w-9") == []
