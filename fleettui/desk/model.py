"""The desk's typed records. Plain frozen dataclasses: no psycopg, no Textual.

Times are aware UTC datetimes. User names and texts come from the database: they are
data (the UI must sanitise them before painting, as any text from outside).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from fleettui.core.timefmt import short_local

#: Kinds of `desk_events` rows.
EventKind = Literal[
    "claim",
    "renew",
    "release",
    "hand",
    "note",
    "snooze",
    "unsnooze",
    "presence",
    "leave",
    "webhook",
    "init",
]
KINDS: tuple[str, ...] = (
    "claim",
    "renew",
    "release",
    "hand",
    "note",
    "snooze",
    "unsnooze",
    "presence",
    "leave",
    "webhook",
    "init",
)


@dataclass(frozen=True, slots=True)
class Snooze:
    by: str
    at: datetime
    #: Hidden until this time; None: until the next state change only.
    until: datetime | None
    reason: str
    #: The state the vehicle was in when snoozed (the next change clears the snooze).
    state: str | None = None

    def active(self, now: datetime) -> bool:
        return self.until is None or self.until > now

    def hides(self, now: datetime, state: str | None = None) -> bool:
        """The one rule for whether a snooze hides its vehicle from the triage queues
        (the monitor's board and `fleettui triage --desk` both ask it): not past its
        time and, given the vehicle's state now, not cleared by a change away from the
        state it was snoozed in."""
        if not self.active(now):
            return False
        return state is None or self.state is None or self.state == state


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    vin: str
    author: str
    at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class WorkState:
    """What the desk knows about one vehicle's work."""

    vin: str
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    expires_at: datetime | None = None
    snooze: Snooze | None = None
    notes: int = 0
    last_note: Note | None = None

    def claimed(self, now: datetime) -> bool:
        """Claimed and not expired at `now`."""
        return self.claimed_by is not None and (self.expires_at is None or self.expires_at > now)

    def holder(self, now: datetime) -> str | None:
        return self.claimed_by if self.claimed(now) else None

    def snooze_in_force(self, now: datetime, state: str | None = None) -> Snooze | None:
        """The snooze that hides this vehicle now (`Snooze.hides`), or None."""
        snooze = self.snooze
        return snooze if snooze is not None and snooze.hides(now, state) else None


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """The outcome of claim/release/hand/renew for one VIN."""

    vin: str
    ok: bool
    #: Who holds the claim after the call (None: unclaimed).
    holder: str | None
    expires_at: datetime | None = None
    #: It was already yours (a claim of your own claim renews it).
    already: bool = False
    #: When not ok: why, in words ("held by ana until ..."; the time in ISO for JSON).
    why: str = ""

    def refusal(self, now: datetime | None = None) -> str:
        """Why it was refused, for a person: the holder's name and, for a live claim,
        until when on this machine's clock ("held by ana until tomorrow 09:30")."""
        if self.holder and self.expires_at is not None:
            return f"held by {self.holder} until {short_local(self.expires_at, now)}"
        return self.why or (f"held by {self.holder}" if self.holder else "refused")


@dataclass(frozen=True, slots=True)
class Person:
    user: str
    host: str
    seen_at: datetime
    viewing: str | None = None


@dataclass(frozen=True, slots=True)
class DeskEvent:
    """One `desk_events` row, as `DeskFollower` hands it on.

    Payloads by kind (all JSON objects):
    claim/renew/hand: {"claimed_by", "expires_at", "from"(hand)}; release: {"by"};
    note: {"note_id", "text"}; snooze: {"until", "reason", "state"}; unsnooze: {"why"};
    presence: {"host", "viewing"}; leave: {"host"}; webhook: {"delivery", "type", "vin",
    "action", "detail", "received_at", "accepted_at"(epoch seconds)}."""

    id: int
    kind: str
    vin: str | None
    actor: str
    at: datetime
    payload: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "vin": self.vin,
            "actor": self.actor,
            "at": iso(self.at),
            "payload": dict(self.payload),
        }


#: The desk's receiver is alive while its beat is younger than this (seconds).
RECEIVER_ALIVE = 15.0


@dataclass(frozen=True, slots=True)
class ReceiverSeen:
    """The desk's active receiver as its row in `desk_receiver` says, read at `read_at`
    (the desk's clock): its machine, its beat and its own webhook health (the receiver's
    `HealthSnapshot` as JSON: data, read with `HealthSnapshot.from_json`)."""

    host: str
    pid: int
    url: str
    since: datetime
    beat: datetime
    read_at: datetime
    health: Mapping[str, Any] = field(default_factory=dict)

    @property
    def beat_age(self) -> float:
        """Seconds from its last beat to when the row was read."""
        return max(0.0, (self.read_at - self.beat).total_seconds())

    @property
    def alive(self) -> bool:
        return self.beat_age < RECEIVER_ALIVE

    def to_json(self) -> dict[str, Any]:
        """`desk status --json`'s "receiver"."""
        return {
            "host": self.host,
            "pid": self.pid,
            "url": self.url,
            "since": iso(self.since),
            "beat": iso(self.beat),
            "alive": self.alive,
        }


DeskState = Literal["online", "offline", "reconnecting"]


@dataclass(frozen=True, slots=True)
class DeskStatus:
    """The follower's connection, for the header: online / offline / reconnecting."""

    state: DeskState
    #: Since when it is in this state.
    since: datetime
    #: Why (offline / reconnecting): one line, never the password.
    why: str = ""
    #: Seconds between the newest applied event's time and when it was applied.
    lag: float | None = None
    #: The id of the last event handed on.
    last_id: int = 0
    #: How many reconnects this follower has made.
    reconnects: int = 0


@dataclass(frozen=True, slots=True)
class HandoverReport:
    """What a shift hands the next one (`Desk.handover(since)`)."""

    since: datetime
    until: datetime
    #: Per person: {"claim": [...vins], "release": [...], "hand": [...], "note": [...],
    #: "snooze": [...]} in time order.
    by_person: Mapping[str, Mapping[str, tuple[str, ...]]]
    #: Notes written in the period, oldest first.
    notes: tuple[Note, ...]
    #: State changes the desk recorded in the period: (vin, old, new, reason, at).
    changes: tuple[tuple[str, str | None, str, str | None, datetime], ...]
    #: Claims held now: vin -> (user, expires_at).
    claimed: Mapping[str, tuple[str, datetime]]
    #: VINs the caller called urgent (e.g. triage queues) that nobody holds.
    unclaimed_urgent: tuple[str, ...] = ()
    #: Where the state changes' period starts, on the provider's clock that dates them
    #: (the demo's simulator runs ahead of the desk's); None: `since`.
    changes_since: datetime | None = None
    #: The webhook receiver's changes in the period: (change "takeover" | "start", host,
    #: pid, at, the host it took over from or ""), oldest first. Hosts are data.
    receivers: tuple[tuple[str, str, int, datetime, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "since": iso(self.since),
            "until": iso(self.until),
            "changes_since": iso(self.changes_since or self.since),
            "by_person": {
                p: {k: list(v) for k, v in acts.items()} for p, acts in self.by_person.items()
            },
            "notes": [
                {"vin": n.vin, "author": n.author, "at": iso(n.at), "text": n.text}
                for n in self.notes
            ],
            "changes": [
                {"vin": v, "old_state": o, "new_state": n, "reason": r, "at": iso(a)}
                for v, o, n, r, a in self.changes
            ],
            "claimed": {v: {"by": u, "expires_at": iso(e)} for v, (u, e) in self.claimed.items()},
            "unclaimed_urgent": list(self.unclaimed_urgent),
            "receivers": [
                {"change": c, "host": h, "pid": p, "at": iso(a), "from": f or None}
                for c, h, p, a, f in self.receivers
            ],
        }


def iso(dt: datetime | None) -> str | None:
    from datetime import UTC

    if dt is None:
        return None
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
