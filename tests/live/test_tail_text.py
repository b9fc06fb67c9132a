"""The text rules and the spool the log view relies on: levels (tracebacks inherit), patterns (invalid regex,
inverted filters), JSON payloads, timestamps, and the on-disk history (save, search, reset)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paitui.live.logsearch import (
    ERROR,
    PLAIN,
    WARNING,
    Pattern,
    PatternError,
    classify,
    has_ts,
    json_payload,
    levels_of,
    sec_key,
    strip_ts,
)
from paitui.live.spool import LogSpool

TS = "2026-03-02T08:01:02.345Z "


def test_levels_and_traceback_continuation() -> None:
    lines = [TS + "[rank0] step 10 loss=1.0", TS + "Traceback (most recent call last):",
             TS + '  File "train.py", line 3, in <module>', TS + "    main()",
             TS + "FileNotFoundError: [Errno 2] No such file", TS + "[rank0] WARNING: gradient overflow",
             TS + "  warnings.warn(", TS + "[entrypoint] user process exited with code 0"]
    assert list(levels_of(lines)) == [PLAIN, ERROR, ERROR, ERROR, ERROR, WARNING, WARNING, PLAIN]
    assert classify("ERROR Task failed: boom") == ERROR
    assert classify("WARN  Received SIGTERM") == WARNING
    assert classify("[entrypoint] user process exited with code 1") == ERROR


def test_patterns() -> None:
    assert Pattern.compile("a.b").matches("xa.by") and not Pattern.compile("a.b").matches("axb")
    assert Pattern.compile("a.b", regex=True).matches("axb")
    assert not Pattern.compile("LOSS", case=True).matches("loss")
    inverted = Pattern.parse_filter("!INFO")
    assert inverted.invert and inverted.matches("ERROR x") and not inverted.matches("INFO y")
    assert Pattern.parse_filter(r"\!bang").matches("a !bang")
    with pytest.raises(PatternError, match="invalid regex"):
        Pattern.compile("(oops", regex=True)
    assert Pattern.compile("o").spans("foo") == [(1, 2), (2, 3)]


def test_timestamps_and_json() -> None:
    line = TS + '{"a": 1}'
    assert has_ts(line) and sec_key(line) == "2026-03-02T08:01:02" and strip_ts(line) == '{"a": 1}'
    assert not has_ts("[rank0] x") and sec_key("x") is None and strip_ts("x") == "x"
    assert json_payload(TS + '[rank0] metrics {"auc": 0.9, "f1": [1, 2]} done') == {"auc": 0.9, "f1": [1, 2]}
    assert json_payload(TS + "[rank0] no json here {oops}") is None


def test_spool_search_reset(tmp_path: Path) -> None:
    with LogSpool(str(tmp_path)) as spool:
        spool.append([f"{TS}line {i}" for i in range(1000)])
        spool.append(["embedded\nnewline"])
        assert spool.count == 1001
        hits = list(spool.search(Pattern.compile("line 99")))
        assert [n for n, _ in hits] == [100, 991, 992, 993, 994, 995, 996, 997, 998, 999, 1000]
        held = list(spool.lines())
        assert held[-1] == "embedded\\nnewline" and len(held) == 1001
        spool.reset()
        assert spool.count == 0 and list(spool.lines()) == []
        path = spool.path
    assert not path.exists()
