"""The presort runs on one long-lived thread: a sort key starts no thread (Thread.start
waits for the new thread to run, on the UI thread, in the key's path to the screen)."""

from __future__ import annotations

import gc
import threading
import weakref

from fleettui.core import sorted_orders
from fleettui.core.sorted_orders import Presorter
from fleettui.core.store import FleetStore
from tests.support.fleets import NOW, vdict

HANG_GUARD = 60  # seconds; only a hang reaches it (no timing is asserted)


class Orders:
    """Stands in for a SortedOrders: counts its presorts."""

    def __init__(self) -> None:
        self.ran = threading.Event()
        self.count = 0

    def presort(self) -> None:
        self.count += 1
        self.ran.set()


def test_a_due_presort_runs_on_the_presorter_thread_and_a_newer_one_replaces_it():
    presorter = Presorter()
    orders = Orders()
    presorter.due(orders, 3600)  # far off: replaced by the next call before it is due
    presorter.due(orders, 0)
    assert orders.ran.wait(HANG_GUARD)
    done = Orders()
    presorter.due(done, 0)  # runs after `orders` had its turn (one thread, in order)
    assert done.ran.wait(HANG_GUARD)
    assert orders.count == 1  # the one an hour off was replaced, not kept beside it


def test_a_failing_presort_does_not_stop_the_thread(caplog):
    class Failing(Orders):
        def presort(self) -> None:
            super().presort()
            raise RuntimeError("boom")

    presorter = Presorter()
    failing, after = Failing(), Orders()
    presorter.due(failing, 0)
    assert failing.ran.wait(HANG_GUARD)
    presorter.due(after, 0)
    assert after.ran.wait(HANG_GUARD)
    assert "presort failed" in caplog.text


def _big_store() -> FleetStore:
    fleet = [
        vdict(f"WBA{i:014d}", ("pending", "approved", "rejected")[i % 3], reason=f"r{i % 7}")
        for i in range(6_000)  # over FREEZE_AT: presorts are made
    ]
    store = FleetStore(clock=lambda: 0.0)
    store.apply(store.prepare(fleet, NOW))
    return store


def test_sort_keys_start_no_thread(monkeypatch):
    store = _big_store()  # its apply asked for a presort: the thread exists from here
    started: list[str] = []
    real_start = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        started.append(thread.name)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    for column in ("reason", "time", "tags", "vin", "brand", "state"):
        store.set_sort(column)
    assert started == []


def test_the_presort_thread_makes_the_next_order_ready(monkeypatch):
    store = _big_store()
    calls: list[tuple[str, bool]] = []
    real = sorted_orders.sort_rows
    made = threading.Event()

    def sort_rows(rows, column, descending):  # noqa: ANN001, ANN202
        calls.append((column, descending))
        if (column, descending) == ("time", True):
            made.set()
        return real(rows, column, descending)

    monkeypatch.setattr(sorted_orders, "sort_rows", sort_rows)
    store.set_sort("reason")  # asks for time (the next column) and reason reversed
    assert made.wait(HANG_GUARD)
    calls.clear()
    store.set_sort("time", True)
    assert calls == []  # found ready
    assert store.view.rows == real(store.snapshot.order, "time", True)


def test_the_presorter_does_not_keep_a_store_alive():
    store = _big_store()
    gone = weakref.ref(store)
    store.presort_in_background(delay=3600)  # pending when the store is dropped
    del store
    gc.unfreeze()  # a big first load freezes what is alive (core.memory.collector_paused)
    gc.collect()
    assert gone() is None
