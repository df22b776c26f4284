"""Atomic, private file writes shared by the config file and the snapshot cache.

The new content goes to a temporary file in the same directory, created with mode 0600
from the start (``os.open`` with a mode, so there is no moment when another user could
read it), flushed and fsynced, then moved over the target with ``os.replace``. A reader
sees either the old file or the new one, never half of each; a crash leaves at most a
stray ``.tmp`` file, which is removed when the write fails in-process.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from fleettui.config.paths import ensure_dir

PRIVATE_MODE = 0o600


def atomic_write_bytes(path: Path, data: bytes, *, mode: int = PRIVATE_MODE) -> None:
    """Replace ``path`` with ``data`` atomically; the result has ``mode`` (default 0600)."""
    atomic_write_chunks(path, (data,), mode=mode)


def atomic_write_chunks(path: Path, chunks: Iterable[bytes], *, mode: int = PRIVATE_MODE) -> None:
    """Like :func:`atomic_write_bytes`, the content given a piece at a time (written as
    it comes, so a large file never exists in memory whole)."""
    directory = ensure_dir(path.parent)
    # os.urandom: what secrets.token_hex reads, without importing hmac and hashlib
    tmp = directory / f".{path.name}.{os.urandom(6).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        try:
            # The umask may have narrowed the mode; make it exact (POSIX only).
            if hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            for data in chunks:
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where directories can't be opened."""
    try:
        dfd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(dfd)
    finally:
        os.close(dfd)
