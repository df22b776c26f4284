"""The fleet table's own keys: cursor moves, marks, search jumps, sideways text, sort
steps. They work wherever the table has focus; the main view's keys are
`fleettui.ui.keys` (MonitorScreen's), the app's `fleettui.ui.keys.APP_BINDINGS`.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

TABLE_BINDINGS: list[BindingType] = [
    Binding("up,k", "cursor_up", "Up", show=False),
    Binding("down,j", "cursor_down", "Down", show=False),
    Binding("pageup,ctrl+b", "page_up", "Page up", show=False),
    Binding("pagedown,ctrl+f", "page_down", "Page down", show=False),
    Binding("home,g", "first", "First", show=False),
    Binding("end,G", "last", "Last", show=False),
    Binding("space", "toggle_mark", "Mark and move down", show=False, key_display="space"),
    Binding(
        "v",
        "mark_range",
        "Mark range",
        show=False,
        tooltip="Mark every row from the last one marked to the cursor",
    ),
    Binding(
        "n",
        "next_match",
        "Next match",
        show=False,
        tooltip="Jump to the next row matching the last search, without filtering",
    ),
    Binding("N", "previous_match", "Previous match", show=False, key_display="N"),
    Binding(
        "right,l",
        "shift_text(1)",
        "Scroll text right",
        show=False,
        tooltip="Scroll the reason and tags columns sideways to read them in full",
    ),
    Binding("left,h", "shift_text(-1)", "Scroll text left", show=False),
    # `s` (the sort menu) is the app's; these work in the table alone too.
    Binding(
        "greater_than_sign",
        "sort_step(1)",
        "Sort by the next column",
        show=False,
        key_display=">",
    ),
    Binding(
        "less_than_sign",
        "sort_step(-1)",
        "Sort by the previous column",
        show=False,
        key_display="<",
    ),
    Binding("S", "sort_reverse", "Reverse sort", show=False),
]
