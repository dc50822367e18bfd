"""``productsnap key set | clear | status [--check]``: the API key in the system keyring.

``set`` reads the key from standard input (a hidden prompt on a terminal), never from the
command line, where it would land in the shell history and the process list. Nothing here ever
prints the key.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, TextIO

from app.core.config import Config, ConfigError, Source
from app.core.secrets import (
    ENV_VAR,
    MAX_KEY_LENGTH,
    KeyringUnavailableError,
    clear_api_key,
    key_problem,
    keyring_backend_name,
    read_stored_key,
    resolve_api_key,
    store_api_key,
)
from app.services.errors import AccountProblemError

if TYPE_CHECKING:
    from app.services.gemini_check import KeyCheck

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2


def _env_note(config: Config) -> str | None:
    if not config.api_key:
        return None
    where = ("the environment" if config.source("api_key") is Source.ENVIRONMENT
             else config.values["api_key"].origin or "a .env file")
    return f"{ENV_VAR} is set in {where}; that key is used before the stored one."


class _NotText(Exception):
    """Standard input held bytes that are not text."""


def _read_key(stdin: TextIO, stderr: TextIO) -> str:
    """One line (the key); a line far longer than any key is read only in part, enough to say
    it is too long."""
    try:
        if stdin.isatty():
            return getpass.getpass("Gemini API key (input hidden): ", stream=stderr)
        return stdin.readline(MAX_KEY_LENGTH * 8)
    except UnicodeDecodeError:
        raise _NotText from None


def _set(config: Config, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    try:
        key = _read_key(stdin, stderr).removeprefix("\ufeff").strip()  # a Windows editor's mark
    except _NotText:
        print("That is not an API key: standard input held bytes that are not text. Pipe in a "
              "file holding the key alone, on one line.", file=stderr)
        return EXIT_USAGE
    if not key:
        print("No key given. Pipe the key in, e.g. `productsnap key set < keyfile`, or type it "
              "at the prompt.", file=stderr)
        return EXIT_USAGE
    if problem := key_problem(key):
        print(f"{problem} Nothing was saved.", file=stderr)
        return EXIT_USAGE
    store_api_key(key)
    print(f"Saved the Gemini API key in the system keyring ({keyring_backend_name()}).",
          file=stdout)
    if note := _env_note(config):
        print(note, file=stdout)
    return EXIT_OK


def _clear(stdout: TextIO) -> int:
    if clear_api_key():
        print(f"Removed the Gemini API key from the system keyring ({keyring_backend_name()}).",
              file=stdout)
    else:
        print("No Gemini API key was stored in the system keyring.", file=stdout)
    return EXIT_OK


def _status(config: Config, check: bool, stdout: TextIO, stderr: TextIO) -> int:
    """Without --check: 0, or 2 when there is no usable keyring. With it: the check's result."""
    backend = keyring_backend_name()
    keyring_ok = True
    try:
        stored = read_stored_key() is not None
        print(f"A Gemini API key is {'stored' if stored else 'not stored'} in the system "
              f"keyring ({backend}).", file=stdout)
    except KeyringUnavailableError as exc:
        keyring_ok = False
        print(f"Keyring ({backend}): {exc.message}", file=stdout)
    if note := _env_note(config):
        print(note, file=stdout)
    if not check:
        return EXIT_OK if keyring_ok else EXIT_USAGE
    key = resolve_api_key(config)
    if not key:
        print(f"No key to check. Set {ENV_VAR} or run `productsnap key set`.", file=stderr)
        return EXIT_USAGE
    from app.services.gemini_client import GeminiImageClient

    try:
        client = GeminiImageClient.from_config(config, api_key=key)
    except AccountProblemError as exc:
        print(exc.message, file=stderr)
        return EXIT_CHECK_FAILED
    try:
        result = client.check_key()
    finally:
        client.close()
    print(result.message, file=stdout if result.ok else stderr)
    if result.models:
        print(describe_models(result), file=stdout)
    return EXIT_OK if result.ok else EXIT_CHECK_FAILED


def describe_models(result: KeyCheck) -> str:
    """The image models the key can use, each with its price per image at every size it
    makes; the one in use is marked."""
    from app.services.image_models import find_model
    from app.services.pricing import price_summary

    in_use = result.choice.model if result.choice else None
    lines = ["Image models this key can use (price per image):"]
    for model in result.models:
        mark = "*" if model.id == in_use else " "
        row = find_model(model.id)
        name = row.name if row else model.display_name
        prices = price_summary(model.id) or "price unknown to this version of ProductSnap"
        line = f" {mark} {model.id:<32} {name:<20} {prices}"
        if model.id == in_use:
            line += "   <- in use" + (" (automatic)" if result.choice and
                                      result.choice.automatic else "")
        lines.append(line)
    return "\n".join(lines)


def run_key_command(action: str, *, check: bool, config: Config, stdin: TextIO,
                    stdout: TextIO, stderr: TextIO) -> int:
    """0: done; 1: the key check failed; 2: usage or configuration error, or no keyring."""
    if check and action != "status":
        print("--check goes with `productsnap key status` only.", file=stderr)
        return EXIT_USAGE
    try:
        if action == "set":
            return _set(config, stdin, stdout, stderr)
        if action == "clear":
            return _clear(stdout)
        if action == "status":
            return _status(config, check, stdout, stderr)
    except KeyringUnavailableError as exc:
        print(exc.message, file=stderr)
        return EXIT_USAGE
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=stderr)
        return EXIT_USAGE
    print(f"Unknown key action {action!r}: use set, clear or status.", file=stderr)
    return EXIT_USAGE
