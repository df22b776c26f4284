"""The history database's schema, versioned with ``PRAGMA user_version``.

``PRAGMA application_id`` marks the file as fleettui's history, so a foreign SQLite file
at our path is recognised (and moved aside) instead of being written into. Each
migration moves the schema one version up inside one IMMEDIATE transaction; a second
fleettui process opening the file at the same moment waits (busy timeout) and then
finds the work done. Never edit a released step: add the next one.
"""

from __future__ import annotations

import sqlite3

#: "FLTH" — fleettui history.
APPLICATION_ID = 0x464C5448
SCHEMA_VERSION = 2

MIGRATIONS: dict[int, tuple[str, ...]] = {
    # 1: the events and a small key/value table (profile, server, last look).
    1: (
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE IF NOT EXISTS events (
            id INTEGER PRIMARY KEY,
            vin TEXT NOT NULL,
            at REAL,
            seen_at REAL NOT NULL,
            old_state TEXT,
            new_state TEXT NOT NULL,
            reason TEXT,
            source TEXT NOT NULL,
            key INTEGER NOT NULL UNIQUE)""",
        "CREATE INDEX IF NOT EXISTS events_vin ON events (vin, at)",
        "CREATE INDEX IF NOT EXISTS events_seen ON events (seen_at)",
    ),
    # 2: per-brand statistics need each event's brand; daily counts read a time range.
    2: (
        "ALTER TABLE events ADD COLUMN brand TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX IF NOT EXISTS events_at ON events (at)",
    ),
}


class SchemaTooNew(Exception):
    """The file was written by a newer fleettui; it is left untouched."""


class ForeignDatabase(Exception):
    """A SQLite file that is not fleettui's history."""


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_identity(conn: sqlite3.Connection) -> None:
    """Raise ForeignDatabase unless the file is ours or empty (sqlite3.DatabaseError
    propagates for a file that is not a database at all)."""
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id == APPLICATION_ID:
        return
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app_id != 0 or tables:
        raise ForeignDatabase(f"application id {app_id:#x} with {tables} schema object(s)")


def check_not_newer(conn: sqlite3.Connection) -> None:
    found = user_version(conn)
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(f"schema version {found}, this fleettui knows up to {SCHEMA_VERSION}")


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the schema to `target`; returns the version found. The connection must be
    in autocommit mode (isolation_level=None)."""
    check_not_newer(conn)
    found = user_version(conn)
    if found >= target:
        return found
    if found == 0:
        # Only possible before the first table exists; frees pages after pruning.
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = user_version(conn)  # another process may have migrated meanwhile
        if current == 0:
            check_identity(conn)
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for version in range(current + 1, target + 1):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return found
