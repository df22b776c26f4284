"""The monitor on a shared desk, through Textual's Pilot, on a real PostgreSQL: the keys
claim, note and hand over; what another person does shows in the Claimed column, the
detail pane and the `claimed:` filter without a refresh; the handover screen; and with
the desk down at start the monitor opens, says so and keeps what is typed."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import TextArea

from fleettui.core.states import State
from fleettui.desk.settings import DeskSettings
from fleettui.desk.store import Desk
from fleettui.monitor.desk_control import DeskControl
from fleettui.monitor.desk_link import DeskLink
from fleettui.monitor.desk_outbox import Outbox, outbox_path
from fleettui.ui.screens.desk_input import DeskInputScreen
from fleettui.ui.screens.handover import HandoverScreen
from tests.support.pilot import header_text, loaded, make_app, on_screen, said, wait_for

#: A deadline against a hang (the desk answers in milliseconds; the machine may be busy).
WAIT = 30.0


def control(settings: DeskSettings, user: str = "ann") -> DeskControl:
    return DeskControl(
        replace(settings, user=user, host=f"{user}-pc"),
        link=lambda s, p, o, v: DeskLink(s, p, o, viewing=v, backoff=(0.2, 0.5)),
    )


def row_line(app, vin: str) -> str:  # noqa: ANN001
    """The table's painted line of `vin` (it must be on screen)."""
    table = app.table
    index = app.monitor.store.index_of(vin)
    assert index is not None
    y = index - int(table.scroll_offset.y) + 1
    return table.render_line(y).text


def pending_vins(app, n: int) -> list[str]:  # noqa: ANN001
    return [r.vin for r in app.monitor.store.view.rows if r.state is State.PENDING][:n]


async def test_claims_notes_and_the_handover_with_another_person(sim, pg_desk) -> None:
    app = make_app(sim, desk=control(pg_desk))
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        desk = app.monitor.desk
        await wait_for(pilot, lambda: desk.mirror.loaded, timeout=WAIT)
        assert "desk ● 1 online" in header_text(app)
        mine, bobs = pending_vins(app, 2)
        app.table.move_cursor_to(mine)
        await pilot.press("m")
        await wait_for(pilot, lambda: desk.mirror.claim_cell(mine) == "me", timeout=WAIT)
        await pilot.pause()
        assert " me " in row_line(app, mine)
        # Another person, on another machine, claims the next one: it shows here.
        with Desk.connect(replace(pg_desk, user="bob", host="bob-pc")) as bob:
            [won] = bob.claim([bobs])
            assert won.ok
            await wait_for(pilot, lambda: " bob " in row_line(app, bobs), timeout=WAIT)
            [lost] = bob.claim([mine])  # mine: bob is told who holds it
            assert not lost.ok and lost.holder == "ann"
        # a note, typed in its dialog (ctrl+s sends), in the desk and the detail pane
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, DeskInputScreen))
        app.screen.query_one(TextArea).insert("rang the driver, no answer")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: desk.mirror.notes_of(mine) == 1, timeout=WAIT)
        with Desk.connect(pg_desk) as reader:
            assert [n.text for n in reader.notes(mine)] == ["rang the driver, no answer"]
        await wait_for(
            pilot,
            lambda: (
                "ann" in app.monitor_screen.detail.text.plain
                and "rang the driver" in app.monitor_screen.detail.text.plain
            ),
            timeout=WAIT,
        )
        pane = app.monitor_screen.detail.text.plain
        assert "Claimed by you" in pane and "✎ you: rang the driver, no answer" in pane
        # the claimed: filter follows the desk without a refresh
        app.monitor_screen.filter_control.apply_filter("claimed:bob")
        await pilot.pause()
        assert [r.vin for r in app.monitor.store.view.rows] == [bobs]
        app.monitor_screen.filter_control.apply_filter("")
        # the handover: who did what, copyable
        await pilot.press("O")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, HandoverScreen) and app.screen.shown is not None,
            timeout=WAIT,
        )
        text = app.screen.shown.text
        assert "ann: claimed 1" in text and "bob: claimed 1" in text
        assert "rang the driver, no answer" in text
        # the monitor recorded the fleet's history on the desk (every monitor does, once)
        with Desk.connect(pg_desk) as reader, reader.conn.tx() as cur:
            cur.execute("SELECT count(*) FROM desk_history")
            assert cur.fetchone()[0] > 0
        await pilot.press("y")
        assert app.clipboard == text
        await pilot.press("escape")


async def test_an_open_triage_board_follows_claims_and_snoozes_made_elsewhere(sim, pg_desk) -> None:
    """Another person claims and snoozes while the board is open: it regroups by itself
    (the holders, the snoozed count), once for the burst, the cursor on its queue."""
    from textual.widgets import OptionList

    from fleettui.ui.screens.triage import TriageScreen

    app = make_app(sim, desk=control(pg_desk))
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: app.monitor.desk.mirror.loaded, timeout=WAIT)
        await pilot.press("t")
        await wait_for(
            pilot, lambda: isinstance(app.screen, TriageScreen) and app.screen.board is not None
        )
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        queue = max(screen.board.queues, key=lambda q: q.count)
        assert queue.count >= 4 and screen.board.snoozed == 0
        olist = screen.query_one(OptionList)
        olist.highlighted = olist.get_option_index(queue.id)
        await pilot.pause()
        built = []
        shown = screen.show_board
        screen.show_board = lambda board: (built.append(board), shown(board))  # type: ignore[method-assign]
        claimed, snoozed = list(queue.vins[:3]), queue.vins[3]
        with Desk.connect(replace(pg_desk, user="bob", host="bob-pc")) as bob:
            bob.claim(claimed)
            bob.snooze([snoozed], None, "waiting for the driver", {snoozed: queue.state.value})

        def followed() -> bool:
            board = screen.board
            q = board.get(queue.id) if board is not None else None
            return (
                board is not None
                and board.snoozed == 1
                and q is not None
                and snoozed not in q.vins
                and dict(q.claimed).get("bob") == 3
            )

        await wait_for(pilot, followed, timeout=WAIT)
        await pilot.pause(0.5)
        assert 1 <= len(built) <= 2  # four desk events, grouped once (or twice)
        assert screen.current_queue().id == queue.id
        line = olist.get_option(queue.id).prompt
        assert "claimed: bob 3" in getattr(line, "plain", str(line))


async def test_the_desk_down_at_start_keeps_what_is_typed(sim, pg_session, tmp_path) -> None:
    settings = DeskSettings("postgresql://ann:secret-pw@127.0.0.1:1/desk", "ann", "test")
    app = make_app(sim, desk=control(settings))
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(pilot)
        desk = app.monitor.desk
        await wait_for(pilot, lambda: desk.mirror.status is not None, timeout=WAIT)
        assert "desk ✗ offline" in header_text(app)
        vin = pending_vins(app, 1)[0]
        app.table.move_cursor_to(vin)
        await pilot.press("m")
        # "1 to send" shows as soon as the key is handled (UI thread); the outbox's "kept"
        # answer comes later from the link's thread: wait for both.
        await wait_for(
            pilot,
            lambda: "1 to send" in header_text(app) and any("kept claim" in t for t in said(app)),
            timeout=WAIT,
        )
        assert "secret-pw" not in " ".join(said(app))
        # a note left with Escape is kept as a draft and offered again
        await pilot.press("i")
        await on_screen(pilot, DeskInputScreen)  # composed: its TextArea exists
        app.screen.query_one(TextArea).insert("half a thought")
        await pilot.press("escape")
        # gone before the next `i`: else that key is typed into the note still on screen
        await wait_for(pilot, lambda: not isinstance(app.screen, DeskInputScreen), timeout=WAIT)
        await pilot.press("i")
        await on_screen(pilot, DeskInputScreen)
        assert app.screen.query_one(TextArea).text == "half a thought"
        await pilot.press("escape")
    on_disk = Outbox(outbox_path(desk.settings.shown, "ann")).items()
    assert [(p.kind, p.vins) for p in on_disk] == [("claim", (vin,))]


@pytest.mark.parametrize(
    "key,says",
    [
        ("m", "claim the vehicle"),
        ("M", "release your claim"),
        ("H", "hand the claim"),
        ("i", "write a note"),
        ("z", "hide from the triage queues"),
        ("Z", "Unsnooze"),
        ("O", "unclaimed and urgent"),
    ],
)
def test_the_desk_keys_are_in_the_help(sim, key: str, says: str) -> None:
    rows = dict(make_app(sim).key_rows())
    assert says in rows.get(key, "")
