"""A long history: the newest batch first (photos of a batch in the order added), filters by
status and by style that keep the selection and say how many are shown, new photos where the
user is looking, and ten thousand rows that stay cheap to filter."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from app.core.config import Config
from app.core.job import Job, JobStatus
from app.gui.gallery_filter import GalleryFilter, Show
from app.gui.gallery_model import GalleryModel
from tests.gui.conftest import WindowFactory, make_photos
from tests.gui.test_main_window import all_done, drop, mime_with


def job(n: int, batch: int, status: JobStatus = JobStatus.COMPLETED, style: str = "studio_white",
        **values: object) -> Job:
    """Jobs of one batch share their creation time, as the store makes them."""
    base = Job(id=f"j{n:05}", source_path=f"/photos/p{n}.jpg", style=style, status=status,
               mode="mock", created_at=1000.0 + batch)
    return dataclasses.replace(base, **values)


def names(model: GalleryFilter | GalleryModel) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_the_newest_batch_comes_first_in_the_order_it_was_added() -> None:
    model = GalleryModel(newest_first=True)
    model.add_jobs([job(1, 1), job(2, 1), job(3, 1)])
    model.add_jobs([job(4, 2), job(5, 2)])
    assert names(model) == ["p4.jpg", "p5.jpg", "p1.jpg", "p2.jpg", "p3.jpg"]
    assert model.row_of("j00001") == 2

    # The history arrives oldest first, a chunk at a time, a batch split between two chunks.
    history = GalleryModel(newest_first=True)
    jobs = [job(n, n // 4) for n in range(12)]
    history.add_jobs(jobs[:6])
    history.add_jobs(jobs[6:])
    assert names(history) == [f"p{n}.jpg" for n in (8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3)]
    assert [history.row_of(j.id) for j in jobs] == [8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3]

    history.remove_ids(["j00005", "j00009"])
    assert names(history) == [f"p{n}.jpg" for n in (8, 10, 11, 4, 6, 7, 0, 1, 2, 3)]
    history.add_jobs([job(12, 9)])
    assert history.row_of("j00012") == 0


def test_changing_the_order_keeps_the_selection(qtbot: QtBot) -> None:
    model = GalleryModel(newest_first=True)
    model.add_jobs([job(n, n // 3) for n in range(9)])
    proxy = GalleryFilter(model)
    selection = QItemSelectionModel(proxy)
    chosen = proxy.mapFromSource(model.index_of("j00007"))
    selection.setCurrentIndex(chosen, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    model.set_newest_first(False)
    assert names(model) == [f"p{n}.jpg" for n in range(9)]
    assert selection.currentIndex().data() == "p7.jpg"
    assert [i.data() for i in selection.selectedIndexes()] == ["p7.jpg"]


def test_filters_by_status_and_style() -> None:
    model = GalleryModel(newest_first=True)
    model.add_jobs([
        job(1, 1), job(2, 1, JobStatus.FAILED), job(3, 1, JobStatus.QUEUED),
        job(4, 2, JobStatus.PROCESSING, style="flat_lay"), job(5, 2, style="flat_lay"),
        job(6, 2, JobStatus.CANCELLED, style="flat_lay"),
    ])
    proxy = GalleryFilter(model)
    assert proxy.rowCount() == 6 and not proxy.is_filtering
    proxy.set_show(Show.IN_PROGRESS)
    assert names(proxy) == ["p4.jpg", "p3.jpg"]
    proxy.set_show(Show.FAILED)  # the cancelled ones too: "Retry" works on both
    assert names(proxy) == ["p6.jpg", "p2.jpg"]
    proxy.set_show(Show.DONE)
    assert names(proxy) == ["p5.jpg", "p1.jpg"]
    proxy.set_style("flat_lay")
    assert names(proxy) == ["p5.jpg"]
    assert proxy.accepts("j00005") and not proxy.accepts("j00001")

    # A job that changes its status leaves or joins the filtered rows.
    model.update_job(job(4, 2, JobStatus.COMPLETED, style="flat_lay"))
    assert names(proxy) == ["p4.jpg", "p5.jpg"]
    proxy.clear_filter()
    assert proxy.rowCount() == 6


def test_the_bar_sets_the_filter_and_says_how_many_are_shown(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config) -> None:
    window = open_window(mock_config)
    window.model.add_jobs([job(1, 1), job(2, 1, JobStatus.FAILED), job(3, 2, style="flat_lay")])
    window.refresh_ui()
    bar = window.gallery_bar
    assert bar.isVisible()
    assert bar.status_box.itemText(0) == "All photos (3)"
    assert bar.status_box.itemText(2) == "Failed or cancelled (1)"

    bar.status_box.setCurrentIndex(bar.status_box.findData(Show.FAILED.value))
    bar.status_box.activated.emit(bar.status_box.currentIndex())
    assert window.gallery.proxy.rowCount() == 1
    assert bar.shown.text() == "1 of 3 shown"

    # Selecting a photo the filter hides (the duplicates banner's "Show them") shows all again.
    window.gallery.select_ids(["j00003"])
    assert window.gallery.proxy.rowCount() == 3
    assert bar.status_box.currentData() == Show.ALL.value
    assert window.gallery.selected_ids() == ["j00003"]
    assert bar.shown.text() == ""

    bar.style_box.setCurrentIndex(bar.style_box.findData("flat_lay"))
    bar.style_box.activated.emit(bar.style_box.currentIndex())
    assert window.gallery.selected_ids() == ["j00003"]  # still shown: still selected

    bar.order_box.setCurrentIndex(bar.order_box.findData(False))
    bar.order_box.activated.emit(bar.order_box.currentIndex())
    assert window.model.row_of("j00001") == 0


def test_new_photos_appear_at_the_top_and_past_a_filter(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path) -> None:
    window = open_window(mock_config)
    drop(window, mime_with(make_photos(tmp_path / "first", 12, "first")))
    qtbot.waitUntil(all_done(window, 12), timeout=20_000)
    window.gallery.scrollToBottom()
    window.gallery.proxy.set_show(Show.FAILED)  # nothing failed: an empty gallery
    assert window.gallery.proxy.rowCount() == 0

    drop(window, mime_with(make_photos(tmp_path / "second", 2, "second")))
    qtbot.waitUntil(lambda: window.model.rowCount() == 14, timeout=10_000)
    assert window.gallery.proxy.show is Show.ALL  # the filter would have hidden them
    assert [window.model.job_at(r).name for r in (0, 1)] == ["second000.jpg", "second001.jpg"]
    qtbot.waitUntil(lambda: window.gallery.verticalScrollBar().value() == 0, timeout=2000)
    qtbot.waitUntil(all_done(window, 14), timeout=20_000)


def test_ten_thousand_rows_filter_quickly(qtbot: QtBot) -> None:
    model = GalleryModel(newest_first=True)
    statuses = list(JobStatus)
    started = time.perf_counter()
    for chunk in range(10):  # as the history loads: a chunk at a time
        model.add_jobs([job(n, n // 50, statuses[n % 5]) for n in
                        range(chunk * 1000, chunk * 1000 + 1000)])
    loaded = time.perf_counter() - started
    proxy = GalleryFilter(model)
    started = time.perf_counter()
    proxy.set_show(Show.FAILED)
    filtered = time.perf_counter() - started
    assert proxy.rowCount() == 4000
    proxy.clear_filter()
    assert proxy.rowCount() == 10_000
    assert model.job_at(0).created_at == 1000.0 + 199  # the newest batch on top
    # Generous bounds (slow CI machines): the point is no per-comparison sorting in Python.
    assert loaded < 2.0 and filtered < 1.0
