"""Finding a photo in a long history: the gallery filtered by status and by style, and the bar
above the gallery that sets the filter, the order (newest batch first, or oldest first) and the
marketplace every finished photo is checked against.

The filter is a ``QSortFilterProxyModel`` that never sorts: the gallery model keeps its rows in
display order itself, so the proxy only hides rows. With the filter off it accepts each row
without looking at the job, which keeps loading ten thousand rows as cheap as without it.
"""

from __future__ import annotations

from collections import Counter
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from app.core.job import JobStatus
from app.gui.gallery_model import GalleryModel
from app.gui.preset_picker import PresetPicker
from app.services.styles import all_styles

Index = QModelIndex | QPersistentModelIndex


class Show(StrEnum):
    ALL = "all"
    IN_PROGRESS = "in-progress"
    FAILED = "failed"
    DONE = "done"


STATUSES: dict[Show, frozenset[JobStatus]] = {
    Show.IN_PROGRESS: frozenset({JobStatus.QUEUED, JobStatus.PROCESSING}),
    # Cancelled photos were not made either: they are found where the failed ones are, and
    # "Retry" works on both.
    Show.FAILED: frozenset({JobStatus.FAILED, JobStatus.CANCELLED}),
    Show.DONE: frozenset({JobStatus.COMPLETED}),
}


class GalleryFilter(QSortFilterProxyModel):
    """The rows of the gallery model that match the status and style chosen."""

    filter_changed = Signal()

    def __init__(self, source: GalleryModel, parent: Any = None) -> None:
        super().__init__(parent)
        self._source = source
        self._show = Show.ALL
        self._statuses: frozenset[JobStatus] | None = None
        self._style: str | None = None
        self.setSourceModel(source)

    @property
    def show(self) -> Show:
        return self._show

    @property
    def style(self) -> str | None:
        return self._style

    @property
    def is_filtering(self) -> bool:
        return self._statuses is not None or self._style is not None

    def set_show(self, show: Show) -> None:
        self._change(show, self._style)

    def set_style(self, style: str | None) -> None:
        """Only the photos made in ``style``; None: every style."""
        self._change(self._show, style)

    def _change(self, show: Show, style: str | None) -> None:
        if show == self._show and style == self._style:
            return
        self.beginFilterChange()
        self._show = show
        self._statuses = STATUSES.get(show)
        self._style = style
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        self.filter_changed.emit()

    def clear_filter(self) -> None:
        self._change(Show.ALL, None)

    def accepts(self, job_id: str) -> bool:
        """Whether the job is shown under the current filter (False when it is not a row)."""
        row = self._source.row_of(job_id)
        return row is not None and self.filterAcceptsRow(row, QModelIndex())

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self._statuses is None and self._style is None:
            return True
        job = self._source.job_at(source_row)
        if job is None:
            return False
        if self._statuses is not None and job.status not in self._statuses:
            return False
        return self._style is None or job.style == self._style


class GalleryBar(QWidget):
    """Which photos (by status, by style), in which order; and how many of all are shown.

    Compact, so that on a laptop the batch and its controls fit beside it: the combo boxes keep
    one width whatever their counts say, and long style names are shortened when closed."""

    order_changed = Signal(bool)  # newest first

    def __init__(self, proxy: GalleryFilter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryBar")
        self._proxy = proxy
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        fixed = QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        self.status_box = QComboBox(self)
        self.status_box.setAccessibleName(self.tr("Show photos by status"))
        self.status_box.setToolTip(self.tr("Show all photos, or only those in progress, "
                                           "failed or done"))
        for show, text in self._status_texts().items():
            self.status_box.addItem(text, show.value)
        self.status_box.setSizeAdjustPolicy(fixed)
        self.status_box.setMinimumContentsLength(15)
        row.addWidget(self.status_box)

        self.style_box = QComboBox(self)
        self.style_box.setAccessibleName(self.tr("Show photos by style"))
        self.style_box.setToolTip(self.tr("Show the photos of every style, or of one"))
        self.style_box.setSizeAdjustPolicy(fixed)
        self.style_box.setMinimumContentsLength(12)
        self.style_box.addItem(self.tr("All styles"), "")
        for style in all_styles():
            self.style_box.addItem(style.name, style.id)
        row.addWidget(self.style_box)

        self.order_box = QComboBox(self)
        self.order_box.setAccessibleName(self.tr("Order of the photos"))
        self.order_box.setToolTip(self.tr("The newest photos first, or the oldest"))
        self.order_box.addItem(self.tr("Newest first"), True)
        self.order_box.addItem(self.tr("Oldest first"), False)
        row.addWidget(self.order_box)

        # Labelled: unlike the boxes before it, it does not hide photos but judges them.
        market_label = QLabel(self.tr("Check for:"), self)
        row.addSpacing(4)
        row.addWidget(market_label)
        self.market_box = PresetPicker(self)
        market_label.setBuddy(self.market_box)
        self.market_box.setToolTip(self.tr("The marketplace whose rules every finished photo "
                                           "is checked against: ✓ passes, ! warning, ✕ fails"))
        self.market_box.setSizeAdjustPolicy(fixed)
        self.market_box.setMinimumContentsLength(16)
        row.addWidget(self.market_box)

        self.shown = QLabel(self)
        self.shown.setAccessibleName(self.tr("Photos shown"))
        self.shown.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.shown, 1)

        self.status_box.activated.connect(
            lambda _n: proxy.set_show(Show(self.status_box.currentData())))
        self.style_box.activated.connect(
            lambda _n: proxy.set_style(self.style_box.currentData() or None))
        self.order_box.activated.connect(
            lambda _n: self.order_changed.emit(bool(self.order_box.currentData())))
        proxy.filter_changed.connect(self._sync)

    def _status_texts(self, counts: dict[Show, int] | None = None) -> dict[Show, str]:
        texts = {Show.ALL: self.tr("All photos"), Show.IN_PROGRESS: self.tr("In progress"),
                 Show.FAILED: self.tr("Failed or cancelled"), Show.DONE: self.tr("Done")}
        if counts:
            texts = {show: self.tr("%1 (%2)").replace("%1", text).replace("%2",
                                                                            str(counts[show]))
                     for show, text in texts.items()}
        return texts

    def set_newest_first(self, newest_first: bool) -> None:
        self.order_box.setCurrentIndex(self.order_box.findData(newest_first))

    def _sync(self) -> None:
        """The combo boxes follow the filter, also when it is changed from elsewhere."""
        self.status_box.setCurrentIndex(self.status_box.findData(self._proxy.show.value))
        self.style_box.setCurrentIndex(self.style_box.findData(self._proxy.style or ""))
        self.update_counts()

    def update_counts(self) -> None:
        """Each status with how many photos it has (of the style chosen, if one is), and "12 of
        340 shown" while filtering (the window calls this as it refreshes, at most a few times a
        second)."""
        source = self._proxy.sourceModel()
        assert isinstance(source, GalleryModel)
        counts = source.counts()
        if self._proxy.style is not None:
            # Counted for the style chosen: one pass over the jobs, only while it is chosen.
            counts = dict.fromkeys(JobStatus, 0)
            counts.update(Counter(j.status for j in source.jobs() if j.style == self._proxy.style))
        per_show = {Show.ALL: sum(counts.values())}
        for show, statuses in STATUSES.items():
            per_show[show] = sum(counts[s] for s in statuses)
        for n, text in enumerate(self._status_texts(per_show).values()):
            if self.status_box.itemText(n) != text:
                self.status_box.setItemText(n, text)
        if self._proxy.is_filtering:
            self.shown.setText(self.tr("%1 of %2 shown").replace(
                "%1", str(self._proxy.rowCount())).replace("%2", str(per_show[Show.ALL])))
        else:
            self.shown.setText("")
