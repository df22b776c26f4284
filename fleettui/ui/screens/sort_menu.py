"""The sort menu: every column by name, one key each, the current order and direction
shown, and "oldest pending first" as a preset.

`SortMenu` dismisses with a :class:`SortChoice` (or None on Esc/q). The letter of a
column picks it at once; the letter of the column already in use flips its direction.
Time in state starts longest first (what has been stuck longest is what one looks for).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from fleettui.core.sorting import SORT_COLUMNS, first_direction
from fleettui.ui.widgets.cursor_list import CursorList

#: Column -> (key, name in the menu). The keys are free on this screen only.
SORT_KEYS: dict[str, tuple[str, str]] = {
    "vin": ("v", "VIN"),
    "brand": ("b", "Brand"),
    "state": ("s", "State (life-cycle order)"),
    "reason": ("r", "Reason"),
    "time": ("i", "In state (time in the current state)"),
    "tags": ("t", "Tags"),
}
#: Columns whose first press sorts descending.
PRESET_KEY = "o"


@dataclass(frozen=True, slots=True)
class SortChoice:
    column: str
    descending: bool
    #: A state to show only (the "oldest pending first" preset), else None.
    only_state: str | None = None


def choose(column: str, current: tuple[str, bool]) -> SortChoice:
    """Picking `column` while `current` is in force: a new column starts in its natural
    direction; the current one flips."""
    cur_col, cur_desc = current
    if column == cur_col:
        return SortChoice(column, not cur_desc)
    return SortChoice(column, first_direction(column))


def describe_order(column: str, descending: bool) -> str:
    """In words: 'longest in state first', 'Z to A', 'life cycle reversed'."""
    if column == "time":
        return "shortest in state first" if not descending else "longest in state first"
    if column == "state":
        return "life-cycle order, reversed" if descending else "life-cycle order"
    return "Z to A (descending)" if descending else "A to Z (ascending)"


def arrow(descending: bool) -> str:
    return "▼" if descending else "▲"


class SortMenu(ModalScreen[SortChoice | None]):
    DEFAULT_CSS = """
    SortMenu { align: center middle; }
    #sort-box {
        width: 64; max-width: 100%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    #sort-options { height: auto; max-height: 12; }
    """

    BINDINGS = [
        Binding("escape,q", "close", "Close", key_display="Esc"),
        Binding("enter", "pick_highlighted", "Sort", key_display="Enter"),
        *(
            Binding(key, f"pick('{col}')", f"By {name.split(' (')[0]}", show=False)
            for col, (key, name) in SORT_KEYS.items()
        ),
        Binding(PRESET_KEY, "oldest_pending", "Oldest pending first"),
        Binding("j", "move(1)", "Down", show=False),
        Binding("k", "move(-1)", "Up", show=False),
    ]

    def __init__(self, current: tuple[str, bool]) -> None:
        super().__init__()
        self.current = current

    def _label(self, column: str) -> Text:
        key, name = SORT_KEYS[column]
        line = Text(f" {key}  ", style="bold")
        line.append(name)
        if column == self.current[0]:
            line.append(f"  {arrow(self.current[1])} now", style="bold")
        return line

    def compose(self) -> ComposeResult:
        with Vertical(id="sort-box"):
            yield Static(Text("Sort by  (a letter picks; the current one flips)", style="bold"))
            options = [Option(self._label(c), id=c) for c in SORT_COLUMNS]
            preset = Text(f" {PRESET_KEY}  ", style="bold")
            preset.append("Oldest pending first (only pending, longest in state first)")
            options.append(Option(preset, id="preset"))
            yield CursorList(*options, id="sort-options")
        yield Footer()

    def on_mount(self) -> None:
        menu = self.query_one("#sort-options", OptionList)
        menu.highlighted = (
            SORT_COLUMNS.index(self.current[0]) if self.current[0] in SORT_COLUMNS else 0
        )
        menu.focus()

    def action_pick(self, column: str) -> None:
        self.dismiss(choose(column, self.current))

    def action_oldest_pending(self) -> None:
        self.dismiss(SortChoice("time", True, only_state="pending"))

    def action_pick_highlighted(self) -> None:
        menu = self.query_one("#sort-options", OptionList)
        if menu.highlighted is None:
            return
        option_id = menu.get_option_at_index(menu.highlighted).id
        if option_id == "preset":
            self.action_oldest_pending()
        elif option_id is not None:
            self.action_pick(option_id)

    @on(OptionList.OptionSelected, "#sort-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_pick_highlighted()

    def action_move(self, step: int) -> None:
        menu = self.query_one("#sort-options", OptionList)
        menu.action_cursor_down() if step > 0 else menu.action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
