"""The webhook health panel and screen, through Pilot in a small app of their own."""

from __future__ import annotations

import time

from textual.app import App, ComposeResult

from fleettui.ui.screens.webhook_health import WebhookHealthScreen
from fleettui.ui.widgets.webhook_health import WebhookHealthPanel
from fleettui.webhooks.health import HealthSnapshot

NOW = 1_800_000_000.0


class PanelApp(App[None]):
    def __init__(self, snapshot: HealthSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot

    def compose(self) -> ComposeResult:
        yield WebhookHealthPanel(mode="in-process", id="panel")


def _healthy(**kw) -> HealthSnapshot:  # noqa: ANN003
    base = dict(
        listening="http://127.0.0.1:8787/hooks/hm",
        last_ping=NOW - 600,
        last_delivery=NOW - 12,
        per_hour=14,
        accepted=13,
        pings=1,
        duplicates=2,
        heartbeat=NOW - 1,
    )
    return HealthSnapshot(**{**base, **kw})


async def test_panel_shows_every_counter_and_repaints_only_on_change():
    app = PanelApp(_healthy())
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(WebhookHealthPanel)
        assert panel.show(_healthy(), NOW)
        await pilot.pause()
        text = panel.text
        assert "✓ receiving" in text
        assert "Receiver: http://127.0.0.1:8787/hooks/hm  (in-process)" in text
        assert "Deliveries/hour: 14" in text and "Duplicates: 2" in text
        assert "Last delivery" in text and "(10s ago)" in text
        assert not panel.show(_healthy(), NOW + 1)  # same coarse age: nothing to repaint
        assert panel.show(_healthy(), NOW + 60)
        assert "✗ receiver not running" in panel.text  # no heartbeat for a minute
        assert panel.show(
            _healthy(bad_signatures=3, last_bad_signature=NOW, heartbeat=NOW + 59), NOW + 60
        )
        assert "! attention" in panel.text and "Bad signatures: 3 (last" in panel.text
        silent = _healthy().with_monitor(disagreements=4, push_silent=True)
        assert panel.show(silent, NOW)
        assert "no delivery announced" in panel.text and "Disagreements: 4" in panel.text
        assert panel.show(HealthSnapshot(), NOW)
        assert "✗ receiver not running" in panel.text


async def test_screen_opens_updates_and_closes_with_escape():
    app = PanelApp(_healthy())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = WebhookHealthScreen(_healthy(heartbeat=time.time()), mode="attached")
        app.push_screen(screen)
        await pilot.pause()
        assert app.screen is screen
        assert "(attached)" in screen.panel.text
        screen.show(_healthy(per_hour=99, heartbeat=time.time()))
        await pilot.pause()
        assert "Deliveries/hour: 99" in screen.panel.text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_panel_reads_without_colour(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = PanelApp(_healthy())
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(WebhookHealthPanel)
        panel.show(HealthSnapshot(listening="\x1b[31mevil\x07"), NOW)
        await pilot.pause()
        assert "✗ receiver not running" in panel.text  # a glyph and a word, not a colour
        assert "\x1b" not in panel.text and "evil" in panel.text
