"""Row diffs: added/changed/removed/status changes, and the diff is exactly what turns old into new."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from paitui.api.models.dlc import JobItem
from paitui.live.diff import RowDiff, apply_diff, diff_rows, index_rows


def job(job_id: str, status: str = "Running", **extra: object) -> JobItem:
    return JobItem.model_validate({"JobId": job_id, "Status": status, **extra})


def key(j: JobItem) -> str | None:
    return j.job_id


def status(j: JobItem) -> str | None:
    return j.status


def test_added_changed_removed_and_status_changes() -> None:
    old = index_rows([job("a"), job("b"), job("c", "Queuing")], key)
    new = [job("d", "Creating"), job("a"), job("b", "Succeeded"), job("c", "Queuing", Priority=5)]
    diff = diff_rows(old, new, key, status)
    assert diff.added == ["d"]
    assert diff.changed == ["b", "c"]
    assert diff.removed == []
    assert diff.status_changes == {"b": ("Running", "Succeeded")}  # c changed, but not its status
    assert diff.summary() == "+1 ~2 -0"

    gone = diff_rows(index_rows(new, key), [job("a")], key, status)
    assert gone.added == [] and gone.changed == [] and gone.removed == ["d", "b", "c"]


def test_equal_lists_are_an_empty_diff_and_extras_count_as_changes() -> None:
    rows = [job("a"), job("b")]
    assert not diff_rows(index_rows(rows, key), [job("a"), job("b")], key)
    # an unknown wire key the model keeps in model_extra is part of equality
    changed = diff_rows(index_rows(rows, key), [job("a", NewField=1), job("b")], key)
    assert changed.changed == ["a"]


def test_reordering_is_reported_without_marking_rows_changed() -> None:
    diff = diff_rows(index_rows([job("a"), job("b")], key), [job("b"), job("a")], key)
    assert diff.order_changed and not diff.changed and diff


def test_rows_without_a_key_are_ignored() -> None:
    diff = diff_rows({}, [JobItem(), job("a")], key)
    assert diff.added == ["a"]


def test_first_diff_from_nothing_adds_everything_in_order() -> None:
    diff: RowDiff[JobItem] = diff_rows({}, [job("x"), job("y")], key)
    assert diff.added == ["x", "y"] and not diff.removed


STATUSES = st.sampled_from(["Queuing", "Running", "Succeeded", "Failed"])
ROWS = st.dictionaries(st.sampled_from([f"j{i}" for i in range(12)]),
                       st.tuples(STATUSES, st.integers(1, 3)), max_size=12)


@given(ROWS, ROWS)
def test_applying_the_diff_to_old_yields_new(before: dict, after: dict) -> None:
    old = {k: job(k, s, Priority=p) for k, (s, p) in before.items()}
    new = {k: job(k, s, Priority=p) for k, (s, p) in after.items()}
    diff = diff_rows(old, list(new.values()), key, status)
    rebuilt = apply_diff(old, new, diff)
    assert rebuilt == new  # same keys, equal rows
    assert set(diff.added).isdisjoint(old) and set(diff.removed).isdisjoint(new)
    assert all(old[k] != new[k] for k in diff.changed)
    unchanged = set(old) & set(new) - set(diff.changed)
    assert all(old[k] == new[k] for k in unchanged)
    assert set(diff.status_changes) <= set(diff.changed)
    assert all(old[k].status != new[k].status for k in diff.status_changes)
