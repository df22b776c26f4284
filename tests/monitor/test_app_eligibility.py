"""The add form asks whether each VIN can be activated before anything is sent (Pilot,
against the simulator's eligibility API over loopback)."""

from __future__ import annotations

from textual.widgets import Input, Static, TextArea

from fleettui.monitor.eligibility import EligibilityChecks
from fleettui.sim import SimConfig, Simulator
from fleettui.ui.screens.add_form import AddScreen
from fleettui.ui.screens.confirm import ConfirmScreen
from tests.support.pilot import loaded, make_app, on_screen, wait_for
from tests.support.sim import SIM_START


def _vin(sim, *, eligible: bool, start: int = 0) -> str:  # noqa: ANN001
    model = sim.engine.eligibility
    for i in range(start, start + 10_000):
        vin = f"WBA0000000002{i:04d}"
        t = model.traits(vin)
        if t.ineligible != eligible and not t.brand_call_fails and vin not in sim.engine.vehicles:
            return vin
    raise AssertionError("no such VIN")


def _calls(sim) -> int:  # noqa: ANN001
    return len(sim.tokens._eligibility_calls)


def _elig(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#add-elig", Static).render())


async def _open_form(pilot) -> AddScreen:  # noqa: ANN001
    await loaded(pilot)
    pilot.app.monitor.eligibility = EligibilityChecks(per_second=1000)  # no waiting in tests
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(pilot.app.screen, AddScreen)
    return pilot.app.screen


async def _type(pilot, field: str, text: str) -> None:  # noqa: ANN001
    pilot.app.screen.query_one(field, Input).focus()
    await pilot.press(*list(text))


async def test_an_ineligible_vin_is_flagged_and_sending_it_asks_first(sim):
    app = make_app(sim)
    bad = _vin(sim, eligible=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_form(pilot)
        await _type(pilot, "#add-vin", bad)
        await _type(pilot, "#add-brand", "bmw")
        await wait_for(pilot, lambda: "NOT eligible" in _elig(app))
        assert "connectivity" in _elig(app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await on_screen(pilot, AddScreen)
        assert bad not in sim.engine.vehicles  # nothing was sent
        assert app.screen.query_one("#add-vin", Input).value == bad  # nothing typed is lost
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: bad in sim.engine.vehicles)


async def test_an_eligible_vin_shows_so_and_sends_without_asking(sim):
    app = make_app(sim)
    good = _vin(sim, eligible=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_form(pilot)
        await _type(pilot, "#add-vin", good)
        await _type(pilot, "#add-brand", "bmw")
        await wait_for(pilot, lambda: "✓ eligible" in _elig(app))
        calls = _calls(sim)
        assert calls == 1  # typed 17 characters and a brand: asked once
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: good in sim.engine.vehicles)
        assert not isinstance(app.screen, ConfirmScreen)


async def test_brands_without_a_check_say_so_without_a_request(sim):
    app = make_app(sim)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_form(pilot)
        await _type(pilot, "#add-vin", "WVWZZZ1KZAW000099")
        await _type(pilot, "#add-brand", "volkswagen")
        await wait_for(pilot, lambda: "no eligibility check for this brand" in _elig(app))
        assert _calls(sim) == 0


async def test_pasted_lines_are_checked_once_each_and_summarised(sim):
    app = make_app(sim)
    good = [_vin(sim, eligible=True, start=n * 500) for n in range(3)]
    bad = _vin(sim, eligible=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_form(pilot)
        area = app.screen.query_one("#add-many", TextArea)
        area.text = "\n".join(f"{v},bmw" for v in [*good, bad])
        summary = app.screen.query_one("#add-elig-many", Static)
        await wait_for(pilot, lambda: "4 of 4 checked" in str(summary.render()))
        assert f"1 NOT eligible: {bad}" in str(summary.render())
        area.text = area.text + "\n"  # an edit that adds no VIN asks nothing again
        await pilot.pause(0.6)
        assert _calls(sim) == 4


async def test_a_rate_limited_check_is_unknown_and_does_not_block(tmp_path):
    cfg = SimConfig(
        vehicles=5, speed=0.0, start=SIM_START, eligibility_limit=1, ineligible_share=0.0
    )
    with Simulator(cfg) as sim:
        app = make_app(sim)
        first, second = _vin(sim, eligible=True), _vin(sim, eligible=True, start=900)
        async with app.run_test(size=(80, 24)) as pilot:
            await _open_form(pilot)
            await _type(pilot, "#add-vin", first)
            await _type(pilot, "#add-brand", "bmw")
            await wait_for(pilot, lambda: "✓ eligible" in _elig(app))
            box = app.screen.query_one("#add-vin", Input)
            box.value = second
            await wait_for(pilot, lambda: "eligibility unknown" in _elig(app))
            assert "Too many requests" in _elig(app)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: second in sim.engine.vehicles)  # sent, no question
