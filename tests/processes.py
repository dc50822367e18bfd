"""The environment a test's child process (``python -m app ...``) runs in."""

from __future__ import annotations

import os
from collections.abc import Mapping

# Prefixes of the app's own settings: a developer's real mode, key or folders never reach a test.
APP_SETTINGS = ("IMAGE_GENERATION", "NANO_BANANA", "PRODUCTSNAP")


def child_env(*settings: Mapping[str, str], **values: str) -> dict[str, str]:
    """This process's environment without the app's settings, Qt without a display, then
    ``settings`` and ``values`` on top (later ones win)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(APP_SETTINGS)}
    env["QT_QPA_PLATFORM"] = "offscreen"
    for more in settings:
        env.update(more)
    env.update(values)
    return env
