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
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

from fleettui.core.localfile import NotAFile
from fleettui.history import schema
from fleettui.history.database_file import connect, connect_throwaway, move_aside
from fleettui.history.event_rows import COLUMNS, event_row, events_query, row_event
from fleettui.history.events import Event, one_event
from fleettui.history.settings import HistorySettings
from fleettui.history.write_backlog import WriteBacklog

#: Prune at most this often while recording (it is also done on open).
PRUNE_EVERY = timedelta(hours=1)


class HistoryStore:
    def __init__(self, path: Path | None, *, settings: HistorySettings | None = None) -> None:
        #: The file; None for a throwaway (its file was unlinked once open) or no history.
        self.path = path
        self.settings = settings or HistorySettings()
        self.notes: list[str] = list(self.settings.notes)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._last_prune: datetime | None = None
        self._backlog = WriteBacklog(self.notes, path)
        self._write_error: sqlite3.Error | None = None
        if path is not None and self.settings.enabled:
            self._open()

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def temporary(cls) -> HistoryStore:
        """A throwaway database (demo runs) that leaves nothing on disk however the
        process ends (`connect_throwaway`: its file is unlinked as soon as it is open)."""
        store = cls(None)
        try:
            store._conn = connect_throwaway()
        except (sqlite3.Error, OSError) as e:
            store.notes.append(f"History off for this run: no throwaway database ({e}).")
        return store

    @property
    def available(self) -> bool:
        return self._conn is not None

    def _open(self) -> None:
        assert self.path is not None
        for attempt in range(2):
            try:
                self._conn = connect(self.path)
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
            self._backlog.failed(error)
            return
        self._conn = None  # the file went bad under us
        conn.close()
        if self.path is None:  # a throwaway: nothing to move aside or open again
            self.notes.append(f"History off for this run: its database failed ({error}).")
        elif self._move_aside("corrupt", str(error)):
            self._open()

    def record_events(self, events: Iterable[Event], now: datetime | None = None) -> int:
        """Store events in ONE transaction; the ones already stored (same key) are
        skipped. Returns how many were new. Call it from a worker thread.

        When the write fails (locked, disk full), its rows are kept (up to MAX_PENDING,
        the oldest dropped first and said) and written by the next write that succeeds,
        with that write's own rows."""
        rows = [event_row(e) for e in events]
        added = 0
        with self._lock:
            kept = self._backlog.rows
            batch = [*kept, *rows] if kept else rows
            if not batch:
                return 0
            with self._write() as conn:
                if conn is not None:
                    before = conn.total_changes
                    conn.executemany(
                        f"INSERT OR IGNORE INTO events ({COLUMNS}, key) VALUES (?,?,?,?,?,?,?,?,?)",
                        batch,
                    )
                    added = conn.total_changes - before
            if self._conn is None:
                pass  # history off: nothing to keep rows for
            elif self._write_error is None:
                self._backlog.written()
            else:
                added = 0
                self._backlog.keep(batch)
        if now is not None and (self._last_prune is None or now - self._last_prune >= PRUNE_EVERY):
            self.prune(now)
        return added

    @property
    def unwritten(self) -> int:
        """Changes kept in memory because writes failed."""
        with self._lock:
            return len(self._backlog.rows)

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
        sql, params = events_query(
            since=since, vin=vin, state=state, seen_after=seen_after, limit=limit
        )
        return [row_event(r) for r in self.query(sql, params)]

    def count(self) -> int:
        row = self._one("SELECT count(*) FROM events")
        return int(row[0]) if row else 0
