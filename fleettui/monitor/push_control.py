"""Webhook events in the monitor: applied to rows at once, judged by the next list.

The push worker turns a batch of events into a partial store update
(`fleettui.monitor.pushed_rows`); `PushControl.took` applies it. `PushSession` holds what the controller keeps between events: the feed,
the ledger that confirms or counts disagreements at the next list, the last health
snapshot and the reconciliation interval.
"""

from __future__ import annotations

import contextlib
import queue
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from fleettui.core.snapshot import Prepared
from fleettui.core.store import FleetStore
from fleettui.core.text import clean
from fleettui.monitor.accounts import Account, Feed
from fleettui.monitor.connection import ConnectionState
from fleettui.monitor.fetching import rejection_notices
from fleettui.monitor.pushed_rows import PushPrepared, prepare_push
from fleettui.monitor.repaint_pacing import RepaintPacing
from fleettui.monitor.updates import Notice, Update
from fleettui.webhooks.events import WebhookEvent
from fleettui.webhooks.health import HealthSnapshot
from fleettui.webhooks.reconcile import PushLedger, refresh_interval


@dataclass
class PushSession:
    feed: Feed
    mode: str
    reconcile: float
    ledger: PushLedger = field(default_factory=PushLedger)
    health: HealthSnapshot = field(default_factory=HealthSnapshot)
    unknown: int = 0

    def annotated(self) -> HealthSnapshot:
        return self.ledger.annotate(self.health)


class _Monitor(Protocol):
    """What `PushControl` reads of the controller that composes it."""

    account: Account | None
    connection: ConnectionState
    store: FleetStore
    generation: int

    def clock(self) -> datetime: ...

    def monotonic(self) -> float: ...

    repaints: RepaintPacing


class PushControl:
    """The controller's push half (`Monitor.push`): open the feed on connect, take
    events and health in, judge pushes at each list refresh, pick the refresh interval.
    UI-thread methods unless marked blocking."""

    def __init__(self, monitor: _Monitor) -> None:
        self.monitor = monitor
        self.session: PushSession | None = None
        #: VINs whose row shows a pushed state the list has not confirmed yet (the table's
        #: "via webhook" glyph reads this set).
        self.pushed: set[str] = set()
        self._events: dict[str, WebhookEvent] = {}
        self._reapply: queue.SimpleQueue[WebhookEvent] = queue.SimpleQueue()
        self._relaxed = False

    @property
    def active(self) -> bool:
        return self.session is not None

    @property
    def relaxed(self) -> bool:
        """Push is healthy: refreshes are rare, and each one asks the whole list."""
        return self._relaxed

    def start(self) -> Update:
        """After connect: open the account's feed (a receiver or an attachment)."""
        self.stop()
        account = self.monitor.account
        if account is None or account.push is None:
            return Update()
        try:
            feed = account.push(now=self.monitor.clock)
        except (OSError, ValueError) as e:
            return Update(
                notices=[
                    Notice(
                        f"Webhooks are off: {clean(e)}",
                        title="Webhooks",
                        severity="error",
                        timeout=10,
                    )
                ]
            )
        self.session = PushSession(
            feed, feed.mode, account.reconcile, PushLedger(clock=self.monitor.monotonic)
        )
        where = clean(getattr(feed, "url", "") or "")
        what = {"in-process": "receiving on", "desk": "deliveries from the desk at"}.get(
            feed.mode, "attached to the receiver at"
        )
        return Update(
            push_worker=True,
            notices=[
                Notice(f"Webhooks: {what} {where or 'this machine'}.", title="Webhooks", timeout=5)
            ],
        )

    def stop(self) -> None:
        session, self.session = self.session, None
        self.pushed.clear()
        self._events.clear()
        self._reapply = queue.SimpleQueue()
        self._relaxed = False
        if session is not None:
            with contextlib.suppress(Exception):  # never let closing stop a profile switch
                session.feed.close()

    # -- the push worker (blocking) -------------------------------------------------------

    def wait(self, timeout: float) -> list[WebhookEvent]:
        """Blocking: the next events (and any to re-apply after a list overwrote them)."""
        session = self.session
        if session is None:
            return []
        again: list[WebhookEvent] = []
        with contextlib.suppress(queue.Empty):
            while True:
                again.append(self._reapply.get_nowait())
        return again + session.feed.wait(0 if again else timeout)

    def prepare(self, events: list[WebhookEvent], generation: int) -> PushPrepared:
        return prepare_push(self.monitor.store, events, self.monitor.clock, generation)

    def read_health(self) -> HealthSnapshot | None:
        session = self.session
        return session.feed.health() if session is not None else None

    # -- UI thread ----------------------------------------------------------------------

    def took(self, result: PushPrepared) -> Update | None:
        monitor, session = self.monitor, self.session
        if session is None or result.generation != monitor.generation:
            return None
        session.unknown += result.unknown
        by_vin = {e.vin: e for e in result.events if e.is_change and e.vin}
        for vin, status, reason in result.applied:
            session.ledger.pushed(vin, status, reason)
            self.pushed.add(vin)
            self._events[vin] = by_vin[vin]
        update = Update()
        prepared = result.prepared
        if prepared is not None and monitor.store.apply(prepared):
            update.repaint = True
            monitor.repaints.forget()
            update.notices += rejection_notices(prepared)
        return update

    def took_health(self, snapshot: HealthSnapshot) -> Update | None:
        """A health reading; reschedules the poll when push became (un)healthy."""
        session = self.session
        if session is None:
            return None
        session.health = snapshot
        update = Update()
        relaxed = self._healthy()
        if relaxed != self._relaxed and not self.monitor.connection.polling:
            if relaxed:
                update.next_poll = self.next_delay(self.monitor.connection.next_delay())
            else:  # push can no longer be trusted: look at the list now, then as usual
                update.poll = True
        self._relaxed = relaxed
        return update

    def _healthy(self) -> bool:
        session = self.session
        if session is None:
            return False
        return (
            refresh_interval(1.0, 2.0, session.health, time.time(), session.ledger.silent()) == 2.0
        )

    def next_delay(self, base: float) -> float:
        """The next full refresh: relaxed to the reconciliation interval while healthy."""
        session = self.session
        if session is None or self.monitor.connection.failures:
            return base
        return refresh_interval(
            base, session.reconcile, session.health, time.time(), session.ledger.silent()
        )

    def listed(
        self, prepared: Prepared, started: float | None, seen: Collection[str] | None = None
    ) -> None:
        """After a list was applied: confirm pushes or count disagreements (the list
        won: the store shows it), count changes no push announced, and re-apply pushes
        that arrived while the list was being fetched (it may predate them). `seen`: the
        VINs a filtered refresh listed (delta polling); only their pushes are judged, the
        others' rows still show what the push said, not what the provider lists."""
        session = self.session
        if session is None or started is None:
            return
        store = self.monitor.store
        states = {}
        for vin in list(self.pushed):
            if seen is not None and vin not in seen:
                continue
            v = store.vehicle(vin)
            states[vin] = v.status if v is not None else ""
        judged = session.ledger.judge(states, started)
        for vin in (*judged.confirmed, *judged.disagreed):
            self.pushed.discard(vin)
            self._events.pop(vin, None)
        session.ledger.list_changed([c.vin for c in prepared.diff.state_changes], started)
        for vin in states:
            push = session.ledger.unconfirmed(vin)
            if push is not None and states.get(vin) != push.status and vin in self._events:
                self._reapply.put(self._events[vin])
        self._relaxed = self._healthy()

    def header(self, now: float) -> tuple[str, bool]:
        """(text, alert) for the header; ("", False) without push."""
        session = self.session
        if session is None:
            return "", False
        snap = session.annotated()
        return snap.header_text(now), snap.status(now) in ("alert", "down")

    def snapshot(self) -> HealthSnapshot | None:
        return self.session.annotated() if self.session is not None else None
