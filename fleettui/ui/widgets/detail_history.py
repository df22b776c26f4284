"""The detail pane's history and desk sections: the provider's changelog merged with the
local history and the shared desk's notes, claims and snoozes, as one timeline with how
long each step took; who holds the vehicle on the desk. Also the pieces every section of
the pane uses (its heading, the state's label and style, the time format).

API strings are put into rich `Text` literally after control characters are removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text

from fleettui.core.states import STATE_INFO, State
from fleettui.core.text import sanitize
from fleettui.core.timefmt import format_duration
from fleettui.core.vehicle import Vehicle
from fleettui.history.events import Event
from fleettui.history.timeline import merge_timeline

if TYPE_CHECKING:  # the desk's modules load only with --desk
    from fleettui.desk.model import DeskEvent
    from fleettui.monitor.desk_detail import DeskDetail

#: History entries of the data checks (issue 19): "data:flowing", "data:privacy"...
DATA_PREFIX = "data:"
HEADING = Style(bold=True, underline=True)
LABEL = Style(bold=True)
DIM = Style(dim=True)


def state_style(state: State) -> Style:
    return Style(color=STATE_INFO[state].colour, bold=True)


def state_label(state: State, status: str) -> str:
    si = STATE_INFO[state]
    label = si.label if state is not State.UNKNOWN else (sanitize(status) or si.label)
    return f"{si.glyph} {label}"


def when(dt: datetime | None) -> str:
    return dt.strftime("%Y-%m-%d %H:%M") if dt is not None else "time unknown"


def section(out: Text, title: str) -> None:
    out.append("\n")
    out.append(title, HEADING)
    out.append("\n")


def desk_section(out: Text, d: DeskDetail) -> None:
    """Who holds it on the shared desk, its snooze, who else looks at it."""
    section(out, "Desk")
    if d.offline:
        out.append(sanitize(d.offline), Style(bold=True))
        out.append(" (what you do is kept and sent when it is back)\n", DIM)
    if d.holder:
        out.append("Claimed by ", LABEL)
        out.append("you" if d.holder == "me" else sanitize(d.holder), Style(bold=True))
        if d.claimed_at is not None:
            out.append(f" since {d.claimed_at.astimezone(UTC):%d %b %H:%M}")
        if d.expires_at is not None:
            out.append(f", until {d.expires_at.astimezone(UTC):%d %b %H:%M} UTC", DIM)
        out.append("\n")
    else:
        out.append("Unclaimed", LABEL)
        out.append(" (m claims it)\n", DIM)
    if d.snooze is not None:
        z = d.snooze
        when = (
            f"until {z.until.astimezone(UTC):%d %b %H:%M} UTC"
            if z.until is not None
            else "until its next state change"
        )
        out.append("Snoozed ", LABEL)
        out.append(f"by {sanitize(z.by)} {when}")
        if z.reason:
            out.append(f": {sanitize(z.reason)}")
        out.append("\n")
    if d.viewers:
        out.append("Also looking: ", LABEL)
        out.append(", ".join(sanitize(v) for v in d.viewers))
        out.append("\n")
    if d.notes:
        out.append(f"{d.notes} note{'s' if d.notes != 1 else ''}", LABEL)
        out.append(" (in the history below; i adds one)\n", DIM)


def _desk_line(out: Text, ev: DeskEvent, me: str) -> None:
    """One of the desk's events (a note, a claim, a snooze) as a timeline line."""
    from fleettui.monitor.desk_detail import event_line

    out.append(when(ev.at.astimezone(UTC)), DIM)
    out.append("  ✎ " if ev.kind == "note" else "  ⚑ ")
    first, *rest = event_line(ev, me).split("\n")
    out.append(sanitize(first), Style(italic=ev.kind != "note"))
    out.append("\n")
    for more in rest:
        out.append("      " + sanitize(more) + "\n")


def timeline_section(
    out: Text,
    v: Vehicle,
    now: datetime | None,
    local: Sequence[Event] | None = None,
    desk: DeskDetail | None = None,
) -> None:
    """The provider's changelog, merged with what the local history recorded (entries
    only it knows say so: "seen here", "webhook", "recorded here"), and with a shared
    desk, its notes, claims and snoozes at their times."""
    section(out, "History")
    log = merge_timeline(v.changelog, local or ())
    events = list(desk.events) if desk is not None else []
    if not log and not events:
        out.append("No history from the provider.\n", DIM)
        return
    me = desk.me if desk is not None else ""
    k = 0
    states = [e for e in log if not e.status.startswith(DATA_PREFIX)]
    for entry in log:
        while k < len(events) and entry.at is not None and events[k].at < entry.at:
            _desk_line(out, events[k], me)
            k += 1
        out.append(when(entry.at), DIM)
        out.append("  ")
        if entry.status.startswith(DATA_PREFIX):  # a data check's finding (issue 19)
            out.append(
                f"data: {sanitize(entry.reason or entry.status[len(DATA_PREFIX) :])}",
                Style(italic=True),
            )
            out.append(f"  ({entry.local})\n" if entry.local else "\n", DIM)
            continue
        i = states.index(entry)
        nxt = states[i + 1].at if i + 1 < len(states) else now
        took = ""
        if entry.at is not None and nxt is not None:
            took = format_duration((nxt - entry.at).total_seconds())
            took += " so far" if i + 1 == len(states) else ""
        out.append(state_label(entry.state, entry.status), state_style(entry.state))
        if took:
            out.append(f"  {took}")
        if entry.local:
            out.append(f"  ({entry.local})", DIM)
        out.append("\n")
        if entry.reason:
            out.append("    ")
            out.append(sanitize(entry.reason), Style(italic=True))
            out.append("\n")
    for ev in events[k:]:
        _desk_line(out, ev, me)
