"""Nothing typed is lost: keys typed right after a key that opens an input go into that
input, in order, however fast they arrive (a burst over a laggy SSH link), and lines typed
into the add form while a send is in flight stay in it."""

from __future__ import annotations

import asyncio

import pytest
from textual import events
from textual.widgets import Input, TextArea

from fleettui.sim.faults import FaultConfig
from fleettui.ui.key_order import ESC_BACKSPACE
from fleettui.ui.screens.add_form import AddScreen
from fleettui.ui.screens.help import HelpScreen
from fleettui.ui.screens.monitor_filter import FilterControl
from tests.support.keys import BURST_BOUND, burst, burst_keys, settle, until, where_keys_went
from tests.support.pilot import on_screen, wait_for


def astray(app) -> bool:
    """A key of a burst ran as a monitor command: the refresh paused (`p`), or the main
    view left for another screen (`a`: the add form, `?`: the help)."""
    return app.monitor.connection.paused or app.screen is not app.monitor_screen


@pytest.mark.size(100, 30)
@pytest.mark.test_vehicles
async def test_a_burst_after_slash_goes_into_the_filter(pilot):
    app = pilot.app
    box = app.query_one("#filter", Input)
    burst(app, "/privacy")
    await wait_for(
        pilot,
        lambda: len(box.value) >= 7 or astray(app),
        BURST_BOUND,
        state=lambda: where_keys_went(app),
    )
    assert box.value == "privacy", where_keys_went(app)
    assert not app.monitor.connection.paused  # `p` did not pause the refresh
    assert app.screen is app.monitor_screen  # `a` did not open the add form
    assert app.focused is box


@pytest.mark.size(100, 30)
async def test_a_burst_after_a_goes_into_the_add_form(pilot):
    app = pilot.app
    burst(app, "aWBA3A5C50CF256652")

    def typed() -> bool:
        return isinstance(app.focused, Input) and len(app.focused.value) >= 17

    await wait_for(
        pilot,
        lambda: typed() or app.monitor.connection.paused,
        BURST_BOUND,
        state=lambda: where_keys_went(app),
    )
    form = app.screen
    assert isinstance(form, AddScreen), where_keys_went(app)
    assert app.focused is form.query_one("#add-vin", Input)
    assert app.focused.value == "WBA3A5C50CF256652"
    assert not app.monitor.connection.paused


@pytest.mark.size(100, 30)
async def test_keys_without_an_input_still_run_as_commands(pilot):
    app = pilot.app
    burst(app, "p")
    await wait_for(pilot, lambda: app.monitor.connection.paused, BURST_BOUND)
    assert type(app.screen).__name__ == "MonitorScreen"


@pytest.mark.size(100, 40)
async def test_lines_typed_while_a_send_is_in_flight_are_kept(pilot, sim):
    # The send is held 3 s by the simulator: long enough that a loaded machine still
    # sees it in flight (at 0.5 s, one pause after ctrl+s came before the send began).
    sim.set_faults(FaultConfig(latency=3.0))
    app = pilot.app
    await pilot.press("a")
    await on_screen(pilot, AddScreen)
    form = app.screen
    assert isinstance(form, AddScreen)
    area = form.query_one("#add-many", TextArea)
    area.text = "WBA3A5C50CF256652,bmw"
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: form.sending.busy)  # the send is out
    area.text += "\nWBA3A5C51CF256653,bmw"  # typed while the send is out
    form.query_one("#add-vin", Input).value = "WBA3A5C52CF256654"
    await wait_for(pilot, lambda: not form.sending.busy)
    await pilot.pause()
    assert area.text == "WBA3A5C51CF256653,bmw"  # the sent line left, the new one kept
    assert form.query_one("#add-vin", Input).value == "WBA3A5C52CF256654"


async def typed_into_the_form(pilot, letters: int) -> None:
    """Until the add form's VIN and brand boxes hold `letters` characters between them
    and nothing is held back: a count of pauses was not always enough for a burst at
    load 20-30 (the brand box still empty). Keys lost or sent to the wrong box fail at
    the deadline (30 s) or at the test's own assertions."""
    app = pilot.app

    def typed() -> int:
        form = app.screen
        if not isinstance(form, AddScreen) or not form.is_mounted:
            return 0
        return sum(len(form.query_one(box, Input).value) for box in ("#add-vin", "#add-brand"))

    await wait_for(
        pilot,
        lambda: typed() >= letters and not app.typeahead._held,
        BURST_BOUND,
        state=lambda: where_keys_went(app),
    )
    await settle(pilot)


@pytest.mark.size(100, 30)
@pytest.mark.test_vehicles
async def test_emptying_the_filter_box_keeps_it_open_for_what_is_typed_next(pilot):
    """Backspace to an empty box does not close it, also once the empty filter has been
    applied: the letters typed next are a filter, not monitor keys (`p` pausing, `a`
    opening the add form). Esc closes it."""
    app = pilot.app
    store = app.monitor.store
    box = app.query_one("#filter", Input)
    burst(app, "/ab")
    await wait_for(pilot, lambda: store.query.text == "ab")
    burst_keys(app, ("backspace", None), ("backspace", None))
    await wait_for(pilot, lambda: box.value == "" and store.query.text == "")
    await settle(pilot)
    assert app.focused is box and box.display and box.has_class("-shown")
    burst(app, "pa")
    await settle(pilot)
    assert box.value == "pa" and app.focused is box
    assert not app.monitor.connection.paused
    assert type(app.screen).__name__ != "AddScreen"
    await pilot.press("backspace", "backspace")  # typed one by one: the same
    await wait_for(pilot, lambda: store.query.text == "")
    await settle(pilot)
    assert app.focused is box and box.value == "" and box.has_class("-shown")
    await pilot.press("p")
    await settle(pilot)
    assert box.value == "p" and not app.monitor.connection.paused
    await pilot.press("escape")  # Esc closes it
    await settle(pilot)
    assert app.focused is not box and not box.has_class("-shown")
    await pilot.press("slash", "x", "backspace", "enter")  # so does Enter, left empty
    await settle(pilot)
    assert app.focused is not box and not box.has_class("-shown")


@pytest.mark.size(100, 30)
@pytest.mark.test_vehicles
async def test_keys_after_enter_in_the_filter_go_where_the_user_is_typing(pilot):
    """`/bmw`, Enter and `p` in one burst: the filter is kept and `p` then runs in the
    monitor (the box closed with Enter), after the focus left the box, not into it."""
    app = pilot.app
    burst(app, "/bmw")
    burst_keys(app, ("enter", "\r"))
    burst(app, "p")
    await settle(pilot)
    box = app.query_one("#filter", Input)
    assert box.value == "bmw"
    assert app.monitor.connection.paused
    assert app.focused is not box


@pytest.mark.size(100, 40)
async def test_a_vin_tab_and_brand_in_one_burst_land_in_their_boxes(pilot):
    """A paste or a laggy link: VIN, Tab, brand arrive at once. Tab's focus change is
    applied before the brand's letters are handed on."""
    app = pilot.app
    await pilot.press("a")
    await on_screen(pilot, AddScreen)
    await settle(pilot)
    form = app.screen
    burst(app, "WBA3A5C50CF256652")
    burst_keys(app, ("tab", "\t"))
    burst(app, "bmw")
    await typed_into_the_form(pilot, 17 + 3)
    assert form.query_one("#add-vin", Input).value == "WBA3A5C50CF256652"
    assert form.query_one("#add-brand", Input).value == "bmw"


@pytest.mark.size(100, 40)
async def test_opening_the_add_form_and_filling_it_in_one_burst(pilot):
    """`a`, a VIN, Tab, a brand: the form opens, and each part lands in its own box."""
    app = pilot.app
    burst(app, "aWBA3A5C50CF256652")
    burst_keys(app, ("tab", "\t"))
    burst(app, "kia")
    await on_screen(pilot, AddScreen)
    await typed_into_the_form(pilot, 17 + 3)
    form = app.screen
    assert form.query_one("#add-vin", Input).value == "WBA3A5C50CF256652"
    assert form.query_one("#add-brand", Input).value == "kia"


@pytest.mark.size(100, 30)
@pytest.mark.test_vehicles
async def test_held_keys_wait_for_an_opening_however_long_it_takes(pilot, monkeypatch):
    """A starved machine: `/` opens the filter through work that takes long (here a worker
    held back until the test lets it go). The type-ahead's clock jumps far past the old
    0.5 s give-up (its looks are driven by hand, as a starved timer catches up) while the
    opening is still under way: the held keys stay held (before, `p` paused the refresh
    and `a` opened the add form), then land in the box once it has focus."""
    app = pilot.app
    gate = asyncio.Event()
    opened = FilterControl.open

    def slow_open(self: FilterControl) -> None:
        async def later() -> None:
            await gate.wait()
            opened(self)

        app.run_worker(later(), group="slow-open")

    monkeypatch.setattr(FilterControl, "open", slow_open)
    burst(app, "/pa")
    await wait_for(pilot, lambda: len(app.typeahead._held) == 2, BURST_BOUND)  # a bound, not speed
    for _ in range(3):
        for _ in range(60):  # the fake clock: 0.6 s of the type-ahead's 10 ms looks
            app.typeahead._check()
        await pilot.pause()
    assert not app.monitor.connection.paused  # `p` did not run as a command
    assert type(app.screen).__name__ == "MonitorScreen"  # nor did `a`
    assert len(app.typeahead._held) == 2
    gate.set()
    box = app.query_one("#filter", Input)
    await wait_for(pilot, lambda: box.value == "pa", BURST_BOUND)
    assert app.focused is box and not app.monitor.connection.paused


@pytest.mark.size(100, 30)
async def test_keys_after_an_opening_that_opened_nothing_still_run(pilot, monkeypatch):
    """The other side of holding without a time limit: when everything the opening key
    set going is done and no input took focus, the held keys run as commands."""
    app = pilot.app
    monkeypatch.setattr(FilterControl, "open", lambda self: None)
    burst(app, "/p")
    await wait_for(pilot, lambda: app.monitor.connection.paused, BURST_BOUND)  # a bound, not speed
    assert not app.typeahead.waiting


@pytest.mark.size(100, 30)
@pytest.mark.test_vehicles
async def test_esc_then_backspace_in_one_read_keeps_the_esc_outside_an_input(pilot):
    """ESC DEL is Alt+Backspace or Esc then Backspace, the same bytes. Where no text input
    has focus (a dialog, the table) nothing binds ctrl+w, so it is the two keys: the help
    closes. In a text input it stays Alt+Backspace: a word is deleted."""
    app = pilot.app
    await pilot.press("question_mark")
    await on_screen(pilot, HelpScreen)
    app.post_message(events.Key("ctrl+w", ESC_BACKSPACE))
    await wait_for(pilot, lambda: type(app.screen).__name__ == "MonitorScreen", BURST_BOUND)
    burst(app, "/bmw x")
    box = app.query_one("#filter", Input)
    await wait_for(pilot, lambda: box.value == "bmw x", BURST_BOUND)
    app.post_message(events.Key("ctrl+w", ESC_BACKSPACE))
    await wait_for(pilot, lambda: box.value == "bmw ", BURST_BOUND)
    assert app.focused is box


async def starve(app, looks: int = 180) -> None:
    """A starved machine's timers catching up: the type-ahead's and the key order's looks
    (10 ms each) driven by hand, `looks` of each (1.8 s by default), the event loop let
    run between them. (Not Pilot's pause, which waits for the screen to take its
    messages: a stalled screen never does.)"""
    for turn in range(looks):
        app.typeahead._check()
        app.key_order._look()
        if turn % 20 == 19:
            await asyncio.sleep(0.01)


@pytest.mark.size(100, 30)
async def test_a_burst_after_a_waits_for_a_form_however_long_its_mount_takes(pilot, monkeypatch):
    """`a` and a VIN in one burst, on a machine so slow that the add form's mount takes
    longer than any timer's patience (here its mount is held until the test lets it go,
    and the timers' looks are driven far past their old limits meanwhile): no letter
    runs as a command (the VIN has `A`s and `C`s) or goes anywhere else, and once the
    form is up they all land in its VIN box, in order."""
    app = pilot.app
    gate = asyncio.Event()
    mount = AddScreen.on_mount

    async def slow_mount(self: AddScreen) -> None:
        await gate.wait()
        mount(self)

    monkeypatch.setattr(AddScreen, "on_mount", slow_mount)
    table = app.focused
    burst(app, "aWBA3A5C50CF256652")
    try:
        await until(app, lambda: isinstance(app.screen, AddScreen))
        await starve(app)
        form = app.screen
        assert isinstance(form, AddScreen) and not form.is_mounted  # still mounting
        assert [s for s in app.screen_stack if isinstance(s, AddScreen)] == [form]
        assert not app.monitor.connection.paused
        assert app.monitor_screen.focused is table
        assert form.query_one("#add-vin", Input).value == ""
    finally:
        gate.set()  # a failing test still lets the form mount, and the app close
    vin = form.query_one("#add-vin", Input)
    await wait_for(
        pilot, lambda: vin.value == "WBA3A5C50CF256652", state=lambda: where_keys_went(app)
    )
    await settle(pilot)
    assert app.focused is vin and vin.value == "WBA3A5C50CF256652"
    assert not app.typeahead._held and not app.key_order.held
    assert not app.monitor.connection.paused
