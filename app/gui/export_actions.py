"""Export... from the window (File menu, the gallery's context menu, the detail view): the dialog,
``export_job`` for each photo on the image pool (one after another: each decodes, maybe enlarges
and encodes a large picture), then a summary that says what was written where, how the files
fared against the marketplace's checks, and which were enlarged.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from app.checks.presets import Preset, get_preset
from app.core.job import Job
from app.gui.check_list import wants_real_item
from app.gui.dialogs import open_folder
from app.gui.export_dialog import ExportDialog, ExportRequest, Scope
from app.gui.market_checks import checkable
from app.gui.pools import run_for
from app.gui.verdict_mark import check_name

if TYPE_CHECKING:
    from app.checks.export import ExportResult
    from app.gui.main_window import MainWindow

log = logging.getLogger(__name__)


@dataclass
class ExportSummary:
    preset: Preset
    results: list[ExportResult] = field(default_factory=list)
    failures: list[tuple[Job, str]] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)

    @property
    def folders(self) -> list[Path]:
        return list(dict.fromkeys(result.output.parent for result in self.results))

    def count(self, verdict: str) -> int:
        return Counter(result.verdict for result in self.results)[verdict]


def _export(job: Job, preset: Preset, folder: Path | None, fix: bool, n: int,
            output_dir: Path) -> ExportResult:
    """Worker thread: one job's file. ExportError or OSError say why not."""
    from app.checks.export import export_folder, export_job

    return export_job(job, preset, folder or export_folder(output_dir, preset, job), fix=fix,
                      n=n)


def _reason(error: BaseException) -> str:
    from app.checks.export import ExportError

    if isinstance(error, ExportError):
        return str(error)
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        return f"could not write to{where}: {error.strerror or error}"
    return str(error) or type(error).__name__


class ExportActions(QObject):
    finished = Signal(object)  # ExportSummary

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: ExportDialog | None = None
        self.summary_box: QMessageBox | None = None
        self._request: ExportRequest | None = None
        self._summary: ExportSummary | None = None

    @property
    def running(self) -> bool:
        return self._request is not None

    def _status(self, text: str, ms: int = 6000) -> None:
        self.window.statusBar().showMessage(text, ms)

    # -- asking -------------------------------------------------------------------------------

    def scopes(self, job_ids: list[str]) -> list[Scope]:
        """The photos ``job_ids`` (those finished), their batches, every finished photo; each
        offered once, the narrowest first."""
        finished = [job for job in self.window.model.jobs() if checkable(job)]
        finished.sort(key=lambda job: job.created_at)  # as added: the running numbers follow
        chosen = set(job_ids)
        picked = tuple(job for job in finished if job.id in chosen)
        batches = {job.batch_id for job in picked}
        if not batches and finished:  # nothing chosen: the newest batch
            batches = {max(finished, key=lambda job: job.created_at).batch_id}
        batch = tuple(job for job in finished if job.batch_id in batches)
        scopes: list[Scope] = []
        if picked:
            scopes.append(Scope(self.tr("This photo") if len(picked) == 1 else
                                self.tr("The %1 selected photos").replace("%1",
                                                                          str(len(picked))),
                                picked))
        if batch and len(batch) != len(picked):
            label = (self.tr("The newest batch: %1 photos") if not picked else
                     self.tr("Its batch: %1 photos") if len(batches) == 1 else
                     self.tr("Their batches: %1 photos"))
            scopes.append(Scope(label.replace("%1", str(len(batch))), batch))
        if finished and len(finished) != len(scopes[-1].jobs if scopes else ()):
            scopes.append(Scope(self.tr("All finished photos: %1").replace(
                "%1", str(len(finished))), tuple(finished)))
        return scopes

    def ask(self, job_ids: list[str] | None = None) -> None:
        """The dialog for ``job_ids`` (the gallery's selection when not given)."""
        if self.running:
            self._status(self.tr("An export is under way; wait until it is done."))
            return
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        ids = self.window.gallery.selected_ids() if job_ids is None else job_ids
        scopes = self.scopes(ids)
        if not scopes:
            self._status(self.tr("There is no finished photo to export yet."))
            return
        config = self.window.session.config
        dialog = ExportDialog(scopes, self.window.checks.preset.id, Path(config.output_dir),
                              self.window)
        dialog.export_requested.connect(self.start)
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, _result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()

    # -- exporting, one job after another -------------------------------------------------------

    def start(self, request: ExportRequest) -> None:
        if self.running or not request.jobs:
            return
        self._request = request
        self._summary = ExportSummary(get_preset(request.preset_id), jobs=list(request.jobs))
        self._next()

    def _next(self) -> None:
        request, summary = self._request, self._summary
        assert request is not None and summary is not None
        done = len(summary.results) + len(summary.failures)
        if done == len(request.jobs):
            self._finish()
            return
        job, n = request.jobs[done], done + 1
        self._status(self.tr("Exporting %1 of %2 for %3…").replace("%1", str(n)).replace(
            "%2", str(len(request.jobs))).replace("%3", summary.preset.name), 0)
        preset, output_dir = summary.preset, Path(self.window.session.config.output_dir)
        run_for(self, self.window.pools.images,
                lambda: _export(job, preset, request.folder, request.fix, n, output_dir),
                on_done=lambda result: self._exported(job, result),
                on_error=lambda error: self._failed(job, error))

    def _exported(self, job: Job, result: ExportResult) -> None:
        assert self._summary is not None
        self._summary.results.append(result)
        self.window.checks.note_export(job.id, result)
        self._next()

    def _failed(self, job: Job, error: BaseException) -> None:
        assert self._summary is not None
        log.warning("Export of %s failed: %s", job.id, error)
        self._summary.failures.append((job, _reason(error)))
        self._next()

    def _finish(self) -> None:
        summary = self._summary
        assert summary is not None
        self._request, self._summary = None, None
        self._status(self.summary_text(summary))
        self.finished.emit(summary)
        self._show_summary(summary)

    # -- the summary ---------------------------------------------------------------------------

    def summary_text(self, summary: ExportSummary) -> str:
        """"Exported 3 photos for Amazon main image to FOLDER." (or that nothing was)."""
        exported = len(summary.results)
        if not exported:
            return self.tr("Nothing was exported for %1.").replace("%1", summary.preset.name)
        text = (self.tr("Exported 1 photo for %2 to %3.") if exported == 1 else
                self.tr("Exported %1 photos for %2 to %3."))
        folders = self.tr(" and ").join(str(folder) for folder in summary.folders)
        return text.replace("%1", str(exported)).replace("%2", summary.preset.name).replace(
            "%3", folders)

    def summary_details(self, summary: ExportSummary) -> str:
        """How the files fared, which were enlarged, what was not exported."""
        lines: list[str] = []
        if summary.results:
            lines.append(self.tr("Checked against %4's rules: %1 pass, %2 with warnings, %3 "
                                 "fail.").replace("%1", str(summary.count("pass"))).replace(
                "%2", str(summary.count("warn"))).replace("%3", str(summary.count("fail")))
                .replace("%4", summary.preset.name))
            if summary.count("pass") < len(summary.results):
                lines[-1] += " " + self.tr("Show Details says what each file lacks.")
        upscaled = [result.output.name for result in summary.results if result.upscaled]
        if upscaled:
            lines.append(self.tr("Upscaled (enlarged from the model's size, with no more detail "
                                 "than that): %1.").replace("%1", ", ".join(upscaled)))
        for job, reason in summary.failures:
            lines.append(self.tr("Not exported: %1: %2").replace("%1", job.name).replace(
                "%2", reason))
        if any(wants_real_item(summary.preset, job) for job in summary.jobs):
            lines.append(summary.preset.note)
        return "\n\n".join(lines)

    def _file_lines(self, summary: ExportSummary) -> str:
        """Each file with its verdict and what did not pass (the dialog's Show Details)."""
        lines: list[str] = []
        for result in summary.results:
            size = result.rendered.size
            lines.append(f"{result.verdict}: {result.output.name} ({size[0]} x {size[1]} px)")
            lines.extend(f"    {check_name(check.id)}: {check.message}"
                         for check in result.report.checks if check.verdict != "pass")
        return "\n".join(lines)

    def _show_summary(self, summary: ExportSummary) -> None:
        if self.summary_box is not None:
            self.summary_box.close()
        failed = not summary.results
        box = QMessageBox(QMessageBox.Icon.Warning if failed else QMessageBox.Icon.Information,
                          self.tr("Export finished"), self.summary_text(summary),
                          QMessageBox.StandardButton.Close, self.window)
        box.setInformativeText(self.summary_details(summary))
        if summary.results:
            box.setDetailedText(self._file_lines(summary))
            folder = summary.folders[0]
            opener = box.addButton(self.tr("Open folder"), QMessageBox.ButtonRole.ActionRole)
            opener.setObjectName("openFolder")
            # ActionRole closes the box as well; the folder opens on the way.
            opener.clicked.connect(lambda: open_folder(folder))
        box.finished.connect(lambda _code: self._summary_closed(box))
        self.summary_box = box
        box.open()

    def _summary_closed(self, box: QMessageBox) -> None:
        if self.summary_box is box:
            self.summary_box = None
        box.deleteLater()
