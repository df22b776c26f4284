"""A monitor's side of the local channel: follow a receiver's database.

    tail = WebhookTail(default_db_path("prod"))   # start after the newest event
    for stored in tail.poll(): ...                # new events since the last poll
    tail.health()                                 # the receiver's last heartbeat snapshot

Read-only; opens the file lazily (a receiver started later is picked up), survives the
file being replaced, and never raises for a missing or unreadable database (it reports
an empty poll and a health snapshot without a heartbeat, i.e. "receiver down").
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from pathlib import Path

from fleettui.webhooks.health import HealthSnapshot
from fleettui.webhooks.store import StoredEvent, connect, read_events, read_health, read_last_seq

log = logging.getLogger("fleettui.webhooks")


class WebhookTail:
    def __init__(self, path: Path, *, from_start: bool = False, batch: int = 500) -> None:
        self.path = Path(path)
        self._batch = batch
        self._conn: sqlite3.Connection | None = None
        self._seq: int | None = 0 if from_start else None
        self.problem: str | None = None
        self._connection()  # "after the newest event" means the newest one now

    def __repr__(self) -> str:
        return f"WebhookTail({str(self.path)!r}, seq={self._seq})"

    @property
    def seq(self) -> int:
        return self._seq or 0

    def _connection(self) -> sqlite3.Connection | None:
        if self._conn is not None:
            return self._conn
        if not self.path.exists():
            self.problem = "no receiver database yet"
            return None
        try:
            self._conn = connect(self.path, readonly=True)
            if self._seq is None:
                self._seq = read_last_seq(self._conn)
            self.problem = None
        except sqlite3.Error as e:
            self._drop(f"cannot read the receiver database: {e}")
        return self._conn

    def _drop(self, problem: str) -> None:
        self.problem = problem
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
        self._conn = None

    def poll(self) -> list[StoredEvent]:
        """Events stored since the last poll (at most `batch`; call again for more)."""
        conn = self._connection()
        if conn is None:
            return []
        try:
            got = read_events(conn, self.seq, self._batch)
            if not got and read_last_seq(conn) < self.seq:
                self._seq = 0  # the database was replaced by a new one: start over
                got = read_events(conn, 0, self._batch)
        except sqlite3.Error as e:
            self._drop(f"cannot read the receiver database: {e}")
            return []
        if got:
            self._seq = got[-1].seq
        return got

    def health(self) -> HealthSnapshot:
        conn = self._connection()
        if conn is None:
            return HealthSnapshot()
        try:
            return read_health(conn)
        except sqlite3.Error as e:
            self._drop(f"cannot read the receiver database: {e}")
            return HealthSnapshot()

    def close(self) -> None:
        self._drop(self.problem or "closed")
