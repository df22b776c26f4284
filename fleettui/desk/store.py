"""`Desk`: one person's handle on the shared desk.

    desk = Desk.connect(load_desk_settings(profile.extra))   # DeskError when it can't
    [r] = desk.claim(["VIN1"])          # ClaimResult(ok=False, holder="ana") when lost
    desk.note("VIN1", "called the owner, waiting for consent")
    desk.work_state()                   # {vin: WorkState}

Every change is one transaction that also writes its `desk_events` rows and NOTIFYs the
newest id (see `connection.write_events`): monitors following the desk apply it within a
second. Safe from several threads (one connection, one lock); methods block on the
network: call them from a worker, never a UI thread. Every failure is a `DeskError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from fleettui.core.timefmt import utcnow
from fleettui.desk import claims, handover, presence, work
from fleettui.desk import receivers as receiver_rows
from fleettui.desk.connection import DeskConnection, NewEvent, read_events, write_events
from fleettui.desk.errors import DeskError
from fleettui.desk.model import (
    ClaimResult,
    DeskEvent,
    HandoverReport,
    Note,
    Person,
    ReceiverSeen,
    WorkState,
)
from fleettui.desk.settings import DeskSettings

#: A deadlock between two multi-VIN changes (should not happen: VINs go in sorted order)
#: or a serialization failure is retried this many times.
RETRIES = 3


class Desk:
    def __init__(self, settings: DeskSettings, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self.user = settings.user
        self.conn = DeskConnection(settings, clock=clock)

    @classmethod
    def connect(cls, settings: DeskSettings, *, clock: Callable[[], datetime] = utcnow) -> Desk:
        """A connected desk; DeskError (offline, auth, no-schema, ...) when it can't be."""
        desk = cls(settings, clock=clock)
        desk.conn.connect()
        return desk

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Desk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> datetime:
        return self.conn.clock()

    def _change(self, fn: Callable[[Any, datetime], tuple[Any, list[NewEvent]]]) -> Any:
        """Run `fn(cursor, now)` -> (result, events) in one transaction with its events."""
        for attempt in range(RETRIES):
            now = self.now()
            try:
                with self.conn.tx() as cur:
                    result, events = fn(cur, now)
                    write_events(cur, self.user, now, events)
                return result
            except DeskError as e:
                if e.sqlstate not in ("40P01", "40001") or attempt == RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    # -- claims ----------------------------------------------------------------------

    def claim(self, vins: Iterable[str], ttl: timedelta | None = None) -> list[ClaimResult]:
        """Claim each VIN that is free, expired or already yours (renewed). A VIN someone
        else holds comes back with ok=False and the holder: exactly one of two people
        claiming at once wins."""
        ids = claims.unique_vins(vins)
        life = ttl or self.settings.claim_ttl
        return list(self._change(lambda cur, now: claims.claim(cur, self.user, ids, now, life)))

    def renew(self, vins: Iterable[str], ttl: timedelta | None = None) -> list[ClaimResult]:
        ids = claims.unique_vins(vins)
        life = ttl or self.settings.claim_ttl
        return list(self._change(lambda cur, now: claims.renew(cur, self.user, ids, now, life)))

    def release(self, vins: Iterable[str]) -> list[ClaimResult]:
        ids = claims.unique_vins(vins)
        return list(self._change(lambda cur, now: claims.release(cur, self.user, ids, now)))

    def hand(
        self, vins: Iterable[str], to_user: str, ttl: timedelta | None = None
    ) -> list[ClaimResult]:
        """Give your claims (or free VINs) to `to_user`; someone else's claim is refused."""
        from fleettui.desk.settings import clean_user

        to = clean_user(to_user)
        if not to:
            raise DeskError("hand to whom? give a user name", "config")
        ids = claims.unique_vins(vins)
        life = ttl or self.settings.claim_ttl
        return list(
            self._change(lambda cur, now: claims.claim(cur, self.user, ids, now, life, to=to))
        )

    # -- notes and snoozes -----------------------------------------------------------

    def note(self, vin: str, text: str) -> Note:
        """Append a note (notes are never edited: a correction is a new note)."""
        target = vin.strip().upper()
        note: Note = self._change(lambda cur, now: work.add_note(cur, self.user, target, text, now))
        return note

    def notes(self, vin: str) -> list[Note]:
        with self.conn.tx() as cur:
            return work.notes(cur, vin.strip().upper())

    def snooze(
        self,
        vins: Iterable[str],
        until: datetime | None,
        reason: str,
        states: dict[str, str] | None = None,
    ) -> None:
        """Hide VINs from the triage queues until `until` (None: no time limit) or their
        next state change, whichever comes first."""
        ids = claims.unique_vins(vins)
        self._change(
            lambda cur, now: (None, work.snooze(cur, self.user, ids, now, until, reason, states))
        )

    def unsnooze(self, vins: Iterable[str]) -> None:
        ids = claims.unique_vins(vins)
        self._change(lambda cur, now: (None, work.unsnooze(cur, ids, f"unsnoozed by {self.user}")))

    def work_state(self, vins: Sequence[str] | None = None) -> dict[str, WorkState]:
        """Live claims, active snoozes and notes, per VIN (only VINs that have any)."""
        ids = None if vins is None else claims.unique_vins(vins)
        with self.conn.tx() as cur:
            return work.work_state(cur, self.now(), ids)

    # -- presence --------------------------------------------------------------------

    def heartbeat(self, viewing: str | None = None) -> None:
        self._change(
            lambda cur, now: (
                None,
                presence.heartbeat(cur, self.user, self.settings.host, viewing, now),
            )
        )

    def leave(self) -> None:
        self._change(lambda cur, now: (None, presence.leave(cur, self.user, self.settings.host)))

    def receiver(self) -> ReceiverSeen | None:
        """The desk's active receiver (None: none has registered)."""
        with self.conn.tx() as cur:
            cur.execute("SELECT host, pid, url, since, beat, health FROM desk_receiver")
            row = cur.fetchone()
        if row is None:
            return None
        host, pid, url, since, beat, health = row
        return ReceiverSeen(
            str(host),
            int(pid),
            str(url or ""),
            since,
            beat,
            self.now(),
            health if isinstance(health, dict) else {},
        )

    def receivers(self) -> receiver_rows.Receivers:
        """Every live webhook receiver on the desk (active, standbys) and the last takeover."""
        with self.conn.tx() as cur:
            return receiver_rows.read(cur)

    def people_online(self) -> list[Person]:
        with self.conn.tx() as cur:
            return presence.people_online(cur, self.now())

    def who_views(self, vin: str) -> list[Person]:
        """Others (not this user on this machine) looking at `vin` now."""
        target = vin.strip().upper()
        return [
            p
            for p in self.people_online()
            if p.viewing == target and (p.user, p.host) != (self.user, self.settings.host)
        ]

    # -- handover, export, events ----------------------------------------------------

    def handover(
        self, since: datetime, urgent: Iterable[str] = (), changes_since: datetime | None = None
    ) -> HandoverReport:
        """What happened since `since`; `urgent`: VINs the caller finds urgent (e.g. the
        triage queues'), reported back when nobody holds them; `changes_since`: the state
        changes' start on the provider's clock, where it is not the desk's."""
        ids = tuple(dict.fromkeys(v.strip().upper() for v in urgent if v and v.strip()))
        with self.conn.tx() as cur:
            return handover.build_handover(cur, since, self.now(), ids, changes_since)

    def handover_text(self, since: datetime, urgent: Iterable[str] = ()) -> str:
        return handover.handover_text(self.handover(since, urgent))

    def export(self) -> list[dict[str, Any]]:
        """Every claim, release, hand-over, note and snooze (columns: EXPORT_COLUMNS)."""
        with self.conn.tx() as cur:
            return handover.export_rows(cur)

    def last_event_id(self) -> int:
        """Read this BEFORE `work_state()` and follow from it: nothing is missed between."""
        with self.conn.tx() as cur:
            cur.execute("SELECT coalesce(max(id), 0) FROM desk_events")
            return int(cur.fetchone()[0])

    def events_after(self, after: int, limit: int = 1000) -> list[DeskEvent]:
        with self.conn.tx() as cur:
            return read_events(cur, after, limit)

    def state_changed(self, changes: Iterable[tuple[str, str]]) -> None:
        """(vin, new state) pairs seen outside the desk's history: clears their snoozes."""
        pairs = [(v.strip().upper(), s) for v, s in changes]
        self._change(lambda cur, now: (None, work.state_changed(cur, pairs)))


def init_desk(settings: DeskSettings) -> tuple[int | None, int]:
    """`fleettui desk init`: create or migrate the schema; (version found, version now).
    Idempotent, safe while monitors run; DeskError for a newer schema or no access."""
    from fleettui.desk import schema
    from fleettui.desk.connection import dsn_password, open_connection
    from fleettui.desk.errors import desk_error

    conn = open_connection(settings)
    try:
        return schema.migrate(conn, settings.shown)
    except DeskError:
        raise
    except Exception as e:  # noqa: BLE001
        raise desk_error(e, settings.shown, dsn_password(settings.dsn)) from None
    finally:
        conn.close()
