"""Unexpected exceptions are logged and reported once; About says version, mode and data folder;
the question before spending says how many photos, styles, model, size and the total (or that the
price is not known yet), in plain English for one photo or many."""

from __future__ import annotations

import logging
import sys

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app import __version__
from app.core.config import Config
from app.gui.consent import Spend
from app.gui.dialogs import ExceptionReporter, about_text, spend_question, spend_text


def test_an_unexpected_exception_is_logged_and_reported(
        qtbot: QtBot, mock_config: Config, caplog: pytest.LogCaptureFixture) -> None:
    reporter = ExceptionReporter(mock_config.paths.logs)
    reporter.show_dialogs = False  # the dialog itself needs a person to close it
    try:
        raise ValueError("a bug")
    except ValueError:
        kind, error, tb = sys.exc_info()
    with caplog.at_level(logging.ERROR), qtbot.waitSignal(reporter.reported) as reported:
        reporter.excepthook(kind, error, tb)
    assert reported.args == ["ValueError: a bug"]
    assert "Unexpected error" in caplog.text and "a bug" in caplog.text


def test_about_names_version_mode_and_data_folder(mock_config: Config) -> None:
    text = about_text(mock_config)
    assert __version__ in text
    assert "Demo" in text
    assert str(mock_config.paths.data) in text


def test_the_question_before_spending_names_count_style_model_size_and_total(
        qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    box = spend_question(parent, Spend(30, ("Studio white",), "gemini-2.5-flash-image", "1K",
                                       1.1652))
    assert box.text() == ("Make 30 photos in Studio white with gemini-2.5-flash-image at 1K: "
                          "about $1.17.")
    assert box.informativeText() == ("Not now keeps them waiting in the queue; Resume starts "
                                      "them later.")
    assert [b.text() for b in box.buttons()] == ["Start", "Not now"]
    assert box.defaultButton().objectName() == "start"
    assert box.escapeButton().objectName() == "later"


def test_one_photo_reads_as_one_and_mixed_styles_are_named() -> None:
    text, note = spend_text(Spend(1, ("Flat lay",), "gemini-3-pro-image", "2K", 0.134, 1))
    assert text == "Make 1 photo in Flat lay with gemini-3-pro-image at 2K: about $0.13."
    assert note == ("It was not finished last time. Not now keeps it waiting in the queue; "
                    "Resume starts it later.")
    text, _ = spend_text(Spend(3, ("Studio white", "Flat lay", "Outdoor"), "m", "1K", 0.12))
    assert text == "Make 3 photos in Studio white, Flat lay and Outdoor with m at 1K: about $0.12."
    text, _ = spend_text(Spend(8, ("a", "b", "c", "d"), "m", "1K", 0.3, 2))
    assert text.startswith("Make 8 photos in 4 styles with m at 1K")


def test_the_price_is_said_unknown_rather_than_guessed() -> None:
    text, note = spend_text(Spend(4, ("Studio white",), None, "1K", None, 4))
    assert text == "Make 4 photos in Studio white at 1K with the model ProductSnap chooses."
    assert note.startswith("They were not finished last time. The cost is not known until the "
                           "model is chosen")
    _, note = spend_text(Spend(2, ("Studio white",), "gemini-9-image", "1K", None))
    assert "ProductSnap has no price for gemini-9-image" in note
