"""The fleet snapshot kept on disk per profile, from the monitor's side: read before the
first poll (so the monitor opens at once, marked as cache), written after good polls.
The file format and its checks are `fleettui.config.cache`'s."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fleettui.core.first_page import first_page
from fleettui.core.store import OPENING_SORT, FleetStore
from fleettui.monitor.accounts import Account
from fleettui.monitor.updates import CacheRead, CacheSave

#: Keep the fleet on disk at most this often (a 100k fleet is ~20 MB of compact JSON).
CACHE_EVERY = 300.0
log = logging.getLogger("fleettui.monitor")


def read_first(account: Account, reader: Any, store: FleetStore, clock: Callable[[], datetime],
               generation: int) -> CacheRead | None:
    """Blocking but quick (two lines of the file): the first screen kept at the head of
    the cache, prepared for the store, when it is the start of the view about to be
    shown; None otherwise (the whole cache follows either way)."""
    from fleettui.config.cache import read_first_page

    try:
        found = read_first_page(account.name, account.base_url)
        if found is None:
            return None
        snapshot, page = found
        if not page.fits(*store.sort, store.query.text):
            return None
        assume = getattr(reader, "assume_server_offset", None)
        if assume is not None:
            assume(snapshot.provider_offset)
        prepared = store.prepare(snapshot.vehicles, clock())
    except Exception:  # noqa: BLE001 - the whole cache is read next anyway
        return None
    return CacheRead(generation, prepared, snapshot.saved_at or snapshot.fetched_at, first=page)


def read_cache(account: Account, reader: Any, store: FleetStore, clock: Callable[[], datetime],
               generation: int) -> CacheRead | None:
    """Blocking: the cached fleet prepared for the store, and why a file could not be
    used; None when there is nothing to show or say."""
    from fleettui.config.cache import read_snapshot, unreadable_message

    problem = None
    try:
        snapshot, note = read_snapshot(account.name, account.base_url)
        if note:
            log.warning("cached fleet of %s ignored: %s", account.name, note)
            problem = unreadable_message(account.name, note)
        if snapshot is None or not snapshot.vehicles:
            return CacheRead(generation, problem=problem) if problem else None
        # Until the provider answers, its clock is the one remembered with the cache:
        # the cached times are in provider time (a demo simulator runs far ahead).
        assume = getattr(reader, "assume_server_offset", None)
        if assume is not None:
            assume(snapshot.provider_offset)
        # A first load, whatever the first screen put in the store before it.
        prepared = store.prepare(snapshot.vehicles, clock(), consume=True, replace=True)
    except Exception:  # noqa: BLE001 - a bad cache only costs the fast start
        return CacheRead(generation, problem=problem) if problem else None
    return CacheRead(generation, prepared, snapshot.saved_at or snapshot.fetched_at, problem)


def save_cache(save: CacheSave) -> None:
    """Blocking: write the snapshot; a failure only costs the next fast start."""
    from fleettui.config.cache import save_snapshot

    try:
        # The rows themselves: the file is written from their compact form as it goes,
        # never as 100k expanded dicts (+117 MB) and one string.
        first = first_page(save.rows, save.first_query, *OPENING_SORT, save.now)
        save_snapshot(save.name, save.base_url, save.rows, save.fetched_at,
                      saved_at=save.saved_at, first=first)
    except OSError as exc:
        log.warning("could not cache the fleet: %s", exc)
