"""The detail pane's text, repainted line by line.

`Static.update` repaints the whole widget. When the cursor's car leaves a filtered view the
pane shows the next car: two or three of its fifteen lines differ (the VIN and time, the
tags), yet all fifteen went to the terminal (~3.3 KB at 120 columns, issue 20). When the
new text has as many lines as the old, only the lines whose rendering differs are
repainted; otherwise (a line more or less: the pane's height changes) the whole, as before.
"""

from __future__ import annotations

from typing import Self

from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widgets import Static


class DetailBody(Static):
    """A Static whose `show` repaints only the lines that changed."""

    def __init__(self, text: Text, *, id: str | None = None) -> None:
        super().__init__(text, id=id)
        self._painted: tuple[int, list[Strip]] | None = None  # (width, lines)
        self._quiet = False

    def show(self, text: Text) -> None:
        width = self.size.width
        lines = self._strips(text, width) if self.is_mounted and width else None
        before = self._painted
        self._painted = (width, lines) if lines is not None else None
        if lines is None or before is None or before[0] != width or len(before[1]) != len(lines):
            self.update(text)
            return
        self._quiet = True  # the new content, without Static's whole-widget repaint
        try:
            self.update(text, layout=False)
        finally:
            self._quiet = False
        for y, (old, new) in enumerate(zip(before[1], lines, strict=True)):
            if old != new:
                self.refresh(Region(0, y, width, 1))

    def _strips(self, text: Text, width: int) -> list[Strip]:
        visual = visualize(self, text, markup=False)
        return Visual.to_strips(self, visual, width, None, self.visual_style)

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        if self._quiet:
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
