"""Sorted copies of one snapshot's rows, ready before a sort key asks for them.

A 100,000-row sort takes long enough to show; the store keeps the orders it has made
for the current rows and, once a refresh or a sort key has painted, prepares the next
column's and the reverse order on the process's one presort thread (`presort`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable

from fleettui.core.memory import FREEZE_AT, SETTLE
from fleettui.core.rows import Row
from fleettui.core.sorting import SORT_COLUMNS, first_direction, sort_rows

#: Seconds after a sort key before the next keys' orders are prepared (see presort).
SORT_SETTLE = 0.2


class SortedOrders:
    """Sorted copies of one row list by (column, descending). `current` gives the rows,
    sort column and direction in effect (read under their owner's lock)."""

    def __init__(self, current: Callable[[], tuple[list[Row], str, bool]]):
        self._current = current
        self._lock = threading.Lock()
        self._orders: dict[tuple[str, bool], list[Row]] = {}
        #: The rows the orders sort (None: none kept yet).
        self._rows: list[Row] | None = None

    def order(self, rows: list[Row], sort: str, desc: bool) -> list[Row]:
        """`rows` sorted by (sort, desc): the ready copy when there is one."""
        with self._lock:
            found = self._orders.get((sort, desc)) if self._rows is rows else None
        if found is None:
            found = sort_rows(rows, sort, desc)
            self._keep(rows, sort, desc, found)
        return found

    def _keep(self, rows: list[Row], sort: str, desc: bool, ordered: list[Row]) -> None:
        with self._lock:
            if self._rows is not rows:
                self._rows, self._orders = rows, {}
            elif len(self._orders) >= 6:  # a few lists of pointers (0.8 MB each at 100k)
                self._orders.pop(next(iter(self._orders)))
            self._orders[(sort, desc)] = ordered

    def presort(self) -> None:
        """Sort the current rows by what the sort keys ask for next (the next column, the
        current one reversed), so `s` and `S` find the order ready instead of sorting
        100,000 rows on the UI thread. Blocking; `presort_in_background` runs it on a
        short-lived thread."""
        rows, sort, desc = self._current()
        if len(rows) < FREEZE_AT:
            return
        nxt = SORT_COLUMNS[(SORT_COLUMNS.index(sort) + 1) % len(SORT_COLUMNS)]
        for column, descending in ((nxt, first_direction(nxt)), (sort, not desc)):
            if self._current()[0] is not rows:
                return  # a newer refresh: its own presort follows
            with self._lock:
                ready = self._rows is rows and (column, descending) in self._orders
            if not ready:
                self._keep(rows, column, descending, sort_rows(rows, column, descending))

    def presort_in_background(self, delay: float = SETTLE) -> None:
        """`presort` on the presort thread, `delay` seconds on, once the view it follows
        is painted: SETTLE after a refresh (its rows), SORT_SETTLE after a sort key (the
        new order). A presort started at once sorted 100,000 rows while the table
        repainted, and the sort took 85-230 ms to show instead of ~20. A newer call
        replaces a pending one (only the newest view's next orders are worth making)."""
        _PRESORTER.due(self, delay)


class Presorter:
    """One long-lived daemon thread that runs every store's presorts when they are due.

    A sort key used to start a `threading.Timer` for its presort, and `Thread.start`
    waits until the new thread has run: on the UI thread, inside the key's path to the
    screen, and on a busy 2-core machine the new thread waits its turn for a core and
    the GIL (in the real monitor at 100,000 vehicles: 20-50 ms a key, load 8-24). Now a
    key only notes when its presort is due (a lock held for a dict store); the thread is
    started once, by the first presort a process asks for."""

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._due: weakref.WeakKeyDictionary[SortedOrders, float] = weakref.WeakKeyDictionary()
        self._thread: threading.Thread | None = None

    def due(self, orders: SortedOrders, delay: float) -> None:
        """Run `orders.presort()` `delay` seconds from now (a pending one is replaced)."""
        with self._wake:
            self._due[orders] = time.monotonic() + delay
            start = self._thread is None
            if start:
                self._thread = threading.Thread(
                    target=self._run, name="fleettui-presort", daemon=True
                )
            self._wake.notify()
        if start:
            assert self._thread is not None
            self._thread.start()

    def forked(self) -> None:
        """In a forked child: the thread did not come along (its lock may be held)."""
        self._wake = threading.Condition()
        self._due = weakref.WeakKeyDictionary()
        self._thread = None

    def _run(self) -> None:
        while True:
            _presort_each(self._take())

    def _take(self) -> list[SortedOrders]:
        """Wait until some presorts are due; take them off the list."""
        with self._wake:
            while True:
                now = time.monotonic()
                ready = [orders for orders, at in self._due.items() if at <= now]
                if ready:
                    for orders in ready:
                        del self._due[orders]
                    return ready
                nxt = min(self._due.values(), default=None)
                self._wake.wait(None if nxt is None else nxt - now)


def _presort_each(ready: list[SortedOrders]) -> None:
    """(Its own frame, so no store stays referenced while the thread waits.)"""
    for orders in ready:
        try:
            orders.presort()
        except Exception:  # a presort only saves time: the key sorts for itself then
            logging.getLogger(__name__).exception("presort failed")


_PRESORTER = Presorter()
# A forked child (the CLI's cache writer) has no presort thread: the next ask starts one.
os.register_at_fork(after_in_child=lambda: _PRESORTER.forked())
