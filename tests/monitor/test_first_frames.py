"""The screens ctrl+p, `t`, `T` and `!` open draw their first frame (the title, the
palette's search box) before their heavy work starts: the command list, the grouping,
the statistics, the log's lines (issue 21: the key must answer at once, the rest may
follow). Asserted as an order of events, never as a time: what had been painted when
the heavy work began."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.command import CommandInput, CommandList, CommandPalette
from textual.widget import Widget

import fleettui.ui.screens.triage as triage_screen
from fleettui.ui.screens.notifications import NotificationLogScreen
from tests.support.pilot import wait_for


@pytest.fixture
def painted(monkeypatch) -> set[str]:
    """The ids of the widgets the compositor has asked to draw so far."""
    seen: set[str] = set()
    render_lines = Widget.render_lines

    def spy(self: Widget, crop: Any) -> Any:
        if self.id:
            seen.add(self.id)
        return render_lines(self, crop)

    monkeypatch.setattr(Widget, "render_lines", spy)
    return seen


def when(order: list[bool], painted: set[str], widget_id: str, work: Callable) -> Callable:
    """`work`, noting first whether `widget_id` had been drawn when it was called."""

    def run(*args: Any, **kwargs: Any) -> Any:
        order.append(widget_id in painted)
        return work(*args, **kwargs)

    return run


@pytest.mark.size(120, 36)
async def test_the_palette_draws_its_search_box_before_it_lists_the_commands(pilot, monkeypatch):
    # Textual hides the palette's box until every command is gathered and listed.
    listed_when_drawn: list[int] = []
    render_line = CommandInput.render_line

    def spy(self: CommandInput, y: int) -> Any:
        if not listed_when_drawn:
            listed_when_drawn.append(self.screen.query_one(CommandList).option_count)
        return render_line(self, y)

    monkeypatch.setattr(CommandInput, "render_line", spy)
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, CommandPalette)
            and app.screen.query_one(CommandList).option_count > 0
        ),
    )
    assert listed_when_drawn == [0]


@pytest.mark.size(120, 36)
async def test_triage_draws_its_title_before_it_groups(pilot, monkeypatch, painted):
    order: list[bool] = []
    monkeypatch.setattr(
        triage_screen,
        "build_board",
        when(order, painted, "triage-title", triage_screen.build_board),
    )
    app = pilot.app
    await pilot.press("t")
    await wait_for(pilot, lambda: bool(order) and "Triage ·" in title(app, "#triage-title"))
    assert order[0] is True


@pytest.mark.size(120, 36)
async def test_statistics_draw_their_title_before_they_compute(pilot, monkeypatch, painted):
    order: list[bool] = []
    app = pilot.app
    history = app.monitor.history
    monkeypatch.setattr(history, "stats", when(order, painted, "stats-title", history.stats))
    await pilot.press("T")
    await wait_for(pilot, lambda: bool(order) and "computing" not in title(app, "#stats-title"))
    assert order[0] is True


@pytest.mark.size(120, 36)
async def test_the_notification_log_draws_its_title_before_it_fills(pilot, monkeypatch, painted):
    order: list[bool] = []
    monkeypatch.setattr(
        NotificationLogScreen,
        "_matching",
        when(order, painted, "notices-title", NotificationLogScreen._matching),
    )
    app = pilot.app
    app.notify("one notice, so the log has a line")
    await pilot.press("exclamation_mark")
    await wait_for(pilot, lambda: bool(order))
    assert order[0] is True


def title(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector).render())
