"""Live refresh: a thread worker fetches and diffs the fleet off the UI thread, posts a
message, and the UI thread only swaps the prepared result in.

Polls are chained: the next one is scheduled when the last one ends, so they never
overlap. On failure the data stays, the header says stale (age and why), the delay
doubles up to two minutes, and the first good poll after that says "reconnected".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from textual import work
from textual.message import Message
from textual.timer import Timer

from fleettui.api.errors import ApiError, BadResponse, RateLimited, error_category
from fleettui.core.states import State
from fleettui.core.store import Prepared, StateChange
from fleettui.core.text import clean
from fleettui.core.timefmt import utcnow

HEADER_TICK = 5.0
#: While the data is stale its age counts in seconds, so the header ticks faster.
STALE_TICK = 1.0
CACHE_EVERY = 300.0
log = logging.getLogger("fleettui.ui")


class FleetFetched(Message):
    def __init__(self, prepared: Prepared, generation: int) -> None:
        super().__init__()
        self.prepared = prepared
        self.generation = generation


class FetchFailed(Message):
    def __init__(self, category: str, message: str, retry_after: float | None, generation: int,
                 kind: str | None = None) -> None:
        super().__init__()
        self.category = category
        #: Finer than the category: "bad_answer" for an answer that could not be read.
        self.kind = kind or category
        self.message = message
        self.retry_after = retry_after
        self.generation = generation


class CacheLoaded(Message):
    def __init__(self, prepared: Prepared, saved_at: datetime, generation: int) -> None:
        super().__init__()
        self.prepared = prepared
        #: This machine's clock when the cache was saved (the header's "cache from").
        self.saved_at = saved_at
        self.generation = generation


class CacheUnreadable(Message):
    def __init__(self, message: str, generation: int) -> None:
        super().__init__()
        self.message = message
        self.generation = generation


def fetch_fleet(reader: Any) -> list:
    """The fleet in the store's compact form when the client offers it (less memory)."""
    compact = getattr(reader, "list_vehicles_compact", None)
    return compact() if compact is not None else reader.list_vehicles_raw()


class PollerMixin:
    """Mixed into FleetApp; expects .store, .connection, .reader (client), .clock."""

    _poll_timer: Timer | None = None
    _stale_timer: Timer | None = None
    _cache_saved: float | None = None
    generation: int = 0

    # -- scheduling ----------------------------------------------------------------

    def schedule_poll(self, delay: float) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
        self._poll_timer = self.set_timer(delay, self.poll_now, name="poll")

    def poll_now(self, force: bool = False) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None
        paused = self.connection.paused and not force
        if paused or self.connection.polling or self.reader is None:
            return
        self.connection.polling = True
        self.update_header()
        self._poll_worker(self.generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="poll")
    def _poll_worker(self, generation: int) -> None:
        reader = self.reader
        account = self.account
        if account is not None and account.cache and not self.connection.connected_once:
            # First poll of a profile: show the fleet cached on disk while the list call
            # runs. Same thread, so the live result is always prepared (and applied) later.
            self._load_cache(account, generation)
        try:
            raw = fetch_fleet(reader)
            # consume: the payload is freed a slice at a time, so the UI thread never waits
            # on the GIL while 100k parsed vehicles are deallocated in one go.
            prepared = self.store.prepare(raw, self.clock(), consume=True)
            del raw
        except ApiError as exc:
            retry = exc.retry_after if isinstance(exc, RateLimited) else None
            kind = "bad_answer" if isinstance(exc, BadResponse) else None
            self.post_message(FetchFailed(error_category(exc), str(exc), retry, generation, kind))
            return
        except Exception as exc:  # noqa: BLE001 - the monitor must outlive any bad answer
            self.post_message(FetchFailed("client", f"Refresh failed: {clean(exc)}", None, generation))
            return
        self.post_message(FleetFetched(prepared, generation))

    def _load_cache(self, account: Any, generation: int) -> None:
        from fleettui.config.cache import read_snapshot, unreadable_message

        try:
            snapshot, note = read_snapshot(account.name, account.base_url)
            if note:
                log.warning("cached fleet of %s ignored: %s", account.name, note)
                self.post_message(CacheUnreadable(unreadable_message(account.name, note), generation))
            if snapshot is None or not snapshot.vehicles:
                return
            # Until the provider answers, its clock is the one remembered with the cache:
            # the cached times are in provider time (a demo simulator runs far ahead).
            assume = getattr(self.reader, "assume_server_offset", None)
            if assume is not None:
                assume(snapshot.provider_offset)
            prepared = self.store.prepare(snapshot.vehicles, self.clock(), consume=True)
        except Exception:  # noqa: BLE001 - a bad cache only costs the fast start
            return
        self.post_message(CacheLoaded(prepared, snapshot.saved_at or snapshot.fetched_at, generation))

    def _maybe_save_cache(self) -> None:
        """Keep the last fleet on disk for a fast next start: after the first good poll,
        then at most every CACHE_EVERY seconds (a 100k fleet is ~20 MB of JSON)."""
        account = self.account
        if account is None or not account.cache:
            return
        mono = time.monotonic()
        if self._cache_saved is not None and mono - self._cache_saved < CACHE_EVERY:
            return
        self._cache_saved = mono
        self._save_cache(account.name, account.base_url, list(self.store.snapshot.order),
                         self.clock(), utcnow())

    @work(thread=True, exclusive=True, exit_on_error=False, group="cache")
    def _save_cache(self, name: str, base_url: str, rows: list, fetched_at: datetime,
                    saved_at: datetime) -> None:
        """`fetched_at` is the provider's clock, `saved_at` ours, read together."""
        from fleettui.config.cache import save_snapshot

        try:
            save_snapshot(name, base_url, [row.to_api() for row in rows], fetched_at,
                          saved_at=saved_at)
        except OSError as exc:
            log.warning("could not cache the fleet: %s", exc)

    # -- results (UI thread) ---------------------------------------------------------

    def on_cache_loaded(self, message: CacheLoaded) -> None:
        if message.generation != self.generation or self.connection.connected_once:
            return
        if self.store.apply(message.prepared):
            self.connection.cached_at = message.saved_at
            self.fleet_changed(message.prepared)

    def on_cache_unreadable(self, message: CacheUnreadable) -> None:
        if message.generation == self.generation:
            self.notify(clean(message.message), title="Cache", severity="warning", timeout=8, markup=False)

    def on_fleet_fetched(self, message: FleetFetched) -> None:
        if message.generation != self.generation:
            return
        self.connection.polling = False
        applied = self.store.apply(message.prepared)
        recovered = self.connection.record_ok()
        self.fleet_changed(message.prepared)
        if recovered:
            self.notify("Reconnected; the data is live again.", title="Refresh", markup=False)
        if applied:
            self._announce_rejections(message.prepared.diff.newly_rejected)
            self._maybe_save_cache()
        self.schedule_poll(self.connection.next_delay())

    def on_fetch_failed(self, message: FetchFailed) -> None:
        if message.generation != self.generation:
            return
        self.connection.polling = False
        first = self.connection.record_failure(message.category, message.message, message.retry_after,
                                               message.kind)
        self.update_header()
        if self._stale_timer is None:
            self._stale_timer = self.set_interval(STALE_TICK, self._stale_tick, name="stale-age")
        if first:
            self.notify(
                f"{message.message} {self._what_is_shown()}; retrying by itself.",
                title=f"Refresh failed ({self.connection.category_label()})",
                severity="warning" if self.connection.connected_once else "error",
                timeout=8,
                markup=False,
            )
        self.schedule_poll(self.connection.next_delay())

    def _stale_tick(self) -> None:
        """Keep the stale age on screen current; stops once a refresh works (or the
        account changes), when the ordinary HEADER_TICK is enough again."""
        if not self.connection.stale and self._stale_timer is not None:
            self._stale_timer.stop()
            self._stale_timer = None
        self.update_header()

    def _what_is_shown(self) -> str:
        """After a failed poll: is the screen showing live data, a cache, or nothing?"""
        conn = self.connection
        if conn.connected_once:
            return "Showing the last data"
        if conn.cached_at is not None and self.store.total:
            return "Showing the fleet cached on disk"
        return "No data yet"

    def _announce_rejections(self, changes: Sequence[StateChange]) -> None:
        rejected = [c for c in changes if c.old is not State.REJECTED]
        for change in rejected[:5]:
            reason = change.reason or "no reason given"
            self.notify(
                f"{clean(change.vin)} was rejected: {clean(reason)}",
                title="Rejected",
                severity="error",
                timeout=10,
                markup=False,
            )
        if len(rejected) > 5:
            self.notify(f"{len(rejected) - 5} more vehicles were rejected; filter with state:rejected.",
                        title="Rejected", severity="error", timeout=10, markup=False)

    # -- keys ----------------------------------------------------------------------

    def action_refresh(self) -> None:
        if self.connection.polling:
            self.notify("A refresh is already running.", markup=False)
            return
        self.poll_now(force=True)

    def action_pause(self) -> None:
        self.connection.paused = not self.connection.paused
        if self.connection.paused:
            if self._poll_timer is not None:
                self._poll_timer.stop()
                self._poll_timer = None
            self.notify("Live refresh paused; p resumes, r refreshes once.", markup=False)
        else:
            self.notify("Live refresh resumed.", markup=False)
            self.poll_now()
        self.update_header()
