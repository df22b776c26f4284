"""Pilot tests of what the monitor tells the user: read-only mode answers the write keys
and the palette instead of staying mute; a bulk write's failures come grouped by reason,
short, with every VIN one palette entry away; export says when there is nothing to write,
names the file by the local clock and shares `fleettui list --csv`'s columns."""

from __future__ import annotations

import csv
from datetime import datetime

import pytest
from textual.widgets import Input, Static

from fleettui.core.fleet_csv import COLUMNS
from fleettui.ui.screens.confirm import ConfirmScreen
from fleettui.ui.screens.export import ExportScreen
from fleettui.ui.screens.results import WriteResultsScreen
from tests.support.pilot import (
    KIA_APPROVED,
    filter_to,
    loaded,
    make_app,
    said,
    seed_test_vehicles,
    sim_status,
    told,
    told_since,
    wait_for,
)
from tests.support.sim import DAY

YOUNG = [f"VF3YYYYY0NC00002{i}" for i in range(7)]
OLD = "VF3YYYYY0NC000030"

READ_ONLY_NOTE = (
    "Read-only: fleettui will not send writes with this profile (started with --read-only)"
)


async def test_read_only_keys_and_palette_say_why_nothing_happens(sim):
    seed_test_vehicles(sim)
    app = make_app(sim, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await filter_to(pilot, KIA_APPROVED)
        app.table.focus()
        footer_actions = {ab.binding.action for ab in app.screen.active_bindings.values()}
        assert not {"add", "cancel", "revoke"} & footer_actions
        for key in ("a", "c", "R"):
            before = len(told(app))
            await pilot.press(key)
            await pilot.pause()
            assert any(READ_ONLY_NOTE in n for n in told_since(app, before)), key
        assert app.monitor.writer.requests_sent == 0
        assert sim_status(sim, KIA_APPROVED) == "approved"
        # Typing the same letters into the filter is just typing.
        before = len(told(app))
        await pilot.press("slash", "a", "c", "R")
        await pilot.pause()
        assert app.query_one("#filter").value.endswith("acR")
        assert not any("Read-only" in n for n in told_since(app, before))
        await pilot.press("escape")
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        revoke = next(c for title, c in commands.items() if title.startswith("Revoke"))
        assert "read-only" in revoke.title
        before = len(told(app))
        revoke.callback()
        await pilot.pause()
        assert any(READ_ONLY_NOTE in n for n in told_since(app, before))


@pytest.mark.test_vehicles
async def test_write_keys_still_work_when_not_read_only(sim, pilot):
    app = pilot.app
    await pilot.press("a")
    await pilot.pause()
    from fleettui.ui.screens.add_form import AddScreen

    assert isinstance(app.screen, AddScreen)
    assert not any("Read-only" in n for n in told(app))
    assert not any(
        c.title.endswith("(read-only: not available)") for c in app.get_system_commands(app.screen)
    )


async def test_bulk_failures_are_grouped_short_and_listed_in_full_on_demand(sim):
    for vin in YOUNG:
        sim.engine.seed_vehicle(vin, "peugeot", "pending", age_seconds=3600, hold=True)
    sim.engine.seed_vehicle(OLD, "peugeot", "pending", age_seconds=3 * DAY, hold=True)
    app = make_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await filter_to(pilot, "VF3YYYYY")
        await pilot.press("asterisk", "c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm-yes")
        await wait_for(pilot, lambda: any("of 8 vehicles" in n for n in said(app)))
        note = next(n for n in said(app) if "of 8 vehicles" in n)
        assert note.startswith("Canceling 1 of 8 vehicles.")
        assert "7 refused: Too early" in note and note.count("Too early") == 1
        assert "and 3 more" in note and "audit log" not in note
        assert len(note.splitlines()) <= 3 and len(note) < 400
        assert "ctrl+p → Write results" in note
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Write results")
        command.callback()
        await wait_for(pilot, lambda: isinstance(app.screen, WriteResultsScreen))
        await pilot.pause()
        body = str(app.screen.query_one("#results-body", Static).render())
        assert "✓ 1 accepted" in body and OLD in body
        assert "✗ 7 refused: Too early" in body and all(vin in body for vin in YOUNG)
        await pilot.press("y")
        assert app.clipboard == "\n".join(YOUNG)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, WriteResultsScreen))


async def test_export_of_nothing_says_so_instead_of_offering_a_file(sim, pilot):
    app = pilot.app
    await filter_to(pilot, "no-such-vehicle-anywhere")
    assert len(app.monitor.store) == 0
    await pilot.press("e")
    await pilot.pause()
    assert not isinstance(app.screen, ExportScreen)
    assert "Nothing to export: the filter shows no vehicles." in said(app)


async def test_export_file_named_by_local_clock_with_the_list_csv_columns(sim, tmp_path):
    app = make_app(sim)  # the app's clock is the simulated 2026-11-01 12:00 UTC
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await filter_to(pilot, "state:approved")
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
        box = app.screen.query_one("#export-path", Input)
        assert f"fleet-{datetime.now().strftime('%Y%m%d')}-" in box.value
        assert "20261101" not in box.value
        target = tmp_path / "out.csv"
        box.value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any(n.startswith("Wrote") for n in said(app)))
        with target.open(encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert tuple(header) == COLUMNS  # the one shape: `list --csv` has the same
