"""A cold start's first answer, shown while it downloads.

The list call hands the entries parsed so far to `on_batch` (fleettui.api.vehicle_list)
on the exchange's thread. With nothing on screen yet (no cache, or only an earlier try
that broke off), `Arrival` takes the first `SCREEN` of them, prepares them for the store
and posts them once (`FirstRows` with `arriving` set): the table has rows long before
the last byte. After that the table is left alone while the rest arrives (the cursor and
the top row stay where they are); only the count of what has arrived is posted, at most
once every `EVERY` seconds (`Arriving`: the header's "receiving the fleet… N so far").
The first rows are sorted among themselves: the whole fleet's order, counts and triage
come with the last byte, when the whole answer replaces them (the header says so).

A retried call (`first`) starts over. A call that fails halfway leaves the rows that
arrived marked as not the whole fleet (`StartCache.broke_off`); the next try replaces
them. Textual-free; everything here runs on the exchange's thread.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fleettui.core.first_page import FIRST_ROWS
from fleettui.core.states import State, parse_state
from fleettui.core.store import FleetStore
from fleettui.monitor.delta import vin_of
from fleettui.monitor.updates import Arriving, FirstRows

#: Entries shown before the rest has arrived: more than the tallest terminal shows.
SCREEN = FIRST_ROWS
#: Seconds between two posts of the count (a few header repaints a second at most).
EVERY = 0.25
log = logging.getLogger("fleettui.monitor")


def _status(entry: Any) -> str | None:
    """The entry's state as the provider wrote it; None for anything but a string (an
    answer's values are data: a list or an object there is no state, and no key)."""
    kind = type(entry)
    if kind is tuple:
        status = entry[1] if len(entry) > 1 else None
    elif kind is dict:
        status = entry.get("status")
    else:
        status = getattr(entry, "status", None)
    return status if type(status) is str else None


class Arrival:
    """`on_batch` for a first answer: see the module docstring. `fresh()` says whether
    the store still holds nothing but what this start showed (else the rows that
    arrived are not posted: a cached fleet is on screen)."""

    def __init__(
        self,
        store: FleetStore,
        clock: Callable[[], datetime],
        generation: int,
        post: Callable[[Any], None],
        fresh: Callable[[], bool],
        monotonic: Callable[[], float],
        *,
        every: float = EVERY,
        screen: int = SCREEN,
    ) -> None:
        self._store, self._clock, self._generation = store, clock, generation
        self._post, self._fresh, self._monotonic = post, fresh, monotonic
        self._every, self._screen = every, screen
        self.shown = False
        self._off = False
        self._restart()

    def _restart(self) -> None:
        self._head: dict[str, Any] = {}
        self._count = 0
        self._states: Counter[str | None] = Counter()
        self._last = 0.0
        self._said = -1

    def on_batch(self, entries: list[Any], first: bool) -> None:
        """The list call's `on_batch`: it must never fail the call (the whole answer
        still comes; only the early rows are given up)."""
        if self._off:
            return
        try:
            self._take(entries, first)
        except Exception:  # noqa: BLE001 - an answer's values are data, never a crash
            log.exception("the rows that arrived first are not shown")
            self._off = True

    def _take(self, entries: list[Any], first: bool) -> None:
        if first:
            self._restart()
        self._count += len(entries)
        self._states.update(map(_status, entries))
        head = self._head
        if len(head) < self._screen:
            for entry in entries:
                vin = vin_of(entry)
                if vin is not None:
                    head[vin] = entry
                    if len(head) >= self._screen:
                        break
        if len(head) < self._screen:
            return
        if first or not self.shown:
            self._show()
        elif self._monotonic() - self._last >= self._every:
            self._say()

    def arriving(self) -> Arriving:
        counts: dict[State, int] = {}
        for status, n in self._states.items():
            state = parse_state(status)
            counts[state] = counts.get(state, 0) + n
        return Arriving(self._generation, self._count, counts)

    def _show(self) -> None:
        if not self._fresh():
            return
        prepared = self._store.prepare(list(self._head.values()), self._clock(), replace=True)
        self.shown = True
        self._last, self._said = self._monotonic(), self._count
        self._post(FirstRows(self._generation, prepared, None, self.arriving()))

    def _say(self) -> None:
        if self._count == self._said:
            return
        self._last, self._said = self._monotonic(), self._count
        self._post(self.arriving())
