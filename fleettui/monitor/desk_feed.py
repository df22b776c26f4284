"""The webhook deliveries that reach a monitor through the shared desk: whichever machine
runs the desk's receiver (`fleettui webhooks listen --desk`), its accepted deliveries are
`webhook` events every monitor's follower gets; `DeskFeed` hands them to the monitor's
push path (`fleettui.monitor.pushing`, a `Feed`) as if from a receiver of its own.
"""

from __future__ import annotations

import contextlib
import queue
import time
from collections.abc import Iterable

from fleettui.core.text import clean
from fleettui.core.timefmt import parse_ts
from fleettui.desk.model import DeskEvent
from fleettui.webhooks.events import WebhookEvent
from fleettui.webhooks.health import HealthSnapshot


def webhook_event(ev: DeskEvent) -> WebhookEvent | None:
    """A delivery the desk's receiver accepted, as the push path takes it."""
    p = ev.payload
    delivery, kind = p.get("delivery"), p.get("type")
    if not isinstance(delivery, str) or not isinstance(kind, str):
        return None

    def text(key: str) -> str | None:
        value = p.get(key)
        return clean(value) if isinstance(value, str) else None

    return WebhookEvent(
        delivery=delivery,
        type=kind,
        received_at=parse_ts(p.get("received_at")) or ev.at,
        vin=text("vin"),
        action=text("action"),
        detail=text("detail"),
    )


class DeskFeed:
    """The webhook deliveries that reach the monitor through the desk (`Feed` of
    `fleettui.monitor.pushing`): whichever machine runs the desk's receiver, every
    monitor gets them, in order, once."""

    mode = "desk"

    def __init__(self, where: str) -> None:
        self.url = where
        self._events: queue.SimpleQueue[WebhookEvent] = queue.SimpleQueue()
        self._last: float | None = None
        self._closed = False

    def put(self, events: Iterable[WebhookEvent]) -> None:
        for event in events:
            self._events.put(event)
            self._last = time.time()

    def wait(self, timeout: float) -> list[WebhookEvent]:
        out: list[WebhookEvent] = []
        with contextlib.suppress(queue.Empty):
            out.append(self._events.get(timeout=max(0.0, timeout)))
            while True:
                out.append(self._events.get_nowait())
        return out

    def health(self) -> HealthSnapshot:
        """ "Waiting" until a delivery came through the desk, then its time. Whether the
        desk itself is reachable is the header's desk text, not said twice; the list
        refresh is not relaxed for push through the desk (see `with_feed`)."""
        return HealthSnapshot(listening="desk", last_delivery=self._last, heartbeat=time.time())

    def close(self) -> None:
        self._closed = True
