"""The gallery model's rows and roles as jobs change (a warning shown on its tile, the failed
photos worth retrying counted), and the thumbnail loader behind it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QCoreApplication, QRect, Qt, QThreadPool
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QListView, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from app.core.job import Job, JobStatus
from app.gui.gallery_model import GalleryModel, Role, short_error
from app.gui.theme import TILE, WARNING_ACCENT
from app.gui.thumbnails import ThumbnailLoader, load_image
from app.gui.tile_delegate import TileDelegate


def job(n: int, status: JobStatus = JobStatus.QUEUED, **values: object) -> Job:
    base = Job(id=f"job{n:04}", source_path=f"/photos/p{n}.jpg", style="studio_white",
               status=status, mode="mock", created_at=float(n))
    return dataclasses.replace(base, **values)


def test_rows_follow_jobs_as_they_are_added_changed_and_removed(qtbot: QtBot) -> None:
    model = GalleryModel()
    with qtbot.waitSignal(model.rowsInserted):
        assert model.add_jobs([job(1), job(2), job(3)]) == ["job0001", "job0002", "job0003"]
    assert model.rowCount() == 3
    assert model.counts()[JobStatus.QUEUED] == 3

    # Adding a job again updates it in place: no second row.
    assert model.add_jobs([job(2, JobStatus.PROCESSING)]) == []
    assert model.rowCount() == 3

    changed: list[int] = []
    model.dataChanged.connect(lambda top, bottom, roles=(): changed.append(top.row()))
    with qtbot.waitSignal(model.counts_changed):
        assert model.update_job(job(3, JobStatus.COMPLETED))
    assert changed == [2]  # only that row
    assert not model.update_job(job(3, JobStatus.COMPLETED))  # unchanged: no signal
    assert not model.update_job(job(99))  # not shown

    model.remove_ids(["job0001", "job0003"])
    assert model.rowCount() == 1
    assert model.row_of("job0002") == 0
    assert model.counts()[JobStatus.COMPLETED] == 0


def test_roles_describe_each_tile() -> None:
    model = GalleryModel()
    model.add_jobs([
        job(1, JobStatus.COMPLETED, result_path="/r.png"),
        job(2, JobStatus.FAILED, error="This photo is too small (90 × 90 pixels). Use one..."),
        job(3, JobStatus.COMPLETED, mode="live", model="gemini-2.5-flash-image"),
    ])
    first, second, third = (model.index(r, 0) for r in range(3))
    assert first.data() == "p1.jpg"
    assert first.data(Role.STYLE_NAME) == "White packshot"
    assert first.data(Role.IS_DEMO) is True
    assert first.data(Role.HAS_RESULT) is True
    assert third.data(Role.IS_DEMO) is False  # a live result carries no DEMO mark
    assert JobStatus(second.data(Role.STATUS)) is JobStatus.FAILED
    assert second.data(Role.SHORT_ERROR) == "This photo is too small (90 × 90 pixels)"
    assert "too small" in second.data(Qt.ItemDataRole.ToolTipRole)
    assert model.roleNames()[Role.JOB_ID] == b"job_id"


def test_short_error_is_one_short_sentence() -> None:
    long = job(1, JobStatus.FAILED, error="x" * 200)
    assert len(short_error(long)) <= 60


def test_ten_thousand_rows_insert_at_once(qtbot: QtBot) -> None:
    model = GalleryModel()
    jobs = [job(n, JobStatus.COMPLETED) for n in range(10_000)]
    model.add_jobs(jobs)
    assert model.rowCount() == 10_000
    assert model.row_of("job9999") == 9999


def test_thumbnails_load_off_thread_and_stale_results_are_dropped(qtbot: QtBot,
                                                                  tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    Image.new("RGB", (2400, 1200), (200, 20, 20)).save(path, "JPEG")
    image = load_image(str(path), 256)
    assert (image.width(), image.height()) == (256, 128)

    pool = QThreadPool()
    loader = ThumbnailLoader(pool, edge=128)
    assert loader.pixmap(str(path)) is None  # a miss starts a load
    with qtbot.waitSignal(loader.thumbnail_loaded, timeout=5000) as loaded:
        pass
    assert loaded.args == [str(path)]
    pixmap = loader.cached(str(path))
    assert pixmap is not None and max(pixmap.width(), pixmap.height()) == 128

    loader.clear()
    assert loader.pixmap(str(path)) is None
    loader.clear()  # the answer to the request above is now stale and must be dropped
    pool.waitForDone()
    QCoreApplication.processEvents()
    QCoreApplication.processEvents()
    assert loader.cached(str(path)) is None


def paint_tile(model: GalleryModel, row: int) -> QImage:
    """The tile as the gallery paints it, into an image."""
    view = QListView()
    view.setModel(model)
    delegate = TileDelegate(view)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, TILE.width(), TILE.height())
    image = QImage(TILE, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    delegate.paint(painter, option, model.index(row, 0))
    painter.end()
    return image


def warning_pixels(image: QImage) -> int:
    """Pixels of the warning accent in the thumbnail's top right corner."""
    accent = QColor(WARNING_ACCENT)
    count = 0
    for x in range(TILE.width() - 60, TILE.width()):
        for y in range(0, 60):
            pixel = image.pixelColor(x, y)
            if (abs(pixel.red() - accent.red()) < 12 and abs(pixel.green() - accent.green()) < 12
                    and abs(pixel.blue() - accent.blue()) < 12):
                count += 1
    return count


def test_a_job_with_a_warning_shows_it_on_its_tile(qtbot: QtBot) -> None:
    model = GalleryModel()
    note = "small photo: the result may lack detail"
    model.add_jobs([job(1, JobStatus.COMPLETED, warning=note), job(2, JobStatus.COMPLETED)])
    warned, plain = model.index(0, 0), model.index(1, 0)
    assert warned.data(Role.WARNING) == note and plain.data(Role.WARNING) == ""
    assert note in warned.data(Qt.ItemDataRole.ToolTipRole)
    assert note in warned.data(Qt.ItemDataRole.AccessibleTextRole)
    assert note not in plain.data(Qt.ItemDataRole.ToolTipRole)
    # Painted: a mark in the corner (and "small photo" beside the badge), none without one.
    assert warning_pixels(paint_tile(model, 0)) > 40
    assert warning_pixels(paint_tile(model, 1)) == 0


def test_the_retry_count_leaves_out_photos_that_can_never_work() -> None:
    model = GalleryModel()
    model.add_jobs([job(1, JobStatus.FAILED), job(2, JobStatus.FAILED, error_kind="photo"),
                    job(3, JobStatus.COMPLETED)])
    assert model.retryable_count() == 1
    model.update_job(job(1, JobStatus.QUEUED))
    assert model.retryable_count() == 0
    model.remove_ids(["job0002"])
    model.add_jobs([job(4, JobStatus.FAILED), job(5, JobStatus.FAILED)])
    assert model.retryable_count() == 2
