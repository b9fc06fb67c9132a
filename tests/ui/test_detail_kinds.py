"""Detail screens name their kind once (``RESOURCE``); the notifier's and the actions' kinds follow from the
kind's declaration, and nothing defaults to "job" silently."""

from __future__ import annotations

from paitui.kinds import kind
from paitui.ui.behaviours.actions import ActionsMixin, DetailActions
from paitui.ui.screens.detail import DetailScreen
from paitui.ui.screens.job import JobDetailScreen
from paitui.ui.screens.run import RunDetailScreen


def test_the_job_and_run_details_read_their_kind() -> None:
    for screen, key in ((JobDetailScreen, "job"), (RunDetailScreen, "run")):
        assert screen.resource_kind is kind(key)
        assert key == screen.NOTIFY_KIND and key == screen.ACTION_KIND
        assert screen.resource_kind.detail is not None  # the snapshot the screen polls


def test_what_a_kind_does_not_have_is_not_derived() -> None:
    class PipelineDetail(DetailActions, DetailScreen):
        RESOURCE = "pipeline"  # actions, but nothing that finishes

    class WorkspaceDetail(DetailScreen):
        RESOURCE = "workspace"  # neither

    assert PipelineDetail.NOTIFY_KIND is None and PipelineDetail.ACTION_KIND == "pipeline"
    assert WorkspaceDetail.NOTIFY_KIND is None and WorkspaceDetail.ACTION_KIND == ""


def test_no_screen_acts_on_jobs_unless_it_says_so() -> None:
    assert ActionsMixin.ACTION_KIND == "" and DetailScreen.NOTIFY_KIND is None and DetailScreen.ACTION_KIND == ""


def test_the_terminal_rule_and_the_notice_subject_come_from_the_kind() -> None:
    from paitui.api.models.dlc import JobItem
    from paitui.api.models.flow import PipelineRun
    from paitui.live.job_snapshot import JobSnapshot
    from paitui.live.run_snapshot import RunSnapshot

    job_screen = JobDetailScreen("dlc-1")
    for status, over in (("Running", False), ("Stopping", False), ("Succeeded", True), ("Stopped", True)):
        job = JobItem.model_validate({"JobId": "dlc-1", "DisplayName": "train", "Status": status})
        assert job_screen.is_terminal(JobSnapshot(job)) is over, status
    assert job_screen.notify_subject(JobSnapshot(job)) == ("dlc-1", "train", job)
    run_screen = RunDetailScreen("flow-1")
    for status, over in (("Running", False), ("Initialized", False), ("Terminated", True), ("Skipped", True)):
        run = PipelineRun.model_validate({"PipelineRunId": "flow-1", "Name": "etl", "Status": status})
        assert run_screen.is_terminal(RunSnapshot(run, None)) is over, status
    assert run_screen.notify_subject(RunSnapshot(run, None)) == ("flow-1", "etl", run)
