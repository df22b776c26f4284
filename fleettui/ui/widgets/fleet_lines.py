"""The fleet table's lines: what each screen line shows, painted once and cached.

Every painted line is remembered by a key of everything it shows (the row's vehicle and
version, cursor, mark, recent mark, the time-in-state text, width, styles), and its strip
is cached under that key, like DataTable's line cache. After a store change only the
lines whose key differs from what is on screen are refreshed (`changed_regions`), so a
refresh in which nothing visible changed writes nothing to the terminal, and one changed
row rewrites one line. A piece `FleetTable` composes; it reads the table through
`Table`, the few things of it a line depends on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from rich.style import Style
from textual.cache import LRUCache
from textual.geometry import Offset, Region, Size
from textual.strip import Strip

from fleettui.core.rows import Row
from fleettui.core.store import FleetStore
from fleettui.core.timefmt import format_duration
from fleettui.ui.widgets.fleet_columns import Column, header_strip, layout_columns, row_strip

LineKey = tuple


class Table(Protocol):
    """What a line depends on (`FleetTable`)."""

    marked: set[str]
    pushed: set[str]
    unseen: set[str]
    text_shift: int
    #: A shared desk's Claimed cell per VIN; None: no desk, no column.
    claims: Callable[[str], str] | None
    #: The Data cell of a row (issue 19); None: no Data column.
    data_cell: Callable[[Row], str] | None

    @property
    def cursor(self) -> int: ...

    @property
    def store(self) -> FleetStore | None: ...

    @property
    def rows(self) -> list[Row]: ...

    @property
    def scrollable_content_region(self) -> Region: ...

    @property
    def size(self) -> Size: ...

    @property
    def scroll_offset(self) -> Offset: ...

    @property
    def rich_style(self) -> Style: ...

    def get_component_rich_style(self, *names: str, partial: bool = False) -> Style: ...

    def cursor_style(self) -> Style: ...


class LinePainter:
    def __init__(self, table: Table) -> None:
        self.table = table
        self.columns: tuple[Column, ...] = layout_columns(80)
        self._columns_for = 0  # the width the columns were laid out for
        #: Screen line -> the key of what was last painted there.
        self._painted: dict[int, LineKey] = {}
        self._strips: LRUCache[LineKey, Strip] = LRUCache(512)

    @property
    def width(self) -> int:
        return self.table.scrollable_content_region.width or self.table.size.width

    def lay_out(self, width: int) -> None:
        """The columns for `width` (the scrollbar can appear without a Resize)."""
        if width != self._columns_for:
            claimed = self.table.claims is not None
            data = self.table.data_cell is not None
            self.columns, self._columns_for = layout_columns(width, claimed, data), width

    def clear(self, *, relayout: bool = False) -> None:
        """A theme or focus change restyles every line; `relayout`: the columns change
        too (a shared desk's Claimed column came or went)."""
        self._strips.clear()
        self._painted.clear()
        if relayout:
            self._columns_for = 0

    @property
    def painted_any(self) -> bool:
        return bool(self._painted)

    def render_line(self, y: int) -> Strip:
        width = self.width
        key = self.line_key(y, width)
        self._painted[y] = key
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = self._paint(y, width)
        return strip

    def changed_regions(self, height: int) -> list[Region]:
        """The runs of screen lines whose content differs from what was painted there."""
        width = self.width
        # the lines' own width, not the scrollbar's column beside them (a region as wide
        # as the widget repainted that column's cell on every line: ~45 B a line)
        across = max(width, self.table.scrollable_content_region.width)
        painted, key = self._painted, self.line_key
        regions: list[Region] = []
        start = None
        for y in range(height + 1):
            if y < height and painted.get(y) != key(y, width):
                if start is None:
                    start = y
            elif start is not None:
                regions.append(Region(0, start, across, y - start))
                start = None
        return regions

    def line_key(self, y: int, width: int) -> LineKey:
        """Everything the line at screen row `y` shows."""
        self.lay_out(width)
        table, store = self.table, self.table.store
        base = table.rich_style
        if y == 0:
            sort = store.sort if store is not None else ("", False)
            return ("header", width, base, sort, table.text_shift)
        rows = table.rows
        index = int(table.scroll_offset.y) + y - 1
        if not 0 <= index < len(rows):
            return ("blank", width, base)
        row = rows[index]
        is_cursor = index == table.cursor
        now = store.now if store is not None else None
        age = format_duration(row.seconds_in_state(now)) if now is not None else ""
        claim = table.claims(row.vin) if table.claims is not None else ""
        data = table.data_cell(row) if table.data_cell is not None else ""
        return (
            row.vin,
            row.version,
            width,
            base,
            is_cursor and table.cursor_style(),
            row.vin in table.marked,
            store is not None and store.is_recent(row.vin),
            age,
            table.text_shift,
            claim,
            data,
        )

    def _paint(self, y: int, width: int) -> Strip:
        table = self.table
        base = table.rich_style
        if y == 0:
            return self._header_strip(width, base)
        rows = table.rows
        index = int(table.scroll_offset.y) + y - 1
        if not 0 <= index < len(rows):
            return Strip.blank(width, base)
        return self.row_strip_for(rows[index], index == table.cursor, width, base)

    def _header_strip(self, width: int, base: Style) -> Strip:
        table, store = self.table, self.table.store
        style = base + table.get_component_rich_style("fleet-table--header")
        sort, descending = store.sort if store is not None else ("", False)
        return header_strip(self.columns, sort, descending, width, style, table.text_shift)

    def row_strip_for(self, row: Row, is_cursor: bool, width: int, base: Style) -> Strip:
        table, store = self.table, self.table.store
        style = base + table.cursor_style() if is_cursor else base
        marked = row.vin in table.marked
        recent = row.vin in table.unseen or (store is not None and store.is_recent(row.vin))
        if marked:
            style = style + table.get_component_rich_style("fleet-table--marked")
        if recent:
            style = style + table.get_component_rich_style("fleet-table--recent")
        now = store.now if store is not None else None
        claim = table.claims(row.vin) if table.claims is not None else ""
        return row_strip(
            row,
            self.columns,
            now,
            width,
            style,
            marked,
            recent,
            table.text_shift,
            pushed=row.vin in table.pushed,
            claim=claim,
            data=table.data_cell(row) if table.data_cell is not None else "",
        )
