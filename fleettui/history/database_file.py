"""The history's SQLite file: where a profile's file is, how it is opened (WAL, a busy
timeout, the schema checked and migrated, 0600), how a bad one is moved aside, and the
demo's throwaway one (unlinked as soon as it is open: `connect_throwaway`).

A file that another fleettui process holds locked while it creates or migrates it (the
monitor and `fleettui record` started at once) answers "database is locked", an
`sqlite3.OperationalError`, which is a `DatabaseError` like a corrupt file's: `connect`
tries again a few times and then says the file is busy (`FileBusy`, an OSError), so a
good file is never moved aside as corrupt because it was busy (a loaded machine did
that: both processes then wrote separate files)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import shutil
import sqlite3
import tempfile
import time
from datetime import datetime
from pathlib import Path

from fleettui.config.paths import data_dir, ensure_dir
from fleettui.core import forced_end
from fleettui.core.localfile import check_regular_or_absent
from fleettui.history import schema

BUSY_TIMEOUT_MS = 5000
#: Opens tried while another process holds the file locked (a short, growing wait between).
BUSY_TRIES = 5


class FileBusy(OSError):
    """The history file stayed locked by another process through every try."""


def history_path(profile: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_.-]", "_", profile)[:40] or "profile"
    digest = hashlib.sha256(profile.encode("utf-8")).hexdigest()[:10]
    return data_dir() / "history" / f"{slug}-{digest}.sqlite3"


def connect(path: Path) -> sqlite3.Connection:
    """The history file opened (created if absent), checked and migrated. Raises what
    `HistoryStore` sorts out: a `schema` error, `sqlite3.DatabaseError`, `NotAFile`,
    `OSError` (`FileBusy` when another process kept it locked)."""
    for attempt in range(BUSY_TRIES):
        try:
            return _connect_once(path)
        except sqlite3.OperationalError as e:
            if not _busy(e):
                raise
            if attempt + 1 == BUSY_TRIES:
                raise FileBusy(errno.EBUSY, f"another fleettui process holds it ({e})") from e
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return str(exc).startswith(("database is locked", "database table is locked"))


def connect_throwaway() -> sqlite3.Connection:
    """A throwaway history (demo runs) that leaves nothing behind however the process
    ends, SIGKILL included: its file is made in a private temporary folder, opened, and
    the file and folder removed at once; the open connection keeps the unlinked file (and
    its page cache, bounded like a profile's, spills to it rather than to memory). SQLite
    works on an unlinked file as long as it never needs the path again: the journal is
    kept in memory (no WAL, no -journal file beside it) and nothing else opens it by path
    (a throwaway is never shared: `fleettui record` and the webhook receiver use the
    profile's file). For the instant between making the folder and removing it, a forced
    end (`forced_end`) removes it too. Raises `sqlite3.Error` or `OSError`."""
    folder = Path(tempfile.mkdtemp(prefix="fleettui-history-"))
    forced_end.remove_at_forced_end(folder)
    try:
        conn = sqlite3.connect(
            folder / "demo.sqlite3", isolation_level=None, check_same_thread=False
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        forced_end.forget(folder)
    try:
        conn.execute("PRAGMA journal_mode = MEMORY")  # never a file beside the unlinked one
        conn.execute("PRAGMA synchronous = OFF")  # nothing to keep through a crash
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -32000")
        schema.migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _connect_once(path: Path) -> sqlite3.Connection:
    ensure_dir(path.parent)
    check_regular_or_absent(path)  # a FIFO would hold SQLite's first read
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        schema.check_identity(conn)  # reads the header: a non-database fails here
        schema.check_not_newer(conn)  # before anything writes to the file
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        # Keys are hashes (random order): a bigger page cache keeps big batches fast.
        conn.execute("PRAGMA cache_size = -32000")
        schema.migrate(conn)
        conn.execute("SELECT count(*) FROM events WHERE 0").fetchone()
    except BaseException:
        conn.close()
        raise
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)
    return conn


_WHAT = {
    "corrupt": "could not be read",
    "foreign": "is not fleettui's history",
    "other-server": "belongs to another server",
    "not-a-file": "is not a file",
}


def move_aside(path: Path, kind: str, why: str) -> tuple[bool, str]:
    """Rename the file (and its -wal/-shm) to ``<name>.<kind>-<time>``; (done, note)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{kind}-{stamp}")
    try:
        os.replace(path, target)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
    except OSError as e:
        return False, (
            f"History off: {path} {_WHAT.get(kind, kind)} ({why}) and could not be "
            f"moved aside ({e.strerror or e})."
        )
    return True, (
        f"The history database {path} {_WHAT.get(kind, kind)} ({why}); it was moved "
        f"to {target} and a new one started."
    )
