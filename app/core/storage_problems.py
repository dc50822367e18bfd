"""A folder the app writes to is full, read-only or not writable: the machine's fault, not the
photo's. Such an error pauses the queue (like an account problem) with a sentence that names
the folder and the fix, instead of failing every remaining photo one by one."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from app.services.errors import AccountProblemError, AccountProblemKind

_FULL = {errno.ENOSPC, errno.EDQUOT}
_READ_ONLY = {errno.EROFS}
_DENIED = {errno.EACCES, errno.EPERM}
_SQLITE_FIX = {
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_READONLY: "read-only",
    sqlite3.SQLITE_CANTOPEN: "not writable",
    sqlite3.SQLITE_IOERR: "not writable",
    sqlite3.SQLITE_PERM: "not writable",
}
_FIX = {
    "full": "is full: free some space on that disk, then Resume.",
    "read-only": "is read-only: choose another folder in Settings (or make it writable), then "
                 "Resume.",
    "not writable": "cannot be written to: check its permissions, or choose another folder in "
                    "Settings, then Resume.",
}


def _which(error: OSError) -> str | None:
    if error.errno in _FULL:
        return "full"
    if error.errno in _READ_ONLY:
        return "read-only"
    if error.errno in _DENIED:
        return "not writable"
    return None


def _folder_name(path: Path, output_dir: Path, data_dir: Path) -> str:
    for folder, name in ((output_dir, "output folder"), (data_dir, "ProductSnap data folder")):
        try:
            if path.resolve().is_relative_to(folder.resolve()):
                return f"The {name} {folder}"
        except OSError:
            continue
    return f"The folder {path.parent}"


def storage_problem(error: BaseException, *, output_dir: Path,
                    data_dir: Path) -> AccountProblemError | None:
    """The pause for a folder that cannot take the app's files, or None for any other error."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        which = _SQLITE_FIX.get(code & 0xFF) if isinstance(code, int) else None
        if which is None:
            return None
        where = f"The ProductSnap data folder {data_dir}"
    elif isinstance(error, OSError):
        which = _which(error)
        if which is None:
            return None
        filename = error.filename or error.filename2
        where = (_folder_name(Path(str(filename)), output_dir, data_dir) if filename
                 else f"A folder ProductSnap writes to ({output_dir} or {data_dir})")
    else:
        return None
    return AccountProblemError(AccountProblemKind.STORAGE, f"{where} {_FIX[which]}",
                               f"{type(error).__name__}: {error}")
