"""`DeskFollower`: every desk event, in order, once, through restarts and network cuts.

    follower = DeskFollower(settings, on_desk, after_id=desk.last_event_id()).start()
    ...
    follower.stop()

`on_desk(events, status)` is called on the follower's own thread with a batch of
`DeskEvent`s (oldest first; possibly empty when only the status changed) and the
`DeskStatus` (online / offline / reconnecting, since when, why, lag). Post them to your
own thread; keep the callback short.

On every (re)connect it LISTENs first and only then reads every event after the last id
it handed on: an event committed while it was away is read by id; one committed after the
LISTEN wakes it. Event ids commit in increasing order (see `schema`), so "after the last
id" misses nothing, and an id is handed on once: none lost, none twice, order kept. A
wake-up (the notification's payload is just the newest id) or, failing that, every
`poll` seconds, it reads again, which also finds a silently dead connection. Failures are
retried with back-off (BACKOFF seconds, then its last value), the status saying why.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from fleettui.core.timefmt import utcnow
from fleettui.desk.connection import dsn_password, open_connection, read_events
from fleettui.desk.errors import DeskError, desk_error
from fleettui.desk.model import DeskEvent, DeskState, DeskStatus
from fleettui.desk.settings import CHANNEL, DeskSettings

log = logging.getLogger("fleettui.desk")

DeskCallback = Callable[[Sequence[DeskEvent], DeskStatus], None]
BACKOFF = (0.2, 0.5, 1.0, 2.0, 5.0)
BATCH = 1000


class DeskFollower:
    def __init__(
        self,
        settings: DeskSettings,
        callback: DeskCallback,
        *,
        after_id: int | None = None,
        poll: float = 5.0,
        backoff: Sequence[float] = BACKOFF,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        """`after_id`: hand on events after this id (None: only events from now on)."""
        self.settings = settings
        self._callback = callback
        self._last = after_id
        self._poll = poll
        self._backoff = tuple(backoff) or BACKOFF
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._conn: Any = None
        self._reconnects = -1
        self._status = DeskStatus("offline", clock(), "not started")

    @property
    def status(self) -> DeskStatus:
        return self._status

    @property
    def last_id(self) -> int:
        return self._last or 0

    def start(self) -> DeskFollower:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="desk-follower", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        conn = self._conn
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.cancel_safe(timeout=1.0)  # wake a blocked notifies()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    # -- the thread --------------------------------------------------------------------

    def _set(
        self,
        state: DeskState,
        why: str = "",
        lag: float | None = None,
        events: Sequence[DeskEvent] = (),
    ) -> None:
        old = self._status
        since = old.since if old.state == state else self._clock()
        self._status = DeskStatus(
            state,
            since,
            why,
            lag if lag is not None else old.lag,
            self.last_id,
            max(0, self._reconnects),
        )
        if events or old.state != state or old.why != why:
            try:
                self._callback(events, self._status)
            except Exception:  # noqa: BLE001 - a listener's bug must not stop the follower
                log.exception("desk follower callback failed")

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._session()
                failures = 0
            except Exception as e:  # noqa: BLE001 - every failure: say why, retry
                err = (
                    e
                    if isinstance(e, DeskError)
                    else desk_error(e, self.settings.shown, dsn_password(self.settings.dsn))
                )
                if self._stop.is_set():
                    break
                was_online = self._reconnects >= 0
                self._set("reconnecting" if was_online else "offline", str(err))
                delay = self._backoff[min(failures, len(self._backoff) - 1)]
                failures += 1
                self._stop.wait(delay)
            finally:
                conn, self._conn = self._conn, None
                if conn is not None:
                    with contextlib.suppress(Exception):
                        conn.close()
        self._set("offline", "stopped")

    def _session(self) -> None:
        conn = open_connection(self.settings, keepalive=True)
        self._conn = conn
        conn.execute(f"LISTEN {CHANNEL}")  # first: then nothing committed after is missed
        if self._last is None:
            row = conn.execute("SELECT coalesce(max(id), 0) FROM desk_events").fetchone()
            self._last = int(row[0]) if row else 0
        self._reconnects += 1
        self._set("online")
        self._catch_up(conn)
        last_read = time.monotonic()
        while not self._stop.is_set():
            woken = False
            for note in conn.notifies(timeout=min(1.0, self._poll), stop_after=1):
                woken = not note.payload.isdigit() or int(note.payload) > self.last_id
            if woken or time.monotonic() - last_read >= self._poll:
                self._catch_up(conn)
                last_read = time.monotonic()

    def _catch_up(self, conn: Any) -> None:
        while not self._stop.is_set():
            with conn.cursor() as cur:
                events = read_events(cur, self.last_id, BATCH)
            if not events:
                return
            self._last = events[-1].id
            lag = max(0.0, (self._clock() - events[-1].at).total_seconds())
            self._set("online", "", lag, events)
            if len(events) < BATCH:
                return
