"""The fleet store: every vehicle, diffed per refresh, with the sorted and filtered view.

Two halves, so a 100,000-vehicle refresh never blocks the UI:
- `prepare(objects, now)` (any thread) parses and diffs the fetched list against the
  current snapshot and computes the new view for the current sort and query. It only
  reads shared state; everything it returns is new.
- `apply(prepared)` (UI thread) swaps references. If the sort or query changed while the
  prepare ran, the view is recomputed from the prepared snapshot so it is never stale.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from fleettui.core.compact import remember
from fleettui.core.fleet_diff import diff_fleet
from fleettui.core.memory import (
    FREEZE_AT,
    SETTLE,
    clear_in_slices,
    collector_paused,
    release_later,
    tune_malloc,
    warm_in_background,
)
from fleettui.core.query import Query, parse_query
from fleettui.core.query_terms import ClaimLookup
from fleettui.core.rows import Row
from fleettui.core.snapshot import Prepared, Snapshot, View, compute_view, crosses_filter, versions
from fleettui.core.sorted_orders import SORT_SETTLE, SortedOrders
from fleettui.core.sorting import SORT_COLUMNS
from fleettui.core.states import State
from fleettui.core.vehicle import Vehicle

#: The sort a store starts with (column, descending): the monitor opens on it.
OPENING_SORT = ("state", False)


class FleetStore:
    """Holds the current snapshot and view; see the module docstring for threading."""

    def __init__(
        self,
        *,
        recent_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        sort: str = OPENING_SORT[0],
        descending: bool = OPENING_SORT[1],
        release_delay: float = 2.0,
    ):
        if sort not in SORT_COLUMNS:
            raise ValueError(f"unknown sort column {sort!r}")
        tune_malloc()
        self.recent_seconds = recent_seconds
        #: Seconds after an apply before the replaced rows are freed off the UI thread.
        self.release_delay = release_delay
        self._clock = clock
        self._lock = threading.Lock()
        self._snapshot = Snapshot()
        self._query = parse_query("")
        self._query_error: str | None = None
        #: The shared desk's claims, for `claimed:` filters (None: no desk).
        self.claims: ClaimLookup | None = None
        self._sort = sort
        self._descending = descending
        self._settings = 0
        self._sorted: tuple[int, str, bool, list[Row]] = (0, sort, descending, [])
        #: Sorted copies of the current rows, so a sort key finds its order ready.
        self._orders = SortedOrders(self._current_order)
        self._view = View(self._snapshot, [], self._query, sort, descending, {})

    # -- reading ------------------------------------------------------------------

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    @property
    def view(self) -> View:
        return self._view

    @property
    def now(self) -> datetime | None:
        return self._snapshot.now

    @property
    def query(self) -> Query:
        """The query in effect (the last one without a mistake)."""
        return self._query

    @property
    def query_error(self) -> str | None:
        return self._query_error

    @property
    def sort(self) -> tuple[str, bool]:
        return self._sort, self._descending

    @property
    def total(self) -> int:
        return len(self._snapshot.by_vin)

    @property
    def counts_all(self) -> dict[State, int]:
        return self._snapshot.counts

    @property
    def counts_shown(self) -> dict[State, int]:
        return self._view.counts

    def __len__(self) -> int:
        return len(self._view.rows)

    def row(self, index: int) -> Row:
        return self._view.rows[index]

    def row_for(self, vin: str) -> Row | None:
        return self._snapshot.by_vin.get(vin)

    def vehicle(self, vin: str) -> Vehicle | None:
        row = self._snapshot.by_vin.get(vin)
        return None if row is None else row.vehicle

    def index_of(self, vin: str | None) -> int | None:
        return None if vin is None else self._view.index_of(vin)

    def is_recent(self, vin: str, at: float | None = None) -> bool:
        expiry = self._snapshot.recent.get(vin)
        return expiry is not None and expiry > (self._clock() if at is None else at)

    def next_recent_expiry(self) -> float | None:
        """Monotonic time at which the next 'recently changed' mark runs out."""
        now = self._clock()
        return min((t for t in self._snapshot.recent.values() if t > now), default=None)

    def clock(self) -> float:
        return self._clock()

    # -- refresh ------------------------------------------------------------------

    def prepare(
        self,
        objects: Iterable[dict[str, Any] | Vehicle],
        now: datetime | None,
        *,
        partial: bool = False,
        consume: bool = False,
        replace: bool = False,
        gone: Iterable[str] = (),
    ) -> Prepared:
        """Diff a fetched list (API dicts or Vehicles) against the current snapshot.

        Safe on a worker thread. `partial=True` merges the objects into the current fleet
        (e.g. vehicles just added or cancelled) instead of replacing it. `consume=True`
        empties the list afterwards a slice at a time, so freeing the parsed payload
        never stalls the UI thread (pass it from the worker that fetched the list).
        `replace=True` prepares a first load whatever the store holds (the whole cached
        fleet after its first screen: nothing in it is "new" or "changed"). `gone`: with
        `partial`, VINs the provider no longer lists (they leave the fleet)."""
        with self._lock:
            base = Snapshot() if replace else self._snapshot
            settings, query, sort, desc = self._settings, self._query, self._sort, self._descending
        big = len(base.by_vin) >= FREEZE_AT or (type(objects) is list and len(objects) >= FREEZE_AT)
        with collector_paused(freeze=False, collect=bool(base.by_vin)) as pause:
            first_new = next(versions)
            snapshot, diff = diff_fleet(
                base,
                objects,
                now,
                partial,
                gone,
                clock=self._clock,
                recent_seconds=self.recent_seconds,
            )
            # Freeze the rows when this load built many (a first load, a fleet that
            # changed wholesale), not when it kept the frozen ones (see collector_paused).
            pause.freeze = (
                big
                and not partial
                and (
                    not base.by_vin
                    or sum(r.version > first_new for r in snapshot.order) >= FREEZE_AT
                )
            )
            ordered = self._orders.order(snapshot.order, sort, desc)
            view = compute_view(snapshot, query, sort, desc, ordered)
            if consume and type(objects) is list:
                clear_in_slices(objects)
        if big and not base.by_vin:  # a first load's rows are cold; later ones come warm
            warm_in_background(snapshot.order)
        return Prepared(snapshot, view, diff, settings, now, ordered)

    def apply(self, prepared: Prepared) -> bool:
        """Swap in a prepared refresh (UI thread). False when it is older than the data
        already shown (two refreshes finished out of order); nothing changes then."""
        with self._lock:
            if prepared.snapshot.generation < self._snapshot.generation:
                return False
            replaced = self._snapshot
            self._snapshot = prepared.snapshot
            remember(self)
            if len(replaced.order) >= FREEZE_AT and replaced.order is not prepared.snapshot.order:
                # Hold the old rows so dropping the old view frees nothing on this thread.
                release_later(list(replaced.order), self.release_delay)
            view = prepared.view
            if prepared.settings == self._settings:
                self._sorted = (
                    prepared.snapshot.generation,
                    view.sort,
                    view.descending,
                    prepared.ordered,
                )
                self._view = view
        if prepared.settings != self._settings:
            self._recompute()
        self.presort_in_background()
        return True

    # -- sort and filter ----------------------------------------------------------

    def set_query(self, text: str) -> Query:
        """Filter the view. A query with a mistake is returned with `.error` set and the
        previous query stays in effect."""
        query = parse_query(text, self.claims)
        if query.error is not None:
            self._query_error = query.error
            return query
        with self._lock:
            self._query_error = None
            self._query = query
            self._settings += 1
        self._recompute()
        return query

    def claims_changed(self) -> bool:
        """Someone claimed or released a vehicle: a `claimed:` filter is worked out
        again (True); any other filter matches what it did (False, nothing done)."""
        if not self._query.uses_claims:
            return False
        with self._lock:
            self._settings += 1
        self._recompute()
        return True

    def data_changed(self, vins: Iterable[str]) -> bool:
        """Data checks changed the data state of `vins`: a `data:` filter is worked out
        again (True) when one of them crossed it; otherwise nothing is done (False)."""
        query = self._query
        if not query.uses_data or not crosses_filter(self._snapshot, self._view, query, vins):
            return False
        with self._lock:
            self._settings += 1
        self._recompute()
        return True

    def set_sort(self, column: str, descending: bool = False) -> None:
        if column not in SORT_COLUMNS:
            raise ValueError(f"unknown sort column {column!r}; use one of {SORT_COLUMNS}")
        with self._lock:
            self._sort, self._descending = column, descending
            self._settings += 1
        self._recompute()
        self.presort_in_background(delay=SORT_SETTLE)

    def toggle_sort(self, column: str) -> None:
        """Sort by `column`; the same column again flips the direction."""
        same = column == self._sort
        self.set_sort(column, not self._descending if same else False)

    def _recompute(self) -> None:
        with self._lock:
            snapshot, query = self._snapshot, self._query
            sort, desc = self._sort, self._descending
            gen, csort, cdesc, cached = self._sorted
        if (gen, csort, cdesc) == (snapshot.generation, sort, desc):
            ordered = cached
        else:
            ordered = self._orders.order(snapshot.order, sort, desc)
        view = compute_view(snapshot, query, sort, desc, ordered)
        with self._lock:
            self._sorted = (snapshot.generation, sort, desc, ordered)
            self._view = view

    # -- sorted orders, ready before they are asked for ------------------------------

    def _current_order(self) -> tuple[list[Row], str, bool]:
        with self._lock:
            return self._snapshot.order, self._sort, self._descending

    def presort(self) -> None:
        """Make the orders the sort keys ask for next ready (see `SortedOrders.presort`)."""
        self._orders.presort()

    def presort_in_background(self, delay: float = SETTLE) -> None:
        """`presort` on a short-lived thread, `delay` seconds on (see `SortedOrders`)."""
        self._orders.presort_in_background(delay)
