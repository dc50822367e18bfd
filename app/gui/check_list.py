"""The detail view's marketplace section: the verdict for the chosen marketplace, every check with
its mark and its reason, the exports of this session that were enlarged, and Etsy's word on
generated pictures when it applies.

The report comes from ``MarketplaceChecks`` (made off the GUI thread); this only shows it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.checks.presets import AiPolicy, Preset
from app.core.job import Job
from app.gui import theme
from app.gui.market_checks import MarketplaceChecks, checkable
from app.gui.verdict_mark import check_name, colour, mark_pixmap, verdict_word

MARK_EDGE = 16


def wants_real_item(preset: Preset, job: Job) -> bool:
    """The marketplace wants photos of the real item and this is a picture the model drew
    whole (a live result of a style that redraws the product), as the command line says."""
    if preset.ai_policy is not AiPolicy.REAL_ITEM or job.mode != "live":
        return False
    # Here, not at the top: it loads Pillow, which the window must not read at start-up.
    from app.checks.provenance import TRAINED_ALGORITHMIC_MEDIA, source_type_for

    return source_type_for(job) == TRAINED_ALGORITHMIC_MEDIA


def _wrapping(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    # Ignored: a long reason wraps in the panel's width rather than widening the panel.
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class CheckList(QWidget):
    def __init__(self, checks: MarketplaceChecks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkList")
        self.setAccessibleName(self.tr("Marketplace check"))
        self._checks = checks
        self._job: Job | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(6)
        self.title = _wrapping("", self)
        self.title.setFont(theme.scaled_font(self.font(), 1.05, bold=True))
        layout.addWidget(self.title)
        self.real_item = _wrapping("", self)
        self.real_item.setObjectName("realItemNote")
        self.real_item.setStyleSheet(f"color: {theme.WARNING_ACCENT};")
        layout.addWidget(self.real_item)
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(8)
        self._grid.setVerticalSpacing(5)
        self._grid.setColumnStretch(1, 1)
        layout.addLayout(self._grid)
        self.upscaled = _wrapping("", self)
        self.upscaled.setObjectName("upscaledNote")
        layout.addWidget(self.upscaled)
        self.rows: list[tuple[str, str, str]] = []  # (check id, verdict, message) as shown
        checks.checked.connect(self._job_checked)
        checks.upscaled_noted.connect(self._job_checked)
        checks.preset_changed.connect(lambda _id: self.show_job(self._job))
        self.hide()

    def show_job(self, job: Job | None) -> None:
        """Show the checks of ``job`` for the chosen marketplace (asked for first when not
        known yet); hidden for a job without a result."""
        self._job = job
        if job is None or not checkable(job):
            self.hide()
            return
        preset = self._checks.preset
        report = self._checks.report(job, urgent=True)
        verdict, rows = report if report is not None else ("", ())
        self.title.setText(self.tr("%1: %2").replace("%1", preset.name).replace(
            "%2", verdict_word(verdict)))
        self.title.setStyleSheet(f"color: {colour(verdict).name()};" if verdict else "")
        self.real_item.setText(preset.note)
        self.real_item.setVisible(wants_real_item(preset, job))
        if list(rows) != self.rows:
            self._fill(list(rows))
        notes = [self.tr("Upscaled for %1: the exported file (%2) was enlarged from %3 to %4 "
                         "px; it has no more detail than the model made.")
                 .replace("%1", u.preset_name).replace("%2", u.output)
                 .replace("%3", str(u.native_edge)).replace("%4", str(u.edge))
                 for u in self._checks.upscaled(job.id)]
        self.upscaled.setText("\n".join(notes))
        self.upscaled.setVisible(bool(notes))
        self.show()

    def _fill(self, rows: list[tuple[str, str, str]]) -> None:
        while (item := self._grid.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        dpr = self.devicePixelRatioF()
        for n, (check_id, verdict, message) in enumerate(rows):
            mark = QLabel(self)
            mark.setPixmap(mark_pixmap(verdict, MARK_EDGE, dpr))
            mark.setAccessibleName(verdict_word(verdict))
            # Name and reason in one wrapped line: no column of names taking the width a long
            # reason needs in a narrow panel.
            reason = _wrapping(f"<b>{html.escape(check_name(check_id))}</b>: "
                               f"{html.escape(message)}", self)
            reason.setTextFormat(Qt.TextFormat.RichText)
            reason.setAccessibleName(check_name(check_id))
            reason.setAccessibleDescription(message)
            self._grid.addWidget(mark, n, 0, Qt.AlignmentFlag.AlignTop)
            self._grid.addWidget(reason, n, 1)
        self.rows = rows

    def _job_checked(self, job_id: str) -> None:
        if self._job is not None and self._job.id == job_id:
            self.show_job(self._job)
