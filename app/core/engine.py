"""The engine: everything a job needs, without Qt. ``process`` takes one job to an end state.

The steps are ordered so that each is recorded before the next, and a restart picks up where a
kill stopped: a stored result is never asked for again, a paid result waiting in the spool is
collected rather than paid for twice, and an exported file is not exported again.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.budget import MonthlyBudget
from app.core.client_slot import ClientSlot
from app.core.config import Config, Mode
from app.core.history import Cleared, clear_history, folder_size
from app.core.job import Job, JobStatus
from app.core.job_files import JobFiles
from app.core.logging_setup import redact
from app.core.model_notices import ModelNotices
from app.core.paid_requests import PaidRequests
from app.core.photos import AddResult, collect_photos, file_hash
from app.core.storage import Storage
from app.core.storage_problems import storage_problem
from app.core.store import NewJob, open_job_store
from app.core.usage import UsageTotals, usage_this_month, usage_today
from app.images.intake import make_thumbnail
from app.services.errors import (
    AccountProblemError,
    AccountProblemKind,
    CancelledError,
    GenerationFailedError,
    JobError,
    PhotoUnusableError,
    StoppedError,
)
from app.services.image_models import AUTOMATIC
from app.services.model_catalog import ModelCatalog
from app.services.nano_banana_client import NanoBananaClient
from app.services.result_spool import ResultSpool
from app.services.styles import CHOSEN, Style, UnknownStyleError, get_style, is_local_style

if TYPE_CHECKING:  # numpy and onnxruntime load with the first cut-out, not at start-up
    from PIL import Image

    from app.core.cutouts import LocalCutouts
    from app.images.cutout import CutOut

log = logging.getLogger(__name__)
CUTOUT_MODEL = "u2netp (on this computer)"  # what a cut-out job's "model" shows

JobListener = Callable[[Job], None]

UNEXPECTED = ("Something unexpected went wrong with this photo. Try again; if it keeps "
              "failing, the log folder (Help > Open log folder) has the details.")
UNREADABLE_RESULT = "The service sent back a picture that cannot be opened. Try again."


class Engine:
    def __init__(self, config: Config, client: NanoBananaClient | None = None,
                 client_options: dict[str, Any] | None = None) -> None:
        # Raises StoreError when the history is too new or cannot be opened; a damaged one is
        # set aside and a new history begins, with ``store_notice`` saying so for the user.
        self.store, self.store_notice = open_job_store(config.paths.ensure().database)
        self.storage = Storage(config.paths)
        self.files = JobFiles(self.store, self.storage, lambda: self.config)
        self._cutouts: LocalCutouts | None = None
        self.catalog = ModelCatalog(config.paths.data / "models.json")
        # One spool for the engine's life: a paid result the disk could not take yet is held
        # in memory there, and a client rebuilt on resume still finds it.
        self.spool = ResultSpool(config.paths.spool)
        self.notices = ModelNotices()
        self._slot = ClientSlot(config, client=client, options=client_options,
                                catalog=self.catalog, spool=self.spool, notices=self.notices)
        self.budget = MonthlyBudget(config.monthly_budget_usd,
                                    lambda: usage_this_month(self.store).cost_usd)
        self.paid = PaidRequests(self.store, self.budget, lambda: self.config.image_size)

    @property
    def cutouts(self) -> LocalCutouts:
        if self._cutouts is None:
            from app.core.cutouts import LocalCutouts

            self._cutouts = LocalCutouts(self.store, self.storage, self.files)
        return self._cutouts

    # -- the settings and the client built for them (see client_slot) -------------------------

    @property
    def config(self) -> Config:
        return self._slot.config

    @property
    def client(self) -> NanoBananaClient:
        return self._slot.get()

    def reconfigure(self, config: Config) -> None:
        """Apply new settings; the next job builds a client for the new mode, model or key.
        Jobs in flight keep using the old client; it is closed with the engine."""
        self._slot.change(config)
        self.budget.limit_usd = config.monthly_budget_usd

    def renew_client(self) -> None:
        """The next job builds a new client with the same settings (the key is read again)."""
        self._slot.renew()

    def stop_sending(self) -> None:
        """Stopping: no new requests; those in flight go on (they may be paid)."""
        self._slot.stop_sending()

    def abort_in_flight(self) -> None:
        """After the grace a stop allows: abort what is in flight; those jobs stay queued."""
        self._slot.abort_in_flight()

    def close(self) -> None:
        self._slot.close()
        self.store.close()

    # -- adding ------------------------------------------------------------------------------

    def add_photos(self, paths: Iterable[str | Path], style: str, *,
                   skip_duplicates: bool = False) -> AddResult:
        # An unknown style is a usage error before anything is written.
        colour = self._colour_for(get_style(style))
        photos, skipped = collect_photos(
            paths, exclude=(self.config.paths.data, Path(self.config.output_dir)))
        mode = self.config.mode.value
        result = AddResult(skipped=skipped)
        new: list[NewJob] = []
        seen: set[str] = set()
        for photo in photos:
            # Hashing waits for the whole file; without de-duplication it happens during the
            # job instead, where it costs nothing extra (the photo is read anyway).
            digest = file_hash(photo) if skip_duplicates and photo.is_file() else None
            if digest:
                earlier = self.store.find_duplicate(digest, style, mode)
                if earlier is not None or digest in seen:
                    if earlier is not None:
                        result.duplicates.append(earlier)
                    continue
                seen.add(digest)
            new.append(NewJob(source_path=str(photo), style=style, mode=mode,
                              source_hash=digest, backdrop_colour=colour,
                              **self._destination()))
        if new:
            result.jobs = self.store.add(new)
        return result

    def _colour_for(self, style: Style) -> str | None:
        """The backdrop colour a job remembers: only a cut-out on a chosen colour has one."""
        if style.cutout is None or style.cutout.background != CHOSEN:
            return None
        return self.config.backdrop_colour

    def tidy(self) -> int:
        """Remove the temporary files a killed run left (only while holding the runner lock:
        another run's files in the making are not stale)."""
        return self.storage.tidy(self.config.output_dir)

    def _destination(self) -> dict[str, str]:
        return {"output_dir": str(self.config.output_dir),
                "filename_pattern": self.config.filename_pattern}

    def make_another_version(self, job_ids: Iterable[str]) -> AddResult:
        """A new job for the same photo and style as each finished job, linked to it."""
        new = [NewJob(source_path=job.source_path, style=job.style, mode=self.config.mode.value,
                      source_hash=job.source_hash, parent_id=job.id,
                      backdrop_colour=job.backdrop_colour, **self._destination())
               for job in self.store.many(list(job_ids)) if job.status is JobStatus.COMPLETED]
        return AddResult(jobs=self.store.add(new) if new else [])

    def clear_history(self, job_ids: Sequence[str] | None = None) -> Cleared:
        """Forget finished jobs (all with None) and the app's copies of their files; the
        results in the output folder stay."""
        return clear_history(self.store, self.storage, job_ids)

    def data_folder_size(self) -> int:
        return folder_size(self.config.paths.data)

    def retryable_failed(self) -> list[str]:
        """Failed jobs worth another try: not those whose photo can never work."""
        return [job.id for job in self.store.all([JobStatus.FAILED]) if job.retryable]

    def recover(self) -> list[str]:
        """After a crash: put interrupted jobs back in the queue and tidy temporary files."""
        self.tidy()
        ids = self.store.recover_interrupted()
        if ids:
            log.info("Resuming %d job(s) interrupted by an earlier stop", len(ids))
        return ids

    # -- running -----------------------------------------------------------------------------

    def process(self, job_id: str, cancel: threading.Event | None = None,
                on_progress: JobListener | None = None) -> Job:
        """Run one queued job to COMPLETED, FAILED or CANCELLED.

        Raises AccountProblemError (the job is back in the queue) when the account, not the
        photo, is at fault: the caller pauses the queue. A model that answers 404 refreshes the
        model list once: "automatic" moves on to the next model served, a model chosen by the
        user is checked again (and the message names the models the key can use instead).
        """
        try:
            return self._process_once(job_id, cancel, on_progress)
        except AccountProblemError as problem:
            if (problem.kind is not AccountProblemKind.MODEL_UNAVAILABLE
                    or self.config.mode is not Mode.LIVE):
                raise
            log.warning("The model answered 404; asking the service for its models again")
            self._slot.model_went_away()
            self.client  # noqa: B018 - raises the better message when the model is not listed
            if self.config.model != AUTOMATIC:
                raise
            return self._process_once(job_id, cancel, on_progress)

    def _process_once(self, job_id: str, cancel: threading.Event | None,
                      on_progress: JobListener | None) -> Job:
        client: NanoBananaClient | None = None
        model: str | None = CUTOUT_MODEL
        size: str | None = None
        if not self._is_local(job_id):  # a cut-out is made here: no client, key or cost
            client = self.client  # may raise AccountProblemError before anything is claimed
            model = client.model
            size = self.config.image_size if client.mode is Mode.LIVE else None
        try:
            job = self.store.claim(job_id, self.config.mode.value, model, size)
        except sqlite3.Error as error:
            paused = self._storage_pause(error, job_id)
            if paused is None:
                raise
            raise paused from error
        if job is None:
            return self.store.get(job_id)
        if on_progress:
            on_progress(job)
        try:
            return self._run(job, client, cancel, on_progress)
        except AccountProblemError as problem:
            self.store.requeue(job_id, problem.message, problem.spent_usd)
            raise
        except CancelledError:
            return self.store.mark_cancelled(job_id) or self.store.get(job_id)
        except StoppedError:  # the app is stopping: the job waits for the next run
            return self.store.requeue(job_id) or self.store.get(job_id)
        except (OSError, sqlite3.Error) as error:
            paused = self._storage_pause(error, job_id)
            if paused is None:
                return self._unexpected(job_id, error)
            raise paused from error
        except JobError as error:
            log.info("Job %s failed: %s (%s)", job_id, error.message, error.detail or "")
            return (self.store.fail(job_id, error.message, error.detail, error.spent_usd,
                                    error.kind) or self.store.get(job_id))
        except Exception as error:  # a bug must cost one job, never the run
            return self._unexpected(job_id, error)

    def _is_local(self, job_id: str) -> bool:
        try:
            return is_local_style(self.store.get(job_id).style)
        except LookupError:
            return False  # the run itself says what is wrong with the job

    def _storage_pause(self, error: OSError | sqlite3.Error,
                       job_id: str) -> AccountProblemError | None:
        """A full, read-only or unwritable folder pauses the queue with the job queued (the
        problem to raise); None for any other error of the machine."""
        problem = storage_problem(error, output_dir=self.config.output_dir,
                                  data_dir=self.config.paths.data)
        if problem is None:
            return None
        log.warning("Queue paused: %s (%s)", problem.message, problem.detail)
        # The data disk may be the one that is full: then the next start requeues the job.
        with contextlib.suppress(OSError, sqlite3.Error):
            self.store.requeue(job_id, problem.message)
        return problem

    def _unexpected(self, job_id: str, error: Exception) -> Job:
        log.error("Unexpected error in job %s", job_id, exc_info=error)
        detail = redact("".join(traceback.format_exception_only(type(error), error)).strip())
        return self.store.fail(job_id, UNEXPECTED, detail) or self.store.get(job_id)

    def _check_cancel(self, job_id: str, cancel: threading.Event | None) -> None:
        if (cancel is not None and cancel.is_set()) or self.store.get(job_id).cancel_requested:
            raise CancelledError(job_id)

    def _run(self, job: Job, client: NanoBananaClient | None, cancel: threading.Event | None,
             on_progress: JobListener | None) -> Job:
        try:
            style = get_style(job.style)
        except UnknownStyleError as error:
            raise JobError(f"The style {job.style!r} does not exist any more. "
                           "Choose another style and try again.") from error

        data, mime = self.files.stored_result(job)
        if data is None:
            if client is None:
                data, mime, job = self._cut_out(job, style, cancel, on_progress)
            else:
                data, mime, job = self._generate(job, style, client, cancel, on_progress)
            job = self.store.update(job.id, result_path=str(
                self.storage.write_result(job.id, data, mime)), result_mime=mime)
        return self._finish(job, data, mime, client)

    def _finish(self, job: Job, data: bytes, mime: str, client: NanoBananaClient | None) -> Job:
        """Thumbnail, the user's copy, COMPLETED: each recorded before the next."""
        if not job.result_thumbnail_path:
            try:
                thumb, thumb_mime = make_thumbnail(data)
            except PhotoUnusableError as error:
                if client is not None:  # a retry must ask again, not reuse this
                    self.files.forget_result(job, client)
                raise GenerationFailedError(UNREADABLE_RESULT, error.detail) from error
            job = self.store.update(job.id, result_thumbnail_path=str(
                self.storage.write_thumbnail(job.id, "result", thumb, thumb_mime)))
        job = self.files.export(job, data, mime)
        finished = self.store.complete(job.id)
        if job.client_job_id and client is not None:
            client.discard(job.client_job_id)
        return finished or self.store.get(job.id)

    def _ready_to_send(self, job: Job, cancel: threading.Event | None,
                       on_progress: JobListener | None) -> Job:
        """The upload copy and the tile's thumbnail made (a bad file fails here), and the job
        not cancelled meanwhile."""
        job = self.files.prepare_upload(job)
        if on_progress:
            on_progress(job)
        self._check_cancel(job.id, cancel)
        return job

    def _cut_out(self, job: Job, style: Style, cancel: threading.Event | None,
                 on_progress: JobListener | None) -> tuple[bytes, str, Job]:
        return self.cutouts.make(self._ready_to_send(job, cancel, on_progress), style)

    def _generate(self, job: Job, style: Style, client: NanoBananaClient,
                  cancel: threading.Event | None, on_progress: JobListener | None
                  ) -> tuple[bytes, str, Job]:
        # A paid result may be waiting in the spool from before a kill: collect, don't redo.
        collected = self.paid.collected(job, client)
        if collected is None:
            job = self._ready_to_send(job, cancel, on_progress)
            job, status = self.paid.send(job, style, client, cancel)
        else:
            job, status = collected
        data, mime = self.paid.download(client, status)
        return data, mime, job

    # -- touch-up ----------------------------------------------------------------------------

    def cutout_of(self, job_id: str) -> CutOut:
        """A finished cut-out's photo and current mask (JobError when there is none)."""
        return self.cutouts.cutout_of(self.store.get(job_id))

    def touch_up(self, job_id: str, mask: Image.Image) -> Job:
        """Keep an edited mask for a finished cut-out and make its result, thumbnail and the
        user's copy anew from it; every later export uses it too."""
        return self.cutouts.touch_up(self.store.get(job_id), mask)

    # -- queue operations --------------------------------------------------------------------

    def cancel(self, job_id: str) -> Job | None:
        return self.store.cancel(job_id)

    def retry(self, job_id: str) -> Job | None:
        return self.store.retry(job_id)

    def remove(self, job_ids: list[str]) -> list[Job]:
        removed = self.store.remove(job_ids)
        for job in removed:
            self.storage.remove_job_files(job)
        return removed

    # -- money -------------------------------------------------------------------------------

    def usage_today(self) -> UsageTotals:
        return usage_today(self.store)

    def usage_this_month(self) -> UsageTotals:
        return usage_this_month(self.store)

    def estimate_cost(self, job_count: int) -> float | None:
        """What running this many jobs will cost with the model in use (or the one named in
        the settings) at the chosen size; None while that price is not known ("automatic"
        before the service was asked, or a model the app has no price for)."""
        if self.config.mode is Mode.MOCK or job_count <= 0:
            return 0.0
        from app.services.pricing import price_per_image

        choice = self.notices.choice
        model = choice.model if choice is not None else self.config.model
        if model == AUTOMATIC:
            return None
        price = price_per_image(model, self.config.image_size)
        return None if price is None else job_count * price

    def model_in_use(self) -> str | None:
        """The live model of the current client, once chosen; None in demo mode."""
        if self.config.mode is Mode.MOCK:
            return None
        choice = self.notices.choice
        return choice.model if choice is not None else None

    def queued(self) -> list[Job]:
        return self.store.all([JobStatus.QUEUED])

    def queued_to_send(self) -> list[Job]:
        """The queued jobs that will go to the image service (not the free local cut-outs)."""
        return [job for job in self.queued() if not is_local_style(job.style)]
