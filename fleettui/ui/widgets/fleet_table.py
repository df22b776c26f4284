"""The fleet table: a Line API widget that paints only the rows on screen.

It reads a `FleetStore`'s current view; a refresh costs O(visible rows) whatever the
fleet size. The cursor follows its VIN through refreshes, sorts and filters. Its lines
are painted and cached by `fleettui.ui.widgets.fleet_lines.LinePainter`: after a store
change only the lines whose content changed are refreshed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer

from fleettui.core.query import Query
from fleettui.core.rows import Row
from fleettui.core.search import next_match
from fleettui.core.snapshot import View
from fleettui.core.sorting import SORT_COLUMNS, first_direction
from fleettui.core.store import FleetStore
from fleettui.ui.widgets.fleet_columns import column_at
from fleettui.ui.widgets.fleet_keys import TABLE_BINDINGS
from fleettui.ui.widgets.fleet_lines import LinePainter
from fleettui.ui.widgets.fleet_marks import TableMarks
from fleettui.ui.widgets.row_count import RowCount


class FleetTable(ScrollView, can_focus=True):
    """Vehicles of a FleetStore's view: VIN, brand, state, reason, time in state, tags."""

    BINDINGS = TABLE_BINDINGS

    # -- messages (handlers: on_fleet_table_cursor_changed, or @on(FleetTable.X, "#fleet")) --

    @dataclass
    class TableMessage(Message):
        table: FleetTable  # `control`: the table that sent it (for @on's selector)

        @property
        def control(self) -> FleetTable:
            return self.table

    @dataclass
    class CursorChanged(TableMessage):
        vin: str | None  # the row under the cursor is now another vehicle (or none)

    @dataclass
    class MarksChanged(TableMessage):
        count: int  # marked vehicles now

    @dataclass
    class CursorLeft(TableMessage):
        vin: str  # a refresh took this vehicle from under the cursor, which kept its place

    @dataclass
    class SearchMissed(TableMessage):
        reason: str  # what n/N have to say: no (further) match, or that the search wrapped

    @dataclass
    class SortChanged(TableMessage):
        column: str
        descending: bool

    #: Characters one left/right press moves the reason and tags text.
    SHIFT_STEP = 10

    COMPONENT_CLASSES = {
        "fleet-table--header",
        "fleet-table--cursor",
        "fleet-table--marked",
        "fleet-table--recent",
    }

    DEFAULT_CSS = """
    FleetTable {
        height: 1fr; width: 1fr; overflow-x: hidden; overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    FleetTable > .fleet-table--header { text-style: bold underline; }
    FleetTable > .fleet-table--cursor { background: $block-cursor-background; text-style: bold; }
    FleetTable:blur > .fleet-table--cursor { background: $block-cursor-blurred-background; }
    FleetTable > .fleet-table--marked { text-style: bold; }
    FleetTable > .fleet-table--recent { text-style: bold; }
    """

    def __init__(
        self,
        store: FleetStore | None = None,
        *,
        marked: set[str] | None = None,
        pushed: set[str] | None = None,
        unseen: set[str] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._store = store
        self._view: View | None = store.view if store is not None else None
        self.cursor = 0
        self._cursor_vin: str | None = None
        #: The marked VINs: the monitor controller's set (this table paints and edits it).
        self.marked: set[str] = marked if marked is not None else set()
        #: VINs whose state came by webhook, not yet confirmed by a list (the controller's).
        self.pushed: set[str] = pushed if pushed is not None else set()
        #: VINs that changed since the user last looked and were not under the cursor
        #: yet (the controller's set): drawn like a recent change until seen.
        self.unseen: set[str] = unseen if unseen is not None else set()
        #: Edits `marked` and keeps the anchor of a range mark (`v`).
        self.marks = TableMarks(self.marked)
        self._recent_timer: Timer | None = None
        #: The scrollbar told of the row count without a layout (row_count.RowCount).
        self.row_count = RowCount(self)
        #: The last search (n/N jump to its matches without filtering); set by the app.
        self.search: Query | None = None
        #: A desk's Claimed cell per VIN ("me", a name, ""); None: no desk, no column.
        self.claims: Callable[[str], str] | None = None
        #: The Data column's text for a row (issue 19); None: no Data column.
        self.data_cell: Callable[[Row], str] | None = None
        #: How far the reason and tags text is scrolled sideways, in characters.
        self.text_shift = 0
        #: Paints and caches the lines (fleettui.ui.widgets.fleet_lines).
        self.lines = LinePainter(self)
        #: The vehicle that was under the cursor until a refresh took it out of the view
        #: (the cursor kept its place); None once the user moves the cursor.
        self.gone_vin: str | None = None

    @property
    def store(self) -> FleetStore | None:
        return self._store

    @property
    def cursor_vin(self) -> str | None:
        return self._cursor_vin

    @property
    def cursor_row(self) -> Row | None:
        rows = self.rows
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    def refresh_view(self, *, keep_place: bool = False) -> None:
        """Re-read the store's view after apply / set_query / set_sort (O(1) in fleet size
        but for finding the cursor's VIN). `keep_place` (a refresh, not the user's filter
        or sort): when the cursor's vehicle left the view, the cursor keeps its place and
        `gone_vin` names it (CursorLeft) until the user moves or changes the view; actions
        aimed at "the row under the cursor" check it rather than hit a neighbour."""
        if self._store is None:
            return
        if not keep_place:
            self.gone_vin = None
        view = self._view = self._store.view
        n = len(view.rows)
        old_vin = self._cursor_vin
        index = view.index_of(old_vin) if old_vin is not None else None
        if index is None:
            index = max(0, min(self.cursor, n - 1))
            if keep_place and old_vin is not None and self.gone_vin is None:
                self.gone_vin = old_vin
                self.post_message(self.CursorLeft(self, old_vin))
        elif old_vin == self.gone_vin:
            self.gone_vin = None
        self.cursor = index
        self._cursor_vin = view.rows[index].vin if n else None
        if self.marks.keep_only(view.snapshot.by_vin):
            self.post_message(self.MarksChanged(self, len(self.marked)))
        self._update_virtual_size()
        self._scroll_to_cursor()
        self._schedule_recent_expiry()
        self.refresh_changed()
        if self._cursor_vin != old_vin:
            self.post_message(self.CursorChanged(self, self._cursor_vin))

    def move_cursor_to(self, vin: str) -> bool:
        """Put the cursor on `vin` if the view shows it."""
        index = self._view.index_of(vin) if self._view is not None else None
        if index is not None:
            self._set_cursor(index)
        return index is not None

    def mark_all_shown(self) -> None:
        self.marks.mark_all(self.rows)
        self.refresh_changed()
        self.post_message(self.MarksChanged(self, len(self.marked)))

    def clear_marks(self) -> None:
        self.marks.clear()
        self.refresh_changed()
        self.post_message(self.MarksChanged(self, 0))

    def refresh_changed(self) -> int:
        """Refresh only the screen lines whose content differs from what was painted
        there (call after the view, marks or recent marks changed); the count refreshed."""
        if not self.is_mounted or not self.lines.painted_any:
            self.refresh()
            return -1
        regions = self.lines.changed_regions(self.scrollable_content_region.height)
        for region in regions:
            self.refresh(region)
        return sum(r.height for r in regions)

    @property
    def visible_row_count(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    # -- actions ------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._set_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._set_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        self._set_cursor(self.cursor - max(1, self.visible_row_count - 1))

    def action_page_down(self) -> None:
        self._set_cursor(self.cursor + max(1, self.visible_row_count - 1))

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        self._set_cursor(len(self.rows) - 1)

    def action_toggle_mark(self) -> None:
        """Mark or unmark the cursor's row and move down, so space space space marks a run."""
        vin = self._cursor_vin
        if vin is None:
            return
        self.marks.toggle(vin)
        self._refresh_row(self.cursor)
        self.post_message(self.MarksChanged(self, len(self.marked)))
        self._set_cursor(self.cursor + 1)

    def action_mark_range(self) -> None:
        """Mark every shown row between the last row marked by hand and the cursor."""
        view = self._view
        if view is None or not view.rows or self._cursor_vin is None:
            return
        self.marks.mark_range(view, self.cursor, self._cursor_vin)
        self.refresh_changed()
        self.post_message(self.MarksChanged(self, len(self.marked)))

    def action_next_match(self) -> None:
        self._jump_to_match(1)

    def action_previous_match(self) -> None:
        self._jump_to_match(-1)

    def _jump_to_match(self, step: int) -> None:
        now = self._store.now if self._store is not None else None
        index, said = next_match(self.rows, self.cursor, step, self.search, now)
        if index is not None:
            self._set_cursor(index)
        if said:
            self.post_message(self.SearchMissed(self, said))

    def action_shift_text(self, step: int) -> None:
        shift = max(0, self.text_shift + step * self.SHIFT_STEP)
        if shift != self.text_shift:
            self.text_shift = shift
            self.refresh()

    def action_sort_step(self, step: int) -> None:
        """Sort by the column `step` places right (or left) of the current one, in that
        column's natural first direction (time in state: longest first)."""
        if self._store is not None:
            column = self._store.sort[0]
            nxt = SORT_COLUMNS[(SORT_COLUMNS.index(column) + step) % len(SORT_COLUMNS)]
            self.sort_by(nxt, first_direction(nxt))

    def action_sort_reverse(self) -> None:
        if self._store is not None:
            column, descending = self._store.sort
            self.sort_by(column, not descending)

    def sort_by(self, column: str, descending: bool) -> None:
        if self._store is None:
            return
        self._store.set_sort(column, descending)
        self._sorted()

    def _sorted(self) -> None:
        assert self._store is not None
        self.refresh_view()
        self.post_message(self.SortChanged(self, *self._store.sort))

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """Only when the size or the row count changed (see RowCount.layout_due)."""
        if not self.row_count.layout_due(size, container_size):
            return False
        return super()._size_updated(size, virtual_size, container_size, layout)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_to_cursor()

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = column_at(self.lines.columns, event.x)
            if column in SORT_COLUMNS and self._store is not None:
                self._store.toggle_sort(column)
                self._sorted()
            return
        index = int(self.scroll_offset.y) + event.y - 1
        if 0 <= index < len(self.rows):
            self._set_cursor(index)

    def show_data(self, cell: Callable[[Row], str] | None) -> None:
        """The Data column on (its cell text per row) or off: the columns change."""
        if (cell is None) == (self.data_cell is None):
            self.data_cell = cell
            return
        self.data_cell = cell
        self.lines.clear(relayout=True)
        self.refresh()

    def show_claims(self, claims: Callable[[str], str] | None) -> None:
        """A shared desk came on (its Claimed cells) or went: the columns change."""
        self.claims = claims
        self.lines.clear(relayout=True)
        self.refresh()

    @property
    def rows(self) -> list[Row]:
        return self._view.rows if self._view is not None else []

    def _update_virtual_size(self) -> None:
        width = self.lines.width
        self.lines.lay_out(width)
        self.row_count.set(Size(width, len(self.rows) + 1))

    def _set_cursor(self, index: int) -> None:
        self.gone_vin = None  # the user chose a row again
        rows = self.rows
        if not rows:
            return
        index = max(0, min(index, len(rows) - 1))
        if index == self.cursor and self._cursor_vin == rows[index].vin:
            return
        old = self.cursor
        self.cursor = index
        self._cursor_vin = rows[index].vin
        self._refresh_row(old)
        self._refresh_row(index)
        self._scroll_to_cursor()
        self.post_message(self.CursorChanged(self, self._cursor_vin))

    def _scroll_to_cursor(self) -> None:
        top = int(self.scroll_offset.y)
        visible = self.visible_row_count
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False)

    def _refresh_row(self, index: int) -> None:
        self.refresh_line(index + 1)

    def _schedule_recent_expiry(self) -> None:
        if self._recent_timer is not None:
            self._recent_timer.stop()
            self._recent_timer = None
        store = self._store
        expiry = store.next_recent_expiry() if store is not None else None
        if store is not None and expiry is not None:
            delay = max(0.05, expiry - store.clock())
            self._recent_timer = self.set_timer(delay, self._recent_expired)

    def _recent_expired(self) -> None:
        self._recent_timer = None
        self.refresh_changed()
        self._schedule_recent_expiry()

    # -- painting (fleettui.ui.widgets.fleet_lines) ------------------------------

    def render_line(self, y: int) -> Strip:
        return self.lines.render_line(y)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.lines.clear()  # a theme or focus change restyles every line
        self.refresh()

    def cursor_style(self) -> Style:
        # Without colour, or with only the 16 ANSI ones (where the theme's cursor colour
        # is light grey behind the terminal's light text), reverse video marks the cursor.
        if self.app.no_color or self.app.native_ansi_color:
            return Style(reverse=True, bold=True)
        return self.get_component_rich_style("fleet-table--cursor")
