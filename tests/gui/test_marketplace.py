"""Ready to upload, in the window: each finished photo judged against the chosen marketplace (a
mark on its tile, every check in the detail view), the choice remembered, Export... writing the
files with a summary, an enlarged export said to be enlarged, and Etsy's word on generated
pictures. Demo mode, real files: the results are the demo's, the exports are read back."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from app.checks.presets import get_preset
from app.core.config import Config
from app.core.job import Job, JobStatus
from app.gui import detail_view
from app.gui.check_list import CheckList
from app.gui.gallery_model import Role
from app.gui.main_window import MainWindow
from app.gui.market_checks import MarketplaceChecks
from app.gui.pools import Pools
from tests.gui.conftest import WindowFactory, make_photos
from tests.gui.test_main_window import all_done, drop, mime_with


def finished_window(qtbot: QtBot, open_window: WindowFactory, config: Config, folder: Path,
                    count: int = 1, style: str = "studio_white") -> MainWindow:
    window = open_window(config)
    window.style_picker.set_current_style(style)
    drop(window, mime_with(make_photos(folder, count)))
    qtbot.waitUntil(all_done(window, count), timeout=20_000)
    return window


def tile(window: MainWindow, row: int = 0) -> QModelIndex:
    return window.model.index(row, 0)


def choose_marketplace(window: MainWindow, preset_id: str) -> None:
    """As the user does: the bar's picker, activated."""
    box = window.gallery_bar.market_box
    box.setCurrentIndex(box.findData(preset_id))
    box.activated.emit(box.currentIndex())


def test_a_demo_result_on_a_backdrop_fails_amazon_and_passes_the_original_preset(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path) -> None:
    window = finished_window(qtbot, open_window, mock_config, tmp_path / "p",
                             style="lifestyle_kitchen")
    assert window.gallery_bar.market_box.current_preset() == "amazon"  # the default
    qtbot.waitUntil(lambda: tile(window).data(Role.MARKET) == "fail", timeout=10_000)
    tooltip = tile(window).data(Qt.ItemDataRole.ToolTipRole)
    assert "Amazon main image: fails" in tooltip
    assert "the background is not white" in tooltip
    assert "pure white 255,255,255" in tooltip

    job = window.model.job_at(0)
    window.show_detail(job.id)
    market = window.detail.market
    qtbot.waitUntil(lambda: bool(market.rows), timeout=10_000)
    assert market.isVisibleTo(window.detail)
    assert market.title.text() == "Amazon main image: fails"
    # Every check is listed with its verdict and reason, the failing background among them.
    listed = {check_id: (verdict, message) for check_id, verdict, message in market.rows}
    assert set(listed) == {"readable", "background", "fill", "size", "format", "colour"}
    assert listed["background"][0] == "fail"
    assert "not white" in listed["background"][1]
    assert listed["readable"][0] == "pass"
    assert not market.real_item.isVisibleTo(market)  # a demo result: no Etsy note anyway

    choose_marketplace(window, "original")
    assert window.checks.preset.id == "original"
    qtbot.waitUntil(lambda: tile(window).data(Role.MARKET) == "pass", timeout=10_000)
    assert "Original (no marketplace): passes" in tile(window).data(Qt.ItemDataRole.ToolTipRole)
    qtbot.waitUntil(lambda: market.title.text() == "Original (no marketplace): passes",
                    timeout=10_000)
    assert all(verdict == "pass" for _id, verdict, _message in market.rows)


def test_the_chosen_marketplace_is_remembered(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config) -> None:
    window = open_window(mock_config)
    choose_marketplace(window, "walmart")
    window.save_layout()  # as closing the window does
    window.session.shutdown(10_000)

    again = open_window(mock_config)
    assert again.checks.preset.id == "walmart"
    assert again.gallery_bar.market_box.current_preset() == "walmart"


def test_export_writes_the_selection_into_the_chosen_folder_and_sums_it_up(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path) -> None:
    window = finished_window(qtbot, open_window, mock_config, tmp_path / "p", count=3)
    chosen = [window.model.job_at(0).id, window.model.job_at(2).id]
    window.gallery.select_ids(chosen)
    window.actions_by_name["export"].trigger()  # File > Export...
    dialog = window.exports.dialog
    assert dialog is not None
    assert dialog.scope_box.currentText() == "The 2 selected photos"
    # Or their whole batch (here every finished photo, so that is not offered twice).
    assert [dialog.scope_box.itemText(n) for n in range(dialog.scope_box.count())] == [
        "The 2 selected photos", "Its batch: 3 photos"]
    assert dialog.preset_box.current_preset() == "amazon"  # the gallery's marketplace
    assert not dialog.fix.isChecked()  # the model's pixels as they are, unless asked
    target = tmp_path / "for amazon"
    dialog.folder_edit.clear()
    qtbot.keyClicks(dialog.folder_edit, str(target))
    dialog.export_button.click()

    qtbot.waitUntil(lambda: window.exports.summary_box is not None, timeout=20_000)
    box = window.exports.summary_box
    assert box.text() == f"Exported 2 photos for Amazon main image to {target}."
    counts = re.search(r"(\d+) pass, (\d+) with warnings, (\d+) fail", box.informativeText())
    assert counts is not None and sum(int(n) for n in counts.groups()) == 2
    written = sorted(target.iterdir())
    assert [p.name for p in written] == ["photo000.MAIN.jpg", "photo002.MAIN.jpg"]
    for path in written:
        with Image.open(path) as image:
            assert image.format == "JPEG" and image.mode == "RGB"
    assert box.findChild(type(dialog.export_button), "openFolder") is not None
    assert not window.exports.running


def test_an_export_that_enlarged_the_result_says_so(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path) -> None:
    window = finished_window(qtbot, open_window, mock_config, tmp_path / "p")
    job = window.model.job_at(0)
    window.show_detail(job.id)
    window.detail.buttons[detail_view.EXPORT].click()
    dialog = window.exports.dialog
    assert dialog is not None and dialog.scope_box.currentText() == "This photo"
    dialog.preset_box.set_preset("walmart")
    default = Path(mock_config.output_dir) / "Demo" / "walmart"  # demo exports stay apart
    assert dialog.folder_edit.text() == str(default)
    dialog.fix.setChecked(True)
    dialog.export_button.click()

    qtbot.waitUntil(lambda: window.exports.summary_box is not None, timeout=30_000)
    box = window.exports.summary_box
    assert box.text() == f"Exported 1 photo for Walmart to {default}."
    (written,) = default.iterdir()
    assert f"Upscaled (enlarged from the model's size, with no more detail than that): " \
           f"{written.name}." in box.informativeText()
    with Image.open(written) as image:
        assert image.format == "JPEG" and image.size == (2200, 2200)

    assert tile(window).data(Role.UPSCALED) is True
    assert "Upscaled for Walmart: enlarged from 1024 to 2200 px" in \
        tile(window).data(Qt.ItemDataRole.ToolTipRole)
    note = window.detail.market.upscaled
    assert note.isVisibleTo(window.detail.market)
    assert "enlarged from 1024 to 2200 px" in note.text() and str(written) in note.text()


def test_etsy_asks_for_the_real_item_beside_a_live_generated_result(
        qtbot: QtBot, tmp_path: Path) -> None:
    result = tmp_path / "result.png"
    Image.new("RGB", (64, 64), (200, 200, 200)).save(result)
    live = Job(id="live1", source_path="/photos/mug.jpg", style="lifestyle_kitchen",
               status=JobStatus.COMPLETED, mode="live", created_at=0.0,
               result_path=str(result))
    pools = Pools()
    checks = MarketplaceChecks(pools.images, "etsy")
    view = CheckList(checks)
    qtbot.addWidget(view)
    view.show_job(live)
    qtbot.waitUntil(lambda: bool(view.rows), timeout=10_000)
    assert not view.real_item.isHidden()
    assert view.real_item.text() == get_preset("etsy").note
    assert "real item" in view.real_item.text()

    view.show_job(dataclasses.replace(live, id="demo1", mode="mock"))  # not generated
    assert view.real_item.isHidden()
    checks.set_preset("amazon")  # a marketplace that only wants the label
    view.show_job(live)
    assert view.real_item.isHidden()
    qtbot.waitUntil(lambda: checks.pending == 0, timeout=10_000)


def test_checks_wait_in_a_bounded_queue_one_at_a_time(qtbot: QtBot, tmp_path: Path) -> None:
    """A long history scrolled past never queues a check per job: the newest asked are
    checked, one at a time, and each only once."""
    result = tmp_path / "result.png"
    Image.new("RGB", (600, 600), (255, 255, 255)).save(result)
    base = Job(id="", source_path="/p.jpg", style="studio_white", status=JobStatus.COMPLETED,
               mode="mock", created_at=0.0, result_path=str(result))
    jobs = [dataclasses.replace(base, id=f"job{n:04}") for n in range(500)]
    pools = Pools()
    checks = MarketplaceChecks(pools.images, max_waiting=16)
    checked: list[str] = []
    checks.checked.connect(checked.append)
    for job in jobs:
        assert checks.verdict(job) == ""
    assert checks.pending <= 17  # 16 waiting, 1 running
    qtbot.waitUntil(lambda: checks.pending == 0, timeout=20_000)
    assert len(checked) == len(set(checked)) <= 17
    assert jobs[-1].id in checked  # the newest asked for
    assert checks.verdict(jobs[-1]) == "fail"  # all white: no product to see
    assert checks.report(dataclasses.replace(base, id="q", status=JobStatus.QUEUED)) is None
    pools.wait()
