"""Bodies as people write them: YAML/JSON with the line of each field, ``--set`` values, form texts."""

from __future__ import annotations

import pytest

from paitui.live.create import Refusal, Refused
from paitui.live.create.body_file import dump_body, parse_sets, parse_value, read_body
from paitui.live.create.template_form import field_text, form_inputs
from paitui.live.create.template_merge import JobTemplateSource

TEXT = """\
# a comment
DisplayName: a
JobSpecs:
  - Type: Worker
    PodCount: 2
  - Type: PS
    Image: x
"""


def test_lines_of_fields_and_of_their_nearest_written_parent() -> None:
    body = read_body(TEXT, "job.yaml")
    assert body.line_of("DisplayName") == 2 and body.line_of("JobSpecs[0].PodCount") == 5
    assert body.line_of("JobSpecs[1].Image") == 7 and body.line_of("JobSpecs[1]") == 6
    assert body.line_of("JobSpecs[1].EcsSpec") == 6  # not written: its task spec's line
    assert body.line_of("Priority") is None
    (located,) = body.locate([Refusal("JobSpecs[0].PodCount", "pod-count", "too many")])
    assert located.message == "too many (job.yaml line 5)"


def test_json_reads_too_and_bad_text_names_the_line() -> None:
    assert read_body('{"DisplayName": "a",\n "Priority": 3}', "job.json").line_of("Priority") == 2
    with pytest.raises(Refused) as bad:
        read_body("DisplayName: a\n  - b: [\n", "job.yaml")
    assert bad.value.refusals[0].rule == "unreadable" and "line 2" in bad.value.refusals[0].field
    with pytest.raises(Refused):
        read_body("", "job.yaml")


def test_set_values_read_as_yaml_scalars_and_commands_stay_text() -> None:
    assert parse_value("2") == 2 and parse_value("true") is True and parse_value("[1, 2]") == [1, 2]
    assert parse_value("echo: hi") == "echo: hi" and parse_value("- x") == "- x" and parse_value("") == ""
    sets, bad = parse_sets(["JobSpecs[0].PodCount=2", "UserCommand=a=b", "nope", "a..b=1"])
    assert sets == {"JobSpecs[0].PodCount": 2, "UserCommand": "a=b"}
    assert [r.rule for r in bad] == ["bad-set", "bad-path"]


def test_dump_keeps_the_order_and_reads_back() -> None:
    body = {"DisplayName": "ü", "JobSpecs": [{"Type": "Worker", "PodCount": 2}], "Envs": {"A": "1"}}
    text = dump_body(body)
    assert text.startswith("DisplayName: ü") and read_body(text, "x").data == body


def test_form_texts_become_overrides_only_where_changed() -> None:
    template = JobTemplateSource("jt-1", "t", 1, "264901", {"UserCommand": "run", "JobSpecs": [{"PodCount": 1}]},
                                 {"UserCommand": "overridable", "JobSpecs[0].Image": "locked",
                                  "DataSources[0].Uri": "required"})
    texts = {f.path: field_text(f.value) for f in template.fields()}
    texts.update({"DisplayName": " job ", "JobSpecs[0].Image": "changed?", "UserCommand": "run"})
    body, overrides = form_inputs(template, texts)
    assert body == {"DisplayName": "job"} and overrides == {}  # unchanged, locked never sent, required blank
    texts.update({"UserCommand": "run --fast", "JobSpecs": '[{"PodCount": 4}]', "DataSources[0].Uri": "oss://b/"})
    _, overrides = form_inputs(template, texts)
    assert overrides == {"UserCommand": "run --fast", "JobSpecs": [{"PodCount": 4}], "DataSources[0].Uri": "oss://b/"}
