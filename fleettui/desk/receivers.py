"""The desk's webhook receivers, active and standby (schema v2's ``desk_receivers``).

Every `fleettui webhooks listen --desk` process has one row while it runs: its role
(``active``: holds the receiver lock; ``standby``: waits for it), machine, pid, URL, when
it started, when it became active and its last heartbeat. The process beats every
`BEAT_EVERY` seconds on the connection of its receiver lock (one UPDATE, on the CLI's own
thread, never the receiver's request handling). A row whose beat is older than
`EXPIRE_AFTER` is a dead receiver's (a kill -9, a vanished machine): readers leave it out
and the live receivers delete it (when one registers, takes over, and about once a
minute). All times are the database's clock, so machines with skewed clocks agree.

The single-row ``desk_receiver`` of schema v1 (the active one's health, read by the
monitors' header) is still written as before: monitors of v1 keep working while a desk
is migrated under them.

A standby taking the lock writes a ``receiver`` event (no VIN; payload ``{"change":
"takeover" | "start", "host", "pid", "from": {"host", "pid"} | null}``) and keeps the
newest takeover in ``desk_meta`` (key `TAKEOVER_KEY`), so `desk status` finds it without
scanning the events. Host and URL strings read here are data: callers sanitise them
before a terminal shows them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from fleettui.desk.model import iso

#: Seconds between a receiver's heartbeats.
BEAT_EVERY = 5.0
#: A row whose beat is older than this (seconds) is a dead receiver's: hidden, then deleted.
EXPIRE_AFTER = 30.0
#: Live receivers delete expired rows every this many beats (about once a minute).
CLEAN_EVERY_BEATS = 12
#: desk_meta's key for the newest takeover (JSON: host, pid, at, from).
TAKEOVER_KEY = "receiver_last_takeover"

Role = Literal["active", "standby"]


@dataclass(frozen=True, slots=True)
class ReceiverRow:
    """One running receiver as its row says, read at `read_at` (the desk's clock)."""

    id: int
    role: str
    host: str
    pid: int
    url: str
    started: datetime
    beat: datetime
    active_since: datetime | None
    read_at: datetime

    @property
    def beat_age(self) -> float:
        """Seconds from its last beat to when the row was read."""
        return max(0.0, (self.read_at - self.beat).total_seconds())

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "host": self.host,
            "pid": self.pid,
            "url": self.url,
            "started": iso(self.started),
            "active_since": iso(self.active_since),
            "beat": iso(self.beat),
            "beat_age_seconds": round(self.beat_age, 1),
        }


@dataclass(frozen=True, slots=True)
class Takeover:
    """The newest time a standby became the active receiver."""

    host: str
    pid: int
    at: datetime
    #: The receiver it took over from, as "host pid N" ("" when none had a row).
    from_host: str = ""
    from_pid: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "pid": self.pid,
            "at": iso(self.at),
            "from": None
            if self.from_pid is None
            else {"host": self.from_host, "pid": self.from_pid},
        }

    @classmethod
    def from_json(cls, text: object) -> Takeover | None:
        """From desk_meta's stored JSON; None for anything odd (it is data)."""
        try:
            data = json.loads(str(text))
            at = datetime.strptime(str(data["at"]), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            before = data.get("from") if isinstance(data.get("from"), dict) else None
            return cls(
                str(data["host"]),
                int(data["pid"]),
                at,
                str(before["host"]) if before else "",
                int(before["pid"]) if before else None,
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


@dataclass(frozen=True, slots=True)
class Receivers:
    """Every live receiver (active first, then standbys by start) and the last takeover."""

    rows: tuple[ReceiverRow, ...] = ()
    last_takeover: Takeover | None = None

    @property
    def active(self) -> ReceiverRow | None:
        return next((r for r in self.rows if r.role == "active"), None)

    @property
    def standbys(self) -> tuple[ReceiverRow, ...]:
        return tuple(r for r in self.rows if r.role == "standby")

    def to_json(self) -> dict[str, Any]:
        """`desk status --json`'s "receivers" and "last_takeover"."""
        return {
            "receivers": [r.to_json() for r in self.rows],
            "last_takeover": None if self.last_takeover is None else self.last_takeover.to_json(),
        }


def clean_expired(cur: Any) -> int:
    """Delete dead receivers' rows (beat older than EXPIRE_AFTER); how many went."""
    cur.execute(
        "DELETE FROM desk_receivers WHERE beat < now() - make_interval(secs => %s)",
        (EXPIRE_AFTER,),
    )
    return max(0, cur.rowcount or 0)


def register(cur: Any, host: str, pid: int, role: Role, url: str = "") -> int:
    """A new row for this process (cleaning expired ones first); its id."""
    clean_expired(cur)
    cur.execute(
        "INSERT INTO desk_receivers (role, host, pid, url, started, beat, active_since) "
        "VALUES (%s, %s, %s, %s, now(), now(), CASE WHEN %s = 'active' THEN now() END) "
        "RETURNING id",
        (role, host, pid, url, role),
    )
    return int(cur.fetchone()[0])


def beat(cur: Any, row: int) -> bool:
    """This process's heartbeat: one UPDATE. False when its row is gone (expired while the
    process was stopped, and cleaned): then register again."""
    cur.execute("UPDATE desk_receivers SET beat = now() WHERE id = %s", (row,))
    return (cur.rowcount or 0) > 0


def become_active(
    cur: Any, row: int, host: str, pid: int, url: str, *, took_over: bool
) -> dict[str, Any] | None:
    """Mark `row` the active one, inside the caller's transaction, just after this process
    took the receiver lock: any other `active` row is a dead holder's (the lock is ours),
    so it goes. A standby that waited (`took_over`) also records the takeover. The
    previous active one's {"host", "pid"}, None when it had no row."""
    cur.execute(
        "SELECT host, pid FROM desk_receivers WHERE role = 'active' AND id <> %s "
        "ORDER BY beat DESC LIMIT 1",
        (row,),
    )
    before = cur.fetchone()
    cur.execute("DELETE FROM desk_receivers WHERE role = 'active' AND id <> %s", (row,))
    clean_expired(cur)
    cur.execute(
        "UPDATE desk_receivers SET role = 'active', url = %s, active_since = now(), "
        "beat = now() WHERE id = %s RETURNING active_since",
        (url, row),
    )
    found = cur.fetchone()
    if found is None:  # cleaned meanwhile: a new row
        cur.execute(
            "INSERT INTO desk_receivers (role, host, pid, url, started, beat, active_since) "
            "VALUES ('active', %s, %s, %s, now(), now(), now()) RETURNING active_since",
            (host, pid, url),
        )
        found = cur.fetchone()
    if took_over:
        record = Takeover(
            host,
            pid,
            found[0],
            str(before[0]) if before else "",
            int(before[1]) if before else None,
        )
        cur.execute(
            "INSERT INTO desk_meta (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            (TAKEOVER_KEY, json.dumps(record.to_json())),
        )
    return None if before is None else {"host": str(before[0]), "pid": int(before[1])}


def set_url(cur: Any, row: int, url: str) -> None:
    cur.execute("UPDATE desk_receivers SET url = %s WHERE id = %s", (url, row))


def unregister(cur: Any, row: int) -> None:
    cur.execute("DELETE FROM desk_receivers WHERE id = %s", (row,))


def read(cur: Any) -> Receivers:
    """The live receivers (beat under EXPIRE_AFTER old) and the newest takeover."""
    cur.execute(
        "SELECT id, role, host, pid, url, started, beat, active_since, now() "
        "FROM desk_receivers WHERE beat >= now() - make_interval(secs => %s) "
        "ORDER BY role = 'standby', started, id LIMIT 50",
        (EXPIRE_AFTER,),
    )
    rows = tuple(
        ReceiverRow(int(i), str(role), str(host), int(pid), str(url or ""), started, at, since, now)
        for i, role, host, pid, url, started, at, since, now in cur.fetchall()
    )
    cur.execute("SELECT value FROM desk_meta WHERE key = %s", (TAKEOVER_KEY,))
    found = cur.fetchone()
    return Receivers(rows, Takeover.from_json(found[0]) if found else None)


def takeover_text(change: str, host: str, at: datetime, from_host: str = "") -> str:
    """One line for the handover and the monitor (host already sanitised by the caller)."""
    when = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if change == "takeover":
        tail = f" from {from_host}" if from_host else ""
        return f"standby on {host} took over{tail} at {when}"
    return f"receiver on {host} became active at {when}"
