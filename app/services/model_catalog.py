"""Which image models the key can use, asked of the service, cached, and the choice among them.

``GET {base}/models`` lists every model the key can use, text, embedding, audio and video ones
included, a page at a time. The image models among them are kept in a small JSON cache in the
data folder for a day (the list changes every few months, not every hour); a model that answers
404 refreshes it. ``choose_model`` turns the model setting ("automatic" or an id) and the size
into the model to send to, or says plainly why there is none.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.core.config import ConfigError
from app.core.files import atomic_write_bytes
from app.services.errors import AccountProblemError, AccountProblemKind
from app.services.gemini_answers import ModelStatus, parse_model_status
from app.services.image_models import AUTOMATIC, find_model, is_image_model, preference

log = logging.getLogger(__name__)

CACHE_MAX_AGE_S = 24 * 3600.0
MAX_PAGES = 50  # a list that never ends is a broken server, not a long list


@dataclass(frozen=True)
class ServedModel:
    id: str
    display_name: str
    status: ModelStatus | None = None


def parse_models_page(data: Any) -> tuple[list[ServedModel], str | None]:
    """The image models on one page of ``models.list`` and the next page's token."""
    if not isinstance(data, dict):
        return [], None
    models: list[ServedModel] = []
    for entry in data.get("models") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        model_id = entry["name"].removeprefix("models/")
        methods = entry.get("supportedGenerationMethods") or []
        if not is_image_model(model_id) or (methods and "generateContent" not in methods):
            continue
        models.append(ServedModel(model_id, str(entry.get("displayName") or model_id),
                                  parse_model_status(entry.get("modelStatus"))))
    token = data.get("nextPageToken")
    return models, token if isinstance(token, str) and token else None


def list_all(fetch_page: Callable[[str | None], Any]) -> list[ServedModel]:
    """Follow ``nextPageToken`` to the end. ``fetch_page(token)`` returns a page's JSON."""
    found: list[ServedModel] = []
    token: str | None = None
    for _ in range(MAX_PAGES):
        page, token = parse_models_page(fetch_page(token))
        found.extend(page)
        if token is None:
            break
    unique: dict[str, ServedModel] = {}
    for model in found:
        unique.setdefault(model.id, model)
    return list(unique.values())


class ModelCatalog:
    """The served image models, from a cache file when it is fresh."""

    def __init__(self, cache_file: Path, max_age_s: float = CACHE_MAX_AGE_S,
                 clock: Callable[[], float] = time.time) -> None:
        self.cache_file = cache_file
        self.max_age_s = max_age_s
        self._clock = clock
        self._lock = threading.Lock()

    def served(self, api_url: str, fetch: Callable[[], list[ServedModel]]) -> list[ServedModel]:
        with self._lock:
            cached = self._read(api_url)
            if cached is not None:
                return cached
            models = fetch()
            self._write(api_url, models)
            return models

    def cached(self, api_url: str) -> list[ServedModel] | None:
        """The cached list while it is fresh; never asks the service."""
        with self._lock:
            return self._read(api_url)

    def invalidate(self) -> None:
        with self._lock, contextlib.suppress(OSError):
            self.cache_file.unlink(missing_ok=True)

    def _read(self, api_url: str) -> list[ServedModel] | None:
        try:
            data = json.loads(self.cache_file.read_text(encoding="utf-8"))
            if data["api_url"] != api_url:
                return None
            if not 0 <= self._clock() - float(data["fetched_at"]) < self.max_age_s:
                return None
            return [ServedModel(str(m["id"]), str(m["display_name"]),
                                parse_model_status(m.get("status")))
                    for m in data["models"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write(self, api_url: str, models: Sequence[ServedModel]) -> None:
        data = {"api_url": api_url, "fetched_at": self._clock(),
                "models": [{"id": m.id, "display_name": m.display_name,
                            "status": _status_json(m.status)} for m in models]}
        try:
            atomic_write_bytes(self.cache_file, json.dumps(data, indent=1).encode(),
                               durable=False)
        except OSError as error:  # a cache: the next run asks again
            log.warning("Could not keep the model list in %s: %s", self.cache_file, error)


def _status_json(status: ModelStatus | None) -> dict[str, str] | None:
    if status is None:
        return None
    data = {"modelStage": status.stage, "message": status.message}
    if status.retirement is not None:
        data["retirementTime"] = status.retirement.isoformat()
    return data


@dataclass(frozen=True)
class ModelChoice:
    model: str
    size: str
    automatic: bool  # chosen by the app, not named by the user
    status: ModelStatus | None = None


class SizeNotOfferedError(ConfigError):
    """The chosen size is not one the model makes: a usage error, before anything is sent."""


def _names(models: Sequence[ServedModel]) -> str:
    return ", ".join(m.id for m in models) or "none"


def choose_model(setting: str, size: str, served: Sequence[ServedModel]) -> ModelChoice:
    """The model to send to. Raises AccountProblemError (MODEL_UNAVAILABLE) when the service
    does not serve it, SizeNotOfferedError when it does not make ``size``."""
    by_id = {m.id: m for m in served}
    if setting == AUTOMATIC:
        candidates = [row for row in preference() if row.id in by_id]
        for row in candidates:
            if row.offers(size):
                return ModelChoice(row.id, size, True, by_id[row.id].status)
        if candidates:
            offered = "; ".join(f"{row.id}: {', '.join(row.sizes)}" for row in candidates)
            raise SizeNotOfferedError(
                f"No image model this key can use makes {size} images ({offered}). Choose "
                "another size.")
        raise AccountProblemError(
            AccountProblemKind.MODEL_UNAVAILABLE,
            "Google serves none of the image models ProductSnap knows to this key (image "
            f"models it serves: {_names(served)}). Choose a model in Settings, or update "
            "ProductSnap.")
    if setting not in by_id:
        others = [m for m in served if find_model(m.id) is not None] or list(served)
        raise AccountProblemError(
            AccountProblemKind.MODEL_UNAVAILABLE,
            f"Google no longer serves the model {setting} to this key. Image models this key "
            f"can use: {_names(others)}. Choose one in Settings (or \"automatic\"); the photos "
            "wait.")
    known = find_model(setting)
    if known is not None and not known.offers(size):
        raise SizeNotOfferedError(
            f"{setting} does not make {size} images; it offers {', '.join(known.sizes)}. "
            "Choose another size or model.")
    return ModelChoice(setting, size, False, by_id[setting].status)


def retirement_warning(model: str, status: ModelStatus | None) -> str | None:
    """"gemini-x will be retired on 15 January 2027; choose another model in Settings"."""
    if status is None or status.stage.upper() not in ("DEPRECATED", "RETIRING", "LEGACY"):
        return None
    when = _day(status.retirement)
    if when:
        return f"{model} will be retired on {when}; choose another model in Settings."
    return f"{model} is deprecated and will be retired; choose another model in Settings."


def _day(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return f"{moment.day} {moment.strftime('%B %Y')}"
