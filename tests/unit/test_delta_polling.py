"""Delta polling (issue 20): a refresh asks only for what can change, a full list
reconciles; a `Monitor` against the simulator over real HTTP, the simulator's fake
clock, its traffic counters telling which calls were made."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleettui.api.auth import Credentials
from fleettui.api.client import FleetClient
from fleettui.api.errors import ServerError
from fleettui.api.filters import VehicleFilter
from fleettui.api.wire import NewVehicle
from fleettui.core.states import State
from fleettui.monitor.accounts import account_for_simulator
from fleettui.monitor.controller import Monitor
from fleettui.monitor.delta import FILTER_BUDGET, MOVING_STATES, vin_batches
from fleettui.monitor.updates import Fetched
from fleettui.sim import FaultConfig, SimConfig, Simulator
from fleettui.sim.vins import make_vin
from tests.support.sim import SIM_START

LIST = "GET /v1/fleets/vehicles"
FULL = (LIST,)
BY_STATUS = LIST + "?filter=status"
BY_VIN = LIST + "?filter=vin"


class Clock:
    """This machine's monotonic and wall clocks, moved by hand (a refresh every 15 s)."""

    def __init__(self) -> None:
        self.mono = 1000.0

    def monotonic(self) -> float:
        return self.mono

    def wall(self) -> datetime:
        return SIM_START + timedelta(seconds=self.mono)


def make_monitor(sim: Simulator, clock: Clock, **account: Any) -> Monitor:
    m = Monitor(
        None, clock=sim.engine.now, monotonic=clock.monotonic, wall=clock.wall, sleep=lambda s: None
    )
    m.connect(replace(account_for_simulator(sim), **account))
    return m


def poll(m: Monitor, clock: Clock | None = None) -> Fetched:
    if clock is not None:
        clock.mono += 15
    generation = m.refreshes.start_poll()
    assert generation is not None
    result = m.refreshes.fetch(generation)
    assert isinstance(result, Fetched), result
    m.refreshes.took(result)
    return result


def calls(sim: Simulator) -> dict[str, int]:
    return {k: v["requests"] for k, v in sim.traffic.snapshot().items() if k.startswith(LIST)}


def truth(client: FleetClient) -> dict[str, tuple[str, str | None, int]]:
    return {v.vin: (v.status, v.reason, len(v.changelog)) for v in client.list_vehicles()}


def shown(m: Monitor) -> dict[str, tuple[str, str | None, int]]:
    out = {}
    for row in m.store.snapshot.order:
        v = row.vehicle
        out[v.vin] = (v.status, v.reason, len(v.changelog))
    return out


@pytest.fixture
def outside(sim: Simulator) -> Iterator[FleetClient]:
    """Another tool on the same fleet (its calls are not the monitor's)."""
    with FleetClient(Credentials(sim.base_url, sim.client_id, sim.client_secret)) as c:
        yield c


def seed_pending(sim: Simulator, n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    vins = [make_vin("bmw", rng) for _ in range(n)]
    for vin in vins:
        sim.engine.create(vin, "bmw", {})
    return vins


# -- what is asked --------------------------------------------------------------------


def test_a_refresh_asks_only_for_moving_vehicles_and_a_left_one_shows_at_once(sim, outside):
    clock = Clock()
    m = make_monitor(sim, clock)
    pending = seed_pending(sim, 3)
    first = poll(m, clock)
    assert first.answer is not None and first.answer.full  # at start: the whole list
    assert set(pending) <= first.moving
    full_bytes = sim.traffic.snapshot()[LIST]["bytes"]
    sim.traffic.reset()
    poll(m, clock)
    assert calls(sim) == {BY_STATUS: 1}  # nothing left the moving set: one small call
    # the provider decides: every pending vehicle is approved or rejected a week on
    sim.engine.advance(7 * 86400)
    m.reader.fetch_token()  # the old token expired with the week (not a list call)
    decided = truth(outside)
    assert all(decided[v][0] not in ("pending",) for v in pending)
    sim.traffic.reset()
    result = poll(m, clock)
    assert calls(sim) == {BY_STATUS: 1, BY_VIN: 1}  # the three that left, in one call
    assert not result.answer.full
    for vin in pending:  # within one refresh, as a full list would show them
        assert m.store.vehicle(vin).status == decided[vin][0]
    assert shown(m) == truth(outside)
    # and the bytes: a filtered refresh is a fraction of a full list
    assert sim.traffic.snapshot()[BY_STATUS]["bytes"] < full_bytes / 2
    m.close()


def test_a_full_list_at_start_every_interval_after_a_write_and_after_a_failure(sim):
    clock = Clock()
    m = make_monitor(sim, clock, full_list_every=120.0)
    whys = []
    for _ in range(10):  # 150 s of refreshes every 15 s
        m.refreshes.start_poll()
        whys.append(m.refreshes.ask.why if m.refreshes.ask.full else "")
        m.refreshes.took(m.refreshes.fetch(m.generation))
        clock.mono += 15
    assert whys[0] == "start" and whys.count("interval") == 1 and whys.count("") == 8
    m.wrote()
    m.refreshes.start_poll()
    assert m.refreshes.ask.full and m.refreshes.ask.why == "write"
    m.refreshes.took(m.refreshes.fetch(m.generation))
    m.refreshes.start_poll()
    assert not m.refreshes.ask.full
    sim.set_faults(FaultConfig(error_rate=1.0))
    m.refreshes.took(m.refreshes.fetch(m.generation))  # fails
    sim.set_faults(FaultConfig())
    m.refreshes.start_poll()
    assert m.refreshes.ask.full and m.refreshes.ask.why == "gap"
    m.refreshes.took(m.refreshes.fetch(m.generation))
    m.delta.full_every = 10_000.0
    clock.mono += 15 * 10  # the machine slept (or the monitor was paused)
    m.refreshes.start_poll()
    assert m.refreshes.ask.full and m.refreshes.ask.why == "gap"
    m.close()


def test_full_refresh_setting_asks_the_whole_list_every_time(sim):
    clock = Clock()
    m = make_monitor(sim, clock, full_refresh=True)
    for _ in range(3):
        poll(m, clock)
    assert calls(sim) == {LIST: 3}
    m.close()
    m = Monitor(
        None, clock=sim.engine.now, monotonic=clock.monotonic, wall=clock.wall, full_refresh=True
    )  # the --full-refresh flag, whatever the profile says
    m.connect(account_for_simulator(sim))
    sim.traffic.reset()
    for _ in range(2):
        poll(m, clock)
    assert calls(sim) == {LIST: 2}
    m.close()


class FailingFilters:
    """A reader whose filtered calls fail with a 500 (a provider without filters)."""

    def __init__(self, client: FleetClient) -> None:
        self.client = client

    def list_vehicles_compact(self, filter: VehicleFilter | None = None) -> list[Any]:
        if filter is not None:
            raise ServerError(status=500, title="Internal server error")
        return self.client.list_vehicles_compact()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def test_a_failing_filtered_call_falls_back_to_the_full_list_in_the_same_refresh(sim):
    clock = Clock()
    m = make_monitor(sim, clock)
    poll(m, clock)
    m.reader = FailingFilters(m.reader)
    sim.traffic.reset()
    result = poll(m, clock)
    assert result.answer.full and "server error" in result.answer.fell_back
    assert calls(sim) == {LIST: 1}
    assert m.store.total == 60 and not m.connection.stale
    m.close()


def test_a_filter_too_long_halves_the_vin_batch():
    with Simulator(SimConfig(vehicles=10, seed=3, speed=0.0, start=SIM_START, max_url=1500)) as sim:
        clock = Clock()
        m = make_monitor(sim, clock)
        pending = seed_pending(sim, 120, seed=11)
        poll(m, clock)
        sim.engine.advance(60 * 86400)  # all 120 leave pending
        m.reader.fetch_token()
        sim.traffic.reset()
        result = poll(m, clock)
        assert not result.answer.full and result.answer.batch < 120
        # refused (414) while too long, then halves that fit, the batch kept
        assert calls(sim)[BY_VIN] >= 2 + 120 // result.answer.batch
        with FleetClient(Credentials(sim.base_url, sim.client_id, sim.client_secret)) as c:
            assert shown(m) == truth(c)
        assert all(m.store.vehicle(v).state not in MOVING_STATES for v in pending)
        m.close()


def test_vin_batches_stay_within_the_url_budget():
    rng = random.Random(5)
    vins = [make_vin("audi", rng) for _ in range(1000)]
    groups = vin_batches(vins, 1000)
    assert [v for g in groups for v in g] == vins
    import urllib.parse

    for g in groups:
        param = VehicleFilter().vin_in(g).to_param()
        assert len(urllib.parse.quote(param, safe="")) <= FILTER_BUDGET
    assert len(groups[0]) > 100  # ~150 VINs a call
    assert max(map(len, vin_batches(vins, 7))) == 7


# -- the property: a simulated week -------------------------------------------------


@dataclass
class Week:
    sim: Simulator
    monitor: Monitor
    clock: Clock
    outside: FleetClient
    #: VINs written by someone else since the last full list.
    touched: set[str]


STEP = st.one_of(
    st.tuples(st.just("advance"), st.floats(min_value=10, max_value=8 * 3600)),
    st.tuples(st.just("add"), st.integers(min_value=1, max_value=4)),
    st.tuples(st.just("cancel"), st.integers(min_value=0, max_value=10_000)),
    st.tuples(st.just("revoke"), st.integers(min_value=0, max_value=10_000)),
    st.tuples(st.just("own_revoke"), st.integers(min_value=0, max_value=10_000)),
)


def _pick(week: Week, status: str, index: int) -> str | None:
    vins = sorted(v for v, s in truth(week.outside).items() if s[0] == status)
    return vins[index % len(vins)] if vins else None


def _act(week: Week, step: tuple[str, Any], rng: random.Random) -> None:
    kind, value = step
    if kind == "advance":
        week.sim.engine.advance(value)
    elif kind == "add":
        vins = [make_vin("bmw", rng) for _ in range(value)]
        week.outside.create_vehicles(NewVehicle(v, "bmw") for v in vins)
        week.touched.update(vins)
    else:
        vin = _pick(week, "pending" if kind == "cancel" else "approved", value)
        if vin is None:
            return
        if kind == "own_revoke":  # the monitor's own write: it reconciles next
            week.monitor.writer.delete_vehicle(vin)
            week.monitor.wrote()
            return
        status, _ = week.sim.engine.delete(vin)
        if status == 200:
            week.touched.add(vin)


def _check(week: Week, result: Fetched) -> None:
    listed = truth(week.outside)
    store = shown(week.monitor)
    if result.answer.full:
        assert store == listed  # a reconciliation shows exactly the list
        week.touched.clear()
        return
    for vin in set(listed) | set(store):
        if store.get(vin) == listed.get(vin):
            continue
        # The documented kind only: someone else changed it, and the monitor shows it
        # in a state that does not move by itself (or not yet), so no filtered call
        # could see the change.
        have = store.get(vin)
        assert vin in week.touched, (vin, have, listed.get(vin))
        assert have is None or State(have[0]) not in MOVING_STATES, (vin, have, listed.get(vin))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=40, max_size=90), seed=st.integers(0, 1000))
def test_a_simulated_week_of_delta_refreshes_equals_the_full_list(steps, seed):
    config = SimConfig(vehicles=40, seed=seed, speed=0.0, start=SIM_START)
    with (
        Simulator(config) as sim,
        FleetClient(Credentials(sim.base_url, sim.client_id, sim.client_secret)) as outside,
    ):
        clock = Clock()
        m = make_monitor(sim, clock)
        week = Week(sim, m, clock, outside, set())
        rng = random.Random(seed)
        _check(week, poll(m, clock))
        filtered = 0
        for step in steps:
            _act(week, step, rng)
            if step[0] == "advance" or rng.random() < 0.5:
                result = poll(m, clock)
                filtered += not result.answer.full
                _check(week, result)
        assert filtered >= len(steps) // 4  # most refreshes were filtered ones
        m.close()


# -- the counters: the simulator's and the monitor's ---------------------------------


def test_the_simulator_counts_requests_and_bytes_per_endpoint(sim, outside):
    outside.list_vehicles_raw()
    outside.list_vehicles_raw(VehicleFilter().status_eq("pending"))
    vin = outside.list_vehicles()[0].vin
    outside.get_vehicle(vin)
    counts = sim.traffic.snapshot()
    assert counts[LIST]["requests"] == 2
    assert counts[LIST + "?filter=status"]["requests"] == 1
    assert counts["GET /v1/fleets/vehicles/{vin}"]["requests"] == 1
    assert counts["POST /v1/access_tokens"]["requests"] == 1
    # bytes: what went on the wire (status line, headers, body) as the client read it
    assert counts[LIST]["bytes"] > 2 * counts[LIST + "?filter=status"]["bytes"] > 0
    assert abs(outside.bytes_received - sim.traffic.bytes()) < 0.02 * sim.traffic.bytes()
    # a simulator in its own process tells the same at GET /_sim/traffic (not counted)
    import httpx

    answer = httpx.get(f"{sim.base_url}/_sim/traffic", timeout=5).json()
    assert answer == counts == sim.traffic.snapshot()


def test_the_monitor_tells_its_provider_load_per_hour(sim):
    clock = Clock()
    m = make_monitor(sim, clock)
    poll(m)
    assert m.load.text() == ""  # a rate over a few seconds says nothing yet
    for _ in range(8):
        poll(m, clock)  # 120 s of refreshes every 15 s
    requests, received = m.load.totals()
    assert requests == m.reader.requests_sent + m.writer.requests_sent
    per_hour = m.load.per_hour()
    assert per_hour is not None
    assert per_hour[0] == pytest.approx(requests * 3600 / 120)
    assert per_hour[1] == pytest.approx(received * 3600 / 120)
    assert m.load.text().startswith("provider ") and "req/h" in m.load.text()
    said = m.refreshes.last_error().message  # the E panel
    assert said.startswith("No refresh has failed") and "req/h" in said and "MB/h" in said
    assert "8 filtered refreshes, 1 full list" in said
    m.close()
    m = make_monitor(sim, clock, full_refresh=True)
    poll(m)
    said = m.refreshes.last_error().message
    assert "measured after the first minute" in said and "the whole list every refresh" in said
    m.close()


def test_the_profile_keys_full_refresh_and_full_list_every(tmp_path):
    from fleettui.config.errors import InvalidConfig
    from fleettui.config.profiles import Profile
    from fleettui.monitor.accounts import account_from_profile

    p = Profile.from_toml(
        "a",
        {"environment": "sandbox", "client_id": "x", "full_refresh": True, "full_list_every": 1800},
    )
    assert p.full_refresh and p.full_list_every == 1800.0
    assert p.to_toml()["full_refresh"] is True and p.to_toml()["full_list_every"] == 1800
    assert "full_refresh" not in Profile.from_toml("b", {"client_id": "x"}).to_toml()
    with pytest.raises(InvalidConfig, match="full_refresh"):
        Profile.from_toml("c", {"client_id": "x", "full_refresh": "yes"})
    with pytest.raises(InvalidConfig, match="full_list_every"):
        Profile.from_toml("d", {"client_id": "x", "full_list_every": -5})

    class Resolved:
        name, environment, base_url, read_only, refresh = "a", "sandbox", "https://x", False, 15.0
        full_refresh, full_list_every = True, 1800.0

        def credentials(self) -> Credentials:
            return Credentials("https://sandbox.api.high-mobility.com", "x", "y")

    account = account_from_profile(Resolved())
    assert account.full_refresh and account.full_list_every == 1800.0
