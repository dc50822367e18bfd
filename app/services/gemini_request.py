"""The generateContent request for one photo and one style: the photo first, then the
instruction (the order of Google's own edit examples), and only the image options the model
takes (``image_models``): 2.5 Flash Image refuses ``imageSize``; a ratio the model does not
make is left out, so the output follows the photo's."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from app.services.errors import PhotoUnusableError
from app.services.image_models import find_model
from app.services.styles import Style

MAX_INLINE_BYTES = 7 * 1024 * 1024  # Vertex's documented limit for one inline image


def photo_mime(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def request_body(image_path: Path, style: Style, model: str, size: str) -> dict[str, Any]:
    try:
        data = Path(image_path).read_bytes()
    except OSError as exc:
        raise PhotoUnusableError("The prepared photo could not be read.",
                                 f"{type(exc).__name__}: {exc}") from None
    mime = photo_mime(data)
    if mime is None:
        raise PhotoUnusableError("The prepared photo is not a JPEG or PNG file.",
                                 str(image_path))
    if len(data) > MAX_INLINE_BYTES:
        raise PhotoUnusableError("The prepared photo is too large to send (over 7 MB).",
                                 f"{len(data)} bytes")
    image_config: dict[str, str] = {}
    row = find_model(model)
    if row is None or style.aspect_ratio in row.aspect_ratios:
        image_config["aspectRatio"] = style.aspect_ratio
    if row is None or row.sends_size:
        image_config["imageSize"] = size
    return {
        "contents": [{"role": "user", "parts": [
            {"inlineData": {"mimeType": mime, "data": base64.b64encode(data).decode()}},
            {"text": style.prompt},
        ]}],
        "generationConfig": {"responseModalities": ["IMAGE"], "imageConfig": image_config},
    }
