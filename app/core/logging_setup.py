"""Logging: a rotating file in the log folder plus stderr, with secrets redacted everywhere.

Redaction sits on the handlers, so it covers every logger, formatted arguments and exception
tracebacks alike. Known secrets are registered as they are read; anything shaped like a Google
API key is masked even when it was never registered.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler
from pathlib import Path

_KEY_SHAPE = re.compile(r"AIza[0-9A-Za-z_\-]{30,}")
REDACTED = "[REDACTED]"
# A secret quoted only in part, or split in pieces, still leaks: any run of this many
# consecutive characters of a registered secret is masked.
WINDOW = 10


@dataclass(frozen=True)
class _Matcher:
    """What ``redact`` looks for, rebuilt whenever a secret is registered (read lock-free)."""

    short: tuple[str, ...] = ()  # secrets shorter than WINDOW: masked whole, longest first
    windows: frozenset[str] = frozenset()  # every WINDOW-long piece of every longer secret
    runs: re.Pattern[str] | None = None  # runs of secret characters long enough to hold one


_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_matcher = _Matcher()


def _build(secrets: set[str]) -> _Matcher:
    short = tuple(sorted((s for s in secrets if len(s) < WINDOW), key=len, reverse=True))
    long = [s for s in secrets if len(s) >= WINDOW]
    windows = frozenset(s[i:i + WINDOW] for s in long for i in range(len(s) - WINDOW + 1))
    if not long:
        return _Matcher(short)
    chars = "".join(sorted({c for s in long for c in s}))
    runs = re.compile(f"[{re.escape(chars)}]{{{WINDOW},}}")
    return _Matcher(short, windows, runs)


def register_secret(value: str | None) -> None:
    """From now on, this value (and any WINDOW characters of it in a row) is replaced by
    [REDACTED] in every log line and every text passed to ``redact``."""
    global _matcher
    value = value.strip() if value else value
    if value and len(value) >= 6:
        with _secrets_lock:
            if value not in _secrets:
                _secrets.add(value)
                _matcher = _build(_secrets)


def _mask(run: str, windows: frozenset[str]) -> str:
    """``run`` with every stretch covered by a secret's WINDOW-long pieces masked."""
    pieces: list[str] = []
    done = 0  # run[:done] is settled
    start = end = -1  # the stretch being masked
    for i in range(len(run) - WINDOW + 1):
        if run[i:i + WINDOW] not in windows:
            continue
        if i <= end:  # overlaps or touches the current stretch
            end = i + WINDOW
            continue
        if end >= 0:
            pieces += (run[done:start], REDACTED)
            done = end
        start, end = i, i + WINDOW
    if end < 0:
        return run
    pieces += (run[done:start], REDACTED, run[end:])
    return "".join(pieces)


def redact(text: str) -> str:
    """``text`` with every registered secret masked, whole or any WINDOW characters of it in a
    row (a server quoting part of the key, or the key split in pieces), and anything shaped
    like a Google API key. Always redact the whole text first, then shorten it."""
    matcher = _matcher
    for secret in matcher.short:
        text = text.replace(secret, REDACTED)
    if matcher.runs is not None and len(text) >= WINDOW:
        windows = matcher.windows
        text = matcher.runs.sub(lambda found: _mask(found.group(), windows), text)
    return _KEY_SHAPE.sub(REDACTED, text)


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(log_dir: Path | None, *, console_level: int = logging.INFO,
                  console: bool = True) -> Path | None:
    """Configure the root logger once; returns the log file's path (None without a folder)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_productsnap", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.INFO)
    log_file = None
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            log_file = log_dir / "productsnap.log"
            file_handler = RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=5,
                                               encoding="utf-8", errors="backslashreplace")
            file_handler.setFormatter(RedactingFormatter(_FORMAT))
            file_handler._productsnap = True  # type: ignore[attr-defined]
            root.addHandler(file_handler)
        except OSError as exc:
            print(f"ProductSnap: cannot write logs to {log_dir}: {exc}", file=sys.stderr)
            log_file = None
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(console_level)
        stream.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
        stream._productsnap = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    # httpx logs every request URL at INFO; ours never hold the key, but keep the log calm.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    return log_file
