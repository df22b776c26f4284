"""Events as rows of the history's `events` table: an `Event` to the row written, a row
read back to an `Event`, and the query that reads them oldest first."""

from __future__ import annotations

from datetime import UTC, datetime

from fleettui.history.events import Event, cut, event_key

COLUMNS = "vin, brand, at, seen_at, old_state, new_state, reason, source"


def _epoch(dt: datetime | None) -> float | None:
    return None if dt is None else dt.timestamp()


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def event_row(e: Event) -> tuple:
    """The row for `COLUMNS` then `key`: texts cut to their bounds, times as epochs."""
    return (
        cut(e.vin, 64),
        cut(e.brand, 64) or "",
        _epoch(e.at),
        _epoch(e.seen_at),
        cut(e.old, 64),
        cut(e.new, 64),
        cut(e.reason),
        e.source,
        e.key
        if e.key is not None
        else event_key(e.vin, e.new, e.at, e.reason, source=e.source, seen_at=e.seen_at),
    )


def row_event(r: tuple) -> Event:
    vin, brand, at, seen, old, new, reason, source = r
    return Event(
        vin, new, _dt(at), _dt(seen) or datetime.fromtimestamp(0, UTC), old, reason, brand, source
    )


def events_query(
    *,
    since: datetime | None = None,
    vin: str | None = None,
    state: str | None = None,
    seen_after: datetime | None = None,
    limit: int | None = None,
) -> tuple[str, tuple[str | float, ...]]:
    """The SQL (and its parameters) reading events oldest first (by the provider's time,
    else when seen)."""
    where: list[str] = []
    params: list[str | float] = []
    if vin is not None:
        where.append("vin = ?")
        params.append(vin)
    if since is not None:
        where.append("coalesce(at, seen_at) >= ?")
        params.append(since.timestamp())
    if seen_after is not None:
        where.append("seen_at > ?")
        params.append(seen_after.timestamp())
    if state is not None:
        where.append("new_state = ?")
        params.append(state)
    sql = f"SELECT {COLUMNS} FROM events"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY coalesce(at, seen_at), id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return sql, tuple(params)
