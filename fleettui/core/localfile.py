"""Opening a local file fleettui reads back (cache, config, history, a file of VINs, saved
deliveries) so that what sits at the path cannot hang or flood the process.

A FIFO at the cache's path made the monitor wait forever for data; a link to an endless
file was read without limit (2.4 GB resident). `open_regular` opens without blocking
(`O_NONBLOCK`: a FIFO with no writer does not wait), optionally without following a
final symbolic link (`O_NOFOLLOW`, for files only fleettui writes), refuses anything but
a regular file, and refuses a file larger than its format can be before reading a byte.
Errors are `NotAFile` / `TooBig` (both OSError, so callers' existing "could not be read"
paths name them) with a message that says what was found.
"""

from __future__ import annotations

import errno
import os
import stat
from typing import BinaryIO

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotAFile(OSError):
    """What is at the path is not a regular file (or is a link where none may be)."""


class TooBig(OSError):
    """The file is larger than its format can be."""


def _what(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def open_regular(
    path: str | os.PathLike[str], max_bytes: int, *, follow_links: bool = True
) -> BinaryIO:
    """The file opened for binary reading; FileNotFoundError when there is none."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if not follow_links and e.errno == errno.ELOOP:
            raise NotAFile(
                e.errno, "a symbolic link, where fleettui keeps a file of its own", str(path)
            ) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotAFile(0, f"{_what(info.st_mode)}, not a file", str(path))
        if info.st_size > max_bytes:
            raise TooBig(
                0,
                f"{info.st_size:,} bytes, more than such a file can be (at most {max_bytes:,})",
                str(path),
            )
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(
    path: str | os.PathLike[str], max_bytes: int, *, follow_links: bool = True
) -> bytes:
    """The whole file (see open_regular), never more than `max_bytes` even if it grows."""
    with open_regular(path, max_bytes, follow_links=follow_links) as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooBig(0, f"more than {max_bytes:,} bytes", str(path))
    return data


def check_regular_or_absent(path: str | os.PathLike[str]) -> None:
    """For files another library opens (SQLite): NotAFile unless the path is absent or
    a regular file (a FIFO would block SQLite's first read for ever)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        raise NotAFile(0, f"{_what(info.st_mode)}, not a file", str(path))
