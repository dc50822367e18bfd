"""The job queue as the window needs it: demo jobs that leave the GUI thread a core."""

from __future__ import annotations

import os

from PySide6.QtCore import QObject

from app.core.config import Config, Mode
from app.core.engine import Engine
from app.worker import JobQueue


def worker_count(config: Config) -> int:
    """Live jobs wait on the network: run as many as configured. Demo jobs are pure CPU work in
    Python threads: leave a core (and the GIL) to the GUI thread."""
    if config.mode is Mode.MOCK:
        return max(1, min(int(config.parallel), (os.cpu_count() or 2) - 1))
    return int(config.parallel)


class GuiJobQueue(JobQueue):
    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(engine, worker_count(engine.config), parent)

    def reconfigure(self, config: Config) -> None:
        super().reconfigure(config)
        self.set_parallel(worker_count(config))
