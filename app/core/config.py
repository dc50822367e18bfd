"""Configuration: what the app runs with, and where each value came from.

Precedence, highest first: the process environment, a ``.env`` file (the working directory's,
then the one in the user config folder), the saved settings, the defaults. Every value carries
its source so the settings dialog can say "set by the environment" and lock the field.

``IMAGE_GENERATION_MODE`` is exactly ``mock`` or ``live``. Anything else is a configuration
error, never read as live: live costs money.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from app.core.paths import AppPaths, default_output_dir, user_config_dir
from app.core.paths import ConfigError as ConfigError  # defined beside the paths, raised here
from app.core.settings_store import SettingsStore

log = logging.getLogger(__name__)

_T = TypeVar("_T")

DEFAULT_API_URL = "https://generativelanguage.googleapis.com/v1beta"
# "automatic": the first image model the service serves from the preference list in
# app/services/image_models.py (the seed's gemini-2.5-flash-image first while it is served).
AUTOMATIC_MODEL = "automatic"
DEFAULT_MODEL = AUTOMATIC_MODEL
IMAGE_SIZES = ("512", "1K", "2K", "4K")


class Mode(StrEnum):
    MOCK = "mock"
    LIVE = "live"


class Source(StrEnum):
    ENVIRONMENT = "environment"
    DOTENV = ".env file"
    SETTINGS = "saved settings"
    DEFAULT = "default"
    COMMAND_LINE = "command line"

    @property
    def locks_setting(self) -> bool:
        """Values from the environment or a .env file win over anything saved in the app."""
        return self in (Source.ENVIRONMENT, Source.DOTENV, Source.COMMAND_LINE)


def parse_mode(raw: str, name: str = "IMAGE_GENERATION_MODE") -> Mode:
    # Exact match on purpose: "Live", "LIVE " or "mocked" are typos, and guessing wrong costs money.
    for mode in Mode:
        if raw == mode.value:
            return mode
    raise ConfigError(f"{name} must be exactly 'mock' or 'live', not {raw!r}.")


def _parse_positive_int(raw: str, name: str, upper: int) -> int:
    try:
        number = int(str(raw).strip())
    except ValueError:
        raise ConfigError(
            f"{name} must be a whole number from 1 to {upper}, not {raw!r}.") from None
    if not 1 <= number <= upper:
        raise ConfigError(f"{name} must be a whole number from 1 to {upper}, not {raw!r}.")
    return number


def _parse_amount(raw: str | float, name: str, upper: float) -> float:
    """A number from 0 to ``upper`` (dollars, seconds); "0.5" and "$0.50" alike."""
    try:
        number = float(str(raw).strip().lstrip("$"))
    except ValueError:
        raise ConfigError(f"{name} must be a number from 0 to {upper:g}, not {raw!r}.") from None
    if not 0 <= number <= upper:
        raise ConfigError(f"{name} must be a number from 0 to {upper:g}, not {raw!r}.")
    return number


def _parse_bool(raw: str | bool, name: str) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}.")


def parse_image_size(raw: str, name: str = "NANO_BANANA_IMAGE_SIZE") -> str:
    text = str(raw).strip().upper()
    if text in IMAGE_SIZES:
        return text
    raise ConfigError(f"{name} must be one of {', '.join(IMAGE_SIZES)}, not {raw!r}.")


DEFAULT_BACKDROP_COLOUR = "#f2efe9"  # a warm off-white


def parse_backdrop_colour(raw: str, name: str = "PRODUCTSNAP_BACKDROP_COLOUR") -> str:
    """``#rrggbb``, stored lower-case with its ``#``."""
    text = str(raw).strip().lower()
    text = text if text.startswith("#") else "#" + text
    if len(text) == 7 and all(c in "0123456789abcdef" for c in text[1:]):
        return text
    raise ConfigError(f"{name} must be a colour written #rrggbb (for example #f2efe9), "
                      f"not {raw!r}.")


def _parse_text(raw: str, name: str) -> str:
    text = str(raw).strip()
    if not text:
        raise ConfigError(f"{name} must not be empty.")
    return text


@dataclass(frozen=True)
class Field:
    name: str
    env: str | None
    default: Callable[[], Any]
    parse: Callable[[Any, str], Any]
    saved: bool = True  # False: never written to the settings file (the key, the data folder)


FIELDS: tuple[Field, ...] = (
    Field("mode", "IMAGE_GENERATION_MODE", lambda: Mode.MOCK, parse_mode),
    Field("api_url", "NANO_BANANA_API_URL", lambda: DEFAULT_API_URL,
          lambda raw, name: _parse_text(raw, name).rstrip("/")),
    Field("model", "NANO_BANANA_MODEL", lambda: DEFAULT_MODEL, _parse_text),
    Field("image_size", "NANO_BANANA_IMAGE_SIZE", lambda: "1K", parse_image_size),
    Field("api_key", "NANO_BANANA_API_KEY", lambda: None, _parse_text, saved=False),
    Field("data_dir", "PRODUCTSNAP_DATA_DIR", lambda: None, _parse_text, saved=False),
    Field("parallel", "PRODUCTSNAP_PARALLEL", lambda: 4,
          lambda raw, name: _parse_positive_int(raw, name, 32)),
    Field("rpm", "PRODUCTSNAP_RPM", lambda: 60,
          lambda raw, name: _parse_positive_int(raw, name, 10_000)),
    Field("output_dir", "PRODUCTSNAP_OUTPUT_DIR", default_output_dir,
          lambda raw, name: Path(_parse_text(str(raw), name)).expanduser()),
    Field("filename_pattern", None, lambda: "{name}_{style}", _parse_text),
    Field("default_style", None, lambda: "studio_white", _parse_text),
    # The backdrop of the "cut-out on a colour" style.
    Field("backdrop_colour", "PRODUCTSNAP_BACKDROP_COLOUR", lambda: DEFAULT_BACKDROP_COLOUR,
          parse_backdrop_colour),
    Field("start_on_drop", None, lambda: True, _parse_bool),
    Field("notifications", None, lambda: True, _parse_bool),
    # Live mode asks before a batch that costs more than this (0: always asks).
    Field("ask_above_usd", "PRODUCTSNAP_ASK_ABOVE_USD", lambda: 0.5,
          lambda raw, name: _parse_amount(raw, name, 10_000)),
    # Live requests that would take this month's spend past it are not sent (0 or unset: none).
    Field("monthly_budget_usd", "PRODUCTSNAP_MONTHLY_BUDGET", lambda: None,
          lambda raw, name: _parse_amount(raw, name, 1_000_000) or None),
    # The whole exchange of one request: 4K images on the slowest model take a minute or two.
    Field("request_deadline_s", "PRODUCTSNAP_REQUEST_DEADLINE_S", lambda: 300.0,
          lambda raw, name: max(10.0, _parse_amount(raw, name, 3600))),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}


@dataclass(frozen=True)
class Value:
    value: Any
    source: Source
    origin: str | None = None  # which .env file, for the "set by" explanation


@dataclass(frozen=True)
class Config:
    values: Mapping[str, Value]
    paths: AppPaths
    settings: SettingsStore = field(repr=False)

    # One typed, read-only property per entry in FIELDS; ``value(name)`` is for code that
    # looks a setting up by name.

    def value(self, name: str) -> object:
        """The value of the setting called ``name``; KeyError when there is no such setting."""
        return self.values[name].value

    def _typed(self, name: str, kind: type[_T]) -> _T:
        value = self.values[name].value
        # bool is an int to isinstance; a True where a count belongs is still a bug.
        if isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool):
            return value
        raise TypeError(f"Setting {name!r} holds {value!r} ({type(value).__name__}), "
                        f"expected {kind.__name__}.")

    def _optional(self, name: str, kind: type[_T]) -> _T | None:
        if self.values[name].value is None:
            return None
        return self._typed(name, kind)

    @property
    def mode(self) -> Mode:
        return self._typed("mode", Mode)

    @property
    def api_url(self) -> str:
        return self._typed("api_url", str)

    @property
    def model(self) -> str:
        return self._typed("model", str)

    @property
    def image_size(self) -> str:
        return self._typed("image_size", str)

    @property
    def api_key(self) -> str | None:
        return self._optional("api_key", str)

    @property
    def data_dir(self) -> str | None:
        return self._optional("data_dir", str)

    @property
    def parallel(self) -> int:
        return self._typed("parallel", int)

    @property
    def rpm(self) -> int:
        return self._typed("rpm", int)

    @property
    def output_dir(self) -> Path:
        return self._typed("output_dir", Path)

    @property
    def filename_pattern(self) -> str:
        return self._typed("filename_pattern", str)

    @property
    def default_style(self) -> str:
        return self._typed("default_style", str)

    @property
    def backdrop_colour(self) -> str:
        return self._typed("backdrop_colour", str)

    @property
    def start_on_drop(self) -> bool:
        return self._typed("start_on_drop", bool)

    @property
    def notifications(self) -> bool:
        return self._typed("notifications", bool)

    @property
    def ask_above_usd(self) -> float:
        return self._typed("ask_above_usd", float)

    @property
    def monthly_budget_usd(self) -> float | None:
        return self._optional("monthly_budget_usd", float)

    @property
    def request_deadline_s(self) -> float:
        return self._typed("request_deadline_s", float)

    def with_overrides(self, **raw: Any) -> Config:
        """This configuration with values given on the command line (not saved)."""
        values = dict(self.values)
        for name, value in raw.items():
            if value is not None:
                values[name] = Value(FIELDS_BY_NAME[name].parse(value, f"--{name}"),
                                     Source.COMMAND_LINE)
        return Config(values=values, paths=self.paths, settings=self.settings)

    def source(self, name: str) -> Source:
        return self.values[name].source

    def locked_reason(self, name: str) -> str | None:
        """Why a value cannot be changed in the app, or None when it can."""
        value = self.values[name]
        env = FIELDS_BY_NAME[name].env
        if value.source is Source.ENVIRONMENT:
            return f"Set by the environment variable {env}."
        if value.source is Source.DOTENV:
            return f"Set by {env} in {value.origin}."
        if value.source is Source.COMMAND_LINE:
            return "Set on the command line."
        return None


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines; blank lines, comments and an ``export`` prefix are allowed, and a
    UTF-8 byte-order mark (as some Windows editors write) is skipped. A file that is not text
    (not UTF-8, or holding NUL bytes) is a ConfigError naming it: read wrongly or ignored, it
    could leave the app running in a mode or with a key the user did not choose."""
    values: dict[str, str] = {}
    try:
        raw_bytes = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return values
    except OSError as exc:
        log.warning("Could not read %s: %s", path, exc)
        return values
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not a text file (it is not UTF-8). Save it as UTF-8 "
                          "text with KEY=VALUE lines, or remove it.") from None
    if "\x00" in text:
        raise ConfigError(f"{path} is not a text file (it holds NUL bytes). Save it as text "
                          "with KEY=VALUE lines, or remove it.")
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, raw = line.partition("=")
        key = key.removeprefix("export ").strip()
        raw = raw.strip()
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
            raw = raw[1:-1]
        else:
            raw = raw.split(" #", 1)[0].rstrip()
        values[key] = raw
    return values


def _dotenv_layers(cwd: Path) -> list[tuple[str, dict[str, str]]]:
    layers = []
    for path in (cwd / ".env", user_config_dir() / ".env"):
        values = read_dotenv(path)
        if values:
            layers.append((str(path), values))
    return layers


@dataclass(frozen=True)
class _Found:
    """A value set outside the app: by the environment or a .env file."""

    raw: str
    variable: str  # the environment variable's name, for error messages
    source: Source
    origin: str | None = None  # which .env file


def load_config(env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Config:
    """Read every source and build the configuration; raises ConfigError on a bad value."""
    env = os.environ if env is None else env
    layers = _dotenv_layers(cwd or Path.cwd())

    def from_outside(f: Field) -> _Found | None:
        # An empty value (``NANO_BANANA_API_KEY=`` as in .env.example) means "not set here":
        # the next source decides, and in the end the default.
        if f.env is None:
            return None
        if env.get(f.env, "").strip():
            return _Found(env[f.env], f.env, Source.ENVIRONMENT)
        for origin, values in layers:
            if values.get(f.env, "").strip():
                return _Found(values[f.env], f.env, Source.DOTENV, origin)
        return None

    outside = {f.name: from_outside(f) for f in FIELDS}
    found_data_dir = outside["data_dir"]
    data_dir = found_data_dir.raw.strip() if found_data_dir is not None else None
    paths = AppPaths.resolve(data_dir or None,
                             variable=found_data_dir.variable if found_data_dir else None)
    paths.check()  # a data folder that is a file, or cannot be made: said before anything runs
    settings = SettingsStore(paths.settings_file)
    saved = settings.load()

    values: dict[str, Value] = {}
    for f in FIELDS:
        found = outside[f.name]
        if found is not None:
            values[f.name] = Value(f.parse(found.raw, found.variable), found.source,
                                   found.origin)
        elif f.saved and f.name in saved:
            try:
                values[f.name] = Value(f.parse(saved[f.name], f.name), Source.SETTINGS)
            except ConfigError as exc:
                # A damaged settings file must not stop the app: fall back and say so.
                log.warning("Ignoring saved setting %s: %s", f.name, exc)
                values[f.name] = Value(f.default(), Source.DEFAULT)
        else:
            values[f.name] = Value(f.default(), Source.DEFAULT)
    if outside["output_dir"] is None and "output_dir" not in saved:
        values["output_dir"] = Value(paths.default_output, Source.DEFAULT)
    return Config(values=values, paths=paths, settings=settings)


def save_settings(config: Config, changes: Mapping[str, Any], changed_by: str) -> Config:
    """Validate and save changed settings, log a mode switch, and return the new configuration.

    Values locked by the environment or a .env file are refused: saving them would do nothing.
    """
    parsed: dict[str, Any] = {}
    for name, raw in changes.items():
        f = FIELDS_BY_NAME.get(name)
        if f is None or not f.saved:
            raise ConfigError(f"{name} is not a setting the app can save.")
        reason = config.locked_reason(name)
        if reason and raw != config.values[name].value:
            raise ConfigError(f"{name} cannot be changed here. {reason}")
        parsed[name] = f.parse(raw, name)

    stored = config.settings.load()
    for name, value in parsed.items():
        if value is None:  # "none" (no budget): the default, so nothing is kept
            stored.pop(name, None)
        else:
            stored[name] = str(value) if isinstance(value, Path | StrEnum) else value
    config.settings.save(stored)

    values = dict(config.values)
    for name, value in parsed.items():
        if config.values[name].source.locks_setting:
            continue
        values[name] = Value(value, Source.SETTINGS)
    new = Config(values=values, paths=config.paths, settings=config.settings)
    log_mode_change(config.mode, new.mode, changed_by)
    return new


def log_mode_change(old: Mode, new: Mode, changed_by: str) -> None:
    if old != new:
        log.info("Image generation mode changed from %s to %s by %s", old, new, changed_by)


def describe(config: Config) -> str:
    """One line for the start of the log: mode and where it came from, never the key."""
    mode = config.values["mode"]
    key = "set" if config.values["api_key"].value else "not set in the environment"
    return (f"Image generation mode {mode.value} ({mode.source}); model {config.model}; "
            f"API key {key}; data folder {config.paths.data}")
