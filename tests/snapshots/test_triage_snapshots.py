"""SVG snapshots of the triage and statistics screens at 120x40 and 80x24 without colour.
Deterministic: the seeded fleet on a frozen simulated clock.
Regenerate after an intended change with
`pytest tests/snapshots/test_triage_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest

from fleettui.triage.stats import stats_from_changelogs
from fleettui.ui.screens.stats import StatsScreen
from fleettui.ui.screens.triage import TriageScreen
from tests.support.fleets import seeded
from tests.support.screen_app import ScreenApp

pytestmark = pytest.mark.snapshot

WIDE = (120, 40)
SMALL = (80, 24)


def triage_app() -> ScreenApp:
    engine, store = seeded(300)
    return ScreenApp(lambda: TriageScreen(store.snapshot.order, engine.now()))


def stats_app() -> ScreenApp:
    engine, store = seeded(300)
    rows = store.snapshot.order
    return ScreenApp(lambda: StatsScreen(lambda: stats_from_changelogs(rows, engine.now())))


async def _triage_ready(pilot) -> None:  # noqa: ANN001
    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, TriageScreen) and screen.board is not None:
            break
        await pilot.pause(0.05)
    await pilot.pause()


async def _stats_ready(pilot) -> None:  # noqa: ANN001
    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, StatsScreen) and screen.stats is not None:
            break
        await pilot.pause(0.05)
    await pilot.pause()


def test_triage_120x40(snap_compare):
    assert snap_compare(triage_app(), terminal_size=WIDE, run_before=_triage_ready)


def test_triage_80x24_no_color(snap_compare, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(triage_app(), terminal_size=SMALL, run_before=_triage_ready)


def test_stats_120x40(snap_compare):
    assert snap_compare(stats_app(), terminal_size=WIDE, run_before=_stats_ready)


def test_stats_80x24_no_color(snap_compare, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(stats_app(), terminal_size=SMALL, run_before=_stats_ready)
