"""The monitor leaves when its terminal goes away, shows production unmistakably, opens
setup when nothing is configured, and parses its command-line flags."""

from __future__ import annotations

import asyncio
import os
import signal
import threading

import pytest

from fleettui.cli.main import build_parser
from fleettui.monitor.connection import ConnectionState
from fleettui.monitor.header_state import HeaderState
from fleettui.term.watch import TerminalWatch, stdin_gone
from fleettui.ui.app import FleetApp
from fleettui.ui.widgets.header import connection_text, environment_badge
from tests.support.pilot import wait_for
from tests.support.screen import screen_segments
from tests.support.sim import SIM_START


def test_stdin_gone_only_at_eof():
    read_fd, write_fd = os.pipe()
    try:
        assert stdin_gone(read_fd) is False  # open, nothing typed yet
        os.write(write_fd, b"x")
        assert stdin_gone(read_fd) is False  # data waiting
        os.read(read_fd, 1)
        os.close(write_fd)
        write_fd = -1
        assert stdin_gone(read_fd) is True  # EOF: readable with nothing to read
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
    c.record_ok()
    assert (
        "live" in connection_text(c, True).plain and "READ-ONLY" in connection_text(c, True).plain
    )
    c.record_failure("auth", "bad secret")
    assert (
        "STALE" in connection_text(c, False).plain and "(auth)" in connection_text(c, False).plain
    )
    c.paused = True
    assert "PAUSED" in connection_text(c, False).plain
    assert HeaderState().loaded is False


async def test_no_account_opens_setup_screen():
    from fleettui.ui.screens.setup import SetupScreen

    app = FleetApp(None, clock=lambda: SIM_START, watch_terminal=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.is_running)


def test_monitor_flags():
    args = build_parser().parse_args(
        ["--demo", "--refresh", "7", "--read-only", "--demo-vehicles", "50", "--demo-speed", "0"]
    )
    assert args.demo and args.refresh == 7 and args.read_only
    assert args.demo_vehicles == 50 and args.demo_speed == 0
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--refresh", "-1"])


def test_refresh_flag_is_clamped_to_five_seconds(sim):
    from fleettui.monitor.accounts import account_for_simulator

    app = FleetApp(account_for_simulator(sim), refresh=1, watch_terminal=False)
    assert app.monitor.connection.refresh == 5.0


async def test_setup_demo_choice_starts_a_simulator_in_process():
    from fleettui.ui.screens.setup import SetupScreen

    app = FleetApp(None, clock=lambda: SIM_START, watch_terminal=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SetupScreen))
        await pilot.click("#setup-demo")
        await wait_for(pilot, lambda: app.monitor.store.total > 0, timeout=20)
        assert app.monitor.account is not None and app.monitor.account.environment == "demo"
    assert (
        app.accounts.owned_sim is not None and app.accounts.owned_sim.base_url == ""
    )  # stopped on exit


@pytest.mark.size(120, 36)
async def test_profile_switch_reconnects_without_restart(pilot, sim, monkeypatch):
    from fleettui.config import load_config, save_config
    from fleettui.config.profiles import Profile
    from fleettui.ui.screens.profile_switch import ProfileSwitchScreen

    monkeypatch.setenv("SIM_SECRET", sim.client_secret)
    profile = Profile(
        name="second",
        environment="custom",
        base_url=sim.base_url,
        client_id=sim.client_id,
        client_secret_env="SIM_SECRET",
        read_only=True,
    )
    save_config(load_config().with_profile(profile))
    app = pilot.app
    assert not app.monitor.read_only
    await pilot.press("P")
    await wait_for(pilot, lambda: isinstance(app.screen, ProfileSwitchScreen))
    app.screen.dismiss("second")
    await wait_for(
        pilot,
        lambda: (
            app.monitor.account.name == "second"
            and app.monitor.store.total > 0
            and not app.monitor.connection.polling
        ),
    )
    assert app.monitor.read_only  # the profile's read-only setting applies at once
    assert "READ-ONLY" in app.query_one("#header").build().plain


def _terminal(monkeypatch, **env: str) -> None:
    for var in ("NO_COLOR", "TEXTUAL_COLOR_SYSTEM", "COLORTERM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for var, value in env.items():
        monkeypatch.setenv(var, value)


def _screen_styles(app):
    """Every (text, style) the terminal would get, after Textual's colour filters."""
    return [
        (seg.text, seg.style)
        for row in screen_segments(app)
        for seg in row
        if seg.style is not None
    ]


async def test_no_color_draws_in_the_terminals_own_colour_with_a_reverse_cursor(sim, monkeypatch):
    from textual.filter import Monochrome, NoColor

    from fleettui.ui.colours import ANSI_THEME
    from tests.support.pilot import loaded, make_app

    _terminal(monkeypatch, NO_COLOR="1")
    app = make_app(sim)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert app.theme == ANSI_THEME
        assert any(isinstance(f, NoColor) for f in app._filters)
        assert not any(isinstance(f, Monochrome) for f in app._filters)  # greys hid red text
        colours = {str(style.color) for _, style in _screen_styles(app) if style.color is not None}
        colours |= {
            str(style.bgcolor) for _, style in _screen_styles(app) if style.bgcolor is not None
        }
        assert all("default" in c for c in colours), colours
        cursor = app.table.render_line(1)
        assert all(seg.style.reverse for seg in cursor if seg.text.strip())


async def test_sixteen_colour_terminal_keeps_the_state_colours(sim, monkeypatch):
    from rich.color import ColorType

    from tests.support.pilot import loaded, make_app

    _terminal(monkeypatch, TEXTUAL_COLOR_SYSTEM="standard")
    app = make_app(sim)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        pending = [style for text, style in _screen_styles(app) if text.startswith("…")]
        assert pending and all(
            s.color.type is ColorType.STANDARD and s.color.number == 3 for s in pending
        )  # squeezed from RGB, yellow came out red
        cursor = app.table.render_line(1)
        assert all(seg.style.reverse for seg in cursor if seg.text.strip())


def test_truecolor_terminal_keeps_the_default_theme(sim, monkeypatch):
    from fleettui.monitor.accounts import account_for_simulator

    _terminal(monkeypatch, COLORTERM="truecolor")
    app = FleetApp(account_for_simulator(sim), watch_terminal=False)
    assert app.theme != "ansi-dark" and not app.native_ansi_color


def test_stale_and_cannot_connect_stand_out_without_colour():
    c = ConnectionState()
    c.record_failure("network", "down")
    for text in (
        connection_text(c),
        (c.record_ok(), c.record_failure("auth", "x"), connection_text(c))[-1],
    ):
        alert = [
            span
            for span in text.spans
            if "reverse" in str(span.style) and "bold" in str(span.style)
        ]
        assert alert and any(
            w in text.plain[alert[0].start : alert[0].end] for w in ("cannot connect", "STALE")
        )


@pytest.mark.size(100, 30)
async def test_failing_first_poll_does_not_claim_to_show_last_data(pilot, monkeypatch):
    from tests.support.pilot import save_unreachable_profile, told

    save_unreachable_profile(monkeypatch, "down")
    app = pilot.app
    app.accounts.profile_chosen("down")
    await wait_for(pilot, lambda: app.monitor.connection.stale, timeout=20)
    failed = [n for n in told(app) if "retrying by itself" in n]
    assert failed and "No data yet" in failed[0] and "last data" not in failed[0]
    assert "no data yet" in app.query_one("#header").build().plain


@pytest.mark.size(80, 24)
async def test_counts_keep_short_state_names_at_80_columns(pilot):
    from fleettui.core.states import info
    from fleettui.ui.screens.help import HelpScreen
    from fleettui.ui.widgets.header import SHORT_LABELS

    app = pilot.app
    header = app.query_one("#header")
    counts = header.render().plain.splitlines()[1]
    assert len(counts) <= header.size.width  # nothing cut off
    for state, total in app.monitor.store.counts_all.items():
        if total:
            assert f"{info(state).glyph}{SHORT_LABELS[state]} {total}" in counts, counts
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
    assert "✗ rej = rejected" in dict(app.screen.rows)["header"]


def test_counts_use_all_of_the_header_width():
    from fleettui.core.states import State
    from fleettui.ui.widgets.header import FleetHeader

    counts = {
        State.PENDING: 48,
        State.APPROVED: 153,
        State.REJECTED: 62,
        State.REVOKING: 5,
        State.REVOKED: 20,
        State.CANCELING: 2,
        State.CANCELED: 10,
    }
    header = FleetHeader()
    header.state = HeaderState(
        shown=counts, total=counts, shown_count=300, total_count=300, loaded=True
    )
    line = header.build(78).plain.splitlines()[1]  # 80 columns less the padding
    assert line == "300/300 shown …pend 48 ✓appr 153 ✗rej 62 ↓revkg 5 ⊘revkd 20 ↩cnclg 2 –cncld 10"


def test_header_says_what_went_wrong_before_the_first_good_refresh():
    """'cannot connect' is for network errors only; a malformed answer, refused
    credentials or a 429 each say so (the toast already did)."""
    expected = {
        "network": "cannot connect",
        "bad_answer": "bad answer (server)",
        "auth": "credentials refused",
        "rate_limit": "rate limited",
        "server": "server error",
    }
    for kind, words in expected.items():
        c = ConnectionState()
        category = "server" if kind == "bad_answer" else kind
        c.record_failure(category, "x", kind=kind)
        plain = connection_text(c).plain
        assert words in plain, (kind, plain)
        if kind != "network":
            assert "cannot connect" not in plain, (kind, plain)


async def test_malformed_first_answer_says_bad_answer_in_the_header(sim):
    from fleettui.sim import FaultConfig
    from tests.support.pilot import header_text, make_app

    sim.set_faults(FaultConfig(malformed_rate=1.0))
    app = make_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for(pilot, lambda: app.monitor.connection.stale, timeout=20)
        text = header_text(app)
        assert "bad answer" in text and "cannot connect" not in text


def test_stale_age_is_the_age_of_the_last_good_refresh():
    """'! STALE 11s' when the last good refresh was 11 s ago (was '10s', or even '5s'
    between header ticks: the count looked like it started at the first failure)."""
    now = [100.0]
    c = ConnectionState(monotonic=lambda: now[0])
    c.record_ok()
    now[0] = 105.0
    c.record_failure("server", "x")
    assert "STALE 5s" in connection_text(c).plain
    now[0] = 111.0
    assert "STALE 11s" in connection_text(c).plain
    now[0] = 100.0 + 125
    assert "STALE 2m" in connection_text(c).plain


async def test_stale_header_follows_the_data_age_between_polls(sim, pilot):
    from fleettui.sim import FaultConfig
    from tests.support.pilot import header_text, refresh

    app = pilot.app
    now = [1000.0]
    app.monitor.connection.monotonic = lambda: now[0]
    app.monitor.connection.last_ok_mono = 1000.0
    sim.set_faults(FaultConfig(error_rate=1.0))
    now[0] = 1004.0
    await refresh(pilot)
    assert "STALE 4s" in header_text(app)
    now[0] = 1011.0  # no poll, no key: the header on screen must catch up within a second or so
    header = app.query_one("#header")
    # No poll and no key comes, so only the header's own tick can make this true; the
    # bound is wait_for's hang guard, not a speed (a loaded machine delays the tick).
    await wait_for(pilot, lambda: "STALE 11s" in header.render().plain)
