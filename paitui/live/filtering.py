"""The `/` filter grammar shared by every list screen (k9s-style), without Textual.

    status:Running,Failed  !owner:me  llama 7b  !eval

* whitespace separates tokens; double quotes group words (`name:"my job"`, `"two words"`);
* `field:value` — case-insensitive exact match on a field; `a,b` alternatives; `*` wildcard;
  `owner:me` resolves to the current user;
* other tokens are free text, joined with single spaces and matched as one case-insensitive
  regex against the `text` field (a plain substring is a valid regex; `/…/` around it is allowed,
  as the hint writes it; a field of several texts matches if one does, so `^` and `$` anchor to each);
* `!` before any token inverts it; a lone `!` as the first token inverts the whole free-text match;
* all tokens AND together; empty text matches everything.

Parsing compiles everything up front so that `Filter.__call__` is a short loop of precompiled
predicates: the table calls it for 10,000 rows on each keystroke.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FieldGetter", "Filter", "FilterError", "parse_filter", "tokenize"]

FieldGetter = Callable[[Any], "str | Iterable[str]"]
Predicate = Callable[[Any], bool]

TEXT_FIELD = "text"
_FIELD_TOKEN = re.compile(r"([A-Za-z_][\w.-]*):(.*)", re.DOTALL)


class FilterError(ValueError):
    """A filter the user typed cannot be used; `str(error)` is a message fit for the UI."""


@dataclass(frozen=True)
class Token:
    text: str
    quoted: bool = False  # a token that started with a quote is always free text
    negated: bool = False


def tokenize(text: str) -> list[Token]:
    """Split on whitespace, honouring double quotes anywhere in a token.

    Lenient on purpose: the filter is re-parsed on every keystroke, so an unterminated quote
    simply runs to the end of the text instead of being an error.
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = False
        if text[i] == "!" and i + 1 < n and not text[i + 1].isspace():
            negated, i = True, i + 1
        quoted = text[i] == '"'
        buf: list[str] = []
        in_quote = False
        while i < n and (in_quote or not text[i].isspace()):
            ch = text[i]
            if ch == '"':
                in_quote = not in_quote
            else:
                buf.append(ch)
            i += 1
        tokens.append(Token("".join(buf), quoted=quoted, negated=negated))
    return tokens


def _as_strings(value: str | Iterable[str] | None) -> Iterable[str]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return value


def _compile(pattern: str, what: str = "regex") -> re.Pattern[str]:
    try:
        # what is typed compiles as is: `re`'s FutureWarning about "[[" would be printed over the screen
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise FilterError(f"invalid {what}: {error}") from None
    except (OverflowError, RecursionError, ValueError) as error:  # e.g. a{99999999999}
        raise FilterError(f"invalid {what}: {error}") from None


def _field_matcher(getter: FieldGetter, alternatives: list[str]) -> Predicate:
    """Case-insensitive exact match against any alternative; `*` is a wildcard."""
    exact = {alt.casefold() for alt in alternatives if "*" not in alt}
    globs = [alt for alt in alternatives if "*" in alt]
    pattern = None
    if globs:
        # Why fullmatch on an escaped glob: values are literals except for `*`.
        pattern = _compile("|".join(".*".join(map(re.escape, g.split("*"))) for g in globs), "pattern")
    fullmatch = pattern.fullmatch if pattern is not None else None

    def match(row: Any) -> bool:
        for value in _as_strings(getter(row)):
            if value.casefold() in exact or (fullmatch is not None and fullmatch(value)):
                return True
        return False

    return match


def _regex_matcher(getter: FieldGetter, pattern: re.Pattern[str]) -> Predicate:
    search = pattern.search

    def match(row: Any) -> bool:
        return any(search(value) for value in _as_strings(getter(row)))

    return match


def _negate(predicate: Predicate) -> Predicate:
    return lambda row: not predicate(row)


def _all_fields_text(fields: Mapping[str, FieldGetter]) -> FieldGetter:
    getters = list(fields.values())
    return lambda row: " ".join(v for g in getters for v in _as_strings(g(row)))


@dataclass(frozen=True)
class Filter:
    """A parsed filter: call it with a row. `text` is what the user typed."""

    text: str = ""
    predicates: tuple[Predicate, ...] = ()
    descriptions: tuple[str, ...] = field(default=())

    def __call__(self, row: Any) -> bool:
        # An explicit loop, not all(<genexpr>): this runs for every row on every keystroke.
        for predicate in self.predicates:  # noqa: SIM110
            if not predicate(row):
                return False
        return True

    @property
    def is_empty(self) -> bool:
        return not self.predicates

    def describe(self) -> str:
        """A one-line human summary, e.g. `status is Running or Failed · name ~ /llama/`."""
        return " · ".join(self.descriptions) if self.descriptions else "all"


def _describe_field(name: str, alternatives: list[str], negated: bool, is_me: bool) -> str:
    if is_me:
        return "not owned by you" if negated else "owned by you"
    verb = "matches" if any("*" in a for a in alternatives) else "is"
    if len(alternatives) == 1:
        return f"{name} {verb} {'not ' if negated else ''}{alternatives[0]}"
    if negated:
        return f"{name} is none of {', '.join(alternatives)}"
    return f"{name} {verb} {' or '.join(alternatives)}"


def parse_filter(
    text: str,
    fields: Mapping[str, FieldGetter],
    *,
    aliases: Mapping[str, str] | None = None,
    me: str | None = None,
    me_fields: Collection[str] = ("owner",),
    text_label: str = "name",
) -> Filter:
    """Parse `text` into a `Filter`; raise `FilterError` with a UI-ready message if it is unusable.

    `fields` maps a field name to a getter returning a string or several strings; the `text` field
    (if present) is what free text searches, otherwise all fields joined. `aliases` maps extra
    names to field names (`s` → `status`). `me` is the value `owner:me` stands for, applied to the
    fields named in `me_fields`. `text_label` names the free-text target in `describe()`.
    """
    aliases = aliases or {}
    lookup = {name.casefold(): name for name in fields}
    lookup.update({alias.casefold(): target for alias, target in aliases.items() if target in fields})
    text_getter = fields.get(TEXT_FIELD) or _all_fields_text(fields)

    tokens = tokenize(text)
    invert_free = False
    if tokens and tokens[0].text == "!" and not tokens[0].negated and not tokens[0].quoted:
        invert_free = True  # k9s: a lone leading `!` inverts the whole free-text search
        tokens = tokens[1:]

    predicates: list[Predicate] = []
    descriptions: list[str] = []
    free_words: list[str] = []
    for token in tokens:
        match = None if token.quoted else _FIELD_TOKEN.fullmatch(token.text)
        if match is None:
            if token.negated:
                pattern = _compile(token.text)
                predicates.append(_negate(_regex_matcher(text_getter, pattern)))
                descriptions.append(f"{text_label} !~ /{token.text}/")
            elif token.text:
                free_words.append(token.text)
            continue
        raw_name, value = match.groups()
        name = lookup.get(raw_name.casefold())
        if name is None:
            known = ", ".join(f for f in fields if f != TEXT_FIELD)
            raise FilterError(f"unknown field {raw_name!r}; fields: {known}")
        alternatives = [alt.strip() for alt in value.split(",") if alt.strip()]
        if not alternatives:
            raise FilterError(f"missing value after '{raw_name}:'")
        is_me = False
        if name in me_fields and any(alt.casefold() == "me" for alt in alternatives):
            if me is None:
                raise FilterError(f"'{raw_name}:me' needs a signed-in user, and none is known")
            is_me = len(alternatives) == 1
            alternatives = [me if alt.casefold() == "me" else alt for alt in alternatives]
        if name == TEXT_FIELD:
            predicate = _regex_matcher(text_getter, _compile("|".join(alternatives)))
        else:
            predicate = _field_matcher(fields[name], alternatives)
        predicates.append(_negate(predicate) if token.negated else predicate)
        descriptions.append(_describe_field(name, alternatives, token.negated, is_me))

    if free_words:
        joined = " ".join(free_words)
        if len(joined) > 2 and joined.startswith("/") and joined.endswith("/"):
            joined = joined[1:-1]  # /regex/: the slashes delimit, they are not part of the pattern
        predicate = _regex_matcher(text_getter, _compile(joined))
        predicates.append(_negate(predicate) if invert_free else predicate)
        descriptions.append(f"{text_label} {'!~' if invert_free else '~'} /{joined}/")
    return Filter(text=text, predicates=tuple(predicates), descriptions=tuple(descriptions))


MATCH_ALL = Filter()
