"""CreateJob's rules and the template merge, each with bad input, against the simulated cloud's data: the
refusal names the field and the rule, and nothing is sent (the simulator counts the CreateJob calls)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from paitui.live.create import Refused, send
from paitui.live.create.job_request import create_job_request
from paitui.live.create.job_rules import check_job_body
from paitui.live.create.template_merge import JobTemplateSource, load_template, merge_template
from paitui.sim.faults import FaultPlan
from tests.live.test_actions import WS, Sim

IMAGE = "dsw-registry-vpc.cn-hangzhou.cr.aliyuncs.com/pai/pytorch-training:2.3-gpu-py311-cu121-ubuntu22.04"
GOOD: dict[str, Any] = {
    "DisplayName": "bert-ft", "JobType": "PyTorchJob", "WorkspaceId": WS, "UserCommand": "python train.py",
    "Priority": 3, "JobSpecs": [{"Type": "Worker", "PodCount": 2, "Image": IMAGE, "EcsSpec": "ecs.gn7i-c8g1.2xlarge"}],
}


@pytest.fixture
async def sim() -> Any:
    s = Sim()
    yield s
    await s.client.aclose()


def with_(path: str, value: Any) -> dict[str, Any]:
    """GOOD with one change: ``value`` at ``path`` (``del`` removes it)."""
    body = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    here: Any = body
    for step in parents:
        here = here[int(step)] if step.isdigit() else here[step]
    key: Any = int(last) if last.isdigit() else last
    if value == "del":
        del here[key]
    else:
        here[key] = value
    return body


_BAD = [  # (body, the field refused, the rule)
    (with_("DisplayName", "del"), "DisplayName", "required"),
    (with_("DisplayName", "  "), "DisplayName", "required"),
    (with_("DisplayName", ["a"]), "DisplayName", "not-text"),
    (with_("UserCommand", "del"), "UserCommand", "required"),
    (with_("WorkspaceId", "del"), "WorkspaceId", "required"),
    (with_("JobType", "del"), "JobType", "required"),
    (with_("JobType", "pytorchjob"), "JobType", "job-type"),
    (with_("Priority", 0), "Priority", "priority-range"),
    (with_("Priority", 10), "Priority", "priority-range"),
    (with_("Priority", "5"), "Priority", "priority-range"),
    (with_("Priority", True), "Priority", "priority-range"),
    (with_("JobMaxRunningTimeMinutes", -1), "JobMaxRunningTimeMinutes", "not-a-count"),
    (with_("JobSpecs", "del"), "JobSpecs", "required"),
    (with_("JobSpecs", []), "JobSpecs", "required"),
    (with_("JobSpecs", {"Type": "Worker"}), "JobSpecs", "not-a-list"),
    (with_("JobSpecs.0", "Worker"), "JobSpecs[0]", "task-spec-not-object"),
    (with_("JobSpecs.0.Type", "del"), "JobSpecs[0].Type", "required"),
    (with_("JobSpecs.0.Image", "del"), "JobSpecs[0].Image", "required"),
    (with_("JobSpecs.0.PodCount", 0), "JobSpecs[0].PodCount", "pod-count"),
    (with_("JobSpecs.0.PodCount", 1.5), "JobSpecs[0].PodCount", "pod-count"),
    (with_("JobSpecs.0.ResourceConfig", {"CPU": 8, "Memory": "32Gi"}), "JobSpecs[0]",
     "ecs-spec-with-resource-config"),
    (with_("JobSpecs.0.EcsSpec", "del"), "JobSpecs[0]", "ecs-spec-or-resource-config"),
    ({**with_("JobSpecs.0.EcsSpec", "del"), "JobSpecs": [{"Type": "Worker", "Image": IMAGE,
                                                          "ResourceConfig": {"CPU": 8}}]},
     "ResourceId", "resource-config-needs-resource-id"),
    ({**with_("JobSpecs.0.EcsSpec", "del"), "ResourceId": "quota1",
      "JobSpecs": [{"Type": "Worker", "Image": IMAGE, "ResourceConfig": "8 CPUs"}]},
     "JobSpecs[0].ResourceConfig", "not-an-object"),
    ({**GOOD, "Displayname": "typo"}, "Displayname", "unknown-field"),
]


@pytest.mark.parametrize(("body", "where", "rule"), _BAD, ids=[f"{w}-{r}" for _, w, r in _BAD])
async def test_each_rule_refuses_its_bad_input_and_nothing_is_sent(sim: Sim, body: dict[str, Any], where: str,
                                                                    rule: str) -> None:
    assert (where, rule) in {(r.field, r.rule) for r in check_job_body(body)}
    request = await create_job_request(sim.client, body)
    assert (where, rule) in {(r.field, r.rule) for r in request.refusals}
    with pytest.raises(Refused):
        await send(sim.client, request)
    assert sim.requests["CreateJob"] == 0


def test_a_good_body_breaks_no_rule_and_typos_are_named_with_the_fix() -> None:
    assert check_job_body(GOOD, registered_images={IMAGE}) == []
    (typo,) = check_job_body({**GOOD, "Displayname": "x"})
    assert "did you mean DisplayName?" in typo.message
    assert [r.rule for r in check_job_body(["not", "a", "body"])] == ["body-not-object"]


async def test_an_image_listimages_does_not_return_is_refused_with_how_to_register_it(sim: Sim) -> None:
    typed = "registry.cn-hangzhou.aliyuncs.com/me/mine:latest"
    body = with_("JobSpecs.0.Image", typed)
    request = await create_job_request(sim.client, body)
    (refusal,) = request.refusals
    assert (refusal.field, refusal.rule) == ("JobSpecs[0].Image", "image-not-registered")
    assert "aliyun aiworkspace create-image" in refusal.message and typed in refusal.message
    assert "--allow-unregistered-image" in refusal.message
    assert sim.requests["ListImages"] == 1 and sim.requests["CreateJob"] == 0
    # the explicit override sends it as typed
    forced = await create_job_request(sim.client, body, allow_unregistered_image=True)
    assert forced.refusals == ()
    created = await send(sim.client, forced)
    assert (await sim.client.dlc.get_job(str(created.id))).job_specs[0].image == typed  # type: ignore[index]


async def test_a_registered_image_passes_and_the_job_is_created_as_sent(sim: Sim) -> None:
    request = await create_job_request(sim.client, {**GOOD, "WorkspaceId": int(WS)})  # YAML reads ids as numbers
    assert request.refusals == () and request.params["WorkspaceId"] == WS
    created = await send(sim.client, request)
    job = await sim.client.dlc.get_job(str(created.id))
    assert (job.display_name, job.priority, job.job_specs[0].pod_count) == ("bert-ft", 3, 2)  # type: ignore[index]


async def test_a_lost_answer_is_settled_by_finding_the_new_job_by_name(sim: Sim) -> None:
    await send(sim.client, await create_job_request(sim.client, GOOD))  # an older job of the same name
    request = await create_job_request(sim.client, GOOD)
    sim.app.faults = FaultPlan.parse("CreateJob:lost=1", seed=1)
    created = await send(sim.client, request)
    sim.app.faults = None
    assert not created.unknown and created.id and "reading back found it" in created.note
    assert (await sim.client.dlc.get_job(created.id)).display_name == "bert-ft"
    assert sim.requests["CreateJob"] == 2


async def test_a_lost_answer_of_a_request_that_never_arrived_stays_unknown(sim: Sim) -> None:
    request = await create_job_request(sim.client, GOOD)
    sim.app.faults = FaultPlan.parse("CreateJob:drop=1", seed=1)
    created = await send(sim.client, request)
    sim.app.faults = None
    assert created.unknown and created.id is None and "look for it before sending again" in created.note


# --- the template merge -----------------------------------------------------------------------------------

TEMPLATE = JobTemplateSource("jt-1", "team-sft", 2, WS, content={
    "JobType": "PyTorchJob", "UserCommand": "bash sft.sh",
    "JobSpecs": [{"Type": "Worker", "PodCount": 1, "Image": IMAGE, "EcsSpec": "ecs.gn7i-c8g1.2xlarge"}]},
    constraints={"JobSpecs[0].Image": "locked", "$.UserCommand": "overridable", "DataSources[0].Uri": "required"})
DATA = {"DataSources": [{"Uri": "oss://bucket/data/"}]}


def rules(refusals: Any) -> set[tuple[str, str]]:
    return {(r.field, r.rule) for r in refusals}


def test_merge_fills_from_the_template_and_takes_overrides() -> None:
    merged, refusals = merge_template(TEMPLATE, {"DisplayName": "a", "UserCommand": "bash sft.sh --lr 1e-5", **DATA},
                                      {"JobSpecs[0].PodCount": 4})
    assert refusals == []
    assert merged["UserCommand"] == "bash sft.sh --lr 1e-5" and merged["JobSpecs"][0]["PodCount"] == 4
    assert merged["JobSpecs"][0]["Image"] == IMAGE and merged["WorkspaceId"] == WS
    assert (merged["TemplateId"], merged["TemplateVersion"]) == ("jt-1", 2)
    assert TEMPLATE.content["JobSpecs"][0]["PodCount"] == 1  # the template itself is not changed


def test_a_locked_field_cannot_be_overridden() -> None:
    other = "dsw-registry-vpc.cn-hangzhou.cr.aliyuncs.com/pai/pytorch-training:2.1-gpu-py310-cu121-ubuntu22.04"
    _, by_set = merge_template(TEMPLATE, {"DisplayName": "a", **DATA}, {"JobSpecs[0].Image": other})
    _, by_body = merge_template(TEMPLATE, {"DisplayName": "a", **DATA,
                                           "JobSpecs": [{"Type": "Worker", "Image": other, "EcsSpec": "e"}]})
    assert rules(by_set) == rules(by_body) == {("JobSpecs[0].Image", "template-locked")}
    _, same = merge_template(TEMPLATE, {"DisplayName": "a", **DATA}, {"JobSpecs[0].Image": IMAGE})
    assert same == []  # giving the locked value itself is no override


def test_a_required_field_must_be_given_not_blank() -> None:
    _, missing = merge_template(TEMPLATE, {"DisplayName": "a"})
    _, blank = merge_template(TEMPLATE, {"DisplayName": "a"}, {"DataSources[0].Uri": " "})
    assert rules(missing) == rules(blank) == {("DataSources[0].Uri", "template-required")}
    assert "--set DataSources[0].Uri=" in missing[0].message


def test_a_bad_override_path_is_refused_by_name() -> None:
    _, refusals = merge_template(TEMPLATE, {"DisplayName": "a", **DATA}, {"JobSpecs[5].PodCount": 2,
                                                                         "UserCommand[0]": "x", "a..b": 1})
    assert {r.field for r in refusals} == {"JobSpecs[5].PodCount", "UserCommand[0]", "a..b"}
    assert {r.rule for r in refusals} == {"bad-path"}


def test_the_form_fields_follow_the_constraints() -> None:
    fields = {f.path: f for f in TEMPLATE.fields()}
    assert fields["JobSpecs[0].Image"].constraint == "locked" and not fields["JobSpecs[0].Image"].editable
    assert fields["UserCommand"].constraint == "overridable" and fields["UserCommand"].value == "bash sft.sh"
    assert fields["DataSources[0].Uri"].constraint == "required" and fields["DataSources[0].Uri"].value is None
    assert fields["JobType"].constraint == "" and fields["JobSpecs"].editable


async def test_a_template_of_the_simulator_merges_as_the_service_does(sim: Sim) -> None:
    page = await sim.client.dlc.list_job_templates(WS)
    template_id = str(page.job_templates[0].template_id)  # type: ignore[index]
    template = await load_template(sim.client, template_id)
    assert template.constraints == {"JobSpecs[0].Image": "locked", "UserCommand": "overridable"}
    request = await create_job_request(sim.client, {"DisplayName": "from-template"}, template_id=template_id,
                                       overrides={"JobSpecs[0].PodCount": 3})
    assert request.refusals == ()
    job = await sim.client.dlc.get_job(str((await send(sim.client, request)).id))
    spec = template.content["JobSpecs"][0]
    assert (job.job_specs[0].image, job.job_specs[0].pod_count) == (spec["Image"], 3)  # type: ignore[index]
    assert job.user_command == template.content["UserCommand"]
    locked = await create_job_request(sim.client, {"DisplayName": "x"}, template_id=template_id,
                                      overrides={"JobSpecs[0].Image": IMAGE + "-other"})
    assert rules(locked.refusals) == {("JobSpecs[0].Image", "template-locked")}
    assert sim.requests["CreateJob"] == 1
