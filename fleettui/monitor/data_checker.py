"""Checking whether approved cars send data, without hurting anyone (no Textual).

Calls cost the provider and the customer, so the checker:
- spends a `Budget` and asks in order of need (`next_interval`; both
  `fleettui.monitor.data_pacing`): approved cars never checked first, oldest approval
  first, then each again as often as its state needs; nothing while a 429's
  Retry-After (or the "retry after Ns" of its detail, else a minute) runs;
- stops for the session, with ONE notice, when the token lacks the `vehicle:data` scope.

`step()` does at most one check and says how long to wait before the next; `run()` is
the worker loop around it (a thread of the monitor, or the CLI's). Each result is stored
in `DataRecords`, its changes recorded as history events, and handed to `on_result`.
All clocks are injectable: tests run on fake ones.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from fleettui.config.data_checks import DataCheckSettings
from fleettui.core.data_answer import DataReading, data_covered
from fleettui.core.data_states import (
    DataRecord,
    DataState,
    brand_not_covered,
    current_state,
    next_record,
)
from fleettui.core.text import clean
from fleettui.history.data_records import DataRecords, data_events
from fleettui.history.events import Event
from fleettui.monitor.clients import DataReader
from fleettui.monitor.data_pacing import HOUR, MINUTE, Budget, next_interval

log = logging.getLogger("fleettui.data")
#: Wait after a 429 that says nothing about how long.
DEFAULT_HOLD = 60.0
#: Save the records file at most this often (monotonic seconds) while checking.
SAVE_EVERY = 30.0
SCOPE_NOTICE = (
    "Data checks are off for this session: the app's token lacks the "
    "vehicle:data scope. Give the app that scope in the High Mobility console "
    "(or ask your contact person), then start fleettui again."
)


class EventSink(Protocol):
    """Where the data events of a check are recorded (the history)."""

    def record_events(self, events: list[Event], now: datetime) -> int: ...


@dataclass(frozen=True, slots=True)
class Approved:
    vin: str
    brand: str
    approved: datetime | None


@dataclass(frozen=True, slots=True)
class DataResult:
    vin: str
    brand: str
    record: DataRecord
    old: DataRecord | None
    events: tuple[Event, ...] = field(default=())
    #: False when the answer could not be had (rate limited, network): nothing changed.
    checked: bool = True


class DataChecker:
    def __init__(
        self,
        client: DataReader,
        settings: DataCheckSettings,
        records: DataRecords,
        *,
        now: Callable[[], datetime],
        clock: Callable[[], float] = time.monotonic,
        history: EventSink | None = None,
        on_result: Callable[[DataResult], None] | None = None,
        notice: Callable[[str], None] | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.records = records
        self.budget = Budget(settings.per_second, settings.per_hour, clock=clock)
        self._now = now
        self._clock = clock
        self.history = history
        self.on_result = on_result
        self.notice = notice
        #: Why checks stopped for the session ("scope"), None while on.
        self.off: str | None = None
        self.calls = 0
        #: The error class of the last answer (None: data).
        self.last_error: str | None = None
        self._lock = threading.Lock()
        self._fleet: dict[str, Approved] = {}
        self._heap: list[tuple[float, int, str]] = []
        self._queued: set[str] = set()
        self._seq = itertools.count()
        self._saved_at = clock()

    def __repr__(self) -> str:
        return (
            f"DataChecker({len(self._fleet)} approved, {len(self._heap)} queued, "
            f"calls={self.calls}, off={self.off!r})"
        )

    # -- who to ask --------------------------------------------------------------------

    def set_fleet(self, approved: Iterable[Approved]) -> None:
        """The approved vehicles now (any thread); new ones are queued by need."""
        now = self._now()
        fleet = {a.vin: a for a in approved}
        with self._lock:
            self._fleet = fleet
            for vin, a in fleet.items():
                if vin not in self._queued:
                    self._queue(a, self.records.get(vin), now)

    def _queue(self, a: Approved, record: DataRecord | None, now: datetime) -> None:
        state = current_state(record, a.brand, now, self.settings.thresholds)
        gap = next_interval(record, state, a.approved, now)
        if gap is None:
            return
        if record is None or record.checked_at is None:
            due = a.approved.timestamp() if a.approved is not None else 0.0
        else:
            due = record.checked_at.timestamp() + gap
        heapq.heappush(self._heap, (due, next(self._seq), a.vin))
        self._queued.add(a.vin)

    def _next_due(self, now: datetime) -> tuple[Approved | None, float]:
        """(the vehicle to ask now, or None and the seconds until one is due)."""
        with self._lock:
            heap = self._heap
            while heap:
                due, _, vin = heap[0]
                a = self._fleet.get(vin)
                if a is None:  # no longer approved
                    heapq.heappop(heap)
                    self._queued.discard(vin)
                    continue
                wait = due - now.timestamp()
                if wait > 0:
                    return None, wait
                heapq.heappop(heap)
                self._queued.discard(vin)
                return a, 0.0
        return None, HOUR

    # -- asking ------------------------------------------------------------------------

    def step(self) -> float | None:
        """At most one check; seconds to wait before the next step (None: checks are off
        for the session)."""
        if self.off is not None:
            return None
        wait = self.budget.wait_time()
        if wait > 0:
            return wait
        now = self._now()
        vehicle, wait = self._next_due(now)
        if vehicle is None:
            self._save_now_and_then()
            return min(wait, 5.0)
        self.check(vehicle)
        self._save_now_and_then()
        return 0.0 if self.off is None else None

    def check(self, a: Approved) -> DataResult:
        """Ask about one vehicle now (the caller keeps to the budget), store and tell."""
        old = self.records.get(a.vin)
        now = self._now()
        if not data_covered(a.brand):
            record = brand_not_covered(a.vin, now)
            return self._keep(a, old, record, now)
        self.budget.spend()
        self.calls += 1
        reading: DataReading = self.client.vehicle_data(a.vin)
        now = self._now()
        if reading.error == "scope_missing":
            self._turn_off()
            return DataResult(
                a.vin, a.brand, old or DataRecord(a.vin, DataState.UNCHECKED), old, checked=False
            )
        self.last_error = reading.error
        if reading.error == "rate_limited":
            self.budget.hold(
                reading.retry_after if reading.retry_after is not None else DEFAULT_HOLD
            )
            with self._lock:  # asked again first, once the wait is over
                heapq.heappush(self._heap, (0.0, next(self._seq), a.vin))
                self._queued.add(a.vin)
            if old is not None:
                return DataResult(a.vin, a.brand, old, old, checked=False)
            record = next_record(old, a.vin, a.brand, reading, now, self.settings.thresholds)
            return replace(self._keep(a, old, record, now), checked=False)
        if reading.error == "network":
            self._requeue(a, old, now)
            return DataResult(
                a.vin, a.brand, old or DataRecord(a.vin, DataState.UNCHECKED), old, checked=False
            )
        record = next_record(old, a.vin, a.brand, reading, now, self.settings.thresholds)
        return self._keep(a, old, record, now)

    def _requeue(self, a: Approved, record: DataRecord | None, now: datetime) -> None:
        with self._lock:
            if a.vin in self._fleet:
                heapq.heappush(self._heap, (now.timestamp() + HOUR, next(self._seq), a.vin))
                self._queued.add(a.vin)

    def _keep(
        self, a: Approved, old: DataRecord | None, record: DataRecord, now: datetime
    ) -> DataResult:
        self.records.put(record)
        events = tuple(data_events(old, record, a.brand, now))
        if events and self.history is not None:
            self.history.record_events(list(events), now=now)
        with self._lock:
            if a.vin in self._fleet and a.vin not in self._queued:
                self._queue(a, record, now)
        result = DataResult(a.vin, a.brand, record, old, events)
        if self.on_result is not None:
            self.on_result(result)
        return result

    def _turn_off(self) -> None:
        self.off = "scope"
        with self._lock:
            self._heap.clear()
            self._queued.clear()
        if self.notice is not None:
            self.notice(clean(SCOPE_NOTICE))

    def _save_now_and_then(self) -> None:
        if self._clock() - self._saved_at >= SAVE_EVERY:
            self._saved_at = self._clock()
            self.records.save()

    def run(self, stop: threading.Event) -> None:
        """The worker loop: steps until `stop` is set or checks are off; saves on the way out."""
        try:
            while not stop.is_set():
                try:
                    wait = self.step()
                except Exception as exc:  # noqa: BLE001 - a check must never end the monitor
                    if stop.is_set():
                        break
                    log.warning("data check failed: %s", clean(exc))
                    wait = MINUTE
                if wait is None:
                    break
                if wait > 0 and stop.wait(wait):
                    break
        finally:
            self.records.save()

    @property
    def queued(self) -> int:
        return len(self._queued)
