"""The ``productsnap`` command: the desktop app's engine, headless, for scripted catalogs."""

from app.cli.main import main, main_gui

__all__ = ["main", "main_gui"]
