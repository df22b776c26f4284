"""What a newcomer hit in the monitor (issue 21), through Pilot against the simulator: a
refusal's notice shows its vehicle from the log, a refusal about a vehicle that left the
view ends when the user changes the view, `t e` typed together stays in triage,
switching to an unreachable profile says nothing about the one just left, and toasts
fit at 80x24."""

from __future__ import annotations

import pytest

from fleettui.ui.screens.confirm import ConfirmScreen
from fleettui.ui.screens.export import ExportScreen
from fleettui.ui.screens.notifications import NotificationLogScreen
from fleettui.ui.screens.triage import TriageScreen
from tests.support.pilot import (
    BMW_PENDING,
    PEUGEOT_PENDING,
    filter_to,
    loaded,
    make_app,
    notes,
    profile_app,
    recorded,
    refresh,
    seed_test_vehicles,
    told,
    told_since,
    wait_for,
)


@pytest.mark.size(100, 30)
@pytest.mark.test_vehicles
async def test_f_on_a_refusal_notice_shows_its_vehicle(pilot):
    """`c` on a BMW (no cancel through the API) is refused; the log's `f` on that notice
    shows the BMW in the table, not "names no vehicle"."""
    app = pilot.app
    app.table.move_cursor_to(BMW_PENDING)
    await pilot.press("c")
    await wait_for(
        pilot, lambda: any(n.startswith(f"Cannot cancel {BMW_PENDING}") for n in told(app))
    )
    await pilot.press("exclamation_mark")
    await wait_for(pilot, lambda: isinstance(app.screen, NotificationLogScreen))
    await pilot.press("f")
    await wait_for(pilot, lambda: not isinstance(app.screen, NotificationLogScreen))
    await pilot.pause()
    assert [r.vin for r in app.monitor.store.view.rows] == [BMW_PENDING]
    assert not any("names no vehicle" in n for n in told(app))


@pytest.mark.size(100, 30)
@pytest.mark.test_vehicles
async def test_a_new_filter_ends_the_refusal_about_a_vehicle_that_left(pilot, sim):
    """After `c` is refused because the cursor's vehicle left the view, the user changes
    the filter: `c` now acts on the vehicle the cursor and the pane show."""
    app = pilot.app
    await filter_to(pilot, "brand:bmw state:pending")
    app.table.move_cursor_to(BMW_PENDING)
    engine = sim.engine
    with engine.lock:
        engine.transition(engine.record(BMW_PENDING), "rejected", engine.epoch(), "unspecified")
    await refresh(pilot)
    assert app.table.gone_vin == BMW_PENDING
    await pilot.press("c")
    await pilot.pause()
    assert any("left the view; nothing to cancel" in n for n in told(app))
    await filter_to(pilot, f"vin:{PEUGEOT_PENDING}")
    app.clear_notifications()
    before = len(told(app))
    assert app.table.cursor_vin == PEUGEOT_PENDING
    await pilot.press("c")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    assert PEUGEOT_PENDING in app.screen.title_text
    assert not any(BMW_PENDING in n for n in told_since(app, before))


async def test_t_then_e_in_one_burst_stays_in_triage(sim, isolated_dirs):
    """`t` and `e` typed together: `e` belongs to the triage view `t` opens (its queue's
    export, or nothing while it groups), never the monitor's export of the whole table,
    and the Enter after it is the triage view's."""
    from textual import events

    app = profile_app(sim)
    async with app.run_test(size=(120, 40)) as pilot:
        await recorded(pilot)
        app.post_message(events.Key("t", "t"))
        app.post_message(events.Key("e", "e"))
        await wait_for(pilot, lambda: any(isinstance(s, TriageScreen) for s in app.screen_stack))
        for _ in range(10):
            await pilot.pause()
        exports = [s for s in app.screen_stack if isinstance(s, ExportScreen)]
        assert all("of this queue" in s.what for s in exports), [s.what for s in exports]
        assert not any(n.startswith("Wrote") and "rows" in n for n in told(app))
        if exports:  # the board was ready: the queue's export; Esc back to the board
            await pilot.press("escape")
        triage = app.screen
        assert isinstance(triage, TriageScreen)
        await wait_for(pilot, lambda: triage.board is not None)
        queue = triage.current_queue()
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, TriageScreen))
        assert {r.vin for r in app.monitor.store.view.rows} == set(queue.vins)


async def test_switching_to_an_unreachable_profile_says_nothing_about_the_one_left(
    sim, monkeypatch
):
    """The toasts of the profile just left go (the log keeps them), and its vehicle
    under the cursor does not 'leave the view' of the new one."""
    from tests.support.pilot import save_unreachable_profile

    save_unreachable_profile(monkeypatch, "down")
    app = profile_app(sim)
    async with app.run_test(size=(100, 30)) as pilot:
        await recorded(pilot)
        await pilot.press("j", "j")
        app.notify("About the first profile.")
        before = {n.seq for n in app.monitor.notices.entries()}
        app.accounts.profile_chosen("down")
        await wait_for(pilot, lambda: app.monitor.connection.stale, timeout=20)
        await pilot.pause()
        # On screen: the old profile's toasts are gone (the log keeps them).
        assert not any("first profile" in n or "left the view" in n for n in notes(app))
        assert any(n.startswith("Switched to profile down") for n in told(app))
        new = [n.text for n in app.monitor.notices.entries() if n.seq not in before]
        assert not any("left the view" in t for t in new), new


async def test_toasts_at_80x24_leave_the_detail_pane_and_a_dialogs_keys_alone(sim):
    """Three toasts at 80x24: none covers the detail pane, the footer or the key line of
    a confirmation dialog."""
    from textual.widgets import Footer
    from textual.widgets._toast import Toast

    seed_test_vehicles(sim)
    app = make_app(sim)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        app.clear_notifications()

        def toasts():
            return [t.region for t in app.screen.query(Toast) if t.region.area]

        for text in (
            "One toast about something",
            "Another, a little longer than that one",
            "A third",
        ):
            app.notify(text)
        await wait_for(pilot, lambda: len(toasts()) >= 3)
        pane, footer = app.query_one("#detail").region, app.screen.query_one(Footer).region
        assert not any(t.overlaps(pane) or t.overlaps(footer) for t in toasts())
        assert all(t.width <= 40 for t in toasts())
        app.table.move_cursor_to(PEUGEOT_PENDING)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        for text in ("One toast about something", "Another one"):
            app.notify(text)
        await wait_for(pilot, lambda: len(toasts()) >= 2)
        keys = app.screen.query_one("#confirm-keys").region
        footer = app.screen.query_one(Footer).region
        assert not any(t.overlaps(keys) or t.overlaps(footer) for t in toasts())


async def test_background_data_toasts_wait_while_a_menu_is_open(sim):
    """At 80x24 the data checks' toasts (every few seconds in the demo) covered the sort
    menu's title and the add form's brand verdict: while a dialog or menu is open they go
    to the log only; a toast answering the user still shows there."""
    from textual.widgets._toast import Toast

    from fleettui.monitor.updates import Notice
    from fleettui.ui.screens.sort_menu import SortMenu

    app = make_app(sim)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        app.clear_notifications()

        def toasts() -> list[str]:
            return [str(t.render()) for t in app.screen.query(Toast)]

        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SortMenu))
        app.notification_path.notice(
            Notice("1 car: privacy mode blocks data", title="Data", kind="data")
        )
        app.notify("Copied 1 VIN")
        await wait_for(pilot, lambda: len(toasts()) >= 1)
        await pilot.pause()
        assert not any("privacy mode" in t for t in toasts()), toasts()
        assert any("Copied" in t for t in toasts())
        log = [n.text for n in app.monitor.notices.entries()]
        assert "1 car: privacy mode blocks data" in log  # kept in the log (!)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SortMenu))
        app.notification_path.notice(
            Notice("1 car: consent removed by the OEM blocks data", kind="data")
        )
        await wait_for(pilot, lambda: any("consent removed" in t for t in toasts()))
