"""Configuration that does not break runs: `.env.example` copied to `.env` as the README says,
a `.env` with a byte-order mark, a `.env` that is not text, and a data folder that cannot be.

The command line runs as a real subprocess in a working folder of its own.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from app.core.config import ConfigError, Mode, Source, load_config, read_dotenv
from app.core.paths import AppPaths, DataFolderError

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def home_env(tmp_path: Path) -> dict[str, str]:
    """No ProductSnap variable set, and a home of its own (platform folders land in it)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("IMAGE_GENERATION", "NANO_BANANA", "PRODUCTSNAP", "XDG_"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_DATA_HOME=str(home / ".local" / "share"),
               XDG_STATE_HOME=str(home / ".local" / "state"), QT_QPA_PLATFORM="offscreen")
    return env


def run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=180)


def photo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (800, 600), (200, 90, 40)).save(path, "JPEG")
    return path


# .env.example, as it is shipped ---------------------------------------------------------------

def test_the_shipped_env_example_works_as_a_dotenv(home_env: dict[str, str],
                                                   tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(REPO / ".env.example", work / ".env")
    assert "NANO_BANANA_API_KEY=\n" in (work / ".env").read_text()  # the case at stake
    assert "PRODUCTSNAP_DATA_DIR=\n" in (work / ".env").read_text()

    listed = run(["jobs"], home_env, work)
    assert listed.returncode == 0, listed.stderr
    assert "configuration error" not in listed.stderr

    made = run(["generate", str(photo(work / "mug.jpg")), "--json"], home_env, work)
    assert made.returncode == 0, made.stderr
    (line,) = [json.loads(text) for text in made.stdout.splitlines()]
    assert line["status"] == "completed" and line["client_job_id"].startswith("mock_")
    # Empty values meant "not set": the platform's folders under this home were used.
    output = Path(line["output"])
    assert output.is_file() and output.is_relative_to(Path(home_env["HOME"]))
    assert list(Path(home_env["XDG_DATA_HOME"]).rglob("jobs.sqlite3"))

    config = load_config(env={}, cwd=work)
    assert config.mode is Mode.MOCK and config.source("mode") is Source.DOTENV
    assert config.api_key is None and config.source("api_key") is Source.DEFAULT
    assert config.data_dir is None and config.source("data_dir") is Source.DEFAULT
    assert config.source("output_dir") is Source.DEFAULT


def test_an_empty_value_lets_the_next_source_decide(tmp_path: Path) -> None:
    user_dotenv = tmp_path / "home" / ".config" / "ProductSnap" / ".env"
    user_dotenv.parent.mkdir(parents=True)
    user_dotenv.write_text("NANO_BANANA_MODEL=from-user-folder\nPRODUCTSNAP_RPM=12\n")
    (tmp_path / ".env").write_text("NANO_BANANA_MODEL=\nPRODUCTSNAP_RPM=   \n"
                                   "NANO_BANANA_API_KEY=''\n")
    env = {"PRODUCTSNAP_DATA_DIR": str(tmp_path / "d"), "NANO_BANANA_API_KEY": "",
           "PRODUCTSNAP_PARALLEL": " ", "IMAGE_GENERATION_MODE": ""}
    config = load_config(env=env, cwd=tmp_path)
    assert (config.model, config.source("model")) == ("from-user-folder", Source.DOTENV)
    assert config.rpm == 12 and config.parallel == 4 and config.api_key is None
    assert config.mode is Mode.MOCK  # an empty mode is the default, never live
    # A value that is there is still checked exactly.
    with pytest.raises(ConfigError, match="'mock' or 'live'"):
        load_config(env={**env, "IMAGE_GENERATION_MODE": "Live"}, cwd=tmp_path)


def test_an_empty_key_in_the_environment_runs_mock_mode(home_env: dict[str, str],
                                                       tmp_path: Path) -> None:
    env = {**home_env, "NANO_BANANA_API_KEY": "", "PRODUCTSNAP_DATA_DIR": "",
           "PRODUCTSNAP_OUTPUT_DIR": str(tmp_path / "out")}
    made = run(["generate", str(photo(tmp_path / "a.jpg"))], env, tmp_path)
    assert made.returncode == 0, made.stderr
    (result,) = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert result.name.startswith("a_studio_white") and result.suffix == ".png"


# Encodings ------------------------------------------------------------------------------------

def test_a_dotenv_with_a_byte_order_mark_is_read(home_env: dict[str, str],
                                                 tmp_path: Path) -> None:
    data = tmp_path / "state"
    (tmp_path / ".env").write_bytes(
        b"\xef\xbb\xbfPRODUCTSNAP_DATA_DIR=" + str(data).encode() + b"\r\n"
        b"NANO_BANANA_MODEL=gemini-3-pro-image\r\n")
    assert read_dotenv(tmp_path / ".env") == {"PRODUCTSNAP_DATA_DIR": str(data),
                                              "NANO_BANANA_MODEL": "gemini-3-pro-image"}
    listed = run(["jobs"], home_env, tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert (data / "jobs.sqlite3").is_file()  # the first line, behind the mark, was read


@pytest.mark.parametrize("content", [
    pytest.param(b"IMAGE_GENERATION_MODE=mock\n\xff\xfe\x00\x00junk\x89PNG\r\n", id="binary"),
    pytest.param("IMAGE_GENERATION_MODE=live\n".encode("utf-16"), id="utf-16"),
    pytest.param(b"IMAGE_GENERATION_MODE=mock\nNANO_BANANA_MODEL=a\x00b\n", id="nul-bytes"),
    pytest.param(b"NANO_BANANA_MODEL=caf\xe9\n", id="latin-1"),
])
def test_a_dotenv_that_is_not_text_is_refused_naming_the_file(
        home_env: dict[str, str], tmp_path: Path, content: bytes) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_bytes(content)
    with pytest.raises(ConfigError, match="not a text file"):
        load_config(env={}, cwd=tmp_path)
    for args in (["jobs"], ["generate", str(photo(tmp_path / "in" / "a.jpg"))]):
        result = run(args, home_env, tmp_path)
        assert result.returncode == 2, result.stderr
        assert str(dotenv) in result.stderr and "not a text file" in result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
    assert not list(Path(home_env["HOME"]).rglob("jobs.sqlite3"))  # nothing ran


# The data folder ------------------------------------------------------------------------------

def _unusable_data_dirs(tmp_path: Path) -> dict[str, Path]:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    return {"is-a-file": a_file, "under-a-file": a_file / "data"}


@pytest.mark.parametrize("case", ["is-a-file", "under-a-file"])
def test_a_data_folder_that_cannot_be_is_a_plain_error(
        home_env: dict[str, str], tmp_path: Path, case: str) -> None:
    data = _unusable_data_dirs(tmp_path)[case]
    env = {**home_env, "PRODUCTSNAP_DATA_DIR": str(data),
           "PRODUCTSNAP_OUTPUT_DIR": str(tmp_path / "out")}
    with pytest.raises(DataFolderError, match="PRODUCTSNAP_DATA_DIR"):
        load_config(env=env, cwd=tmp_path)
    for args in (["jobs"], ["jobs", "--json"], ["generate", str(photo(tmp_path / "a.jpg"))],
                 ["resume"], ["key", "status"]):
        result = run(args, env, tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert "configuration error" in result.stderr and "PRODUCTSNAP_DATA_DIR" in result.stderr
        assert str(data) in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()  # nothing was made


def test_a_data_folder_set_in_a_dotenv_is_checked_too(home_env: dict[str, str],
                                                     tmp_path: Path) -> None:
    data = _unusable_data_dirs(tmp_path)["is-a-file"]
    (tmp_path / ".env").write_text(f"PRODUCTSNAP_DATA_DIR={data}\n")
    result = run(["jobs"], home_env, tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "is a file, not a folder" in result.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root may write anywhere")
def test_a_data_folder_without_permission_is_a_plain_error(home_env: dict[str, str],
                                                           tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        env = {**home_env, "PRODUCTSNAP_DATA_DIR": str(locked / "data")}
        result = run(["jobs"], env, tmp_path)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "not writable" in result.stderr and "PRODUCTSNAP_DATA_DIR" in result.stderr
    finally:
        locked.chmod(stat.S_IRWXU)


def test_ensure_says_plainly_what_is_in_the_way(tmp_path: Path) -> None:
    paths = AppPaths.resolve(tmp_path / "data")
    paths.check().ensure()
    assert paths.uploads.is_dir() and paths.spool.is_dir()
    # A folder of the app's replaced by a file after the start: a plain error, not OSError.
    shutil.rmtree(paths.thumbnails)
    paths.thumbnails.write_text("in the way")
    with pytest.raises(DataFolderError) as caught:
        paths.ensure()
    assert isinstance(caught.value, ConfigError)
    assert str(paths.thumbnails) in str(caught.value) and "PRODUCTSNAP_DATA_DIR" in str(
        caught.value)
    # The platform's folders (no variable set) name what to do instead.
    default = AppPaths(data=tmp_path / "f", config=tmp_path / "f", logs=tmp_path / "f" / "l",
                       default_output=tmp_path / "o")
    (tmp_path / "f").write_text("x")
    with pytest.raises(DataFolderError, match="set PRODUCTSNAP_DATA_DIR"):
        default.check()
