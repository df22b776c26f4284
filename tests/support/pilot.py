"""Shared helpers for the monitor's Pilot tests: an app on the loopback simulator with a
fixed clock, and small waits that poll the app's state instead of sleeping blindly."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace

from fleettui.monitor.accounts import account_for_simulator
from fleettui.ui.app import FleetApp
from tests.support.sim import DAY, SIM_START

#: Test vehicles seeded into the simulator (valid VINs, one per situation).
PEUGEOT_PENDING = "VF3AAAAA0NC000001"  # cancelable, 3 days old
BMW_PENDING = "WBAAAAAA0NC000002"  # BMW cannot be cancelled
KIA_APPROVED = "KNAAAAAA0NC000003"  # approved: can be revoked
AUDI_FRESH = "WAUAAAAA0NC000004"  # pending, only 2 hours old: warning


def seed_test_vehicles(sim) -> None:
    engine = sim.engine
    engine.seed_vehicle(PEUGEOT_PENDING, "peugeot", "pending", age_seconds=3 * DAY, hold=True)
    engine.seed_vehicle(BMW_PENDING, "bmw", "pending", age_seconds=3 * DAY, hold=True)
    engine.seed_vehicle(KIA_APPROVED, "kia", "approved", age_seconds=20 * DAY)
    engine.seed_vehicle(
        AUDI_FRESH,
        "audi",
        "pending",
        age_seconds=7200,
        hold=True,
        tags={"vw-group-customer-name": "ACME"},
    )


def make_app(sim, **kw) -> FleetApp:
    """The monitor on the simulator as on a real profile: writes are audited (the demo's
    own account skips the audit log; see tests/monitor/test_app_workers_and_layout.py)."""
    account = replace(account_for_simulator(sim, read_only=kw.pop("read_only", False)), audit=True)
    return FleetApp(
        account, read_only=account.read_only, clock=lambda: SIM_START, watch_terminal=False, **kw
    )


async def wait_for(
    pilot,
    condition: Callable[[], bool],
    timeout: float = 30.0,
    state: Callable[[], object] | None = None,
) -> None:
    """Until `condition()` holds. The bound only catches a hang: at load 20-40 a refresh
    or a screen's first frame can take several seconds, so it is generous (a pass costs
    no more for it; only a failing test waits it out). `state`: what the app shows, said
    when the bound is reached (a hang and a wrong result then read differently)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            seen = "" if state is None else f": {state()!r}"
            raise AssertionError(f"timed out waiting for the app{seen}")
        await pilot.pause(0.02)


async def on_screen(pilot, screen_type: type) -> None:
    """Until the app shows a `screen_type` whose widgets exist: a pushed screen is
    `app.screen` at once, but composes in its own task, which a loaded machine can
    delay past the test's next query (NoMatches '#add-many'). The 30 s bound only
    catches a hang."""
    app = pilot.app

    def shown() -> bool:
        return isinstance(app.screen, screen_type) and app.screen.is_mounted

    await wait_for(pilot, shown, timeout=30)


async def loaded(pilot) -> None:
    app = pilot.app
    await wait_for(
        pilot, lambda: app.monitor.store.total > 0 and not app.monitor.connection.polling
    )
    await pilot.pause()


async def refresh(pilot) -> None:
    app = pilot.app
    before = app.monitor.connection.last_ok_mono
    failures = app.monitor.connection.failures
    await pilot.press("r")
    await wait_for(
        pilot,
        lambda: (
            not app.monitor.connection.polling
            and (
                app.monitor.connection.last_ok_mono != before
                or app.monitor.connection.failures != failures
            )
        ),
    )
    await pilot.pause()


async def reject(pilot, sim, vin: str, reason: str) -> None:
    """The provider rejects `vin` for `reason`; the monitor refreshes and sees it."""
    engine = sim.engine
    with engine.lock:
        engine.transition(engine.record(vin), "rejected", engine.epoch(), reason)
    await refresh(pilot)


async def filter_to(pilot, text: str) -> None:
    """`/`, the filter, Enter. The text goes in as one edit: typed key by key on a loaded
    machine, the as-you-type debounce can fire midway and apply a part of it (a good
    part stays in force when the whole is a bad filter)."""
    await pilot.press("slash")
    box = pilot.app.query_one("#filter")
    box.value = text
    box.cursor_position = len(text)
    await pilot.press("enter")
    await pilot.pause()


def notes(app) -> list[str]:
    """The toasts on screen now (each goes after its timeout: 4 s by default)."""
    return [str(n.message) for n in app.toasts.on_screen()]


def told(app) -> list[str]:
    """Every notice the app gave that was shown (not muted), as its log keeps it. A toast
    leaves the screen after its timeout on the wall clock, so after a slow step on a
    loaded machine (a form's first open: 25 s at load 30-40) it may be gone already:
    read this to check a notice was given, `notes` for what is on screen now."""
    return [n.text for n in app.monitor.notices.entries() if not n.muted]


def told_since(app, before: int) -> list[str]:
    """What `told` gained since it held `before` notices (`before = len(told(app))`
    taken earlier), newest first: a check that a step said something, which an older
    notice with the same words cannot pass."""
    now = told(app)
    return now[: len(now) - before]


def said(app) -> list[str]:
    """Every notice said so far, toast or not, newest first (the `!` log). Test that
    something was said with this, not `notes`: on a loaded machine a toast can be gone
    before the test looks."""
    return [n.text for n in app.monitor.notices.entries()]


def header_text(app) -> str:
    from fleettui.ui.widgets.header import FleetHeader

    return app.query_one(FleetHeader).build().plain


def sim_status(sim, vin: str) -> str:
    return sim.engine.record(vin).to_api()["status"]


async def open_confirmation(pilot, vin: str, key: str):
    """Filter down to `vin`, press a write key (c or R) and wait for its confirmation."""
    from fleettui.ui.screens.confirm import ConfirmScreen

    await filter_to(pilot, vin)
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
    return pilot.app.screen


def save_unreachable_profile(monkeypatch, name: str) -> None:
    """Save a profile whose server never answers (port 9 on loopback: connection refused),
    with its secret in an environment variable as a real profile would have it."""
    from fleettui.config import load_config, save_config
    from fleettui.config.profiles import Profile

    monkeypatch.setenv("UNREACHABLE_SECRET", "not-used")
    save_config(
        load_config().with_profile(
            Profile(
                name=name,
                environment="custom",
                base_url="http://127.0.0.1:9",
                client_id="nobody",
                client_secret_env="UNREACHABLE_SECRET",
            )
        )
    )


def profile_app(sim, **kw) -> FleetApp:
    """The monitor on the simulator as on a saved profile (a history file that outlives
    the session), on the simulator's moving clock."""
    account = replace(
        account_for_simulator(sim, name="desk", environment="sandbox"), cache=True, **kw
    )
    return FleetApp(
        account, read_only=account.read_only, clock=sim.engine.now, watch_terminal=False
    )


async def recorded(pilot) -> None:
    """The first refresh is in the history."""
    await loaded(pilot)
    history = pilot.app.monitor.history
    await wait_for(pilot, lambda: history.available and history.looked is not None)
    await pilot.pause()
