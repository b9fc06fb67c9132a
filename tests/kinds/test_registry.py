"""The kind registry: one declaration per kind, and the tables other layers used to keep by hand derived
from it (views, ``:`` commands, notifier kinds, action words and wire mappings, headless commands)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from paitui.kinds import Target, all_kinds, by_view, kind, viewed
from paitui.live import actions as act
from paitui.live import notify


def test_every_kind_is_declared_once_with_what_the_views_need() -> None:
    keys = [k.key for k in all_kinds()]
    assert len(keys) == len(set(keys))
    assert [k.view for k in viewed()] == ["workspaces", "jobs", "runs", "pipelines", "schedules", "tensorboards",
                                          "templates", "specs", "quotas", "requests"]
    for k in viewed():
        assert k.plural and k.title and k.help and k.lister is not None, k.key
        assert k.screen is not None or k.columns, f"{k.key}: neither a screen nor declared columns"


def test_the_ui_tables_are_derived_from_the_kinds() -> None:
    from paitui.ui import app, commands

    assert {"jobs", "runs", "pipelines", "tensorboards", "templates"} == app.WORKSPACE_SCOPED
    assert set(app.VIEWS) == {k.view for k in viewed()}
    words = {c.name: c.words for c in commands.COMMANDS}
    assert words["jobs"] == ("jobs", "dlc", "job") and words["quotas"] == ("quotas", "quota", "rq")
    assert commands.parse(":ws prod")[1] == "prod"  # :workspaces takes a name (the kind's ``arg``)
    with pytest.raises(commands.CommandError, match="takes no argument"):
        commands.parse(":jobs x")


def test_notifier_actions_and_headless_read_the_kinds() -> None:
    from paitui.headless import COMMANDS

    assert set(notify.KINDS) == {"job", "run", "tensorboard", "node", "schedule"}
    assert COMMANDS == {"job": ("stop", "delete"), "run": ("start", "terminate", "rerun", "delete"),
                        "schedule": ("delete",)}
    assert act.KIND_WORDS == {"job": "DLC job", "run": "pipeline run", "pipeline": "pipeline",
                              "tensorboard": "TensorBoard", "schedule": "SMS send plan"}
    assert act.WIRE[("job", "stop")] == ("dlc", "StopJob", "JobId")
    assert all(a.kind == k.key for k in all_kinds() for a in k.actions)  # each entry under its own kind


def test_an_actions_rule_sits_on_its_entry() -> None:
    stop = kind("job").action("stop")
    assert stop.rule(Target("job", "dlc1", status="Running")) == ""
    assert "already finished" in stop.rule(Target("job", "dlc1", status="Failed"))
    assert act.availability(stop, Target("job", "dlc1", status="Stopped")).reason == stop.rule(
        Target("job", "dlc1", status="Stopped"))


def test_target_of_reads_the_kinds_accessors() -> None:
    class Row:
        pipeline_run_id, name, status, workspace_id = "flow-1", "nightly", "Running", "264901"

    assert act.target_of("run", Row()) == Target("run", "flow-1", "nightly", "Running", None, "264901")
    assert by_view("runs").display_name(Row()) == "nightly"


def test_unknown_kind_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known: workspace, job"):
        kind("image")


def test_the_registry_imports_no_textual_and_no_screen() -> None:
    """Read by live and the headless commands: declaring kinds must not pull in the UI (``--help`` stays fast)."""
    code = ("import sys, paitui.kinds as k; k.all_kinds(); import paitui.live.actions, paitui.headless; "
            "bad = [m for m in sys.modules if m.startswith(('textual', 'paitui.ui'))]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_quota_use_bar_says_share_bound_and_unknown() -> None:
    from paitui.kinds.quotas import use_bar

    assert use_bar(147, 160) == "███████▍ 92%"
    assert use_bar(0, 160) == "········ 0%"
    assert use_bar(200, 160) == "████████ 125%"  # over-use fills the bar and says how much
    assert use_bar(80, 160, "partial") == "████···· ≥50%"  # a lower bound, never capacity to spare
    assert use_bar(0, 160, "unknown").endswith("?")
    assert use_bar(3, None) == "—"
