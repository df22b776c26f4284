"""Sort orders for the fleet table's columns.

Every sort starts from the rows in VIN order and is stable, so rows that tie keep VIN
order and the table never shuffles between refreshes. Rows without a value (no reason,
no tags, no known start of the state) go last in both directions.
"""

from __future__ import annotations

from operator import attrgetter

from fleettui.core.brands import BRANDS
from fleettui.core.rows import STATE_RANK, Row

#: Column names, in table order. "time" is time in state.
SORT_COLUMNS: tuple[str, ...] = ("vin", "brand", "state", "reason", "time", "tags")

_BRAND_KEY = {code: b.display.lower() for code, b in BRANDS.items()}


def _brand_key(row: Row) -> str:
    return _BRAND_KEY.get(row.brand) or row.brand


def _state_key(row: Row) -> int:
    return STATE_RANK[row.state]


def _reason_key(row: Row) -> str:
    return row.reason.lower()  # type: ignore[union-attr]  # rows without one are set aside


def _tags_key(row: Row) -> str:
    return row.tags_text.lower()


def sort_rows(by_vin: list[Row], column: str, descending: bool) -> list[Row]:
    """A new list of `by_vin` (rows in VIN order) sorted by `column`."""
    if column == "vin":
        return by_vin[::-1] if descending else list(by_vin)
    if column == "brand":
        return sorted(by_vin, key=_brand_key, reverse=descending)
    if column == "state":
        return sorted(by_vin, key=_state_key, reverse=descending)
    if column == "reason":
        present = [r for r in by_vin if r.reason]
        missing = [r for r in by_vin if not r.reason]
        present.sort(key=_reason_key, reverse=descending)
    elif column == "time":
        # Shortest time in state first = latest start first.
        present = [r for r in by_vin if r.since is not None]
        missing = [r for r in by_vin if r.since is None]
        present.sort(key=attrgetter("since"), reverse=not descending)
    elif column == "tags":
        present = [r for r in by_vin if r.tags_text]
        missing = [r for r in by_vin if not r.tags_text]
        present.sort(key=_tags_key, reverse=descending)
    else:
        raise ValueError(f"unknown sort column {column!r}")
    present.extend(missing)
    return present
