"""The monitor under `fleettui serve` (Textual's web driver): export is a download to the
browser, never a file on the server's disk, and copy says it went to the browser's
clipboard, and a tab's pinned profile cannot be switched. Pilot with `is_web` switched on;
the real browser is in test_web_browser."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from fleettui.ui.app import FleetApp
from fleettui.ui.copy_export import EXPORT_DELIVERY
from fleettui.ui.screens.export import ExportScreen
from tests.support.pilot import (
    KIA_APPROVED,
    filter_to,
    loaded,
    make_app,
    said,
    seed_test_vehicles,
    wait_for,
)


@pytest.fixture
def web_app(sim, monkeypatch):
    monkeypatch.setattr(FleetApp, "is_web", property(lambda self: True))
    delivered: list[dict] = []

    def deliver_text(self, path_or_file, **kw):  # noqa: ANN001, ANN202 - App.deliver_text
        delivered.append({"text": path_or_file.read(), **kw})
        return "key"

    monkeypatch.setattr(FleetApp, "deliver_text", deliver_text)
    seed_test_vehicles(sim)
    app = make_app(sim)
    app.delivered = delivered
    return app


async def test_export_in_a_browser_is_a_download_of_the_rows_shown(web_app, isolated_dirs):
    app = web_app
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await filter_to(pilot, "state:approved")
        shown = [row.vehicle.vin for row in app.monitor.store.view.rows]
        await pilot.press("e")
        await wait_for(pilot, lambda: bool(app.delivered))
        assert not isinstance(app.screen, ExportScreen)  # no server path to type
        [download] = app.delivered
        assert download["mime_type"] == "text/csv" and download["name"] == EXPORT_DELIVERY
        assert download["save_filename"].startswith("fleet-") and download[
            "save_filename"
        ].endswith(".csv")
        rows = list(csv.reader(io.StringIO(download["text"], newline="")))
        assert rows[0][0] == "vin" and [r[0] for r in rows[1:]] == shown
        await wait_for(
            pilot, lambda: any(n.startswith(f"Exported {len(shown)} rows") for n in said(app))
        )
    assert not any(Path(isolated_dirs["export"]).iterdir())


async def test_copy_in_a_browser_names_the_browsers_clipboard(web_app):
    app = web_app
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await filter_to(pilot, KIA_APPROVED)
        await pilot.press("y")
        assert app.clipboard == KIA_APPROVED
        assert f"Copied {KIA_APPROVED} to the browser's clipboard." in said(app)


async def test_a_failed_download_says_so(web_app):
    from textual import events

    app = web_app
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        app.post_message(events.DeliveryFailed("key", OSError("broken pipe"), name=EXPORT_DELIVERY))
        await wait_for(pilot, lambda: any("The download failed" in n for n in said(app)))


async def test_a_pinned_session_does_not_switch_profiles(sim_profile):
    """Every `fleettui serve` tab runs with --pin-profile: a tab on the demo must not open
    the operator's real profiles from config.toml (some keep their secret inline)."""
    app = make_app(sim_profile, pinned=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        before = app.monitor.account_name
        await pilot.press("P")
        await wait_for(pilot, lambda: any("--pin-profile" in n for n in said(app)))
        assert app.screen is app.screen_stack[0]  # no profile list offered
        assert app.monitor.account_name == before
