"""A job: one photo, one style, one result; and the states it moves through."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class JobStatus(StrEnum):
    QUEUED = "queued"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


ERROR_KIND_PHOTO = "photo"  # the file is not a usable photo: gone, empty, not an image...


@dataclass(frozen=True)
class Job:
    id: str
    source_path: str
    style: str
    status: JobStatus
    mode: str  # "mock" or "live": how it ran (or will run)
    created_at: float
    batch_id: str = ""
    source_hash: str | None = None
    client_job_id: str | None = None
    attempts: int = 0
    started_at: float | None = None
    finished_at: float | None = None
    upload_path: str | None = None
    result_path: str | None = None
    result_mime: str | None = None
    output_path: str | None = None
    thumbnail_path: str | None = None
    result_thumbnail_path: str | None = None
    error: str | None = None
    error_detail: str | None = None
    model: str | None = None
    prompt_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    cancel_requested: bool = False
    request_sent_at: float | None = None  # when the request for client_job_id went out
    image_size: str | None = None  # asked of the model: "1K", "2K"...; None in demo mode
    thoughts_tokens: int = 0  # billed at the model's text rate
    billed_request: str | None = None  # the request whose cost is already counted
    output_dir: str | None = None  # where its result goes (None: today's setting)
    filename_pattern: str | None = None
    parent_id: str | None = None  # the job this is another version of
    error_kind: str | None = None  # "photo": the photo can never work, retrying won't help
    warning: str | None = None  # shown on the tile: "small photo: the result may lack detail"
    mask_path: str | None = None  # a local cut-out's mask (8-bit PNG), touched up or not
    backdrop_colour: str | None = None  # "#rrggbb" for a cut-out on a chosen colour

    @property
    def name(self) -> str:
        return Path(self.source_path).name

    @property
    def made_locally(self) -> bool:
        """A local cut-out: a real result in demo mode too, free, nothing sent."""
        from app.services.styles import is_local_style  # styles read resources/: only when asked

        return is_local_style(self.style)

    @property
    def is_demo_result(self) -> bool:
        """Made by the offline demo in place of the image model (marked DEMO, kept apart)."""
        return self.mode == "mock" and not self.made_locally

    @property
    def retryable(self) -> bool:
        """Worth trying again: failed or cancelled, and not for a photo that can never work."""
        return (self.status in (JobStatus.FAILED, JobStatus.CANCELLED)
                and self.error_kind != ERROR_KIND_PHOTO)

    @property
    def seconds_taken(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return max(0.0, self.finished_at - self.started_at)

    def as_record(self) -> dict[str, object]:
        """The command line's JSON line for this job."""
        return {
            "job_id": self.id,
            "source": self.source_path,
            "mode": self.style,
            "status": self.status.value,
            "output": self.output_path,
            "error": self.error,
            "client_job_id": self.client_job_id,
            "model": self.model,
            "cost_usd": round(self.cost_usd, 6),
        }
