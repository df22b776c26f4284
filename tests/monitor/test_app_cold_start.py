"""A cold start shows the fleet while it downloads (fleettui.monitor.arrival): the first
rows and "receiving the fleet… N so far" come before the list's last byte, the cursor
stays on its vehicle while the rest arrives, and a list that breaks off halfway is never
shown as the whole fleet. The simulator's own answer, over real HTTP, through a server
that holds its end until the test lets it go (tests/support/held_list.py)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fleettui.monitor.accounts import account_for_simulator
from fleettui.monitor.arrival import SCREEN
from fleettui.sim import SimConfig, Simulator
from fleettui.ui.app import FleetApp
from tests.support.held_list import HeldListServer, held_list
from tests.support.pilot import header_text, said, wait_for
from tests.support.screen import screen_lines
from tests.support.sim import SIM_START

FLEET = 1500
#: Bytes of the list sent before the hold: about 600 of the 1,500 vehicles.
HEAD = 180_000


@asynccontextmanager
async def cold_start(
    monotonic: Callable[[], float] = lambda: 1000.0,
) -> AsyncIterator[tuple[object, FleetApp, HeldListServer]]:
    """The monitor starting on a 1,500-vehicle fleet whose list is held after HEAD bytes.
    On the default frozen monotonic clock the header's count is posted once (with the
    first rows): the throttle never lets another through."""
    config = SimConfig(vehicles=FLEET, seed=4, speed=0.0, start=SIM_START)
    with Simulator(config) as sim, held_list(sim, HEAD) as server:
        app = FleetApp(
            account_for_simulator(server.as_sim()), clock=lambda: SIM_START, watch_terminal=False
        )
        app.monitor.monotonic = monotonic
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_for(pilot, lambda: app.monitor.store.total > 0)
            await pilot.pause()
            yield pilot, app, server


async def test_rows_and_the_receiving_header_show_before_the_body_ends() -> None:
    async with cold_start() as (pilot, app, server):
        monitor = app.monitor
        assert server.held.is_set() and not server.released.is_set()  # the end is held
        assert monitor.connection.polling and not monitor.connection.connected_once
        assert monitor.store.total == SCREEN  # one screenful, not the whole fleet
        text = header_text(app)
        got = monitor.header.read(0.0)
        assert got.receiving is not None and SCREEN <= got.receiving < FLEET
        assert f"receiving the fleet… {got.receiving} so far; sorted when all are in" in text
        assert f"{SCREEN}/{got.receiving} shown" in text  # counts of what arrived, not all
        assert monitor.store.row(0).vin in "\n".join(screen_lines(app))  # rows on screen
        server.release()
        await wait_for(pilot, lambda: monitor.connection.connected_once)
        await pilot.pause()
        assert monitor.store.total == FLEET
        assert "receiving" not in header_text(app)
        assert f"{FLEET}/{FLEET} shown" in header_text(app)


async def test_the_cursor_stays_on_its_vehicle_while_the_rest_arrives() -> None:
    ticks = itertools.count(1000)  # a second a look: every batch's count is posted
    async with cold_start(lambda: float(next(ticks))) as (pilot, app, server):
        table = app.table
        took, counts = app.monitor.cache.took_arriving, []

        def took_arriving(result):  # noqa: ANN001, ANN202
            counts.append((result.count, table.cursor_vin, app.monitor.store.row(0).vin))
            return took(result)

        app.monitor.cache.took_arriving = took_arriving
        await pilot.press("down", "down", "down")
        await pilot.pause()
        vin = table.cursor_vin
        assert vin is not None and vin != app.monitor.store.row(0).vin
        top = app.monitor.store.row(0).vin
        server.release()
        await wait_for(pilot, lambda: app.monitor.store.total == FLEET)
        await pilot.pause()
        assert len(counts) > 1 and counts[-1][0] > counts[0][0]  # the header counted on
        assert {(v, t) for _, v, t in counts} == {(vin, top)}  # the table did not move
        assert table.cursor_vin == vin  # the whole fleet came: the cursor kept its vehicle


async def test_a_list_cut_halfway_is_never_shown_as_the_whole_fleet() -> None:
    async with cold_start() as (pilot, app, server):
        monitor = app.monitor
        server.cut = True
        server.release()
        await wait_for(pilot, lambda: monitor.connection.failures > 0)
        await wait_for(pilot, lambda: not monitor.connection.polling)
        await pilot.pause()
        assert not monitor.connection.connected_once
        assert monitor.store.total < FLEET
        text = header_text(app)
        assert "the list broke off: not the whole fleet" in text
        assert "● live" not in text
        assert any("before the list broke off, not the whole fleet" in s for s in said(app))
        lists = server.lists
        server.cut = False  # the next try starts over and brings the whole fleet
        await pilot.press("r")
        await wait_for(pilot, lambda: monitor.connection.connected_once)
        await pilot.pause()
        assert server.lists > lists
        assert monitor.store.total == FLEET
        assert "broke off" not in header_text(app)
        assert not monitor.store.snapshot.recent  # a first load: nothing marked new
