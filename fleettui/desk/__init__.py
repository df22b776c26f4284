"""The shared desk (issue 18): claims, notes, snoozes, presence, handover, one webhook feed
and the history, on PostgreSQL, for several people on several machines.

Textual-free. psycopg 3 (the `fleettui[desk]` extra) is imported only inside this package
and only when a desk is connected: importing `fleettui.desk` (or its settings, model and
errors) never imports psycopg, so the terminal app without a desk never loads it.

- `settings` — `DeskSettings` from the profile / environment; `redacted(dsn)`.
- `model` — the typed records: `WorkState`, `ClaimResult`, `Note`, `Snooze`, `Person`,
  `DeskEvent`, `DeskStatus`, `HandoverReport`.
- `errors` — `DeskError`: one line naming the problem and the fix, never the password.
- `schema` — versioned DDL and migrations (`fleettui desk init`).
- `store` — `Desk`: connect, claim/release/hand/renew, note, snooze, work_state, notes,
  presence, handover, export. Every change writes a `desk_events` row and NOTIFYs its id.
- `follow` — `DeskFollower`: LISTEN, catch up by id, reconnect with back-off.
- `webhook_feed` — the receiver's desk store; `receiver_lock` — the one-active-receiver
  lock; `receivers` — every running receiver (active, standby) with its heartbeat.
- `history` — the history (events, since-last-look per person) on the desk.
- `local_server` — a throwaway local PostgreSQL (tests, bench, `--demo --desk`);
  `pg_binaries` finds the server binaries, runs them and keeps the initdb template.
"""

from fleettui.desk.errors import DeskError
from fleettui.desk.model import (
    ClaimResult,
    DeskEvent,
    DeskStatus,
    HandoverReport,
    Note,
    Person,
    Snooze,
    WorkState,
)
from fleettui.desk.settings import DeskSettings, load_desk_settings, redacted

__all__ = [
    "ClaimResult",
    "DeskError",
    "DeskEvent",
    "DeskSettings",
    "DeskStatus",
    "HandoverReport",
    "Note",
    "Person",
    "Snooze",
    "WorkState",
    "load_desk_settings",
    "redacted",
]
