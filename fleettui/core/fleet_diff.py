"""One refresh's diff: a fetched list (API dicts, compact tuples or Vehicles) against the
current snapshot, giving the next snapshot and what changed.

Pure apart from the clock it is handed (for the "recently changed" marks); the store
runs it on a worker thread (see `FleetStore.prepare`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from operator import attrgetter
from typing import Any

from fleettui.core.compact import copied, kept, same_data
from fleettui.core.rows import Row, build_row
from fleettui.core.snapshot import Diff, Snapshot, StateChange, generations, versions


def diff_fleet(
    base: Snapshot,
    objects: Iterable[Any],
    now: datetime | None,
    partial: bool,
    gone: Iterable[str],
    *,
    clock: Callable[[], float],
    recent_seconds: float,
) -> tuple[Snapshot, Diff]:
    """The snapshot after `objects` replace (or, `partial`, merge into) `base`'s fleet,
    and the diff; rows whose data did not change are kept as they are."""
    old_map = base.by_vin
    new_map: dict[str, Row] = dict(old_map) if partial else {}
    for left in gone if partial else ():
        new_map.pop(left, None)
    added: list[str] = []
    changed: list[str] = []
    changes: list[StateChange] = []
    skipped = 0
    if not old_map:  # first load: nothing to compare with
        for obj in objects:
            row = build_row(obj, next(versions))
            if row is None:
                skipped += 1
            else:
                new_map[row.vin] = row
        added = list(new_map)
        objects = ()
    get_old = old_map.get
    fresh: list[Any] = []
    recopied = False
    for obj in objects:
        kind = type(obj)
        vin = (
            obj.get("vin")
            if kind is dict
            else obj[0]
            if kind is tuple
            else getattr(obj, "vin", None)
        )
        old = get_old(vin) if type(vin) is str else None
        if old is None:
            fresh.append(obj)
            continue
        src = old.src
        if not (src == obj if (type(src) is tuple) is (kind is tuple) else same_data(src, obj)):
            fresh.append(obj)
        elif type(src) is dict:  # still the first payload's dict: copy it compactly
            row = build_row(kept(obj if kind is tuple else src), old.version) or old
            row._vehicle, row._tags_text, row._search = (
                old._vehicle,
                old._tags_text,
                old._search,
            )
            row.warm()  # on the worker: later sorts and filters find it all computed
            new_map[row.vin] = row
            recopied = True
        else:
            new_map[old.vin] = old  # keyed by the old string: the payload can be freed
    # Rows keep compact copies, nothing of the new payload, so it is freed whole.
    if type(objects) is list and len(fresh) * 4 < len(objects):
        fresh = [copied(o) if type(o) is tuple and len(o) == 5 else o for o in fresh]
    for obj in fresh:
        row = build_row(kept(obj), next(versions))
        if row is None:
            skipped += 1
            continue
        row.warm()
        vin = row.vin
        old = get_old(vin)
        if old is None:
            if vin not in new_map:
                added.append(vin)
        elif not same_data(old.src, row.src):
            changed.append(vin)
            if old.state is not row.state:
                changes.append(StateChange(vin, old.state, row.state, row.reason))
        else:
            row = old
        new_map[row.vin] = row
    staying = len(new_map) - len(added)
    removed = () if staying == len(old_map) else tuple(v for v in old_map if v not in new_map)
    if not added and not removed:
        same_rows = not changed and not recopied
        order = base.order if same_rows else [new_map[r.vin] for r in base.order]
    else:
        order = sorted(new_map.values(), key=attrgetter("vin"))
    counts = dict(Counter(map(attrgetter("state"), order)))
    snapshot = Snapshot(
        new_map,
        order,
        counts,
        recent_marks(base, new_map, added, changes, clock(), recent_seconds),
        now,
        next(generations),
    )
    diff = Diff(tuple(added), removed, tuple(changed), tuple(changes), skipped)
    return snapshot, diff


def recent_marks(
    base: Snapshot,
    new_map: dict[str, Row],
    added: list[str],
    changes: list[StateChange],
    mono: float,
    recent_seconds: float,
) -> dict[str, float]:
    """VIN -> monotonic time its "recently changed" mark runs out: the base's marks still
    running, and `recent_seconds` from `mono` for what was added or changed state."""
    recent = {v: t for v, t in base.recent.items() if t > mono and v in new_map}
    until = mono + recent_seconds
    if base.by_vin:  # the first load marks nothing: everything would be "new"
        recent.update(dict.fromkeys(added, until))
    recent.update((c.vin, until) for c in changes)
    return recent
