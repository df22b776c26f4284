"""The desk's schema, versioned in ``desk_meta``; `fleettui desk init` creates or migrates it.

Each migration step runs in one transaction under an advisory transaction lock, so two
`desk init` at once (or one while monitors run) do the work once; every statement is
additive (CREATE ... IF NOT EXISTS, ADD COLUMN), so running monitors keep working while
it runs. Never edit a released step: add the next one.

Tables (all prefixed ``desk_``):

- ``desk_events``: every change (id bigserial, kind, vin, actor, at, payload jsonb). Rows
  are inserted under the advisory transaction lock EVENTS_LOCK, held to the commit, so ids
  become visible in increasing order: a follower that read up to id N never later finds a
  smaller id committed (a plain bigserial does not promise that).
- ``desk_claims`` (one row per claimed VIN), ``desk_notes`` (append-only: a trigger refuses
  UPDATE and DELETE), ``desk_snoozes`` (one per VIN), ``desk_presence``.
- ``desk_deliveries`` (webhook dedupe), ``desk_receiver`` (the active receiver's name and
  health), ``desk_history`` and ``desk_user_meta`` (the history on the desk, per person).
- v2: ``desk_receivers`` (one row per running webhook receiver, active or standby, with
  its heartbeat: `fleettui.desk.receivers`). A new table only: clients of v1 connected
  while it is added keep working (v2 receivers still write ``desk_receiver``); a v1
  client that connects afterwards is told to upgrade fleettui (`check_version`).
"""

from __future__ import annotations

from typing import Any

from fleettui.desk.errors import INIT_FIX, DeskError

SCHEMA_VERSION = 2
#: Advisory lock keys (pg_advisory_*): arbitrary constants, "FLTD" + a small number.
MIGRATE_LOCK = 0x464C5444_0001
EVENTS_LOCK = 0x464C5444_0002
RECEIVER_LOCK = 0x464C5444_0003

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        "CREATE TABLE IF NOT EXISTS desk_meta (key text PRIMARY KEY, value text NOT NULL)",
        """CREATE TABLE IF NOT EXISTS desk_events (
            id bigserial PRIMARY KEY,
            kind text NOT NULL,
            vin text,
            actor text NOT NULL DEFAULT '',
            at timestamptz NOT NULL DEFAULT clock_timestamp(),
            payload jsonb NOT NULL DEFAULT '{}'::jsonb)""",
        "CREATE INDEX IF NOT EXISTS desk_events_at ON desk_events (at)",
        "CREATE INDEX IF NOT EXISTS desk_events_vin ON desk_events (vin, id)",
        """CREATE TABLE IF NOT EXISTS desk_claims (
            vin text PRIMARY KEY,
            claimed_by text NOT NULL,
            claimed_at timestamptz NOT NULL,
            expires_at timestamptz NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS desk_notes (
            id bigserial PRIMARY KEY,
            vin text NOT NULL,
            author text NOT NULL,
            at timestamptz NOT NULL,
            text text NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS desk_notes_vin ON desk_notes (vin, id)",
        "CREATE INDEX IF NOT EXISTS desk_notes_at ON desk_notes (at)",
        """CREATE OR REPLACE FUNCTION desk_notes_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'desk notes are append-only: write a new note instead';
            END $$""",
        "DROP TRIGGER IF EXISTS desk_notes_append_only ON desk_notes",
        """CREATE TRIGGER desk_notes_append_only BEFORE UPDATE OR DELETE ON desk_notes
            FOR EACH ROW EXECUTE FUNCTION desk_notes_append_only()""",
        """CREATE TABLE IF NOT EXISTS desk_snoozes (
            vin text PRIMARY KEY,
            snoozed_by text NOT NULL,
            at timestamptz NOT NULL,
            until timestamptz,
            reason text NOT NULL DEFAULT '',
            state text)""",
        """CREATE TABLE IF NOT EXISTS desk_presence (
            username text NOT NULL,
            host text NOT NULL,
            viewing text,
            seen_at timestamptz NOT NULL,
            PRIMARY KEY (username, host))""",
        """CREATE TABLE IF NOT EXISTS desk_deliveries (
            id text PRIMARY KEY,
            seen timestamptz NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS desk_deliveries_seen ON desk_deliveries (seen)",
        """CREATE TABLE IF NOT EXISTS desk_receiver (
            one boolean PRIMARY KEY DEFAULT true CHECK (one),
            host text NOT NULL,
            pid integer NOT NULL,
            url text NOT NULL DEFAULT '',
            since timestamptz NOT NULL,
            beat timestamptz NOT NULL,
            health jsonb NOT NULL DEFAULT '{}'::jsonb)""",
        """CREATE TABLE IF NOT EXISTS desk_history (
            id bigserial PRIMARY KEY,
            key bigint NOT NULL UNIQUE,
            vin text NOT NULL,
            brand text NOT NULL DEFAULT '',
            at double precision,
            seen_at double precision NOT NULL,
            old_state text,
            new_state text NOT NULL,
            reason text,
            source text NOT NULL)""",
        "CREATE INDEX IF NOT EXISTS desk_history_vin ON desk_history (vin, at)",
        "CREATE INDEX IF NOT EXISTS desk_history_seen ON desk_history (seen_at)",
        "CREATE INDEX IF NOT EXISTS desk_history_at ON desk_history (at)",
        """CREATE TABLE IF NOT EXISTS desk_user_meta (
            username text NOT NULL,
            key text NOT NULL,
            value text NOT NULL,
            PRIMARY KEY (username, key))""",
    ),
    2: (
        """CREATE TABLE IF NOT EXISTS desk_receivers (
            id bigserial PRIMARY KEY,
            role text NOT NULL CHECK (role IN ('active', 'standby')),
            host text NOT NULL,
            pid integer NOT NULL,
            url text NOT NULL DEFAULT '',
            started timestamptz NOT NULL,
            beat timestamptz NOT NULL,
            active_since timestamptz)""",
        "CREATE INDEX IF NOT EXISTS desk_receivers_beat ON desk_receivers (beat)",
    ),
}


def found_version(cur: Any) -> int | None:
    """The schema version in the desk; None when there is no fleettui schema at all."""
    cur.execute("SELECT to_regclass('desk_meta') IS NOT NULL")
    row = cur.fetchone()
    if not row or not row[0]:
        return None
    cur.execute("SELECT value FROM desk_meta WHERE key = 'schema_version'")
    row = cur.fetchone()
    try:
        return int(row[0]) if row else 0
    except (TypeError, ValueError):
        return 0


def check_version(found: int | None, where: str) -> None:
    """DeskError (one line naming the fix) unless the schema is the one this fleettui uses."""
    if found is None or found == 0:
        raise DeskError(f"desk {where} has no fleettui schema yet; {INIT_FIX}", "no-schema")
    if found < SCHEMA_VERSION:
        raise DeskError(
            f"desk {where} has schema version {found}, this fleettui needs "
            f"{SCHEMA_VERSION}; {INIT_FIX} (safe while monitors run)",
            "old-schema",
        )
    if found > SCHEMA_VERSION:
        raise DeskError(
            f"desk {where} has schema version {found}, newer than this fleettui "
            f"knows ({SCHEMA_VERSION}); upgrade fleettui on this machine",
            "new-schema",
        )


def migrate(conn: Any, where: str, target: int | None = None) -> tuple[int | None, int]:
    """Create or migrate the schema to `target`; (version found, version now).

    `conn` is a psycopg connection (not in a transaction). Refuses a newer schema."""
    target = SCHEMA_VERSION if target is None else target
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
        found = found_version(cur)
        if found is not None and found > target:
            check_version(found, where)
        current = found or 0
        for version in range(current + 1, target + 1):
            for statement in MIGRATIONS[version]:
                cur.execute(statement)
            cur.execute(
                "INSERT INTO desk_meta (key, value) VALUES ('schema_version', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (str(version),),
            )
        if current < target:
            cur.execute(
                "INSERT INTO desk_meta (key, value) VALUES ('created_at', now()::text) "
                "ON CONFLICT (key) DO NOTHING"
            )
        return found, max(current, target)
