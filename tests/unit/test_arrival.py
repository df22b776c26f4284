"""The rows of a first answer shown while it arrives (fleettui.monitor.arrival): one
screenful is posted once, then only the count, at most every EVERY seconds by the
monitor's monotonic clock; a retried call starts over; nothing is posted over a fleet
already on screen. Entries are the simulator's, read over HTTP in their compact form."""

from __future__ import annotations

from fleettui.core.states import State
from fleettui.core.store import FleetStore
from fleettui.monitor.accounts import account_for_simulator
from fleettui.monitor.arrival import EVERY, Arrival
from fleettui.monitor.prefetch import PrefetchingReader
from fleettui.monitor.updates import Arriving, FirstRows
from tests.support.sim import SIM_START


def _entries(sim) -> list:  # noqa: ANN001
    client = account_for_simulator(sim).client_factory()
    try:
        return client.list_vehicles_compact()
    finally:
        client.close()


def test_one_screen_then_the_count_a_few_times_a_second(sim) -> None:  # noqa: ANN001
    entries = _entries(sim)
    assert len(entries) == 60
    now, posts = [100.0], []
    arrival = Arrival(
        FleetStore(), lambda: SIM_START, 7, posts.append, lambda: True, lambda: now[0], screen=10
    )
    arrival.on_batch(entries[:5], True)
    assert posts == []  # not a screenful yet
    arrival.on_batch(entries[5:12], False)
    [first] = posts
    assert isinstance(first, FirstRows) and first.page is None and first.generation == 7
    assert len(first.prepared.snapshot.order) == 10
    assert first.arriving == Arriving(7, 12, first.arriving.counts)
    arrival.on_batch(entries[12:20], False)
    now[0] += EVERY / 2
    arrival.on_batch(entries[20:30], False)
    assert len(posts) == 1  # throttled: the clock has not moved on EVERY seconds
    now[0] += EVERY / 2
    arrival.on_batch(entries[30:40], False)
    assert posts[1:] == [arrival.arriving()] and posts[1].count == 40
    states = {State(e[1]) for e in entries[:40]}
    assert sum(posts[1].counts.values()) == 40 and set(posts[1].counts) == states
    now[0] += EVERY
    arrival.on_batch([], False)
    assert len(posts) == 2  # nothing new arrived: nothing said
    arrival.on_batch(entries[40:60], True)  # the call was retried: its answer starts over
    assert isinstance(posts[-1], FirstRows) and posts[-1].arriving.count == 20


def test_nothing_is_posted_over_a_fleet_already_on_screen(sim) -> None:  # noqa: ANN001
    entries, posts = _entries(sim), []
    arrival = Arrival(
        FleetStore(), lambda: SIM_START, 1, posts.append, lambda: False, lambda: 0.0, screen=10
    )
    arrival.on_batch(entries, True)
    arrival.on_batch(entries, False)
    assert posts == [] and not arrival.shown


def test_the_prefetched_call_hands_on_what_arrived_before_the_poll_took_it(sim) -> None:  # noqa: ANN001
    reader = PrefetchingReader(account_for_simulator(sim).client_factory, gated=False)
    try:
        assert reader._done.wait(30)  # the whole answer is in before the poll asks
        seen: list[tuple[int, bool]] = []
        got = reader.list_vehicles_compact(on_batch=lambda e, first: seen.append((len(e), first)))
        assert len(got) == 60 and seen and seen[0][1] and not any(f for _, f in seen[1:])
        assert sum(n for n, _ in seen) == 60
    finally:
        reader.close()
