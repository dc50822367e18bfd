"""What the engine tells whoever runs it about the model: which one a live run uses, and that
Google will retire it (said once per model). Listeners are called on worker threads."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from app.services.gemini_answers import ModelStatus
from app.services.model_catalog import ModelChoice, retirement_warning

log = logging.getLogger(__name__)


class ModelNotices:
    def __init__(self) -> None:
        self.chosen: list[Callable[[ModelChoice], None]] = []
        self.warned: list[Callable[[str], None]] = []
        self.choice: ModelChoice | None = None  # the live model in use, once chosen
        self._said: set[str] = set()
        self._lock = threading.Lock()

    def model_chosen(self, choice: ModelChoice) -> None:
        with self._lock:
            if choice == self.choice:
                return
            self.choice = choice
        for listener in list(self.chosen):
            listener(choice)

    def status_seen(self, model: str, status: ModelStatus) -> None:
        text = retirement_warning(model, status)
        if text is None:
            return
        with self._lock:
            if model in self._said:
                return
            self._said.add(model)
        log.warning("%s", text)
        for listener in list(self.warned):
            listener(text)
