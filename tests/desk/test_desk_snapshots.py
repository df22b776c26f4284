"""SVG snapshots of the shared desk in the monitor: the Claimed column (with the desk in the
header and the detail pane) and the handover screen, in colour and without (NO_COLOR).
Deterministic: the seeded simulator on a frozen clock, and the desk's state handed in as
the link would post it (a stand-in link with fixed times; the real link is tested on a
real PostgreSQL in test_desk_app.py). Regenerate after an intended change with
`pytest tests/desk/test_desk_snapshots.py --snapshot-update`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from fleettui.core.states import State
from fleettui.core.text import hang_wrap
from fleettui.desk.handover import handover_text
from fleettui.desk.model import DeskEvent, DeskStatus, HandoverReport, Note, Person, WorkState
from fleettui.desk.settings import DeskSettings
from fleettui.monitor.desk_control import DeskControl
from fleettui.monitor.desk_handover import HandoverRead
from fleettui.monitor.desk_outbox import Outbox
from fleettui.monitor.desk_results import DeskLoaded, DeskTimeline
from fleettui.ui.messages import DeskArrived
from fleettui.ui.screens.handover import HandoverScreen
from tests.support.pilot import loaded, make_app, wait_for
from tests.support.screen import screen_lines
from tests.support.screen_app import ScreenApp

pytestmark = pytest.mark.snapshot

WIDE = (120, 36)
SMALL = (80, 24)
AT = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
UNTIL = AT + timedelta(days=3)


class StandInLink:
    """What the real DeskLink is to the controller, with nothing behind it."""

    def __init__(self, *args: object) -> None:
        pass

    def start(self) -> None:
        pass

    def submit(self, pending: object) -> None:
        pass

    def viewing(self, vin: str | None) -> None:
        pass

    def stop(self) -> None:
        pass


def desk_control(tmp_path) -> DeskControl:  # noqa: ANN001
    settings = DeskSettings("postgresql://ana@desk.example/fleet", "ana", "test", host="ana-pc")
    return DeskControl(
        settings, Outbox(tmp_path / "outbox.json"), clock=lambda: AT, link=StandInLink
    )


async def _claims_shown(pilot) -> None:  # noqa: ANN001
    """The first rows claimed by ana (me), ben and ana; ben looks at the first."""
    app = pilot.app
    await loaded(pilot)
    rows = [r for r in app.monitor.store.view.rows if r.state is State.PENDING][:4]
    first, second, third, fourth = (r.vin for r in rows)
    work = {
        first: WorkState(
            first,
            "ana",
            AT,
            UNTIL,
            notes=1,
            last_note=Note(1, first, "ben", AT, "Driver says the car is in the garage"),
        ),
        second: WorkState(second, "ben", AT, UNTIL),
        fourth: WorkState(fourth, "carla", AT, UNTIL),
    }
    people = [Person("ana", "ana-pc", AT, first), Person("ben", "ben-pc", AT, first)]
    app.post_message(DeskArrived(DeskLoaded(work, people, DeskStatus("online", AT))))
    events = (
        DeskEvent(
            1,
            "claim",
            first,
            "ana",
            AT,
            {"claimed_by": "ana", "expires_at": "2026-12-09T20:00:00Z"},
        ),
        DeskEvent(
            2,
            "note",
            first,
            "ben",
            AT + timedelta(minutes=5),
            {"note_id": 1, "text": "Driver says the car is in the garage"},
        ),
    )
    app.post_message(DeskArrived(DeskTimeline(first, events)))
    app.table.move_cursor_to(first)
    await wait_for(
        pilot, lambda: app.monitor.desk.mirror.loaded and first in app.monitor.desk.timelines
    )
    app.clear_notifications()
    assert third not in work  # one pending row left unclaimed, blank in the column
    await pilot.pause()


def test_claimed_column(snap_compare, sim, tmp_path):
    app = make_app(sim, desk=desk_control(tmp_path))
    assert snap_compare(app, terminal_size=WIDE, run_before=_claims_shown)


def test_claimed_column_80x24_no_color(snap_compare, sim, tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(sim, desk=desk_control(tmp_path))
    assert snap_compare(app, terminal_size=SMALL, run_before=_claims_shown)


def handover_read(hours: float) -> HandoverRead:
    vins = ("VF3AAAAA0NC000001", "WBAAAAAA0NC000002", "WVWAAAAA0NC000003")
    report = HandoverReport(
        since=AT - timedelta(hours=hours),
        until=AT,
        by_person={
            "ana": {"claim": vins[:2], "note": vins[:1]},
            "ben": {"snooze": vins[2:], "release": vins[1:2]},
        },
        notes=(
            Note(
                1,
                vins[0],
                "ana",
                AT - timedelta(hours=2),
                "Driver called back: the car is in the garage until Monday",
            ),
        ),
        changes=(
            (vins[1], "pending", "approved", None, AT - timedelta(hours=5)),
            (vins[2], "pending", "rejected", "privacy mode is enabled", AT - timedelta(hours=3)),
        ),
        claimed={vins[0]: ("ana", AT + timedelta(days=3))},
        unclaimed_urgent=("1C4RV67Y3MX576590", "TMBRJ8VE6PA946986"),
    )
    return HandoverRead(hours, handover_text(report), report)


async def _handover_ready(pilot) -> None:  # noqa: ANN001
    await wait_for(
        pilot,
        lambda: isinstance(pilot.app.screen, HandoverScreen) and pilot.app.screen.shown is not None,
    )
    await pilot.pause()


def test_handover_screen(snap_compare):
    app = ScreenApp(lambda: HandoverScreen(handover_read))
    assert snap_compare(app, terminal_size=WIDE, run_before=_handover_ready)


def test_handover_screen_80x24_no_color(snap_compare, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = ScreenApp(lambda: HandoverScreen(handover_read))
    assert snap_compare(app, terminal_size=SMALL, run_before=_handover_ready)


@pytest.mark.parametrize("size", [SMALL, (60, 20)])
async def test_handover_lines_wrap_under_their_entry(size, monkeypatch):
    """At 80x24 and narrower (NO_COLOR too), a long entry's continuation is indented under
    it, never at the left edge where it would read as an entry of its own."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = ScreenApp(lambda: HandoverScreen(handover_read))
    async with app.run_test(size=size) as pilot:
        await _handover_ready(pilot)
        width = size[0] - 4  # padding on both sides, the scrollbar's gutter
        shown = [line[1 : width + 1].rstrip() for line in screen_lines(app)[1:-2]]
    text = handover_read(12).text
    assert shown == hang_wrap(text, width).split("\n")[: len(shown)]
    assert "      is enabled)" in shown or "      rejected (privacy mode is enabled)" in shown
    assert all(line == "" or line[0] != " " or line.startswith("  ") for line in shown)
