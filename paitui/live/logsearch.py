"""Log-line text rules shared by the tailers and the log view: timestamps, levels, find/filter patterns.

Everything here is a pure function over ``str`` and cheap enough to run per line in a million-line stream:
PAI lines start with a fixed-width ISO-8601 UTC timestamp (``2026-03-02T08:01:02.345Z ``), so times are
compared as strings (lexicographic order = time order) and never parsed per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

TS_LEN = 24  # len("2026-03-02T08:01:02.345Z")
SEC_LEN = 19  # len("2026-03-02T08:01:02"): the wire's StartTime precision

Level = Literal[0, 1, 2]  # 0 plain, 1 warning, 2 error
PLAIN: Final = 0
WARNING: Final = 1
ERROR: Final = 2


def has_ts(line: str) -> bool:
    """True when ``line`` starts with a ``YYYY-MM-DDTHH:MM:SS…Z`` timestamp (checked by shape, not parsed)."""
    return len(line) >= SEC_LEN and line[4] == "-" and line[10] == "T" and line[13] == ":" and line[16] == ":"


def ts_end(line: str) -> int:
    """Index where the text after the timestamp (and its space) starts; 0 when there is no timestamp."""
    if not has_ts(line):
        return 0
    z = line.find("Z", SEC_LEN, SEC_LEN + 12)
    if z < 0:
        return 0
    return z + 2 if len(line) > z + 1 and line[z + 1] == " " else z + 1


def sec_key(line: str) -> str | None:
    """``YYYY-MM-DDTHH:MM:SS`` of a timestamped line (the second it falls in), else None."""
    return line[:SEC_LEN] if has_ts(line) else None


def sec_to_datetime(sec: str) -> datetime:
    return datetime.strptime(sec, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


def datetime_to_sec(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def strip_ts(line: str) -> str:
    cut = ts_end(line)
    return line[cut:] if cut else line


# --- levels -------------------------------------------------------------------------------------------

_ERROR = re.compile(
    r"\b(?:ERROR|FATAL|CRITICAL|Traceback \(most recent call last\)|\w*(?:Error|Exception)(?::|$)|"
    r"exited with code [1-9])|\[E ")
_WARNING = re.compile(r"\b(?:WARN(?:ING)?|Warning:|UserWarning|DeprecationWarning)\b")


def classify(text: str) -> Level:
    """Level of one line's text (timestamp included or not)."""
    if _ERROR.search(text):
        return ERROR
    if _WARNING.search(text):
        return WARNING
    return PLAIN


def is_continuation(text: str) -> bool:
    """An indented line continues the one before it (traceback frames, wrapped warnings)."""
    return text[:1] in (" ", "\t")


def levels_of(lines: list[str], previous: Level = PLAIN) -> bytearray:
    """Level of each line; an indented line inherits the level of the line it continues, so a whole
    traceback is an error and ``warnings.warn(`` under a UserWarning is a warning."""
    out = bytearray(len(lines))
    last: Level = previous
    for i, line in enumerate(lines):
        text = strip_ts(line)
        level = classify(text)
        if level == PLAIN and is_continuation(text):
            level = last
        out[i] = level
        last = level
    return out


# --- find / filter patterns ---------------------------------------------------------------------------

class PatternError(ValueError):
    """The user's pattern does not compile; ``str()`` says why."""


@dataclass(frozen=True, slots=True)
class Pattern:
    """What the user typed into find or filter, compiled once."""

    text: str
    regex: bool = False
    case: bool = False  # case-sensitive
    invert: bool = False  # filter only: keep the lines that do *not* match
    compiled: re.Pattern[str] = re.compile("")

    @classmethod
    def compile(cls, text: str, *, regex: bool = False, case: bool = False, invert: bool = False) -> Pattern:
        source = text if regex else re.escape(text)
        try:
            compiled = re.compile(source, 0 if case else re.IGNORECASE)
        except re.error as exc:
            raise PatternError(f"invalid regex {text!r}: {exc}") from None
        return cls(text, regex, case, invert, compiled)

    @classmethod
    def parse_filter(cls, text: str, *, regex: bool = False, case: bool = False) -> Pattern:
        """A filter: a leading ``!`` inverts it (k9s); ``\\!`` is a literal ``!``."""
        invert = text.startswith("!")
        if invert or text.startswith("\\!"):
            text = text[1:]
        return cls.compile(text, regex=regex, case=case, invert=invert)

    def matches(self, line: str) -> bool:
        return (self.compiled.search(line) is not None) != self.invert

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Every non-empty match in ``text`` (for highlighting)."""
        return [m.span() for m in self.compiled.finditer(text) if m.end() > m.start()]

    def describe(self) -> str:
        flags = "".join(f for f, on in (("re", self.regex), ("Aa", self.case)) if on)
        return f"{'!' if self.invert else ''}{self.text}" + (f" [{flags}]" if flags else "")


def json_payload(text: str) -> object | None:
    """The JSON object or array a line carries (after any timestamp/prefix), or None."""
    import json

    for opener in ("{", "["):
        at = text.find(opener)
        while at >= 0:
            try:
                value, _ = json.JSONDecoder().raw_decode(text, at)
            except ValueError:
                at = text.find(opener, at + 1)
                continue
            if isinstance(value, dict | list) and value:
                return value
            at = text.find(opener, at + 1)
    return None


def utc_stamp(moment: datetime) -> str:
    """A compact UTC stamp for file names: ``20260302T080102Z``."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
