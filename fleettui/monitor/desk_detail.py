"""What the detail pane shows of one vehicle's work on the shared desk (no Textual):
`DeskDetail`, filled by `DeskMirror.detail` (`fleettui.monitor.desk_state`), and each of
its timeline's events in words (`event_line`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fleettui.core.text import clean
from fleettui.core.timefmt import parse_ts
from fleettui.desk.model import DeskEvent, Snooze


@dataclass(frozen=True)
class DeskDetail:
    """What the detail pane shows of one vehicle's work on the desk."""

    vin: str
    #: "me", the holder's name, or "" (unclaimed).
    holder: str = ""
    claimed_at: datetime | None = None
    expires_at: datetime | None = None
    snooze: Snooze | None = None
    #: Other people looking at this vehicle now.
    viewers: tuple[str, ...] = ()
    notes: int = 0
    #: Its claims, hand-overs, notes and snoozes, oldest first (empty until read).
    events: tuple[DeskEvent, ...] = ()
    #: The desk is not online: the header's text, said in the pane too.
    offline: str = ""
    #: This person's desk user name (their own events say "you").
    me: str = ""


def event_line(ev: DeskEvent, me: str) -> str:
    """One desk event of a vehicle's timeline, in words ("ana claimed it until 09 Dec 20:41",
    "ana: called the driver"). Names and texts are cleaned (data from the desk)."""
    who = "you" if ev.actor == me else clean(ev.actor)
    p = ev.payload
    if ev.kind == "note":
        return f"{who}: {clean(str(p.get('text') or ''), keep_newlines=True)}"
    if ev.kind in ("claim", "renew"):
        until = parse_ts(p.get("expires_at"))
        tail = f" until {until.astimezone(UTC):%d %b %H:%M} UTC" if until is not None else ""
        return f"{who} {'claimed' if ev.kind == 'claim' else 'renewed the claim'}{tail}"
    if ev.kind == "hand":
        to = str(p.get("claimed_by") or "")
        return f"{who} handed it to {'you' if to == me else clean(to)}"
    if ev.kind == "release":
        return f"{who} released it"
    if ev.kind == "snooze":
        until = parse_ts(p.get("until"))
        when = (
            f"until {until.astimezone(UTC):%d %b %H:%M} UTC"
            if until is not None
            else "until its next state change"
        )
        why = clean(str(p.get("reason") or ""))
        return f"{who} snoozed it {when}{': ' + why if why else ''}"
    if ev.kind == "unsnooze":
        return f"snooze ended ({clean(str(p.get('why') or ''))})"
    return f"{who}: {clean(ev.kind)}"
