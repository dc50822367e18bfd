"""Screenshots of the real app in its main states, for the README and resources/screenshots/.

    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python -m app.gui.screenshots \\
        resources/screenshots

Runs the app in demo mode on a fresh data folder, adds the shipped sample photos in several
styles, and saves: empty.png, batch-running.png, finished-detail.png, settings.png and
finished-dark.png (the same state under a dark palette).

With ``--fit NAME`` the window is left at the size it chooses for the screen it opens on, and
one picture of the whole screen (what the user sees, nothing beyond its edges) is saved as
NAME, with a finished batch and the detail view open; ``--saved WxH`` first stores a window of
that size (as if last closed on a big monitor), so the picture shows how it is brought back:

    xvfb-run -a -s "-screen 0 1024x640x24" .venv/bin/python -m app.gui.screenshots \\
        resources/screenshots --fit small-1024x640.png --saved 1800x1100

With ``--marketplace`` the window keeps the size it chooses for the screen, and the pictures are
of getting ready to upload: marketplace-check.png (a photo on a kitchen backdrop in the detail
view, with its Amazon checks), export-dialog.png (Export... for a selection) and
export-summary.png (the summary after exporting those for Walmart with fixes):

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m app.gui.screenshots \\
        resources/screenshots --marketplace
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from app.core.job import Job
    from app.gui.main_window import MainWindow

STYLES = ("cutout_white", "lifestyle_kitchen", "flat_lay", "cutout_transparent", "outdoor",
          "lifestyle_living", "banner", "studio_white")
DETAIL = ("cutout_white", "espresso-cup.jpg")  # the job the detail view shows
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

    def save(self, widget: QWidget, name: str, whole_screen: bool = False) -> None:
        refresh = getattr(widget, "refresh_ui", None)
        if refresh is not None:
            refresh()  # counts and progress as of this moment, not 120 ms ago
        QApplication.processEvents()
        path = self.out / name
        if whole_screen:
            screen = widget.screen() or QGuiApplication.primaryScreen()
            screen.grabWindow(0).save(str(path))
            print(f"saved {path}: window {widget.frameGeometry().getRect()} on a screen of "
                  f"{screen.availableGeometry().getRect()}")
        else:
            widget.grab().save(str(path))
            print(f"saved {path}")


def store_saved_size(config_folder: Path, size: str) -> None:
    """A window geometry as saved by a window of ``size`` ("WxH") on a big monitor."""
    from PySide6.QtWidgets import QMainWindow

    width, height = (int(v) for v in size.lower().split("x"))
    big = QMainWindow()
    big.setGeometry(40, 40, width, height)
    config_folder.mkdir(parents=True, exist_ok=True)
    settings = QSettings(str(config_folder / "window.ini"), QSettings.Format.IniFormat)
    settings.setValue("geometry", big.saveGeometry())
    settings.sync()


def marketplace_steps(window: MainWindow, shooter: Shooter,
                      finished: Callable[[], bool]) -> None:
    """A kitchen shot checked against Amazon in the detail view; Export... for three photos;
    their export for Walmart with fixes (enlarged: the summary says so)."""
    def pick() -> Job:
        jobs = window.model.jobs()
        return next((j for j in jobs if j.style == "lifestyle_kitchen"), jobs[0])

    def open_detail() -> None:
        job = pick()
        window.banners.hide_banner("finished")  # as once its time is up
        window.gallery.select_ids([job.id])
        window.show_detail(job.id)

    def save_checks() -> None:
        # Scrolled as the user would, to the checks below the pictures.
        window.detail.body_scroll.ensureWidgetVisible(window.detail.market, 0, 12)
        shooter.save(window, "marketplace-check.png")

    def open_export() -> None:
        jobs = window.model.jobs()
        window.gallery.select_ids([j.id for j in jobs[:3]], scroll=False)
        window.exports.ask()

    def export() -> None:
        dialog = window.exports.dialog
        assert dialog is not None
        dialog.preset_box.set_preset("walmart")
        dialog.fix.setChecked(True)
        dialog.export_button.click()

    shooter.when(finished, open_detail)
    shooter.when(lambda: window.detail.compare._after is not None
                 and bool(window.detail.market.rows), save_checks)
    shooter.when(lambda: True, open_export)
    shooter.when(lambda: window.exports.dialog is not None,
                 lambda: shooter.save(shown(window.exports.dialog), "export-dialog.png"))
    shooter.when(lambda: True, export)
    shooter.when(lambda: window.exports.summary_box is not None,
                 lambda: shooter.save(shown(window.exports.summary_box), "export-summary.png"))


def shown(widget: QWidget | None) -> QWidget:
    assert widget is not None  # its step waited for it
    return widget


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="resources/screenshots")
    parser.add_argument("--fit", metavar="NAME", help="one picture of the whole screen")
    parser.add_argument("--saved", metavar="WxH", help="with --fit: a size saved before")
    parser.add_argument("--marketplace", action="store_true",
                        help="the marketplace check, the export dialog and its summary")
    args = parser.parse_args(argv[1:])
    out = Path(args.out).absolute()
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
    if args.fit and args.saved:
        store_saved_size(config.paths.config, args.saved)
    window = create_window(config)
    if not (args.fit or args.marketplace):
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
        pick = next((j for j in jobs if (j.style, j.name) == DETAIL), jobs[0])
        window.gallery.scrollToTop()
        window.gallery.select_ids([pick.id], scroll=False)
        window.show_detail(pick.id)
        window.splitter.setSizes([780, 500])

    def open_detail_fitting() -> None:
        """As a user would: a tile further down chosen, then the detail view opened (its
        splitter as the window chooses)."""
        jobs = window.model.jobs()
        pick = next((j for j in jobs if j.style == "lifestyle_kitchen"), jobs[0])
        window.gallery.select_ids([pick.id])
        window.show_detail(pick.id)

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

    if args.fit:
        fit_name: str = args.fit
        shooter.when(lambda: window.session.queue is not None and window.isVisible(), add_batch)
        shooter.when(finished, open_detail_fitting)
        shooter.when(lambda: window.detail.compare._after is not None,
                     lambda: shooter.save(window, fit_name, whole_screen=True))
        shooter.run()
        code = app.exec()
        window.session.shutdown()
        shutil.rmtree(work, ignore_errors=True)
        return code

    if args.marketplace:
        shooter.when(lambda: window.session.queue is not None and window.isVisible(), add_batch)
        marketplace_steps(window, shooter, finished)
        shooter.run()
        code = app.exec()
        window.session.shutdown()
        shutil.rmtree(work, ignore_errors=True)
        return code

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
