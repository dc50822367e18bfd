"""Configuration: the exact mode contract, precedence of sources, and logged mode switches."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import get_type_hints

import pytest

from app.core.config import (
    DEFAULT_API_URL,
    DEFAULT_MODEL,
    FIELDS_BY_NAME,
    Config,
    ConfigError,
    Mode,
    Source,
    Value,
    load_config,
    save_settings,
)


def test_defaults_are_mock_and_the_documented_endpoint(tmp_path: Path) -> None:
    config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(tmp_path / "d")}, cwd=tmp_path)
    assert config.mode is Mode.MOCK
    assert config.source("mode") is Source.DEFAULT
    assert config.api_url == DEFAULT_API_URL == "https://generativelanguage.googleapis.com/v1beta"
    assert config.model == DEFAULT_MODEL == "automatic" and config.image_size == "1K"
    assert config.parallel == 4 and config.rpm == 60
    assert config.api_key is None


# An empty value means "not set" (as in .env.example): the default, mock. Never live.
@pytest.mark.parametrize("value", ["Mock", "LIVE", "live ", "mocked", "1", "true", "-"])
def test_any_mode_but_exactly_mock_or_live_is_an_error(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(env={"IMAGE_GENERATION_MODE": value}, cwd=tmp_path)
    assert "IMAGE_GENERATION_MODE" in str(error.value)
    assert "'mock' or 'live'" in str(error.value)


def test_environment_beats_dotenv_beats_settings_beats_default(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (tmp_path / ".env").write_text(
        f"# comment\nexport NANO_BANANA_MODEL=from-dotenv\nPRODUCTSNAP_DATA_DIR={data}\n"
        "NANO_BANANA_API_URL='https://dotenv.example/v1beta'\n")
    data.mkdir()
    (data / "settings.json").write_text(json.dumps(
        {"model": "from-settings", "rpm": 30, "api_url": "https://settings.example"}))
    env = {"NANO_BANANA_API_URL": "https://env.example/v1beta/"}

    config = load_config(env=env, cwd=tmp_path)

    assert (config.api_url, config.source("api_url")) == (
        "https://env.example/v1beta", Source.ENVIRONMENT)
    assert (config.model, config.source("model")) == ("from-dotenv", Source.DOTENV)
    assert (config.rpm, config.source("rpm")) == (30, Source.SETTINGS)
    assert (config.parallel, config.source("parallel")) == (4, Source.DEFAULT)
    assert config.paths.data == data.resolve()
    assert config.locked_reason("api_url") == (
        "Set by the environment variable NANO_BANANA_API_URL.")
    assert "NANO_BANANA_MODEL" in (config.locked_reason("model") or "")
    assert config.locked_reason("rpm") is None


def test_dotenv_in_the_user_config_folder_is_read_after_the_working_folder(
        tmp_path: Path) -> None:
    user_dotenv = tmp_path / "home" / ".config" / "ProductSnap" / ".env"
    user_dotenv.parent.mkdir(parents=True)
    user_dotenv.write_text("NANO_BANANA_MODEL=user-folder\nPRODUCTSNAP_RPM=12\n")
    (tmp_path / ".env").write_text("NANO_BANANA_MODEL=working-folder\n")
    config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(tmp_path / "d")}, cwd=tmp_path)
    assert config.model == "working-folder"
    assert config.rpm == 12 and config.source("rpm") is Source.DOTENV


def test_bad_numbers_are_errors_that_name_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="PRODUCTSNAP_PARALLEL"):
        load_config(env={"PRODUCTSNAP_PARALLEL": "0"}, cwd=tmp_path)
    with pytest.raises(ConfigError, match="PRODUCTSNAP_RPM"):
        load_config(env={"PRODUCTSNAP_RPM": "lots"}, cwd=tmp_path)


def test_a_damaged_settings_file_falls_back_to_defaults(tmp_path: Path) -> None:
    data = tmp_path / "d"
    data.mkdir()
    (data / "settings.json").write_text("{not json")
    config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(data)}, cwd=tmp_path)
    assert config.mode is Mode.MOCK
    assert (data / "settings.damaged.json").exists()


def test_saving_switches_mode_logs_it_and_never_writes_the_key(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    env = {"PRODUCTSNAP_DATA_DIR": str(tmp_path / "d"), "NANO_BANANA_API_KEY": "secret-key-123"}
    config = load_config(env=env, cwd=tmp_path)
    with caplog.at_level(logging.INFO, logger="app.core.config"):
        new = save_settings(config, {"mode": "live", "rpm": "20"}, changed_by="settings dialog")
    assert new.mode is Mode.LIVE and new.rpm == 20
    assert "Image generation mode changed from mock to live by settings dialog" in caplog.text
    saved = (tmp_path / "d" / "settings.json").read_text()
    assert json.loads(saved) == {"mode": "live", "rpm": 20}
    assert "secret-key-123" not in saved
    assert load_config(env=env, cwd=tmp_path).mode is Mode.LIVE

    with pytest.raises(ConfigError):
        save_settings(new, {"api_key": "x"}, changed_by="test")


def test_a_value_locked_by_the_environment_cannot_be_saved(tmp_path: Path) -> None:
    env = {"PRODUCTSNAP_DATA_DIR": str(tmp_path / "d"), "IMAGE_GENERATION_MODE": "mock"}
    config = load_config(env=env, cwd=tmp_path)
    with pytest.raises(ConfigError, match="IMAGE_GENERATION_MODE"):
        save_settings(config, {"mode": "live"}, changed_by="test")


def test_command_line_overrides_are_validated(tmp_path: Path) -> None:
    config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(tmp_path / "d")}, cwd=tmp_path)
    changed = config.with_overrides(parallel=2, rpm=None, output_dir=str(tmp_path / "o"))
    assert changed.parallel == 2 and changed.rpm == 60
    assert changed.output_dir == tmp_path / "o"
    assert changed.source("parallel") is Source.COMMAND_LINE
    with pytest.raises(ConfigError, match="--parallel"):
        config.with_overrides(parallel=0)


# The type each setting has once loaded; a new field in FIELDS must be added here too.
EXPECTED_TYPES: dict[str, type | tuple[type, ...]] = {
    "mode": Mode,
    "api_url": str,
    "model": str,
    "image_size": str,
    "api_key": (str, type(None)),
    "data_dir": (str, type(None)),
    "parallel": int,
    "rpm": int,
    "output_dir": Path,
    "filename_pattern": str,
    "default_style": str,
    "start_on_drop": bool,
    "notifications": bool,
    "ask_above_usd": float,
    "monthly_budget_usd": (float, type(None)),
    "request_deadline_s": float,
    "backdrop_colour": str,
}


def test_every_field_has_a_typed_property_returning_the_parsed_value(tmp_path: Path) -> None:
    assert set(EXPECTED_TYPES) == set(FIELDS_BY_NAME)
    config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(tmp_path / "d")}, cwd=tmp_path)
    hints = {name: get_type_hints(getattr(Config, name).fget)["return"]
             for name in FIELDS_BY_NAME if isinstance(getattr(Config, name, None), property)}
    assert set(hints) == set(FIELDS_BY_NAME), "every field needs a property on Config"
    for name in FIELDS_BY_NAME:
        value = getattr(config, name)
        assert value is config.value(name) is config.values[name].value
        assert isinstance(value, EXPECTED_TYPES[name]), name
        assert isinstance(value, hints[name]), name  # the annotation admits what is returned
    assert config.data_dir == str(tmp_path / "d") and config.api_key is None
    assert config.output_dir == config.paths.default_output
    assert config.start_on_drop is True and config.notifications is True
    assert config.filename_pattern == "{name}_{style}" and config.default_style == "studio_white"


def test_a_value_of_the_wrong_type_is_a_clear_error(mock_config: Config) -> None:
    def with_value(name: str, value: object) -> Config:
        values = dict(mock_config.values)
        values[name] = Value(value, Source.SETTINGS)
        return Config(values=values, paths=mock_config.paths, settings=mock_config.settings)

    for name, wrong in [("parallel", "4"), ("parallel", True), ("mode", "live"),
                        ("output_dir", "/tmp/out"), ("start_on_drop", 1), ("api_key", 123)]:
        with pytest.raises(TypeError, match=name):
            getattr(with_value(name, wrong), name)
    with pytest.raises(KeyError):
        mock_config.value("no_such_setting")
    unknown = "no_such_setting"
    with pytest.raises(AttributeError):
        getattr(mock_config, unknown)  # no __getattr__ fallback any more
