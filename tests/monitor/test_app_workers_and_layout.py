"""The monitor's workers and layout through Pilot: the poller fetches the compact form and
frees it on its worker thread, a finished worker holds nothing of its job, the demo writes
no audit log or cache, the full-screen detail fits 80x24, and help and quit stay in the
footer at 60 columns."""

from __future__ import annotations

import pytest

GOOD_VIN = "WBA3A5C51CF256985"


async def test_poller_fetches_the_compact_form_and_frees_it_on_the_worker(sim):
    from dataclasses import replace

    from fleettui.monitor.accounts import account_for_simulator
    from fleettui.ui.app import FleetApp
    from tests.support.pilot import loaded
    from tests.support.sim import SIM_START

    fetched: list[list] = []

    class Spy:
        def __init__(self, client) -> None:
            self.client = client

        def list_vehicles_compact(self, filter=None):
            fetched.append(self.client.list_vehicles_compact(filter))
            return fetched[-1]

        def list_vehicles_raw(self, filter=None):
            raise AssertionError("the poller must fetch the compact form")

        def __getattr__(self, name):
            return getattr(self.client, name)

    account = account_for_simulator(sim)
    account = replace(account, client_factory=lambda make=account.client_factory: Spy(make()))
    app = FleetApp(account, clock=lambda: SIM_START, watch_terminal=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert app.monitor.store.total == 60 and fetched
        assert fetched[0] == []  # emptied on the worker (consume=True), not on the UI thread


async def test_demo_writes_no_audit_log_and_no_snapshot_cache(sim, isolated_dirs):
    from dataclasses import replace
    from pathlib import Path

    from fleettui.config.audit import read_audit
    from fleettui.config.cache import snapshot_path
    from fleettui.monitor.accounts import account_for_simulator
    from fleettui.ui.app import FleetApp
    from tests.support.pilot import loaded
    from tests.support.sim import SIM_START

    demo = account_for_simulator(sim)
    assert not demo.audit and not demo.cache
    app = FleetApp(demo, clock=lambda: SIM_START, watch_terminal=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert (
            app.monitor.writes.audit("cancel", [GOOD_VIN], [(GOOD_VIN, True, "canceling")]) is None
        )
        assert not list(Path(isolated_dirs["log"]).rglob("*.jsonl"))
        assert not snapshot_path(demo.name).exists()
        app.monitor.account = replace(demo, audit=True)  # a real account's writes are recorded
        assert (
            app.monitor.writes.audit("cancel", [GOOD_VIN], [(GOOD_VIN, True, "canceling")]) is None
        )
        assert [e["action"] for e in read_audit()] == ["cancel"]


@pytest.mark.size(80, 24)
async def test_enter_detail_fills_80x24_opens_at_top_and_footer_says_back(pilot):
    from textual.widgets import Footer

    app = pilot.app
    pane = app.query_one("#detail")
    await pilot.press("right_square_bracket", "right_square_bracket")  # scroll the pane
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.pause()
    assert app.screen.maximized is pane
    footer = app.screen.query_one(Footer)
    assert pane.region.y == 0 and pane.region.width == 80
    assert pane.region.bottom == footer.region.y == 23
    assert pane.scroll_y == 0
    shown = " ".join(str(w.render()) for w in footer.query("FooterKey"))
    assert "⏎/Esc" in shown and "Back" in shown and "Detail" not in shown
    # every key of the footer fits at 80 columns (it ended "t Tria▏")
    keys = list(footer.query("FooterKey"))
    right = min(w.region.x for w in footer.query("FooterKey") if "palette" in str(w.render()))
    assert all(w.region.right <= right for w in keys if "palette" not in str(w.render()))
    assert all(w.region.width >= len(str(w.render()).strip()) for w in keys)
    await pilot.press("enter")
    await pilot.pause()
    assert app.screen.maximized is None and app.focused is app.table
    shown = " ".join(str(w.render()) for w in footer.query("FooterKey"))
    assert "Detail" in shown and "Back" not in shown


@pytest.mark.size(60, 20)
async def test_help_and_quit_stay_in_the_footer_on_a_60_column_terminal(pilot):
    """The footer cuts from the right on narrow terminals: help and quit come first."""
    from tests.support.pilot import wait_for

    def shown() -> list[str]:
        keys = [k for k in pilot.app.screen.query("FooterKey") if k.region.width]
        return [k.description for k in keys if k.region.right <= 60]

    # The footer is laid out after the first refresh's repaint: wait for its keys.
    await wait_for(pilot, lambda: len(shown()) >= 2)
    assert shown()[:2] == ["Help", "Quit"]


def test_a_worker_forgets_its_job_once_it_ran():
    import weakref

    from fleettui.ui.poll_loop import once

    class Job:
        pass

    job, seen = Job(), []
    run = once(seen.append, job)
    ref = weakref.ref(job)
    del job
    assert ref() is not None  # held until the worker runs
    run()
    seen.clear()
    assert ref() is None  # the finished worker's closure holds nothing of it
