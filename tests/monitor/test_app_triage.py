"""The triage desk in the monitor, through Pilot against the simulator: refreshes are
recorded, the next session is told what changed, `u` lists it, `t` opens the triage view
and Enter filters the table to a queue, the VW fix opens the add form filled in, the
detail pane's timeline shows what only the local history knows."""

from __future__ import annotations

from datetime import timedelta

from fleettui.core import reasons as R
from fleettui.core.states import State
from fleettui.history.events import Event
from fleettui.monitor.accounts import account_for_simulator
from fleettui.ui.app import FleetApp
from fleettui.ui.screens.add_form import AddScreen
from fleettui.ui.screens.stats import StatsScreen
from fleettui.ui.screens.triage import TriageScreen
from fleettui.ui.widgets.fleet_columns import RECENT_GLYPH
from tests.support.pilot import loaded, on_screen, profile_app, recorded, told, wait_for
from tests.support.sim import DAY, SIM_START


async def triage_board(pilot) -> None:
    """t, then wait until the triage view has built its board."""
    await pilot.press("t")
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, TriageScreen) and pilot.app.screen.board is not None,
    )


def row_text(app, vin: str) -> str:
    table = app.table
    index = app.monitor.store.index_of(vin)
    return "".join(
        s.text
        for s in table.lines.row_strip_for(
            app.monitor.store.row(index), False, 100, table.rich_style
        )._segments
    )


async def test_the_next_session_is_told_what_changed_and_u_lists_it(sim):
    async with profile_app(sim).run_test(size=(120, 40)) as pilot:
        await recorded(pilot)
        assert not any("Since you last looked" in n for n in told(pilot.app))  # first time
    sim.engine.advance(DAY)  # a day passes while nobody watches
    changed = {
        v
        for v, obj in sim.engine.vehicles.items()
        if obj["changelog"] and obj["changelog"][-1]["timestamp"] >= "2026-11-01T12:00:01"
    }
    assert changed
    app = profile_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await recorded(pilot)
        await wait_for(
            pilot, lambda: any("Since you last looked" in n or " since " in n for n in told(app))
        )
        said = next(n for n in told(app) if " since " in n)
        assert "u lists them" in said
        unseen = set(app.monitor.history.unseen)
        assert unseen and unseen <= {r.vin for r in app.monitor.store.snapshot.order}
        assert changed & unseen
        vin = sorted(unseen - {app.table.cursor_vin})[0]
        assert row_text(app, vin)[1] == RECENT_GLYPH  # marked until seen
        # What u lists: every VIN changed since the last look, the ones the cursor has
        # already been on included (their * went, the change is still news).
        expected = app.monitor.history.changes_since_look(
            list(app.monitor.store.snapshot.order), app.monitor.clock()
        )
        await pilot.press("u")
        await wait_for(pilot, lambda: app.monitor_screen.filter_box.value.startswith("vin:"))
        shown = {r.vin for r in app.monitor.store.view.rows}
        assert shown == set(expected.vins) and unseen <= shown
        app.table.move_cursor_to(app.monitor.store.view.rows[0].vin)
        await pilot.pause()
        first = app.monitor.store.view.rows[0].vin
        await pilot.press("j", "k")
        await pilot.pause()
        assert first not in app.monitor.history.unseen  # seen: the mark goes


async def test_t_opens_the_triage_view_and_enter_filters_the_table(sim):
    app = profile_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await recorded(pilot)
        await triage_board(pilot)
        screen = app.screen
        queue = screen.current_queue()
        assert queue is not None and queue.count > 0
        await pilot.press("a")  # the monitor's own keys are off over the triage view
        await pilot.pause()
        assert isinstance(app.screen, TriageScreen)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, TriageScreen))
        assert {r.vin for r in app.monitor.store.view.rows} == set(queue.vins)
        assert any(f"Showing the {queue.count} vehicle" in n for n in told(app))


async def test_the_vw_fix_opens_the_add_form_filled_in_and_re_adds(sim):
    sim.engine.seed_vehicle(
        "WVWZZZ1KZAW000111",
        "volkswagen",
        "rejected",
        age_seconds=3 * DAY,
        reason=R.CUSTOMER_NAME_TAG_MISSING,
    )
    sim.engine.seed_vehicle(
        "WVWZZZ1KZAW000222",
        "volkswagen",
        "approved",
        age_seconds=9 * DAY,
        tags={"vw-group-customer-name": "ACME Fleet"},
    )
    app = profile_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await recorded(pilot)
        await triage_board(pilot)
        screen = app.screen
        target = next(q for q in screen._queues if q.reason == R.CUSTOMER_NAME_TAG_MISSING)
        olist = screen.query_one("#triage-queues")
        olist.highlighted = olist.get_option_index(target.id)
        await pilot.pause()
        await pilot.press("f")
        await on_screen(pilot, AddScreen)
        form = app.screen
        assert form.draft.customer == target.fix.tags["vw-group-customer-name"]
        await pilot.pause()  # the Customer field the fix's notice asks to check is shown
        assert form.query_one("#add-customer").display
        assert any("Customer field" in n for n in told(app))
        assert "WVWZZZ1KZAW000111,volkswagen" in form.draft.many
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: sim.engine.vehicles["WVWZZZ1KZAW000111"]["status"] == "pending"
        )
        tags = sim.engine.vehicles["WVWZZZ1KZAW000111"]["tags"]
        assert tags["vw-group-customer-name"] == target.fix.tags["vw-group-customer-name"]


async def test_read_only_offers_no_fix(sim):
    app = profile_app(sim, read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await recorded(pilot)
        await triage_board(pilot)
        assert app.screen.can_fix is False


async def test_the_timeline_shows_what_only_the_history_knows(sim):
    app = profile_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await recorded(pilot)
        row = next(r for r in app.monitor.store.view.rows if r.state is State.APPROVED)
        earlier = SIM_START - timedelta(days=200)
        store = app.monitor.history._store
        store.record_events(
            [
                Event(
                    row.vin,
                    "rejected",
                    earlier,
                    earlier,
                    "pending",
                    "unspecified",
                    row.brand,
                    "changelog",
                )
            ]
        )
        app.table.move_cursor_to(row.vin)
        await wait_for(pilot, lambda: app.monitor.history.cached_events(row.vin) is not None)
        await wait_for(pilot, lambda: "(recorded here)" in app.monitor_screen.detail.text.plain)
        text = app.monitor_screen.detail.text.plain
        history = text[text.index("History") :]
        assert history.index("(recorded here)") < history.index("approved")  # in time order
        assert "unspecified" in history


async def test_T_opens_the_statistics_from_the_history(sim):
    app = profile_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await recorded(pilot)
        await pilot.press("T")
        await wait_for(
            pilot, lambda: isinstance(app.screen, StatsScreen) and app.screen.stats is not None
        )
        assert app.screen.stats.source == "history"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StatsScreen)


async def test_the_demo_history_is_thrown_away(sim, isolated_dirs, tmp_path, monkeypatch):
    """The demo's history records (the u, t and T views read it) with nothing on disk: its
    file is unlinked as soon as it is open, so no end of the process leaves it behind."""
    import tempfile
    from pathlib import Path

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    account = account_for_simulator(sim)
    app = FleetApp(account, clock=sim.engine.now, watch_terminal=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await recorded(pilot)
        store = app.monitor.history._store
        assert store is not None and store.available and store.path is None
        assert store.count() > 0
        assert list(temp.iterdir()) == []
    assert list(temp.iterdir()) == []
    assert not any(Path(isolated_dirs["data"]).rglob("*.sqlite3"))


async def test_an_open_triage_board_regroups_when_a_refresh_moves_a_vehicle(sim):
    """A refresh that changes a vehicle's state moves it between the open board's queues
    by itself (no `r`), and the highlighted queue stays highlighted."""
    from textual.widgets import OptionList

    app = profile_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await triage_board(pilot)
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        board = screen.board
        waiting = next(q for q in board.queues if q.state is State.PENDING and q.count >= 2)
        stay = next(q for q in board.queues[1:] if q.id != waiting.id)
        olist = screen.query_one(OptionList)
        olist.highlighted = olist.get_option_index(stay.id)
        await pilot.pause()
        vin = waiting.vins[0]
        engine = sim.engine
        engine.transition(engine.record(vin), "rejected", engine.epoch(), R.PRIVACY_MODE)

        def moved() -> bool:
            b = screen.board
            return b is not board and any(
                vin in q.vins and q.state is State.REJECTED for q in b.queues
            )

        app.poll_loop.poll(force=True)  # the monitor's own refresh, as its timer would
        await wait_for(pilot, moved, timeout=30)
        assert all(vin not in q.vins for q in screen.board.queues if q.state is State.PENDING)
        assert screen.current_queue().id == stay.id  # the cursor stayed on its queue
        assert isinstance(app.screen, TriageScreen)
