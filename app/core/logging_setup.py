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
from logging.handlers import RotatingFileHandler
from pathlib import Path

_KEY_SHAPE = re.compile(r"AIza[0-9A-Za-z_\-]{30,}")
_secrets: set[str] = set()
_secrets_lock = threading.Lock()
REDACTED = "[REDACTED]"


def register_secret(value: str | None) -> None:
    """From now on, this value is replaced by [REDACTED] in every log line."""
    if value and len(value) >= 6:
        with _secrets_lock:
            _secrets.add(value)


def redact(text: str) -> str:
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, REDACTED)
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
                                               encoding="utf-8")
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
