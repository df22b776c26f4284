"""Focus you can see without colour (issue 21): with NO_COLOR, and with only the 16 ANSI
colours, every focused or selected thing is drawn in reverse video or underlined, and
nothing else around it is. Read from what the screen draws (`Screen.get_style_at`, the
final style of a cell after Textual's NO_COLOR filter), not from the widgets' CSS."""

from __future__ import annotations

import pytest
from textual.command import CommandPalette
from textual.widgets import Button, OptionList

from fleettui.ui.screens.confirm import ConfirmScreen
from fleettui.ui.screens.notifications import NotificationLogScreen
from fleettui.ui.screens.sort_menu import SortMenu
from tests.support.pilot import PEUGEOT_PENDING, wait_for

pytestmark = pytest.mark.size(100, 30)

MODES = {"no-colour": {"NO_COLOR": "1"}, "16-colours": {"TERM": "xterm"}}


@pytest.fixture(params=sorted(MODES))
def plain(request, monkeypatch) -> str:
    """The terminal without colour or with 16 (ask for it before `pilot`: it sets the
    environment the app reads when it starts)."""
    for key, value in MODES[request.param].items():
        monkeypatch.setenv(key, value)
    return request.param


def marked(app, x: int, y: int) -> bool:
    """The cell is drawn reversed or underlined."""
    style = app.screen.get_style_at(x, y)
    return bool(style.reverse or style.underline)


def only_highlighted_marked(app, menu: OptionList) -> bool:
    """Exactly one line of the list is marked: its highlighted option's."""
    lines = [row_marked(app, menu.content_region, line) for line in range(menu.option_count)]
    return lines.count(True) == 1 and lines[menu.highlighted]


def row_marked(app, region, line: int) -> bool:
    """Most cells of a line of `region` (a widget's content) are marked."""
    xs = range(region.x + 1, region.x + region.width - 2)
    return sum(marked(app, x, region.y + line) for x in xs) > len(xs) // 2


async def test_the_first_screen_shows_its_cursor_row_and_only_it(plain, pilot):
    app = pilot.app
    assert app.native_ansi_color  # the app started in the terminal `plain` set up
    await pilot.pause()
    table = app.table
    region = table.content_region
    assert table.cursor == 0 and app.focused is table
    assert row_marked(app, region, 1)  # line 0 is the header
    assert not any(row_marked(app, region, line) for line in range(2, 8))


async def test_the_sort_menu_and_the_notification_log_show_their_selection(plain, pilot):
    app = pilot.app
    await pilot.press("s")
    await wait_for(pilot, lambda: isinstance(app.screen, SortMenu))
    await pilot.pause()
    menu = app.screen.query_one(OptionList)
    assert only_highlighted_marked(app, menu)
    await pilot.press("j")
    await pilot.pause()
    assert only_highlighted_marked(app, menu)
    await pilot.press("escape")
    app.notify("one")
    app.notify("two")
    await pilot.press("exclamation_mark")
    await wait_for(pilot, lambda: isinstance(app.screen, NotificationLogScreen))
    await pilot.pause()
    log = app.screen.query_one(OptionList)
    await wait_for(pilot, lambda: log.option_count >= 2)
    assert only_highlighted_marked(app, log)


async def test_the_command_palette_shows_its_selection(plain, pilot):
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    palette = app.screen
    await wait_for(pilot, lambda: palette.query_one(OptionList).option_count > 2)
    await pilot.press("down")
    await pilot.pause()
    results = palette.query_one(OptionList)
    region = results.content_region
    assert results.highlighted is not None
    lines = [row_marked(app, region, y) for y in range(region.height)]
    assert 1 <= lines.count(True) <= 2  # one option: its name and its key's line


@pytest.mark.test_vehicles
async def test_the_dialogs_focused_button_and_only_it_is_reversed(plain, pilot):
    app = pilot.app
    app.table.move_cursor_to(PEUGEOT_PENDING)
    await pilot.press("c")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
    await pilot.pause()
    buttons = list(app.screen.query(Button))
    for _ in range(2 * len(buttons) + 1):  # Tab never rests where focus cannot show
        focused = app.focused
        assert focused in buttons
        for button in buttons:
            r = button.content_region
            label = [marked(app, x, r.y) for x in range(r.x, r.x + r.width)]
            assert any(label) is (button is focused), (button.id, focused.id)
        await pilot.press("tab")
        await pilot.pause()
