"""Bad input at the command line: every entry point (dashboard, ``call``, headless, ``sim serve``) answers a
bad config file, flag, region or credentials profile with one line naming the culprit and exit 2 — never a
traceback, and never a quiet fall-back to the simulated cloud's demo key.

The dashboard refuses a config file it cannot read or parse before it takes the terminal; what only
validation or the credentials find (a bad value, an unknown key, a region) is found after its first frame
(``DeferredStart``, issue 13): it leaves with the same one line and status 2. Here it runs headless."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from paitui import cli

ROOT = Path(__file__).resolve().parents[1]
CLEARED = ("ALIBABA_CLOUD_", "PAITUI_", "DASHSCOPE_API_KEY", "NO_COLOR")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HOME with XDG folders of its own and no credentials in the environment."""
    for name in list(os.environ):
        if name.startswith(CLEARED):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("TERM", "xterm-256color")
    (tmp_path / "config" / "paitui").mkdir(parents=True)
    return tmp_path


def config(home: Path, text: str | bytes) -> Path:
    path = home / "config" / "paitui" / "config.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def aliyun_config(home: Path, data: object) -> Path:
    path = home / ".aliyun" / "config.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    import paitui.sim.serve
    import paitui.ui.app

    def no_dashboard(*_: object, **__: object) -> None:
        raise AssertionError("the dashboard was started; bad input must stop before it")

    monkeypatch.setattr(paitui.sim.serve, "serve", no_dashboard)
    run_app = paitui.ui.app.PaiTuiApp.run

    def headless(app: paitui.ui.app.PaiTuiApp, **_: object) -> None:
        """The dashboard headless, leaving with status 99 if its backend opens (bad input must stop it)."""
        app.when_ready(lambda: app.exit(return_code=99))
        run_app(app, headless=True)

    monkeypatch.setattr(paitui.ui.app.PaiTuiApp, "run", headless)

    def go(*argv: str) -> tuple[int, str, str]:
        try:
            code = cli.main(list(argv))
        except SystemExit as exit_:  # argparse refusals
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return go


# every entry point that reads the settings, with arguments that would otherwise work offline
ENTRY_POINTS = {
    "call": ("call", "dlc", "ListJobs", "PageSize=1"),
    "headless": ("job", "stop", "dlc-nope", "--yes"),
    "dashboard": (),  # the app leaves before its backend opens
}


def one_line_error(err: str) -> str:
    """The whole of stderr: exactly one line and no traceback; returns its message."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    return json.loads(line)["Message"] if line.startswith("{") else line


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_endpoints_list_in_the_config_with_endpoint_flag(home: Path, run: Run, entry: str) -> None:
    path = config(home, 'endpoints = ["http://x"]\n')
    code, _, err = run("--endpoint", "dlc=http://127.0.0.1:1", *ENTRY_POINTS[entry])  # a TypeError before
    assert code == 2
    message = one_line_error(err)
    assert str(path) in message and "endpoints" in message and "must be a table" in message


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_region_that_cannot_be_a_host_name(home: Path, run: Run, entry: str) -> None:
    code, _, err = run("--region", "cn-hangzhou/../evil?x=", *ENTRY_POINTS[entry])  # a ValueError before
    assert code == 2
    message = one_line_error(err)
    assert "--region" in message and "does not look like an Alibaba Cloud region id" in message


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_an_unknown_region_suggests_the_closest(home: Path, run: Run, entry: str) -> None:
    code, _, err = run("--region", "cn-sh", *ENTRY_POINTS[entry])
    assert code == 2
    assert "Did you mean cn-shanghai, cn-shenzhen or cn-shanghai-finance-1?" in one_line_error(err)


def test_an_endpoint_for_every_product_accepts_any_region(home: Path, run: Run) -> None:
    # a dry run signs and prints the request without sending it: the region got through
    code, out, err = run("--region", "xx-lab-1", "--endpoint", "*=http://127.0.0.1:9", "job", "stop", "dlc1",
                         "--dry-run")
    assert code == 0 and "POST http://127.0.0.1:9/api/v1/jobs/dlc1/stop" in out, err
    code, _, err = run("--region", "xx-lab-1", "--endpoint", "dlc=http://127.0.0.1:9", "job", "stop", "dlc1",
                       "--dry-run")  # flow, workspace and plugin would still go to regional hosts
    assert code == 2 and "'xx-lab-1' is not a PAI region" in one_line_error(err)


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe\x00\x01binary", "is not UTF-8 text"),
        ("region = \n", "is not valid TOML"),
        ("regoin = 'cn-shanghai'\n", "unknown key regoin"),
        ("read_only = 'maybe'\n", "read_only"),
        ("[endpoints]\ndlc = 'ftp://x'\n", "must use http or https"),
        ("[endpoints]\ndlcc = 'http://x'\n", "Unknown product 'dlcc'"),
        ("sim = 3\n", "sim in the config file"),
        ("access_key_id = 'LTAI5tSomething1234'\n", "access_key_secret is not"),
    ],
    ids=["binary", "not-toml", "unknown-key", "wrong-type", "bad-url", "bad-product", "table-type", "half-pair"],
)
def test_a_bad_config_file_is_named(home: Path, run: Run, entry: str, content: str | bytes, expected: str) -> None:
    path = config(home, content)
    code, _, err = run(*ENTRY_POINTS[entry])
    assert code == 2
    message = one_line_error(err)
    assert str(path) in message and expected in message


def test_an_unknown_key_suggests_the_closest(home: Path, run: Run) -> None:
    config(home, "[sim]\nseeed = 3\n")
    code, _, err = run(*ENTRY_POINTS["call"])
    assert code == 2 and "unknown key sim.seeed" in err and "did you mean seed" in err


def test_a_bad_environment_variable_is_named(home: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAITUI_RATE_LIMIT", "fast")
    code, _, err = run(*ENTRY_POINTS["call"])
    assert code == 2 and "rate_limit (from PAITUI_RATE_LIMIT)" in one_line_error(err)


def test_a_bad_sim_faults_setting_is_named(home: Path, run: Run) -> None:
    config(home, "[sim]\nfaults = 'bogus=1'\n")
    code, _, err = run("--demo", *ENTRY_POINTS["call"])
    assert code == 2 and "[sim] faults: unknown fault 'bogus'" in one_line_error(err)


def test_missing_folder_and_unreadable_config_files(home: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run("--config", str(home / "nope.toml"), *ENTRY_POINTS["call"])
    assert code == 2 and f"{home / 'nope.toml'} (--config) does not exist" in one_line_error(err)
    code, _, err = run("--config", str(home), *ENTRY_POINTS["call"])
    assert code == 2 and "is a folder" in one_line_error(err)
    path = config(home, "region = 'cn-shanghai'\n")

    def refused(self: Path) -> bytes:  # chmod 000 does not stop root, so the OS answer is played here
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refused)
    code, _, err = run(*ENTRY_POINTS["call"])
    assert code == 2 and f"cannot read the config file {path}: Permission denied" in one_line_error(err)


def test_a_bad_endpoint_flag_is_a_usage_error(run: Run) -> None:
    code, _, err = run("--endpoint", "dlc=ftp://x", "call", "dlc", "ListJobs")
    assert code == 2 and "argument --endpoint" in err and "must use http or https" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("sim", "serve", "--port", "99999"), "argument --port: 99999 is out of range"),  # OverflowError before
        (("sim", "serve", "--jobs", "-3"), "argument --jobs: -3 is out of range"),
        (("sim", "serve", "--speed", "0"), "argument --speed: 0 is out of range"),
        (("sim", "serve", "--faults", "bogus=1"), "unknown fault 'bogus'"),
        (("serve", "--port", "x"), "argument --port: 'x' is not an integer"),
    ],
)
def test_sim_serve_flags(run: Run, argv: tuple[str, ...], expected: str) -> None:
    code, _, err = run(*argv)
    assert code == 2 and expected in err and "Traceback" not in err


# --- credentials ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_current_profile_that_does_not_exist_is_named(home: Path, run: Run, entry: str) -> None:
    path = aliyun_config(home, {"current": "prod", "profiles": [{"name": "dev", "mode": "AK",
                                                                  "access_key_id": "LTAI5tDevKey000001",
                                                                  "access_key_secret": "x" * 30}]})
    code, out, err = run(*ENTRY_POINTS[entry])  # before: the demo key signed, and the call "worked"
    assert code == 2 and out == ""
    message = one_line_error(err)
    assert str(path) in message and '"current": "prod"' in message and "profiles: dev" in message


def test_an_empty_aliyun_config_is_named(home: Path, run: Run) -> None:
    path = home / ".aliyun" / "config.json"
    path.parent.mkdir()
    path.write_text("", encoding="utf-8")
    code, _, err = run(*ENTRY_POINTS["call"])
    assert code == 2 and f"{path} is empty" in one_line_error(err)


def test_a_failing_external_profile_is_one_line_without_the_library_traceback(home: Path) -> None:
    """In a real process: the official library logs every failure with a traceback through a stderr handler
    it installs itself; that must not reach the terminal."""
    pytest.importorskip("alibabacloud_credentials")
    aliyun_config(home, {"current": "ext", "profiles": [{"name": "ext", "mode": "External",
                                                          "process_command": "false"}]})
    env = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED)}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-m", "paitui", "call", "dlc", "ListJobs"], env=env, cwd=home,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    message = one_line_error(done.stderr)
    assert 'aliyun CLI profile "ext" (External)' in message and "failed to execute external command" in message


# --- the terminal -----------------------------------------------------------------------------------------


def test_a_dumb_terminal_is_refused_by_the_dashboard_only(home: Path, run: Run,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "dumb")
    code, _, err = run()
    assert code == 2 and "TERM=dumb" in one_line_error(err) and "paitui call" in err
    code, out, _ = run("call", "dlc", "ListJobs", "PageSize=1")  # plain-text commands still work
    assert code == 0 and json.loads(out)["Jobs"]


def test_cli_output_carries_no_colour_codes(home: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = run("call", "dlc", "ListJobs", "PageSize=2")
    assert code == 0 and "\x1b" not in out
    code, _, err = run("--region", "cn-sh", "call", "dlc", "ListJobs")
    assert code == 2 and "\x1b" not in err
