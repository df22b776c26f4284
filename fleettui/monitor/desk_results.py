"""What the desk's link thread (`fleettui.monitor.desk_link`) posts to the monitor: plain
values, one per thing that happened, which the app hands back to the controller
(`fleettui.monitor.desk_control.DeskControl.took`) on its UI thread. No Textual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fleettui.desk.model import (
    ClaimResult,
    DeskEvent,
    DeskStatus,
    Note,
    Person,
    ReceiverSeen,
    WorkState,
)
from fleettui.desk.receivers import Receivers
from fleettui.monitor.desk_outbox import Pending


@dataclass(frozen=True)
class DeskLoaded:
    """The desk's state, read when it was first reached."""

    work: dict[str, WorkState]
    people: list[Person]
    status: DeskStatus


@dataclass(frozen=True)
class DeskFollowed:
    """A follower batch: events in order (possibly none) and the connection's status."""

    events: tuple[DeskEvent, ...]
    status: DeskStatus


@dataclass(frozen=True)
class DeskUnreachable:
    """The desk could not be reached (before the follower runs): the status to show."""

    status: DeskStatus
    kind: str


@dataclass(frozen=True)
class DeskPeople:
    people: list[Person]
    #: The desk's receiver as read with them (None: none registered).
    receiver: ReceiverSeen | None = None
    #: Every running receiver (active, standbys) and the last takeover, read with them.
    receivers: Receivers | None = None


@dataclass(frozen=True)
class DeskActed:
    """One typed action: sent (`results`/`note`), kept for later (`kept`), or refused
    (`refused`: why; the action's whole text is in `pending`)."""

    pending: Pending
    results: tuple[ClaimResult, ...] = ()
    note: Note | None = None
    kept: bool = False
    refused: str = ""
    #: Still in the outbox after this one.
    waiting: int = 0
    #: Sent from the outbox after the desk came back (not the moment it was typed).
    replayed: bool = False


@dataclass(frozen=True)
class DeskTimeline:
    """The desk's work events of one vehicle (claims, hand-overs, notes, snoozes), oldest
    first: the detail pane's timeline shows them beside the state changes."""

    vin: str
    events: tuple[DeskEvent, ...]


DeskResult = DeskLoaded | DeskFollowed | DeskUnreachable | DeskPeople | DeskActed | DeskTimeline
Post = Callable[[DeskResult], object]
