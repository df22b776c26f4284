"""`HistoryStore`: the SQLite file of recorded events for one profile.

- WAL journal and a busy timeout, writes in IMMEDIATE transactions: two fleettui
  processes (the monitor and `fleettui record`) can write the same file at once.
- One connection guarded by a lock, usable from any thread (the monitor writes from a
  worker; the UI thread never waits on the disk).
- Never fatal: a file that is not a database, or someone else's database, is moved aside
  (``<name>.corrupt-<time>`` / ``.foreign-<time>``) with a note and a new one started; a
  file from a newer fleettui is left alone and history is off for this run. If no file
  can be opened at all, the store is unavailable: every write is a no-op, every query
  empty, and `notes` says why.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fleettui.config.paths import data_dir, ensure_dir
from fleettui.core.localfile import NotAFile, check_regular_or_absent
from fleettui.history import schema
from fleettui.history.events import Event, cut, event_key, one_event
from fleettui.history.settings import HistorySettings, load_history_settings

BUSY_TIMEOUT_MS = 5000
#: Prune at most this often while recording (it is also done on open).
PRUNE_EVERY = timedelta(hours=1)
#: Changes kept in memory while writes fail (the database locked by another process,
#: the disk full), written by the next write that succeeds. Past this (~15 MB), the
#: oldest are dropped, and that is said.
MAX_PENDING = 50_000
_COLUMNS = "vin, brand, at, seen_at, old_state, new_state, reason, source"


def history_path(profile: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_.-]", "_", profile)[:40] or "profile"
    digest = hashlib.sha256(profile.encode("utf-8")).hexdigest()[:10]
    return data_dir() / "history" / f"{slug}-{digest}.sqlite3"


def _epoch(dt: datetime | None) -> float | None:
    return None if dt is None else dt.timestamp()


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _row_event(r: tuple) -> Event:
    vin, brand, at, seen, old, new, reason, source = r
    return Event(
        vin, new, _dt(at), _dt(seen) or datetime.fromtimestamp(0, UTC), old, reason, brand, source
    )


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


class HistoryStore:
    def __init__(
        self, path: Path | None, *, settings: HistorySettings | None = None, temporary: bool = False
    ) -> None:
        self.path = path
        self.settings = settings or HistorySettings()
        self.notes: list[str] = list(self.settings.notes)
        self._temporary = temporary
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._last_prune: datetime | None = None
        #: Rows of writes that failed, in order, to be written by the next one.
        self._pending: list[tuple] = []
        #: Failed writes since the last good one, and their cause (for one note, not many).
        self._failures = 0
        self._failure_cause: str | None = None
        self._write_error: sqlite3.Error | None = None
        if path is not None and self.settings.enabled:
            self._open()

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def temporary(cls) -> HistoryStore:
        """A throwaway database (demo runs), deleted on close."""
        folder = Path(tempfile.mkdtemp(prefix="fleettui-history-"))
        return cls(folder / "demo.sqlite3", temporary=True)

    @property
    def available(self) -> bool:
        return self._conn is not None

    def _connect(self) -> sqlite3.Connection:
        assert self.path is not None
        ensure_dir(self.path.parent)
        check_regular_or_absent(self.path)  # a FIFO would hold SQLite's first read
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
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
            os.chmod(self.path, 0o600)
        return conn

    def _open(self) -> None:
        for attempt in range(2):
            try:
                self._conn = self._connect()
                return
            except schema.SchemaTooNew as e:
                self.notes.append(
                    f"History off: {self.path} was written by a newer fleettui "
                    f"({e}); it was left untouched."
                )
                return
            except schema.ForeignDatabase as e:
                if attempt or not self._move_aside("foreign", str(e)):
                    return
            except sqlite3.DatabaseError as e:
                if attempt or not self._move_aside("corrupt", str(e)):
                    return
            except NotAFile as e:
                if attempt or not self._move_aside("not-a-file", str(e.strerror)):
                    return
            except OSError as e:
                self.notes.append(f"History off: cannot open {self.path} ({e.strerror or e}).")
                return

    def _move_aside(self, kind: str, why: str) -> bool:
        assert self.path is not None
        ok, note = move_aside(self.path, kind, why)
        self.notes.append(note)
        return ok

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    # Bounded: ANALYZE samples ~400 rows per index, so closing a file
                    # of a million events (at exit) stays quick.
                    conn.execute("PRAGMA analysis_limit = 400")
                    conn.execute("PRAGMA optimize")
                conn.close()
        if self._temporary and self.path is not None:
            shutil.rmtree(self.path.parent, ignore_errors=True)

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection | None]:
        """A transaction; its failure is kept in `_write_error` (None: written), and said
        once per run of failures with the same cause (see `_failed`)."""
        with self._lock:
            self._write_error = None
            conn = self._conn
            if conn is None:
                yield None
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.DatabaseError as e:  # locked past the timeout, disk full...
                self._write_trouble(conn, e)
                yield None  # the caller's block is skipped; nothing was written
                return
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as e:
                # SQLite may have rolled back already (a full disk does): a ROLLBACK then
                # fails with "no transaction is active", which must not replace the cause.
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                if not isinstance(e, sqlite3.DatabaseError):
                    raise
                self._write_trouble(conn, e)

    def _write_trouble(self, conn: sqlite3.Connection, error: sqlite3.DatabaseError) -> None:
        self._write_error = error
        if isinstance(error, sqlite3.OperationalError):  # locked, disk full: passes
            self._failed(error)
            return
        self._conn = None  # the file went bad under us
        conn.close()
        if self._move_aside("corrupt", str(error)):
            self._open()

    def _failed(self, error: sqlite3.Error) -> None:
        """One note per cause, not one per failed write: the first failure says what
        happened and what to do; the next good write says how many failed."""
        self._failures += 1
        full = getattr(error, "sqlite_errorname", "") == "SQLITE_FULL" or "full" in str(error)
        cause = "full" if full else str(error)
        if cause == self._failure_cause:
            return
        self._failure_cause = cause
        where = self.path.parent if self.path is not None else "the history's folder"
        if full:
            self.notes.append(
                f"History: the disk is full ({error}): free space at {where}. Changes "
                "are kept in memory and written as soon as there is room; fleettui goes on."
            )
        else:
            self.notes.append(
                f"History: a write failed ({error}); its changes are kept in memory and "
                "written with the next write that succeeds."
            )

    def _recovered(self, written: int) -> None:
        if self._failures:
            self.notes.append(
                f"History: writing works again after {self._failures} failed "
                f"write{'s' if self._failures != 1 else ''}; the {written} change(s) they "
                "held are stored now."
            )
        self._failures = 0
        self._failure_cause = None

    def record_events(self, events: Iterable[Event], now: datetime | None = None) -> int:
        """Store events in ONE transaction; the ones already stored (same key) are
        skipped. Returns how many were new. Call it from a worker thread.

        When the write fails (locked, disk full), its rows are kept (up to MAX_PENDING,
        the oldest dropped first and said) and written by the next write that succeeds,
        with that write's own rows."""
        rows = [
            (
                cut(e.vin, 64),
                cut(e.brand, 64) or "",
                _epoch(e.at),
                _epoch(e.seen_at),
                cut(e.old, 64),
                cut(e.new, 64),
                cut(e.reason),
                e.source,
                e.key
                if e.key is not None
                else event_key(e.vin, e.new, e.at, e.reason, source=e.source, seen_at=e.seen_at),
            )
            for e in events
        ]
        added = 0
        with self._lock:
            batch = [*self._pending, *rows] if self._pending else rows
            if not batch:
                return 0
            with self._write() as conn:
                if conn is not None:
                    before = conn.total_changes
                    conn.executemany(
                        f"INSERT OR IGNORE INTO events ({_COLUMNS}, key) "
                        "VALUES (?,?,?,?,?,?,?,?,?)",
                        batch,
                    )
                    added = conn.total_changes - before
            if self._conn is None:
                pass  # history off: nothing to keep rows for
            elif self._write_error is None:
                carried = len(self._pending)
                self._pending = []
                if self._failures:
                    self._recovered(carried)
            else:
                added = 0
                over = len(batch) - MAX_PENDING
                if over > 0:
                    self.notes.append(
                        f"History: {over} of the oldest unwritten changes were dropped "
                        f"(writes kept failing; at most {MAX_PENDING:,} are kept)."
                    )
                    batch = batch[over:]
                self._pending = batch
        if now is not None and (self._last_prune is None or now - self._last_prune >= PRUNE_EVERY):
            self.prune(now)
        return added

    @property
    def unwritten(self) -> int:
        """Changes kept in memory because writes failed."""
        with self._lock:
            return len(self._pending)

    def record_event(
        self,
        vin: str,
        old: str | None,
        new: str,
        reason: str | None,
        seen_at: datetime,
        source: str,
        *,
        at: datetime | None = None,
        brand: str = "",
        key: str | None = None,
    ) -> bool:
        """Record one change (the webhook receiver's entry point; keyed as `one_event`
        says). True when new."""
        return (
            self.record_events(
                [one_event(vin, old, new, reason, seen_at, source, at=at, brand=brand, key=key)]
            )
            == 1
        )

    def prune(self, now: datetime) -> int:
        """Drop events past the retention and beyond the size bound; returns how many."""
        self._last_prune = now
        cutoff = (now - timedelta(days=self.settings.retention_days)).timestamp()
        removed = 0
        with self._write() as conn:
            if conn is None:
                return 0
            cur = conn.execute("DELETE FROM events WHERE coalesce(at, seen_at) < ?", (cutoff,))
            removed += max(0, cur.rowcount)
            total = conn.execute("SELECT count(*) FROM events").fetchone()[0]
            extra = total - self.settings.max_events
            if extra > 0:
                cur = conn.execute(
                    "DELETE FROM events WHERE id IN (SELECT id FROM events "
                    "ORDER BY coalesce(at, seen_at), id LIMIT ?)",
                    (extra,),
                )
                removed += max(0, cur.rowcount)
        if removed:
            with self._lock, contextlib.suppress(sqlite3.Error):
                if self._conn is not None:
                    self._conn.execute("PRAGMA incremental_vacuum")
        return removed

    def release_memory(self) -> None:
        """Hand back the page cache a big write filled (up to 32 MB, kept for the
        connection's life otherwise) and the memory malloc keeps after it. Blocking."""
        from fleettui.core.memory import give_back_memory

        with self._lock, contextlib.suppress(sqlite3.Error):
            if self._conn is not None:
                self._conn.execute("PRAGMA shrink_memory")
        give_back_memory()

    # -- meta ------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as conn:
            if conn is not None:
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- reading ---------------------------------------------------------------------

    def _one(self, sql: str, params: tuple = ()) -> tuple | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Raw read for the statistics; [] when the store is unavailable or fails."""
        with self._lock:
            if self._conn is None:
                return []
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.Error as e:
                self.notes.append(f"History: a read failed ({e}).")
                return []

    def events(
        self,
        *,
        since: datetime | None = None,
        vin: str | None = None,
        state: str | None = None,
        seen_after: datetime | None = None,
        limit: int | None = None,
    ) -> list[Event]:
        """Events oldest first (by the provider's time, else when seen)."""
        where: list[str] = []
        params: list[str | float] = []
        if vin is not None:
            where.append("vin = ?")
            params.append(vin)
        if since is not None:
            where.append("coalesce(at, seen_at) >= ?")
            params.append(since.timestamp())
        if seen_after is not None:
            where.append("seen_at > ?")
            params.append(seen_after.timestamp())
        if state is not None:
            where.append("new_state = ?")
            params.append(state)
        sql = f"SELECT {_COLUMNS} FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY coalesce(at, seen_at), id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_row_event(r) for r in self.query(sql, tuple(params))]

    def count(self) -> int:
        row = self._one("SELECT count(*) FROM events")
        return int(row[0]) if row else 0


def open_history(
    profile: str, base_url: str = "", *, demo: bool = False, settings: HistorySettings | None = None
) -> HistoryStore:
    """The profile's history (a throwaway one for demo runs). A profile that now points
    at another server starts a new file; the old one is moved aside with a note."""
    if demo:
        return HistoryStore.temporary()
    store = HistoryStore(history_path(profile), settings=settings or load_history_settings())
    if not store.available:
        return store
    known = store.get_meta("base_url")
    server = base_url.rstrip("/")
    if known is None:
        store.set_meta("profile", profile)
        store.set_meta("base_url", server)
    elif server and known != server:
        store.close()
        assert store.path is not None
        _, note = move_aside(
            store.path, "other-server", f"it holds {known}, the profile now uses {server}"
        )
        fresh = HistoryStore(store.path, settings=store.settings)
        fresh.notes[:0] = [*store.notes, note]
        fresh.set_meta("profile", profile)
        fresh.set_meta("base_url", server)
        return fresh
    return store
