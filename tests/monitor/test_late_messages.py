"""A worker's message handled while the app is being torn down (its screens already
popped) must not crash it: a push health reading raised ScreenStackError from
PushFlow.health once the screen stack was empty (seen under load in the desk tests'
teardown), and a data-checks notice would from ToastTally.show. Provoked here
deterministically: the app is run, closed, and then handed each message. A triage board
grouped on a worker (and the statistics computed on one) can likewise reach its screen
after `Esc` dismissed it, and the `u` summary read on a worker can reach the app after its
screens are gone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fleettui.monitor.updates import Notice
from fleettui.triage.since import SinceSummary
from fleettui.ui.messages import ChangesListed, PushHealth
from fleettui.ui.screens.stats import StatsScreen
from fleettui.ui.screens.triage import TriageScreen
from fleettui.webhooks.health import HealthSnapshot
from tests.support.pilot import loaded, make_app, on_screen, said, wait_for


async def test_a_push_health_reading_after_the_screens_are_gone_is_ignored(sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
    assert not app.screen_stack  # torn down: App.screen would raise
    app._push_health(PushHealth(HealthSnapshot(), app.monitor.generation))


async def test_a_data_notice_after_the_screens_are_gone_goes_to_the_log(sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
    assert not app.screen_stack
    app.notification_path.notice(
        Notice("1 car: privacy mode blocks data", title="Data", kind="data")
    )
    assert "1 car: privacy mode blocks data" in said(app)


async def test_a_changes_summary_after_the_screens_are_gone_is_told_not_raised(sim) -> None:
    app = make_app(sim)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
    assert not app.screen_stack
    since = datetime(2026, 1, 1, tzinfo=UTC)
    app._changes_listed(
        ChangesListed(SinceSummary(since, None, newly_stuck=("WBA00000000000001",)))
    )
    assert any("u on the table shows them" in line for line in said(app))


@pytest.mark.parametrize(
    ("key", "screen_type", "result", "show"),
    [
        ("t", TriageScreen, "board", "show_board"),  # the board grouped on a worker
        ("T", StatsScreen, "stats", "show_stats"),  # the statistics computed on one
    ],
)
async def test_a_workers_answer_after_its_screen_was_dismissed_is_dropped(
    sim, key: str, screen_type: type, result: str, show: str
) -> None:
    app = make_app(sim)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press(key)
        await on_screen(pilot, screen_type)
        screen = app.screen
        assert isinstance(screen, screen_type)
        await wait_for(pilot, lambda: getattr(screen, result) is not None)
        answer = getattr(screen, result)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is app.monitor_screen)
        await pilot.pause()
        getattr(screen, show)(answer)  # the worker's call_from_thread, queued before the Esc
        assert app.screen is app.monitor_screen
