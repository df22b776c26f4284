"""The deliveries a webhook receiver has accepted (answered 202), between the answer and
their applying: a bounded queue, and the thread that applies each one in turn (dedupe by
delivery id in the store, count, save, record in the history, call `on_event`) and writes
the receiver's health between them. A delivery already recorded by a durable store
before its answer carries its sequence number; the others are recorded here."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fleettui.webhooks.events import PING, WebhookEvent
from fleettui.webhooks.health import Counters
from fleettui.webhooks.store import ReceiverStore, StoredEvent

log = logging.getLogger("fleettui.webhooks")

#: A queued delivery the store has not recorded yet (a non-durable store records it after).
UNSTORED = -1
EventCallback = Callable[[StoredEvent], None]


class DeliveryQueue:
    def __init__(
        self,
        store: ReceiverStore,
        counters: Counters,
        *,
        size: int,
        heartbeat: float,
        now: Callable[[], datetime],
        on_event: EventCallback | None = None,
        save: Path | None = None,
        history: Any | None = None,
    ) -> None:
        self.store = store
        self.counters = counters
        self._heartbeat = heartbeat
        self._now = now
        self._on_event = on_event
        self._save = save
        self._history = history
        #: (event, body, seq): seq is UNSTORED, or what a durable store's record() gave.
        self._queue: queue.Queue[tuple[WebhookEvent, bytes, int | None] | None] = queue.Queue(size)
        self._idle = threading.Condition()
        self._pending = 0

    def offer(self, event: WebhookEvent, body: bytes, seq: int | None) -> bool:
        """Queue an accepted delivery; False (nothing queued) when the queue is full."""
        with self._idle:
            self._pending += 1
        try:
            self._queue.put_nowait((event, body, seq))
        except queue.Full:
            with self._idle:
                self._pending -= 1
            return False
        return True

    def close(self, timeout: float) -> None:
        """Tell the applying thread to end (after what is queued before it)."""
        with contextlib.suppress(queue.Full):
            self._queue.put(None, timeout=timeout)

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until every accepted delivery has been applied (for tests and replay)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def run(self) -> None:
        """The applying thread: until `close`."""
        self._safe(self.store.prune)
        last_beat = 0.0
        last_prune = time.monotonic()
        while True:
            item: tuple[WebhookEvent, bytes, int | None] | tuple[()] | None
            try:
                item = self._queue.get(timeout=self._heartbeat)
            except queue.Empty:
                item = ()
            if item is None:
                return
            if item:
                event, body, stored = item
                try:
                    self._apply(event, body, stored)
                finally:
                    with self._idle:
                        self._pending -= 1
                        self._idle.notify_all()
            mono = time.monotonic()
            if not item or self._queue.empty() or mono - last_beat >= 1.0:
                self._safe(lambda: self.store.write_health(self.counters.snapshot()))
                last_beat = mono
            if mono - last_prune > 3600:
                self._safe(self.store.prune)
                last_prune = mono

    def _safe(self, fn: Callable[[], object]) -> None:
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - a disk problem must not stop the receiver
            log.error("webhook database: %s", e)

    def _apply(self, event: WebhookEvent, body: bytes, stored: int | None = UNSTORED) -> None:
        if stored != UNSTORED:
            seq = stored  # a durable store recorded it before the answer
        else:
            try:
                seq = self.store.record(event)
            except Exception as e:  # noqa: BLE001
                log.error("webhook database: cannot store delivery %r: %s", event.delivery, e)
                return
        if seq is None:
            self.counters.bump("duplicates")
            return
        if not event.known:
            self.counters.bump("unknown_events")
        else:
            self.counters.delivered(ping=event.type == PING)
        save = self._save
        if save is not None:
            self._safe(lambda: _append_saved(save, event, body))
        history = self._history
        if history is not None and event.is_change:
            self._safe(
                lambda: history.record_event(
                    event.vin,
                    None,
                    event.action,
                    event.detail,
                    self._now(),
                    "webhook",
                    at=event.received_at,
                    key=event.delivery,
                )
            )
        if self._on_event is not None and event.known:
            try:
                self._on_event(StoredEvent(seq, event, time.time()))
            except Exception:  # noqa: BLE001 - a listener's bug must not stop the receiver
                log.exception("webhook listener failed")


def _append_saved(path: Path, event: WebhookEvent, body: bytes) -> None:
    """One JSON line per accepted delivery, in the form `fleettui webhooks replay` reads."""
    line = (
        json.dumps(
            {
                "delivery": event.delivery,
                "event": event.type,
                "body": body.decode("utf-8", "replace"),
            }
        )
        + "\n"
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as f:
        f.write(line)
