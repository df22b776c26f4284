"""The profile's history file, opened: a throwaway one for demo runs; a profile that now
points at another server starts a new file (the old one moved aside, with a note)."""

from __future__ import annotations

from fleettui.history.database_file import history_path, move_aside
from fleettui.history.settings import HistorySettings, load_history_settings
from fleettui.history.store import HistoryStore


def open_history(
    profile: str, base_url: str = "", *, demo: bool = False, settings: HistorySettings | None = None
) -> HistoryStore:
    """The profile's history (a throwaway one for demo runs). A profile that now points
    at another server starts a new file; the old one is moved aside with a note."""
    if demo:
        return HistoryStore.temporary()
    store = HistoryStore(history_path(profile), settings=settings or load_history_settings())
    if not store.available:
        return store
    known = store.get_meta("base_url")
    server = base_url.rstrip("/")
    if known is None:
        store.set_meta("profile", profile)
        store.set_meta("base_url", server)
    elif server and known != server:
        store.close()
        assert store.path is not None
        _, note = move_aside(
            store.path, "other-server", f"it holds {known}, the profile now uses {server}"
        )
        fresh = HistoryStore(store.path, settings=store.settings)
        fresh.notes[:0] = [*store.notes, note]
        fresh.set_meta("profile", profile)
        fresh.set_meta("base_url", server)
        return fresh
    return store
