"""n / N in the fleet table: the next row the last search matches, without filtering.
Textual-free (the table asks; `fleettui.core.query.Query` decides what matches)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fleettui.core.query import Query


def next_match(
    rows: Sequence[Any], cursor: int, step: int, query: Query | None, now: datetime | None
) -> tuple[int | None, str]:
    """n / N: the next row after (`step` 1) or before (-1) `cursor` that `query` matches,
    wrapping around as less and vim do; and what to say (that it wrapped, or why no row
    was found; "" when nothing needs saying)."""
    if query is None or query.is_empty:
        return None, "No search yet: / and a query, then n and N jump between its matches."
    n = len(rows)
    order = range(cursor + 1, n) if step > 0 else range(cursor - 1, -1, -1)
    for i in order:
        if query.matches(rows[i], now):
            return i, ""
    wrap = range(0, cursor) if step > 0 else range(n - 1, cursor, -1)
    for i in wrap:
        if query.matches(rows[i], now):
            return i, f"Search wrapped to the {'top' if step > 0 else 'bottom'}."
    found = 0 <= cursor < n and query.matches(rows[cursor], now)
    return None, f"'{query.text}': {'no other row matches' if found else 'no row matches'}."
