"""``[prices]`` and the two request-cap settings: read from the file, the environment and the flags; a bad
value is one line naming the file (or variable) and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from paitui.api.pricing import PriceOverride, PriceTable
from paitui.cli import build_parser, settings_from_args
from paitui.config import ConfigError, load_settings


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_prices_are_read_and_keys_normalised(tmp_path: Path) -> None:
    path = config(tmp_path, '[prices]\n"PAIFlow.ListPipelineRuns" = 0.002\n'
                            '"pai-dlc.GetJob" = { per_call = 0.0001, free_per_month = 500 }\nGetJob = 0.0003\n')
    settings = load_settings(path=path, env={})
    assert settings.prices == {"flow.ListPipelineRuns": PriceOverride(0.002),
                               "dlc.GetJob": PriceOverride(0.0001, 500), "GetJob": PriceOverride(0.0003)}
    table = PriceTable(settings.prices)
    assert table.price("dlc", "GetJob").free_per_month == 500  # product.Operation wins over Operation


@pytest.mark.parametrize(("line", "words"), [
    ('"flow.ListPipelineRun" = 0.001', "'flow.ListPipelineRun': flow has no operation 'ListPipelineRun'; "
                                       "did you mean ListPipelineRuns?"),
    ('"nope.GetJob" = 0.001', "unknown product 'nope'"),
    ('"GetJobs" = 0.001', "'GetJobs': no product has an operation of that name"),
    ('"dlc.GetJob" = -1', "'dlc.GetJob': the price per call must be a number of 0 or more, not -1"),
    ('"dlc.GetJob" = "cheap"', "not 'cheap'"),
    ('"dlc.GetJob" = { per_call = 0.1, free = 3 }', "unknown field 'free'"),
    ('"dlc.GetJob" = { free_per_month = 1.5 }', "free_per_month must be a whole number"),
])
def test_a_bad_price_is_one_line_naming_the_file_and_key(tmp_path: Path, line: str, words: str) -> None:
    path = config(tmp_path, f"[prices]\n{line}\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path=path, env={})
    message = str(caught.value)
    assert "\n" not in message and f"prices (from the config file {path})" in message and words in message


def test_prices_must_be_a_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"prices in the config file .* must be a table"):
        load_settings(path=config(tmp_path, 'prices = 3\n'), env={})


def test_the_cap_and_budget_come_from_file_env_and_flags(tmp_path: Path) -> None:
    path = config(tmp_path, "max_requests_per_minute = 120\ndaily_request_budget = 10000\n")
    settings = load_settings(path=path, env={})
    assert (settings.max_requests_per_minute, settings.daily_request_budget) == (120, 10000)
    settings = load_settings(path=path, env={"PAITUI_DAILY_REQUEST_BUDGET": "500"})
    assert settings.daily_request_budget == 500
    args = build_parser().parse_args(["--config", str(path), "--max-requests-per-minute", "30",
                                      "--daily-request-budget", "7"])
    settings = settings_from_args(args)
    assert (settings.max_requests_per_minute, settings.daily_request_budget) == (30, 7)
    assert settings.origin("daily_request_budget") == "--daily-request-budget"


def test_a_bad_cap_names_where_it_came_from(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"daily_request_budget \(from PAITUI_DAILY_REQUEST_BUDGET\)"):
        load_settings(path=config(tmp_path, ""), env={"PAITUI_DAILY_REQUEST_BUDGET": "lots"})
    with pytest.raises(ConfigError, match=r"max_requests_per_minute \(from the config file .*\): .*greater than 0"):
        load_settings(path=config(tmp_path, "max_requests_per_minute = 0\n"), env={})
