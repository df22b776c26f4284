"""A lone key goes straight to its widget, as Textual hands it on: no marker follows it
(its round trip cost every key 3-4 ms before its frame). A key that comes while the one
before it is still under way waits for that one's marker, and a burst is still handled
one key after another, each after the focus changes the one before asked for."""

from __future__ import annotations

import asyncio

import pytest
from textual import events
from textual.widgets import Input

from fleettui.ui.screens.add_form import AddScreen
from fleettui.ui.widgets.fleet_table import FleetTable
from tests.support.keys import burst, burst_keys, settle, until, where_keys_went
from tests.support.pilot import on_screen, wait_for


@pytest.mark.size(100, 30)
async def test_lone_keys_post_no_marker(pilot):
    app = pilot.app
    order = app.key_order
    table = app.table
    await settle(pilot)
    start, markers = table.cursor, order.markers
    for key in ("j", "j", "k"):  # typed one by one: each finds the one before it at rest
        await pilot.press(key)
        await settle(pilot)
    assert table.cursor == start + 1
    assert order.markers == markers


@pytest.mark.size(100, 30)
async def test_a_key_behind_one_still_under_way_waits_for_its_marker(pilot, monkeypatch):
    """`j` is held in the table (the table in the middle of the key, its queue empty, the
    App free), then `k` comes: `k` is held and the marker posted behind `j`; once `j` is
    done (its binding run), `k` follows. (Without the marker `k` would go to the table at
    once: a lone key posts none.)"""
    app = pilot.app
    order = app.key_order
    gate = asyncio.Event()
    entered = asyncio.Event()
    ran: list[str] = []
    handle_key, down, up = (
        FleetTable.handle_key,
        FleetTable.action_cursor_down,
        FleetTable.action_cursor_up,
    )

    async def held_key(self: FleetTable, event: events.Key) -> bool:
        if event.key == "j" and not entered.is_set():
            entered.set()
            await gate.wait()
        return await handle_key(self, event)

    def counted_down(self: FleetTable) -> None:
        ran.append("down")
        down(self)

    def counted_up(self: FleetTable) -> None:
        ran.append("up")
        up(self)

    monkeypatch.setattr(FleetTable, "handle_key", held_key)
    monkeypatch.setattr(FleetTable, "action_cursor_down", counted_down)
    monkeypatch.setattr(FleetTable, "action_cursor_up", counted_up)
    await settle(pilot)
    markers = order.markers
    app.post_message(events.Key("j", "j"))
    try:
        await until(app, entered.is_set)
        assert order.markers == markers and not order.busy  # a lone key: no marker
        assert not order.settled  # but not yet handled: the type-ahead still waits
        app.post_message(events.Key("k", "k"))
        await until(app, lambda: bool(order.held))
        assert [k.key for k in order.held] == ["k"], where_keys_went(app)
        assert order.busy and order.markers == markers + 1
        assert ran == []
    finally:
        gate.set()  # a failing test still lets the table go on, and the app close
    await wait_for(pilot, lambda: len(ran) == 2, state=lambda: where_keys_went(app))
    await settle(pilot)
    assert ran == ["down", "up"]
    assert order.settled


@pytest.mark.size(100, 40)
async def test_a_burst_after_lone_keys_is_still_ordered(pilot):
    """Lone keys first (no marker), then a VIN, Tab and a brand in one burst: each part
    lands in its own box, and the burst's keys were ordered by markers."""
    app = pilot.app
    order = app.key_order
    await pilot.press("j")
    await settle(pilot)
    await pilot.press("a")  # opens an input: its marker is posted (the type-ahead waits for it)
    await on_screen(pilot, AddScreen)
    await settle(pilot)
    form = app.screen
    vin = form.query_one("#add-vin", Input)
    await pilot.press("W")  # a lone key in the form
    await settle(pilot)
    markers = order.markers
    burst(app, "BA3A5C50CF256652")
    burst_keys(app, ("tab", "\t"))
    burst(app, "bmw")
    brand = form.query_one("#add-brand", Input)
    await wait_for(
        pilot,
        lambda: len(vin.value) + len(brand.value) >= 20,
        state=lambda: where_keys_went(app),
    )
    await settle(pilot)
    assert vin.value == "WBA3A5C50CF256652"
    assert brand.value == "bmw"
    assert order.markers > markers
