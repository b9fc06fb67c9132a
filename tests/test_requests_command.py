"""``paitui requests``: what earlier commands sent (they persist their counts at exit) per operation, with the
seeds' prices; JSON with ``-o json``; no Textual, no request sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def paitui(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PAITUI_STATE_DIR": str(tmp_path / "state"),
           "PAITUI_CONFIG_DIR": str(tmp_path / "config")}
    return subprocess.run([sys.executable, "-m", "paitui", *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)


def test_calls_are_counted_across_processes_and_priced(tmp_path: Path) -> None:
    assert paitui(tmp_path, "call", "flow", "ListPipelineRuns", "WorkspaceId=264901").returncode == 0
    assert paitui(tmp_path, "call", "flow", "ListPipelineRuns", "WorkspaceId=264901").returncode == 0
    assert paitui(tmp_path, "call", "dlc", "GetJob", "JobId=dlc-none").returncode == 1  # failed: billed too
    shown = paitui(tmp_path, "requests", "-o", "json")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    ops = {(o["product"], o["operation"]): o for o in report["operations"]}
    runs = ops["flow", "ListPipelineRuns"]
    assert (runs["today"], runs["month"], runs["free_left"], runs["price_per_call"]) == (2, 2, 998, 0.001)
    assert runs["cost_today"] == 0  # within the free calls
    job = ops["dlc", "GetJob"]
    assert (job["today"], job["failed_today"], job["price_per_call"], job["cost_today"]) == (1, 1, None, None)
    assert report["billing_timezone"] == "UTC+8"
    table = paitui(tmp_path, "requests")
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["OPERATION", "TODAY", "MONTH", "FAILED", "TODAY", "FREE", "LEFT", "COST", "TODAY",
                                "COST", "MONTH"]
    assert any(line.startswith("flow.ListPipelineRuns") and line.split()[1:3] == ["2", "2"] for line in lines)
    assert any(line.startswith("dlc.GetJob") and line.split()[-2:] == ["—", "—"] for line in lines)


def test_prices_from_the_config_are_used(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text('[prices]\n"dlc.GetJob" = 0.5\n')
    paitui(tmp_path, "call", "dlc", "GetJob", "JobId=dlc-none")
    report = json.loads(paitui(tmp_path, "requests", "-o", "json").stdout)
    (job,) = [o for o in report["operations"] if o["operation"] == "GetJob"]
    assert (job["price_per_call"], job["cost_today"], job["price_source"]) == (0.5, 0.5, "the config file's [prices]")


def test_a_bad_price_stops_the_command_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text('[prices]\n"dlc.GetJob" = "free"\n')
    shown = paitui(tmp_path, "requests")
    assert shown.returncode == 2 and len(shown.stderr.strip().splitlines()) == 1 and "prices" in shown.stderr


def test_the_command_imports_no_textual_and_sends_nothing(tmp_path: Path) -> None:
    code = ("import sys, io; from paitui import cli; rc = cli.main(['requests']); "
            "print(rc, 'textual' in sys.modules, 'httpx' in sys.modules and 'paitui.api.client' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PAITUI_STATE_DIR": str(tmp_path / "state"),
           "PAITUI_CONFIG_DIR": str(tmp_path / "config")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60,
                         check=True).stdout.splitlines()
    assert out[-1] == "0 False False"
    assert "no requests counted this month" in out[-2]
