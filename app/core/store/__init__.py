"""The job database: the store itself, its numbered migrations, and how a file is opened."""

from app.core.store.job_store import JobNotFoundError, JobStore, NewJob, open_job_store
from app.core.store.migrations import LATEST as SCHEMA_VERSION
from app.core.store.opening import (
    StoreDamagedError,
    StoreError,
    StoreTooNewError,
    StoreUnavailableError,
)

__all__ = [
    "SCHEMA_VERSION",
    "JobNotFoundError",
    "JobStore",
    "NewJob",
    "StoreDamagedError",
    "StoreError",
    "StoreTooNewError",
    "StoreUnavailableError",
    "open_job_store",
]
