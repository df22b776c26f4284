"""The header's "waiting for the provider (N s)" counts the wait for the provider alone:
once the answer is arriving, parsing and diffing it is our own work, and the header is
not rewritten every second for it (at 300,000 vehicles that work takes ~3 s a refresh,
and the ticking count was most of the bytes a quiet refresh wrote)."""

from __future__ import annotations

import asyncio
import threading

from fleettui.ui.widgets.header import FleetHeader
from tests.support.pilot import header_text, wait_for


async def test_the_wait_is_counted_until_the_answer_arrives_not_through_our_parse(sim, pilot):
    app = pilot.app
    conn = app.monitor.connection
    mono = [5000.0]
    conn.monotonic = lambda: mono[0]
    header = app.query_one(FleetHeader)
    fetch = app.monitor.refreshes.fetch
    asked, answered, release = threading.Event(), threading.Event(), threading.Event()

    def slow_fetch(generation: int, early=None):  # noqa: ANN001, ANN202
        asked.wait(10)  # the provider has not answered yet
        result = fetch(generation, early)  # it answers: the list arrives
        answered.set()
        release.wait(10)  # our own parse and diff, slow (a 300,000-vehicle fleet)
        return result

    app.monitor.refreshes.fetch = slow_fetch
    await pilot.press("r")
    await wait_for(pilot, lambda: conn.polling)
    mono[0] += 5  # the provider is slow: that is worth saying
    app.poll_loop._stale_tick()
    await pilot.pause()
    assert "waiting for the provider (5 s)" in header_text(app)
    asked.set()
    await wait_for(pilot, answered.is_set)
    app.poll_loop._stale_tick()  # the answer is in: no longer waiting for the provider
    await pilot.pause()
    assert "waiting" not in header_text(app)

    repaints = [0]
    original = header.refresh

    def counted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        repaints[0] += 1
        return original(*args, **kwargs)

    header.refresh = counted
    try:
        for _ in range(8):  # eight seconds of our own work, a tick each second
            mono[0] += 1
            app.poll_loop._stale_tick()
            await pilot.pause()
        assert repaints[0] == 0 and "waiting" not in header_text(app)
    finally:
        header.refresh = original
        release.set()
    await wait_for(pilot, lambda: not conn.polling)
    await asyncio.sleep(0)
    assert "● live" in header_text(app)
