"""What the desk link asks of the desk: the connection and its follower, each typed
action (a `Pending` from the outbox) as the desk's call and what came of it, and one
vehicle's work events for the detail pane's timeline.

Plain functions over an open `Desk` (`fleettui.desk.store`), called on the link's
thread (`fleettui.monitor.desk_link`); a `DeskError` that says the desk is offline goes
back to the link, whose action then waits in the outbox. No Textual.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fleettui.core.timefmt import parse_ts
from fleettui.desk.errors import DeskError
from fleettui.desk.model import ClaimResult, DeskEvent, Note
from fleettui.desk.settings import DeskSettings
from fleettui.monitor.desk_outbox import Pending
from fleettui.monitor.desk_results import DeskActed

#: How many of a vehicle's newest work events the detail pane gets.
TIMELINE_LIMIT = 200


def connect_desk(settings: DeskSettings) -> Any:
    from fleettui.desk.store import Desk

    return Desk.connect(settings)


def follow_desk(settings: DeskSettings, callback: Callable[..., None], after_id: int) -> Any:
    from fleettui.desk.follow import DeskFollower

    return DeskFollower(settings, callback, after_id=after_id).start()


def send_pending(desk: Any, pending: Pending) -> tuple[tuple[ClaimResult, ...], Note | None]:
    """Carry out `pending` on the desk: the claim results per VIN, or the note written."""
    if pending.kind == "claim":
        results = desk.claim(pending.vins)
    elif pending.kind == "release":
        results = desk.release(pending.vins)
    elif pending.kind == "hand":
        results = desk.hand(pending.vins, pending.to_user)
    elif pending.kind == "note":
        return (), desk.note(pending.vins[0], pending.text)
    elif pending.kind == "unsnooze":
        desk.unsnooze(pending.vins)
        results = []
    else:
        until = parse_ts(pending.until) if pending.until else None
        desk.snooze(pending.vins, until, pending.text, dict(pending.states))
        results = []
    return tuple(results), None


def sent(desk: Any, pending: Pending, waiting: int, replayed: bool) -> DeskActed:
    """`pending` carried out on the desk, or refused by it; `waiting`: what is left in the
    outbox after it. A `DeskError` saying the desk is offline is raised: it waits."""
    try:
        results, note = send_pending(desk, pending)
    except DeskError as exc:
        if exc.offline:
            raise
        return DeskActed(pending, refused=str(exc), waiting=waiting, replayed=replayed)
    return DeskActed(pending, results=results, note=note, waiting=waiting, replayed=replayed)


def read_timeline(desk: Any, vin: str) -> tuple[DeskEvent, ...]:
    """`vin`'s newest work events (claims, hand-overs, notes, snoozes), oldest first."""
    from fleettui.desk.connection import EVENT_COLUMNS, row_event
    from fleettui.desk.handover import WORK_KINDS

    with desk.conn.tx() as cur:
        cur.execute(
            f"SELECT {EVENT_COLUMNS} FROM desk_events WHERE vin = %s AND "
            "kind = ANY(%s) ORDER BY id DESC LIMIT %s",
            (vin, list(WORK_KINDS), TIMELINE_LIMIT),
        )
        events = [row_event(r) for r in cur.fetchall()]
    return tuple(reversed(events))
