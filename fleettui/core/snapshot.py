"""What one refresh produces: the snapshot of every vehicle, the sorted and filtered
view of it, and the diff against the previous snapshot. All immutable once built."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter

from fleettui.core.query import Query
from fleettui.core.rows import Row
from fleettui.core.sorting import sort_rows
from fleettui.core.states import State

versions = itertools.count(1)
generations = itertools.count(1)
_vin_of = attrgetter("vin")
_state_of = attrgetter("state")


@dataclass(frozen=True, slots=True)
class StateChange:
    vin: str
    old: State
    new: State
    reason: str | None


@dataclass(frozen=True, slots=True)
class Diff:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    #: Every VIN whose data changed (state changes included).
    changed: tuple[str, ...] = ()
    state_changes: tuple[StateChange, ...] = ()
    #: Objects in the payload that were not vehicles (no VIN); they are left out.
    skipped: int = 0

    @property
    def newly_rejected(self) -> tuple[StateChange, ...]:
        return tuple(c for c in self.state_changes if c.new is State.REJECTED)


@dataclass(frozen=True, slots=True)
class Snapshot:
    by_vin: dict[str, Row] = field(default_factory=dict)
    #: All rows in VIN order (the tie-break for every other sort).
    order: list[Row] = field(default_factory=list)
    counts: dict[State, int] = field(default_factory=dict)
    #: VIN -> monotonic time until which the row counts as recently changed.
    recent: dict[str, float] = field(default_factory=dict)
    now: datetime | None = None
    generation: int = 0


@dataclass(frozen=True, slots=True)
class View:
    snapshot: Snapshot
    rows: list[Row]
    query: Query
    sort: str
    descending: bool
    counts: dict[State, int]

    def __len__(self) -> int:
        return len(self.rows)

    def index_of(self, vin: str) -> int | None:
        """Position of a VIN in the view, None when filtered out or gone. A C-level
        identity scan (~1 ms at 100k rows): cheaper than building a 100k-entry index."""
        row = self.snapshot.by_vin.get(vin)
        if row is None:
            return None
        try:
            return self.rows.index(row)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class Prepared:
    snapshot: Snapshot
    view: View
    diff: Diff
    settings: int
    now: datetime | None
    #: Every row in the view's sort order, before the filter (reused by set_query).
    ordered: list[Row] = field(default_factory=list, repr=False)

    def warm(self) -> None:
        """Read reasons, state start times and search text of every row now, so the
        first sort by reason/time/tags and the first text filter stay fast. Call it
        from the worker after handing this result to the UI thread."""
        for row in self.snapshot.order:
            row.warm()


def compute_view(
    snapshot: Snapshot,
    query: Query,
    sort: str,
    descending: bool,
    sorted_rows: list[Row] | None = None,
) -> View:
    """The rows of `snapshot` that match `query`, ordered by `sort` (pure; any thread)."""
    ordered = (
        sorted_rows if sorted_rows is not None else sort_rows(snapshot.order, sort, descending)
    )
    if query.is_empty:
        return View(snapshot, ordered, query, sort, descending, snapshot.counts)
    rows = query.filter(ordered, snapshot.now)
    return View(snapshot, rows, query, sort, descending, dict(Counter(map(_state_of, rows))))


def crosses_filter(snapshot: Snapshot, view: View, query: Query, vins: Iterable[str]) -> bool:
    """One of `vins` (their data state changed) now enters or leaves `view`, by `query`
    over `snapshot`'s rows: the view must be worked out again."""
    by_vin, now = snapshot.by_vin, snapshot.now
    rows = [row for vin in vins if (row := by_vin.get(vin)) is not None]
    if not rows:
        return False
    shown = set(map(id, view.rows))  # one C-level pass, not a scan per VIN
    return any(query.matches(row, now) != (id(row) in shown) for row in rows)
