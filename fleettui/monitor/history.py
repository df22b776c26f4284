"""The monitor's local history, from the controller's side: record every refresh, say what
changed since the user last looked, keep changed rows marked until seen, and feed the
detail pane's timeline. No Textual.

Threads: `record`, `events_for`, `changes_since_look` and `close` do disk I/O and run on
worker threads (the file has its own lock); `took_record`, `seen` and the properties run
on the UI thread. The file is opened by the first `record` of an account (a profile's
file in the data directory; the demo's a throwaway one).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fleettui.core.text import clean
from fleettui.core.timefmt import utcnow
from fleettui.monitor.accounts import Account
from fleettui.monitor.updates import Notice, RecordDone, RecordJob

if TYPE_CHECKING:  # SQLite and the history modules load with the first recording
    from fleettui.history.events import Event
    from fleettui.history.recorder import Recorder
    from fleettui.history.store import HistoryStore
    from fleettui.triage.since import SinceSummary
    from fleettui.triage.stats import Stats

#: VINs whose local events the detail pane keeps at hand.
TIMELINE_CACHE = 64


class MonitorHistory:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._account: Account | None = None
        self._store: HistoryStore | None = None
        self._recorder: Recorder | None = None
        self._notes_told = 0
        self._first_done = False
        #: VINs that changed since the last look and have not been under the cursor yet.
        self.unseen: set[str] = set()
        #: When the user last looked (provider clock; this machine's), for `u`.
        self.looked: tuple[datetime, datetime | None] | None = None
        self._timeline: OrderedDict[str, list[Event]] = OrderedDict()
        #: With a shared desk (--desk): its settings. Every refresh is then recorded in
        #: the desk's history too (idempotent across the desk's monitors; a recorded state
        #: change ends the vehicle's snooze), the local file staying this machine's own.
        self.desk: Any = None
        self._desk_recorder: Recorder | None = None
        self._desk_history: Any = None
        self._desk_failing = False

    # -- account (UI thread) --------------------------------------------------------------

    def switch(self, account: Account | None) -> HistoryStore | None:
        """Another account: forget this one's state; returns the old file to close on a
        worker (closing writes nothing, but never block the UI on a disk)."""
        with self._lock:
            old, self._store, self._recorder = self._store, None, None
            self._account = account
        self._first_done = False
        self._notes_told = 0
        self.unseen.clear()
        self.looked = None
        self._timeline.clear()
        return old

    @property
    def available(self) -> bool:
        return self._store is not None and self._store.available

    # -- recording (worker) ---------------------------------------------------------------

    def _open(self) -> HistoryStore | None:
        with self._lock:
            if self._store is None and self._account is not None:
                account = self._account
                demo = not account.cache  # the demo's simulator starts afresh every run
                from fleettui.history.profile_history import open_history
                from fleettui.history.recorder import Recorder

                self._store = open_history(account.name, account.base_url, demo=demo)
                self._recorder = Recorder(self._store)
            return self._store

    def record(self, job: RecordJob) -> RecordDone:
        """Blocking: store the refresh's changes in one transaction; on the session's first
        refresh, also what changed since the last session."""
        store = self._open()
        if store is None or self._recorder is None:
            return RecordDone(job.generation, 0, None)
        snapshot, now = job.prepared.snapshot, job.prepared.now or utcnow()
        result = self._recorder.record(snapshot, job.prepared.diff, now)
        summary = None
        if not self._first_done:
            from fleettui.triage.since import last_look, summarize

            look = last_look(store)
            if look is not None:
                summary = summarize(store, snapshot.order, now, *look)
        notes = tuple(store.notes[self._notes_told :]) + self._record_on_desk(job, now)
        self._notes_told = len(store.notes)
        with self._lock:
            for vin in set(job.prepared.diff.changed):
                self._timeline.pop(vin, None)
        return RecordDone(job.generation, result.stored, summary, notes)

    def _record_on_desk(self, job: RecordJob, now: datetime) -> tuple[str, ...]:
        """Blocking: the same refresh into the desk's history; what to tell, once per
        outage (the local file has it either way)."""
        if self.desk is None:
            return ()
        from fleettui.desk.errors import DeskError

        if self._desk_recorder is None:
            from fleettui.desk.history import DeskHistory
            from fleettui.history.recorder import Recorder

            self._desk_history = DeskHistory(self.desk)
            self._desk_recorder = Recorder(self._desk_history)
        try:
            self._desk_recorder.record(job.prepared.snapshot, job.prepared.diff, now)
        except DeskError as exc:
            failing, self._desk_failing = self._desk_failing, True
            return (
                ()
                if failing
                else (
                    f"The desk's history could not take this refresh "
                    f"({exc}); it is recorded on this machine meanwhile.",
                )
            )
        self._desk_failing = False
        return ()

    def record_pushed(self, events: list[Any], fleet: Any, now: datetime) -> int:
        """Blocking (the push worker): verified webhook changes into the history, keyed by
        their delivery id (a repeated delivery is one row), with the state the row showed
        before. Before the first refresh has opened the file, nothing is recorded: that
        refresh's changelogs bring the same changes."""
        store = self._store
        if store is None or not store.available:
            return 0
        from fleettui.history.events import Event, event_key

        batch = []
        for e in events:
            if not (getattr(e, "is_change", False) and e.vin and e.action):
                continue
            row = fleet.row_for(e.vin)
            key = event_key(e.vin, e.action, None, e.detail, source="webhook", extra=e.delivery)
            batch.append(
                Event(
                    e.vin,
                    e.action,
                    None,
                    e.received_at or now,
                    row.status if row is not None else None,
                    e.detail,
                    row.brand if row is not None else "",
                    "webhook",
                    key,
                )
            )
        with self._lock:
            for ev in batch:
                self._timeline.pop(ev.vin, None)
        return store.record_events(batch, now=now)

    def record_events(self, events: list[Any], now: datetime) -> int:
        """Blocking (the data checks' worker): data events into the history (opened if
        need be); the timeline of each vehicle named is read again when next shown."""
        store = self._open()
        if store is None or not store.available:
            return 0
        with self._lock:
            for ev in events:
                self._timeline.pop(ev.vin, None)
        return store.record_events(events, now=now)

    def took_record(
        self, done: RecordDone, now: datetime, local_now: datetime | None = None
    ) -> list[Notice]:
        """UI thread: what the user is told; remembers the look to compare `u` with."""
        notices = [
            Notice(clean(n), title="History", severity="warning", timeout=10) for n in done.notes
        ]
        if self._first_done:
            return notices
        self._first_done = True
        summary = done.summary
        if summary is None:
            self.looked = (now, local_now)  # the first session: changes count from now
            return notices
        self.looked = (summary.since, summary.since_local)
        self.unseen.update(summary.vins)
        if not summary.empty:
            notices.append(
                Notice(
                    f"{summary.sentence(local_now)}. u lists them; * marks them.",
                    title="Since you last looked",
                    timeout=15,
                )
            )
        return notices

    # -- since the last look (worker, then UI) --------------------------------------------

    def changes_since_look(self, rows: list[Any], now: datetime) -> SinceSummary | None:
        """Blocking: what changed since the user last looked (or since the session began)."""
        store = self._store
        if store is None or not store.available or self.looked is None:
            return None
        since, since_local = self.looked
        from fleettui.triage.since import summarize

        return summarize(store, rows, now, since, since_local)

    def looked_now(self, now: datetime, local_now: datetime | None = None) -> None:
        """The user saw the changes (u) or is leaving: count from now. Writes the file:
        call it on a worker or at exit."""
        self.looked = (now, local_now or utcnow())
        store = self._store
        if store is not None and store.available:
            from fleettui.triage.since import mark_looked

            mark_looked(store, now, local_now)

    def seen(self, vin: str | None) -> bool:
        """The row was under the cursor: no longer marked. True when it was."""
        if vin is None or vin not in self.unseen:
            return False
        self.unseen.discard(vin)
        return True

    # -- the detail pane's timeline -------------------------------------------------------

    def cached_events(self, vin: str) -> list[Event] | None:
        with self._lock:
            return self._timeline.get(vin)

    def events_for(self, vin: str) -> list[Event]:
        """Blocking: the VIN's recorded events (kept for the next time it is shown)."""
        store = self._store
        events = store.events(vin=vin) if store is not None and store.available else []
        with self._lock:
            self._timeline[vin] = events
            self._timeline.move_to_end(vin)
            while len(self._timeline) > TIMELINE_CACHE:
                self._timeline.popitem(last=False)
        return events

    def stats(self, rows: list[Any], now: datetime) -> Stats:
        """Blocking: the statistics, from the file when there is one."""
        from fleettui.triage.stats import compute_stats

        return compute_stats(self._store, rows, now)

    def close(self, store: HistoryStore | None = None) -> None:
        """Blocking: close `store` (a previous account's) or the current file. Closing
        the current file ends the history: a refresh's recording still on its worker
        then opens nothing (before, one that came after the exit opened a file no one
        closed: the demo's throwaway folder stayed in the temp directory)."""
        if store is None:
            with self._lock:
                target, self._store, self._recorder = self._store, None, None
                self._account = None
        else:
            target = store
        if target is not None:
            target.close()
        if store is None and self._desk_history is not None:
            self._desk_history.close()
