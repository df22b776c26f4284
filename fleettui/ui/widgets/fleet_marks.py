"""The fleet table's marks: the marked VINs (the monitor controller's set, which the
table paints and edits) and the row last marked or unmarked by hand, one end of a range
mark (`v`). Textual-free in what it does; the table refreshes lines and posts
`FleetTable.MarksChanged` after each change.
"""

from __future__ import annotations

from collections.abc import Container, Sequence

from fleettui.core.rows import Row
from fleettui.core.snapshot import View


class TableMarks:
    def __init__(self, marked: set[str]) -> None:
        #: The marked VINs: the controller's own set, edited in place.
        self.vins = marked
        #: The row last marked or unmarked by hand (None: none yet).
        self.anchor: str | None = None

    def toggle(self, vin: str) -> None:
        """Mark or unmark `vin`; it becomes the anchor of the next range."""
        if vin in self.vins:
            self.vins.discard(vin)
        else:
            self.vins.add(vin)
        self.anchor = vin

    def mark_range(self, view: View, cursor: int, cursor_vin: str) -> None:
        """Mark every shown row between the anchor and the cursor (the cursor's row alone
        when there is no anchor yet, or it left the view); the cursor's row is the next
        anchor."""
        start = view.index_of(self.anchor) if self.anchor is not None else None
        if start is None:
            start = cursor
        lo, hi = sorted((start, cursor))
        self.vins.update(r.vin for r in view.rows[lo : hi + 1])
        self.anchor = cursor_vin

    def mark_all(self, rows: Sequence[Row]) -> None:
        self.vins.update(r.vin for r in rows)

    def clear(self) -> None:
        self.vins.clear()

    def keep_only(self, present: Container[str]) -> bool:
        """Unmark the vehicles no longer in the fleet; whether any were."""
        gone = [v for v in self.vins if v not in present]
        self.vins.difference_update(gone)
        return bool(gone)
