"""Pilot tests of the live view against the loopback simulator: first load and counts,
filter and quick state filters, sort, stale and recovered, rejected notifications, pause,
copy VIN, CSV export, help and palette."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta

import pytest
from textual.widgets import Input

from fleettui.core.states import State
from fleettui.monitor.accounts import account_for_simulator
from fleettui.sim import FaultConfig
from fleettui.ui.app import FleetApp
from fleettui.ui.screens.export import ExportScreen
from fleettui.ui.screens.help import HelpScreen
from tests.support.pilot import (
    BMW_PENDING,
    KIA_APPROVED,
    PEUGEOT_PENDING,
    filter_to,
    header_text,
    loaded,
    refresh,
    reject,
    said,
    told,
    wait_for,
)
from tests.support.sim import SIM_START


async def test_first_load_fills_table_and_header(sim, pilot):
    app = pilot.app
    assert app.monitor.store.total == 60
    text = header_text(app)
    assert "DEMO" in text and "● live" in text and "60/60 shown" in text
    # a fixed clock (tests, screenshots) fixes the "updated" time too
    assert text.split("updated ")[1][:5] == "12:00"
    assert app.table.cursor_vin is not None


async def test_updated_time_is_the_local_wall_clock_not_the_providers(sim):
    """Without a fixed clock the app's "now" is the provider's (the simulator's Date
    header, far ahead at demo speed); "updated" must still be this machine's time."""
    sim.engine.advance(5 * 3600)  # the provider's clock is now 17:00 simulated
    app = FleetApp(account_for_simulator(sim), watch_terminal=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        updated = header_text(app).split("updated ")[1][:5]
        now = datetime.now()
        assert any((now - timedelta(seconds=s)).strftime("%H:%M") == updated for s in range(70))


async def test_filter_counts_follow_and_escape_clears(sim, pilot):
    app = pilot.app
    await filter_to(pilot, "state:rejected")
    rejected = app.monitor.store.counts_all[State.REJECTED]
    assert len(app.monitor.store) == rejected
    assert all(r.state is State.REJECTED for r in app.monitor.store.view.rows)
    assert f"{rejected}/60 shown" in header_text(app)
    await pilot.press("slash", "escape")
    await pilot.pause()
    assert len(app.monitor.store) == 60
    assert app.query_one("#filter", Input).value == ""


async def test_bad_filter_is_reported_and_keeps_rows(sim, pilot):
    app = pilot.app
    await filter_to(pilot, "state:flying")
    assert len(app.monitor.store) == 60
    assert app.query_one("#filter-error").has_class("-shown")


@pytest.mark.test_vehicles
async def test_quick_state_keys_and_cursor_survive(sim, pilot):
    app = pilot.app
    app.table.move_cursor_to(KIA_APPROVED)
    await pilot.press("2")  # approved only
    await pilot.pause()
    assert all(r.state is State.APPROVED for r in app.monitor.store.view.rows)
    assert app.table.cursor_vin == KIA_APPROVED
    await pilot.press("1")  # pending only: replaces the state term
    await pilot.pause()
    assert app.query_one("#filter", Input).value == "state:pending"
    await pilot.press("0")
    await pilot.pause()
    assert len(app.monitor.store) == 64


async def test_sort_cycles_and_reverses_keeping_cursor(sim, pilot):
    app = pilot.app
    await pilot.press("down", "down", "down")
    vin = app.table.cursor_vin
    await pilot.press("s", "b")  # the sort menu, then brand's key
    await pilot.pause()
    column, descending = app.monitor.store.sort
    assert column == "brand" and not descending
    await pilot.press("S")
    await pilot.pause()
    assert app.monitor.store.sort == (column, True)
    rows = [r.vin for r in app.monitor.store.view.rows]
    assert app.table.cursor_vin == vin
    assert rows != sorted(rows) or column != "vin"


async def test_stale_then_recovered(sim, pilot):
    app = pilot.app
    sim.set_faults(FaultConfig(error_rate=1.0))
    await refresh(pilot)
    assert app.monitor.connection.stale
    text = header_text(app)
    assert "STALE" in text and "server" in text
    assert app.monitor.store.total == 60  # the last data stays
    told = app.monitor.notices.entries()  # the notification path: logged, shown unless muted
    assert any(n.kind.startswith("refresh failed") and not n.muted for n in told)
    assert app.monitor.connection.next_delay() == 5.0  # a quick first retry
    sim.set_faults(FaultConfig())
    await refresh(pilot)
    assert not app.monitor.connection.stale and "● live" in header_text(app)
    assert any("Reconnected" in n for n in said(app))


async def test_network_down_is_reported_as_network(sim, pilot):
    app = pilot.app
    sim.set_faults(FaultConfig(drop_rate=1.0))
    await refresh(pilot)
    assert app.monitor.connection.stale and "network" in header_text(app)
    assert app.is_running


@pytest.mark.test_vehicles
async def test_change_to_rejected_raises_notification_with_reason(sim, pilot):
    app = pilot.app
    await reject(pilot, sim, BMW_PENDING, "[bold]consent[/] not given")
    assert app.monitor.store.row_for(BMW_PENDING).state is State.REJECTED
    assert app.monitor.store.is_recent(BMW_PENDING)
    assert any(BMW_PENDING in n and "[bold]consent[/] not given" in n for n in told(app))


async def test_pause_stops_polling_and_header_says_so(sim, pilot):
    app = pilot.app
    await pilot.press("p")
    await pilot.pause()
    assert app.monitor.connection.paused and "PAUSED" in header_text(app)
    assert app.poll_loop.timer is None
    await refresh(pilot)  # r still refreshes once while paused
    assert app.monitor.connection.paused
    await pilot.press("p")
    await wait_for(pilot, lambda: not app.monitor.connection.polling)
    assert not app.monitor.connection.paused and "PAUSED" not in header_text(app)


@pytest.mark.test_vehicles
async def test_copy_vin_and_marked_vins(sim, pilot):
    app = pilot.app
    await filter_to(pilot, PEUGEOT_PENDING)
    await pilot.press("y")
    assert app.clipboard == PEUGEOT_PENDING
    await filter_to(pilot, "NC00000")
    await pilot.press("asterisk", "y")
    assert len(app.clipboard.splitlines()) == 4


async def test_export_writes_exactly_the_rows_shown(sim, tmp_path, pilot):
    app = pilot.app
    await filter_to(pilot, "state:approved")
    shown = [r.vin for r in app.monitor.store.view.rows]
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    app.screen.query_one("#export-path", Input).value = str(target)
    await pilot.press("enter")  # exists: asks first
    await pilot.pause()
    assert isinstance(app.screen, ExportScreen) and target.read_text(encoding="utf-8") == "old"
    await pilot.press("enter")
    await wait_for(pilot, lambda: any(n.startswith("Wrote") for n in said(app)))
    with target.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["vin"] for r in rows] == shown
    assert {r["status"] for r in rows} == {"approved"}


async def test_help_lists_keys_and_palette_has_every_action(sim, pilot):
    app = pilot.app
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
    keys = dict(app.screen.rows)
    for key in ("q", "/", "r", "p", "a", "c", "R", "y", "*", "space"):
        assert key in keys
    await pilot.press("escape")
    titles = {c.title for c in app.get_system_commands(app.screen)}
    assert {"Refresh", "Pause", "Add", "Cancel", "Revoke", "Copy VIN", "Export", "Filter"} <= titles


async def test_profile_opens_on_cached_fleet_when_provider_is_down(sim, monkeypatch):
    from fleettui.config import load_config, resolve_profile, save_config
    from fleettui.config.cache import snapshot_path
    from fleettui.config.profiles import Profile
    from fleettui.monitor.accounts import account_from_profile
    from fleettui.ui.app import FleetApp
    from tests.support.sim import SIM_START

    monkeypatch.setenv("SIM_SECRET", sim.client_secret)
    save_config(
        load_config().with_profile(
            Profile(
                name="cached",
                environment="custom",
                base_url=sim.base_url,
                client_id=sim.client_id,
                client_secret_env="SIM_SECRET",
            )
        )
    )
    account = account_from_profile(resolve_profile("cached"))

    first = FleetApp(account, clock=lambda: SIM_START, watch_terminal=False)
    async with first.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await wait_for(pilot, snapshot_path("cached").exists)

    sim.set_faults(FaultConfig(drop_rate=1.0))
    second = FleetApp(account, clock=lambda: SIM_START, watch_terminal=False)
    async with second.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: second.monitor.connection.stale, timeout=20)
        assert second.monitor.store.total == 60
        text = header_text(second)
        assert "cannot connect" in text and "showing cache from" in text and "60/60" in text


async def test_malformed_answers_mark_stale_and_the_app_lives_on(sim, pilot):
    app = pilot.app
    sim.set_faults(FaultConfig(malformed_rate=1.0))
    await refresh(pilot)
    assert app.monitor.connection.stale and app.is_running
    assert app.monitor.store.total == 60


@pytest.mark.test_vehicles
async def test_escape_sequences_in_a_reason_never_reach_the_terminal(sim, pilot):
    app = pilot.app
    await reject(pilot, sim, BMW_PENDING, "bad\x1b]52;c;SGVsbG8=\x07 \x1b[31mred")
    note = next(n for n in told(app) if BMW_PENDING in n)
    assert "\x1b" not in note and "\x07" not in note and "red" in note


async def test_idle_refresh_without_changes_does_not_repaint_the_table(sim, pilot):
    app = pilot.app
    repaints = []
    original = app.table.refresh_view
    app.table.refresh_view = lambda **kw: (repaints.append(1), original(**kw))[1]
    await refresh(pilot)
    await refresh(pilot)
    assert repaints == []  # nothing changed: header only
    engine = sim.engine
    with engine.lock:  # a change the provider makes (a settled one would wait for the
        # next full list: delta polling asks only for what can change)
        vin = next(v for v, r in app.monitor.store.snapshot.by_vin.items() if r.status == "pending")
        engine.transition(engine.record(vin), "approved", engine.epoch())
    await refresh(pilot)
    assert repaints == [1]


@pytest.mark.size(80, 24)
async def test_enter_shows_detail_full_screen_and_escape_returns(sim, pilot):
    app = pilot.app
    await pilot.press("enter")
    await pilot.pause()
    assert app.screen.maximized is app.query_one("#detail")
    await pilot.press("down", "pagedown")  # scrolls the detail, not the table
    await pilot.press("escape")
    await pilot.pause()
    assert app.screen.maximized is None and app.focused is app.table
    await pilot.press("d")
    assert app.query_one("#detail").has_class("-hidden")


async def test_corrupt_cache_is_noted_in_the_monitor(sim):
    from dataclasses import replace

    from fleettui.config.cache import snapshot_path

    account = replace(account_for_simulator(sim), name="corrupt", cache=True)
    path = snapshot_path("corrupt")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"{not json")
    app = FleetApp(account, clock=lambda: SIM_START, watch_terminal=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        found = [n for n in said(app) if "cached fleet" in n]
        assert found and "profile corrupt could not be read (" in found[0]
        assert "replaced at the next refresh" in found[0]
