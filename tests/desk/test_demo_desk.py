"""`fleettui --demo --desk` twice on one desk: the second demo joins the first's simulator
(one fleet changing once, so the desk records each change once), and the handover counts
the state changes' period on the provider's clock that dates them (the demo's runs days
ahead of the desk's)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from fleettui.desk.history import DeskHistory
from fleettui.desk.settings import DeskSettings
from fleettui.monitor.accounts import account_for_simulator
from fleettui.monitor.demo_desk import (
    JoinedSimulator,
    demo_desk,
    demo_simulator,
    desk_key,
    shared_sim_file,
)
from fleettui.monitor.desk_control import DeskControl
from fleettui.monitor.desk_handover import read_handover
from fleettui.sim import SimConfig
from fleettui.ui.app import FleetApp
from tests.support.fleets import NOW
from tests.support.pilot import loaded

VIN = "WBA00000000000001"


def _app(sim, settings: DeskSettings, tmp_path, user: str) -> FleetApp:  # noqa: ANN001
    outbox = tmp_path / f"{user}-outbox.json"
    from fleettui.monitor.desk_outbox import Outbox

    desk = DeskControl(replace(settings, user=user), Outbox(outbox))
    return FleetApp(account_for_simulator(sim, refresh=60.0), desk=desk)


async def test_a_second_demo_on_the_desk_joins_the_first_simulator(
    pg_session, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.delenv("FLEETTUI_DESK_DSN", raising=False)
    monkeypatch.setenv("FLEETTUI_DESK_USER", "ann")
    config = SimConfig(vehicles=12, seed=7, speed=0.0)
    with demo_desk() as first, demo_simulator(first, config) as sim:
        path = shared_sim_file()
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        assert json.loads(path.read_text())["desk"] == desk_key(first)
        monkeypatch.setenv("FLEETTUI_DESK_USER", "bob")
        with demo_desk() as second, demo_simulator(second, config) as joined:
            assert isinstance(joined, JoinedSimulator) and joined.base_url == sim.base_url
            # two monitors, one per demo, on one desk: the same fleet from one simulator
            ann, bob = _app(sim, first, tmp_path, "ann"), _app(joined, second, tmp_path, "bob")
            async with ann.run_test(size=(120, 30)) as a, bob.run_test(size=(120, 30)) as b:
                await loaded(a)
                await loaded(b)
                shown = [
                    {r.vin: r.state for r in app.monitor.store.snapshot.order} for app in (ann, bob)
                ]
                assert shown[0] == shown[1] and len(shown[0]) == 12
                # both asked the one simulator: its tokens are the join check's and each
                # monitor's (a simulator of bob's own would have given ann's alone here)
                assert sim.revoke_tokens() >= 3
        assert path.exists()  # the first demo still runs: its record stays
    assert not path.exists()  # the first demo ended: nothing left to join


def test_a_stale_record_starts_a_new_simulator(pg_session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first demo was killed (its record names a simulator that is gone), or the
    record is another desk's: the demo starts its own and records it."""
    monkeypatch.delenv("FLEETTUI_DESK_DSN", raising=False)
    config = SimConfig(vehicles=3)
    with demo_desk() as desk:
        path = shared_sim_file()
        dead = {
            "desk": desk_key(desk),
            "base_url": "http://127.0.0.1:1",
            "client_id": "a",
            "client_secret": "b",
        }
        path.write_text(json.dumps(dead))
        with demo_simulator(desk, config) as sim:
            assert not isinstance(sim, JoinedSimulator)
            assert json.loads(path.read_text())["base_url"] == sim.base_url
            other = replace(desk, dsn=desk.dsn.replace("/postgres", "/elsewhere"))
            with demo_simulator(other, config) as own:
                assert not isinstance(own, JoinedSimulator) and own.base_url != sim.base_url


def test_the_handovers_changes_are_counted_on_the_providers_clock(pg_desk) -> None:
    """The demo's simulator dates changes days ahead of the desk's clock: the handover's
    last 12 h of changes are the provider's last 12 h, not the desk's."""
    provider_now = NOW + timedelta(days=5)
    with DeskHistory.connect(replace(pg_desk, user="ann")) as history:
        for hours, new in ((2, "approved"), (30, "rejected")):  # 2 h and 30 h ago
            at = provider_now - timedelta(hours=hours)
            history.record_event(VIN, "pending", new, None, at, "poll", at=at)
    control = DeskControl(replace(pg_desk, user="ann"), clock=lambda: NOW)
    read = read_handover(control.settings, control.mirror, 12, [], provider_now)
    assert read.report is not None and read.problem == ""
    assert [c[2] for c in read.report.changes] == ["approved"]
    assert read.report.since == NOW - timedelta(hours=12)  # the work: the desk's clock
    assert "State changes: 1 (since " in read.text and "on the provider's clock" in read.text
