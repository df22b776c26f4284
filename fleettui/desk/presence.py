"""Presence, lightly: who has the desk open, and who is looking at which vehicle.

A monitor calls `heartbeat` every PRESENCE_EVERY seconds (and when the vehicle it shows
changes); someone is online while their last heartbeat is younger than ONLINE_FOR. Only
an arrival or a change of the vehicle viewed writes an event (a beat that changes nothing
does not wake every monitor); `leave` says goodbye at exit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fleettui.desk.connection import NewEvent
from fleettui.desk.model import Person

PRESENCE_EVERY = 20.0
ONLINE_FOR = timedelta(seconds=60)


def heartbeat(cur: Any, me: str, host: str, viewing: str | None, now: datetime) -> list[NewEvent]:
    cur.execute(
        "SELECT viewing, seen_at FROM desk_presence WHERE username = %s AND host = %s FOR UPDATE",
        (me, host),
    )
    row = cur.fetchone()
    cur.execute(
        "INSERT INTO desk_presence (username, host, viewing, seen_at) "
        "VALUES (%s, %s, %s, %s) ON CONFLICT (username, host) DO UPDATE SET "
        "viewing = EXCLUDED.viewing, seen_at = EXCLUDED.seen_at",
        (me, host, viewing, now),
    )
    arrived = row is None or row[1] <= now - ONLINE_FOR
    if arrived or row[0] != viewing:
        return [("presence", viewing, {"host": host, "viewing": viewing})]
    return []


def leave(cur: Any, me: str, host: str) -> list[NewEvent]:
    cur.execute(
        "DELETE FROM desk_presence WHERE username = %s AND host = %s RETURNING 1", (me, host)
    )
    return [("leave", None, {"host": host})] if cur.fetchone() else []


def people_online(cur: Any, now: datetime) -> list[Person]:
    cur.execute(
        "SELECT username, host, seen_at, viewing FROM desk_presence WHERE seen_at > %s "
        "ORDER BY username, host",
        (now - ONLINE_FOR,),
    )
    return [Person(u, h, s, v) for u, h, s, v in cur.fetchall()]
