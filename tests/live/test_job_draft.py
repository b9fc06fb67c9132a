"""The new-job wizard's draft (``live.create.job_draft``): steps and what each lacks, role rules per job type,
the CreateJob body it builds (ECS spec or quota, data and code), checked by the submit area's rules; and the
discovery listers the pickers load through, against the simulated cloud."""

from __future__ import annotations

import pytest

from paitui.live.create.job_draft import (
    JOB_TYPES,
    ROLE_RULES,
    STEPS,
    CodeMount,
    JobDraft,
    QuotaResources,
    draft_request,
    quota_resources,
)
from paitui.live.create.job_rules import check_job_body
from paitui.live.listers import CodeSourceLister, DatasetLister, ImageLister, QuotaLister
from paitui.sim.clock import SimClock
from paitui.sim.world import World
from tests.live.test_listers import WS, sim_client

IMAGE = "dsw-registry-vpc.cn-hangzhou.cr.aliyuncs.com/pai/pytorch:2.3.0-gpu-py310-cu121-ubuntu22.04"


def complete(**changes: object) -> JobDraft:
    draft = JobDraft(workspace_id=WS, workspace_name="llm_pretrain")
    draft.choose_job_type("PyTorchJob")
    draft.image = IMAGE
    draft.choose_ecs_spec("ecs.gn7i-c8g1.2xlarge")
    draft.display_name, draft.command = "bert-ft", "python train.py"
    for key, value in changes.items():
        setattr(draft, key, value)
    return draft


@pytest.fixture(scope="module")
def world() -> World:
    return World(seed=7, jobs=60, clock=SimClock.manual())


def test_every_dlc_job_type_has_its_roles_and_defaults_within_them() -> None:
    assert set(ROLE_RULES) == set(JOB_TYPES)
    for rules in ROLE_RULES.values():
        assert any(r.least >= 1 for r in rules)  # a job has at least one pod
        for rule in rules:
            assert rule.least <= rule.default and (rule.most is None or rule.default <= rule.most)
    assert [(r.type, r.most) for r in ROLE_RULES["PyTorchJob"]] == [("Master", 1), ("Worker", None)]


def test_forward_stays_on_a_step_that_lacks_something_and_says_what() -> None:
    draft = JobDraft(workspace_id=WS)
    assert draft.forward() == [] and draft.step_name == "type"
    assert draft.forward() == ["choose a job type"] and draft.step_name == "type"
    draft.choose_job_type("TFJob")
    draft.forward()
    assert draft.forward() == ["choose an image from the list (ListImages)"]
    draft.image = IMAGE
    draft.forward()
    draft.resource_mode = "quota"
    assert draft.forward() == ["choose a quota, or switch to an ECS spec"]
    draft.choose_quota(QuotaResources("quota1", "pool", cpu="8", memory="lots"))
    assert draft.forward() == ["memory per pod: a quantity, such as 64Gi"]
    draft.quota.memory = "64Gi"  # type: ignore[union-attr]
    assert draft.forward() == [] and draft.step_name == "roles"
    draft.set_pods("Worker", 0)
    draft.set_pods("Chief", 2)
    assert draft.forward() == ["Chief: at most 1 pod", "Worker: at least 1 pod"]
    with pytest.raises(ValueError, match="no Master role"):
        draft.set_pods("Master", 1)


def test_back_and_forward_keep_every_choice() -> None:
    draft = complete()
    draft.step = STEPS.index("command")
    chosen = draft.body()
    for _ in range(5):
        draft.back()
    assert draft.step_name == "workspace"
    draft.choose_job_type("PyTorchJob")  # the same type again keeps its pod counts
    while draft.step_name != "command":
        assert draft.forward() == []
    assert draft.body() == chosen


def test_a_new_job_type_brings_its_own_roles() -> None:
    draft = complete()
    draft.set_pods("Worker", 7)
    draft.choose_job_type("RayJob")
    assert draft.pods == {"Head": 1, "Worker": 1}
    with pytest.raises(ValueError, match="not a DLC job type"):
        draft.choose_job_type("pytorchjob")


def test_the_ecs_body_has_one_task_spec_per_role_with_pods_and_passes_the_rules() -> None:
    draft = complete()
    draft.set_pods("Worker", 3)
    draft.toggle_dataset("d-1", "corpus")
    draft.toggle_dataset("d-2", "ckpt", "/mnt/ckpt")
    draft.code_source = CodeMount("code-1", "trainer", "main", "a3f9c1d", "/root/code")
    body = draft.body()
    assert body == {
        "WorkspaceId": WS, "DisplayName": "bert-ft", "JobType": "PyTorchJob", "UserCommand": "python train.py",
        "JobSpecs": [{"Type": "Master", "PodCount": 1, "Image": IMAGE, "EcsSpec": "ecs.gn7i-c8g1.2xlarge"},
                     {"Type": "Worker", "PodCount": 3, "Image": IMAGE, "EcsSpec": "ecs.gn7i-c8g1.2xlarge"}],
        "DataSources": [{"DataSourceId": "d-1", "MountPath": "/mnt/data/corpus"},
                        {"DataSourceId": "d-2", "MountPath": "/mnt/ckpt"}],
        "CodeSource": {"CodeSourceId": "code-1", "Branch": "main", "Commit": "a3f9c1d", "MountPath": "/root/code"},
    }
    assert check_job_body(body, registered_images={IMAGE}) == []
    assert not draft.toggle_dataset("d-1", "corpus")  # chosen again: removed
    assert [m.dataset_id for m in draft.data_sources] == ["d-2"]


def test_a_role_at_zero_pods_is_left_out() -> None:
    draft = complete()
    draft.set_pods("Master", 0)
    assert [s["Type"] for s in draft.body()["JobSpecs"]] == ["Worker"]


def test_the_quota_body_has_resource_config_and_resource_id_never_an_ecs_spec() -> None:
    draft = complete()
    draft.choose_quota(QuotaResources("quota1k9x2m4n7p3q", "llm-a100-pool", "8", "64Gi", "1", "A100"))
    body = draft.body()
    assert body["ResourceId"] == "quota1k9x2m4n7p3q"
    for spec in body["JobSpecs"]:
        assert "EcsSpec" not in spec  # red line 1, though an ECS spec was chosen before
        assert spec["ResourceConfig"] == {"CPU": "8", "Memory": "64Gi", "GPU": "1", "GPUType": "A100"}
    assert check_job_body(body, registered_images={IMAGE}) == []
    draft.quota.gpu = ""  # type: ignore[union-attr]
    assert "GPU" not in draft.body()["JobSpecs"][0]["ResourceConfig"]


def test_sources_refuse_relative_or_twice_mounted_paths_and_bad_commits() -> None:
    draft = complete()
    draft.toggle_dataset("d-1", "corpus", "data/corpus")
    draft.toggle_dataset("d-2", "a", "/mnt/x")
    draft.toggle_dataset("d-3", "b", "/mnt/x")
    draft.code_source = CodeMount("code-1", "trainer", commit="not-a-sha")
    assert draft.missing("sources") == [
        "corpus: the mount path must be absolute, not 'data/corpus'",
        "b: /mnt/x is mounted twice",
        "trainer: a commit is 7 to 40 hexadecimal digits, not 'not-a-sha'",
    ]
    assert ("sources", "b: /mnt/x is mounted twice") in draft.incomplete()


def test_touched_says_whether_discarding_loses_a_choice() -> None:
    assert not JobDraft(workspace_id=WS).touched
    draft = JobDraft(workspace_id=WS)
    draft.choose_job_type("MPIJob")
    assert draft.touched


async def test_the_request_comes_from_the_submit_rules_an_unregistered_image_is_refused(world: World) -> None:
    client = sim_client(world)
    images = [i async for i in client.workspace.iter_images(workspace_id=WS)]
    registered = next(i.image_uri for i in images if i.image_uri)
    good = await draft_request(client, complete(image=registered))
    assert good.refusals == () and good.params["JobSpecs"][0]["Image"] == registered
    bad = await draft_request(client, complete(image="registry.example.com/me/typed-in:latest"))
    assert [(r.field, r.rule) for r in bad.refusals] == [("JobSpecs[0].Image", "image-not-registered"),
                                                        ("JobSpecs[1].Image", "image-not-registered")]


async def test_image_lister_asks_the_label_filters_of_the_service(world: World) -> None:
    client = sim_client(world)
    every = await ImageLister(client, WS).fetch()
    chips = {next(lab.value for lab in i.labels or () if lab.key == "system.chipType") for i in every}
    assert chips == {"GPU", "CPU"}  # verbose: every image carries its labels
    gpu_torch = await ImageLister(client, WS, "system.chipType=GPU,system.framework=PyTorch").fetch()
    assert gpu_torch and len(gpu_torch) < len(every)
    for image in gpu_torch:
        labels = {lab.key: lab.value for lab in image.labels or ()}
        assert (labels["system.chipType"], labels["system.framework"]) == ("GPU", "PyTorch")
    custom = await ImageLister(client, WS, "system.officialReleased=false").fetch()
    assert custom and all(i.workspace_id == WS for i in custom)


async def test_dataset_code_source_and_quota_listers(world: World) -> None:
    client = sim_client(world)
    datasets = await DatasetLister(client, WS).fetch()
    assert datasets and {d.workspace_id for d in datasets} == {WS}
    codes = await CodeSourceLister(client, WS).fetch()
    assert codes and all(c.code_repo for c in codes)
    quotas = QuotaLister(client)
    rows = await quotas.fetch()
    assert rows and quotas.key(rows[0]) == rows[0].id and quotas.status is None
    gpu = next(q for q in rows if any(s.name == "gpu-type" for s in q.specs or ()))
    picked = quota_resources(gpu, cpu="8", memory="64Gi")
    assert picked.quota_id == gpu.id and picked.gpu_type
