"""The desk's webhook receivers in the monitor, through Textual's Pilot on a real
PostgreSQL: the header's webhook part names the active receiver's machine and counts the
standbys (80x24, NO_COLOR), and `E` lists the active one, each standby and the last
takeover, with a hostile host name made harmless."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from fleettui.desk.model import ReceiverSeen
from fleettui.desk.receiver_lock import ReceiverLock
from fleettui.desk.receivers import ReceiverRow, Receivers, Takeover
from fleettui.desk.settings import DeskSettings
from fleettui.monitor.desk_control import DeskControl
from fleettui.monitor.desk_feed import DeskFeed
from fleettui.monitor.desk_link import DeskLink
from tests.support.pilot import header_text, loaded, make_app, said, wait_for
from tests.support.screen import screen_lines

WAIT = 30.0
AT = datetime(2026, 12, 7, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)])
async def test_the_header_counts_the_standbys_and_e_lists_them(
    sim,
    pg_desk: DeskSettings,
    locks: list[ReceiverLock],
    monkeypatch: pytest.MonkeyPatch,
    size: tuple[int, int],
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    alpha = ReceiverLock(replace(pg_desk, host="alpha"))
    beta = ReceiverLock(replace(pg_desk, host="beta"))
    locks += [alpha, beta]
    assert alpha.try_acquire("http://alpha:8787/hooks/hm")
    assert not beta.try_acquire()
    desk = DeskControl(
        replace(pg_desk, user="ann", host="ann-pc"),
        link=lambda s, p, o, v: DeskLink(
            s, p, o, viewing=v, backoff=(0.2, 0.5), presence_every=0.2
        ),
    )
    app = make_app(sim, desk=desk)
    wide = size[0] >= 100

    def top() -> str:
        return screen_lines(app)[0]

    async with app.run_test(size=size) as pilot:
        await loaded(pilot)
        await wait_for(pilot, lambda: "desk receiver on alpha, 1 standby" in header_text(app))
        if wide:  # the header's webhook part names the receiver and counts the standbys
            await wait_for(pilot, lambda: "· desk receiver on alpha, 1 standby" in top())
        else:  # 80 columns: the push's words and the desk's state stay whole, uncut
            await wait_for(pilot, lambda: "push … waiting  desk ● 1 online" in top())
        await pilot.press("E")
        await wait_for(pilot, lambda: any("Standby: beta pid" in s for s in said(app)))
        [text] = [s for s in said(app) if "Standby: beta pid" in s][:1]
        assert "Desk receiver: alpha pid " in text and "http://alpha:8787/hooks/hm" in text
        assert "alive (beat " in text
        # alpha goes (cleanly): beta takes over; the monitor follows without a restart
        alpha.release()
        assert beta.try_acquire("http://beta:8787/hooks/hm")
        await wait_for(
            pilot, lambda: "desk receiver on beta, no standby" in header_text(app), timeout=WAIT
        )
        if wide:
            await wait_for(pilot, lambda: "· desk receiver on beta, no standby" in top())
        await pilot.press("E")
        await wait_for(
            pilot, lambda: any("Last takeover: standby on beta took over" in s for s in said(app))
        )


def _row(role: str, host: str, pid: int, beat_age: float = 2.0) -> ReceiverRow:
    from datetime import timedelta

    return ReceiverRow(pid, role, host, pid, "", AT, AT - timedelta(seconds=beat_age), AT, AT)


def test_the_receiver_lines_are_sanitised_and_say_none() -> None:
    feed = DeskFeed("desk")
    assert feed.receiver_lines()[0].startswith("Desk receivers: not read yet")
    evil = "ev\x1b[2Jil\u202e"
    seen = ReceiverSeen(evil, 9, "http://x/\x1b]0;t\x07", AT, AT, AT)
    running = Receivers(
        (_row("active", evil, 9), _row("standby", evil + "2", 10, 7.0)),
        Takeover(evil + "2", 10, AT, evil, 9),
    )
    feed.saw_receiver(seen, running)
    lines = feed.receiver_lines()
    joined = "\n".join(lines)
    assert "\x1b" not in joined and "\x07" not in joined and "\u202e" not in joined
    assert lines[0].startswith("Desk receiver: ev[2Jil pid 9") or lines[0].startswith(
        "Desk receiver: ev"
    )
    assert lines[1].startswith("Standby: ev") and "pid 10" in lines[1] and "beat " in lines[1]
    assert lines[2].startswith("Last takeover: standby on ev") and " took over from ev" in lines[2]
    header = feed.health().header_text(time.time())
    assert "\x1b" not in header and header.count(", 1 standby") == 1
    feed.saw_receiver(None, Receivers())
    assert feed.receiver_lines() == ["Desk receiver: none runs on the desk", "Standby: none"]
    assert feed.health().header_text(time.time()).endswith("· no receiver on the desk, no standby")
