"""At 80 columns (an on-call engineer over SSH) the header's desk state stays on the line:
the push's details give way first. Found trying `fleettui --demo --desk` at 80x24, where
"push ✗ receiver down · no receiver on the desk" pushed "desk ● 2 online" off the edge."""

from __future__ import annotations

from textual.app import App, ComposeResult

from fleettui.monitor.connection import ConnectionState
from fleettui.monitor.header_state import HeaderState
from fleettui.ui.widgets.header import FleetHeader

PUSH = "push ✗ receiver down · no receiver on the desk · 3 seen"


class HeaderApp(App[None]):
    def compose(self) -> ComposeResult:
        yield FleetHeader()


def state(push: str) -> HeaderState:
    conn = ConnectionState()
    conn.record_ok()
    return HeaderState(
        account="demo",
        environment="demo",
        push=push,
        push_alert=True,
        desk="desk ● 2 online",
        connection=conn,
    )


async def test_at_80_columns_the_desk_state_stays_and_the_push_keeps_its_words():
    app = HeaderApp()
    async with app.run_test(size=(80, 24)) as pilot:
        header = app.query_one(FleetHeader)
        header.show(state(PUSH))
        await pilot.pause()
        first = header.build(header.size.width).split("\n")[0]
        assert first.cell_len <= header.size.width
        assert "desk ● 2 online" in first.plain
        assert "push ✗ receiver down" in first.plain
        assert "no receiver" not in first.plain


async def test_a_wide_terminal_keeps_the_push_details():
    app = HeaderApp()
    async with app.run_test(size=(160, 24)) as pilot:
        header = app.query_one(FleetHeader)
        header.show(state(PUSH))
        await pilot.pause()
        first = header.build(header.size.width).split("\n")[0].plain
        assert PUSH in first and "desk ● 2 online" in first
