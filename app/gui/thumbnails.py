"""Thumbnails, loaded lazily off the GUI thread and kept in a small LRU cache.

The gallery asks for the thumbnail of each tile it paints; a miss starts a load on the image pool
(``run_task`` via ``run_for``), which hands back a ``QImage`` (thread-safe); the GUI thread turns
it into a ``QPixmap`` once and keeps it. Requests are served newest first and the waiting list is
bounded, so scrolling quickly through ten thousand tiles loads what is on screen now, not what
was on screen a second ago. A generation counter drops results that arrive after a ``clear()``.
"""

from __future__ import annotations

import io
import logging
from collections import OrderedDict

from PySide6.QtCore import QObject, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

from app.gui.pools import run_for

log = logging.getLogger(__name__)


def load_image(path: str, edge: int) -> QImage:
    """The picture at ``path``, upright, its long side at most ``edge`` device pixels.

    Runs on a worker thread. Qt reads JPEG, PNG, WEBP, GIF, BMP and TIFF, decoding JPEGs at a
    reduced scale; anything else (HEIC) goes through Pillow. A null image when unreadable.
    """
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and edge > 0 and max(size.width(), size.height()) > edge:
        reader.setScaledSize(size.scaled(QSize(edge, edge), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        image = _load_with_pillow(path, edge)
    if image.isNull():
        return image
    if max(image.width(), image.height()) > edge > 0:
        image = image.scaled(edge, edge, Qt.AspectRatioMode.KeepAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    return image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


def _load_with_pillow(path: str, edge: int) -> QImage:
    try:
        from app.images.intake import decode_image

        with open(path, "rb") as handle:
            raw = handle.read()
        image, _ = decode_image(raw, box=(edge or 4096, edge or 4096))
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=1)
        return QImage.fromData(buffer.getvalue())
    except Exception as error:  # unreadable: the tile shows its placeholder
        log.debug("No thumbnail for %s: %s", path, error)
        return QImage()


class ThumbnailLoader(QObject):
    thumbnail_loaded = Signal(str)  # the path whose pixmap is now in the cache

    def __init__(self, pool: QThreadPool, edge: int = 256, budget_bytes: int = 96 << 20,
                 max_waiting: int = 96, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._edge = edge
        self._budget = budget_bytes
        self._max_waiting = max_waiting
        self._cache: OrderedDict[str, QPixmap] = OrderedDict()
        self._cache_bytes = 0
        self._failed: set[str] = set()
        self._waiting: OrderedDict[str, None] = OrderedDict()  # newest last
        self._in_flight: set[str] = set()
        self._generation = 0
        self._dpr = 1.0

    @property
    def edge(self) -> int:
        return self._edge

    @property
    def in_flight(self) -> int:
        return len(self._in_flight) + len(self._waiting)

    def set_edge(self, edge: int, device_pixel_ratio: float = 1.0) -> None:
        """Thumbnails of ``edge`` logical pixels on a screen of this pixel ratio."""
        if edge != self._edge or device_pixel_ratio != self._dpr:
            self._edge = edge
            self._dpr = device_pixel_ratio
            self.clear()

    def clear(self) -> None:
        """Forget everything; results still on their way are dropped when they arrive."""
        self._generation += 1
        self._cache.clear()
        self._cache_bytes = 0
        self._failed.clear()
        self._waiting.clear()
        self._in_flight.clear()

    def forget(self, path: str) -> None:
        pixmap = self._cache.pop(path, None)
        if pixmap is not None:
            self._cache_bytes -= _bytes_of(pixmap)
        self._failed.discard(path)

    def cached(self, path: str) -> QPixmap | None:
        pixmap = self._cache.get(path)
        if pixmap is not None:
            self._cache.move_to_end(path)
        return pixmap

    def pixmap(self, path: str) -> QPixmap | None:
        """The cached thumbnail, or None after asking for it to be loaded."""
        if not path:
            return None
        pixmap = self.cached(path)
        if pixmap is None and path not in self._failed:
            self.request(path)
        return pixmap

    def request(self, path: str) -> None:
        if path in self._in_flight:
            return
        self._waiting[path] = None
        self._waiting.move_to_end(path)
        while len(self._waiting) > self._max_waiting:  # long scrolled past: asked again if seen
            self._waiting.popitem(last=False)
        self._start_more()

    def _start_more(self) -> None:
        limit = max(1, self._pool.maxThreadCount()) * 2
        while self._waiting and len(self._in_flight) < limit:
            path, _ = self._waiting.popitem(last=True)  # newest request first
            self._in_flight.add(path)
            self._load(path, self._generation, max(16, round(self._edge * self._dpr)))

    def _load(self, path: str, generation: int, device_edge: int) -> None:
        run_for(self, self._pool, lambda: load_image(path, device_edge),
                on_done=lambda image: self._loaded(path, generation, image),
                on_error=lambda _error: self._loaded(path, generation, QImage()))

    def _loaded(self, path: str, generation: int, image: QImage) -> None:
        if generation != self._generation:
            return  # cleared meanwhile: a stale answer
        self._in_flight.discard(path)
        if image.isNull():
            self._failed.add(path)
        else:
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(self._dpr)
            self._cache[path] = pixmap
            self._cache_bytes += _bytes_of(pixmap)
            while self._cache_bytes > self._budget and len(self._cache) > 1:
                _, old = self._cache.popitem(last=False)
                self._cache_bytes -= _bytes_of(old)
        self._start_more()
        self.thumbnail_loaded.emit(path)


def _bytes_of(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * 4
