"""Where ProductSnap keeps its state, and where its bundled resources are.

All state lives under one data folder when ``PRODUCTSNAP_DATA_DIR`` is set; otherwise the
platform's usual places (platformdirs) are used.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "ProductSnap"
DATA_DIR_VAR = "PRODUCTSNAP_DATA_DIR"


class ConfigError(ValueError):
    """A value the app cannot run with. The message names the variable and what is allowed.

    (Defined here, below app.core.config, so that the paths can raise it; the configuration
    module exports it.)"""


class DataFolderError(ConfigError):
    """A folder the app keeps its state in is a file, or cannot be made or written to."""


@dataclass(frozen=True)
class AppPaths:
    """The folders the app writes to. ``ensure()`` creates them."""

    data: Path
    config: Path
    logs: Path
    default_output: Path
    variable: str | None = None  # the variable that chose the data folder, for messages

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

    def _folders(self) -> tuple[Path, ...]:
        return (self.data, self.config, self.logs, self.uploads, self.results,
                self.thumbnails, self.spool)

    def _problem(self, folder: Path, what: str) -> DataFolderError:
        if self.variable and folder == self.data:
            where = f"{self.variable} points at {str(folder)!r}, which"
            fix = f"Set {self.variable} to a folder you can write to, or leave it empty."
        elif self.variable and folder.is_relative_to(self.data):
            where = f"The folder {str(folder)!r} (in {self.variable})"
            fix = f"Set {self.variable} to a folder you can write to, or leave it empty."
        else:
            where = f"ProductSnap's folder {str(folder)!r}"
            fix = (f"Fix or remove what is in the way, or set {DATA_DIR_VAR} to a folder you "
                   "can write to.")
        return DataFolderError(f"{where} {what}. {fix}")

    def check(self) -> AppPaths:
        """Say plainly, without creating anything, when a folder cannot be: it is a file, it
        would be under a file, or the nearest existing folder above it is not writable."""
        for folder in (self.data, self.config, self.logs):
            try:
                _check_folder(folder)
            except _Unusable as unusable:
                raise self._problem(folder, unusable.what) from None
        return self

    def ensure(self) -> AppPaths:
        """Create every folder; a DataFolderError (a ConfigError) with a plain sentence when
        one cannot be made."""
        for folder in self._folders():
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except FileExistsError:
                raise self._problem(folder, "is a file, not a folder") from None
            except NotADirectoryError:
                raise self._problem(folder, "cannot be made: a file is in the way") from None
            except PermissionError:
                raise self._problem(folder, "cannot be made: permission denied") from None
            except OSError as exc:
                raise self._problem(
                    folder, f"cannot be made ({exc.strerror or type(exc).__name__})") from None
            if not os.access(folder, os.W_OK | os.X_OK):
                raise self._problem(folder, "is not writable")
        return self

    @classmethod
    def resolve(cls, data_dir: str | Path | None, *, variable: str | None = None) -> AppPaths:
        """``variable``: the setting that named ``data_dir``, for messages (PRODUCTSNAP_DATA_DIR
        by default when a folder is given)."""
        if data_dir:
            root = Path(data_dir).expanduser().resolve()
            return cls(data=root, config=root, logs=root / "logs",
                       default_output=default_output_dir(), variable=variable or DATA_DIR_VAR)
        return cls(
            data=platformdirs.user_data_path(APP_NAME, appauthor=False),
            config=platformdirs.user_config_path(APP_NAME, appauthor=False),
            logs=platformdirs.user_log_path(APP_NAME, appauthor=False),
            default_output=default_output_dir(),
        )


class _Unusable(Exception):
    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def _check_folder(folder: Path) -> None:
    """Raises _Unusable when ``folder`` cannot be a folder the app writes to."""
    try:
        _check_existing_or_parent(folder)
    except PermissionError:
        raise _Unusable("cannot be reached: permission denied") from None
    except OSError as exc:
        raise _Unusable(f"cannot be used ({exc.strerror or type(exc).__name__})") from None


def _check_existing_or_parent(folder: Path) -> None:
    if folder.exists():
        if not folder.is_dir():
            raise _Unusable("is a file, not a folder")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise _Unusable("is not writable")
        return
    parent = folder.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise _Unusable(f"cannot be made: {str(parent)!r} is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise _Unusable(f"cannot be made: {str(parent)!r} is not writable")


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
