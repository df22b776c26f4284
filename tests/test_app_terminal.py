"""The monitor leaves when its terminal goes away, shows production unmistakably, opens
setup when nothing is configured, and parses its command-line flags."""

from __future__ import annotations

import asyncio
import os
import signal
import threading

import pytest

from fleettui.cli.main import build_parser
from fleettui.ui.app import FleetApp
from fleettui.ui.connection import ConnectionState
from fleettui.ui.terminal_watch import TerminalWatch, stdin_gone
from fleettui.ui.widgets.header import HeaderInfo, connection_text, environment_badge
from tests.app_helpers import SIM_START, wait_for


def test_stdin_gone_only_at_eof():
    read_fd, write_fd = os.pipe()
    try:
        assert stdin_gone(read_fd) is False  # open, nothing typed yet
        os.write(write_fd, b"x")
        assert stdin_gone(read_fd) is False  # data waiting
        os.read(read_fd, 1)
        os.close(write_fd)
        write_fd = -1
        assert stdin_gone(read_fd) is True   # EOF: readable with nothing to read
    finally:
        os.close(read_fd)
        if write_fd >= 0:
            os.close(write_fd)


async def test_watch_fires_once_on_stdin_eof():
    read_fd, write_fd = os.pipe()
    fired = threading.Event()
    calls = []
    watch = TerminalWatch(lambda: (calls.append(1), fired.set()), read_fd, hard_exit=False)
    watch.start(asyncio.get_running_loop())
    try:
        os.close(write_fd)
        for _ in range(100):
            if fired.is_set():
                break
            await asyncio.sleep(0.05)
        assert calls == [1]
    finally:
        watch.stop()
        os.close(read_fd)


async def test_watch_fires_on_sighup():
    calls = []
    watch = TerminalWatch(lambda: calls.append(1), None, hard_exit=False)
    watch.start(asyncio.get_running_loop())
    if not watch._sighup_installed:  # never send SIGHUP without our handler: it would kill pytest
        watch.stop()
        pytest.skip("SIGHUP handler needs the main thread's event loop")
    try:
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(50):
            if calls:
                break
            await asyncio.sleep(0.02)
        assert calls == [1]
    finally:
        watch.stop()


def test_production_badge_is_unmistakable_without_colour():
    badge = environment_badge("production")
    assert "!! PRODUCTION !!" in badge.plain and "reverse" in str(badge.style)
    assert environment_badge("sandbox").plain.strip() == "SANDBOX"


def test_connection_text_states():
    c = ConnectionState()
    assert "connecting" in connection_text(c, False).plain
    c.record_ok(SIM_START)
    assert "live" in connection_text(c, True).plain and "READ-ONLY" in connection_text(c, True).plain
    c.record_failure("auth", "bad secret")
    assert "STALE" in connection_text(c, False).plain and "(auth)" in connection_text(c, False).plain
    c.paused = True
    assert "PAUSED" in connection_text(c, False).plain
    assert HeaderInfo().loaded is False


async def test_no_account_opens_setup_screen():
    from fleettui.ui.screens.setup import SetupScreen

    app = FleetApp(None, clock=lambda: SIM_START, watch_terminal=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.is_running)


def test_monitor_flags():
    args = build_parser().parse_args(["--demo", "--refresh", "7", "--read-only",
                                      "--demo-vehicles", "50", "--demo-speed", "0"])
    assert args.demo and args.refresh == 7 and args.read_only
    assert args.demo_vehicles == 50 and args.demo_speed == 0
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--refresh", "-1"])


def test_refresh_flag_is_clamped_to_five_seconds(sim):
    from fleettui.ui.accounts import account_for_simulator

    app = FleetApp(account_for_simulator(sim), refresh=1, watch_terminal=False)
    assert app.connection.refresh == 5.0


async def test_setup_demo_choice_starts_a_simulator_in_process():
    from fleettui.ui.screens.setup import SetupScreen

    app = FleetApp(None, clock=lambda: SIM_START, watch_terminal=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
        await pilot.click("#setup-demo")
        await wait_for(pilot, lambda: app.store.total > 0, timeout=20)
        assert app.account is not None and app.account.environment == "demo"
    assert app._owned_sim is not None and app._owned_sim.base_url == ""  # stopped on exit


async def test_profile_switch_reconnects_without_restart(sim, monkeypatch):
    from fleettui.config import load_config, save_config
    from fleettui.config.profiles import Profile
    from fleettui.ui.screens.profile_switch import ProfileSwitchScreen
    from tests.app_helpers import loaded, make_app

    monkeypatch.setenv("SIM_SECRET", sim.client_secret)
    profile = Profile(name="second", environment="custom", base_url=sim.base_url,
                      client_id=sim.client_id, client_secret_env="SIM_SECRET", read_only=True)
    save_config(load_config().with_profile(profile))
    app = make_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        assert not app.read_only
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileSwitchScreen))
        app.screen.dismiss("second")
        await wait_for(pilot, lambda: app.account.name == "second" and app.store.total > 0
                       and not app.connection.polling)
        assert app.read_only  # the profile's read-only setting applies at once
        assert "READ-ONLY" in app.query_one("#header").build().plain
