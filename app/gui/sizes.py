"""Sizes of files and folders as people read them: "340 MB", in the user's locale."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject

from app.gui.pools import run_for

if TYPE_CHECKING:
    from app.core.engine import Engine
    from app.gui.pools import Pools


def format_size(size: int) -> str:
    """"0 bytes", "812.0 kB", "1.4 GB": one decimal, in the user's locale, counted as Windows
    Explorer counts (1 kB = 1024 bytes), so the figure matches what the system shows."""
    return QLocale().formattedDataSize(max(0, size), 1,
                                       QLocale.DataSizeFormat.DataSizeTraditionalFormat)


def measure_data_folder(owner: QObject, pools: Pools, engine: Engine,
                        on_done: Callable[[str], None]) -> None:
    """How much the data folder (history, the app's copies of photos and results, thumbnails)
    takes, measured on the io pool; ``on_done`` gets it formatted, on the GUI thread. For
    Settings; nothing is called once ``owner`` is gone."""
    run_for(owner, pools.io, engine.data_folder_size,
            on_done=lambda size: on_done(format_size(int(size))))
