"""The key in a REAL Secret Service keyring (GNOME Keyring over D-Bus), not a stand-in backend.

Headless, run it inside a private session with an unlocked keyring:

    bash tests/keyring_session.sh .venv/bin/python -m pytest tests/test_keyring_secret_service.py

Without a D-Bus session and a working Secret Service the tests skip, saying why. Entries go
under a unique test service name, so a developer's own stored key is never touched. The
script sets PRODUCTSNAP_REQUIRE_KEYRING=1, which turns those skips into failures.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets as std_secrets
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import keyring
import keyring.errors
import pytest

from app.cli.key_command import run_key_command
from app.core import secrets
from app.core.config import load_config
from app.core.logging_setup import redact

pytestmark = pytest.mark.keyring_service

KEY = "AIzaSyRealKeyringTest-" + std_secrets.token_hex(10)


def _unavailable(reason: str) -> NoReturn:
    # Inside tests/keyring_session.sh a keyring was promised: its absence is a failure there.
    if os.environ.get("PRODUCTSNAP_REQUIRE_KEYRING") == "1":
        pytest.fail(f"PRODUCTSNAP_REQUIRE_KEYRING=1 but {reason}")
    pytest.skip(reason)


def _secret_service_or_skip():
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        _unavailable("no D-Bus session (DBUS_SESSION_BUS_ADDRESS unset); run under "
                    "tests/keyring_session.sh")
    try:
        from keyring.backends import SecretService
    except ImportError as exc:
        _unavailable(f"keyring's SecretService backend cannot load: {exc}")
    try:
        priority = SecretService.Keyring.priority
    except Exception as exc:  # the backend says why it cannot work here
        _unavailable(f"no usable Secret Service: {exc}")
    if priority < 1:
        _unavailable(f"Secret Service backend priority is {priority}")
    backend = SecretService.Keyring()
    probe = f"ProductSnap-probe-{std_secrets.token_hex(4)}"
    try:
        backend.set_password(probe, "probe", "probe-value")
        ok = backend.get_password(probe, "probe") == "probe-value"
        backend.delete_password(probe, "probe")
    except Exception as exc:  # locked, no default collection, prompt needed...
        _unavailable(f"the Secret Service does not accept a probe entry: {exc!r}")
    if not ok:
        _unavailable("the Secret Service did not return the probe entry")
    return backend


@pytest.fixture
def real_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    backend = _secret_service_or_skip()
    monkeypatch.setattr(secrets, "SERVICE", f"ProductSnap-test-{std_secrets.token_hex(4)}")
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        backend.delete_password(secrets.SERVICE, secrets.USERNAME)
    keyring.set_keyring(previous)


def test_store_resolve_clear_in_the_real_keyring(real_keyring, tmp_path: Path):
    assert secrets.keyring_available()
    assert "SecretService" in secrets.keyring_backend_name()
    secrets.store_api_key(KEY)
    # Read back through the backend itself, not our code: it is really in the Secret Service.
    assert real_keyring.get_password(secrets.SERVICE, secrets.USERNAME) == KEY
    config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(tmp_path / "data")}, cwd=tmp_path)
    assert secrets.resolve_api_key(config) == KEY
    assert redact(f"key={KEY}") == "key=[REDACTED]"
    assert not any(KEY in p.read_text(errors="ignore")
                   for p in tmp_path.rglob("*") if p.is_file())
    assert secrets.clear_api_key() is True
    assert real_keyring.get_password(secrets.SERVICE, secrets.USERNAME) is None
    assert secrets.clear_api_key() is False


def test_key_commands_with_the_real_keyring(real_keyring, tmp_path: Path):
    config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(tmp_path / "data")}, cwd=tmp_path)

    def run(action: str, stdin: str = "") -> tuple[int, str]:
        out, err = io.StringIO(), io.StringIO()
        code = run_key_command(action, check=False, config=config, stdin=io.StringIO(stdin),
                               stdout=out, stderr=err)
        return code, out.getvalue() + err.getvalue()

    assert run("set", KEY + "\n")[0] == 0
    code, said = run("status")
    assert code == 0 and "is stored" in said and "SecretService" in said and KEY not in said
    assert run("clear")[0] == 0
    assert real_keyring.get_password(secrets.SERVICE, secrets.USERNAME) is None
