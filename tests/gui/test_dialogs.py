"""Unexpected exceptions are logged and reported once; About says version, mode and data folder;
the question before resuming says the price, or that it is not known yet."""

from __future__ import annotations

import logging
import sys

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app import __version__
from app.core.config import Config
from app.gui.dialogs import ExceptionReporter, about_text, resume_question


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


def test_the_resume_question_says_the_price_only_when_it_is_known(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    known = resume_question(parent, 4, 0.1548)
    assert known.informativeText() == "Resuming sends them to Gemini and will cost about $0.15."
    unknown = resume_question(parent, 4, None)  # "automatic" could not choose a model yet
    assert unknown.informativeText() == ("Resuming sends them to Gemini, which charges for "
                                         "each one.")
