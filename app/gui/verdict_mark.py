"""The marketplace verdict as a small round mark (✓ pass, ! warning, ✕ fail) and in words: one
look for the gallery tile, the detail view's check list and the export summary.

The glyphs are drawn as lines, not text: a font without ✓ or ✕ would show an empty box.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap

from app.gui import theme

COLOURS = {"pass": theme.SUCCESS_ACCENT, "warn": theme.WARNING_ACCENT,
           "fail": theme.ERROR_ACCENT}


def colour(verdict: str) -> QColor:
    return QColor(COLOURS.get(verdict, "#8a8f98"))


def verdict_word(verdict: str) -> str:
    """What the mark means ("passes", "passes with warnings", "fails"), for tooltips and the
    detail view."""
    tr = QCoreApplication.translate
    return {"pass": tr("Verdict", "passes"), "warn": tr("Verdict", "passes with warnings"),
            "fail": tr("Verdict", "fails")}.get(verdict, tr("Verdict", "checking…"))


def check_name(check_id: str) -> str:
    """The check's name as a shop owner would say it."""
    tr = QCoreApplication.translate
    return {"readable": tr("Check", "File"), "background": tr("Check", "Background"),
            "fill": tr("Check", "Product size"), "size": tr("Check", "Image size"),
            "format": tr("Check", "Format"), "colour": tr("Check", "Colours")}.get(
                check_id, check_id.capitalize())


def draw_mark(painter: QPainter, rect: QRectF, verdict: str) -> None:
    """A filled circle in the verdict's colour with its glyph in white, inside ``rect``."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(QColor("white"), 1.2))
    painter.setBrush(colour(verdict))
    painter.drawEllipse(rect.adjusted(0.6, 0.6, -0.6, -0.6))
    side = rect.width()
    c = rect.center()
    pen = QPen(QColor("white"), max(1.6, side * 0.13), Qt.PenStyle.SolidLine,
               Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    u = side * 0.22
    if verdict == "pass":
        path = QPainterPath(QPointF(c.x() - u, c.y() + u * 0.05))
        path.lineTo(c.x() - u * 0.25, c.y() + u * 0.8)
        path.lineTo(c.x() + u * 1.05, c.y() - u * 0.75)
        painter.drawPath(path)
    elif verdict == "fail":
        d = u * 0.85
        painter.drawLine(QPointF(c.x() - d, c.y() - d), QPointF(c.x() + d, c.y() + d))
        painter.drawLine(QPointF(c.x() - d, c.y() + d), QPointF(c.x() + d, c.y() - d))
    else:
        painter.drawLine(QPointF(c.x(), c.y() - u * 1.15), QPointF(c.x(), c.y() + u * 0.3))
        painter.drawPoint(QPointF(c.x(), c.y() + u * 1.05))
    painter.restore()


def mark_pixmap(verdict: str, edge: int, dpr: float = 1.0) -> QPixmap:
    pixmap = QPixmap(round(edge * dpr), round(edge * dpr))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    draw_mark(painter, QRectF(0, 0, edge, edge), verdict)
    painter.end()
    return pixmap
