"""Where ProductSnap keeps its state, and where its bundled resources are.

All state lives under one data folder when ``PRODUCTSNAP_DATA_DIR`` is set; otherwise the
platform's usual places (platformdirs) are used.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "ProductSnap"


@dataclass(frozen=True)
class AppPaths:
    """The folders the app writes to. ``ensure()`` creates them."""

    data: Path
    config: Path
    logs: Path
    default_output: Path

    @property
    def database(self) -> Path:
        return self.data / "jobs.sqlite3"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def uploads(self) -> Path:
        return self.data / "uploads"

    @property
    def results(self) -> Path:
        return self.data / "results"

    @property
    def thumbnails(self) -> Path:
        return self.data / "thumbnails"

    @property
    def spool(self) -> Path:
        """Paid results land here the moment they arrive, before anything else happens."""
        return self.data / "incoming"

    def ensure(self) -> AppPaths:
        for folder in (self.data, self.config, self.logs, self.uploads, self.results,
                       self.thumbnails, self.spool):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    @classmethod
    def resolve(cls, data_dir: str | Path | None) -> AppPaths:
        if data_dir:
            root = Path(data_dir).expanduser().resolve()
            return cls(data=root, config=root, logs=root / "logs",
                       default_output=default_output_dir())
        return cls(
            data=platformdirs.user_data_path(APP_NAME, appauthor=False),
            config=platformdirs.user_config_path(APP_NAME, appauthor=False),
            logs=platformdirs.user_log_path(APP_NAME, appauthor=False),
            default_output=default_output_dir(),
        )


def default_output_dir() -> Path:
    return platformdirs.user_pictures_path() / APP_NAME


def user_config_dir() -> Path:
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def resource_dir() -> Path:
    """``resources/`` from a source checkout, an installed wheel or a frozen bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    packaged = Path(__file__).resolve().parent.parent / "resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "resources"
