"""The history on the desk: `DeskHistory` stands in for `fleettui.history.HistoryStore`.

Same methods (record_events, record_event, events, count, query, get_meta/set_meta,
prune, close), so the `Recorder`, the triage's since-last-look and the statistics run on
it unchanged. Idempotent as the SQLite one: an event's key (`history.events.event_key`)
is the row's unique key and a repeat is skipped (INSERT ... ON CONFLICT DO NOTHING), so
two monitors recording the same refresh store each change once. Meta keys are per person
(`desk_user_meta`): since-last-look is yours, not the last person's who looked. Recorded
state changes also clear the snoozes they end (the snooze lasts until the next change).

`query(sql, params)` accepts the few SQLite statements the statistics and the recorder
issue against the history's `events` table (placeholders ``?``), rewritten for PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from fleettui.desk import work
from fleettui.desk.connection import DeskConnection, write_events
from fleettui.desk.errors import DeskError
from fleettui.desk.settings import DeskSettings
from fleettui.history.event_rows import COLUMNS, event_row, events_query, row_event
from fleettui.history.events import Event, one_event
from fleettui.history.settings import HistorySettings

_REWRITES = (
    (re.compile(r"\bNOT INDEXED\b"), ""),
    (re.compile(r"CAST\((\w+) / 86400 AS INTEGER\)"), r"floor(\1 / 86400)::bigint"),
    (re.compile(r"\bFROM events\b"), "FROM desk_history"),
    (re.compile(r"\?"), "%s"),
)


def postgres_sql(sql: str) -> str:
    for pattern, replacement in _REWRITES:
        sql = pattern.sub(replacement, sql)
    return sql


class DeskHistory:
    def __init__(self, settings: DeskSettings, *, history: HistorySettings | None = None) -> None:
        self.settings = settings
        self.history_settings = history or HistorySettings()
        self.notes: list[str] = []
        self.path = settings.shown
        self.conn = DeskConnection(settings)
        self._last_prune: datetime | None = None

    @classmethod
    def connect(cls, settings: DeskSettings) -> DeskHistory:
        store = cls(settings)
        store.conn.connect()
        return store

    @property
    def available(self) -> bool:
        return True

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> DeskHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def release_memory(self) -> None:
        """Nothing to give back: the desk's memory is the server's."""

    # -- writing ---------------------------------------------------------------------

    def record_events(self, events: Iterable[Event], now: datetime | None = None) -> int:
        """Store events (repeats by key skipped) in ONE transaction; how many were new.
        DeskError when the desk cannot take them (the caller keeps its local history)."""
        # The SQLite store's row (texts cut to the same bounds), its key first.
        rows = [(row[-1], *row[:-1]) for row in map(event_row, events)]
        if not rows:
            return 0
        moment = now or datetime.now(UTC)
        with self.conn.tx() as cur:
            cur.execute(
                f"INSERT INTO desk_history (key, {COLUMNS}) SELECT * FROM unnest("
                "%s::bigint[], %s::text[], %s::text[], %s::float8[], %s::float8[], %s::text[], "
                "%s::text[], %s::text[], %s::text[]) ON CONFLICT (key) DO NOTHING "
                "RETURNING vin, new_state, old_state, coalesce(at, seen_at)",
                [list(col) for col in zip(*rows, strict=True)],
            )
            added = cur.fetchall()
            changed = [
                (v, new, datetime.fromtimestamp(t, UTC)) for v, new, old, t in added if old != new
            ]
            write_events(cur, self.settings.user, moment, work.state_changed(cur, changed))
        if now is not None and (
            self._last_prune is None or now - self._last_prune >= timedelta(hours=1)
        ):
            self.prune(now)
        return len(added)

    def record_event(
        self,
        vin: str,
        old: str | None,
        new: str,
        reason: str | None,
        seen_at: datetime,
        source: str,
        *,
        at: datetime | None = None,
        brand: str = "",
        key: str | None = None,
    ) -> bool:
        return (
            self.record_events(
                [one_event(vin, old, new, reason, seen_at, source, at=at, brand=brand, key=key)]
            )
            == 1
        )

    def prune(self, now: datetime) -> int:
        self._last_prune = now
        cutoff = (now - timedelta(days=self.history_settings.retention_days)).timestamp()
        with self.conn.tx() as cur:
            cur.execute("DELETE FROM desk_history WHERE coalesce(at, seen_at) < %s", (cutoff,))
            return max(0, cur.rowcount)

    # -- meta (per person) -----------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self.conn.tx() as cur:
            cur.execute(
                "SELECT value FROM desk_user_meta WHERE username = %s AND key = %s",
                (self.settings.user, key),
            )
            row = cur.fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.conn.tx() as cur:
            cur.execute(
                "INSERT INTO desk_user_meta (username, key, value) VALUES (%s, %s, %s) "
                "ON CONFLICT (username, key) DO UPDATE SET value = EXCLUDED.value",
                (self.settings.user, key, value),
            )

    # -- reading ---------------------------------------------------------------------

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """A history statement written for SQLite, run on the desk; [] (with a note) when
        the desk fails, as the SQLite store does."""
        try:
            with self.conn.tx() as cur:
                cur.execute(postgres_sql(sql), params)
                return [tuple(r) for r in cur.fetchall()]
        except DeskError as e:
            self.notes.append(f"Desk history: a read failed ({e}).")
            return []

    def events(
        self,
        *,
        since: datetime | None = None,
        vin: str | None = None,
        state: str | None = None,
        seen_after: datetime | None = None,
        limit: int | None = None,
    ) -> list[Event]:
        sql, params = events_query(
            since=since, vin=vin, state=state, seen_after=seen_after, limit=limit
        )
        with self.conn.tx() as cur:
            cur.execute(postgres_sql(sql), params)
            rows = cur.fetchall()
        return [row_event(tuple(r)) for r in rows]

    def count(self) -> int:
        with self.conn.tx() as cur:
            cur.execute("SELECT count(*) FROM desk_history")
            return int(cur.fetchone()[0])
