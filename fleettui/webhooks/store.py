"""The receiver's SQLite database: dedupe memory, the accepted events, and its health.

One file per profile (`<data dir>/webhooks/<profile>.sqlite3`, see :func:`default_db_path`),
in WAL mode so monitors read while the receiver writes. It is also the local channel
between a receiver and the monitors on the same machine: the receiver appends every
accepted event to `events` (an increasing `seq`) and rewrites its `health` row every few
seconds (the heartbeat); a monitor tails `events` after the last `seq` it saw
(:class:`fleettui.webhooks.tail.WebhookTail`). Nothing secret is stored: delivery ids,
VINs, states, reasons and counters.

- `deliveries` remembers every delivery id for `DEDUPE_DAYS`, so a receiver restarted
  tomorrow still refuses a replay of today's delivery.
- `events` keeps the newest `MAX_EVENTS` events (tailers only need the recent ones).
- A file that is not this database, or is corrupt, is moved aside (`*.corrupt-<time>`)
  with a warning and a new one started; never fatal.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from fleettui.config.paths import data_dir, ensure_dir
from fleettui.core.localfile import NotAFile, check_regular_or_absent
from fleettui.core.timefmt import parse_ts
from fleettui.webhooks.events import WebhookEvent
from fleettui.webhooks.health import HealthSnapshot

log = logging.getLogger("fleettui.webhooks")

APPLICATION_ID = 0x464C5748  # "FLWH"
SCHEMA_VERSION = 1
DEDUPE_DAYS = 30
MAX_EVENTS = 50_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY, seen REAL NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_seen ON deliveries (seen);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, delivery TEXT NOT NULL, type TEXT NOT NULL,
    vin TEXT, action TEXT, detail TEXT, received_at TEXT, stored REAL NOT NULL);
CREATE TABLE IF NOT EXISTS health (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def default_db_path(profile: str) -> Path:
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in profile) or "default"
    return data_dir() / "webhooks" / f"{safe}.sqlite3"


@dataclass(frozen=True, slots=True)
class StoredEvent:
    seq: int
    event: WebhookEvent
    stored: float


class ReceiverStore(Protocol):
    """What the receiver needs of its store: `WebhookStore` (SQLite, this machine) or the
    desk's (`fleettui.desk.webhook_feed.DeskWebhookStore`, which sets `durable`)."""

    def record(self, event: WebhookEvent) -> int | None: ...

    def write_health(self, snapshot: HealthSnapshot) -> None: ...

    def prune(self) -> None: ...


def _row_event(row: tuple) -> StoredEvent:
    seq, delivery, kind, vin, action, detail, received_at, stored = row
    return StoredEvent(
        int(seq),
        WebhookEvent(str(delivery), str(kind), parse_ts(received_at), vin, action, detail),
        float(stored),
    )


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=2.0, check_same_thread=False
        )
    else:
        conn = sqlite3.connect(str(path), timeout=5.0, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


class WebhookStore:
    """The writer's side. Safe from several threads (one lock); one writer process."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        ensure_dir(self.path.parent)
        self._conn = self._open()

    def __repr__(self) -> str:
        return f"WebhookStore({str(self.path)!r})"

    def _open(self) -> sqlite3.Connection:
        try:
            check_regular_or_absent(self.path)  # a FIFO would hold SQLite's first read
            return self._init(connect(self.path))
        except (sqlite3.DatabaseError, NotAFile) as e:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(self._clock())}")
            log.warning(
                "webhook database %s is not usable (%s); moved aside to %s and "
                "started a new one (the dedupe memory starts empty)",
                self.path,
                e,
                aside.name,
            )
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.replace(f"{self.path}{suffix}", f"{aside}{suffix}")
            return self._init(connect(self.path))

    def _init(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            if tables and app_id != APPLICATION_ID:
                raise sqlite3.DatabaseError("not a fleettui webhook database")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"schema {version} is newer than this fleettui")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.commit()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o600)
        return conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def record(self, event: WebhookEvent) -> int | None:
        """Remember the delivery and append the event, in one transaction. None when this
        delivery id was seen before (a duplicate: nothing is stored)."""
        now = self._clock()
        with self._lock, self._conn:
            cur = self._conn.execute(
                "INSERT OR IGNORE INTO deliveries (id, seen) VALUES (?, ?)", (event.delivery, now)
            )
            if cur.rowcount == 0:
                return None
            d = event.to_json()
            cur = self._conn.execute(
                "INSERT INTO events (delivery, type, vin, action, detail, received_at, stored)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    event.delivery,
                    event.type,
                    event.vin,
                    event.action,
                    event.detail,
                    d["received_at"],
                    now,
                ),
            )
            return int(cur.lastrowid or 0)

    def seen(self, delivery: str) -> bool:
        with self._lock:
            return (
                self._conn.execute("SELECT 1 FROM deliveries WHERE id = ?", (delivery,)).fetchone()
                is not None
            )

    def write_health(self, snapshot: HealthSnapshot) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO health (key, value) VALUES ('receiver', ?)",
                (json.dumps(snapshot.to_json()),),
            )

    def prune(self) -> None:
        """Forget deliveries older than DEDUPE_DAYS and all but the newest MAX_EVENTS events."""
        cutoff = self._clock() - DEDUPE_DAYS * 86400
        with self._lock, self._conn:
            self._conn.execute("DELETE FROM deliveries WHERE seen < ?", (cutoff,))
            self._conn.execute(
                "DELETE FROM events WHERE seq <= (SELECT max(seq) FROM events) - ?", (MAX_EVENTS,)
            )

    def events_after(self, seq: int, limit: int = 500) -> list[StoredEvent]:
        with self._lock:
            return read_events(self._conn, seq, limit)

    def last_seq(self) -> int:
        with self._lock:
            return read_last_seq(self._conn)


def read_events(conn: sqlite3.Connection, seq: int, limit: int) -> list[StoredEvent]:
    rows = conn.execute(
        "SELECT seq, delivery, type, vin, action, detail, received_at, stored FROM events"
        " WHERE seq > ? ORDER BY seq LIMIT ?",
        (seq, limit),
    ).fetchall()
    return [_row_event(r) for r in rows]


def read_last_seq(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT max(seq) FROM events").fetchone()
    return int(row[0] or 0)


def read_health(conn: sqlite3.Connection) -> HealthSnapshot:
    row = conn.execute("SELECT value FROM health WHERE key = 'receiver'").fetchone()
    if row is None:
        return HealthSnapshot()
    try:
        return HealthSnapshot.from_json(json.loads(row[0]))
    except (ValueError, TypeError):
        return HealthSnapshot()
