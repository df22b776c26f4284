"""Sort orders for the fleet table's columns.

Every sort starts from the rows in VIN order and is stable, so rows that tie keep VIN
order and the table never shuffles between refreshes. Rows without a value (no reason,
no tags, no known start of the state) go last in both directions.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from fleettui.core.brands import BRANDS
from fleettui.core.rows import STATE_RANK, Row

#: Column names, in table order. "time" is time in state.
SORT_COLUMNS: tuple[str, ...] = ("vin", "brand", "state", "reason", "time", "tags")

#: Columns whose first sort is descending (time in state: longest first).
FIRST_DESCENDING = frozenset({"time"})


def first_direction(column: str) -> bool:
    """A column's natural first direction (True: descending)."""
    return column in FIRST_DESCENDING


def fold(text: str) -> str:
    """`text` as it sorts for a reader: accents dropped and case folded, so "Škoda" sorts
    among the S's (before "Volvo"), not after every ASCII letter."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_BRAND_KEY = {code: fold(b.display) for code, b in BRANDS.items()}


_folded = lru_cache(maxsize=4096)(fold)  # brands the catalogue does not know


def _brand_key(row: Row) -> str:
    key = _BRAND_KEY.get(row.brand)
    return key if key is not None else _folded(row.brand)


def _state_key(row: Row) -> int:
    return STATE_RANK[row.state]


_LAST = "\U0010ffff"  # sorts after any text


def sort_rows(by_vin: list[Row], column: str, descending: bool) -> list[Row]:
    """A new list of `by_vin` (rows in VIN order) sorted by `column`. One key call per
    row: missing values get a stand-in that lands last in the chosen direction."""
    if column == "vin":
        return by_vin[::-1] if descending else list(by_vin)
    if column == "brand":
        return sorted(by_vin, key=_brand_key, reverse=descending)
    if column == "state":
        return sorted(by_vin, key=_state_key, reverse=descending)
    missing = "" if descending else _LAST
    if column == "reason":
        return sorted(by_vin, key=lambda r: (r.reason or missing).lower(), reverse=descending)
    if column == "tags":
        return sorted(by_vin, key=lambda r: r.tags_text.lower() or missing, reverse=descending)
    if column == "time":
        # Shortest time in state first = latest start first, so the start sorts reversed.
        late = _LAST if descending else ""
        return sorted(by_vin, key=lambda r: r.since or late, reverse=not descending)
    raise ValueError(f"unknown sort column {column!r}")
