"""The fleet snapshot kept on disk per profile, from the monitor's side: read before the
first poll (so the monitor opens at once, marked as cache), written after good polls,
and the first screens a start paints before the rest of its fleet (`StartCache`, composed
into the controller as `monitor.cache`). The file format and its checks are
`fleettui.config.cache`'s."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from fleettui.core.first_page import FirstPage, first_page
from fleettui.core.store import OPENING_SORT, FleetStore
from fleettui.core.text import clean
from fleettui.core.timefmt import utcnow
from fleettui.monitor.accounts import Account
from fleettui.monitor.clients import Reader
from fleettui.monitor.connection import ConnectionState
from fleettui.monitor.repaint_pacing import RepaintPacing
from fleettui.monitor.updates import Arriving, CacheRead, CacheSave, FirstRows, Notice, Update

#: Keep the fleet on disk at most this often (a 100k fleet is ~20 MB of compact JSON).
CACHE_EVERY = 300.0
log = logging.getLogger("fleettui.monitor")


def _assume_offset(reader: Reader | None, snapshot: Any) -> None:
    """Until the provider answers, its clock is the one remembered with the cache: the
    cached times are in provider time (a demo simulator runs far ahead)."""
    assume = getattr(reader, "assume_server_offset", None)
    if assume is not None:
        assume(snapshot.provider_offset)


def read_first(
    account: Account,
    reader: Reader | None,
    store: FleetStore,
    clock: Callable[[], datetime],
    generation: int,
) -> CacheRead | None:
    """Blocking but quick (two lines of the file): the first screen kept at the head of
    the cache, prepared for the store, when it is the start of the view about to be
    shown; None otherwise (the whole cache follows either way)."""
    from fleettui.config.cache_read import read_first_page

    try:
        found = read_first_page(account.name, account.base_url)
        if found is None:
            return None
        snapshot, page = found
        if not page.fits(*store.sort, store.query.text):
            return None
        _assume_offset(reader, snapshot)
        prepared = store.prepare(snapshot.vehicles, clock())
    except Exception:  # noqa: BLE001 - the whole cache is read next anyway
        return None
    return CacheRead(generation, prepared, snapshot.saved_at or snapshot.fetched_at, first=page)


def read_cache(
    account: Account,
    reader: Reader | None,
    store: FleetStore,
    clock: Callable[[], datetime],
    generation: int,
) -> CacheRead | None:
    """Blocking: the cached fleet prepared for the store, and why a file could not be
    used; None when there is nothing to show or say."""
    from fleettui.config.cache import unreadable_message
    from fleettui.config.cache_read import read_snapshot

    problem = None
    try:
        snapshot, note = read_snapshot(account.name, account.base_url)
        if note:
            log.warning("cached fleet of %s ignored: %s", account.name, note)
            problem = unreadable_message(account.name, note)
        if snapshot is None or not snapshot.vehicles:
            return CacheRead(generation, problem=problem) if problem else None
        _assume_offset(reader, snapshot)
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
        save_snapshot(
            save.name,
            save.base_url,
            save.rows,
            save.fetched_at,
            saved_at=save.saved_at,
            first=first,
        )
    except OSError as exc:
        log.warning("could not cache the fleet: %s", exc)


class _Monitor(Protocol):
    """What `StartCache` reads of the controller that composes it."""

    account: Account | None
    connection: ConnectionState
    reader: Reader | None
    store: FleetStore
    generation: int

    def clock(self) -> datetime: ...

    def monotonic(self) -> float: ...

    repaints: RepaintPacing


class StartCache:
    """The cache and the first screens, for one `Monitor`: what is read before the first
    poll, what the header counts while only a first screen is in the store, when the
    fleet is written back, and when a list call started early may go (open_gate)."""

    def __init__(self, monitor: _Monitor) -> None:
        self.m = monitor
        self._saved: float | None = None
        #: A first screen (its page, the generation of its snapshot in the store, whether
        #: it is the cache's) while the rest of its fleet is read or prepared.
        self._first: tuple[FirstPage, int, bool] | None = None
        #: The rows shown while a first answer arrives (fleettui.monitor.arrival): how
        #: much has arrived, the generation of their snapshot in the store, and whether
        #: the call broke off before the end.
        self._arriving: tuple[Arriving, int, bool] | None = None
        #: The generations of every such screen: `fresh()` is read on the poll's worker,
        #: so a snapshot is known as one before the store holds it.
        self._arrived: set[int] = set()

    def reset(self) -> None:
        """Another account: its cache is written after its own first poll."""
        self._saved = None

    def _readable(self) -> Account | None:
        account = self.m.account
        if account is None or not account.cache or self.m.connection.connected_once:
            return None
        return account

    def read_first(self, generation: int) -> CacheRead | None:
        """Blocking but quick, before `read_cache`: the first screen kept at the head of
        the cache, so a warm start shows rows before the whole cache is read."""
        account = self._readable()
        if account is None:
            return None
        return read_first(account, self.m.reader, self.m.store, self.m.clock, generation)

    def read_cache(self, generation: int) -> CacheRead | None:
        """Blocking, on the first poll of a profile: the fleet cached on disk, shown while
        the list call runs (prepared on the poll's thread, so the live result is later)."""
        account = self._readable()
        if account is None:
            return None
        found = read_cache(account, self.m.reader, self.m.store, self.m.clock, generation)
        if found is None or found.prepared is None:
            self.open_gate()
        return found

    def open_gate(self) -> None:
        """The cached fleet is in the store (or there is none): a list call started before
        the window was built may go ahead (fleettui.monitor.prefetch). Parsed then, the
        answer shares every unchanged vehicle with the cached rows instead of being a
        second copy of the fleet next to them."""
        gate = getattr(self.m.reader, "open_gate", None)
        if gate is not None:
            gate()

    def took_cache(self, result: CacheRead) -> Update | None:
        m = self.m
        if result.generation != m.generation:
            return None
        update = Update()
        if result.problem:
            update.notices.append(
                Notice(clean(result.problem), title="Cache", severity="warning", timeout=8)
            )
        if (
            result.prepared is not None
            and not m.connection.connected_once
            and m.store.apply(result.prepared)
        ):
            m.connection.cached_at = result.saved_at
            if result.first is not None:
                self._first = (result.first, result.prepared.snapshot.generation, True)
            update.repaint = m.repaints.due(result.prepared)
        if result.first is None:  # the whole cache is in (or could not be): go ahead
            self.open_gate()
        return update

    def took_first(self, result: FirstRows | Arriving) -> Update | None:
        """UI thread: paint the first screen of the first answer (or its rows that
        arrived first), unless the store holds a fleet already (a cached one, or the
        whole answer came first); or say how much more of it arrived."""
        m = self.m
        if isinstance(result, Arriving):
            return self.took_arriving(result)
        if result.generation != m.generation or not self.fresh():
            return None
        generation = result.prepared.snapshot.generation
        if result.arriving is not None:
            self._arrived.add(generation)
        if not m.store.apply(result.prepared):
            return None
        if result.arriving is not None:
            self._arriving = (result.arriving, generation, False)
        elif result.page is not None:
            self._first = (result.page, generation, False)
        return Update(repaint=m.repaints.due(result.prepared))

    def took_arriving(self, result: Arriving) -> Update | None:
        """UI thread: more of the first answer arrived; the header says how much (the
        table is left as it is)."""
        arriving = self._arriving
        if result.generation != self.m.generation or arriving is None or not self.arriving():
            return None
        self._arriving = (result, arriving[1], False)
        return Update()

    def fresh(self) -> bool:
        """Nothing is in the store but what a first answer showed while it arrived: the
        next full list is a first load (safe to read on the poll's worker)."""
        store = self.m.store
        return not store.total or store.snapshot.generation in self._arrived

    def arriving(self) -> tuple[Arriving, bool] | None:
        """(how much arrived, broke off) while the rows shown are those of a first
        answer still arriving (or one that broke off halfway)."""
        arriving = self._arriving
        if arriving is None or arriving[1] != self.m.store.snapshot.generation:
            return None
        return arriving[0], arriving[2]

    def broke_off(self) -> bool:
        """A poll failed: rows shown from a first answer that did not finish are marked
        as not the whole fleet. True when there are such rows."""
        arriving = self._arriving
        if arriving is None or self.arriving() is None:
            return False
        self._arriving = (arriving[0], arriving[1], True)
        return True

    def first_screen(self) -> tuple[FirstPage, bool] | None:
        """(page, from the cache) while a first screen is all the store holds: its counts
        are the whole fleet's, for the header."""
        first = self._first
        if first is None or first[1] != self.m.store.snapshot.generation:
            return None
        return first[0], first[2]

    def due(self) -> CacheSave | None:
        """After the first good poll, then at most every CACHE_EVERY seconds."""
        m = self.m
        account = m.account
        if account is None or not account.cache:
            return None
        mono = m.monotonic()
        if self._saved is not None and mono - self._saved < CACHE_EVERY:
            return None
        self._saved = mono
        return CacheSave(
            account.name,
            account.base_url,
            list(m.store.snapshot.order),
            m.clock(),
            utcnow(),
            account.default_filter or "",
            m.store.now,
        )

    save = staticmethod(save_cache)
