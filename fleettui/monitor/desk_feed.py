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
from dataclasses import replace

from fleettui.core.text import clean, one_line
from fleettui.core.timefmt import format_duration, parse_ts, short_local
from fleettui.desk.model import DeskEvent, ReceiverSeen
from fleettui.desk.receivers import Receivers, takeover_text
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
        #: Deliveries seen through the desk, and its receiver as last read (with when).
        self._seen = 0
        self._receiver: tuple[ReceiverSeen | None, float] | None = None
        self._running: Receivers | None = None

    def put(self, events: Iterable[WebhookEvent]) -> None:
        for event in events:
            self._events.put(event)
            self._last = time.time()
            self._seen += 1

    def wait(self, timeout: float) -> list[WebhookEvent]:
        out: list[WebhookEvent] = []
        with contextlib.suppress(queue.Empty):
            out.append(self._events.get(timeout=max(0.0, timeout)))
            while True:
                out.append(self._events.get_nowait())
        return out

    def saw_receiver(self, seen: ReceiverSeen | None, running: Receivers | None = None) -> None:
        """The desk's receiver as last read (None: none registered) and every running
        receiver (None: not read); any thread."""
        self._receiver = (seen, time.time())
        self._running = running

    def _standbys(self) -> str:
        """ ", 1 standby" / ", 2 standbys" / ", no standby" ("" before they were read)."""
        running = self._running
        if running is None:
            return ""
        n = len(running.standbys)
        return f", {n or 'no'} standby{'s' * (n > 1)}"

    def receiver_lines(self) -> list[str]:
        """The `E` panel's desk lines: the active receiver (machine, pid, URL, since
        when), each standby (machine, pid, since when, last heartbeat) and the last
        takeover. Hosts and URLs are the desk's data: sanitised here."""
        found, running = self._receiver, self._running
        if found is None:
            return ["Desk receivers: not read yet (read with the people online, every 20 s)."]
        seen, read_at = found
        since_read = max(0.0, time.time() - read_at)

        def host(text: str) -> str:
            return one_line(text, 40)

        def beat(age: float) -> str:
            return f"beat {format_duration(age + since_read) or '0s'} ago"

        if seen is None:
            out = ["Desk receiver: none runs on the desk"]
        else:
            url = one_line(seen.url, 60)
            out = [
                f"Desk receiver: {host(seen.host)} pid {seen.pid}{', ' + url if url else ''}, "
                f"active since {short_local(seen.since)}, "
                f"{'alive' if seen.alive else 'down'} ({beat(seen.beat_age)})"
            ]
        if running is not None:
            out += [
                f"Standby: {host(r.host)} pid {r.pid}, since {short_local(r.started)}, "
                f"{beat(r.beat_age)}"
                for r in running.standbys[:5]
            ] or ["Standby: none"]
            if len(running.standbys) > 5:
                out.append(f"Standby: ... and {len(running.standbys) - 5} more")
            last = running.last_takeover
            if last is not None:
                text = takeover_text("takeover", host(last.host), last.at, host(last.from_host))
                out.append(f"Last takeover: {text}")
        return out

    def health(self) -> HealthSnapshot:
        """The desk's receiver's own health (its counters, its alerts) as its row says,
        judged alive or down by its beat, with the deliveries seen here through the desk;
        "waiting" until the receiver was read. Whether the desk itself is reachable is the
        header's desk text, not said twice; the list refresh is not relaxed for push
        through the desk (see `with_feed`)."""
        now = time.time()
        seen_here = f" · {self._seen} seen" if self._seen else ""
        found = self._receiver
        if found is None:  # not read yet
            return HealthSnapshot(
                listening="desk", last_delivery=self._last, heartbeat=now, via=seen_here[3:]
            )
        seen, read_at = found
        if seen is None:
            return HealthSnapshot(
                listening="desk", via="no receiver on the desk" + self._standbys() + seen_here
            )
        own = HealthSnapshot.from_json(seen.health)
        age = seen.beat_age + max(0.0, now - read_at)
        host = one_line(seen.host, 40)
        return replace(
            own,
            listening=f"desk: {host}",
            last_delivery=max((t for t in (own.last_delivery, self._last) if t), default=None),
            # alive as the desk saw it when read (read every PRESENCE_EVERY)
            heartbeat=now - seen.beat_age if seen.alive else None,
            via=f"desk receiver on {host}"
            + ("" if seen.alive else f" down, beat {format_duration(age)}")
            + self._standbys()
            + seen_here,
        )

    def close(self) -> None:
        self._closed = True
