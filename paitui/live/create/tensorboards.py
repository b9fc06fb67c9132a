"""TensorBoards: the seeds' rules and the requests that create one (for a job or for a dataset), update one and
ask for a shared URL.

Rules (the PAI-DLC reference, TensorBoard APIs): CreateTensorboard takes a ``JobId`` *or* data sources, never both;
``MaxRunningTimeMinutes`` is a whole number of minutes, at least 1; UpdateTensorboard changes
``MaxRunningTimeMinutes``, ``Accessibility`` (PUBLIC / PRIVATE) and ``Priority``; a shared URL expires after
``ExpireTimeSeconds``, at most 604,800 s (7 days).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from paitui.api.operations import operation
from paitui.live.create.request import CreateRequest, Refusal

if TYPE_CHECKING:
    from paitui.api.client import PaiClient
    from paitui.api.models.workspace import Dataset

MAX_SHARE_SECONDS = 604_800  # the seed: --expire-time-seconds, max 604800 (7 days)
DEFAULT_MAX_MINUTES = 240  # what the service applies when none is sent
ACCESSIBILITY = ("PRIVATE", "PUBLIC")


def _whole(text: str | int | None) -> int | None:
    if isinstance(text, int):
        return text
    try:
        return int(str(text or "").strip())
    except ValueError:
        return None


def share_expiry_refusals(seconds: str | int | None) -> list[Refusal]:
    value = _whole(seconds)
    if value is None:
        return [Refusal("ExpireTimeSeconds", "share-expiry-number",
                        f"the expiry must be a whole number of seconds, not {str(seconds).strip()!r}")]
    if value < 1:
        return [Refusal("ExpireTimeSeconds", "share-expiry-min", "the URL must live at least 1 second")]
    if value > MAX_SHARE_SECONDS:
        return [Refusal("ExpireTimeSeconds", "share-expiry-max",
                        f"{value:,} s is more than a shared URL may live: at most {MAX_SHARE_SECONDS:,} s (7 days)")]
    return []


def share_expiry(seconds: str | int | None) -> int:
    """The expiry in seconds; raises ``ValueError`` with the rule's sentence (forms show it)."""
    refusals = share_expiry_refusals(seconds)
    if refusals:
        raise ValueError(refusals[0].line())
    value = _whole(seconds)
    assert value is not None
    return value


def max_minutes_refusals(minutes: str | int | None) -> list[Refusal]:
    value = _whole(minutes)
    if value is None or value < 1:
        return [Refusal("MaxRunningTimeMinutes", "max-running-time",
                        f"the maximum running time is a whole number of minutes, at least 1; not {minutes!r}")]
    return []


@dataclass(frozen=True)
class Source:
    """What a TensorBoard reads: a job, or a dataset (in a workspace)."""

    job_id: str = ""
    dataset: Dataset | None = None
    workspace_id: str = ""


def create_request(source: Source, *, max_minutes: str | int | None = DEFAULT_MAX_MINUTES, display_name: str = "",
                   before: frozenset[str] = frozenset()) -> CreateRequest:
    """CreateTensorboard for a job or a dataset; ``before`` are the ids of the TensorBoards already reading that
    source (read by the caller, ``existing``), so a lost answer is settled by finding a new one."""
    refusals = max_minutes_refusals(max_minutes)
    dataset = source.dataset
    if bool(source.job_id) == (dataset is not None):
        refusals.append(Refusal("JobId", "job-or-dataset",
                                "a TensorBoard reads a job (JobId) or a dataset (DataSources), exactly one of them"))
    params: dict[str, Any] = {"MaxRunningTimeMinutes": _whole(max_minutes) or DEFAULT_MAX_MINUTES}
    if display_name.strip():
        params["DisplayName"] = display_name.strip()
    if source.job_id:
        params["JobId"] = source.job_id
        label = f"TensorBoard for job {source.job_id}"
    elif dataset is not None:
        if not source.workspace_id:
            refusals.append(Refusal("WorkspaceId", "workspace",
                                    "a TensorBoard for a dataset is made in a workspace: choose one"))
        if not dataset.uri:
            refusals.append(Refusal("DataSources[0].Path", "dataset-uri",
                                    f"the dataset {dataset.dataset_id} has no Uri to read summaries from"))
        params["WorkspaceId"] = source.workspace_id
        params["DataSources"] = [{"DataSourceId": dataset.dataset_id, "Path": dataset.uri,
                                  "DataSourceType": dataset.data_source_type or "OSS"}]
        label = f'TensorBoard for dataset "{dataset.name}" ({dataset.dataset_id})' if dataset.name else \
            f"TensorBoard for dataset {dataset.dataset_id}"
    else:
        label = "TensorBoard"

    async def settle(client: PaiClient) -> str | None:
        return next(iter(await existing(client, source) - before), None)

    return CreateRequest("tensorboard", label, operation("dlc", "CreateTensorboard"), params,
                         new_id=lambda answer: str(answer.tensorboard_id), settle=settle, refusals=tuple(refusals))


async def existing(client: PaiClient, source: Source) -> frozenset[str]:
    """Ids of the TensorBoards made in the last week that read ``source``."""
    if source.job_id:
        page = await client.dlc.list_tensorboards(job_id=source.job_id, page_size=100)
        return frozenset(t.tensorboard_id or "" for t in page.tensorboards or ())
    if source.dataset is None:
        return frozenset()
    page = await client.dlc.list_tensorboards(workspace_id=source.workspace_id or None, page_size=1000)
    return frozenset(t.tensorboard_id or "" for t in page.tensorboards or ()
                     if t.data_source_id == source.dataset.dataset_id)


def update_request(tensorboard: Any, *, max_minutes: str | int | None = None, accessibility: str | None = None,
                   priority: str | None = None) -> CreateRequest:
    """UpdateTensorboard of what changed (``tensorboard`` the model read); the unchanged fields are not sent."""
    tb_id = tensorboard.tensorboard_id or ""
    refusals: list[Refusal] = []
    params: dict[str, Any] = {"TensorboardId": tb_id}
    if tensorboard.workspace_id:
        params["WorkspaceId"] = tensorboard.workspace_id
    if max_minutes not in (None, ""):
        refusals += max_minutes_refusals(max_minutes)
        if _whole(max_minutes) != tensorboard.max_running_time_minutes:
            params["MaxRunningTimeMinutes"] = _whole(max_minutes)
    if accessibility:
        if accessibility.upper() not in ACCESSIBILITY:
            refusals.append(Refusal("Accessibility", "accessibility",
                                    f"{accessibility!r} is not one of {', '.join(ACCESSIBILITY)}"))
        elif accessibility.upper() != (tensorboard.accessibility or "").upper():
            params["Accessibility"] = accessibility.upper()
    if priority and priority.strip() != (tensorboard.priority or ""):
        params["Priority"] = priority.strip()
    if not refusals and set(params) <= {"TensorboardId", "WorkspaceId"}:
        refusals.append(Refusal("TensorboardId", "nothing-to-change", "every field is as it is now: change one"))
    name = tensorboard.display_name
    label = f'TensorBoard "{name}" ({tb_id})' if name else f"TensorBoard {tb_id}"

    async def settle(client: PaiClient) -> str | None:  # an update is idempotent: read it back
        fresh = await client.dlc.get_tensorboard(tb_id)
        wanted = params.get("MaxRunningTimeMinutes")
        return tb_id if wanted is None or fresh.max_running_time_minutes == wanted else None

    return CreateRequest("tensorboard", label, operation("dlc", "UpdateTensorboard"), params,
                         new_id=lambda answer: tb_id, settle=settle, refusals=tuple(refusals),
                         verb="update", done="updated")
