"""Screenshots of the real app in its main states, for the README and resources/screenshots/.

    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python -m app.gui.screenshots \\
        resources/screenshots

Runs the app in demo mode on a fresh data folder, adds the shipped sample photos in several
styles, and saves: empty.png, batch-running.png, finished-detail.png, settings.png and
finished-dark.png (the same state under a dark palette).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

STYLES = ("studio_white", "lifestyle_kitchen", "flat_lay", "white_shadow", "outdoor",
          "lifestyle_living", "banner", "in_hand")
SIZE = (1280, 800)


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202124", QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#2a2b2e", QPalette.ColorRole.AlternateBase: "#303134",
        QPalette.ColorRole.Text: "#e8eaed", QPalette.ColorRole.Button: "#303134",
        QPalette.ColorRole.ButtonText: "#e8eaed", QPalette.ColorRole.Highlight: "#4c8df6",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#303134",
        QPalette.ColorRole.ToolTipText: "#e8eaed", QPalette.ColorRole.PlaceholderText: "#9aa0a6",
        QPalette.ColorRole.Mid: "#5f6368", QPalette.ColorRole.Dark: "#17181a",
        QPalette.ColorRole.Light: "#3c4043",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7f8389"))
    return palette


class Shooter:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.steps: list[tuple[Callable[[], bool], Callable[[], None]]] = []
        self.deadline = 0.0

    def when(self, condition: Callable[[], bool], action: Callable[[], None]) -> Shooter:
        self.steps.append((condition, action))
        return self

    def run(self) -> None:
        self.deadline = time.monotonic() + 120
        QTimer.singleShot(400, self._next)

    def _next(self) -> None:
        if not self.steps:
            QApplication.quit()
            return
        if time.monotonic() > self.deadline:
            print("screenshots: timed out", file=sys.stderr)
            QApplication.exit(1)
            return
        condition, action = self.steps[0]
        if condition():
            self.steps.pop(0)
            action()
            QTimer.singleShot(300, self._next)
        else:
            QTimer.singleShot(50, self._next)

    def save(self, widget: QWidget, name: str) -> None:
        refresh = getattr(widget, "refresh_ui", None)
        if refresh is not None:
            refresh()  # counts and progress as of this moment, not 120 ms ago
        QApplication.processEvents()
        path = self.out / name
        widget.grab().save(str(path))
        print(f"saved {path}")


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "resources/screenshots").absolute()
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="productsnap-shots-"))
    os.environ.update(PRODUCTSNAP_DATA_DIR=str(work / "data"),
                      PRODUCTSNAP_OUTPUT_DIR=str(work / "ProductSnap"))
    os.environ.pop("IMAGE_GENERATION_MODE", None)
    os.environ.pop("NANO_BANANA_API_KEY", None)

    from app.core.config import load_config
    from app.core.job import JobStatus
    from app.core.logging_setup import setup_logging
    from app.gui.application import app_icon, create_window, make_application
    from app.gui.samples import sample_photos

    app = make_application([argv[0]])
    app.setWindowIcon(app_icon())
    config = load_config()
    setup_logging(config.paths.logs, console=False)
    window = create_window(config)
    window.resize(*SIZE)
    window.show()
    shooter = Shooter(out)
    samples = [str(p) for p in sample_photos()]
    total = len(samples) * len(STYLES)
    counts = window.model.counts

    def add_batch() -> None:
        for style in STYLES:
            window.session.add_paths(samples, style)

    def running() -> bool:
        c = counts()
        return c[JobStatus.PROCESSING] >= 1 and c[JobStatus.COMPLETED] >= 3 and \
            c[JobStatus.QUEUED] >= 2

    def finished() -> bool:
        queue = window.session.queue
        return counts()[JobStatus.COMPLETED] == total and queue is not None and queue.is_idle

    def open_detail() -> None:
        jobs = window.model.jobs()
        pick = next((j for j in jobs if j.style == "lifestyle_kitchen"), jobs[0])
        window.gallery.scrollToTop()
        window.gallery.select_ids([pick.id], scroll=False)
        window.show_detail(pick.id)
        window.splitter.setSizes([780, 500])

    def open_settings() -> None:
        window.commands.open_settings()

    def settings_ready() -> bool:
        dialog = window.commands.settings_dialog
        return dialog is not None and dialog.key.keyring_ok is not None

    def save_settings() -> None:
        dialog = window.commands.settings_dialog
        assert dialog is not None  # settings_ready() saw it
        shooter.save(dialog, "settings.png")

    def go_dark() -> None:
        dialog = window.commands.settings_dialog
        assert dialog is not None  # opened two steps before
        dialog.reject()
        app.setPalette(dark_palette())

    shooter.when(lambda: window.session.queue is not None and window.isVisible(),
                 lambda: shooter.save(window, "empty.png"))
    shooter.when(lambda: True, add_batch)
    shooter.when(running, lambda: shooter.save(window, "batch-running.png"))
    shooter.when(finished, open_detail)
    shooter.when(lambda: window.detail.compare._after is not None,
                 lambda: shooter.save(window, "finished-detail.png"))
    shooter.when(lambda: True, open_settings)
    shooter.when(settings_ready, save_settings)
    shooter.when(lambda: True, go_dark)
    shooter.when(lambda: window.detail.compare._after is not None,
                 lambda: shooter.save(window, "finished-dark.png"))
    shooter.run()
    code = app.exec()
    window.session.shutdown()
    shutil.rmtree(work, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
