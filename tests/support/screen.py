"""The screen as the terminal would get it, read through Textual's public API: which widget
is at each cell (`Screen.get_widget_at`) and that widget's lines as it renders them
(`Widget.render_lines`, borders, padding and the app's colour filters included)."""

from __future__ import annotations

from rich.segment import Segment
from textual.errors import NoWidget
from textual.geometry import Region


def screen_segments(app) -> list[list[Segment]]:  # noqa: ANN001 - a running textual App
    """Each row of the current screen as segments, left to right."""
    screen = app.screen
    width, height = screen.size
    rows: list[list[Segment]] = []
    for y in range(height):
        row: list[Segment] = []
        x = 0
        while x < width:
            try:
                widget, region = screen.get_widget_at(x, y)
            except NoWidget:
                row.append(Segment(" "))
                x += 1
                continue
            end = x + 1
            while end < min(width, region.right) and screen.get_widget_at(end, y)[0] is widget:
                end += 1
            crop = Region(x - region.x, y - region.y, end - x, 1)
            row.extend(widget.render_lines(crop)[0])
            x = end
        rows.append(row)
    return rows


def screen_lines(app) -> list[str]:  # noqa: ANN001 - a running textual App
    """The screen's text, one string per row."""
    return ["".join(seg.text for seg in row) for row in screen_segments(app)]
