"""The cyclic collector is held off while the monitor starts and given back once the
first rows are on screen (fleettui/term/start_collector.py; issue 20)."""

from __future__ import annotations

import gc

from fleettui.term import start_collector
from tests.support.pilot import make_app, wait_for


def test_hold_stops_the_automatic_collections_and_release_gives_them_back() -> None:
    before, enabled = gc.get_threshold(), gc.isenabled()
    start_collector.release()  # not held: nothing happens
    assert gc.get_threshold() == before
    start_collector.hold()
    try:
        assert start_collector.held()
        assert gc.get_threshold()[0] == 0
        assert gc.isenabled() == enabled  # the list call's own pause reads this
        start_collector.hold()  # a second hold keeps the first's thresholds
    finally:
        start_collector.release()
    assert not start_collector.held()
    assert gc.get_threshold() == before


async def test_the_app_releases_the_collector_once_the_first_rows_are_painted(sim, monkeypatch):
    before = gc.get_threshold()
    monkeypatch.setattr(start_collector, "LONGEST", 3600.0)  # only the first rows release it
    rows_when_released: list[int] = []
    release = start_collector.release

    def spy() -> None:
        rows_when_released.append(app.monitor.store.total)
        release()

    monkeypatch.setattr(start_collector, "release", spy)
    start_collector.hold()
    try:
        app = make_app(sim)
        async with app.run_test(size=(120, 36)) as pilot:
            await wait_for(pilot, lambda: not start_collector.held())
            assert gc.get_threshold() == before
    finally:
        release()
    assert rows_when_released and rows_when_released[0] > 0
