"""The controller's list refreshes (`Monitor.refreshes`): whether one may start, its
blocking call, and what its result changes in the session (the store, the connection,
the delta asks, the notices said once per cause).

    generation = monitor.refreshes.start_poll()   # UI thread: None when no poll is due
    result = monitor.refreshes.fetch(generation)  # worker: list call, parse, diff
    update = monitor.refreshes.took(result)       # UI thread: apply, decide, say what to show
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from fleettui.core.store import FleetStore
from fleettui.monitor import fetching, monitor_notices
from fleettui.monitor.cache import StartCache
from fleettui.monitor.clients import Reader
from fleettui.monitor.connection import ConnectionState
from fleettui.monitor.delta import Ask, DeltaPolling
from fleettui.monitor.load import ProviderLoad
from fleettui.monitor.push_control import PushControl
from fleettui.monitor.repaint_pacing import RepaintPacing
from fleettui.monitor.updates import (
    Arriving,
    FetchFailed,
    FetchResult,
    FirstRows,
    Notice,
    RecordJob,
    Update,
)

if TYPE_CHECKING:  # the desk's modules load only with --desk
    from fleettui.monitor.desk_control import DeskControl


class Session(Protocol):
    """What the refreshes read of the `Monitor` (which this module does not import back)."""

    connection: ConnectionState
    reader: Reader | None
    store: FleetStore
    generation: int
    delta: DeltaPolling
    load: ProviderLoad
    repaints: RepaintPacing
    cache: StartCache
    push: PushControl
    desk: DeskControl | None

    def clock(self) -> datetime: ...

    def monotonic(self) -> float: ...


class Refreshes:
    """See the module docstring. UI-thread methods except `fetch` (a worker's)."""

    def __init__(self, monitor: Session) -> None:
        self.monitor = monitor
        #: What the next refresh asks the provider for (decided when it starts).
        self.ask: Ask = fetching.FULL
        #: What the list answers held that was last told about, by cause.
        self.told: fetching.Told = {}
        self._started: float | None = None

    def forget(self) -> None:
        """A new account: its provider's notes are said anew."""
        self.told = {}

    def start_poll(self, force: bool = False) -> int | None:
        """The generation to poll for, or None: paused (unless forced), a poll already
        running, or nothing to poll."""
        conn = self.monitor.connection
        if (conn.paused and not force) or conn.polling or self.monitor.reader is None:
            return None
        conn.started()
        self._started = self.monitor.monotonic()
        self.ask = self.monitor.delta.next_ask(conn.refresh, self.monitor.push.relaxed)
        return self.monitor.generation

    def refresh_now(self) -> Update:
        conn = self.monitor.connection
        if conn.polling:
            return Update(notices=[monitor_notices.already_running(conn)])
        if conn.stale:  # the back-off is skipped: try now, and say so
            return Update(poll=True, force=True, notices=[monitor_notices.retrying_now(conn)])
        return Update(poll=True, force=True)

    def last_error(self) -> Notice:
        """The full text of the latest failure (the `E` key), or that there is none."""
        load = monitor_notices.load_text(self.monitor.load, self.monitor.delta)
        desk = self.monitor.desk
        if desk is not None:  # the desk's webhook receivers, active and standby
            load = "\n".join([load, *desk.feed.receiver_lines()])
        return monitor_notices.last_error(self.monitor.connection, load)

    def toggle_pause(self) -> Update:
        conn = self.monitor.connection
        conn.paused = not conn.paused
        if conn.paused:
            return Update(stop_polling=True, notices=[monitor_notices.PAUSED])
        return Update(poll=True, notices=[monitor_notices.RESUMED])

    def fetch(
        self, generation: int, early: Callable[[FirstRows | Arriving], None] | None = None
    ) -> FetchResult:
        """Blocking: the list call, parsed and diffed against the store; on a first load
        `early` gets the rows that arrived and how many (`cache.took_first`,
        `cache.took_arriving`) while the answer downloads, then the first screen of the
        whole fleet before the rest."""
        return fetching.fetch(
            self.monitor.reader,
            self.monitor.store,
            self.monitor.clock,
            generation,
            early,
            self.ask,
            fresh=self.monitor.cache.fresh,
            monotonic=self.monitor.monotonic,
        )

    def took(self, result: FetchResult) -> Update | None:
        """A poll's result on the UI thread; None when it belongs to an earlier account."""
        monitor = self.monitor
        if result.generation != monitor.generation:
            return None
        monitor.connection.polling = False
        if isinstance(result, FetchFailed):
            return self._failed(result)
        prepared = result.prepared
        applied = monitor.store.apply(prepared)
        full = result.answer is None or result.answer.full
        if result.answer is not None and result.ask is not None:
            monitor.delta.took(result.ask, result.answer, result.moving)
        monitor.load.sample()
        recovered = monitor.connection.record_ok()
        update = Update(
            repaint=monitor.repaints.due(prepared), record=RecordJob(result.generation, prepared)
        )
        if recovered:
            update.notices.append(monitor_notices.RECONNECTED)
        said, self.told = fetching.answer_notices(result, self.told)
        update.notices += said  # each cause once per change, not on every refresh
        if applied:
            update.notices += fetching.rejection_notices(prepared)
            update.save = monitor.cache.due()
            seen = None if full or result.answer is None else result.answer.listed
            monitor.push.listed(prepared, self._started, seen)
        update.next_poll = monitor.push.next_delay(monitor.connection.next_delay())
        return update

    def _failed(self, result: FetchFailed) -> Update:
        conn = self.monitor.connection
        self.monitor.delta.failed()
        self.monitor.load.sample()
        first = conn.record_failure(
            result.category, result.message, result.retry_after, result.kind
        )
        update = Update(stale=True, next_poll=conn.next_delay())
        broke_off = self.monitor.cache.broke_off()
        if first:
            shown = (
                monitor_notices.BROKE_OFF
                if broke_off
                else monitor_notices.what_is_shown(conn, self.monitor.store.total)
            )
            update.notices.append(monitor_notices.refresh_failed(result, conn, shown))
        return update
