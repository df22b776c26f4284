"""DetailPane: identity, state, explanation, brand rules, timeline, safety, 80x24."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from fleettui.core.vehicle import Vehicle
from fleettui.ui.widgets.detail import DetailPane, detail_text
from tests.support.fleets import NOW, vdict


def rejected_vw() -> Vehicle:
    return Vehicle.from_api(
        vdict(
            "WVW00000000000004",
            "rejected",
            "volkswagen",
            tags={"fleet": "north"},
            log=[
                ("2026-10-20T12:00:00Z", "pending", None),
                ("2026-10-22T18:30:00Z", "pending", "privacy mode is enabled"),
                ("2026-10-30T12:00:00Z", "rejected", "[red]no[/red] consent\x1b[2J"),
            ],
        )
    )


def test_detail_lists_identity_state_rules_and_timeline():
    text = detail_text(rejected_vw(), NOW).plain
    lines = text.splitlines()
    assert lines[0] == "WVW00000000000004  ✗ rejected for 2d 00h"
    assert lines[1] == "Volkswagen · VW Group"
    assert lines[2] == "Tags: fleet=north"
    assert lines[3] == 'Reason: "[red]no[/red] consent" (not in fleettui\'s catalogue)'
    assert 'Reason: "[red]no[/red] consent"' in text and "\x1b" not in text
    assert "Who must act: " in text and " · Provider retrying: no" in text
    assert "Cancel through the API: yes, once a day old" in text
    assert "Required tag vw-group-customer-name  ✗ missing" in text
    history = text[text.index("History") :]
    assert "2026-10-20 12:00  … pending  2d 06h" in history
    assert "2026-10-22 18:30  … pending  7d 17h" in history
    assert "    privacy mode is enabled" in history
    assert "2026-10-30 12:00  ✗ rejected  2d 00h so far" in history
    assert "What happens next" in text


def test_pending_reason_from_catalogue_gets_numbered_steps():
    v = Vehicle.from_api(
        vdict("WBA00000000000002", "pending", "bmw", reason="privacy mode is enabled")
    )
    text = detail_text(v, NOW).plain
    assert "Next steps" in text and "\n1. " in text
    assert "Provider retrying: yes" in text
    assert "Cancel through the API: no" in text and "Required tags: none" in text
    assert "BMW · BMW Group" in text


def test_unknown_state_brand_and_empty_history_are_shown_plainly():
    v = Vehicle.from_api({"vin": "X1", "status": "frozen\x07", "brand": "[b]acme[/b]"})
    text = detail_text(v, NOW).plain
    assert "? frozen" in text and "\x07" not in text
    assert "[b]acme[/b]" in text and "Unknown brand" in text
    assert "No history from the provider." in text and "Tags: none" in text


def test_nothing_selected():
    assert "No vehicle selected" in detail_text(None, None).plain


class PaneApp(App):
    def compose(self) -> ComposeResult:
        yield DetailPane(id="detail")


async def test_pane_renders_in_a_narrow_80x24_screen():
    app = PaneApp()
    async with app.run_test(size=(40, 24)) as pilot:
        pane = app.query_one(DetailPane)
        pane.show(rejected_vw(), NOW)
        await pilot.pause()
        assert pane.vehicle.vin == "WVW00000000000004"
        body = app.query_one("#detail-body", Static)
        assert body.size.width <= 38
        assert pane.virtual_size.height > 24  # long content scrolls
        shown = [body.render_line(y).text for y in range(20)]
        assert shown[0].startswith("WVW00000000000004")
        assert all(len(line) <= 38 for line in shown)
        assert any("rejected" in line for line in shown)
        pane.show(None, NOW)
        await pilot.pause()
        assert pane.vehicle is None


def test_catalogued_reject_reason_is_explained():
    from fleettui.core.reasons import REJECT_REASONS, lookup_reason

    reason = REJECT_REASONS[0]
    info = lookup_reason(reason)
    v = Vehicle.from_api(vdict("WBA00000000000001", "rejected", "bmw", reason=reason))
    text = detail_text(v, NOW).plain
    assert f'Reason: "{reason}"\n{info.title}\n' in text
    assert f"Who must act: {info.actor.label}" in text
    assert "not in fleettui's catalogue" not in text


# -- in the app: the pane always shows the vehicle under the cursor, or none -------------


@pytest.mark.size(100, 30)
async def test_filter_matching_nothing_empties_the_pane(pilot):
    from tests.support.pilot import filter_to

    app = pilot.app
    pane = app.query_one(DetailPane)
    assert pane.vehicle is not None and pane.vehicle.vin == app.table.cursor_vin
    await filter_to(pilot, "zzzznothing")
    assert len(app.monitor.store) == 0 and app.table.cursor_vin is None
    assert pane.vehicle is None
    assert "No vehicle selected" in str(app.query_one("#detail-body", Static).render())
    await pilot.press("escape")
    await pilot.pause()
    assert pane.vehicle is not None and pane.vehicle.vin == app.table.cursor_vin


@pytest.mark.size(100, 30)
async def test_switching_to_a_failing_profile_clears_the_pane(pilot, monkeypatch):
    from tests.support.pilot import save_unreachable_profile, wait_for

    save_unreachable_profile(monkeypatch, "down")
    app = pilot.app
    assert app.query_one(DetailPane).vehicle is not None
    app.accounts.profile_chosen("down")
    await wait_for(pilot, lambda: app.monitor.connection.stale, timeout=20)
    assert app.monitor.store.total == 0 and app.query_one(DetailPane).vehicle is None


@pytest.mark.size(80, 24)
async def test_brackets_scroll_the_detail_pane_while_the_table_keeps_the_keys(pilot):
    app = pilot.app
    pane, vin = app.query_one(DetailPane), app.table.cursor_vin
    assert pane.max_scroll_y > 0  # at 80x24 the explanation does not fit
    await pilot.press("right_square_bracket")
    await pilot.pause()
    first = pane.scroll_y
    assert first > 0 and app.focused is app.table and app.table.cursor_vin == vin
    await pilot.press("shift+down")
    await pilot.pause()
    assert pane.scroll_y > first or pane.scroll_y == pane.max_scroll_y
    await pilot.press("left_square_bracket", "shift+up", "left_square_bracket")
    await pilot.pause()
    assert pane.scroll_y == 0 and app.table.cursor_vin == vin


@pytest.mark.size(80, 24)
async def test_footer_at_80_columns_offers_detail_help_and_the_actions(pilot):
    from textual.widgets._footer import FooterKey

    from tests.support.pilot import wait_for

    app = pilot.app
    # The footer lays its keys out after the first repaint (later on a loaded machine).
    await wait_for(pilot, lambda: any(k.region.width for k in app.query(FooterKey)))
    keys = list(app.query(FooterKey))
    assert all(k.region.right <= 80 for k in keys)  # nothing cut off
    assert {"slash", "enter", "a", "c", "R", "question_mark", "q"} <= {k.key for k in keys}
    help_rows = dict(app.key_rows())
    for key in ("d", "e", "p", "r", "y", "s", "space", "[", "]"):
        assert key in help_rows
    assert "full screen" in help_rows["Enter"]


@pytest.mark.size(100, 30)
async def test_a_cursor_message_while_the_screen_is_rebuilt_does_not_crash(pilot):
    """The table's message can arrive while the pane it repaints is not there (the
    screen being built or torn down): it used to raise NoMatches('#detail') from the
    handler and end the monitor. Deterministic: the pane is removed, then the message."""
    from fleettui.ui.widgets.fleet_table import FleetTable

    app = pilot.app
    table = app.table
    await app.query_one(DetailPane).remove()
    table.post_message(FleetTable.CursorChanged(table, table.cursor_vin))
    await pilot.pause()
    await pilot.press("j")  # the monitor still answers keys
    await pilot.pause()
    assert app.is_running and app.monitor_screen.table is table
    assert app.return_code is None  # no panic: a crash sets 1 and ends the app


def test_approved_guidance_points_at_the_data_state_not_a_text_of_its_own():
    """One text says what to do about a car's data: the data state's own explanation.
    The approved state's steps point at it (the data section, or `fleettui data`)."""
    from datetime import timedelta

    from fleettui.core.data_states import DataDetail, DataRecord, DataState
    from fleettui.core.explanation import explain
    from fleettui.core.states import State

    v = Vehicle.from_api(vdict("WBA00000000000009", "approved", "bmw"))
    record = DataRecord(v.vin, DataState.PRIVACY, checked_at=NOW - timedelta(hours=1))
    data = DataDetail(DataState.PRIVACY, record, "⊘ privacy")
    text = detail_text(v, NOW, data=data).plain
    steps = text[text.index("Next steps") : text.index("Data after approval\n")]
    assert "next drive" not in steps and "Wait" not in steps
    assert (
        'Data: ⊘ privacy (Blocked: privacy mode is on in the car); "Data after approval" below'
        in steps
    )
    assert "Blocked: privacy mode is on in the car" in text[text.index("Data after approval\n") :]
    # without the data section (checks off), the step says where the answer is
    plain = detail_text(v, NOW).plain
    assert "`fleettui data VIN` checks it now" in plain and "Wait for the car's" not in plain
    assert explain(None, State.APPROVED, "bmw").steps[0].startswith("No data yet, or it stopped?")
