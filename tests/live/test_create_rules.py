"""The template and TensorBoard rules and request builders (``live.create.templates`` / ``tensorboards``): each
rule with bad input, the version diff, and what an update sends."""

from __future__ import annotations

from typing import Any

import pytest

from paitui.api.models.dlc import GetJobTemplateResponse, Tensorboard
from paitui.live.create import templates as tpl
from paitui.live.create import tensorboards as tbs

CONTENT = {"JobType": "PyTorchJob", "UserCommand": "python train.py",
           "JobSpecs": [{"Type": "Worker", "PodCount": 2, "Image": "img:1", "EcsSpec": "ecs.g6.large"}],
           "Envs": {"A": "1"}}


def rules(refusals: Any) -> list[str]:
    return [r.rule for r in refusals]


def test_paths_reach_into_task_specs_and_lookup_finds_them() -> None:
    assert tpl.paths(CONTENT) == ["JobType", "UserCommand", "JobSpecs[0].Type", "JobSpecs[0].PodCount",
                                  "JobSpecs[0].Image", "JobSpecs[0].EcsSpec", "Envs.A"]
    assert tpl.lookup(CONTENT, "JobSpecs[0].Image") == (True, "img:1")
    assert tpl.lookup(CONTENT, "JobSpecs[1].Image") == (False, None)
    assert tpl.lookup(CONTENT, "JobSpecs") == (True, CONTENT["JobSpecs"])


@pytest.mark.parametrize(("constraints", "rule"), [
    ({"$.UserCommand": "locked"}, "constraint-path"),
    ({"JobSpecs[0]..Image": "locked"}, "constraint-path"),
    ({"UserCommand": "frozen"}, "constraint-kind"),
    ({"DataSources[0].MountPath": "locked"}, "locked-field-missing"),
])
def test_each_constraint_rule(constraints: dict[str, str], rule: str) -> None:
    assert rules(tpl.constraint_refusals(CONTENT, constraints)) == [rule]


def test_good_constraints_pass_and_required_needs_no_value() -> None:
    assert tpl.constraint_refusals(CONTENT, {"JobSpecs[0].Image": "locked", "JobSpecs[0].EcsSpec": "overridable",
                                             "DataSources[0].Uri": "required"}) == []


@pytest.mark.parametrize(("content", "rule"), [([], "content-object"), ({"UserCommand": "x"}, "content-job-type"),
                                               ({"JobType": "Nope"}, "content-job-type")])
def test_content_rules(content: Any, rule: str) -> None:
    assert rules(tpl.content_refusals(content)) == [rule]


def test_create_request_collects_every_rule_and_sends_content_as_json() -> None:
    bad = tpl.create_template_request(workspace_id="", name="", content=CONTENT, constraints={"X": "nope"})
    assert rules(bad.refusals) == ["template-name-length", "constraint-kind", "workspace"]
    good = tpl.create_template_request(workspace_id="1", name="t", content=CONTENT,
                                       constraints={"UserCommand": "required"})
    assert good.refusals == () and good.operation.action == "CreateJobTemplate"
    assert isinstance(good.params["Content"], str) and good.params["Constraints"] == {"UserCommand": "required"}


def template(*versions: tuple[int, dict[str, Any], dict[str, str]], default: int = 1) -> GetJobTemplateResponse:
    return GetJobTemplateResponse.model_validate({
        "TemplateId": "jt-1", "TemplateName": "t", "DefaultVersion": default,
        "Versions": [{"Version": n, "Content": c, "Constraints": k} for n, c, k in versions]})


def test_version_request_sends_content_and_constraints_together_and_refuses_unchanged_content() -> None:
    t = template((1, CONTENT, {}))
    changed = {**CONTENT, "UserCommand": "python train.py --epochs 2"}
    request = tpl.version_request(t, changed, {"UserCommand": "overridable"}, set_default=True)
    assert request.refusals == ()
    assert {"Content", "Constraints", "SetAsDefault"} <= set(request.params)
    assert rules(tpl.version_request(t, CONTENT, {}).refusals) == ["content-unchanged"]


def test_set_default_rules() -> None:
    t = template((1, CONTENT, {}), (2, CONTENT, {}), default=1)
    assert tpl.set_default_request(t, "v2").params == {"TemplateId": "jt-1", "Version": 2}
    assert rules(tpl.set_default_request(t, "3").refusals) == ["version-unknown"]
    assert rules(tpl.set_default_request(t, "1").refusals) == ["already-default"]
    assert rules(tpl.set_default_request(t, "latest").refusals) == ["version-number"]


def test_version_diff_names_each_changed_field() -> None:
    new = {**CONTENT, "UserCommand": "bash run.sh", "JobSpecs": [{**CONTENT["JobSpecs"][0], "PodCount": 4}]}
    del new["Envs"]
    t = template((1, CONTENT, {"UserCommand": "locked"}), (2, new, {"UserCommand": "overridable"}))
    text = tpl.diff_text(t, 1, 2)
    assert "~ Content.UserCommand: python train.py → bash run.sh" in text
    assert "~ Content.JobSpecs[0].PodCount: 2 → 4" in text
    assert "- Content.Envs.A: 1" in text
    assert "~ Constraints.UserCommand: locked → overridable" in text
    assert "4 changed field(s)" in text and "Image" not in text
    assert "(no differences)" in tpl.diff_text(template((1, CONTENT, {}), (2, CONTENT, {})), 1, 2)
    with pytest.raises(ValueError, match="no version 9"):
        tpl.diff_text(t, 1, 9)


@pytest.mark.parametrize(("seconds", "rule"), [("604801", "share-expiry-max"), ("0", "share-expiry-min"),
                                               ("a week", "share-expiry-number")])
def test_share_expiry_rules(seconds: str, rule: str) -> None:
    assert rules(tbs.share_expiry_refusals(seconds)) == [rule]
    with pytest.raises(ValueError, match=rule):
        tbs.share_expiry(seconds)


def test_share_expiry_allows_up_to_seven_days() -> None:
    assert tbs.share_expiry("604800") == 604_800 and tbs.share_expiry(60) == 60


def test_tensorboard_source_is_a_job_or_a_dataset() -> None:
    assert rules(tbs.create_request(tbs.Source()).refusals) == ["job-or-dataset"]
    assert tbs.create_request(tbs.Source(job_id="dlc1"), max_minutes="30").params == {
        "MaxRunningTimeMinutes": 30, "JobId": "dlc1"}
    assert rules(tbs.create_request(tbs.Source(job_id="dlc1"), max_minutes="-5").refusals) == ["max-running-time"]


def test_tensorboard_update_sends_only_what_changed() -> None:
    tb = Tensorboard.model_validate({"TensorboardId": "tb1", "WorkspaceId": "1", "MaxRunningTimeMinutes": 240,
                                     "Accessibility": "PRIVATE", "Priority": "1"})
    request = tbs.update_request(tb, max_minutes="60", accessibility="PRIVATE", priority="1")
    assert request.params == {"TensorboardId": "tb1", "WorkspaceId": "1", "MaxRunningTimeMinutes": 60}
    assert rules(tbs.update_request(tb, max_minutes="240").refusals) == ["nothing-to-change"]
    assert rules(tbs.update_request(tb, accessibility="everyone").refusals) == ["accessibility"]
    assert rules(tbs.update_request(tb, max_minutes="0").refusals) == ["max-running-time"]
