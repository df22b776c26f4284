"""The snapshot cache remembers when it was saved (this machine's clock) and how far the
provider's clock was from ours, so a monitor opening from the cache labels it in local
time and computes time in state in the provider's time until the first answer."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from fleettui.config.cache import save_snapshot, snapshot_path
from fleettui.config.cache_read import read_snapshot
from fleettui.core.timefmt import utcnow
from fleettui.monitor.accounts import account_for_simulator
from fleettui.monitor.connection import ConnectionState
from fleettui.ui.app import FleetApp
from fleettui.ui.widgets.header import connection_text
from tests.support.pilot import header_text, loaded, wait_for

PROVIDER = datetime(2026, 12, 31, 0, 12, tzinfo=UTC)
LOCAL = datetime(2026, 11, 25, 19, 12, tzinfo=UTC)


def test_snapshot_keeps_local_save_time_and_provider_offset():
    save_snapshot("p", "http://a", [], PROVIDER, saved_at=LOCAL)
    snap, note = read_snapshot("p", "http://a")
    assert note is None
    assert snap.fetched_at == PROVIDER and snap.saved_at == LOCAL
    assert snap.provider_offset == PROVIDER - LOCAL


def test_old_snapshot_without_the_new_fields_still_loads():
    """Format-1 files written before: the save time is the file's, the offset follows."""
    path = snapshot_path("old")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "format": 1,
                "profile": "old",
                "base_url": "http://a",
                "fetched_at": "2026-12-31T00:12:00Z",
                "vehicles": [],
            }
        )
    )
    os.utime(path, (LOCAL.timestamp(), LOCAL.timestamp()))
    snap, note = read_snapshot("old", "http://a")
    assert note is None and snap.saved_at == LOCAL
    assert snap.provider_offset == PROVIDER - LOCAL


def test_header_labels_the_cache_with_local_time_and_age():
    now = datetime(2026, 11, 25, 19, 33).astimezone()
    c = ConnectionState(wall=lambda: now)
    c.cached_at = now - timedelta(minutes=21)
    assert f"cache from {c.cached_at.strftime('%H:%M')} (21m ago)" in connection_text(c).plain
    c.record_failure("network", "down")
    assert (
        f"showing cache from {c.cached_at.strftime('%H:%M')} (21m ago)" in connection_text(c).plain
    )
    c.cached_at = now - timedelta(days=2)
    assert c.cached_at.strftime("%Y-%m-%d %H:%M") in connection_text(c).plain


async def test_monitor_opens_from_cache_in_provider_time_with_local_label(sim):
    sim.engine.advance(60 * 86400)  # a demo-speed provider runs far ahead of this machine
    account = replace(account_for_simulator(sim), name="ahead", cache=True)
    first = FleetApp(account, watch_terminal=False)
    async with first.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await wait_for(pilot, snapshot_path("ahead").exists)

    provider_now = sim.engine.now()
    sim.stop()  # down: no answer, so no Date header to learn the provider's clock from
    second = FleetApp(account, watch_terminal=False)
    async with second.run_test(size=(120, 36)) as pilot:
        await wait_for(
            pilot,
            lambda: second.monitor.store.total == 60 and second.monitor.connection.stale,
            timeout=20,
        )
        # no answer yet: the clock is the provider's as remembered, not this machine's
        assert abs(second.monitor.clock() - provider_now) < timedelta(minutes=5)
        vehicle = second.monitor.store.snapshot.order[0].vehicle
        assert vehicle.time_in_state(second.monitor.clock()) > 0
        text = header_text(second)
        assert "showing cache from" in text and "ago)" in text
        assert (
            datetime.now().strftime("%H:") in text.split("showing cache from ")[1][:6]
            or (datetime.now() - timedelta(minutes=1)).strftime("%H:") in text
        )
        assert provider_now.strftime("%Y-%m-%d") not in text
        assert abs(utcnow() - second.monitor.connection.cached_at) < timedelta(minutes=5)
