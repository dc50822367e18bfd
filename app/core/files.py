"""Writing files so that a kill at any moment leaves either the old file or the new one."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

# mkstemp makes files only their owner can read (0600); the files the app writes for the user
# get the permissions any other program's would: 0666 less the umask (read once, at import,
# while the process has one thread: os.umask can only be read by setting it).
_UMASK = os.umask(0o022)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK

_OUR_PART = re.compile(r"^\..+\.[a-z0-9_]{8}\.part$")  # tempfile.mkstemp's random part


@contextlib.contextmanager
def naming(path: Path) -> Iterator[None]:
    """An OSError without a file name (a full disk says so on write, on a file descriptor)
    gets ``path``'s, so the message can name the folder that is full."""
    try:
        yield
    except OSError as error:
        if error.filename is None and error.errno is not None:
            raise type(error)(error.errno, error.strerror, str(path)) from error
        raise


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> Path:
    """Write to a temporary file in the same folder, then rename into place.

    The rename alone survives a killed process; ``durable`` also flushes to the disk first, so
    the file survives a power cut. Files that can be made again (thumbnails, upload copies)
    skip that flush: it is the slowest part of writing them.
    """
    with naming(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with contextlib.suppress(OSError):  # a file system without modes (FAT) keeps its own
            os.fchmod(fd, FILE_MODE)
    try:
        with naming(path), os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def atomic_write_new(path: Path, data: bytes) -> Path:
    """Like atomic_write_bytes, but never replaces an existing file: the name gets " (2)", " (3)"...

    Uses a hard link for the final step, which fails when the name is taken, so two writers
    racing for the same name cannot overwrite each other.
    """
    with naming(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with contextlib.suppress(OSError):  # a file system without modes (FAT) keeps its own
            os.fchmod(fd, FILE_MODE)
    try:
        with naming(path), os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        candidate, n = path, 1
        while True:
            try:
                os.link(tmp, candidate)
                return candidate
            except FileExistsError:
                n += 1
                candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
            except OSError:
                # Some file systems (FAT on a USB stick) have no hard links: fall back to an
                # exclusive create, which is still never an overwrite.
                if candidate.exists():
                    n += 1
                    candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
                    continue
                with open(candidate, "xb") as out:
                    out.write(data)
                return candidate
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def first_free(path: Path) -> Path:
    """``path``, or ``name (2).ext``, ``name (3).ext``... whichever does not exist yet."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
    return candidate


def remove_stale_parts(folder: Path) -> int:
    """Delete temporary files a killed process left behind; returns how many."""
    removed = 0
    if not folder.is_dir():
        return removed
    for part in folder.glob(".*.part"):
        if not _OUR_PART.match(part.name):  # only our own: ".<name>.<8 random>.part"
            continue
        with contextlib.suppress(OSError):
            part.unlink()
            removed += 1
    return removed
