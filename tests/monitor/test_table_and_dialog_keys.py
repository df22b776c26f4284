"""Keys a k9s/less user reaches for, in the table and dialogs (Pilot, small host apps):
space marks and moves down, v marks a range, ctrl+f/ctrl+b page, n/N jump between matches
without filtering, left/right scroll long reasons and tags, headers never cut; dialogs
answer to y/n/Esc/q and say so; help scrolls with j/k; exports go to the export folder."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual.widgets import Footer, Static

from fleettui.config.paths import export_dir
from fleettui.core.query import parse_query
from fleettui.ui.screens.confirm import ConfirmScreen
from fleettui.ui.screens.export import default_export_path
from fleettui.ui.screens.help import HelpScreen
from fleettui.ui.widgets.fleet_columns import header_text, layout_columns
from fleettui.ui.widgets.fleet_table import FleetTable
from tests.support.fleets import small_fleet, vdict
from tests.support.screen_app import Host
from tests.support.table import TableApp, lines, many, store_of


async def test_space_marks_and_moves_down_and_v_marks_a_range():
    app = TableApp(store_of(many(30)))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FleetTable)
        rows = [table.store.row(i).vin for i in range(30)]
        await pilot.press("space", "space", "space")
        assert table.marked == set(rows[:3]) and table.cursor == 3
        await pilot.press("j", "j", "j", "j", "v")  # from the last marked (row 2) to row 7
        assert table.marked == set(rows[:8])
        await pilot.press("G", "v")
        assert table.marked == set(rows)


async def test_ctrl_f_and_ctrl_b_page():
    app = TableApp(store_of(many(100)))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FleetTable)
        await pilot.press("ctrl+f")
        page = table.cursor
        assert page > 10
        await pilot.press("ctrl+f", "ctrl+b")
        assert table.cursor == page


class SearchApp(TableApp):
    def __init__(self, store) -> None:
        super().__init__(store)
        self.misses: list[str] = []

    def on_fleet_table_search_missed(self, m: FleetTable.SearchMissed) -> None:
        self.misses.append(m.reason)


async def test_n_and_shift_n_jump_between_matches_without_filtering():
    app = SearchApp(store_of(small_fleet()))
    misses = app.misses
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FleetTable)
        shown = len(table.store)
        await pilot.press("n")
        await pilot.pause()
        assert misses and misses[-1].startswith("No search yet")
        table.search = parse_query("state:pending")
        table.sort_by("vin", False)
        await pilot.press("g")
        pending = [
            table.store.row(i).vin
            for i in range(shown)
            if table.store.row(i).state.value == "pending"
        ]
        await pilot.press("n")
        assert table.cursor_vin == pending[0] and len(table.store) == shown  # nothing filtered
        await pilot.press("n")
        assert table.cursor_vin == pending[1]
        await pilot.press("n")  # wraps, and says so
        await pilot.pause()
        assert table.cursor_vin == pending[0] and "wrapped" in misses[-1]
        await pilot.press("N")
        await pilot.pause()
        assert table.cursor_vin == pending[1]
        table.search = parse_query("nothing-like-this")
        await pilot.press("n")
        await pilot.pause()
        assert misses[-1] == "'nothing-like-this': no row matches."


async def test_left_right_scroll_long_reasons_and_tags_sideways():
    long_reason = "the provider could not reach the vehicle after several days of retrying " * 2
    fleet = [
        vdict(
            "WBA00000000000001",
            "rejected",
            reason=long_reason,
            tags={"depot": "north-" * 10 + "end"},
        )
    ]
    app = TableApp(store_of(fleet))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(FleetTable)
        await pilot.pause()
        before = lines(table, 2)[1]
        assert "several days" not in before
        for _ in range(4):
            await pilot.press("right")
        await pilot.pause()
        header, row = lines(table, 2)
        assert "Reason +40" in header and "…" in row and "several days" in row
        await pilot.press("left", "left", "left", "left", "left")
        await pilot.pause()
        assert lines(table, 2)[1] == before and table.text_shift == 0


def test_headers_never_cut_at_80_columns():
    for col in layout_columns(80):
        for descending in (False, True):
            text = header_text(col.key, col.key, descending, col.width)
            assert "…" not in text and len(text) <= col.width, text
    assert header_text("time", "time", True, 9) == "In state▼"


async def _answer(keys: list[str], **kw) -> list:
    app = Host(ConfirmScreen("Cancel WBA…01?", ["It stays cancelled."], **kw))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()
    return app.results


async def test_dialog_answers_to_y_n_escape_and_q():
    assert await _answer(["y"]) == [True]
    assert await _answer(["n"]) == [False]
    assert await _answer(["escape"]) == [False]
    assert await _answer(["q"]) == [False]
    assert await _answer(["enter"]) == [False]  # Enter presses the highlighted "No"
    assert await _answer(["left", "enter"]) == [True]


async def test_typed_confirmation_ignores_y_but_q_and_escape_close():
    assert await _answer(["y", "enter"], require="AB12") == []  # y was typed, not an answer
    assert await _answer(["q"], require="AB12") == [False]
    assert await _answer(["a", "b", "1", "2", "enter"], require="AB12") == [True]


async def test_dialog_says_its_keys_in_the_body_and_footer():
    app = Host(ConfirmScreen("Cancel?", ["body"]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        hint = app.screen.query_one("#confirm-keys", Static).render()
        assert "y sends" in str(hint) and "Esc" in str(hint)
        keys = {b.binding.key for b in app.screen.active_bindings.values() if b.binding.show}
        assert {"y", "n", "escape"} <= keys and app.screen.query(Footer)
    typed = Host(ConfirmScreen("Revoke?", ["body"], require="AB12"))
    async with typed.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        hint = str(typed.screen.query_one("#confirm-keys", Static).render())
        assert "Type AB12, then Enter sends" in hint
        shown = {
            b.binding.key
            for b in typed.screen.active_bindings.values()
            if b.binding.show and typed.screen.check_action(b.binding.action, ())
        }
        assert "y" not in shown and "n" not in shown


async def test_help_scrolls_with_j_and_k():
    rows = [(f"key{i}", f"does thing {i}") for i in range(80)]
    app = Host(HelpScreen(rows))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#help-box")
        await pilot.press("j", "j", "j")
        assert box.scroll_y == 3
        await pilot.press("k")
        assert box.scroll_y == 2
        await pilot.press("ctrl+f")
        assert box.scroll_y > 10
        await pilot.press("g")
        assert box.scroll_y == 0
        await pilot.press("q")
        await pilot.pause()
    assert app.results == [None]


def test_exports_go_to_the_export_folder_not_the_current_one(isolated_dirs):
    path = default_export_path(datetime(2026, 11, 1, 13, 5, 0))
    assert path == Path(isolated_dirs["export"]) / "fleet-20261101-130500.csv"
    assert path.parent == export_dir() and path.parent.is_dir()
    assert Text  # noqa: B018 - imported for the hint checks


def test_header_says_how_many_marks_the_filter_hides():
    from fleettui.core.states import State
    from fleettui.monitor.header_state import HeaderState
    from fleettui.ui.widgets.header import counts_text

    h = HeaderState(
        shown={State.PENDING: 2},
        total={State.PENDING: 5},
        shown_count=2,
        total_count=5,
        loaded=True,
        marked=3,
        marked_hidden=1,
    )
    assert "● 3 marked, 1 hidden" in counts_text(h).plain
    assert " 3 marked, 1 hidden" in counts_text(h, "short").plain
    h.marked_hidden = 0
    assert "hidden" not in counts_text(h).plain
