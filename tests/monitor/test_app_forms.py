"""Pilot tests of the add form's ergonomics: where focus lands after a send, no invisible
tab stops, nothing typed is lost on Escape, the paste box grows with the screen, and the
brand type-ahead does not call a half-typed brand unknown."""

from __future__ import annotations

from textual.widgets import Input, Static, TextArea

from fleettui.ui.screens.add_form import AddScreen
from tests.support.pilot import loaded, make_app, on_screen, told, wait_for

GOOD_A = "VF3ZZZZZ0NC000010"
GOOD_B = "VF3ZZZZZ0NC000011"
BAD = "VF3ZZZZZ0NC00001"  # 16 characters


async def _open_form(pilot) -> AddScreen:
    app = pilot.app
    await loaded(pilot)
    await pilot.press("a")
    await on_screen(pilot, AddScreen)
    await pilot.pause()
    return app.screen


def _results(form: AddScreen) -> str:
    return str(form.query_one("#add-results", Static).render())


async def _sent(pilot, form: AddScreen) -> None:
    await wait_for(pilot, lambda: not form.sending.busy and "added" in _results(form))
    await pilot.pause()


async def test_after_a_good_send_focus_is_on_an_empty_vin_and_sent_fields_are_clear(pilot):
    app = pilot.app
    form = await _open_form(pilot)
    await pilot.press(*GOOD_A, "tab", *"peugeot", "enter")
    await _sent(pilot, form)
    assert "1 added" in _results(form)
    assert app.focused is form.query_one("#add-vin", Input)
    assert form.query_one("#add-vin", Input).value == ""
    assert form.query_one("#add-brand", Input).value == ""
    await pilot.press(*"X1")
    assert form.query_one("#add-vin", Input).value == "X1"


async def test_after_a_mixed_send_focus_is_on_the_first_refused_line(pilot):
    app = pilot.app
    form = await _open_form(pilot)
    form.query_one("#add-brand", Input).value = "peugeot"
    form.query_one("#add-many", TextArea).text = f"{GOOD_A}\n{BAD}\n{GOOD_B}"
    form.query_one("#add-brand", Input).focus()
    await pilot.press("enter")
    await _sent(pilot, form)
    area = form.query_one("#add-many", TextArea)
    assert area.text == BAD
    assert app.focused is area and area.cursor_location == (0, 0)
    # The brand still applies to the line left to fix, so it stays.
    assert form.query_one("#add-brand", Input).value == "peugeot"


async def test_brand_field_is_cleared_when_no_line_left_needs_it(pilot):
    form = await _open_form(pilot)
    form.query_one("#add-brand", Input).value = "peugeot"
    form.query_one("#add-many", TextArea).text = f"{GOOD_A}\n{BAD},citroen"
    await pilot.press("ctrl+s")
    await _sent(pilot, form)
    assert form.query_one("#add-many", TextArea).text == f"{BAD},citroen"
    assert form.query_one("#add-brand", Input).value == ""


async def test_refused_vin_field_gets_the_focus_back(pilot):
    app = pilot.app
    form = await _open_form(pilot)
    await pilot.press(*BAD, "tab", *"peugeot", "enter")
    await pilot.pause()
    assert "16 characters" in _results(form)
    assert app.focused is form.query_one("#add-vin", Input)
    assert form.query_one("#add-vin", Input).value == BAD


async def test_every_tab_stop_is_a_visible_field(pilot):
    app = pilot.app
    form = await _open_form(pilot)
    await pilot.press("shift+tab")
    await pilot.pause()
    assert app.focused is form.query_one("#add-csv", Input)
    seen = []
    for _ in range(8):
        widget = app.focused
        assert widget is not None and widget.region.area > 0 and widget.display
        assert isinstance(widget, (Input, TextArea)), widget
        seen.append(widget.id)
        await pilot.press("tab")
        await pilot.pause()
    assert seen[:6] == ["add-csv", "add-vin", "add-brand", "add-tags", "add-many", "add-csv"]


async def test_long_results_box_is_a_tab_stop_that_shows_its_focus(sim):
    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(pilot)
        form.query_one("#add-brand", Input).value = "peugeot"
        form.query_one("#add-many", TextArea).text = "\n".join(f"BAD{i}" for i in range(30))
        await pilot.press("ctrl+s")
        await pilot.pause()
        box = form.query_one("#add-results-box")
        assert box.max_scroll_y > 0 and box.focusable
        unfocused = box.styles.border_left
        box.focus()
        await pilot.pause()
        assert box.styles.border_left != unfocused


async def test_escape_keeps_a_draft_for_the_next_time(pilot):
    app = pilot.app
    form = await _open_form(pilot)
    await pilot.press(*GOOD_A)
    form.query_one("#add-brand", Input).value = "peugeot"
    form.query_one("#add-many", TextArea).text = f"{GOOD_B}\n{BAD}"
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, AddScreen))
    assert any("Draft kept: 3 lines" in n for n in told(app))
    await pilot.press("a")
    await on_screen(pilot, AddScreen)
    await pilot.pause()
    form = app.screen
    assert form.query_one("#add-vin", Input).value == GOOD_A
    assert form.query_one("#add-brand", Input).value == "peugeot"
    assert form.query_one("#add-many", TextArea).text == f"{GOOD_B}\n{BAD}"
    # An empty form closes without a draft.
    for wid in ("#add-vin", "#add-brand"):
        form.query_one(wid, Input).value = ""
    form.query_one("#add-many", TextArea).text = ""
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, AddScreen))
    await pilot.press("a")
    await on_screen(pilot, AddScreen)
    await pilot.pause()
    assert app.screen.query_one("#add-many", TextArea).text == ""


async def test_paste_box_grows_with_the_screen_and_fits_at_80x24(sim):
    app = make_app(sim)
    async with app.run_test(size=(120, 36)) as pilot:
        form = await _open_form(pilot)
        assert form.query_one("#add-many", TextArea).region.height >= 10
    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(pilot)
        area = form.query_one("#add-many", TextArea).region
        assert area.height >= 5  # three lines of text inside the border
        for wid in ("#add-csv", "#add-results-box"):
            region = form.query_one(wid).region
            assert region.height >= 1 and region.bottom <= 23, (wid, region)


async def test_half_typed_brand_offers_the_completion_not_unknown(pilot):
    app = pilot.app
    form = await _open_form(pilot)
    form.query_one("#add-brand", Input).focus()
    await pilot.press(*"merc")
    await pilot.pause()
    check = str(form.query_one("#add-brand-check", Static).render())
    assert "unknown" not in check and "→ mercedes-benz" in check
    await pilot.press("tab")
    await pilot.pause()
    assert form.query_one("#add-brand", Input).value == "mercedes-benz"
    assert app.focused is form.query_one("#add-brand", Input)
    await pilot.press("tab")
    assert app.focused is not form.query_one("#add-brand", Input)
    form.query_one("#add-brand", Input).value = "zzz"
    await pilot.pause()
    assert "unknown brand" in str(form.query_one("#add-brand-check", Static).render())


async def test_customer_name_goes_only_to_vw_group_lines(sim):
    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(pilot)
        form.query_one("#add-brand", Input).value = "volkswagen"
        form.query_one("#add-customer", Input).value = "ACME"
        vw = "WVWZZZ1KZ0NC00011"
        form.query_one(
            "#add-many", TextArea
        ).text = f"{GOOD_A},peugeot\n{vw}\n{GOOD_B},peugeot,fleet=x"
        await pilot.pause()
        lines = {line.vin: line for line in form.collect()}
        assert "vw-group-customer-name" not in lines[GOOD_A].tags
        assert lines[GOOD_B].tags == {"fleet": "x"}
        assert lines[vw].tags.get("vw-group-customer-name") == "ACME"
        assert not lines[GOOD_A].problems and not lines[vw].problems


async def test_enter_in_brand_field_completes_a_half_typed_brand_before_sending(sim):
    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(pilot)
        await pilot.press(*GOOD_A, "tab", *"peug")
        await pilot.pause()
        await pilot.press("enter")
        await _sent(pilot, form)
        record = sim.engine.record(GOOD_A)
        assert record is not None and record.brand == "peugeot"


async def test_multi_line_paste_in_vin_field_goes_to_many_box(sim):
    from textual import events

    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await _open_form(pilot)
        vin_box = form.query_one("#add-vin", Input)
        assert app.focused is vin_box
        many = form.query_one("#add-many", TextArea)
        many.text = "WVWZZZ1KZ0NC00011,volkswagen"
        vin_box.post_message(events.Paste(f"{GOOD_A},peugeot\r\n{GOOD_B},peugeot\n"))
        await pilot.pause()
        await pilot.pause()
        assert vin_box.value == ""
        assert many.text.splitlines() == [
            "WVWZZZ1KZ0NC00011,volkswagen",
            f"{GOOD_A},peugeot",
            f"{GOOD_B},peugeot",
        ]
        assert app.focused is many
        # junk with escape sequences and a newline: cleaned into the box, nothing sent
        brand_box = form.query_one("#add-brand", Input)
        brand_box.focus()
        await pilot.pause()
        brand_box.post_message(events.Paste("\x1b[200~junk\x1b[13~\r\x1bOM,x\n"))
        await pilot.pause()
        await pilot.pause()
        assert "\x1b" not in many.text and brand_box.value == ""
        assert (
            not form.sending.busy and "added" not in _results(form) and "Pasted" in _results(form)
        )
        assert sim.engine.record(GOOD_A) is None
