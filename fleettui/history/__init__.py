"""The local history: every state change fleettui observed, per profile, in SQLite.

- `events` — the `Event` record and its idempotency key.
- `schema` — the versioned schema and its migrations.
- `store` — `HistoryStore`: open, record in one transaction, query, prune. Safe from a
  worker thread and with two processes at once.
- `profile_history` — `open_history`: the profile's file (a throwaway one for demos), a
  new one when the profile now points at another server.
- `database_file` — where a profile's file is, how it is opened, how a corrupt or
  foreign one is moved aside, and the demo's throwaway (unlinked once open, so even a
  SIGKILL leaves nothing behind).
- `event_rows` — events as rows of the `events` table, and the query reading them.
- `write_backlog` — the rows of failed writes, kept for the next write that succeeds.
- `recorder` — turns a refresh (diff + changelogs) into events.
- `settings` — retention and size bound from config.toml's `[history]` table.

Textual-free; nothing secret is stored (VIN, brand, states, reasons and times only).
"""
