"""Where a locked template value lands in a job request (``create._place``), at any depth of lists."""

from __future__ import annotations

from typing import Any

from paitui.sim.dlc.create import _place, constraint_path


def placed(doc: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    _place(doc, constraint_path(path), value)
    return doc


def test_two_list_levels_into_an_empty_list() -> None:
    assert placed({"Grid": []}, "Grid[0][1]", "x") == {"Grid": [[None, "x"]]}
    assert placed({}, "Grid[0][0].Name", "x") == {"Grid": [[{"Name": "x"}]]}
    assert placed({"JobSpecs": []}, "JobSpecs[0].Envs[1]", "E") == {"JobSpecs": [{"Envs": [None, "E"]}]}


def test_existing_items_are_kept_and_filled() -> None:
    doc = {"JobSpecs": [{"Type": "Worker", "Image": "mine"}]}
    assert placed(doc, "JobSpecs[0].Image", "tpl") == {"JobSpecs": [{"Type": "Worker", "Image": "tpl"}]}
    assert placed({"JobSpecs": [{"Type": "Worker"}]}, "JobSpecs[1].Image", "tpl") == \
        {"JobSpecs": [{"Type": "Worker"}, {"Image": "tpl"}]}
    assert placed({"Grid": [["a"]]}, "Grid[0][2]", "x") == {"Grid": [["a", None, "x"]]}


def test_an_object_where_the_template_has_a_list_is_left_to_validation() -> None:
    assert placed({"JobSpecs": {"Type": "Worker"}}, "JobSpecs[0].Image", "tpl") == {"JobSpecs": {"Type": "Worker"}}
