"""The provider's webhooks on the desk: one active receiver, every monitor following.

- `DeskWebhookStore` is the receiver's store when it runs with `--desk` (same methods as
  `fleettui.webhooks.store.WebhookStore`): `record(event)` writes the delivery's dedupe
  row, the state change into the desk's history (clearing the VIN's snooze) and a
  `webhook` event, in ONE transaction, and the receiver answers 202 only after it
  committed (`durable = True`): a delivery answered 202 is in the desk.
- `ReceiverLock` makes one receiver per desk the active one: a session advisory lock on a
  connection of its own (TCP keepalives on, so a dead holder's lock goes within seconds;
  a killed process's at once). The holder writes its machine, pid and URL in
  `desk_receiver`; a standby reads them to say who holds it, and keeps trying.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fleettui.core.timefmt import utcnow
from fleettui.desk import schema, work
from fleettui.desk.connection import DeskConnection, open_connection, write_events
from fleettui.desk.errors import DeskError
from fleettui.desk.settings import DeskSettings
from fleettui.history.events import cut, event_key
from fleettui.webhooks.events import WebhookEvent
from fleettui.webhooks.health import HealthSnapshot

DEDUPE_DAYS = 30
#: Follow-only events (webhook deliveries, presence) older than this are pruned; the work
#: log (claims, notes, snoozes) is kept.
EVENT_DAYS = 30


def history_row(event: WebhookEvent, seen: datetime) -> tuple[Any, ...]:
    """A change delivery as a `desk_history` row (keyed by the delivery id, as the local
    history keys it)."""
    vin = event.vin or ""
    new = event.action or ""
    key = event_key(vin, new, None, event.detail, source="webhook", extra=event.delivery)
    at = event.received_at.timestamp() if event.received_at else None
    return (key, cut(vin, 64), at, seen.timestamp(), cut(new, 64), cut(event.detail), "webhook")


class DeskWebhookStore:
    """The receiver's store on the desk. Thread-safe (one connection, one lock)."""

    #: The receiver must record before it answers (see fleettui.webhooks.receiver).
    durable = True

    def __init__(self, settings: DeskSettings, *, actor: str | None = None) -> None:
        self.settings = settings
        self.conn = DeskConnection(settings)
        self.conn.connect()
        self.actor = actor or f"receiver@{settings.host}"
        self.path = settings.shown  # what `webhooks listen` prints as its database

    def close(self) -> None:
        self.conn.close()

    def record(self, event: WebhookEvent) -> int | None:
        """Dedupe + history + event in one transaction; the event id (0 for a ping), or
        None for a delivery id seen before. DeskError when the desk cannot take it."""
        now = utcnow()
        with self.conn.tx() as cur:
            cur.execute(
                "INSERT INTO desk_deliveries (id, seen) VALUES (%s, %s) "
                "ON CONFLICT (id) DO NOTHING RETURNING 1",
                (event.delivery, now),
            )
            if cur.fetchone() is None:
                return None
            if not event.known or not event.is_change:
                return 0
            events = []
            if event.vin and event.action:
                cur.execute(
                    "INSERT INTO desk_history (key, vin, at, seen_at, new_state, reason, "
                    "source) VALUES (%s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (key) DO NOTHING",
                    history_row(event, now),
                )
                events += work.state_changed(cur, [(event.vin, event.action)])
            payload = {**event.to_json(), "accepted_at": time.time()}
            ids = write_events(cur, self.actor, now, [("webhook", event.vin, payload), *events])
            return ids[0]

    def seen(self, delivery: str) -> bool:
        with self.conn.tx() as cur:
            cur.execute("SELECT 1 FROM desk_deliveries WHERE id = %s", (delivery,))
            return cur.fetchone() is not None

    def write_health(self, snapshot: HealthSnapshot) -> None:
        """The heartbeat: the active receiver's row in desk_receiver."""
        with self.conn.tx() as cur:
            cur.execute(
                "UPDATE desk_receiver SET beat = %s, health = %s WHERE pid = %s AND host = %s",
                (utcnow(), json.dumps(snapshot.to_json()), os.getpid(), self.settings.host),
            )

    def prune(self) -> None:
        now = utcnow()
        with self.conn.tx() as cur:
            cur.execute(
                "DELETE FROM desk_deliveries WHERE seen < %s", (now - timedelta(days=DEDUPE_DAYS),)
            )
            cur.execute(
                "DELETE FROM desk_events WHERE at < %s AND kind IN "
                "('webhook', 'presence', 'leave')",
                (now - timedelta(days=EVENT_DAYS),),
            )


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    url: str
    since: datetime
    beat: datetime

    def text(self) -> str:
        return (
            f"{self.host} (pid {self.pid}{', ' + self.url if self.url else ''}) since "
            f"{self.since.strftime('%Y-%m-%d %H:%M:%S UTC')}"
        )


class ReceiverLock:
    """The desk's one-active-receiver lock (a session advisory lock)."""

    def __init__(self, settings: DeskSettings) -> None:
        self.settings = settings
        self._conn: Any = None
        self.held = False

    def _connection(self) -> Any:
        if self._conn is None or self._conn.closed:
            self.held = False
            self._conn = open_connection(self.settings, keepalive=True)
            with self._conn.cursor() as cur:
                schema.check_version(schema.found_version(cur), self.settings.shown)
        return self._conn

    def try_acquire(self, url: str = "") -> bool:
        """Take the lock if free (True), and say so in desk_receiver. DeskError when the
        desk cannot be reached."""
        try:
            conn = self._connection()
            row = conn.execute(
                "SELECT pg_try_advisory_lock(%s)", (schema.RECEIVER_LOCK,)
            ).fetchone()
            self.held = bool(row and row[0])
            if self.held:
                now = utcnow()
                conn.execute(
                    "INSERT INTO desk_receiver (one, host, pid, url, since, beat) VALUES "
                    "(true, %s, %s, %s, %s, %s) ON CONFLICT (one) DO UPDATE SET host = "
                    "EXCLUDED.host, pid = EXCLUDED.pid, url = EXCLUDED.url, since = "
                    "EXCLUDED.since, beat = EXCLUDED.beat, health = '{}'::jsonb",
                    (self.settings.host, os.getpid(), url, now, now),
                )
            return self.held
        except DeskError:
            self._close()
            raise
        except Exception as e:  # noqa: BLE001
            self._close()
            raise DeskError(
                f"desk {self.settings.shown} is offline ({type(e).__name__}); "
                "start the PostgreSQL server or check the connection string",
                "offline",
            ) from None

    def set_url(self, url: str) -> None:
        if self.held and self._conn is not None:
            self._conn.execute(
                "UPDATE desk_receiver SET url = %s WHERE pid = %s AND host = %s",
                (url, os.getpid(), self.settings.host),
            )

    def still_held(self) -> bool:
        """The lock's connection is alive (so the lock is still ours)."""
        if not self.held or self._conn is None:
            return False
        try:
            self._conn.execute("SELECT 1")
            return True
        except Exception:  # noqa: BLE001 - a dead connection: the lock is gone
            self._close()
            return False

    def holder(self) -> Holder | None:
        """Who holds it, as the holder wrote it (None: nobody has said)."""
        conn = self._connection()
        row = conn.execute("SELECT host, pid, url, since, beat FROM desk_receiver").fetchone()
        return None if row is None else Holder(*row)

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        self.held = False
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def release(self) -> None:
        if self.held and self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.execute(
                    "DELETE FROM desk_receiver WHERE pid = %s AND host = %s",
                    (os.getpid(), self.settings.host),
                )
                # Now, not when the server notices the closed connection (a moment later).
                self._conn.execute("SELECT pg_advisory_unlock(%s)", (schema.RECEIVER_LOCK,))
        self._close()
