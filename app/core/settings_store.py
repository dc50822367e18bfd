"""The settings the user saved in the app: a small JSON file, written atomically.

The API key is never stored here: it lives in the OS keyring or the environment.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from app.core.files import atomic_write_bytes

log = logging.getLogger(__name__)

_NEVER_SAVED = ("api_key", "key", "NANO_BANANA_API_KEY")


class SettingsStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            # Keep the damaged file for inspection and start from the defaults.
            log.warning("Settings file %s could not be read (%s); using defaults", self.path, exc)
            with contextlib.suppress(OSError):
                os.replace(self.path, self.path.with_suffix(".damaged.json"))
            return {}
        return data if isinstance(data, dict) else {}

    def save(self, values: dict[str, Any]) -> None:
        clean = {k: v for k, v in values.items() if k not in _NEVER_SAVED}
        text = json.dumps(clean, indent=2, sort_keys=True) + "\n"
        atomic_write_bytes(self.path, text.encode("utf-8"))
