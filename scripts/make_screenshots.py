"""Regenerate screenshots/*.svg from the demo: a seeded simulator with a frozen clock and a
fixed start, the app on a fixed clock, fixed terminal sizes. Same input, same pictures.

    python scripts/make_screenshots.py [--out screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from fleettui.config.demo import DEMO_VEHICLES
from fleettui.core.states import State
from fleettui.desk.settings import DeskSettings
from fleettui.monitor.accounts import account_for_simulator
from fleettui.sim import SimConfig, Simulator
from fleettui.ui.app import FleetApp
from fleettui.ui.screens.add_form import AddScreen
from fleettui.ui.screens.confirm import ConfirmScreen
from fleettui.ui.screens.stats import StatsScreen
from fleettui.ui.screens.triage import TriageScreen

START = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)
WIDE = (120, 36)
SMALL = (80, 24)

Scene = Callable[[Pilot], Awaitable[None]]


async def _wait(pilot: Pilot, condition: Callable[[], bool], timeout: float = 15.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise RuntimeError("the demo did not reach the expected state")
        await pilot.pause(0.05)


async def _loaded(pilot: Pilot) -> None:
    app = pilot.app
    await _wait(pilot, lambda: app.monitor.store.total > 0 and not app.monitor.connection.polling)
    app.clear_notifications()
    await pilot.pause()


async def _steady(pilot: Pilot) -> None:
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause(0.1)


async def main_screen(pilot: Pilot) -> None:
    await _loaded(pilot)


async def rejected_detail(pilot: Pilot) -> None:
    await _loaded(pilot)
    app = pilot.app
    vin = next(r.vin for r in app.monitor.store.view.rows if r.state is State.REJECTED and r.reason)
    app.table.move_cursor_to(vin)
    await pilot.pause(0.1)


async def add_form_error(pilot: Pilot) -> None:
    await _loaded(pilot)
    await pilot.press("a")
    await _wait(pilot, lambda: isinstance(pilot.app.screen, AddScreen))
    pilot.app.screen.query_one("#add-vin", Input).value = "WBA3A5C5OCF25698"
    pilot.app.screen.query_one("#add-brand", Input).value = "volkswagen"
    await _steady(pilot)


async def revoke_confirmation(pilot: Pilot) -> None:
    await _loaded(pilot)
    app = pilot.app
    vin = next(r.vin for r in app.monitor.store.view.rows if r.state is State.APPROVED)
    app.table.move_cursor_to(vin)
    await pilot.press("R")
    await _wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await _steady(pilot)


async def _recorded(pilot: Pilot) -> None:
    await _loaded(pilot)
    history = pilot.app.monitor.history
    await _wait(pilot, lambda: history.available and history.looked is not None)


async def triage_view(pilot: Pilot) -> None:
    await _recorded(pilot)
    await pilot.press("t")
    await _wait(
        pilot,
        lambda: isinstance(pilot.app.screen, TriageScreen) and pilot.app.screen.board is not None,
    )
    await pilot.pause(0.1)


async def support_queue(pilot: Pilot) -> None:
    """The triage view on a queue for the provider's support: its email, ready to copy."""
    await triage_view(pilot)
    screen = pilot.app.screen
    target = next(q for q in screen._queues if q.actor.name == "HM_SUPPORT")
    olist = screen.query_one("#triage-queues")
    olist.highlighted = olist.get_option_index(target.id)
    await pilot.pause(0.1)


async def stats_view(pilot: Pilot) -> None:
    await _recorded(pilot)
    await pilot.press("T")
    await _wait(
        pilot,
        lambda: isinstance(pilot.app.screen, StatsScreen) and pilot.app.screen.stats is not None,
    )
    await pilot.pause(0.1)


async def _desk_claims(pilot: Pilot) -> None:
    """Two people on one desk: ana (this monitor) claims the first pending vehicle with
    `m`; ben, on another machine, claims the second and notes the first."""
    await _loaded(pilot)
    app = pilot.app
    desk = app.monitor.desk
    await _wait(pilot, lambda: desk.mirror.loaded)
    pending = [r.vin for r in app.monitor.store.view.rows if r.state is State.PENDING]
    app.table.move_cursor_to(pending[0])
    await pilot.press("m")
    from fleettui.desk.store import Desk

    with Desk.connect(replace(desk.settings, user="ben", host="ben-pc"), clock=_start) as ben:
        ben.claim([pending[1]])
        ben.note(pending[0], "Driver called back: the car is in the garage until Monday")
        ben.heartbeat(pending[0])
    await _wait(
        pilot,
        lambda: (
            desk.mirror.claim_cell(pending[1]) == "ben"
            and desk.mirror.claim_cell(pending[0]) == "me"
            and desk.mirror.notes_of(pending[0])
        ),
    )
    # The pane's timeline reads the vehicle's desk events on a worker, after the mirror
    # has them: the picture waits for the pane to show them (the claim, ben's note, ben
    # looking), else it was taken with or without them as the machine's load had it.
    pane = app.monitor_screen.detail
    await _wait(pilot, lambda: all(line in pane.text.plain for line in DESK_LINES), timeout=30)
    app.clear_notifications()
    await pilot.pause(0.2)


#: What the desk scenes' detail pane shows once the desk's events are read.
DESK_LINES = ("Also looking: ben", "⚑ you claimed until", "✎ ben: Driver called back")


async def desk_claimed(pilot: Pilot) -> None:
    await _desk_claims(pilot)


async def desk_handover(pilot: Pilot) -> None:
    await _desk_claims(pilot)
    from fleettui.ui.screens.handover import HandoverScreen

    await pilot.press("O")
    await _wait(
        pilot,
        lambda: isinstance(pilot.app.screen, HandoverScreen) and pilot.app.screen.shown is not None,
    )
    await pilot.pause(0.1)


#: Scenes on a shared desk: a throwaway local PostgreSQL (Debian's binaries), as
#: `fleettui --demo --desk` starts one; a database of its own per scene.
DESK_SCENES: list[tuple[str, tuple[int, int], Scene, bool]] = [
    ("desk-claimed", WIDE, desk_claimed, False),
    ("desk-handover", WIDE, desk_handover, False),
]

#: The privacy-mode car the data scene explains (seeded by `_seed_private_car`).
PRIVATE_VIN = "WBA3A5C5000000019"


def _seed_private_car(sim: Simulator) -> None:
    """A BMW whose traits switch privacy mode on, seeded approved so that the frozen
    clock (START) falls in its privacy window."""
    model = sim.vehicle_data
    for days in range(3, 60):
        sim.engine.seed_vehicle(PRIVATE_VIN, "bmw", "approved", days * 86400)
        rec = sim.engine.record(PRIVATE_VIN)
        status, body = model.answer(PRIVATE_VIN, "bmw", rec, sim.engine.epoch())
        if status == 403 and "Privacy" in body["errors"][0]["detail"]:
            return
    raise RuntimeError("no age puts the car in privacy mode")


async def privacy_detail(pilot: Pilot) -> None:
    """Data checks on: a car blocked by privacy mode, explained in the detail pane."""
    await _loaded(pilot)
    app = pilot.app
    await _wait(pilot, lambda: app.monitor.data.record(PRIVATE_VIN) is not None, timeout=90)
    await _wait(pilot, lambda: app.table.data_cell is not None)
    await pilot.pause(1.2)  # the next data tick
    app.table.move_cursor_to(PRIVATE_VIN)
    await pilot.pause(0.2)
    pane = app.monitor_screen.detail
    lines = pane.text.plain.splitlines()
    pane.scroll_to(y=lines.index("Data after approval"), animate=False)
    app.clear_notifications()
    await pilot.pause(0.2)


SCENES: list[tuple[str, tuple[int, int], Scene, bool]] = [
    ("main", WIDE, main_screen, False),
    ("main-80x24", SMALL, main_screen, False),
    ("rejected-detail", WIDE, rejected_detail, False),
    ("add-form-error", SMALL, add_form_error, False),
    ("revoke-confirm", SMALL, revoke_confirmation, False),
    ("no-color-80x24", SMALL, rejected_detail, True),
    ("triage", WIDE, triage_view, False),
    ("triage-support", WIDE, support_queue, False),
    ("triage-80x24-no-color", SMALL, triage_view, True),
    ("stats", WIDE, stats_view, False),
    ("data-privacy-detail", WIDE, privacy_detail, False),
]


def _start() -> datetime:
    """The scenes' one clock: the fleet's, and the desk's rows (claims, notes, presence)."""
    return START


def _fixed_link(settings: DeskSettings, post: Any, outbox: Any, viewing: Any) -> Any:
    """The monitor's desk link on the fixed clock: what it writes to the desk is dated
    START, as every other time in the pictures."""
    from fleettui.desk.store import Desk
    from fleettui.monitor.desk_link import DeskLink

    return DeskLink(
        settings,
        post,
        outbox,
        clock=_start,
        connect=lambda s: Desk.connect(s, clock=_start),
        viewing=viewing,
    )


async def shoot(
    sim: Simulator,
    name: str,
    size: tuple[int, int],
    scene: Scene,
    no_color: bool,
    out: Path,
    desk: DeskSettings | None = None,
) -> Path:
    if no_color:
        os.environ["NO_COLOR"] = "1"  # read (and removed) by the App's constructor
    # The colour theme is chosen for the pictures, not taken from this terminal's TERM:
    # full colour, except the NO_COLOR shot (native ANSI, as on a real NO_COLOR terminal).
    control = None
    if desk is not None:
        from fleettui.monitor.desk_control import DeskControl
        from fleettui.monitor.desk_outbox import Outbox

        control = DeskControl(
            desk, Outbox(out / f".{name}-outbox.json"), clock=_start, link=_fixed_link
        )
    data = scene is privacy_detail  # the data scene checks the cars' data (issue 19)
    if data:
        _seed_private_car(sim)
    app = FleetApp(
        account_for_simulator(sim, data_checks=data),
        clock=_start,
        watch_terminal=False,
        native_ansi=no_color,
        desk=control,
    )
    os.environ.pop("NO_COLOR", None)
    async with app.run_test(size=size) as pilot:
        await scene(pilot)
        path = out / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"fleettui — {name}"), encoding="utf-8")
    return path


async def run(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, size, scene, no_color in SCENES:
        config = SimConfig(vehicles=DEMO_VEHICLES, seed=1, speed=0.0, start=START)
        with Simulator(config) as sim:
            paths.append(await shoot(sim, name, size, scene, no_color, out))
    paths += await run_desk(out)
    return paths


async def run_desk(out: Path) -> list[Path]:
    """The desk scenes, each on a fresh database of one throwaway server."""
    import psycopg

    from fleettui.desk.local_server import LocalPostgres
    from fleettui.desk.store import init_desk

    paths = []
    with LocalPostgres.start() as server:
        for i, (name, size, scene, no_color) in enumerate(DESK_SCENES):
            with psycopg.connect(server.dsn("postgres"), autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "shot{i}"')  # type: ignore[arg-type]
            settings = DeskSettings(server.dsn(f"shot{i}"), "ana", "screenshots", host="ana-pc")
            init_desk(settings)
            config = SimConfig(vehicles=DEMO_VEHICLES, seed=1, speed=0.0, start=START)
            with Simulator(config) as sim:
                paths.append(await shoot(sim, name, size, scene, no_color, out, settings))
            (out / f".{name}-outbox.json").unlink(missing_ok=True)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent.parent / "screenshots"
    )
    args = parser.parse_args()
    for path in asyncio.run(run(args.out)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
