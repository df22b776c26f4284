"""A table's row count changed: tell its scrollbar without repainting every line.

`ScrollView.virtual_size` is a layout reactive: setting it repaints the whole widget. A
refresh that takes one row out of a filtered view of 50,000 (a revoke from elsewhere)
changed one screen line, yet wrote the whole table (~5.7 KB) to the terminal. While the
scrollbar stays (the rows fill the view before and after), only the scrollbar's thumb can
move, and it is repainted only when it does (one row in 100,000 seldom moves it an
eighth of a cell).

`RowCount` keeps a table's last layout, so that a layout which changes nothing for it (a
toast's passes the toast's own size) does not repaint its scrollbar column either.
"""

from __future__ import annotations

from math import ceil

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar


def thumb(bar: int, virtual: float, window: float, position: float) -> tuple[int, int]:
    """Where a vertical scrollbar's thumb is drawn, in eighths of a cell, computed as
    Textual's `ScrollBarRender.render_bar` does."""
    virtual, window = ceil(virtual), ceil(window) if window < virtual else 0
    if not (window and bar and virtual) or bar == virtual:
        return 0, 0
    size = max(1, window / (virtual / bar))
    start = int((bar - size) * (position / (virtual - window)) * 8)
    return start, start + ceil(size * 8)


def set_virtual_size(view: ScrollView, size: Size) -> bool:
    """`view.virtual_size = size`, without the layout (and the whole repaint) when only
    the number of rows changed and the scrollbar stays; True when the scrollbar was told
    here (the next layout has nothing to tell it about this size)."""
    old = view.virtual_size
    if size == old:
        return False
    height = view.scrollable_content_region.height
    if not (old.width == size.width and old.height > height and size.height > height):
        view.virtual_size = size  # the scrollbar comes or goes: a layout it is
        return False
    view.set_reactive(ScrollView.virtual_size, size)
    bar = view.vertical_scrollbar
    before = thumb(bar.size.height, bar.window_virtual_size, bar.window_size, bar.position)
    # set_reactive: the reactive's own setter repaints the whole column, thumb moved or not
    bar.set_reactive(ScrollBar.window_virtual_size, size.height)
    if thumb(bar.size.height, size.height, bar.window_size, bar.position) != before:
        bar.refresh()
    view.scroll_y = view.validate_scroll_y(view.scroll_y)
    return True


class RowCount:
    """A table's row count for its scrollbar, and the sizes of its last layout."""

    def __init__(self, view: ScrollView) -> None:
        self.view = view
        self._laid_out: tuple[Size, Size, Size] | None = None

    def layout_due(self, size: Size, container_size: Size) -> bool:
        """A layout (a toast) passes its own size as `virtual_size`: Textual repainted the
        scrollbar column each time; now only when the size or the row count changed."""
        seen = (size, self.view.virtual_size, container_size)
        if seen == self._laid_out:
            return False
        self._laid_out = seen
        return True

    def set(self, size: Size) -> None:
        if set_virtual_size(self.view, size) and self._laid_out:
            # the scrollbar knows the new row count: the next layout (the detail pane's
            # new text) has nothing to repaint here for it
            laid_out, _, container = self._laid_out
            self._laid_out = (laid_out, self.view.virtual_size, container)
