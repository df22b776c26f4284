"""The fleet table: a Line API widget that paints only the rows on screen.

It reads a `FleetStore`'s current view; a refresh costs O(visible rows) whatever the
fleet size. The cursor follows its VIN through refreshes, sorts and filters
(`fleettui.ui.widgets.fleet_view.TableView`). Its lines are painted and cached by
`fleettui.ui.widgets.fleet_lines.LinePainter`: after a store change only the lines whose
content changed are refreshed.
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

from fleettui.core.query import Query
from fleettui.core.rows import Row
from fleettui.core.sorting import SORT_COLUMNS, first_direction
from fleettui.core.store import FleetStore
from fleettui.ui.widgets.fleet_columns import column_at
from fleettui.ui.widgets.fleet_keys import TABLE_BINDINGS
from fleettui.ui.widgets.fleet_lines import LinePainter
from fleettui.ui.widgets.fleet_marks import TableMarks
from fleettui.ui.widgets.fleet_view import TableView
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
        #: The view shown and the cursor on it (fleettui.ui.widgets.fleet_view).
        self.place = TableView(self, store.view if store is not None else None)
        #: The marked VINs: the monitor controller's set (this table paints and edits it).
        self.marked: set[str] = marked if marked is not None else set()
        #: VINs whose state came by webhook, not yet confirmed by a list (the controller's).
        self.pushed: set[str] = pushed if pushed is not None else set()
        #: VINs that changed since the user last looked and were not under the cursor
        #: yet (the controller's set): drawn like a recent change until seen.
        self.unseen: set[str] = unseen if unseen is not None else set()
        #: Edits `marked` and keeps the anchor of a range mark (`v`).
        self.marks = TableMarks(self.marked)
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

    @property
    def store(self) -> FleetStore | None:
        return self._store

    @property
    def cursor(self) -> int:
        return self.place.index

    @property
    def cursor_vin(self) -> str | None:
        return self.place.vin

    @property
    def gone_vin(self) -> str | None:
        """The vehicle a refresh took from under the cursor (see TableView.follow)."""
        return self.place.gone_vin

    @property
    def cursor_row(self) -> Row | None:
        rows = self.rows
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    def refresh_view(self, *, keep_place: bool = False) -> None:
        """Show the store's view as it is now (see `TableView.follow`)."""
        self.place.follow(keep_place=keep_place)

    def move_cursor_to(self, vin: str) -> bool:
        """Put the cursor on `vin` if the view shows it."""
        return self.place.move_to(vin)

    def mark_all_shown(self) -> None:
        self.place.mark_all_shown()

    def clear_marks(self) -> None:
        self.place.clear_marks()

    def refresh_changed(self) -> int:
        """Repaint only the lines whose content changed (see `TableView.repaint_changed`)."""
        return self.place.repaint_changed()

    @property
    def visible_row_count(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    # -- actions ------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.place.move(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.place.move(self.cursor + 1)

    def action_page_up(self) -> None:
        self.place.move(self.cursor - max(1, self.visible_row_count - 1))

    def action_page_down(self) -> None:
        self.place.move(self.cursor + max(1, self.visible_row_count - 1))

    def action_first(self) -> None:
        self.place.move(0)

    def action_last(self) -> None:
        self.place.move(len(self.rows) - 1)

    def action_toggle_mark(self) -> None:
        self.place.toggle_mark()

    def action_mark_range(self) -> None:
        self.place.mark_range()

    def action_next_match(self) -> None:
        self.place.jump(1)

    def action_previous_match(self) -> None:
        self.place.jump(-1)

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
        self.update_virtual_size()
        self.place.scroll_into_view()

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = column_at(self.lines.columns, event.x)
            if column in SORT_COLUMNS and self._store is not None:
                self._store.toggle_sort(column)
                self._sorted()
            return
        index = int(self.scroll_offset.y) + event.y - 1
        if 0 <= index < len(self.rows):
            self.place.move(index)

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
        view = self.place.view
        return view.rows if view is not None else []

    def update_virtual_size(self) -> None:
        width = self.lines.width
        self.lines.lay_out(width)
        self.row_count.set(Size(width, len(self.rows) + 1))

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
