"""The provider's webhooks on the desk: one active receiver, every monitor following.

- `DeskWebhookStore` is the receiver's store when it runs with `--desk` (same methods as
  `fleettui.webhooks.store.WebhookStore`): `record(event)` writes the delivery's dedupe
  row, the state change into the desk's history (clearing the VIN's snooze) and a
  `webhook` event, in ONE transaction, and the receiver answers 202 only after it
  committed (`durable = True`): a delivery answered 202 is in the desk.
- One receiver per desk is the active one: `fleettui.desk.receiver_lock.ReceiverLock`;
  every running receiver's row: `fleettui.desk.receivers`.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timedelta
from typing import Any

from fleettui.core.timefmt import utcnow
from fleettui.desk import work
from fleettui.desk.connection import DeskConnection, write_events
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
