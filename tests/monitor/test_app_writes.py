"""Pilot tests of the monitor's write flows against the loopback simulator: add (bad VIN
refused and kept, good one shown at once), cancel (refused by brand; accepted → canceling),
revoke (last-four confirmation), bulk with skip counts, and read-only (nothing sent)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static, TextArea

from fleettui.config.audit import read_audit
from fleettui.core.states import State
from fleettui.ui.screens.add_form import AddScreen
from fleettui.ui.screens.confirm import ConfirmScreen
from tests.support.pilot import (
    AUDI_FRESH,
    BMW_PENDING,
    KIA_APPROVED,
    PEUGEOT_PENDING,
    filter_to,
    header_text,
    loaded,
    make_app,
    on_screen,
    open_confirmation,
    said,
    seed_test_vehicles,
    sim_status,
    told,
    wait_for,
)

GOOD_NEW = "VF3ZZZZZ0NC000010"
BAD_NEW = "VF3ZZZZZ0NC00001"  # 16 characters


async def test_add_refuses_bad_vin_keeps_it_and_shows_good_one_at_once(sim, pilot):
    app = pilot.app
    await pilot.press("a")
    await on_screen(pilot, AddScreen)
    form = app.screen
    await pilot.press(*list(BAD_NEW))
    check = form.query_one("#add-vin-check", Static)
    assert "16 characters" in str(check.render())
    form.query_one("#add-vin", Input).value = ""
    form.query_one("#add-brand", Input).value = "peugeot"
    form.query_one("#add-many", TextArea).text = f"{BAD_NEW}\n{GOOD_NEW},peugeot,fleet=north"
    await pilot.press("ctrl+s")
    await wait_for(
        pilot,
        lambda: (
            not form.sending.busy
            and "added" in str(form.query_one("#add-results", Static).render())
        ),
    )
    results = str(form.query_one("#add-results", Static).render())
    assert "1 added" in results and "16 characters" in results
    assert form.query_one("#add-many", TextArea).text.strip() == BAD_NEW
    row = app.monitor.store.row_for(GOOD_NEW)
    assert row is not None and row.state is State.PENDING
    assert sim.engine.record(GOOD_NEW) is not None
    assert sim.engine.record(BAD_NEW) is None
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, AddScreen))


async def test_add_provider_refusal_stays_in_form(sim, pilot):
    app = pilot.app
    await pilot.press("a")
    await on_screen(pilot, AddScreen)
    form = app.screen
    # VW group without the customer tag: refused locally, never sent.
    form.query_one("#add-vin", Input).value = GOOD_NEW
    form.query_one("#add-brand", Input).value = "audi"
    await pilot.pause()
    assert form.query_one("#add-customer", Input).display
    await pilot.press("ctrl+s")
    await pilot.pause()
    results = str(form.query_one("#add-results", Static).render())
    assert "vw-group-customer-name" in results and "not sent" in results
    assert form.query_one("#add-vin", Input).value == GOOD_NEW
    assert sim.engine.record(GOOD_NEW) is None


@pytest.mark.test_vehicles
async def test_cancel_refused_for_brand_sends_nothing(sim, pilot):
    app = pilot.app
    await filter_to(pilot, BMW_PENDING)
    assert app.table.cursor_vin == BMW_PENDING
    await pilot.press("c")
    await pilot.pause()
    assert not isinstance(app.screen, ConfirmScreen)
    assert any("Cannot cancel" in n and BMW_PENDING in n for n in told(app))
    assert sim_status(sim, BMW_PENDING) == "pending"


@pytest.mark.test_vehicles
async def test_cancel_accepted_shows_canceling(sim, pilot):
    app = pilot.app
    await open_confirmation(pilot, PEUGEOT_PENDING, "c")
    body = str(app.screen.query_one("#confirm-body", Static).render())
    assert PEUGEOT_PENDING in str(app.screen.title_text) and "peugeot" in body
    await pilot.click("#confirm-yes")
    await wait_for(
        pilot, lambda: app.monitor.store.row_for(PEUGEOT_PENDING).state is State.CANCELING
    )
    assert sim_status(sim, PEUGEOT_PENDING) == "canceling"
    entry = read_audit()[-1]
    assert entry["action"] == "cancel" and entry["vins"] == [PEUGEOT_PENDING]
    assert entry["results"][0]["ok"] is True


@pytest.mark.test_vehicles
async def test_cancel_young_clearance_warns_in_confirmation(sim, pilot):
    app = pilot.app
    await open_confirmation(pilot, AUDI_FRESH, "c")
    body = str(app.screen.query_one("#confirm-body", Static).render())
    assert "⚠" in body and "day" in body
    await pilot.press("a", "R")  # the monitor's keys are off while the dialog is open
    await pilot.pause()
    assert isinstance(app.screen, ConfirmScreen) and len(app.screen_stack) == 2
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
    assert sim_status(sim, AUDI_FRESH) == "pending"


@pytest.mark.test_vehicles
async def test_revoke_needs_last_four_characters(sim, pilot):
    app = pilot.app
    await open_confirmation(pilot, KIA_APPROVED, "R")
    dialog = app.screen
    assert "data access" in str(dialog.query_one("#confirm-body", Static).render()).lower()
    await pilot.press("1", "2", "3", "4", "enter")
    await pilot.pause()
    assert isinstance(app.screen, ConfirmScreen)
    assert "does not match" in str(dialog.query_one("#confirm-error", Static).render())
    assert sim_status(sim, KIA_APPROVED) == "approved"
    dialog.query_one("#confirm-phrase", Input).value = ""
    await pilot.press(*list(KIA_APPROVED[-4:]), "enter")
    await wait_for(pilot, lambda: app.monitor.store.row_for(KIA_APPROVED).state is State.REVOKING)
    assert sim_status(sim, KIA_APPROVED) == "revoking"


@pytest.mark.test_vehicles
async def test_bulk_cancel_counts_sent_and_skipped(sim, pilot):
    app = pilot.app
    await filter_to(pilot, "NC00000")
    assert len(app.monitor.store) == 4
    await pilot.press("asterisk")
    assert app.monitor.marked == {PEUGEOT_PENDING, BMW_PENDING, KIA_APPROVED, AUDI_FRESH}
    assert "4 marked" in header_text(app)
    await pilot.press("c")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    body = str(app.screen.query_one("#confirm-body", Static).render())
    # Peugeot and the young Audi are sent (the Audi with a warning); BMW and Kia skipped.
    assert "Cancel 2 vehicle(s); skip 2." in body
    assert "⚠ 1 of those sent" in body  # the young Audi
    await pilot.click("#confirm-yes")
    await wait_for(
        pilot, lambda: app.monitor.store.row_for(PEUGEOT_PENDING).state is State.CANCELING
    )
    await wait_for(pilot, lambda: any("of 2" in n for n in told(app)))
    assert sim_status(sim, BMW_PENDING) == "pending"
    assert sim_status(sim, KIA_APPROVED) == "approved"
    # The young Audi was refused by the provider ("too early"): said, not fatal.
    assert any("1 refused: Too early" in n for n in told(app))
    assert app.is_running


async def test_read_only_offers_and_sends_no_writes(sim):
    seed_test_vehicles(sim)
    app = make_app(sim, read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        assert "READ-ONLY" in app.query_one("#header").build().plain
        shown = {ab.binding.action for ab in app.screen.active_bindings.values() if ab.enabled}
        assert not {"add", "cancel", "revoke"} & shown
        await filter_to(pilot, KIA_APPROVED)
        await pilot.press("R", "c", "a")
        await pilot.pause()
        assert not isinstance(app.screen, (ConfirmScreen, AddScreen))
        assert app.monitor.writer.requests_sent == 0
        assert sim_status(sim, KIA_APPROVED) == "approved"
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Revoke" not in titles and "Add" not in titles and "Refresh" in titles


@pytest.mark.size(120, 36)
async def test_add_loads_csv_and_brand_type_ahead(pilot, sim, tmp_path):
    csv_path = tmp_path / "new.csv"
    csv_path.write_text(
        "vin,brand\nVF3ZZZZZ0NC000011,peugeot,fleet=a\nVF3ZZZZZ0NC000012\n", encoding="utf-8"
    )
    app = pilot.app
    await pilot.press("a")
    await on_screen(pilot, AddScreen)
    form = app.screen
    await pilot.press("tab")  # keyboard only: VIN → brand
    assert app.focused is form.query_one("#add-brand", Input)
    await pilot.press("p", "e", "right")  # type-ahead completes the brand
    assert form.query_one("#add-brand", Input).value == "peugeot"
    form.query_one("#add-csv", Input).value = str(csv_path)
    form.query_one("#add-csv", Input).focus()
    await pilot.press("enter")
    await pilot.pause()
    assert "VF3ZZZZZ0NC000012" in form.query_one("#add-many", TextArea).text
    await pilot.press("ctrl+s")
    await wait_for(
        pilot,
        lambda: (
            not form.sending.busy
            and "2 added" in str(form.query_one("#add-results", Static).render())
        ),
    )
    assert app.monitor.store.row_for("VF3ZZZZZ0NC000011").vehicle.tags == {"fleet": "a"}
    assert sim_status(sim, "VF3ZZZZZ0NC000012") == "pending"  # took the form's brand
    assert form.query_one("#add-many", TextArea).text == ""


async def test_add_when_the_request_fails_keeps_every_line(sim, pilot):
    from fleettui.sim import FaultConfig

    app = pilot.app
    await pilot.press("a")
    await on_screen(pilot, AddScreen)
    form = app.screen
    form.query_one("#add-many", TextArea).text = f"{GOOD_NEW},peugeot"
    sim.set_faults(FaultConfig(error_rate=1.0))
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: not form.sending.busy)
    assert "Nothing was added" in str(form.query_one("#add-results", Static).render())
    assert form.query_one("#add-many", TextArea).text == f"{GOOD_NEW},peugeot"
    assert app.is_running


@pytest.mark.test_vehicles
async def test_bulk_revoke_asks_for_the_count_and_sends_only_approved(sim, pilot):
    app = pilot.app
    await filter_to(pilot, "NC00000")
    await pilot.press("asterisk", "R")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    body = str(app.screen.query_one("#confirm-body", Static).render())
    assert "Revoke 1 vehicle(s); skip 3." in body and "Data access stops" in body
    await pilot.press("2", "enter")  # wrong count: refused, nothing sent
    await pilot.pause()
    assert isinstance(app.screen, ConfirmScreen)
    app.screen.query_one("#confirm-phrase", Input).value = ""
    await pilot.press("1", "enter")
    await wait_for(pilot, lambda: app.monitor.store.row_for(KIA_APPROVED).state is State.REVOKING)
    assert sim_status(sim, PEUGEOT_PENDING) == "pending"
    assert app.monitor.marked == {PEUGEOT_PENDING, BMW_PENDING, AUDI_FRESH}  # sent ones unmarked


@pytest.mark.test_vehicles
async def test_revoke_refused_for_pending_names_the_reason(sim, pilot):
    app = pilot.app
    await filter_to(pilot, PEUGEOT_PENDING)
    await pilot.press("R")
    await pilot.pause()
    assert not isinstance(app.screen, ConfirmScreen)
    assert any("Cannot revoke" in n and "Nothing was sent" in n for n in told(app))


@pytest.mark.size(80, 24)
async def test_bulk_cancel_all_fits_80x24_grouped_with_buttons_visible(sim, pilot):
    app = pilot.app
    await pilot.press("asterisk")
    marked = len(app.monitor.marked)
    assert marked == 60
    await pilot.press("c")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.pause()
    screen = app.screen
    title = str(screen.query_one("#confirm-title").render())
    assert f"of {marked} marked vehicles?" in title
    body = str(screen.query_one("#confirm-body", Static).render())
    # one heading per reason, brands counted in it, not one paragraph per brand
    assert body.count("can't be cancelled through the API") <= 2
    heads = [line for line in body.splitlines() if line.startswith("Skip ")]
    assert len(heads) <= 4, heads
    for button in ("#confirm-yes", "#confirm-no"):
        region = screen.query_one(button).region
        assert region.height > 0 and region.bottom <= 24, (button, region)
    assert (
        screen.query_one("#confirm-scroll").region.bottom
        <= screen.query_one("#confirm-yes").region.y
    )


@pytest.mark.size(80, 24)
async def test_bulk_revoke_dialog_with_phrase_fits_80x24(sim, pilot):
    app = pilot.app
    await pilot.press("asterisk", "R")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.pause()
    screen = app.screen
    assert screen.query_one("#confirm-box").region.bottom <= 24
    for part in ("#confirm-phrase", "#confirm-yes", "#confirm-no"):
        region = screen.query_one(part).region
        assert region.height > 0 and region.bottom <= 23, (part, region)


async def test_an_answer_arriving_while_the_add_form_is_composing_is_a_notice(sim, pilot):
    """Issue 17: the form pushed but not yet composed (its widgets do not exist) when a
    send's answer arrives (the form was closed while sending, then opened again): the
    answer is said as a notice, and the app does not crash with NoMatches. Deterministic:
    nothing is awaited between the push and the answer, so the form's task has not run."""
    from fleettui.monitor.updates import AddSent
    from fleettui.ui.write_flow import add_screen

    app = pilot.app
    app.push_screen(add_screen(None))
    form = app.screen
    assert isinstance(form, AddScreen) and not form.is_mounted
    failed = AddSent([], None, "the provider failed (test)", None, 0, app.monitor.generation)
    assert app.writes.add_done(failed) is None
    assert any("the provider failed (test)" in text for text in said(app))
    await on_screen(pilot, AddScreen)
    assert form.query_one("#add-many", TextArea).text == ""
    assert app.is_running
