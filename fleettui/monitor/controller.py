"""The monitor's controller: the session's state and every decision about it, no Textual.

One `Monitor` per app. It owns the account, its reader and writer clients (a slow poll
never blocks a write), the `FleetStore`, the `ConnectionState`, the poll generation (a
result of an earlier account is dropped), the marked VINs, and its composed halves:
`refreshes` (the list refreshes: `monitor/refreshes.py`), `writes` (cancel, revoke, add:
the write lock, the add draft, the last bulk outcome), `push` (webhook push), `cache`
(the disk cache and the first screens) and `history` (the local history).

The app drives it with plain calls and carries out the `Update` it returns:

    generation = monitor.refreshes.start_poll()    # UI thread: None when no poll is due
    first = monitor.cache.read_first(generation)   # worker: the cache's first screen, at once
    cached = monitor.cache.read_cache(generation)  # worker: the disk cache, first poll only
    result = monitor.refreshes.fetch(generation)   # worker: list call, parse, diff
    update = monitor.refreshes.took(result)        # UI thread: apply, decide, say what to show

The blocking calls (`cache.read_first`, `cache.read_cache`, `refreshes.fetch`,
`writes.send_deletes`, `writes.send_add`, `cache.save`, `record`) run on worker threads
and only read shared state; everything else runs on the UI thread.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from fleettui.core.notices import NoticeLog
from fleettui.core.snapshot import Prepared
from fleettui.core.store import FleetStore
from fleettui.core.timefmt import utcnow
from fleettui.core.vehicle import Vehicle
from fleettui.monitor import monitor_notices
from fleettui.monitor.accounts import Account
from fleettui.monitor.cache import StartCache
from fleettui.monitor.clients import Reader, Writer
from fleettui.monitor.connection import ConnectionState, clamp_refresh, local_now
from fleettui.monitor.data_monitor import MonitorData, data_changes
from fleettui.monitor.delta import DeltaPolling
from fleettui.monitor.eligibility import EligibilityChecks, EligibilityOutcome
from fleettui.monitor.header_state import HeaderReader
from fleettui.monitor.history import MonitorHistory
from fleettui.monitor.load import ProviderLoad
from fleettui.monitor.push_control import PushControl
from fleettui.monitor.refreshes import Refreshes
from fleettui.monitor.repaint_pacing import RepaintPacing
from fleettui.monitor.updates import Notice, RecordDone, RecordJob, Update
from fleettui.monitor.write_control import Writes

if TYPE_CHECKING:  # the desk's modules load only with --desk
    from fleettui.monitor.desk_control import DeskControl


class Monitor:
    """See the module docstring. `clock` fixes the provider's time (tests, screenshots),
    `wall` this machine's, `monotonic` measures ages and intervals, `sleep` waits out a
    rate limit on a worker."""

    def __init__(
        self,
        account: Account | None = None,
        *,
        read_only: bool = False,
        refresh: float | None = None,
        clock: Callable[[], datetime] | None = None,
        wall: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        pinned: bool = False,
        desk: DeskControl | None = None,
        full_refresh: bool = False,
    ) -> None:
        self.account = account
        #: --pin-profile (every `fleettui serve` tab): this session never switches account.
        self.pinned = bool(pinned)
        #: --read-only and --refresh from the command line: they outlive a profile switch.
        self.read_only_flag = bool(read_only)
        self.refresh_flag = refresh
        #: --full-refresh: every refresh asks the whole list, whatever the profile says.
        self.full_refresh_flag = bool(full_refresh)
        self.read_only = bool(read_only or (account.read_only if account else False))
        self._fixed_clock = clock
        self.wall = wall or (clock if clock is not None else local_now)
        self.monotonic = monotonic
        self.sleep = sleep
        self.connection = self._new_connection(account.refresh if account else None)
        self.store = FleetStore()
        self.reader: Reader | None = None
        self.writer: Writer | None = None
        self.generation = 0
        self.marked: set[str] = set()
        #: Cancel, revoke and add: the write lock, the add draft, the last bulk outcome.
        self.writes = Writes(self)
        #: Every notification of the session, shown as a toast or not (muted kinds).
        self.notices = NoticeLog()
        #: The disk cache and the first screens a start paints (fleettui.monitor.cache).
        self.cache = StartCache(self)
        #: When the table repaints after a poll (fleettui.monitor.repaint_pacing).
        self.repaints = RepaintPacing(self.clock)
        #: Webhook push (fleettui.monitor.push_control); idle unless the account has a feed.
        self.push = PushControl(self)
        #: The add form's eligibility checks (paced, cached per account).
        self.eligibility = EligibilityChecks()
        #: The local history: every refresh recorded, since-last-look, unseen rows.
        self.history = MonitorHistory()
        #: Whether approved cars send data (issue 19): the checks' worker and its records.
        self.data = MonitorData()
        #: The shared desk (fleettui.monitor.desk_control), None without --desk.
        self.desk = desk
        if desk is not None:
            desk.store = self.store
            self.store.claims = desk.mirror
            self.history.desk = desk.settings
        #: What the header says, read in one place (fleettui.monitor.header_state).
        self.header = HeaderReader(self)
        #: What each refresh asks the provider for (fleettui.monitor.delta).
        self.delta = DeltaPolling(
            monotonic=monotonic,
            wall=lambda: self.wall().timestamp(),
            enabled=not self.full_refresh_flag,
        )
        #: The list refreshes: when one starts, its call, what its result changes.
        self.refreshes = Refreshes(self)
        #: Requests and bytes this monitor's clients took from the provider, per hour.
        self.load = ProviderLoad(monotonic)

    # -- identity and clocks ------------------------------------------------------------

    @property
    def account_name(self) -> str:
        return self.account.name if self.account else "(none)"

    @property
    def environment(self) -> str:
        return self.account.environment if self.account else ""

    def clock(self) -> datetime:
        """The provider's time (it measures time in state; the demo's runs ahead)."""
        if self._fixed_clock is not None:
            return self._fixed_clock()
        if self.reader is not None:
            return self.reader.server_time()
        return utcnow()

    def _new_connection(self, every: float | None) -> ConnectionState:
        every = self.refresh_flag if self.refresh_flag is not None else every
        return ConnectionState(
            refresh=clamp_refresh(every),
            wall=self.wall,
            monotonic=self.monotonic,
            answers=self._list_answers,
        )

    def _list_answers(self) -> int:
        """List answers the reader has begun to receive (0 for one that does not say)."""
        answers = getattr(self.reader, "list_answers", 0)
        return answers if type(answers) is int else 0

    # -- account ---------------------------------------------------------------------

    def connect(self, account: Account) -> None:
        """(Re)connect: new clients, an empty fleet, no marks; results of the previous
        account that are still on their way are dropped (generation)."""
        self.close()
        self.generation += 1
        if self.desk is not None:
            account = self.desk.with_feed(account)
        self.account = account
        old = self.history.switch(account)
        if old is not None:  # closing can optimise the file: not on the UI thread
            threading.Thread(target=old.close, name="history-close", daemon=True).start()
        self.read_only = bool(account.read_only or self.read_only_flag)
        self.reader = account.client_factory()
        self.writer = account.client_factory()
        self.delta.reset()
        self.delta.enabled = not (self.full_refresh_flag or account.full_refresh)
        self.delta.full_every = account.full_list_every
        self.load.reset(self.reader, self.writer)
        self.connection = self._new_connection(account.refresh)
        self.cache.reset()
        self.repaints.forget()
        self.eligibility.clear()
        self.marked.clear()
        self.refreshes.forget()  # a new provider: its notes are said anew
        self.store.apply(self.store.prepare([], self.clock()))
        self.store.set_query(account.default_filter or "")
        self.data.begin(account, account.client_factory, self.clock, self.history)

    def close(self) -> None:
        self.push.stop()
        self.data.stop()
        for client in (self.reader, self.writer):
            if client is not None:
                with contextlib.suppress(Exception):
                    client.close()
        self.reader = self.writer = None

    def switch_refusal(self) -> Notice | None:
        """Why this session may not switch profiles (None: it may)."""
        return monitor_notices.pinned(self.account_name) if self.pinned else None

    def read_only_notice(self) -> Notice:
        return monitor_notices.read_only(self.read_only_flag)

    # -- the local history ----------------------------------------------------------------

    def record(self, job: RecordJob) -> RecordDone:
        """Blocking (worker): the refresh recorded in one transaction; the data checks
        learn the approved cars of it."""
        done = self.history.record(job)
        self.data.feed(job.prepared.snapshot.order)
        return done

    def took_data(self) -> Update | None:
        """The data checks' results since the last look (UI thread, on a timer): the
        table and the detail pane repaint; blocked and unblocked cars are told, grouped."""
        results, texts = self.data.take()
        if not results and not texts:
            return None
        notices = [Notice(t, title="Data checks", severity="warning", kind="data") for t in texts]
        told = data_changes(results)
        if told is not None:
            notices.append(told)
        # A `/` data filter takes in the cars that entered or left it now, not at the
        # next refresh (the view is rebuilt only then).
        refiltered = self.store.data_changed(self.data.states_changed(results))
        return Update(repaint=refiltered, data=bool(results), notices=notices)

    def took_record(self, done: RecordDone) -> Update | None:
        if done.generation != self.generation:
            return None
        before = len(self.history.unseen)
        notices = self.history.took_record(done, self.clock(), self.wall())
        # Rows to mark "changed since you looked": the table repaints them.
        return Update(notices=notices, unmarked=len(self.history.unseen) != before)

    def leave(self) -> None:
        """The session ends: the user has seen everything up to now (written at exit)."""
        if self.history.looked is not None:
            self.history.looked_now(self.clock(), self.wall())
        self.history.close()
        if self.desk is not None:
            self.desk.stop()

    def view_changed(self, *, by_user: bool = True) -> Update:
        """The filter (the user's) or the account changed: repaint whatever the last
        paint was."""
        return Update(repaint=self.repaints.due(None), by_user=by_user)

    def wrote(self) -> None:
        """A write was sent: the next refresh reconciles with the whole list."""
        self.delta.wrote()

    def apply_answer(self, prepared: Prepared | None, generation: int) -> bool:
        """Show provider answers at once (added, canceling, revoking) until the next poll.
        A poll that finished meanwhile is newer and already shows them: then nothing."""
        if prepared is None or generation != self.generation or not self.store.apply(prepared):
            return False
        self.repaints.forget()
        return self.repaints.due(prepared)

    # -- marks -------------------------------------------------------------------------

    def marked_vehicles(self) -> list[Vehicle]:
        return [v for v in (self.store.vehicle(vin) for vin in sorted(self.marked)) if v]

    def unmark(self, vins: list[str]) -> bool:
        before = len(self.marked)
        self.marked.difference_update(vins)
        return len(self.marked) != before

    def check_eligibility(self, vin: str, brand: str, generation: int) -> EligibilityOutcome:
        """Blocking (worker): can this vehicle be activated? (see monitor.eligibility)."""
        return self.eligibility.check(self.reader, vin, brand, generation)
