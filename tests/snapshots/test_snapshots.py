"""SVG snapshots of the key screens (pytest-textual-snapshot). Deterministic: seeded
simulator with a frozen clock, fixed app clock, fixed terminal size.
Regenerate after an intended change with `pytest tests/snapshots/test_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from fleettui.core.states import State
from fleettui.ui.screens.add_form import AddScreen
from fleettui.ui.screens.confirm import ConfirmScreen
from tests.support.pilot import (
    KIA_APPROVED,
    PEUGEOT_PENDING,
    loaded,
    make_app,
    seed_test_vehicles,
    wait_for,
)

pytestmark = pytest.mark.snapshot

WIDE = (120, 36)
SMALL = (80, 24)


async def _settle(pilot) -> None:
    await loaded(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


async def _steady(pilot) -> None:
    """Input cursors blink on a timer: hold them on so the picture is deterministic."""
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def palette_found(palette, text: str) -> bool:
    """The command palette has searched for `text` to the end: its search worker for it
    is done and a hit is highlighted. (A fixed 0.5 s was not enough on a loaded machine:
    the search runs on a worker, and its busy indicator shows after a countdown.)"""
    if not isinstance(palette, CommandPalette) or not palette.is_mounted:
        return False
    hits = palette.query_one(CommandList)
    searching = any(
        w.node is palette and w.group == palette._GATHER_COMMANDS_GROUP and w.is_running
        for w in palette.app.workers
    )
    return (
        palette.query_one(Input).value == text
        and not searching
        and palette.has_class("-ready")
        and hits.option_count > 0
        and hits.highlighted is not None
    )


def first_rejected(app) -> str:
    return next(
        r.vin for r in app.monitor.store.view.rows if r.state is State.REJECTED and r.reason
    )


def test_main_screen(snap_compare, sim):
    assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=_settle)


def test_main_screen_80x24(snap_compare, sim):
    assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=_settle)


def test_detail_of_rejected_vehicle(snap_compare, sim):
    async def run_before(pilot) -> None:
        await _settle(pilot)
        pilot.app.table.move_cursor_to(first_rejected(pilot.app))
        await pilot.pause()

    assert snap_compare(make_app(sim), terminal_size=WIDE, run_before=run_before)


def test_add_form_with_bad_vin(snap_compare, sim):
    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AddScreen))
        pilot.app.screen.query_one("#add-vin", Input).value = "WBA3A5C5OCF25698"
        pilot.app.screen.query_one("#add-brand", Input).value = "bmw"
        await _steady(pilot)

    assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=run_before)


def test_revoke_confirmation(snap_compare, sim):
    seed_test_vehicles(sim)

    async def run_before(pilot) -> None:
        await _settle(pilot)
        pilot.app.table.move_cursor_to(KIA_APPROVED)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await _steady(pilot)

    assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=run_before)


def test_no_color_80x24(snap_compare, sim, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot) -> None:
        await _settle(pilot)
        pilot.app.table.move_cursor_to(first_rejected(pilot.app))
        await pilot.pause()

    assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=run_before)


def test_no_color_table_after_a_state_key(snap_compare, sim, monkeypatch):
    """NO_COLOR: the cursor row is reversed at once after a state key, not only bold."""
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot) -> None:
        await _settle(pilot)
        app = pilot.app
        before = app.monitor.store.query.text
        await pilot.press("1")
        # Until the state filter is applied and the key handled (a single pause was not
        # always enough under load: the key goes round its widget before it is done).
        await wait_for(
            pilot,
            lambda: (
                app.monitor.store.query.text != before
                and not (app.key_order.busy or app.key_order.held)
            ),
        )
        await pilot.pause()

    assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=run_before)


def test_no_color_add_form_shows_its_focus(snap_compare, sim, monkeypatch):
    """NO_COLOR: the focused field of the add form is underlined with a reversed caret."""
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, AddScreen))
        pilot.app.screen.query_one("#add-vin", Input).value = "WBA3A5C5"
        await _steady(pilot)

    assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=run_before)


def test_no_color_cancel_dialog_shows_its_keys(snap_compare, sim, monkeypatch):
    """NO_COLOR: the dialog's highlighted button is reversed and its keys are named."""
    monkeypatch.setenv("NO_COLOR", "1")
    seed_test_vehicles(sim)

    async def run_before(pilot) -> None:
        await _settle(pilot)
        pilot.app.table.move_cursor_to(PEUGEOT_PENDING)
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await _steady(pilot)

    assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=run_before)


def test_no_color_first_screen(snap_compare, sim, monkeypatch):
    """NO_COLOR at start, nothing pressed: the cursor row (only it) is reversed."""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=_settle)


def test_no_color_sort_menu_shows_its_selection(snap_compare, sim, monkeypatch):
    """NO_COLOR: the sort menu's highlighted column is reversed and underlined."""
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "SortMenu")
        await pilot.pause()

    assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=run_before)


def test_no_color_command_palette_shows_its_selection(snap_compare, sim, monkeypatch):
    """NO_COLOR: the palette's highlighted command is underlined."""
    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot) -> None:
        await _settle(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "CommandPalette")
        await pilot.press(*"sort")
        await wait_for(pilot, lambda: palette_found(pilot.app.screen, "sort"))
        await _steady(pilot)

    assert snap_compare(make_app(sim), terminal_size=SMALL, run_before=run_before)
