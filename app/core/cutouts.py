"""Jobs made on this computer by the local cut-out: the product's own pixels on a new
background. Free, offline and the same in demo and live mode: no client, no request, no cost.

The mask is stored with the job (``mask_path``) before the result is made from it, so a
touch-up, a re-render and every export use the same edges.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
from pathlib import Path

from PIL import Image

from app.core.config import DEFAULT_BACKDROP_COLOUR
from app.core.job import ERROR_KIND_PHOTO, Job, JobStatus
from app.core.job_files import JobFiles
from app.core.storage import Storage
from app.core.store import JobStore
from app.images.cutout import CutOut, CutoutModelError, cut_out
from app.images.cutout.compose import NoProductError, Placement, on_background, transparent
from app.images.intake import decode_image, make_thumbnail, read_photo
from app.services.errors import AccountProblemError, AccountProblemKind, JobError
from app.services.styles import CHOSEN, Style, get_style, parse_colour

log = logging.getLogger(__name__)

WORKING_EDGE = 4096  # a 12 MP photo (4000 x 3000) keeps every pixel; larger ones are reduced
JPEG_QUALITY = 95  # the product's pixels should survive the result's encoding
NO_PRODUCT = ("ProductSnap could not find a product in this photo. Use a photo where the "
              "product stands out from its background.")
PHOTO_GONE = ("The original photo is no longer where it was, so the cut-out cannot be "
              "touched up. Add the photo again.")
NOT_A_CUTOUT = "Only a finished cut-out can be touched up."


def backdrop_colour(style: Style, chosen: str | None) -> tuple[int, int, int] | None:
    """The RGB background of a cut-out style (None: transparent)."""
    finish = style.cutout
    if finish is None or finish.transparent:
        return None
    text = (chosen or DEFAULT_BACKDROP_COLOUR) if finish.background == CHOSEN else finish.background
    return parse_colour(text) or parse_colour(DEFAULT_BACKDROP_COLOUR)


def render(cut: CutOut, style: Style, colour: str | None) -> tuple[bytes, str]:
    """The finished picture (bytes, mime): PNG with alpha, or a high-quality JPEG."""
    finish = style.cutout
    if finish is None:
        raise ValueError(f"style {style.id} is not a cut-out style")
    background = backdrop_colour(style, colour)
    buffer = io.BytesIO()
    if background is None:
        # compress_level 1: several times quicker than the default on a photo, a little larger.
        transparent(cut).save(buffer, "PNG", compress_level=1)
        return buffer.getvalue(), "image/png"
    picture = on_background(cut, Placement(background, finish.fill, finish.shadow))
    picture.save(buffer, "JPEG", quality=JPEG_QUALITY, subsampling=0)
    return buffer.getvalue(), "image/jpeg"


class LocalCutouts:
    def __init__(self, store: JobStore, storage: Storage, files: JobFiles) -> None:
        self.store = store
        self.storage = storage
        self.files = files

    def make(self, job: Job, style: Style) -> tuple[bytes, str, Job]:
        """Cut the product out of the job's photo, keep the mask, render the result."""
        photo = self._photo(job)
        try:
            cut = self._stored_mask(job, photo) or cut_out(photo)
        except CutoutModelError as error:  # the installation, not the photo: ask once
            raise AccountProblemError(AccountProblemKind.INSTALLATION, error.message,
                                      error.detail) from error
        if job.mask_path is None:
            job = self.store.update(job.id, mask_path=str(
                self.storage.write_mask(job.id, _png(cut.mask))))
        try:
            data, mime = render(cut, style, job.backdrop_colour)
        except NoProductError as error:
            failure = JobError(NO_PRODUCT, "the mask is empty")
            failure.kind = ERROR_KIND_PHOTO  # the same photo would fail the same way
            raise failure from error
        return data, mime, job

    def cutout_of(self, job: Job) -> CutOut:
        """The photo a finished cut-out was made from and its current mask, for a touch-up."""
        if job.status is not JobStatus.COMPLETED or not job.mask_path:
            raise JobError(NOT_A_CUTOUT)
        photo = self._photo(job, gone=PHOTO_GONE)
        cut = self._stored_mask(job, photo)
        if cut is None:  # the mask file was lost: start again from the model's
            try:
                cut = cut_out(photo)
            except CutoutModelError as error:
                raise JobError(error.message, error.detail) from error
        return cut

    def touch_up(self, job: Job, mask: Image.Image) -> Job:
        """Keep an edited mask for a finished cut-out; make its result, thumbnail and the
        user's saved copy anew from it."""
        cut = self.cutout_of(job).with_mask(mask)
        job = self.store.update(job.id, mask_path=str(
            self.storage.write_mask(job.id, _png(cut.mask))))
        data, mime = render(cut, get_style(job.style), job.backdrop_colour)
        thumb, thumb_mime = make_thumbnail(data)
        # New names, not the old ones overwritten: whatever shows or judges the result by its
        # path (thumbnail cache, marketplace checks) sees a new picture.
        stem = f"{job.id}.{time.time_ns():x}"
        before = (job.result_path, job.result_thumbnail_path)
        job = self.store.update(
            job.id, result_path=str(self.storage.write_result(stem, data, mime)),
            result_mime=mime, result_thumbnail_path=str(
                self.storage.write_thumbnail(stem, "result", thumb, thumb_mime)))
        for old in before:
            if old and old not in (job.result_path, job.result_thumbnail_path):
                with contextlib.suppress(OSError):
                    Path(old).unlink(missing_ok=True)
        log.info("Job %s touched up", job.id)
        return self.files.export(job, data, mime, replace=True)

    def _photo(self, job: Job, gone: str | None = None) -> Image.Image:
        """The photo, upright and in sRGB, at up to WORKING_EDGE: the original file when it is
        still there, else the copy the app kept of it."""
        first: JobError | None = None
        for candidate in (job.source_path, job.upload_path):
            if not candidate:
                continue
            try:
                raw = read_photo(Path(candidate))
            except JobError as error:
                first = first or error
                continue
            image, _ = decode_image(raw, box=(WORKING_EDGE, WORKING_EDGE), name=job.name)
            return image.convert("RGB")
        failure = JobError(gone, first.detail if first else None) if gone else first
        if failure is None:
            failure = JobError(PHOTO_GONE)
        failure.kind = ERROR_KIND_PHOTO
        raise failure

    @staticmethod
    def _stored_mask(job: Job, photo: Image.Image) -> CutOut | None:
        if not job.mask_path:
            return None
        try:
            with Image.open(job.mask_path) as stored:
                mask = stored.convert("L")
        except (OSError, ValueError):
            log.warning("The mask of job %s cannot be read; cutting out again", job.id)
            return None
        return CutOut(photo, Image.new("L", photo.size, 0)).with_mask(mask)


def _png(mask: Image.Image) -> bytes:
    buffer = io.BytesIO()
    mask.save(buffer, "PNG", compress_level=3)
    return buffer.getvalue()
