"""One connection to the desk, shared by threads: connect, transactions, event rows.

psycopg is imported here, when the first connection is made (`import_psycopg`), never at
module import. Every psycopg or OS error leaves as a one-line `DeskError` (see
`errors.desk_error`): the password of the DSN never reaches a message, a log or a
traceback (the original exception is not chained: `raise ... from None`).

`DeskConnection.tx()` runs a block in one transaction; a broken connection (the server
restarted, the network cut) is dropped and the next `tx()` connects again, so a desk
object survives a restart without its caller doing anything.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from fleettui.core.timefmt import utcnow
from fleettui.desk import schema
from fleettui.desk.errors import DeskError, desk_error
from fleettui.desk.model import DeskEvent
from fleettui.desk.settings import CHANNEL, DeskSettings

#: (kind, vin, payload) of an event to write.
NewEvent = tuple[str, str | None, dict[str, Any]]


def import_psycopg() -> ModuleType:
    """psycopg, or DeskError naming the extra to install."""
    try:
        import psycopg
    except ImportError:
        raise DeskError("the desk needs psycopg: pip install 'fleettui[desk]'", "config") from None
    return psycopg


def dsn_password(dsn: str) -> str | None:
    """The password in a DSN (to scrub it from any message), None when there is none."""
    if "://" in dsn:
        with contextlib.suppress(ValueError):
            return urlsplit(dsn).password
        return None
    with contextlib.suppress(Exception):
        psycopg = import_psycopg()
        found = psycopg.conninfo.conninfo_to_dict(dsn).get("password")
        return None if found is None else str(found)
    return None


def open_connection(
    settings: DeskSettings, *, autocommit: bool = True, keepalive: bool = False
) -> Any:
    """A new psycopg connection (autocommit: transactions are explicit), or DeskError."""
    psycopg = import_psycopg()
    options: dict[str, Any] = {
        "autocommit": autocommit,
        "connect_timeout": max(1, int(settings.connect_timeout)),
        "application_name": "fleettui",
    }
    if keepalive:  # notice a dead peer in seconds, not hours (receiver lock, follower)
        options.update(keepalives=1, keepalives_idle=5, keepalives_interval=2, keepalives_count=3)
    try:
        return psycopg.connect(settings.dsn, **options)
    except Exception as e:  # noqa: BLE001 - every failure becomes one DeskError line
        raise desk_error(e, settings.shown, dsn_password(settings.dsn)) from None


def write_events(cur: Any, actor: str, at: datetime, events: Sequence[NewEvent]) -> list[int]:
    """Insert events (in order) and NOTIFY the newest id, inside the caller's transaction.

    Takes EVENTS_LOCK (held to the commit) first, so ids commit in increasing order."""
    if not events:
        return []
    cur.execute("SELECT pg_advisory_xact_lock(%s)", (schema.EVENTS_LOCK,))
    ids: list[int] = []
    for kind, vin, payload in events:
        cur.execute(
            "INSERT INTO desk_events (kind, vin, actor, at, payload) "
            "VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (kind, vin, actor, at, json.dumps(payload)),
        )
        ids.append(int(cur.fetchone()[0]))
    cur.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(ids[-1])))
    return ids


def row_event(row: Sequence[Any]) -> DeskEvent:
    id_, kind, vin, actor, at, payload = row
    return DeskEvent(
        int(id_), str(kind), vin, str(actor or ""), at, payload if isinstance(payload, dict) else {}
    )


EVENT_COLUMNS = "id, kind, vin, actor, at, payload"


def read_events(cur: Any, after: int, limit: int = 1000) -> list[DeskEvent]:
    cur.execute(
        f"SELECT {EVENT_COLUMNS} FROM desk_events WHERE id > %s ORDER BY id LIMIT %s",
        (after, limit),
    )
    return [row_event(r) for r in cur.fetchall()]


class DeskConnection:
    """A lazily (re)opened connection guarded by a lock, with the schema checked once."""

    def __init__(self, settings: DeskSettings, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.settings = settings
        self.clock = clock
        self._lock = threading.RLock()
        self._conn: Any = None
        self._password = dsn_password(settings.dsn)

    @property
    def where(self) -> str:
        return self.settings.shown

    def error(self, exc: BaseException) -> DeskError:
        return desk_error(exc, self.where, self._password)

    def _open(self) -> Any:
        conn = open_connection(self.settings)
        try:
            with conn.cursor() as cur:
                schema.check_version(schema.found_version(cur), self.where)
        except DeskError:
            conn.close()
            raise
        except Exception as e:  # noqa: BLE001
            conn.close()
            raise self.error(e) from None
        return conn

    def connect(self) -> None:
        """Open now (DeskError when the desk is unreachable or its schema is wrong)."""
        with self._lock:
            if self._conn is None or self._conn.closed:
                self._conn = self._open()

    @contextlib.contextmanager
    def tx(self) -> Iterator[Any]:
        """A cursor inside one transaction; DeskError on any database failure."""
        with self._lock:
            if self._conn is None or self._conn.closed:
                self._conn = self._open()
            conn = self._conn
            try:
                with conn.transaction(), conn.cursor() as cur:
                    yield cur
            except DeskError:
                raise
            except Exception as e:  # noqa: BLE001
                err = self.error(e)
                if err.offline or conn.closed or conn.broken:
                    self._drop()
                raise err from None

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def close(self) -> None:
        with self._lock:
            self._drop()
