"""Issue 19 in the monitor's Textual-free core: the checks' worker fed by refreshes, its
results taken in batches, and the `/` filter's data: terms."""

from __future__ import annotations

import threading

from fleettui.api import FleetClient
from fleettui.api.auth import Credentials
from fleettui.core.data_states import DATA_LOOKUP, DataState
from fleettui.core.query import parse_query
from fleettui.core.store import FleetStore
from fleettui.monitor.accounts import account_for_simulator
from fleettui.monitor.data_monitor import MonitorData


def _rows(client: FleetClient) -> list:
    store = FleetStore()
    prepared = store.prepare(client.list_vehicles_compact(), client.server_time())
    store.apply(prepared)
    return list(prepared.snapshot.order)


def test_the_worker_checks_the_fed_fleet_and_the_filter_reads_its_states(sim):
    account = account_for_simulator(sim, data_checks=True)
    assert account.data_checks.enabled and account.data_checks.per_second == 4.0
    data = MonitorData()
    data.load(account)
    client = FleetClient(Credentials(sim.base_url, sim.client_id, sim.client_secret))
    rows = _rows(client)
    approved = [r for r in rows if r.state.value == "approved"]
    assert data.start(client, client.server_time)
    try:
        data.feed(rows)
        done = threading.Event()
        got = []
        for _ in range(600):  # until every approved car was answered (no wall-clock assert)
            results, notices = data.take()
            got += results
            assert not notices
            if len(got) >= len(approved):
                done.set()
                break
            done.wait(0.05)
        assert done.is_set()
        assert {r.vin for r in got} == {r.vin for r in approved}
        flowing = parse_query("data:flowing").filter(rows)
        assert flowing and all(
            data.state_of(r.vin, r.brand, client.server_time()) is DataState.FLOWING
            for r in flowing
        )
        missing = parse_query("data:missing").filter(rows)
        assert not set(missing) & set(flowing)
        assert all(r.state.value == "approved" for r in missing)
        assert parse_query("-data:flowing state:approved").filter(rows) == [
            r for r in approved if r not in flowing
        ]
    finally:
        data.stop()
        DATA_LOOKUP.source = None


def test_a_bad_data_term_says_what_to_use():
    q = parse_query("data:privcy")
    assert q.error is not None and "did you mean privacy" in q.error
    assert parse_query("data:blocked").error is None


def test_checks_stay_off_unless_the_account_asks(sim):
    data = MonitorData()
    data.load(account_for_simulator(sim))
    assert data.start(object(), lambda: None) is False and not data.on  # type: ignore[arg-type, return-value]
    DATA_LOOKUP.source = None


def test_begin_loads_on_its_own_thread_and_takes_a_fleet_fed_before_it_ran(sim):
    account = account_for_simulator(sim, data_checks=True)
    creds = Credentials(sim.base_url, sim.client_id, sim.client_secret)
    with FleetClient(creds) as client:
        rows = _rows(client)
        now = client.server_time
        data = MonitorData()
        assert data.begin(account, lambda: FleetClient(creds), now)
        data.feed(rows)  # at once: before (or while) the thread loads
        approved = {r.vin for r in rows if r.state.value == "approved"}
        seen: set[str] = set()
        waiter = threading.Event()
        try:
            for _ in range(600):
                seen |= {r.vin for r in data.take()[0]}
                if seen >= approved:
                    break
                waiter.wait(0.05)
            assert seen == approved
        finally:
            data.stop()
            DATA_LOOKUP.source = None
    assert not data.begin(account_for_simulator(sim), lambda: None, now)


def test_blocked_and_unblocked_cars_are_told_in_one_notice_both_ways():
    from fleettui.core.data_states import DataRecord
    from fleettui.history.data_records import data_events
    from fleettui.monitor.data_checker import DataResult
    from fleettui.monitor.data_monitor import data_changes
    from tests.support.sim import SIM_START as now

    flowing = DataRecord("V1", DataState.FLOWING, now, now, now)
    private = DataRecord("V1", DataState.PRIVACY, now, now, now, "privacy", "r1")

    def result(old, new):  # noqa: ANN001, ANN202
        return DataResult(new.vin, "bmw", new, old, tuple(data_events(old, new, "bmw", now)))

    blocked = data_changes([result(flowing, private)])
    assert blocked is not None and blocked.severity == "warning"
    assert blocked.message == "1 car: privacy mode blocks data" and blocked.vins == ("V1",)
    again = data_changes([result(private, flowing)])
    assert again is not None and again.message == "1 car: data flowing again"
    assert data_changes([result(None, flowing)]) is None  # first data: the column says it


def test_a_data_filter_takes_in_the_cars_whose_check_changed_their_state():
    """`/ data:privacy`: a check that puts a car in privacy mode adds it to the view at
    once; a change that moves no car in or out of the filter rebuilds nothing, and a
    filter without data: terms is never worked out again for a check."""
    from tests.support.fleets import NOW, vdict

    fleet = [vdict(f"WBA0000000000000{i}", "approved", "bmw") for i in range(4)]
    states = {v["vin"]: DataState.NONE for v in fleet}
    DATA_LOOKUP.source = lambda vin, brand: states[vin]
    try:
        store = FleetStore()
        store.apply(store.prepare(fleet, NOW))
        store.set_query("data:privacy")
        assert len(store.view.rows) == 0
        first, second = fleet[0]["vin"], fleet[1]["vin"]
        states[second] = DataState.FLOWING  # none -> flowing: still not privacy
        view = store.view
        assert store.data_changed([second]) is False and store.view is view
        states[first] = DataState.PRIVACY
        assert store.data_changed([second, first]) is True
        assert [r.vin for r in store.view.rows] == [first]
        store.set_query("brand:bmw")
        view = store.view
        assert store.data_changed([first]) is False and store.view is view
    finally:
        DATA_LOOKUP.source = None
