"""Issue 19 in the monitor, through Textual's Pilot against the simulator over HTTP: the
Data column fills in as the checks answer, a privacy-mode car is explained in the detail
pane with what the driver must do, `/` finds it by `data:privacy`, and the triage view has
it in its queue."""

from __future__ import annotations

from fleettui.core.data_states import DATA_LOOKUP, DataState
from fleettui.monitor.accounts import account_for_simulator
from fleettui.ui.app import FleetApp
from fleettui.ui.screens.triage import TriageScreen
from tests.support.pilot import filter_to, loaded, wait_for
from tests.support.screen import screen_lines
from tests.support.vehicle_data import private_car


async def test_a_privacy_car_is_shown_explained_filtered_and_queued(sim):
    vin = private_car(sim)
    app = FleetApp(
        account_for_simulator(sim, data_checks=True), clock=sim.engine.now, watch_terminal=False
    )
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await loaded(pilot)
            data = app.monitor.data

            def recorded() -> bool:
                record = data.record(vin)
                return record is not None and record.state is DataState.PRIVACY

            await wait_for(pilot, recorded, timeout=60)
            await wait_for(pilot, lambda: app.table.data_cell is not None, timeout=10)
            assert app.table.move_cursor_to(vin)

            def shown() -> bool:  # the next data tick applies the results (a 1 s timer)
                text = "\n".join(screen_lines(app))
                return "Data" in text and "⊘ privacy" in text

            await wait_for(pilot, shown)
            await pilot.pause()
            detail = app.monitor_screen.detail.text.plain
            assert "Data after approval" in detail
            assert "Blocked: privacy mode is on in the car" in detail
            assert "Who must act: driver" in detail and "privacy mode off" in detail
            assert "request_id" in detail
            flowing = [
                r
                for r in app.monitor.store.snapshot.order
                if data.state_of(r.vin, r.brand, app.monitor.clock()) is DataState.FLOWING
            ]
            assert flowing  # approved cars moved to data flowing
            await filter_to(pilot, "data:privacy")
            assert [r.vin for r in app.monitor.store.view.rows] == [vin]
            await pilot.press("escape")
            await pilot.press("t")
            await wait_for(
                pilot, lambda: isinstance(app.screen, TriageScreen) and app.screen.board is not None
            )
            queue = next(
                q for q in app.screen.board.queues if q.title == "Privacy mode blocks data"
            )
            assert vin in queue.vins and queue.actor.value == "driver"
    finally:
        DATA_LOOKUP.source = None


async def test_without_data_checks_there_is_no_data_column(pilot):
    await pilot.pause(1.2)
    assert pilot.app.table.data_cell is None
    assert "Data" not in screen_lines(pilot.app)[2]


async def test_a_data_filter_follows_the_checks_without_a_refresh(sim):
    """`/ data:privacy` with the refresh paused: a check that finds a car in privacy
    mode brings it into the view on the next data tick, not at the next refresh."""
    from fleettui.core.data_states import DataRecord
    from fleettui.monitor.data_checker import DataResult

    app = FleetApp(
        account_for_simulator(sim, data_checks=True), clock=sim.engine.now, watch_terminal=False
    )
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            await loaded(pilot)
            store, data = app.monitor.store, app.monitor.data
            await wait_for(pilot, lambda: len(data.records) > 0, timeout=60)
            await pilot.press("p")  # paused: from here only the checks change anything
            await wait_for(pilot, lambda: app.monitor.connection.paused, timeout=10)
            data.stop()  # the checks' thread: its results are played below, one by one
            await filter_to(pilot, "data:privacy")
            shown = {r.vin for r in store.view.rows}
            car = next(
                r
                for r in store.snapshot.order
                if r.state.value == "approved" and r.vin not in shown
            )
            old = data.record(car.vin)
            new = DataRecord(car.vin, DataState.PRIVACY, checked_at=app.monitor.clock())
            data.records.put(new)
            data._keep(DataResult(car.vin, car.brand, new, old))
            await wait_for(pilot, lambda: store.index_of(car.vin) is not None, timeout=10)
            assert {r.vin for r in store.view.rows} == shown | {car.vin}
            assert app.monitor.connection.paused
    finally:
        DATA_LOOKUP.source = None
