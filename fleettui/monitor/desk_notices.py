"""What the desk half (`monitor/desk_control.py`) tells: a typed action refused before
it is sent, the outbox's waiting actions, the desk going offline and back, a vehicle
handed to you, and what became of an action the desk answered. Pure: each returns
Notices from the result it is handed."""

from __future__ import annotations

from datetime import datetime

from fleettui.core.text import clean
from fleettui.core.timefmt import short_local
from fleettui.desk.model import DeskEvent, DeskStatus
from fleettui.monitor.desk_outbox import Outbox
from fleettui.monitor.desk_results import DeskActed
from fleettui.monitor.updates import Notice

TITLE = "Desk"
_DONE = {
    "claim": "Claimed",
    "release": "Released",
    "hand": "Handed",
    "snooze": "Snoozed",
    "unsnooze": "Unsnoozed",
}


def _vehicles(n: int) -> str:
    return f"{n} vehicle{'s' if n != 1 else ''}"


NO_VEHICLE = Notice(
    "No vehicle: put the cursor on one, or mark some.", title=TITLE, severity="warning"
)
EMPTY_NOTE = Notice("An empty note was not sent.", title=TITLE)
HAND_TO_WHOM = Notice("Hand to whom? Type a desk user name.", title=TITLE, severity="warning")
DESK_OFF = Notice("The desk is not on.", title=TITLE, severity="warning")


def outbox_notices(outbox: Outbox) -> list[Notice]:
    """At start: the outbox's problem, and the actions typed earlier still to be sent."""
    notices = []
    if outbox.problem:
        notices.append(Notice(outbox.problem, title=TITLE, severity="warning"))
    if len(outbox):
        notices.append(
            Notice(
                f"{len(outbox)} desk actions typed earlier are waiting "
                "to be sent; they go as soon as the desk is reached.",
                title=TITLE,
            )
        )
    return notices


def status_notice(say: str, status: DeskStatus) -> Notice:
    """The desk went offline (a warning) or is back (`say` is the mirror's sentence)."""
    back = status.state == "online"
    return Notice(
        say,
        title=TITLE,
        kind="desk",
        severity="information" if back else "warning",
        timeout=None if back else 10,
    )


def handed_to_you(ev: DeskEvent) -> Notice:
    return Notice(
        f"{clean(ev.actor)} handed you {ev.vin}.",
        title=TITLE,
        kind="desk",
        vins=(ev.vin or "",),
    )


def acted_notices(done: DeskActed, now: datetime | None = None) -> list[Notice]:
    """What became of an action the desk answered (or the outbox kept while offline).
    Times are shown on this machine's clock, relative to `now` (default: the clock)."""
    p = done.pending
    what = clean(p.describe())
    if done.kept:
        extra = f" ({clean(done.refused)})" if done.refused else ""
        return [
            Notice(
                f"The desk is offline: kept {what}; it is sent when the desk is back "
                f"({done.waiting} waiting){extra}.",
                title=TITLE,
                severity="warning",
                kind="desk",
                vins=p.vins,
            )
        ]
    if done.refused:
        return [
            Notice(
                f"The desk refused {what}: {clean(done.refused)}",
                title=TITLE,
                severity="error",
                timeout=30,
                kind="desk",
                vins=p.vins,
            )
        ]
    sent = "Sent from the outbox: " if done.replayed else ""
    if p.kind == "note":
        return [Notice(f"{sent}Note added to {p.vins[0]}.", title=TITLE, kind="desk", vins=p.vins)]
    lost = [r for r in done.results if not r.ok]
    # A claim of your own claim renews it (for the claim time again).
    renewed = sum(1 for r in done.results if r.ok and r.already) if p.kind == "claim" else 0
    won = len(done.results) - len(lost) - renewed
    notices = []
    snoozing = p.kind in ("snooze", "unsnooze")
    if won or snoozing:
        verb = _DONE.get(p.kind, p.kind)
        to = f" to {clean(p.to_user)}" if p.kind == "hand" else ""
        count = len(p.vins) if snoozing else won
        notices.append(
            Notice(f"{sent}{verb} {_vehicles(count)}{to}.", title=TITLE, kind="desk", vins=p.vins)
        )
    if renewed:
        until = max(
            (r.expires_at for r in done.results if r.already and r.expires_at), default=None
        )
        when = f" until {short_local(until, now)}" if until else ""
        notices.append(
            Notice(
                f"{sent}Renewed your claim on {_vehicles(renewed)}{when}.",
                title=TITLE,
                kind="desk",
                vins=p.vins,
            )
        )
    for r in lost:
        why = clean(r.refusal(now))
        notices.append(
            Notice(
                f"{sent}{r.vin} not {_DONE[p.kind].lower()}: {why}.",
                title=TITLE,
                severity="warning",
                kind="desk",
                vins=(r.vin,),
                timeout=10,
            )
        )
    return notices
