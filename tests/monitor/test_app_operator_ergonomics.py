"""The monitor's ergonomics for an operator at work, through Pilot on the simulator:
rejection bursts told once and kept in the notification log (show their vehicles, mute),
the sort menu and 'oldest pending first' in two keys, filtering as you type with history,
n/N through the last search, ctrl+c naming the quit key, the cursor keeping its place,
marks the filter hides, and export and copy saying where they went."""

from __future__ import annotations

import pytest

from fleettui.core.states import State
from fleettui.ui.screens.notifications import NotificationLogScreen
from fleettui.ui.screens.sort_menu import SortMenu
from tests.support.pilot import filter_to, notes, refresh, told, wait_for


def _reject(sim, count: int) -> list[str]:
    engine = sim.engine
    vins = [v for v in sorted(engine.vehicles) if engine.record(v).status == "pending"][:count]
    with engine.lock:
        for vin in vins:
            engine.transition(engine.record(vin), "rejected", engine.epoch(), "unspecified")
    return vins


@pytest.mark.size(80, 24)
async def test_a_burst_is_one_toast_and_the_log_shows_its_vehicles(sim, pilot):
    app = pilot.app
    app.clear_notifications()
    vins = _reject(sim, 6)
    await refresh(pilot)
    rejected = [n for n in notes(app) if "rejected" in n]  # on screen: one toast
    assert len(rejected) == 1 and rejected[0].startswith("6 vehicles rejected: ")
    kept = app.monitor.notices.entries(kinds=["rejected"])
    assert len(kept) == 7  # the toast and each vehicle's own line
    await pilot.press("exclamation_mark")
    await wait_for(pilot, lambda: isinstance(app.screen, NotificationLogScreen))
    await pilot.press("f")  # the newest: the burst, naming all six
    await wait_for(pilot, lambda: not isinstance(app.screen, NotificationLogScreen))
    await pilot.pause()
    assert sorted(r.vin for r in app.monitor.store.view.rows) == sorted(vins)


@pytest.mark.size(80, 24)
async def test_a_muted_kind_is_logged_but_not_shown(sim, pilot):
    app = pilot.app
    app.monitor.notices.toggle_mute("rejected")
    app.clear_notifications()
    [vin] = _reject(sim, 1)
    await refresh(pilot)
    assert not any("rejected" in n for n in notes(app)), notes(app)  # on screen: none
    [entry] = app.monitor.notices.entries(vins=[vin])
    assert entry.muted and vin in entry.text


@pytest.mark.size(80, 24)
async def test_sort_menu_one_letter_and_oldest_pending_first_in_two_keys(pilot):
    app = pilot.app
    await pilot.press("j", "j", "j", "j", "j")
    vin = app.table.cursor_vin
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(app.screen, SortMenu))
    await pilot.press("i")
    await pilot.pause()
    assert app.monitor.store.sort == ("time", True)
    table = app.table
    top = int(table.scroll_offset.y)
    assert table.cursor_vin == vin and top <= table.cursor < top + table.visible_row_count
    assert "In state▼" in table.render_line(0).text or "In state ▼" in table.render_line(0).text
    await pilot.press("s", "o")
    await pilot.pause()
    rows = app.monitor.store.view.rows
    assert rows and {r.state for r in rows} == {State.PENDING}
    since = [r.since for r in rows]
    assert since == sorted(since)  # the earliest start (longest pending) first
    await pilot.press("greater_than_sign")
    await pilot.pause()
    assert app.monitor.store.sort[0] == "tags"
    titles = {c.title for c in app.get_system_commands(app.screen)}
    assert {"Sort by VIN", "Sort by In state", "Oldest pending first"} <= titles


@pytest.mark.size(80, 24)
async def test_filter_as_you_type_with_history_and_n_after_esc(pilot):
    app = pilot.app
    total = len(app.monitor.store)
    await pilot.press("slash", *"state:rej")
    await wait_for(pilot, lambda: app.monitor.store.query.text == "state:rej")
    assert {r.state for r in app.monitor.store.view.rows} == {State.REJECTED}
    await pilot.press("enter", "escape")  # applied, then cleared
    await pilot.pause()
    assert len(app.monitor.store) == total
    before = app.table.cursor
    await pilot.press("n")  # the last search, without filtering
    await pilot.pause()
    assert app.table.cursor_row.state is State.REJECTED and len(app.monitor.store) == total
    assert app.table.cursor != before or app.table.cursor_row.state is State.REJECTED
    await filter_to(pilot, "brand:bmw")
    await pilot.press("escape", "slash", "up")
    assert app.monitor_screen.filter_box.value == "brand:bmw"
    await pilot.press("up")
    assert app.monitor_screen.filter_box.value == "state:rej"
    await pilot.press("down", "down")
    assert app.monitor_screen.filter_box.value == ""


@pytest.mark.size(80, 24)
async def test_ctrl_c_copies_in_a_text_box_and_quits_everywhere_else(pilot):
    from fleettui.ui.screens.add_form import AddScreen

    app = pilot.app
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(app.screen, AddScreen)
    await pilot.press("ctrl+c")  # the form's text box copies; nothing quits
    await pilot.pause()
    assert app.is_running and isinstance(app.screen, AddScreen)
    assert not any("Press q" in n or "press q" in n for n in told(app))
    await pilot.press("escape")
    await pilot.pause()
    assert not isinstance(app.screen, AddScreen)
    await pilot.press("ctrl+c")  # in the table: quits, like q
    await pilot.pause()
    assert not app.is_running


@pytest.mark.size(80, 24)
async def test_cursor_keeps_its_place_when_its_vehicle_leaves_and_c_never_hits_a_neighbour(
    sim, pilot
):
    from fleettui.ui.screens.confirm import ConfirmScreen

    app = pilot.app
    await filter_to(pilot, "state:pending")
    await pilot.press("j", "j")
    place, vin = app.table.cursor, app.table.cursor_vin
    engine = sim.engine
    with engine.lock:
        engine.transition(engine.record(vin), "rejected", engine.epoch(), "unspecified")
    app.clear_notifications()
    await refresh(pilot)
    assert app.table.cursor == place and app.table.gone_vin == vin
    assert any(n.startswith(f"{vin} left the view (it is rejected now)") for n in told(app))
    await pilot.press("c")
    await pilot.pause()
    assert not isinstance(app.screen, ConfirmScreen)
    assert any("left the view; nothing to cancel" in n for n in told(app))
    await pilot.press("j", "k")
    assert app.table.gone_vin is None


async def test_header_counts_marks_the_filter_hides(pilot):
    from tests.support.pilot import header_text

    app = pilot.app
    await pilot.press("space", "space")
    first, second = sorted(app.monitor.marked)
    await filter_to(pilot, f"-vin:{first}")
    assert "2 marked, 1 hidden" in header_text(app)


async def test_export_writes_the_count_it_said_and_names_the_full_path(sim, pilot, isolated_dirs):
    import csv
    from pathlib import Path

    from fleettui.ui.screens.export import ExportScreen

    app = pilot.app
    await filter_to(pilot, "state:pending")
    said = len(app.monitor.store)
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
    assert f"Export the {said} rows" in str(app.screen.query_one("Label").render())
    _reject(sim, 2)  # a refresh while the dialog is open changes the view
    app.apply(app.monitor.refreshes.refresh_now())
    await wait_for(pilot, lambda: len(app.monitor.store) == said - 2)
    await pilot.press("enter")
    await wait_for(pilot, lambda: any(n.startswith("Wrote") for n in told(app)))
    note = next(n for n in told(app) if n.startswith("Wrote"))
    path = Path(note.split(" rows to ", 1)[1])
    assert note.startswith(f"Wrote {said} rows to ") and path.is_absolute()
    assert path.parent == Path(isolated_dirs["export"])
    with path.open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == said


async def test_copy_as_json_and_for_support_say_where_the_copy_went(pilot, isolated_dirs):
    import json
    from pathlib import Path

    app = pilot.app
    vin = app.table.cursor_vin
    await pilot.press("J")
    await pilot.pause()
    data = json.loads(app.clipboard)
    assert data["vin"] == vin and "seconds_in_state" in data
    note = next(n for n in told(app) if n.startswith(f"Copied {vin} as JSON"))
    saved = Path(note.split(" and saved to ", 1)[1])
    assert saved.parent == Path(isolated_dirs["export"]) and json.loads(saved.read_text()) == data
    await pilot.press("Y")
    await pilot.pause()
    assert app.clipboard.startswith(f"VIN:          {vin}\n")
    assert "Changelog (oldest first):" in app.clipboard
    assert any(n.startswith(f"Copied {vin} for support") for n in told(app))
