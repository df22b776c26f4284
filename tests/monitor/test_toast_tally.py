"""A burst of the data checks' "newly blocked" notices is one toast that counts them, not
a stack of toasts each redrawing the ones under it (issue 20: an idle monitor with data
checks on wrote 6.2 KB/min, mostly those toasts). Each car keeps its line in the log."""

from __future__ import annotations

import dataclasses
import time

import textual.notifications

from fleettui.core.data_states import DataRecord, DataState
from fleettui.history.data_records import data_events
from fleettui.monitor.data_checker import DataResult
from fleettui.monitor.data_monitor import data_changes
from fleettui.monitor.updates import Notice
from tests.support.pilot import loaded, make_app
from tests.support.sim import SIM_START as NOW


def blocked(vin: str, reason: str = "privacy", timeout: float = 60) -> Notice:
    """The notice one check result makes when `vin`'s data stops for `reason`."""
    flowing = DataRecord(vin, DataState.FLOWING, NOW, NOW, NOW)
    state = DataState.PRIVACY if reason == "privacy" else DataState.NO_CONSENT
    stopped = DataRecord(vin, state, NOW, NOW, NOW, reason, "r1")
    events = tuple(data_events(flowing, stopped, "bmw", NOW))
    notice = data_changes([DataResult(vin, "bmw", stopped, flowing, events)])
    assert notice is not None
    # a minute on screen: the burst below takes far less, however loaded the machine
    return dataclasses.replace(notice, timeout=timeout)


def toasts(app) -> list[str]:  # noqa: ANN001
    return [str(t.render()) for t in app.screen.walk_children() if type(t).__name__ == "Toast"]


async def test_a_burst_of_blocked_cars_is_one_toast_counting_them(sim, monkeypatch):
    app = make_app(sim)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:  # toasts shown
        await loaded(pilot)
        await _burst(pilot, monkeypatch)


async def _burst(pilot, monkeypatch) -> None:  # noqa: ANN001
    clock = [textual.notifications.time()]  # Textual's notification clock, faked
    monkeypatch.setattr(textual.notifications, "time", lambda: clock[0])
    app = pilot.app
    app.clear_notifications()
    await pilot.pause()
    vins = [f"WBA00000000{i:06d}" for i in range(7)]
    app.notification_path.notice(blocked(vins[0]))
    await pilot.pause()
    assert toasts(app) == ["Data\n1 car: privacy mode blocks data"]
    [first] = [t for t in app.screen.walk_children() if type(t).__name__ == "Toast"]
    for vin in vins[1:]:  # one check result at a time, as the checker finds them
        app.notification_path.notice(blocked(vin))
        await pilot.pause()
    assert toasts(app) == ["Data\n7 cars: privacy mode blocks data"]
    assert [t for t in app.screen.walk_children() if type(t).__name__ == "Toast"] == [first]
    logged = [n.text for n in app.monitor.notices.entries(kinds=["data"])]
    for vin in vins:  # the full list is in the log, a line per car
        assert f"{vin}: privacy mode blocks data" in logged
    # another reason counts into the same toast, beside the first
    app.notification_path.notice(blocked("WBA00000000999999", "no_consent"))
    await pilot.pause()
    [text] = toasts(app)
    assert text.startswith("Data\n7 cars: privacy mode blocks data; 1 car: ")
    # once that toast's time is up, the next car starts a new count. Textual stamps a
    # notification with the real time (its raised_at default is the real time.time), so
    # the jump is from the real now: a jump from the clock read before the burst came
    # short by however long the burst took (over 1 s at load 20-30: the car was merged)
    clock[0] = time.time() + 61
    app.notification_path.notice(blocked("WBA00000000888888", timeout=120))
    await pilot.pause()
    await pilot.pause()
    assert toasts(app) == ["Data\n1 car: privacy mode blocks data"]
