"""Reading a generateContent answer: the image, or which of the four ways there was none.

HTTP 200 does not mean an image. The prompt can be blocked, the output blocked for safety, the
model can decline in words, or the answer can simply hold no image. Blocks are final; a decline
or an empty answer is worth one more try (``NoImageError.retry_once``). A finish reason the app
does not know is a failure, never a success.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from app.core.logging_setup import redact
from app.services.errors import GenerationFailedError, TransientError
from app.services.gemini_errors import shorten

BLOCKED_REASONS = frozenset({
    "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "SAFETY",
    "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION",
})
EMPTY_REASONS = frozenset({"STOP", "IMAGE_OTHER", "OTHER"})


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int
    output_tokens: int
    thoughts_tokens: int


@dataclass(frozen=True)
class GeneratedImage:
    data: bytes
    mime_type: str
    text: str  # what the model said beside the image (thoughts left out)
    finish_reason: str
    usage: Usage
    model_version: str | None


class NoImageError(GenerationFailedError):
    """The answer held no usable image. ``retry_once``: a second try may well work."""

    def __init__(self, message: str, detail: str | None, *, kind: str,
                 retry_once: bool) -> None:
        super().__init__(message, detail)
        self.kind = kind
        self.retry_once = retry_once


def _int(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


def parse_usage(data: dict[str, Any]) -> Usage:
    meta = data.get("usageMetadata")
    meta = meta if isinstance(meta, dict) else {}
    return Usage(_int(meta.get("promptTokenCount")), _int(meta.get("candidatesTokenCount")),
                 _int(meta.get("thoughtsTokenCount")))


def _no_image(kind: str, message: str, detail: str, retry_once: bool) -> NoImageError:
    return NoImageError(redact(message), redact(detail), kind=kind, retry_once=retry_once)


def parse_answer(data: Any) -> GeneratedImage:
    """The image in a 200 answer; raises NoImageError, or TransientError for a garbled answer."""
    if not isinstance(data, dict):
        raise TransientError("The image service sent an answer the app cannot read.",
                             f"answer is a JSON {type(data).__name__}, not an object")
    candidates = data.get("candidates")
    if not isinstance(candidates, list) or not candidates:
        feedback = data.get("promptFeedback")
        block = feedback.get("blockReason") if isinstance(feedback, dict) else None
        if block:
            raise _no_image("prompt_blocked",
                            "The image service blocked this request (the photo or the style's "
                            "instruction). Try another photo or style.",
                            f"promptFeedback.blockReason {block}", retry_once=False)
        raise _no_image("empty", "The image service returned no image, and gave no reason.",
                        "answer without candidates", retry_once=True)

    candidate = candidates[0] if isinstance(candidates[0], dict) else {}
    reason = str(candidate.get("finishReason") or "")
    finish_message = str(candidate.get("finishMessage") or "")
    content = candidate.get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    texts: list[str] = []
    image: tuple[bytes, str] | None = None
    for part in parts if isinstance(parts, list) else []:
        if not isinstance(part, dict) or part.get("thought") is True:
            continue  # Gemini 3 sends its drafts (text and images) as thought parts
        if isinstance(part.get("text"), str):
            texts.append(part["text"])
        inline = part.get("inlineData")
        if isinstance(inline, dict) and inline.get("data"):
            try:
                raw = base64.b64decode(inline["data"], validate=True)
            except (binascii.Error, ValueError, TypeError):
                raise TransientError("The image service sent a damaged image.",
                                     "inlineData.data is not valid base64") from None
            # The last image wins: the final answer comes after any drafts.
            image = (raw, str(inline.get("mimeType") or "application/octet-stream"))
    text = " ".join(t.strip() for t in texts if t.strip())
    detail = f"finishReason {reason or '(none)'}"
    if finish_message:
        detail += f": {finish_message}"

    if reason in BLOCKED_REASONS:
        why = f" ({shorten(finish_message, 200)})" if finish_message else ""
        raise _no_image("output_blocked",
                        f"The image service blocked the result for safety reasons{why}. "
                        "Try another photo or style.", detail, retry_once=False)
    if reason == "NO_IMAGE" or (reason in EMPTY_REASONS and image is None and text):
        said = shorten(text or finish_message, 200)
        words = f': "{said}"' if said else ""
        raise _no_image("declined", f"The model declined to make this image{words}. "
                        "Try another style or rewording the instruction.",
                        detail, retry_once=True)
    if reason in EMPTY_REASONS and image is None:
        raise _no_image("empty", "The image service returned no image, and gave no reason.",
                        detail, retry_once=True)
    if reason != "STOP" or image is None:
        raise _no_image("unexpected",
                        f"The image service ended in an unexpected way ({reason or 'no status'}).",
                        detail, retry_once=False)
    version = data.get("modelVersion")
    return GeneratedImage(image[0], image[1], text, reason, parse_usage(data),
                          str(version) if version else None)
