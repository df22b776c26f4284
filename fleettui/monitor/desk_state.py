"""The monitor's mirror of the shared desk: who holds which vehicle, its snooze and notes,
who is online and what they look at, and how the connection is.

Fed by `DeskFollower` batches (`apply`): each event's payload says what changed (a claim's
holder and expiry, a note, a snooze...), so another person's claim shows here the moment
its event arrives, with no query and no full refresh. `load` takes the work state read
when the desk was first reached (the follower then goes on from the id read before it).

Answers the `claimed:` filter (`ClaimLookup`: `me`, `claimed_by`), the table's Claimed
cell, the triage board's snoozes, the detail pane's viewers and the header's desk text.
UI thread only, except `claimed_by` (read by a filter on a worker: a dict lookup).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from fleettui.core.text import clean
from fleettui.core.timefmt import parse_ts, utcnow
from fleettui.desk.model import DeskEvent, DeskStatus, Note, Person, Snooze, WorkState
from fleettui.monitor.desk_detail import DeskDetail

#: After a reconnect the header says so this long ("back 20:46 after 40s").
BACK_FOR = timedelta(minutes=5)
#: Event kinds that change a vehicle's work state.
WORK_KINDS = frozenset({"claim", "renew", "hand", "release", "note", "snooze", "unsnooze"})


@dataclass(frozen=True)
class Applied:
    """What a batch of desk events changed here."""

    #: VINs whose claim, snooze or notes changed (their rows and detail repaint).
    vins: frozenset[str] = frozenset()
    #: Someone's presence changed (header, detail's viewers).
    people: bool = False
    #: Webhook deliveries the desk's receiver accepted (for the push path).
    webhooks: tuple[DeskEvent, ...] = ()
    #: Work events by others, newest last (for a notice: "ana claimed WBA…").
    by_others: tuple[DeskEvent, ...] = ()


def short_why(why: str) -> str:
    """A desk error line cut to what fits in the header ("needs `fleettui desk init`")."""
    low = why.lower()
    if "desk init" in low:
        return "needs `fleettui desk init`"
    if "upgrade fleettui" in low:
        return "schema newer than this fleettui"
    if "password" in low:
        return "password refused"
    if "access refused" in low:
        return "access refused"
    if "not installed" in low or "psycopg" in low:
        return "psycopg missing"
    return "offline"


@dataclass
class DeskMirror:
    """See the module docstring. `me` is this person's desk user name."""

    me: str
    host: str = ""
    clock: Callable[[], datetime] = utcnow
    work: dict[str, WorkState] = field(default_factory=dict)
    people: dict[tuple[str, str], Person] = field(default_factory=dict)
    status: DeskStatus | None = None
    #: The desk's state was read at least once (the table's Claimed column is real).
    loaded: bool = False
    #: When the desk came back after being away, and how long it was away.
    back_at: datetime | None = None
    away: float = 0.0
    #: Actions kept in the outbox (not yet on the desk).
    pending: int = 0
    #: Counts changes of the work state (claims, snoozes, notes): the triage board
    #: regroups when it moves.
    version: int = 0

    # -- the filter's ClaimLookup -----------------------------------------------------------

    def claimed_by(self, vin: str) -> str | None:
        state = self.work.get(vin)
        return state.holder(self.clock()) if state is not None else None

    def claim_cell(self, vin: str) -> str:
        """The Claimed column: "me", the holder's name, or ""."""
        holder = self.claimed_by(vin)
        if holder is None:
            return ""
        return "me" if holder == self.me else clean(holder)

    def snooze_of(self, vin: str, state: str | None = None) -> Snooze | None:
        """The vehicle's snooze in force: not past its time, and (given the row's state
        now) not cleared by a change away from the state it was snoozed in."""
        work = self.work.get(vin)
        return work.snooze_in_force(self.clock(), state) if work is not None else None

    def detail(self, vin: str, state: str | None, events: Sequence[DeskEvent] = ()) -> DeskDetail:
        work = self.work.get(vin)
        holder = self.claim_cell(vin)
        status = self.status
        offline = "" if status is not None and status.state == "online" else self.header()[0]
        return DeskDetail(
            vin,
            holder,
            work.claimed_at if holder and work else None,
            work.expires_at if holder and work else None,
            self.snooze_of(vin, state),
            tuple(self.viewers(vin)),
            work.notes if work is not None else 0,
            tuple(events),
            offline,
            self.me,
        )

    def notes_of(self, vin: str) -> int:
        work = self.work.get(vin)
        return work.notes if work is not None else 0

    def viewers(self, vin: str) -> list[str]:
        """Other people (not this user on this machine) looking at `vin` now."""
        return sorted(
            {
                clean(p.user)
                for p in self.online()
                if p.viewing == vin and (p.user, p.host) != (self.me, self.host)
            }
        )

    def online(self) -> list[Person]:
        cut = self.clock() - timedelta(seconds=60)
        return [p for p in self.people.values() if p.seen_at > cut]

    # -- feeding ------------------------------------------------------------------------

    def load(self, work: Mapping[str, WorkState], people: Iterable[Person]) -> None:
        self.work = dict(work)
        self.people = {(p.user, p.host): p for p in people}
        self.loaded = True
        self.version += 1

    def set_people(self, people: Iterable[Person]) -> bool:
        new = {(p.user, p.host): p for p in people}
        changed = {k: p.viewing for k, p in new.items()} != {
            k: p.viewing for k, p in self.people.items()
        }
        self.people = new
        return changed

    def apply(self, events: Sequence[DeskEvent]) -> Applied:
        vins: set[str] = set()
        people = False
        hooks: list[DeskEvent] = []
        others: list[DeskEvent] = []
        for ev in events:
            if ev.kind in WORK_KINDS and ev.vin:
                self._work_event(ev)
                vins.add(ev.vin)
                if ev.actor != self.me:
                    others.append(ev)
            elif ev.kind == "presence":
                host = str(ev.payload.get("host") or "")
                viewing = ev.payload.get("viewing")
                self.people[(ev.actor, host)] = Person(
                    ev.actor, host, ev.at, viewing if isinstance(viewing, str) else None
                )
                people = True
            elif ev.kind == "leave":
                people |= (
                    self.people.pop((ev.actor, str(ev.payload.get("host") or "")), None) is not None
                )
            elif ev.kind == "webhook":
                hooks.append(ev)
        return Applied(frozenset(vins), people, tuple(hooks), tuple(others))

    def _work_event(self, ev: DeskEvent) -> None:
        vin = ev.vin or ""
        old = self.work.get(vin) or WorkState(vin)
        p = ev.payload
        if ev.kind in ("claim", "renew", "hand"):
            holder = p.get("claimed_by")
            new = replace(
                old,
                claimed_by=str(holder) if holder else None,
                claimed_at=ev.at if ev.kind != "renew" else (old.claimed_at or ev.at),
                expires_at=parse_ts(p.get("expires_at")),
            )
        elif ev.kind == "release":
            new = replace(old, claimed_by=None, claimed_at=None, expires_at=None)
        elif ev.kind == "note":
            note_id = p.get("note_id")
            note = Note(
                int(note_id) if isinstance(note_id, int) else 0,
                vin,
                ev.actor,
                ev.at,
                str(p.get("text") or ""),
            )
            new = replace(old, notes=old.notes + 1, last_note=note)
        elif ev.kind == "snooze":
            state = p.get("state")
            new = replace(
                old,
                snooze=Snooze(
                    ev.actor,
                    ev.at,
                    parse_ts(p.get("until")),
                    str(p.get("reason") or ""),
                    state if isinstance(state, str) else None,
                ),
            )
        else:  # unsnooze
            new = replace(old, snooze=None)
        self.work[vin] = new
        self.version += 1

    def set_status(self, status: DeskStatus) -> tuple[bool, str | None]:
        """(changed, what to tell): the connection's new status."""
        old = self.status
        self.status = status
        if old is not None and (old.state, old.why) == (status.state, status.why):
            return False, None
        if status.state == "online":
            if old is not None and old.state != "online" and self.loaded:
                self.away = max(0.0, (status.since - old.since).total_seconds())
                self.back_at = status.since
                return True, (
                    f"The desk is back (away {round(self.away)} s); caught up "
                    "with everything done meanwhile."
                )
            return True, None
        if old is not None and old.state == "online":
            return True, (
                f"Lost the desk: {clean(status.why)}. Reconnecting; what you claim "
                "or note meanwhile is kept and sent when it is back."
            )
        if old is None or old.why != status.why:
            return True, (
                f"{clean(status.why)}. What you claim or note is kept and sent "
                "when the desk is reachable."
            )
        return True, None

    # -- the header ---------------------------------------------------------------------------

    def header(self, now: datetime | None = None) -> tuple[str, bool]:
        """(text, alert): "desk ● 3 online", "desk ✗ offline · 2 to send",
        "desk ↻ reconnecting", "desk ● 2 online · back 20:46 after 40s"."""
        status = self.status
        kept = f" · {self.pending} to send" if self.pending else ""
        if status is None:
            return f"desk ○ connecting{kept}", False
        if status.state == "online":
            count = len({p.user for p in self.online()} | {self.me})
            text = f"desk ● {count} online"
            at = now or self.clock()
            if self.back_at is not None and at - self.back_at < BACK_FOR:
                local = self.back_at.astimezone().strftime("%H:%M")
                text += f" · back {local} after {round(self.away)}s"
            return text + kept, False
        if status.state == "reconnecting":
            return f"desk ↻ reconnecting ({short_why(status.why)}){kept}", True
        return f"desk ✗ {short_why(status.why)}{kept}", True
