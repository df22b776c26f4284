"""Lists and scroll areas whose focus shows without colour.

Textual draws an OptionList's highlighted option, and a scroll area's focus, with
background colours (its `reverse` text style, too, comes out as swapped colours). With
NO_COLOR those colours are dropped, and with only the 16 ANSI ones the theme's cursor
grey sits behind the terminal's light text, so the highlight vanished from the sort menu,
the notification log, the profile switch and the triage queues. `CursorList` draws the
highlighted option in reverse video there (as the main table draws its cursor);
`FocusScroll` takes the focus only when it has something to scroll, so Tab in a dialog
never rests on a place that cannot show it has the focus.
"""

from __future__ import annotations

from rich.style import Style
from textual.containers import VerticalScroll
from textual.strip import Strip
from textual.widgets import OptionList

#: The highlighted option without colour: reverse video, bold.
CURSOR = Style(reverse=True, bold=True)


def plain_colours(widget: OptionList | VerticalScroll) -> bool:
    """NO_COLOR, or only the 16 ANSI colours: focus must show by attribute, not colour."""
    app = widget.app
    return bool(app.no_color or app.native_ansi_color)


class CursorList(OptionList):
    """An OptionList whose highlighted option is reversed without colour."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if self.highlighted is None or not plain_colours(self):
            return strip
        try:
            index, _ = self._lines[self.scroll_offset.y + y]
        except IndexError:
            return strip
        return strip.apply_style(CURSOR) if index == self.highlighted else strip


class FocusScroll(VerticalScroll):
    """A scroll area that is in the focus chain only while it can scroll."""

    def allow_focus(self) -> bool:
        return self.can_focus and (self.max_scroll_y > 0 or self.max_scroll_x > 0)
