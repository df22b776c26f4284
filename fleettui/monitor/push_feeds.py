"""Where a monitor's webhook events come from: its own receiver, or one already running.

- `ReceiverFeed` runs a receiver in this process (`--webhooks [HOST:]PORT`); events reach
  the monitor the moment they are applied (a queue, no polling).
- `AttachedFeed` follows the database of a receiver running on this machine for the same
  profile (`--webhooks attach`, or automatically when the port is taken by it): the local
  channel documented in `fleettui.webhooks.store`.
Both offer `wait(timeout) -> [WebhookEvent]` (blocking up to `timeout`, for the monitor's
push worker thread), `health()` and `close()`.
"""

from __future__ import annotations

import errno
import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fleettui.core.timefmt import utcnow
from fleettui.webhooks.events import WebhookEvent
from fleettui.webhooks.health import HealthSnapshot
from fleettui.webhooks.receiver import WebhookReceiver
from fleettui.webhooks.receiver_config import ReceiverConfig
from fleettui.webhooks.settings import parse_listen
from fleettui.webhooks.store import StoredEvent, WebhookStore, default_db_path
from fleettui.webhooks.tail import WebhookTail

log = logging.getLogger("fleettui.webhooks")
ATTACH = "attach"
#: How often an attached feed looks for new events.
TAIL_EVERY = 0.25


class ReceiverFeed:
    mode = "in-process"

    def __init__(
        self,
        config: ReceiverConfig,
        db: Path,
        *,
        now: Callable[[], datetime] | None = None,
        history: Any | None = None,
    ) -> None:
        self._events: queue.SimpleQueue[WebhookEvent] = queue.SimpleQueue()
        self.store = WebhookStore(db)
        self._history = history
        try:
            self.receiver = WebhookReceiver(
                config, self.store, on_event=self._got, now=now or utcnow, history=history
            )
            self.receiver.start()
        except BaseException:
            self.close_stores()
            raise

    def close_stores(self) -> None:
        self.store.close()
        if self._history is not None:
            self._history.close()

    def __repr__(self) -> str:
        return f"ReceiverFeed({self.receiver.url!r})"

    @property
    def url(self) -> str:
        return self.receiver.url

    def _got(self, stored: StoredEvent) -> None:
        self._events.put(stored.event)

    def wait(self, timeout: float) -> list[WebhookEvent]:
        try:
            out = [self._events.get(timeout=timeout)]
        except queue.Empty:
            return []
        while True:  # everything else already there, as one batch
            try:
                out.append(self._events.get_nowait())
            except queue.Empty:
                return out

    def health(self) -> HealthSnapshot:
        return self.receiver.snapshot()

    def close(self) -> None:
        self.receiver.stop()
        self.close_stores()


class AttachedFeed:
    mode = "attached"

    def __init__(self, db: Path) -> None:
        self.tail = WebhookTail(db)
        self._stop = threading.Event()

    def __repr__(self) -> str:
        return f"AttachedFeed({str(self.tail.path)!r})"

    @property
    def url(self) -> str:
        return self.tail.health().listening

    def wait(self, timeout: float) -> list[WebhookEvent]:
        deadline = time.monotonic() + timeout
        while True:
            got = [s.event for s in self.tail.poll()]
            left = deadline - time.monotonic()
            if got or left <= 0 or self._stop.wait(min(TAIL_EVERY, left)):
                return got

    def health(self) -> HealthSnapshot:
        return self.tail.health()

    def close(self) -> None:
        self._stop.set()
        self.tail.close()


PushFeed = ReceiverFeed | AttachedFeed


def open_feed(
    spec: str,
    profile: str,
    secret: str | None,
    *,
    db: Path | None = None,
    now: Callable[[], datetime] | None = None,
    base_url: str = "",
) -> PushFeed:
    """`spec` is `attach` or `[HOST:]PORT`. A port already taken by a receiver that
    writes this profile's database (its heartbeat is alive) is attached to instead.
    Raises ValueError (bad spec, no secret) or OSError (cannot listen)."""
    path = db or default_db_path(profile)
    if spec.strip().lower() == ATTACH:
        return AttachedFeed(path)
    host, port = parse_listen(spec)
    if not secret:
        raise ValueError(
            "--webhooks needs the webhook secret: set webhook_secret_env in the "
            "profile, or FLEETTUI_WEBHOOK_SECRET"
        )
    history = None
    if base_url:  # changes are recorded in the profile's local history too
        from fleettui.history.profile_history import open_history

        history = open_history(profile, base_url)
    try:
        return ReceiverFeed(
            ReceiverConfig(secret=secret, host=host, port=port), path, now=now, history=history
        )
    except OSError as e:
        if e.errno != errno.EADDRINUSE or not path.exists():
            raise
        attached = AttachedFeed(path)
        if not attached.health().alive(time.time()):
            attached.close()
            raise
        log.info("port %s is taken by a running receiver: attached to %s", port, path)
        return attached
