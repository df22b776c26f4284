"""The first list call started before the window is built (fleettui.monitor.prefetch):
the first poll takes its answer instead of asking again, it waits for the cached first
fleet when told to (so the answer shares the cached rows), and its errors reach the poll as the call's own would."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest

from fleettui.api.network_errors import ProviderTimeout
from fleettui.core.timefmt import utcnow
from fleettui.monitor import prefetch
from fleettui.monitor.accounts import account_for_simulator
from fleettui.monitor.controller import Monitor
from fleettui.monitor.prefetch import LaterClient, PrefetchingReader, prefetching
from fleettui.monitor.updates import Fetched, FetchFailed


class Counting:
    """A real client that counts its list calls and can be told to fail."""

    def __init__(self, client, fail: BaseException | None = None) -> None:
        self.client = client
        self.fail = fail
        self.lists = 0
        self.started = threading.Event()
        #: The prefetch makes its client on its own thread; the writer is made as usual.
        self.thread = threading.current_thread().name

    def list_vehicles_compact(self, filter=None):
        self.lists += 1
        self.started.set()
        if self.fail is not None:
            raise self.fail
        return self.client.list_vehicles_compact(filter)

    def __getattr__(self, name):
        return getattr(self.client, name)


def _account(sim, made: list[Counting], fail: BaseException | None = None):
    account = account_for_simulator(sim)
    base = account.client_factory

    def factory():
        made.append(Counting(base(), fail))
        return made[-1]

    return replace(account, client_factory=factory)


def _first(made: list[Counting]) -> Counting:
    """The reader's client: the prefetch makes it on its own thread (a bounded wait)."""
    for _ in range(3000):
        for client in list(made):
            if client.thread == "fleettui-prefetch":
                return client
        time.sleep(0.01)
    raise AssertionError("the prefetch never made its client")


def _poll(m: Monitor):
    generation = m.refreshes.start_poll()
    assert generation is not None
    return m.refreshes.fetch(generation)


def test_the_first_poll_takes_the_answer_already_on_its_way(sim):
    made: list[Counting] = []
    account = prefetching(_account(sim, made), gated=False)
    assert _first(made).started.wait(10) and len(made) == 1  # under way before any monitor
    m = Monitor(None)
    m.connect(account)
    result = _poll(m)
    assert isinstance(result, Fetched) and m.refreshes.took(result) is not None
    assert m.store.total == 60
    assert _first(made).lists == 1  # the reader: one list call, the prefetched one
    assert len(made) == 2  # and the writer, made as usual
    m.refreshes.fetch(m.refreshes.start_poll() or 0)  # the next poll asks again
    assert _first(made).lists == 2
    m.close()


def test_a_gated_call_waits_until_it_is_let_go(sim, monkeypatch):
    monkeypatch.setattr(prefetch, "GATE_TIMEOUT", 60.0)
    made: list[Counting] = []
    reader = prefetching(_account(sim, made), gated=True).client_factory()
    assert isinstance(reader, PrefetchingReader)
    time.sleep(0.2)
    assert made == []  # held until the gate opens: not even the client is made
    reader.open_gate()
    assert _first(made).started.wait(10)
    assert len(reader.list_vehicles_compact()) == 60
    reader.close()


def _held(sim, made: list[Counting], name: str) -> Monitor:
    m = Monitor(None)
    m.connect(replace(prefetching(_account(sim, made), gated=True), name=name, cache=True))
    return m


def test_the_monitor_lets_the_call_go_once_the_cached_fleet_is_in(sim, monkeypatch):
    monkeypatch.setattr(prefetch, "GATE_TIMEOUT", 60.0)
    m = Monitor(None)
    m.connect(replace(account_for_simulator(sim, name="gate"), cache=True))
    m.cache.save(m.refreshes.took(_poll(m)).save)
    m.close()
    made: list[Counting] = []
    m = _held(sim, made, "gate")
    first = m.cache.read_first(m.generation)
    assert first is not None and first.first is not None
    m.cache.took_cache(first)  # the first screen alone: still held
    whole = m.cache.read_cache(m.generation)
    time.sleep(0.2)
    assert whole is not None and made == []  # no client yet, the reader's nor the writer's
    m.cache.took_cache(whole)  # the whole cached fleet is in: go
    assert _first(made).started.wait(10)
    assert isinstance(_poll(m), Fetched)
    m.close()


def test_with_nothing_cached_the_call_goes_at_once(sim, monkeypatch):
    monkeypatch.setattr(prefetch, "GATE_TIMEOUT", 60.0)
    made: list[Counting] = []
    m = _held(sim, made, "never-cached")
    assert m.cache.read_first(m.generation) is None and made == []
    assert m.cache.read_cache(m.generation) is None  # nothing to wait for
    assert _first(made).started.wait(10)
    assert isinstance(_poll(m), Fetched)
    m.close()


@pytest.mark.parametrize("gated", [False, True])
def test_the_prefetched_calls_error_is_the_polls_error(sim, gated):
    made: list[Counting] = []
    account = prefetching(_account(sim, made, ProviderTimeout(3)), gated=gated)
    m = Monitor(None)
    m.connect(account)
    result = _poll(m)
    assert isinstance(result, FetchFailed) and "did not answer within 3 s" in result.message
    assert _first(made).lists == 1
    m.close()


class Batches:
    """A list call that hands its answer on in batches of 100 (as the stream does);
    `handed`: how many entries it has handed on (or is handing on) so far."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.handed = 0
        self.finished = threading.Event()

    def list_vehicles_compact(self, filter=None, on_batch=None):
        entries = [(f"VIN{i:014d}", "approved") for i in range(self.total)]
        for start in range(0, self.total, 100):
            batch = entries[start : start + 100]
            self.handed += len(batch)
            on_batch(batch, start == 0)
        self.finished.set()
        return entries


def test_after_a_screenful_the_call_waits_for_the_poll_to_take_it(monkeypatch):
    """The rest of the answer is not read and parsed beside the window's start: once the
    first screenful is kept, the call waits until the poll takes it, then goes on."""
    monkeypatch.setattr(prefetch, "HOLD_TIMEOUT", 60.0)
    fake = Batches(1000)
    reader = PrefetchingReader(lambda: fake, gated=False)
    for _ in range(3000):  # until the screenful is in (a bounded wait, not a timing)
        if fake.handed >= prefetch.FIRST_ROWS:
            break
        time.sleep(0.01)
    assert not fake.finished.wait(0.3)  # held: no more batches without the poll
    assert fake.handed == prefetch.FIRST_ROWS  # batches of 100: the third one filled it
    seen: list[int] = []
    got = reader.list_vehicles_compact(on_batch=lambda entries, first: seen.append(len(entries)))
    assert fake.finished.is_set() and len(got) == 1000
    assert sum(seen) == 1000  # the kept entries first, then the rest as it came


def test_a_gated_reader_answers_the_clock_and_counts_before_its_client_exists(sim, monkeypatch):
    """Before the gate, the monitor's clock (with the cached offset) and the provider-load
    counts come without making a client; the first real use makes it, and the writer is
    made at its first use."""
    monkeypatch.setattr(prefetch, "GATE_TIMEOUT", 60.0)
    made: list[Counting] = []
    m = _held(sim, made, "clock")
    reader = m.reader
    assert isinstance(reader, PrefetchingReader) and isinstance(m.writer, LaterClient)
    reader.assume_server_offset(timedelta(days=2))  # the cache's (a demo runs ahead)
    assert m.clock() - utcnow() > timedelta(days=1, hours=23)
    assert m.load.totals() == (0, 0) and m._list_answers() == 0
    time.sleep(0.1)
    assert made == []
    assert reader.client is not None  # a real use: made now, the offset handed on
    assert _first(made).client.server_time() - utcnow() > timedelta(days=1, hours=23)
    assert m.writer.server_time() is not None and len(made) == 2
    m.close()


def test_a_reader_closed_before_its_client_was_made_makes_none(sim, monkeypatch):
    monkeypatch.setattr(prefetch, "GATE_TIMEOUT", 60.0)
    made: list[Counting] = []
    reader = prefetching(_account(sim, made), gated=True).client_factory()
    reader.close()
    reader._thread.join(10)
    assert not reader._thread.is_alive() and made == []
