"""The local history: every state change fleettui observed, per profile, in SQLite.

- `events` — the `Event` record and its idempotency key.
- `schema` — the versioned schema and its migrations.
- `store` — `HistoryStore`: open (corrupt or foreign files moved aside), record in one
  transaction, query, prune. Safe from a worker thread and with two processes at once.
- `recorder` — turns a refresh (diff + changelogs) into events.
- `settings` — retention and size bound from config.toml's `[history]` table.

Textual-free; nothing secret is stored (VIN, brand, states, reasons and times only).
"""

from fleettui.history.events import Event, event_key
from fleettui.history.store import HistoryStore, history_path, open_history

__all__ = ["Event", "HistoryStore", "event_key", "history_path", "open_history"]
