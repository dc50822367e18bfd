"""Files land as what they claim to be: Save as writes PNG, JPEG or WebP as its name says (really
re-encoded, JPEG flattened on white, in sRGB), and Open and Show in folder say so in the window
when the system has nothing to open files with."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageCms
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.checks.provenance import COMPOSITE_SYNTHETIC, read_source_type
from app.core.config import Config
from app.core.job import Job
from app.gui import detail_view, file_actions
from app.gui.file_dialogs import photo_patterns, save_filters, with_format
from app.gui.image_export import export_image
from app.gui.main_window import MainWindow
from tests.gui.conftest import WindowFactory, make_photos
from tests.gui.test_main_window import all_done, drop, mime_with

Answer = tuple[str, str]


@pytest.fixture
def finished(qtbot: QtBot, open_window: WindowFactory, mock_config: Config,
             tmp_path: Path) -> tuple[MainWindow, Job]:
    window = open_window(mock_config)
    drop(window, mime_with(make_photos(tmp_path / "p", 1)))
    qtbot.waitUntil(all_done(window, 1), timeout=10_000)
    job = window.model.job_at(0)
    assert job.result_path
    return window, job


@pytest.fixture
def save_dialog(monkeypatch: pytest.MonkeyPatch) -> Callable[[Answer], list[tuple]]:
    """The native dialog, answered by the test; returns what it was asked."""
    def answer_with(answer: Answer) -> list[tuple]:
        asked: list[tuple] = []

        def fake(*args: object) -> Answer:
            asked.append(args)
            return answer
        monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
        return asked
    return answer_with


def saved(qtbot: QtBot, window: MainWindow, path: Path) -> None:
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Saved"),
                    timeout=10_000)
    assert path.is_file()


@pytest.mark.parametrize(("name", "kind"), [("shot.png", "PNG"), ("shot.jpg", "JPEG"),
                                            ("shot.JPEG", "JPEG"), ("shot.webp", "WEBP")])
def test_save_as_writes_the_format_the_name_says(
        qtbot: QtBot, finished: tuple[MainWindow, Job], save_dialog: Callable[..., list],
        tmp_path: Path, name: str, kind: str) -> None:
    window, job = finished
    target = tmp_path / "saved" / name
    target.parent.mkdir()
    asked = save_dialog((str(target), "PNG picture (*.png)"))
    window.detail.show_job(job)
    window.detail.buttons[detail_view.SAVE_AS].click()
    saved(qtbot, window, target)
    # The dialog offered the three formats, starting with the result's own.
    _parent, _title, start, filters, chosen = asked[0]
    assert filters == ";;".join(save_filters(str))
    assert Path(start).suffix == Path(job.result_path).suffix and chosen.startswith("PNG")
    with Image.open(target) as image:
        assert image.format == kind
        if kind == "JPEG":
            assert image.mode == "RGB"  # no alpha in a JPEG
    assert not list(target.parent.glob(".*.part"))  # nothing half-written left beside it
    # The label of how it was made survives the re-encode (a demo result: a composite).
    assert read_source_type(target.read_bytes()) == COMPOSITE_SYNTHETIC


def test_a_name_without_a_type_gets_the_one_chosen_in_the_dialog(
        qtbot: QtBot, finished: tuple[MainWindow, Job], save_dialog: Callable[..., list],
        tmp_path: Path) -> None:
    window, _job = finished
    save_dialog((str(tmp_path / "for-the-shop"), "JPEG picture (*.jpg *.jpeg)"))
    window.gallery.select_ids([window.model.job_at(0).id])
    window.actions_by_name["save_as"].trigger()  # the Edit menu: the current photo
    saved(qtbot, window, tmp_path / "for-the-shop.jpg")
    with Image.open(tmp_path / "for-the-shop.jpg") as image:
        assert image.format == "JPEG"
    assert with_format("/x/a.tif", "WebP picture (*.webp)", str) == "/x/a.tif.webp"
    assert with_format("/x/a.WEBP", "PNG picture (*.png)", str) == "/x/a.WEBP"


def test_a_type_added_to_the_name_never_replaces_a_file_unasked(
        qtbot: QtBot, finished: tuple[MainWindow, Job], save_dialog: Callable[..., list],
        tmp_path: Path) -> None:
    window, job = finished
    existing = tmp_path / "keep.png"
    existing.write_bytes(b"not to be replaced")
    save_dialog((str(tmp_path / "keep"), "PNG picture (*.png)"))
    window.commands.save_as(job)
    qtbot.waitUntil(lambda: window.banners.banner("problem") is not None, timeout=10_000)
    assert "already there" in window.banners.banner("problem").text
    assert existing.read_bytes() == b"not to be replaced"


def test_jpeg_is_flattened_on_white_webp_keeps_transparency_colours_end_in_srgb(
        tmp_path: Path) -> None:
    source = tmp_path / "cut-out.png"
    picture = Image.new("RGBA", (40, 30), (0, 0, 0, 0))
    picture.paste((200, 30, 30, 255), (10, 10, 30, 20))
    picture.save(source)

    jpeg = export_image(source, tmp_path / "out.jpg")
    with Image.open(jpeg) as image:
        assert (image.format, image.mode) == ("JPEG", "RGB")
        assert all(v > 245 for v in image.getpixel((1, 1)))  # transparent became white
        red = image.getpixel((20, 15))
        assert red[0] > 170 and red[1] < 70
    webp = export_image(source, tmp_path / "out.webp")
    with Image.open(webp) as image:
        assert image.format == "WEBP" and image.mode == "RGBA"
        assert image.getpixel((1, 1))[3] == 0

    # A picture with a colour profile is converted and says it is sRGB now.
    tagged = tmp_path / "tagged.png"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    Image.new("RGB", (8, 8), (10, 120, 200)).save(tagged, icc_profile=srgb.tobytes())
    with Image.open(export_image(tagged, tmp_path / "tagged.jpg")) as image:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(image.info["icc_profile"]))
        assert "sRGB" in ImageCms.getProfileDescription(profile)

    with pytest.raises(ValueError, match="PNG, JPEG or WebP"):
        export_image(source, tmp_path / "out.gif")


def test_the_photo_dialogs_offer_avif_and_camera_names() -> None:
    patterns = photo_patterns().split()
    assert "*.avif" in patterns and "*.jpg" in patterns
    assert "*.JPG" in patterns  # Linux dialogs match the case


def test_open_and_show_in_folder_say_so_when_the_system_cannot(
        qtbot: QtBot, finished: tuple[MainWindow, Job], monkeypatch: pytest.MonkeyPatch) -> None:
    window, job = finished
    monkeypatch.setattr(file_actions, "open_file", lambda path: False)
    monkeypatch.setattr(file_actions, "show_in_folder", lambda path: False)
    window.detail.show_job(job)
    window.detail.buttons[detail_view.OPEN].click()
    qtbot.waitUntil(lambda: window.banners.banner("cannot-open") is not None, timeout=5000)
    banner = window.banners.banner("cannot-open")
    assert "no program set up to open" in banner.text
    assert Path(job.output_path).name in banner.text
    banner.buttons["copy-path"].click()
    assert QGuiApplication.clipboard().text() == job.output_path
    assert window.banners.banner("cannot-open") is None

    window.detail.buttons[detail_view.SHOW].click()
    qtbot.waitUntil(lambda: window.banners.banner("cannot-open") is not None, timeout=5000)
    assert "no file manager" in window.banners.banner("cannot-open").text


def test_open_says_when_the_file_is_gone(
        qtbot: QtBot, finished: tuple[MainWindow, Job], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    window, job = finished
    opened: list[str] = []
    monkeypatch.setattr(file_actions, "open_file", lambda path: opened.append(path) or True)
    Path(job.output_path).unlink()
    window.commands.open(job)
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert opened == [job.result_path]  # the app's own copy, while it has one
    Path(job.result_path).unlink()
    (tmp_path / "p" / "photo000.jpg").unlink()
    window.commands.open(job)
    qtbot.waitUntil(lambda: window.banners.banner("cannot-open") is not None, timeout=5000)
    assert "no longer on the disk" in window.banners.banner("cannot-open").text
