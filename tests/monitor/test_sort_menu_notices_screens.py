"""The sort menu and the notification log screen, each in a tiny host app with Pilot."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import Input, OptionList

from fleettui.core.notices import ERROR, NoticeLog
from fleettui.ui.screens.notifications import NotificationLogScreen, ShowVins
from fleettui.ui.screens.sort_menu import SortChoice, SortMenu
from tests.support.screen_app import Host

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


async def _sort(keys: list[str], current=("state", False)):
    app = Host(SortMenu(current))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*keys)
        await pilot.pause()
    return app.results


async def test_a_letter_sorts_by_that_column_in_one_key():
    assert await _sort(["v"]) == [SortChoice("vin", False)]
    assert await _sort(["i"]) == [SortChoice("time", True)]  # longest in state first
    assert await _sort(["s"]) == [SortChoice("state", True)]  # the current column flips
    assert await _sort(["o"]) == [SortChoice("time", True, only_state="pending")]


async def test_arrows_or_jk_then_enter_and_escape_or_q_close():
    assert await _sort(["down", "enter"]) == [SortChoice("reason", False)]
    assert await _sort(["j", "j", "k", "enter"]) == [SortChoice("reason", False)]
    assert await _sort(["escape"]) == [None]
    assert await _sort(["q"]) == [None]


async def test_the_menu_shows_every_column_and_the_direction_in_force():
    app = Host(SortMenu(("time", True)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        menu = app.screen.query_one(OptionList)
        labels = [str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]
        assert [label.split()[0] for label in labels] == ["v", "b", "s", "r", "i", "t", "o"]
        assert labels[4].endswith("▼ now") and menu.highlighted == 4


def _log() -> NoticeLog:
    log = NoticeLog()
    log.add("rejected", "WBA1 rejected: unspecified", vins=["WBA1"], at=AT)
    log.add("rejected", "6 vehicles rejected", vins=[f"VF3{i}" for i in range(6)], at=AT)
    log.add("refresh", "refresh failed: connection refused", severity=ERROR, at=AT)
    return log


async def test_log_lists_newest_first_and_shows_a_notices_vehicles():
    log = _log()
    app = Host(NotificationLogScreen(log))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        menu = app.screen.query_one("#notices-list", OptionList)
        assert menu.option_count == 3
        assert "refresh failed" in str(menu.get_option_at_index(0).prompt)
        await pilot.press("j", "f")
        await pilot.pause()
    assert app.results == [ShowVins(tuple(f"VF3{i}" for i in range(6)))]


async def test_log_mutes_a_kind_but_never_errors():
    log = _log()
    app = Host(NotificationLogScreen(log))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("m")  # the error: refused
        assert log.muted == frozenset()
        await pilot.press("j", "m")
        assert log.is_muted("rejected")
        menu = app.screen.query_one("#notices-list", OptionList)
        assert str(menu.get_option_at_index(1).prompt).endswith("(muted)")
        assert menu.highlighted == 1
        await pilot.press("m")
        assert not log.is_muted("rejected")
        await pilot.press("q")
        await pilot.pause()
    assert app.results == [None]


async def test_log_search_narrows_and_escape_clears_before_closing():
    app = Host(NotificationLogScreen(_log()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"wba1")
        await pilot.pause()
        menu = app.screen.query_one("#notices-list", OptionList)
        assert menu.option_count == 1
        await pilot.press("escape")
        await pilot.pause()
        assert menu.option_count == 3 and not app.screen.query_one(Input).display
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_log_opened_for_some_vins_shows_only_their_notices():
    app = Host(NotificationLogScreen(_log(), vins=["vf32"]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#notices-list", OptionList).option_count == 1
