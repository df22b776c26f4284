"""The fleet table's view of its store: the rows it shows, the cursor and marks on them.

After a refresh, sort or filter (`follow`) the cursor stays on its vehicle; when a
refresh takes that vehicle out of the view the cursor keeps its place and names the
vehicle (`gone_vin`) until the user moves it or changes the view. Marks are made on the
rows shown, and marks of vehicles that left the fleet go. Only the screen lines whose
content changed are repainted (`repaint_changed`), again when a "recently changed" mark
runs out. Keys and n/N move the cursor; it is scrolled into view and only the lines it
left and reached repaint. A piece `FleetTable` composes (as it does its `LinePainter`
and `TableMarks`); it posts the table's own messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from textual.geometry import Offset, Region
from textual.message import Message
from textual.timer import Timer

from fleettui.core.query import Query
from fleettui.core.rows import Row
from fleettui.core.search import next_match
from fleettui.core.snapshot import View
from fleettui.core.store import FleetStore
from fleettui.ui.widgets.fleet_lines import LinePainter
from fleettui.ui.widgets.fleet_marks import TableMarks


class Table(Protocol):
    """What the view needs of its table (`FleetTable`): its store, rows, marks and lines,
    its scrolling and repainting, and its messages (made with the table first)."""

    marks: TableMarks
    marked: set[str]
    lines: LinePainter
    search: Query | None

    @property
    def store(self) -> FleetStore | None: ...

    @property
    def rows(self) -> list[Row]: ...

    @property
    def scroll_offset(self) -> Offset: ...

    @property
    def scrollable_content_region(self) -> Region: ...

    @property
    def visible_row_count(self) -> int: ...

    @property
    def is_mounted(self) -> bool: ...

    @property
    def CursorChanged(self) -> Callable[..., Message]: ...  # noqa: N802 - the message class

    @property
    def CursorLeft(self) -> Callable[..., Message]: ...  # noqa: N802

    @property
    def MarksChanged(self) -> Callable[..., Message]: ...  # noqa: N802

    @property
    def SearchMissed(self) -> Callable[..., Message]: ...  # noqa: N802

    def post_message(self, message: Message) -> bool: ...

    def refresh(self, *regions: Region) -> Any: ...

    def refresh_line(self, y: int) -> None: ...

    def scroll_to(
        self, x: float | None = None, y: float | None = None, *, animate: bool
    ) -> None: ...

    def set_timer(self, delay: float, callback: Callable[[], Any] | None = None) -> Timer: ...

    def update_virtual_size(self) -> None: ...


class TableView:
    def __init__(self, table: Table, view: View | None) -> None:
        self.table = table
        #: The store's view the table shows (None: no store).
        self.view = view
        self._recent_timer: Timer | None = None
        #: The cursor's row in the view.
        self.index = 0
        #: The vehicle on that row (None: the view is empty).
        self.vin: str | None = None
        #: The vehicle that was under the cursor until a refresh took it out of the view
        #: (the cursor kept its place); None once the user moves the cursor.
        self.gone_vin: str | None = None

    def follow(self, *, keep_place: bool) -> None:
        """Show the store's view as it is now (after apply / set_query / set_sort; O(1) in
        fleet size but for finding the cursor's VIN). `keep_place` (a refresh, not the
        user's filter or sort): when the cursor's vehicle left the view, the cursor keeps
        its place and `gone_vin` names it (CursorLeft) until the user moves or changes
        the view; actions aimed at "the row under the cursor" check it rather than hit a
        neighbour."""
        table = self.table
        if table.store is None:
            return
        view = self.view = table.store.view
        old_vin = self._find_cursor(view, keep_place)
        if table.marks.keep_only(view.snapshot.by_vin):
            table.post_message(table.MarksChanged(table, len(table.marked)))
        table.update_virtual_size()
        self.scroll_into_view()
        self._schedule_recent_expiry()
        self.repaint_changed()
        if self.vin != old_vin:
            table.post_message(table.CursorChanged(table, self.vin))

    def _find_cursor(self, view: View, keep_place: bool) -> str | None:
        """The cursor on its vehicle in `view` (see follow); the VIN it was on."""
        if not keep_place:
            self.gone_vin = None
        n = len(view.rows)
        old_vin = self.vin
        index = view.index_of(old_vin) if old_vin is not None else None
        if index is None:
            index = max(0, min(self.index, n - 1))
            if keep_place and old_vin is not None and self.gone_vin is None:
                self.gone_vin = old_vin
                self.table.post_message(self.table.CursorLeft(self.table, old_vin))
        elif old_vin == self.gone_vin:
            self.gone_vin = None
        self.index = index
        self.vin = view.rows[index].vin if n else None
        return old_vin

    def move(self, index: int) -> None:
        """The user puts the cursor on row `index` (clamped to the view)."""
        self.gone_vin = None  # the user chose a row again
        table = self.table
        rows = table.rows
        if not rows:
            return
        index = max(0, min(index, len(rows) - 1))
        if index == self.index and self.vin == rows[index].vin:
            return
        old = self.index
        self.index = index
        self.vin = rows[index].vin
        table.refresh_line(old + 1)  # screen line 0 is the header
        table.refresh_line(index + 1)
        self.scroll_into_view()
        table.post_message(table.CursorChanged(table, self.vin))

    def move_to(self, vin: str) -> bool:
        """Put the cursor on `vin` if the view shows it."""
        index = self.view.index_of(vin) if self.view is not None else None
        if index is not None:
            self.move(index)
        return index is not None

    def jump(self, step: int) -> None:
        """n / N: to the next (or previous) row the last search matches."""
        table = self.table
        now = table.store.now if table.store is not None else None
        index, said = next_match(table.rows, self.index, step, table.search, now)
        if index is not None:
            self.move(index)
        if said:
            table.post_message(table.SearchMissed(table, said))

    def scroll_into_view(self) -> None:
        table = self.table
        top = int(table.scroll_offset.y)
        visible = table.visible_row_count
        if self.index < top:
            table.scroll_to(y=self.index, animate=False)
        elif self.index >= top + visible:
            table.scroll_to(y=self.index - visible + 1, animate=False)

    # -- marks (the table's TableMarks, on the rows shown) ---------------------------

    def mark_all_shown(self) -> None:
        table = self.table
        table.marks.mark_all(table.rows)
        self.repaint_changed()
        table.post_message(table.MarksChanged(table, len(table.marked)))

    def clear_marks(self) -> None:
        table = self.table
        table.marks.clear()
        self.repaint_changed()
        table.post_message(table.MarksChanged(table, 0))

    def toggle_mark(self) -> None:
        """Mark or unmark the cursor's row and move down, so space space space marks a run."""
        table, vin = self.table, self.vin
        if vin is None:
            return
        table.marks.toggle(vin)
        table.refresh_line(self.index + 1)
        table.post_message(table.MarksChanged(table, len(table.marked)))
        self.move(self.index + 1)

    def mark_range(self) -> None:
        """Mark every shown row between the last row marked by hand and the cursor."""
        table, view = self.table, self.view
        if view is None or not view.rows or self.vin is None:
            return
        table.marks.mark_range(view, self.index, self.vin)
        self.repaint_changed()
        table.post_message(table.MarksChanged(table, len(table.marked)))

    # -- repainting ----------------------------------------------------------------

    def repaint_changed(self) -> int:
        """Refresh only the screen lines whose content differs from what was painted
        there (call after the view, marks or recent marks changed); the count refreshed."""
        table = self.table
        if not table.is_mounted or not table.lines.painted_any:
            table.refresh()
            return -1
        regions = table.lines.changed_regions(table.scrollable_content_region.height)
        for region in regions:
            table.refresh(region)
        return sum(r.height for r in regions)

    def _schedule_recent_expiry(self) -> None:
        if self._recent_timer is not None:
            self._recent_timer.stop()
            self._recent_timer = None
        store = self.table.store
        expiry = store.next_recent_expiry() if store is not None else None
        if store is not None and expiry is not None:
            delay = max(0.05, expiry - store.clock())
            self._recent_timer = self.table.set_timer(delay, self._recent_expired)

    def _recent_expired(self) -> None:
        self._recent_timer = None
        self.repaint_changed()
        self._schedule_recent_expiry()
