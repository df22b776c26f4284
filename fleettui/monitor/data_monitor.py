"""The monitor's data checks (issue 19), Textual-free: one worker thread running the
`DataChecker` for the connected account, fed the approved vehicles after each refresh,
its results batched for the UI.

- `start(account, client, history)`: when the account's `data_checks` settings are on
  (a profile's `data_checks = true`; the demo), a daemon thread runs the checker with its
  own API client (the poll's is never held by a data call).
- `feed(rows, now)`: after a refresh (on the worker that records it, never the UI thread):
  the approved vehicles, so new approvals are queued and gone ones dropped.
- `take()`: the results since the last call (the UI thread applies them in one go,
  through the app's one Update applier), and the one notice a missing scope makes.
- `state_of(vin, brand, approved, now)`: what the Data column and the detail pane show.

The records of a profile are kept in its data file (loaded at start, saved by the
checker); the demo's live in memory.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from fleettui.config.data_checks import DataCheckSettings
from fleettui.core.data_states import (
    DATA_LOOKUP,
    DataDetail,
    DataRecord,
    DataState,
    cell_text,
    current_state,
)
from fleettui.core.states import State
from fleettui.core.timefmt import utcnow
from fleettui.history.data_records import DataRecords, data_records_path
from fleettui.monitor.clients import DataReader
from fleettui.monitor.data_checker import Approved, DataChecker, DataResult, EventSink
from fleettui.monitor.updates import Notice
from fleettui.triage.data_queues import DataView

#: Results kept for the UI at most (a pass at 20 calls/s between two UI ticks is far less).
MAX_PENDING = 5000


class MonitorData:
    def __init__(self) -> None:
        self.settings = DataCheckSettings()
        self.records = DataRecords(None)
        self.checker: DataChecker | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._results: list[DataResult] = []
        self._notices: list[str] = []
        self.client: DataReader | None = None
        self._now: Callable[[], datetime] = utcnow
        self._rows: list[Any] | None = None
        #: Counts the checks' results that changed a car's data state (the triage
        #: board's data queues regroup when it moves).
        self.states_version = 0

    def __repr__(self) -> str:
        return f"MonitorData(on={self.on}, {len(self.records)} records)"

    @property
    def on(self) -> bool:
        return self.checker is not None and self.checker.off is None

    def load(self, account: Any) -> None:
        """The account's settings and recorded states (reads a file: call it off the UI
        thread, or let `begin` do it on the checks' own thread)."""
        settings = getattr(account, "data_checks", None)
        self.settings = settings if isinstance(settings, DataCheckSettings) else DataCheckSettings()
        path = data_records_path(account.name) if getattr(account, "cache", False) else None
        self.records = DataRecords(path)
        with self._lock:
            self._notices += self.records.notes + list(self.settings.notes)
        DATA_LOOKUP.source = self._lookup

    def _lookup(self, vin: str, brand: str) -> DataState:
        """The `/` filter's data state of a row (core.query's data: terms)."""
        return current_state(self.records.get(vin), brand, self._now(), self.settings.thresholds)

    def begin(
        self,
        account: Any,
        client_factory: Callable[[], DataReader],
        now: Callable[[], datetime],
        history: EventSink | None = None,
    ) -> bool:
        """For the monitor: when the account's checks are on, a thread that loads the
        records, then runs the checker with a client of its own. False: checks are off."""
        self.stop()
        settings = getattr(account, "data_checks", None)
        if not isinstance(settings, DataCheckSettings) or not settings.enabled:
            self.settings = DataCheckSettings()
            self.records = DataRecords(None)
            DATA_LOOKUP.source = None
            return False
        self.settings = settings
        self._now = now
        self._stop = stop = threading.Event()  # a fresh one: an old thread stays stopped

        def run() -> None:
            self.load(account)
            if stop.is_set():
                return
            self.start(client_factory(), now, history, thread=False)
            checker = self.checker
            if checker is not None:
                rows, self._rows = self._rows, None
                if rows is not None:
                    self.feed(rows)
                checker.run(stop)

        self._thread = threading.Thread(target=run, name="data-checks", daemon=True)
        self._thread.start()
        return True

    def start(
        self,
        client: DataReader,
        now: Callable[[], datetime],
        history: EventSink | None = None,
        *,
        thread: bool = True,
    ) -> bool:
        """Run the checker (on its own thread unless `thread` is False: the caller's
        thread runs it). False: checks are off for this account."""
        if not self.settings.enabled or (thread and self._thread is not None):
            return False
        self.client = client
        self._now = now
        if thread:
            self._stop = threading.Event()
        self.checker = DataChecker(
            client,
            self.settings,
            self.records,
            now=now,
            history=history,
            on_result=self._keep,
            notice=self._notice,
        )
        if thread:
            self._thread = threading.Thread(
                target=self.checker.run, args=(self._stop,), name="data-checks", daemon=True
            )
            self._thread.start()
        return True

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        self.checker = None
        if self.client is not None:
            close = getattr(self.client, "close", None)
            if close is not None:
                close()
            self.client = None
        if thread is not None:
            thread.join(1.0)

    def feed(self, rows: Iterable[Any]) -> None:
        """The approved vehicles of the fleet just refreshed (any thread but the UI's)."""
        checker = self.checker
        if checker is None:
            if self._thread is not None:  # still loading: fed once it runs
                self._rows = list(rows)
            return
        checker.set_fleet(
            Approved(r.vin, r.brand, _since(r)) for r in rows if r.state is State.APPROVED
        )

    def _keep(self, result: DataResult) -> None:
        with self._lock:
            if len(self._results) < MAX_PENDING:
                self._results.append(result)

    def _notice(self, text: str) -> None:
        with self._lock:
            self._notices.append(text)

    def take(self) -> tuple[list[DataResult], list[str]]:
        with self._lock:
            results, self._results = self._results, []
            notices, self._notices = self._notices, []
        return results, notices

    def states_changed(self, results: Iterable[DataResult]) -> list[str]:
        """The VINs whose data state a batch of results changed (first check included);
        counted in `states_version`."""
        vins = [
            r.vin
            for r in results
            if r.checked and (r.old is None or r.old.state is not r.record.state)
        ]
        self.states_version += len(vins)
        return vins

    def record(self, vin: str) -> DataRecord | None:
        return self.records.get(vin)

    def state_of(self, vin: str, brand: str, now: datetime) -> DataState:
        return current_state(self.records.get(vin), brand, now, self.settings.thresholds)

    def cell(self, vin: str, brand: str, approved: datetime | None, now: datetime) -> str:
        record = self.records.get(vin)
        state = current_state(record, brand, now, self.settings.thresholds)
        return cell_text(state, record, approved, now)

    @property
    def shown(self) -> bool:
        """Whether the monitor shows data states (checks on, or some recorded)."""
        return self.settings.enabled or len(self.records) > 0

    def row_cell(self, row: Any) -> str:
        """The table's Data cell for a row: blank unless approved."""
        if row.state is not State.APPROVED:
            return ""
        return self.cell(row.vin, row.brand, row.since_dt(), self._now())

    def view(self) -> DataView | None:
        """The recorded states for the triage board's data queues (None: none shown)."""
        if not self.shown:
            return None
        return DataView(self.records.snapshot(), self.settings.thresholds)

    def detail(self, row: Any, now: datetime) -> DataDetail | None:
        """The detail pane's data section for a row (None: not approved, or nothing to
        say: checks off and nothing recorded)."""
        if row.state is not State.APPROVED or not self.shown:
            return None
        record = self.records.get(row.vin)
        state = current_state(record, row.brand, now, self.settings.thresholds)
        return DataDetail(state, record, cell_text(state, record, row.since_dt(), now))


def _since(row: Any) -> datetime | None:
    since = getattr(row, "since_dt", None)
    if callable(since):
        value = since()
        return value if isinstance(value, datetime) else None
    value = getattr(row, "state_since", None) or getattr(row, "since", None)
    return value if isinstance(value, datetime) else None


#: The changes the monitor tells as they happen (both ways); first data and silence show
#: in the Data column and the triage queues without a toast each.
BLOCKED_WORDS = (
    "privacy mode blocks data",
    "consent removed by the OEM blocks data",
    "no active consent for this vehicle",
)
TOLD = (*BLOCKED_WORDS, "data flowing again")


#: (reason, number of cars) in the order first seen: what a data notice counts.
Tally = tuple[tuple[str, int], ...]


def tally_text(tally: Tally) -> str:
    return "; ".join(f"{n} car{'s' if n != 1 else ''}: {reason}" for reason, n in tally)


def add_tallies(a: Tally, b: Tally) -> Tally:
    """The counts of both, per reason, in the order first seen."""
    counts = dict(a)
    for reason, n in b:
        counts[reason] = counts.get(reason, 0) + n
    return tuple(counts.items())


def data_changes(results: Iterable[DataResult]) -> Notice | None:
    """One notice for the blocked and unblocked cars of a batch of results, or None. Its
    tally lets the toast of the last batch, still on screen, count these in (one toast
    for a burst); each car's own line goes to the notice log."""
    counts: dict[str, int] = {}
    told: list[tuple[str, str]] = []
    for result in results:
        for event in result.events:
            if event.reason in TOLD:
                counts[event.reason] = counts.get(event.reason, 0) + 1
                told.append((result.vin, f"{result.vin}: {event.reason}"))
    if not counts:
        return None
    blocked = any(reason in BLOCKED_WORDS for reason in counts)
    return Notice(
        tally_text(tuple(counts.items())),
        title="Data",
        severity="warning" if blocked else "information",
        kind="data",
        vins=tuple(vin for vin, _ in told),
        details=tuple(told),
        tally=tuple(counts.items()),
    )
