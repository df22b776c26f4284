"""Nothing typed is lost: keys typed right after a key that opens an input go into that
input, in order, however fast they arrive (a burst over a laggy SSH link), and lines typed
into the add form while a send is in flight stay in it."""

from __future__ import annotations

from app_helpers import loaded, make_app, seed_test_vehicles, wait_for
from textual import events
from textual.widgets import Input, TextArea

from fleettui.sim.faults import FaultConfig
from fleettui.ui.screens.add_form import AddScreen


def burst(app, text: str) -> None:
    """Every key of `text` queued at once, as a terminal delivers a burst."""
    for ch in text:
        key = {"/": "slash", " ": "space"}.get(ch, ch)
        app.post_message(events.Key(key, ch))


async def test_a_burst_after_slash_goes_into_the_filter(sim):
    seed_test_vehicles(sim)
    app = make_app(sim)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        burst(app, "/privacy")
        await pilot.pause()
        await pilot.pause()
        box = app.query_one("#filter", Input)
        assert box.value == "privacy"
        assert not app.monitor.connection.paused          # `p` did not pause the refresh
        assert type(app.screen).__name__ != "AddScreen"    # `a` did not open the add form
        assert app.focused is box


async def test_a_burst_after_a_goes_into_the_add_form(sim):
    app = make_app(sim)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        burst(app, "aWBA3A5C50CF256652")
        for _ in range(5):
            await pilot.pause()
        focused = app.focused
        assert isinstance(focused, Input), focused
        assert focused.value == "WBA3A5C50CF256652"
        assert not app.monitor.connection.paused


async def test_keys_without_an_input_still_run_as_commands(sim):
    app = make_app(sim)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        burst(app, "p")
        await pilot.pause()
        assert app.monitor.connection.paused


async def test_lines_typed_while_a_send_is_in_flight_are_kept(sim):
    sim.set_faults(FaultConfig(latency=0.5))
    app = make_app(sim)
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, AddScreen)
        area = form.query_one("#add-many", TextArea)
        area.text = "WBA3A5C50CF256652,bmw"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.busy
        area.text += "\nWBA3A5C51CF256653,bmw"          # typed while the send is out
        form.query_one("#add-vin", Input).value = "WBA3A5C52CF256654"
        await wait_for(pilot, lambda: not form.busy, timeout=20)
        await pilot.pause()
        assert area.text == "WBA3A5C51CF256653,bmw"       # the sent line left, the new one kept
        assert form.query_one("#add-vin", Input).value == "WBA3A5C52CF256654"
