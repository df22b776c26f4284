"""One active webhook receiver per desk: `ReceiverLock`, a session advisory lock on a
connection of its own (TCP keepalives on, so a dead holder's lock goes within seconds; a
killed process's at once). The holder writes its machine, pid and URL in `desk_receiver`;
a standby reads them (`Holder`) to say who holds it, and keeps trying. Every receiver,
active or standby, has its row in `desk_receivers` and beats it on this same connection
(`fleettui.desk.receivers`); a standby that takes the lock writes a `receiver` event.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fleettui.core.timefmt import utcnow
from fleettui.desk import receivers, schema
from fleettui.desk.connection import open_connection, write_events
from fleettui.desk.errors import DeskError
from fleettui.desk.settings import DeskSettings


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    url: str
    since: datetime
    beat: datetime

    def text(self) -> str:
        return (
            f"{self.host} (pid {self.pid}{', ' + self.url if self.url else ''}) since "
            f"{self.since.strftime('%Y-%m-%d %H:%M:%S UTC')}"
        )


class ReceiverLock:
    """The desk's one-active-receiver lock (a session advisory lock), and this process's
    row in `desk_receivers` with its heartbeat (`beat()`, called by the loops that wait).

    `clock` is monotonic seconds (when a beat is due); tests pass a fake one."""

    def __init__(
        self, settings: DeskSettings, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings
        self._conn: Any = None
        self.held = False
        self.clock = clock
        #: This process's row in desk_receivers (None: not registered on this connection).
        self.row: int | None = None
        #: This process waited as a standby (so taking the lock is a takeover).
        self.waited = False
        self._next_beat = 0.0
        self._beats = 0

    def _connection(self) -> Any:
        if self._conn is None or self._conn.closed:
            self.held = False
            self.row = None
            self._conn = open_connection(self.settings, keepalive=True)
            with self._conn.cursor() as cur:
                schema.check_version(schema.found_version(cur), self.settings.shown)
        return self._conn

    def _register(self, conn: Any, role: receivers.Role, url: str = "") -> None:
        with conn.transaction(), conn.cursor() as cur:
            self.row = receivers.register(cur, self.settings.host, os.getpid(), role, url)
        self._next_beat = self.clock() + receivers.BEAT_EVERY

    def _activate(self, conn: Any, url: str) -> None:
        """Just took the lock: our row says active; a `receiver` event says so."""
        if self.row is None:
            self._register(conn, "standby", url)
        assert self.row is not None
        host, pid = self.settings.host, os.getpid()
        with conn.transaction(), conn.cursor() as cur:
            before = receivers.become_active(cur, self.row, host, pid, url, took_over=self.waited)
            change = "takeover" if self.waited else "start"
            payload = {"change": change, "host": host, "pid": pid, "from": before}
            write_events(cur, f"receiver@{host}", utcnow(), [("receiver", None, payload)])
        self._next_beat = self.clock() + receivers.BEAT_EVERY

    def beat(self) -> None:
        """The heartbeat when due (every BEAT_EVERY seconds): one UPDATE of our row, and
        now and then the expired rows deleted. DeskError when the desk cannot be reached."""
        if self.row is None or self._conn is None or self.clock() < self._next_beat:
            return
        self._next_beat = self.clock() + receivers.BEAT_EVERY
        self._beats += 1
        try:
            with self._conn.transaction(), self._conn.cursor() as cur:
                if not receivers.beat(cur, self.row):
                    role: receivers.Role = "active" if self.held else "standby"
                    self.row = receivers.register(cur, self.settings.host, os.getpid(), role)
                elif self._beats % receivers.CLEAN_EVERY_BEATS == 0:
                    receivers.clean_expired(cur)
        except Exception as e:  # noqa: BLE001
            self._close()
            raise self._offline(e) from None

    def _offline(self, e: BaseException) -> DeskError:
        return DeskError(
            f"desk {self.settings.shown} is offline ({type(e).__name__}); "
            "start the PostgreSQL server or check the connection string",
            "offline",
        )

    def try_acquire(self, url: str = "") -> bool:
        """Take the lock if free (True), and say so in desk_receiver. DeskError when the
        desk cannot be reached."""
        try:
            conn = self._connection()
            if self.row is None:
                self._register(conn, "standby", url)
            row = conn.execute(
                "SELECT pg_try_advisory_lock(%s)", (schema.RECEIVER_LOCK,)
            ).fetchone()
            self.held = bool(row and row[0])
            if self.held:
                now = utcnow()
                conn.execute(
                    "INSERT INTO desk_receiver (one, host, pid, url, since, beat) VALUES "
                    "(true, %s, %s, %s, %s, %s) ON CONFLICT (one) DO UPDATE SET host = "
                    "EXCLUDED.host, pid = EXCLUDED.pid, url = EXCLUDED.url, since = "
                    "EXCLUDED.since, beat = EXCLUDED.beat, health = '{}'::jsonb",
                    (self.settings.host, os.getpid(), url, now, now),
                )
                self._activate(conn, url)
            else:
                self.waited = True
                self.beat()
            return self.held
        except DeskError:
            self._close()
            raise
        except Exception as e:  # noqa: BLE001
            self._close()
            raise self._offline(e) from None

    def set_url(self, url: str) -> None:
        if self.held and self._conn is not None:
            self._conn.execute(
                "UPDATE desk_receiver SET url = %s WHERE pid = %s AND host = %s",
                (url, os.getpid(), self.settings.host),
            )
            if self.row is not None:
                with self._conn.transaction(), self._conn.cursor() as cur:
                    receivers.set_url(cur, self.row, url)

    def still_held(self) -> bool:
        """The lock's connection is alive (so the lock is still ours)."""
        if not self.held or self._conn is None:
            return False
        try:
            if self.row is not None and self.clock() >= self._next_beat:
                self.beat()  # the beat's UPDATE is the check
            else:
                self._conn.execute("SELECT 1")
            return self._conn is not None
        except Exception:  # noqa: BLE001 - a dead connection: the lock is gone
            self._close()
            return False

    def holder(self) -> Holder | None:
        """Who holds it, as the holder wrote it (None: nobody has said)."""
        conn = self._connection()
        row = conn.execute("SELECT host, pid, url, since, beat FROM desk_receiver").fetchone()
        return None if row is None else Holder(*row)

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        self.held = False
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def release(self) -> None:
        if self.row is not None and self._conn is not None:
            with contextlib.suppress(Exception), self._conn.cursor() as cur:
                receivers.unregister(cur, self.row)
            self.row = None
        if self.held and self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.execute(
                    "DELETE FROM desk_receiver WHERE pid = %s AND host = %s",
                    (os.getpid(), self.settings.host),
                )
                # Now, not when the server notices the closed connection (a moment later).
                self._conn.execute("SELECT pg_advisory_unlock(%s)", (schema.RECEIVER_LOCK,))
        self._close()
