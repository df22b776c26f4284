"""The monitor controller's polling decisions, without Textual: a `Monitor` against the
simulator over real HTTP, with fake clocks (the provider's, this machine's, monotonic)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from fleettui.core.states import State
from fleettui.monitor import monitor_notices
from fleettui.monitor.accounts import account_for_simulator
from fleettui.monitor.controller import Monitor
from fleettui.monitor.repaint_pacing import IDLE_REPAINT_SECONDS
from fleettui.monitor.updates import CacheRead, Fetched, FetchFailed
from fleettui.sim import FaultConfig
from tests.support.sim import SIM_START


class Clocks:
    """The provider's clock and a monotonic one, both moved by hand."""

    def __init__(self) -> None:
        self.now = SIM_START
        self.mono = 1000.0

    def provider(self):
        return self.now

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.mono += seconds


@pytest.fixture
def clocks() -> Clocks:
    return Clocks()


@pytest.fixture
def monitor(sim, clocks):
    m = Monitor(None, clock=clocks.provider, monotonic=clocks.monotonic, sleep=lambda s: None)
    m.connect(account_for_simulator(sim))
    yield m
    m.close()


def poll(m: Monitor):
    generation = m.refreshes.start_poll()
    assert generation is not None
    return m.refreshes.took(m.refreshes.fetch(generation))


def test_first_poll_loads_the_fleet_and_schedules_the_next(monitor):
    generation = monitor.refreshes.start_poll()
    assert generation == monitor.generation
    assert monitor.refreshes.start_poll() is None  # one poll at a time
    result = monitor.refreshes.fetch(generation)
    assert isinstance(result, Fetched)
    update = monitor.refreshes.took(result)
    assert monitor.store.total == 60 and not monitor.connection.polling
    assert update.repaint and update.next_poll == 15.0 and not update.notices
    assert update.save is None  # the demo simulator keeps no snapshot cache
    assert monitor.connection.connected_once


def test_refresh_interval_comes_from_the_flag_then_the_account(sim, clocks):
    m = Monitor(None, refresh=2, clock=clocks.provider)
    m.connect(replace(account_for_simulator(sim), refresh=30))
    assert m.connection.refresh == 5.0  # the flag wins, never under five seconds
    m.close()
    m = Monitor(None, clock=clocks.provider)
    m.connect(replace(account_for_simulator(sim), refresh=30))
    assert m.connection.refresh == 30.0
    m.close()


def test_failures_back_off_notify_once_and_recovery_says_so(sim, monitor, clocks):
    poll(monitor)
    sim.set_faults(FaultConfig(drop_rate=1.0))
    first = poll(monitor)
    assert first.stale and first.next_poll == 5.0 and not first.repaint  # a quick retry
    [notice] = first.notices
    assert notice.title == "Refresh failed (network)" and notice.severity == "warning"
    assert "Showing the last data; retrying by itself." in notice.message
    second = poll(monitor)
    assert second.next_poll == 15.0 and second.notices == []  # then the interval, no more
    assert monitor.store.total == 60  # the data stays
    sim.set_faults(FaultConfig())
    back = poll(monitor)
    assert [n.message for n in back.notices] == ["Reconnected; the data is live again."]
    assert back.next_poll == 15.0 and not monitor.connection.stale


def test_failure_before_any_data_is_an_error_that_says_no_data(sim, clocks):
    sim.set_faults(FaultConfig(drop_rate=1.0))
    m = Monitor(None, clock=clocks.provider)
    m.connect(account_for_simulator(sim))
    result = m.refreshes.fetch(m.refreshes.start_poll())
    assert isinstance(result, FetchFailed) and result.category == "network"
    [notice] = m.refreshes.took(result).notices
    assert notice.severity == "error" and "No data yet" in notice.message
    m.close()


def test_malformed_answer_is_a_bad_answer_not_a_crash(sim, monitor):
    sim.set_faults(FaultConfig(malformed_rate=1.0))
    result = monitor.refreshes.fetch(monitor.refreshes.start_poll())
    assert isinstance(result, FetchFailed) and result.kind == "bad_answer"
    monitor.refreshes.took(result)
    assert monitor.connection.problem_label() == "bad answer (server)"


def test_a_quiet_poll_repaints_at_most_once_a_minute(monitor, clocks):
    assert poll(monitor).repaint
    clocks.advance(15)
    assert not poll(monitor).repaint  # nothing changed: only the header
    clocks.advance(IDLE_REPAINT_SECONDS)
    assert poll(monitor).repaint  # the ages in the table moved on


def test_a_change_repaints_and_a_rejection_is_announced(sim, monitor):
    poll(monitor)
    engine = sim.engine
    vin = next(v for v in sorted(engine.vehicles) if engine.record(v).status == "pending")
    with engine.lock:
        engine.transition(engine.record(vin), "rejected", engine.epoch(), "privacy mode is enabled")
    update = poll(monitor)
    assert update.repaint
    assert [(n.title, n.message) for n in update.notices] == [
        ("Rejected", f"{vin} was rejected: privacy mode is enabled")
    ]
    assert monitor.store.vehicle(vin).state is State.REJECTED


def test_results_of_an_earlier_account_are_dropped(sim, monitor):
    generation = monitor.refreshes.start_poll()
    result = monitor.refreshes.fetch(generation)
    monitor.connect(account_for_simulator(sim, name="again"))
    assert monitor.refreshes.took(result) is None
    assert monitor.store.total == 0 and monitor.generation == generation + 1


def test_pause_stops_polling_until_resumed_but_r_still_refreshes(monitor):
    poll(monitor)
    paused = monitor.refreshes.toggle_pause()
    assert paused.stop_polling and "paused" in paused.notices[0].message
    assert monitor.refreshes.start_poll() is None
    assert monitor.refreshes.refresh_now().poll and monitor.refreshes.refresh_now().force
    assert monitor.refreshes.start_poll(force=True) is not None
    assert monitor.refreshes.refresh_now().notices[0].message == "A refresh is already running."
    monitor.refreshes.took(monitor.refreshes.fetch(monitor.generation))
    resumed = monitor.refreshes.toggle_pause()
    assert resumed.poll and not resumed.force and not monitor.connection.paused


def test_cache_is_saved_after_the_first_poll_then_every_five_minutes(sim, clocks):
    account = replace(account_for_simulator(sim, name="cached"), cache=True)
    m = Monitor(None, clock=clocks.provider, monotonic=clocks.monotonic)
    m.connect(account)
    assert m.cache.read_cache(m.generation) is None  # nothing on disk yet
    save = poll(m).save
    assert save is not None and len(save.rows) == 60 and save.fetched_at == SIM_START
    m.cache.save(save)
    clocks.advance(60)
    assert poll(m).save is None
    clocks.advance(300)
    assert poll(m).save is not None
    m.close()

    fresh = Monitor(None, clock=clocks.provider, monotonic=clocks.monotonic)
    fresh.connect(account)
    cached = fresh.cache.read_cache(fresh.generation)
    assert isinstance(cached, CacheRead) and cached.problem is None
    update = fresh.cache.took_cache(cached)
    assert update.repaint and fresh.store.total == 60
    assert fresh.connection.cached_at == cached.saved_at
    assert (
        monitor_notices.what_is_shown(fresh.connection, fresh.store.total)
        == "Showing the fleet cached on disk"
    )
    poll(fresh)
    assert fresh.cache.read_cache(fresh.generation) is None  # live now: the cache is not read again
    fresh.close()


def test_a_warm_start_shows_the_first_screen_then_the_whole_cache(sim, clocks, monkeypatch):
    from fleettui.core import first_page

    monkeypatch.setattr(first_page, "FIRST_ROWS", 10)
    account = replace(
        account_for_simulator(sim, name="warm"), cache=True, default_filter="-state:canceled"
    )
    m = Monitor(None, clock=clocks.provider, monotonic=clocks.monotonic)
    m.connect(account)
    m.cache.save(poll(m).save)
    opening = [m.store.row(i).vin for i in range(10)]
    counts, shown = m.store.counts_all, (len(m.store), m.store.counts_shown)
    m.close()

    fresh = Monitor(None, clock=clocks.provider, monotonic=clocks.monotonic)
    fresh.connect(account)
    first = fresh.cache.read_first(fresh.generation)
    assert first is not None and first.first is not None
    assert fresh.cache.took_cache(first).repaint
    assert [fresh.store.row(i).vin for i in range(len(fresh.store))] == opening
    shown_first = fresh.cache.first_screen()  # the header counts the whole cached fleet meanwhile
    assert shown_first is not None and shown_first[1]  # from the cache
    page = shown_first[0]
    assert page.total == 60 and page.counts_all == counts
    assert (page.shown, page.counts_shown) == shown
    assert (
        monitor_notices.what_is_shown(fresh.connection, fresh.store.total)
        == "Showing the fleet cached on disk"
    )
    fresh.cache.took_cache(fresh.cache.read_cache(fresh.generation))
    assert fresh.store.total == 60 and fresh.cache.first_screen() is None
    assert not fresh.store.snapshot.recent  # the rest of the cache is not "new"
    assert [fresh.store.row(i).vin for i in range(10)] == opening
    fresh.close()

    other = Monitor(None, clock=clocks.provider, monotonic=clocks.monotonic)
    other.connect(replace(account, default_filter=""))  # another opening view: not its start
    assert other.cache.read_first(other.generation) is None
    other.close()


def test_unreadable_cache_is_a_notice_and_no_fleet(sim, clocks, isolated_dirs):
    from fleettui.config.cache import snapshot_path

    account = replace(account_for_simulator(sim, name="broken"), cache=True)
    path = snapshot_path("broken")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    m = Monitor(None, clock=clocks.provider)
    m.connect(account)
    cached = m.cache.read_cache(m.generation)
    assert cached is not None and cached.prepared is None and "broken" in cached.problem
    [notice] = m.cache.took_cache(cached).notices
    assert notice.title == "Cache" and notice.severity == "warning"
    assert m.store.total == 0
    m.close()


def test_a_burst_of_rejections_is_one_notice_naming_every_vin(sim, monitor):
    poll(monitor)
    engine = sim.engine
    pending = [v for v in sorted(engine.vehicles) if engine.record(v).status == "pending"][:6]
    with engine.lock:
        for vin in pending:
            engine.transition(engine.record(vin), "rejected", engine.epoch(), "unspecified")
    update = poll(monitor)
    [notice] = update.notices
    assert notice.message == (
        f"6 vehicles rejected: {notice.vins[0]}, {notice.vins[1]} and 4 more (! lists them)"
    )
    assert notice.kind == "rejected" and set(notice.vins) == set(pending)
    assert {vin for vin, _ in notice.details} == set(pending)


def test_repeated_vins_in_a_list_answer_are_said_once_not_merged_silently(monitor, monkeypatch):
    from fleettui.api.client import FleetClient

    real = FleetClient._list

    def repeated(self, filter, *, compact):  # noqa: ANN001, A002 - the answer, each VIN twice
        good = real(self, filter, compact=compact)
        self.last_duplicates = 3
        return good

    monkeypatch.setattr(FleetClient, "_list", repeated)
    first = poll(monitor)
    said = [n.message for n in first.notices if n.kind == "answer"]
    assert said == [
        "The provider's list repeated VINs (3 extra entries); the newest entry of "
        "each VIN is shown."
    ]
    assert monitor.store.total == 60
    again = poll(monitor)  # the same answer again: not told on every refresh
    assert not [n for n in again.notices if n.kind == "answer"]


def test_a_big_first_answer_paints_its_first_screen_before_the_whole_view(clocks):
    from fleettui.core.first_page import FIRST_ROWS
    from fleettui.monitor.updates import FirstRows
    from fleettui.sim import SimConfig, Simulator

    with Simulator(SimConfig(vehicles=6_000, seed=3, speed=0.0, start=SIM_START)) as big:
        m = Monitor(None, clock=clocks.provider, monotonic=clocks.monotonic)
        m.connect(account_for_simulator(big))
        early: list[FirstRows] = []
        result = m.refreshes.fetch(m.refreshes.start_poll() or 0, early=early.append)
        # (the rows that arrived first, and their count, come before: test_arrival)
        [first] = [e for e in early if isinstance(e, FirstRows) and e.page is not None]
        assert m.cache.took_first(first).repaint
        assert len(m.store) == FIRST_ROWS and m.store.total == FIRST_ROWS
        page, from_cache = m.cache.first_screen()
        assert not from_cache and page.total == 6_000 and sum(page.counts_all.values()) == 6_000
        shown_first = [m.store.row(i).vin for i in range(FIRST_ROWS)]
        m.refreshes.took(result)
        assert m.store.total == 6_000 and m.cache.first_screen() is None
        assert [m.store.row(i).vin for i in range(FIRST_ROWS)] == shown_first
        assert m.store.counts_all == page.counts_all
        assert not m.store.snapshot.recent  # a first load: nothing marked new
        late: list[FirstRows] = []
        m.refreshes.fetch(m.refreshes.start_poll() or 0, early=late.append)
        assert late == []  # only a first load has a first screen (or rows that arrived)
        m.close()
