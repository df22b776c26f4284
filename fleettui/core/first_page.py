"""The fleet's first screen, kept at the head of the snapshot cache.

A warm start should show the cached fleet well before the provider answers. Reading
and preparing all 100,000 cached vehicles takes most of a second; the first screen
needs a few hundred. So the cache file also holds the first `FIRST_ROWS` rows of the
view the monitor opens on (its opening sort, the profile's default filter), with the
counts the header shows for the whole fleet. The monitor paints those at once, says it
is still reading the cache, and swaps in the whole cached fleet when it is read.

Everything here is data read back from a file: `FirstPage.from_json` checks every
field and gives None for anything it cannot trust (the whole cache is read instead).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

from fleettui.core.query import parse_query
from fleettui.core.rows import STATE_RANK, Row
from fleettui.core.sorting import SORT_COLUMNS, sort_rows
from fleettui.core.states import State

#: Rows kept: more than the tallest terminal shows (~40 KB of the file at 100k).
FIRST_ROWS = 300
_STATES = {s.value: s for s in State}
#: A count read back from the file is believed up to this (a fleet far beyond any real one).
_MAX_COUNT = 100_000_000


@dataclass(frozen=True)
class FirstPage:
    """The first rows of a view and the counts of the fleet they are the start of."""

    sort: str
    descending: bool
    #: The filter text the rows were chosen by (the profile's default filter).
    query: str
    #: Vehicles the filter shows / vehicles in the fleet.
    shown: int
    total: int
    counts_shown: dict[State, int] = field(default_factory=dict)
    counts_all: dict[State, int] = field(default_factory=dict)
    #: The rows' vehicles in view order: compact tuples or API objects (as the cache
    #: keeps them); only set once read back or built.
    rows: list[Any] = field(default_factory=list, repr=False)

    def fits(self, sort: str, descending: bool, query: str) -> bool:
        """Is this the start of the view the monitor is about to show?"""
        return (self.sort, self.descending, self.query.strip()) == (sort, descending, query.strip())

    def meta(self) -> dict[str, Any]:
        """The header entry (the rows go on a line of their own)."""
        return {
            "sort": self.sort,
            "descending": self.descending,
            "query": self.query,
            "shown": self.shown,
            "total": self.total,
            "rows": len(self.rows),
            "counts_shown": {s.value: n for s, n in self.counts_shown.items()},
            "counts_all": {s.value: n for s, n in self.counts_all.items()},
        }

    @classmethod
    def from_json(cls, meta: Any, rows: list[Any]) -> FirstPage | None:
        """The page from a header entry and its rows; None unless every field is sane."""
        if type(meta) is not dict:
            return None
        sort, desc, query = meta.get("sort"), meta.get("descending"), meta.get("query")
        shown, total = meta.get("shown"), meta.get("total")
        counts_shown, counts_all = (
            _counts(meta.get("counts_shown")),
            _counts(meta.get("counts_all")),
        )
        if (
            sort not in SORT_COLUMNS
            or type(desc) is not bool
            or type(query) is not str
            or type(shown) is not int
            or type(total) is not int
            or not _count(shown)
            or not _count(total)
            or shown > total
            or len(rows) > shown
            or counts_shown is None
            or counts_all is None
            or sum(counts_all.values()) != total
            or sum(counts_shown.values()) != shown
        ):
            return None
        return cls(sort, desc, query, shown, total, counts_shown, counts_all, rows)


def _count(n: Any) -> bool:
    return type(n) is int and 0 <= n <= _MAX_COUNT


def _counts(doc: Any) -> dict[State, int] | None:
    if type(doc) is not dict:
        return None
    out: dict[State, int] = {}
    for name, n in doc.items():
        state = _STATES.get(name)
        if state is None or not _count(n):
            return None
        out[state] = n
    return out


def first_of(
    objects: Sequence[Any], sort: str, descending: bool, query: str, limit: int | None = None
) -> FirstPage | None:
    """The first screen of a fleet just parsed (compact tuples), before any row is
    built: a cold start paints it while the whole view is prepared. Only for the view
    the monitor opens on (state order, no filter), and only when every vehicle is a
    compact tuple with a known state; else None (the whole view comes first). A few
    C-level passes (~20 ms at 100k) against ~0.2 s for building and sorting every row.
    Rows of one state come in VIN order, as the view's stable sort leaves them."""
    limit = FIRST_ROWS if limit is None else limit
    if sort != "state" or query.strip() or not objects:
        return None
    if any(type(c) is not tuple or len(c) != 5 for c in objects):
        return None
    counts: dict[State, int] = {}
    for status, n in Counter(map(itemgetter(1), objects)).items():
        state = _STATES.get(status)
        if state is None:
            return None
        counts[state] = n
    rows: list[Any] = []
    for state in sorted(counts, key=STATE_RANK.__getitem__, reverse=descending):
        want = limit - len(rows)
        if want <= 0:
            break
        value = state.value
        rows += heapq.nsmallest(want, [c for c in objects if c[1] == value], key=itemgetter(0))
    return FirstPage(sort, descending, query, len(objects), len(objects), counts, counts, rows)


def first_page(
    rows: Sequence[Row],
    query: str,
    sort: str,
    descending: bool,
    now: datetime | None,
    limit: int | None = None,
) -> FirstPage:
    """The first `limit` rows of `rows` (the store's rows, in VIN order) under `query`
    and that sort (default `FIRST_ROWS`), with the fleet's counts. Pure; call it where
    the cache is written."""
    limit = FIRST_ROWS if limit is None else limit
    ordered = sort_rows(list(rows), sort, descending)
    parsed = parse_query(query)
    shown = ordered if parsed.is_empty or parsed.error else parsed.filter(ordered, now)
    counts_all = dict(Counter(r.state for r in rows))
    counts_shown = counts_all if shown is ordered else dict(Counter(r.state for r in shown))
    return FirstPage(
        sort,
        descending,
        query,
        len(shown),
        len(rows),
        counts_shown,
        counts_all,
        [r.src for r in shown[:limit]],
    )
