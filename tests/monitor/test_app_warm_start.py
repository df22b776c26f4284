"""A warm start paints the cache's first screen before the whole cache is read: reading
and preparing 100,000 cached vehicles holds the interpreter for most of a second, so the
poll's worker waits (at most FIRST_FRAME_WAIT) for the frame that shows the first screen."""

from __future__ import annotations

from dataclasses import replace

from fleettui.monitor.accounts import account_for_simulator
from fleettui.monitor.controller import Monitor
from fleettui.ui import poll_loop
from fleettui.ui.app import FleetApp
from tests.support.pilot import wait_for
from tests.support.sim import SIM_START


async def test_the_whole_cache_is_read_once_the_first_screen_is_on_screen(sim, monkeypatch) -> None:  # noqa: ANN001
    # The worker's wait for the frame is bounded (FIRST_FRAME_WAIT, 1 s) so that a frame that
    # never comes cannot hold the start; at load 20-30 the frame took longer and the whole
    # cache was read first. The test is about the order, not the machine's speed: the
    # bound is raised to a hang guard (a missing first_painted still fails: 'whole', False).
    monkeypatch.setattr(poll_loop, "FIRST_FRAME_WAIT", 30.0)
    account = replace(account_for_simulator(sim, name="warm"), cache=True)
    m = Monitor(None)
    m.connect(account)
    generation = m.refreshes.start_poll()
    assert generation is not None
    # a cache with its first screen
    m.cache.save(m.refreshes.took(m.refreshes.fetch(generation)).save)
    m.close()

    app = FleetApp(account, clock=lambda: SIM_START, watch_terminal=False)
    cache, seen = app.monitor.cache, []
    read_first, read_cache = cache.read_first, cache.read_cache

    def first(generation: int):  # noqa: ANN202
        found = read_first(generation)
        seen.append(("first", found is not None and found.first is not None))
        return found

    def whole(generation: int):  # noqa: ANN202
        seen.append(("whole", app.poll_loop.painted.is_set(), len(app.monitor.store)))
        return read_cache(generation)

    cache.read_first, cache.read_cache = first, whole
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.monitor.connection.connected_once)
        await pilot.pause()
    # the first screen was applied and its frame painted before the whole cache was read
    assert seen == [("first", True), ("whole", True, 60)]
