"""The `/` filter grammar (paitui.live.filtering)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paitui.live.filtering import Filter, FilterError, parse_filter, tokenize


@dataclass(frozen=True)
class Job:
    name: str
    status: str
    type: str
    owner: str
    tags: tuple[str, ...] = ()


FIELDS = {
    "status": lambda j: j.status,
    "type": lambda j: j.type,
    "owner": lambda j: j.owner,
    "tag": lambda j: j.tags,
    "text": lambda j: j.name,
}
ALIASES = {"s": "status", "user": "owner"}

JOBS = [
    Job("llama-7b-sft", "Running", "PyTorchJob", "alice", ("gpu", "prod")),
    Job("llama-70b-eval", "Failed", "PyTorchJob", "bob", ("gpu",)),
    Job("bert base", "Succeeded", "TFJob", "alice"),
    Job("qwen-ft", "Queuing", "PyTorchJob", "carol", ("dev",)),
]


def names(text: str, **kwargs: object) -> list[str]:
    flt = parse_filter(text, FIELDS, aliases=ALIASES, me="alice", **kwargs)  # type: ignore[arg-type]
    return [j.name for j in JOBS if flt(j)]


def test_empty_matches_everything() -> None:
    flt = parse_filter("   ", FIELDS)
    assert flt.is_empty and flt.describe() == "all"
    assert all(flt(j) for j in JOBS)


def test_free_text_is_a_case_insensitive_regex() -> None:
    assert names("LLAMA") == ["llama-7b-sft", "llama-70b-eval"]
    assert names(r"llama-\d+b-s") == ["llama-7b-sft"]
    assert names("bert base") == ["bert base"]  # words re-joined with a space


def test_slashes_around_free_text_delimit_a_regex() -> None:
    assert names("/^llama-7b/") == ["llama-7b-sft"]
    assert names("/eval$/") == ["llama-70b-eval"]


def test_anchors_apply_to_each_text_of_a_multi_text_field() -> None:
    rows = [("yolo-v25", "dlc1"), ("sam-v29", "dlc2"), ("v25-sam", "dlc3")]
    fields = {"text": lambda r: r}  # name and id, searched one by one (as the list screens do)
    flt = parse_filter("v2[59]$", fields)
    assert [r[0] for r in rows if flt(r)] == ["yolo-v25", "sam-v29"]
    assert [r[1] for r in rows if parse_filter("^dlc[13]$", fields)(r)] == ["dlc1", "dlc3"]


def test_field_exact_match_and_alternatives() -> None:
    assert names("status:running") == ["llama-7b-sft"]
    assert names("status:Run") == []  # exact, not substring
    assert names("status:Running,Failed") == ["llama-7b-sft", "llama-70b-eval"]
    assert names("status:Run*") == ["llama-7b-sft"]
    assert names("type:*job status:*ing") == ["llama-7b-sft", "qwen-ft"]


def test_multi_valued_field_matches_any_value() -> None:
    assert names("tag:gpu") == ["llama-7b-sft", "llama-70b-eval"]
    assert names("!tag:gpu") == ["bert base", "qwen-ft"]


def test_inversion_of_fields_and_words() -> None:
    assert names("!status:Succeeded") == ["llama-7b-sft", "llama-70b-eval", "qwen-ft"]
    assert names("!llama") == ["bert base", "qwen-ft"]
    assert names("llama !eval") == ["llama-7b-sft"]


def test_lone_bang_inverts_the_whole_free_text() -> None:
    assert names("! llama-7b") == ["llama-70b-eval", "bert base", "qwen-ft"]
    assert names("! bert base") == ["llama-7b-sft", "llama-70b-eval", "qwen-ft"]
    assert names("! llama status:Failed") == []  # fields are not inverted by the lone `!`
    assert names("!") == [j.name for j in JOBS]  # nothing typed yet: no-op while typing


def test_tokens_and_together() -> None:
    assert names("status:Running,Failed !owner:me llama") == ["llama-70b-eval"]


def test_aliases_and_owner_me() -> None:
    assert names("s:failed") == ["llama-70b-eval"]
    assert names("user:me") == ["llama-7b-sft", "bert base"]
    assert names("owner:me,carol") == ["llama-7b-sft", "bert base", "qwen-ft"]
    with pytest.raises(FilterError, match="signed-in user"):
        parse_filter("owner:me", FIELDS)


def test_quotes_group_words() -> None:
    assert tokenize('a "b c" name:"d e" !"f g"') == [
        tokenize("a")[0],
        tokenize('"b c"')[0],
        tokenize('name:"d e"')[0],
        tokenize('!"f g"')[0],
    ]
    assert [t.text for t in tokenize('a "b c" name:"d e"')] == ["a", "b c", "name:d e"]
    assert names('"bert base"') == ["bert base"]
    assert names('"status:Running"') == []  # quoted: free text, not a field
    assert names('"llama-7b') == ["llama-7b-sft"]  # unterminated quote runs to the end


def test_field_value_with_spaces() -> None:
    fields = {"name": lambda j: j.name, "text": lambda j: j.name}
    flt = parse_filter('name:"bert base"', fields)
    assert [j.name for j in JOBS if flt(j)] == ["bert base"]


def test_invalid_regex_message() -> None:
    with pytest.raises(FilterError) as error:
        parse_filter("llama (7b", FIELDS)
    assert str(error.value) == "invalid regex: missing ), unterminated subpattern at position 6"
    assert isinstance(error.value, ValueError)


def test_unknown_field_lists_the_known_ones() -> None:
    with pytest.raises(FilterError) as error:
        parse_filter("stat:Running", FIELDS)
    assert str(error.value) == "unknown field 'stat'; fields: status, type, owner, tag"


def test_missing_value() -> None:
    with pytest.raises(FilterError, match="missing value"):
        parse_filter("status:", FIELDS)


def test_without_text_field_free_text_searches_all_fields() -> None:
    fields = {"status": FIELDS["status"], "owner": FIELDS["owner"]}
    flt = parse_filter("bob", fields)
    assert [j.name for j in JOBS if flt(j)] == ["llama-70b-eval"]


def test_describe() -> None:
    flt = parse_filter("status:Running,Failed !owner:me llama", FIELDS, me="alice")
    assert flt.describe() == "status is Running or Failed · not owned by you · name ~ /llama/"
    assert flt.text == "status:Running,Failed !owner:me llama"
    assert parse_filter("!status:Failed", FIELDS).describe() == "status is not Failed"
    assert parse_filter("! llama", FIELDS).describe() == "name !~ /llama/"


# ------------------------------------------------------------------ properties

ROWS = st.builds(
    Job,
    name=st.text(max_size=12),
    status=st.sampled_from(["Running", "Failed", ""]),
    type=st.text(max_size=4),
    owner=st.text(max_size=4),
    tags=st.lists(st.text(max_size=3), max_size=2).map(tuple),
)


@given(st.text(max_size=40))
def test_parse_only_ever_raises_filter_error(text: str) -> None:
    try:
        flt = parse_filter(text, FIELDS, aliases=ALIASES, me="alice")
    except FilterError:
        return
    assert isinstance(flt, Filter)
    flt(JOBS[0])
    flt.describe()


# A single free-text token: no whitespace, no quote, not itself negated, not a field.
WORD = st.text(min_size=1, max_size=12).filter(
    lambda s: not any(c.isspace() for c in s) and '"' not in s and not s.startswith("!") and ":" not in s
)


def _complement(positive: str, negative: str, rows: list[Job]) -> None:
    try:
        flt = parse_filter(positive, FIELDS)
    except FilterError:
        with pytest.raises(FilterError):
            parse_filter(negative, FIELDS)
        return
    inverse = parse_filter(negative, FIELDS)
    for row in rows:
        assert inverse(row) is (not flt(row))


@given(WORD, st.lists(ROWS, max_size=6))
def test_bang_word_is_the_complement(word: str, rows: list[Job]) -> None:
    _complement(word, "!" + word, rows + JOBS)


@given(st.lists(WORD, min_size=1, max_size=3).map(" ".join), st.lists(ROWS, max_size=6))
def test_lone_bang_is_the_complement_of_the_free_text(text: str, rows: list[Job]) -> None:
    _complement(text, "! " + text, rows + JOBS)


def test_a_pattern_python_warns_about_compiles_silently() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a FutureWarning would be printed over the dashboard
        flt = parse_filter("[[a]", {"text": lambda r: r})  # "possible nested set": re warns about it
    assert flt("[") and flt("a") and not flt("b")
