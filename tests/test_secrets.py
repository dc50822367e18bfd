"""The API key: where it is read from, kept in the keyring, and `productsnap key ...`."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from app.cli.key_command import run_key_command
from app.core import secrets
from app.core.config import Config, load_config
from app.core.logging_setup import redact
from tests.fakes import MemoryKeyring
from tests.gemini_standin import API_KEY, GeminiStandIn

KEY = "AIza" "SyTestKeyForProductSnap-0123456789abcdefg"


class PlaintextFileKeyring(MemoryKeyring):
    """Stands for keyrings.alt's plaintext backend: it would write the key to a file."""

    priority = 0.5  # type: ignore[assignment]


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("Failed to unlock the collection!")


@pytest.fixture
def use_keyring() -> Iterator:
    previous = keyring.get_keyring()

    def install(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield install
    keyring.set_keyring(previous)


@pytest.fixture
def memory(use_keyring) -> MemoryKeyring:
    return use_keyring(MemoryKeyring())


def config_with(tmp_path: Path, **env: str) -> Config:
    return load_config(env={"PRODUCTSNAP_DATA_DIR": str(tmp_path / "data"), **env}, cwd=tmp_path)


# resolve / store / clear --------------------------------------------------------------------

def test_environment_key_comes_first(memory, tmp_path):
    memory.items[(secrets.SERVICE, secrets.USERNAME)] = "stored-key-value"
    config = config_with(tmp_path, NANO_BANANA_API_KEY="env-key-value-1")
    assert secrets.resolve_api_key(config) == "env-key-value-1"
    assert redact("x env-key-value-1 y") == "x [REDACTED] y"


def test_dotenv_key_comes_before_the_keyring(memory, tmp_path):
    memory.items[(secrets.SERVICE, secrets.USERNAME)] = "stored-key-value"
    (tmp_path / ".env").write_text("NANO_BANANA_API_KEY=dotenv-key-value\n")
    assert secrets.resolve_api_key(config_with(tmp_path)) == "dotenv-key-value"


def test_keyring_key_is_used_without_an_environment_key(memory, tmp_path):
    memory.items[(secrets.SERVICE, secrets.USERNAME)] = "stored-key-value-2"
    assert secrets.resolve_api_key(config_with(tmp_path)) == "stored-key-value-2"
    assert redact("stored-key-value-2") == "[REDACTED]"


def test_no_key_anywhere(memory, tmp_path):
    assert secrets.resolve_api_key(config_with(tmp_path)) is None


def test_store_and_clear(memory, tmp_path):
    secrets.store_api_key(f"  {KEY}\n")
    assert memory.items == {("ProductSnap", "gemini-api-key"): KEY}
    assert secrets.resolve_api_key(config_with(tmp_path)) == KEY
    assert secrets.clear_api_key() is True
    assert memory.items == {}
    assert secrets.clear_api_key() is False
    with pytest.raises(ValueError):
        secrets.store_api_key("   ")
    # Nothing under the (test) home or data folders holds the key.
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert not any(KEY in p.read_text(errors="ignore") for p in files)


@pytest.mark.parametrize("backend", [
    fail.Keyring(), null.Keyring(), PlaintextFileKeyring(), chainer.ChainerBackend(),
], ids=["fail", "null", "plaintext-file", "empty-chainer"])
def test_unusable_keyrings_are_refused(use_keyring, backend, tmp_path, monkeypatch):
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    use_keyring(backend)
    assert not secrets.keyring_available()
    with pytest.raises(secrets.KeyringUnavailableError) as caught:
        secrets.store_api_key(KEY)
    assert "NANO_BANANA_API_KEY" in caught.value.message
    assert KEY not in str(caught.value)
    with pytest.raises(secrets.KeyringUnavailableError):
        secrets.clear_api_key()
    assert secrets.resolve_api_key(config_with(tmp_path)) is None
    if isinstance(backend, PlaintextFileKeyring):
        assert backend.items == {}  # nothing was written through the unsafe backend


def test_a_locked_keyring_is_reported_plainly(use_keyring, tmp_path):
    use_keyring(LockedKeyring())
    assert secrets.keyring_available()
    with pytest.raises(secrets.KeyringUnavailableError) as caught:
        secrets.store_api_key(KEY)
    assert "unlocked" in caught.value.message and KEY not in repr(caught.value)
    assert secrets.resolve_api_key(config_with(tmp_path)) is None


def test_backend_name(memory):
    assert secrets.keyring_backend_name().endswith("MemoryKeyring")
    assert secrets.keyring_available()


# productsnap key ... ------------------------------------------------------------------------

def run(action: str, config: Config, stdin: str = "", check: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_key_command(action, check=check, config=config, stdin=io.StringIO(stdin),
                           stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_key_set_reads_one_line_from_stdin(memory, tmp_path):
    code, out, err = run("set", config_with(tmp_path), stdin=f"{KEY}\nignored second line\n")
    assert code == 0, err
    assert memory.items[(secrets.SERVICE, secrets.USERNAME)] == KEY
    assert "MemoryKeyring" in out and KEY not in out + err


def test_key_set_refuses_an_empty_key(memory, tmp_path):
    code, _, err = run("set", config_with(tmp_path), stdin="   \n")
    assert code == 2 and "No key given" in err
    assert memory.items == {}


def test_key_set_without_a_keyring(use_keyring, tmp_path):
    use_keyring(fail.Keyring())
    code, out, err = run("set", config_with(tmp_path), stdin=KEY + "\n")
    assert code == 2
    assert "No usable system keyring" in err and KEY not in out + err


def test_key_status_without_a_keyring(use_keyring, tmp_path):
    use_keyring(fail.Keyring())
    code, out, _ = run("status", config_with(tmp_path, NANO_BANANA_API_KEY="env-key-value-5"))
    assert code == 2
    assert "No usable system keyring" in out and "fail Keyring" in out
    assert "NANO_BANANA_API_KEY is set in the environment" in out
    assert "env-key-value-5" not in out


def test_key_status_never_shows_the_key(memory, tmp_path):
    config = config_with(tmp_path)
    code, out, _ = run("status", config)
    assert code == 0 and "not stored" in out and "MemoryKeyring" in out
    run("set", config, stdin=KEY)
    code, out, err = run("status", config)
    assert code == 0 and "is stored" in out
    assert KEY not in out + err
    env_config = config_with(tmp_path, NANO_BANANA_API_KEY="env-key-value-3")
    code, out, err = run("status", env_config)
    assert "NANO_BANANA_API_KEY is set in the environment" in out
    assert "env-key-value-3" not in out + err


def test_key_clear(memory, tmp_path):
    config = config_with(tmp_path)
    run("set", config, stdin=KEY)
    code, out, _ = run("clear", config)
    assert code == 0 and "Removed" in out and memory.items == {}
    code, out, _ = run("clear", config)
    assert code == 0 and "No Gemini API key was stored" in out


def test_key_status_check_asks_the_service(memory, tmp_path):
    with GeminiStandIn() as server:
        config = config_with(tmp_path, NANO_BANANA_API_URL=server.url)
        assert run("status", config, check=True)[0] == 2  # no key at all
        run("set", config, stdin=API_KEY)
        code, out, err = run("status", config, check=True)
        assert code == 0, err
        assert "The key works" in out
        # Every image model the key can use, with its prices; the one in use marked.
        assert "* gemini-2.5-flash-image" in out and "<- in use (automatic)" in out
        assert "1K $0.039" in out and "2K $0.101" in out  # 2.5 Flash Image; 3.1 Flash at 2K
        run("set", config, stdin="a-wrong-key-value")
        code, out, err = run("status", config, check=True)
        assert code == 1 and "The API key was refused" in err
        assert {r.method for r in server.requests} == {"GET"}  # nothing generated
        assert "a-wrong-key-value" not in out + err


def test_key_usage_errors(memory, tmp_path):
    config = config_with(tmp_path)
    assert run("rotate", config)[0] == 2
    assert run("set", config, stdin=KEY, check=True)[0] == 2
    assert memory.items == {}
    plain_http = config_with(tmp_path, NANO_BANANA_API_URL="http://example.com/v1beta",
                             NANO_BANANA_API_KEY="env-key-value-4")
    code, _, err = run("status", plain_http, check=True)
    assert code == 2 and "https" in err
