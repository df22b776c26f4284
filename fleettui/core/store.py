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
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from operator import attrgetter
from typing import Any

from fleettui.core.compact import copied, kept, remember, same_data
from fleettui.core.memory import (
    FREEZE_AT,
    SETTLE,
    after_settling,
    clear_in_slices,
    collector_paused,
    release_later,
    tune_malloc,
    warm_in_background,
)
from fleettui.core.query import ClaimLookup, Query, parse_query
from fleettui.core.rows import Row, build_row
from fleettui.core.snapshot import (
    Diff,
    Prepared,
    Snapshot,
    StateChange,
    View,
    compute_view,
    generations,
    versions,
)
from fleettui.core.sorting import SORT_COLUMNS, first_direction, sort_rows
from fleettui.core.states import State
from fleettui.core.vehicle import Vehicle

__all__ = [
    "OPENING_SORT",
    "SORT_COLUMNS",
    "Diff",
    "FleetStore",
    "Prepared",
    "Snapshot",
    "StateChange",
    "View",
    "compute_view",
]

#: Seconds after a sort key before the next keys' orders are prepared (see presort).
SORT_SETTLE = 0.2
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
        #: Sorted copies of one snapshot's rows by (column, descending), so a sort key
        #: finds its order ready (see `presort`); `_orders_of` is the rows they sort.
        self._orders: dict[tuple[str, bool], list[Row]] = {}
        self._orders_of: list[Row] | None = None
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
            snapshot, diff = self._diff(base, objects, now, partial, gone)
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
            ordered = self._order(snapshot.order, sort, desc)
            view = compute_view(snapshot, query, sort, desc, ordered)
            if consume and type(objects) is list:
                clear_in_slices(objects)
        if big and not base.by_vin:  # a first load's rows are cold; later ones come warm
            warm_in_background(snapshot.order)
        return Prepared(snapshot, view, diff, settings, now, ordered)

    def _diff(
        self,
        base: Snapshot,
        objects: Iterable[Any],
        now: datetime | None,
        partial: bool,
        gone: Iterable[str] = (),
    ) -> tuple[Snapshot, Diff]:
        old_map = base.by_vin
        new_map: dict[str, Row] = dict(old_map) if partial else {}
        for left in gone if partial else ():
            new_map.pop(left, None)
        added: list[str] = []
        changed: list[str] = []
        changes: list[StateChange] = []
        skipped = 0
        if not old_map:  # first load: nothing to compare with
            for obj in objects:
                row = build_row(obj, next(versions))
                if row is None:
                    skipped += 1
                else:
                    new_map[row.vin] = row
            added = list(new_map)
            objects = ()
        get_old = old_map.get
        fresh: list[Any] = []
        recopied = False
        for obj in objects:
            kind = type(obj)
            vin = (
                obj.get("vin")
                if kind is dict
                else obj[0]
                if kind is tuple
                else getattr(obj, "vin", None)
            )
            old = get_old(vin) if type(vin) is str else None
            if old is None:
                fresh.append(obj)
                continue
            src = old.src
            if not (src == obj if (type(src) is tuple) is (kind is tuple) else same_data(src, obj)):
                fresh.append(obj)
            elif type(src) is dict:  # still the first payload's dict: copy it compactly
                row = build_row(kept(obj if kind is tuple else src), old.version) or old
                row._vehicle, row._tags_text, row._search = (
                    old._vehicle,
                    old._tags_text,
                    old._search,
                )
                row.warm()  # on the worker: later sorts and filters find it all computed
                new_map[row.vin] = row
                recopied = True
            else:
                new_map[old.vin] = old  # keyed by the old string: the payload can be freed
        # Rows keep compact copies, nothing of the new payload, so it is freed whole.
        if type(objects) is list and len(fresh) * 4 < len(objects):
            fresh = [copied(o) if type(o) is tuple and len(o) == 5 else o for o in fresh]
        for obj in fresh:
            row = build_row(kept(obj), next(versions))
            if row is None:
                skipped += 1
                continue
            row.warm()
            vin = row.vin
            old = get_old(vin)
            if old is None:
                if vin not in new_map:
                    added.append(vin)
            elif not same_data(old.src, row.src):
                changed.append(vin)
                if old.state is not row.state:
                    changes.append(StateChange(vin, old.state, row.state, row.reason))
            else:
                row = old
            new_map[row.vin] = row
        staying = len(new_map) - len(added)
        removed = () if staying == len(old_map) else tuple(v for v in old_map if v not in new_map)
        if not added and not removed:
            same_rows = not changed and not recopied
            order = base.order if same_rows else [new_map[r.vin] for r in base.order]
        else:
            order = sorted(new_map.values(), key=attrgetter("vin"))
        counts = dict(Counter(map(attrgetter("state"), order)))
        snapshot = Snapshot(
            new_map,
            order,
            counts,
            self._recent(base, new_map, added, changes),
            now,
            next(generations),
        )
        diff = Diff(tuple(added), removed, tuple(changed), tuple(changes), skipped)
        return snapshot, diff

    def _recent(
        self, base: Snapshot, new_map: dict[str, Row], added: list[str], changes: list[StateChange]
    ) -> dict[str, float]:
        mono = self._clock()
        recent = {v: t for v, t in base.recent.items() if t > mono and v in new_map}
        until = mono + self.recent_seconds
        if base.by_vin:  # the first load marks nothing: everything would be "new"
            recent.update(dict.fromkeys(added, until))
        recent.update((c.vin, until) for c in changes)
        return recent

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
            ordered = self._order(snapshot.order, sort, desc)
        view = compute_view(snapshot, query, sort, desc, ordered)
        with self._lock:
            self._sorted = (snapshot.generation, sort, desc, ordered)
            self._view = view

    # -- sorted orders, ready before they are asked for ------------------------------

    def _order(self, rows: list[Row], sort: str, desc: bool) -> list[Row]:
        """`rows` sorted by (sort, desc): the ready copy when there is one."""
        with self._lock:
            found = self._orders.get((sort, desc)) if self._orders_of is rows else None
        if found is None:
            found = sort_rows(rows, sort, desc)
            self._keep_order(rows, sort, desc, found)
        return found

    def _keep_order(self, rows: list[Row], sort: str, desc: bool, ordered: list[Row]) -> None:
        with self._lock:
            if self._orders_of is not rows:
                self._orders_of, self._orders = rows, {}
            elif len(self._orders) >= 6:  # a few lists of pointers (0.8 MB each at 100k)
                self._orders.pop(next(iter(self._orders)))
            self._orders[(sort, desc)] = ordered

    def presort(self) -> None:
        """Sort the current rows by what the sort keys ask for next (the next column, the
        current one reversed), so `s` and `S` find the order ready instead of sorting
        100,000 rows on the UI thread. Blocking; `presort_in_background` runs it on a
        short-lived thread."""
        with self._lock:
            rows, sort, desc = self._snapshot.order, self._sort, self._descending
        if len(rows) < FREEZE_AT:
            return
        nxt = SORT_COLUMNS[(SORT_COLUMNS.index(sort) + 1) % len(SORT_COLUMNS)]
        for column, descending in ((nxt, first_direction(nxt)), (sort, not desc)):
            with self._lock:
                if self._snapshot.order is not rows:
                    return  # a newer refresh: its own presort follows
                ready = self._orders_of is rows and (column, descending) in self._orders
            if not ready:
                self._keep_order(rows, column, descending, sort_rows(rows, column, descending))

    def presort_in_background(self, delay: float = SETTLE) -> None:
        """`presort` on a short-lived thread, `delay` seconds on, once the view it follows
        is painted: SETTLE after a refresh (its rows), SORT_SETTLE after a sort key (the
        new order). A presort started at once sorted 100,000 rows while the table
        repainted, and the sort took 85-230 ms to show instead of ~20."""
        after_settling(self.presort, delay=delay, name="fleettui-presort")
