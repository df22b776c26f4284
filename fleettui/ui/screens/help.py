"""The `?` overlay: every key the app answers to, straight from the BINDINGS in force,
so it can never disagree with the footer or the command palette."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

INTRO = (
    "Filter syntax: free text over VIN, brand, reason and tags; state:pending, brand:bmw, "
    "group:stellantis, tag:key=value (tag:key for any value), vin:V1,V2, age>7d / age<2h "
    "(time in state); -term or !term excludes. Several terms must all match; several "
    "state: values match any. A misspelt state, brand or group is named with what was "
    "probably meant."
)


def key_table(rows: Iterable[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for key, description in rows:
        table.add_row(Text(key), Text(description))
    return table


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help-box {
        width: 90; max-width: 100%; height: 90%;
        border: thick $primary; padding: 0 1; background: $surface;
    }
    #help-intro { margin-top: 1; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
        Binding("j,down", "scroll(1)", "Scroll", show=False),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False),
        Binding("ctrl+f,pagedown,space", "page(1)", "Page down", show=False),
        Binding("ctrl+b,pageup", "page(-1)", "Page up", show=False),
        Binding("g,home", "edge(0)", "Top", show=False),
        Binding("G,end", "edge(1)", "Bottom", show=False),
    ]

    def __init__(self, rows: list[tuple[str, str]], title: str = "Keys") -> None:
        super().__init__()
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(
                Text(
                    self.title_text + "  (j/k or arrows scroll, space/ctrl+f pages; "
                    "Esc, ? or q closes)",
                    style="bold",
                )
            )
            yield Static(key_table(self.rows))
            yield Static(Text(INTRO), id="help-intro")

    def _box(self) -> VerticalScroll:
        return self.query_one("#help-box", VerticalScroll)

    def action_scroll(self, step: int) -> None:
        self._box().scroll_relative(y=step, animate=False)

    def action_page(self, step: int) -> None:
        box = self._box()
        box.scroll_relative(
            y=step * max(1, box.scrollable_content_region.height - 1), animate=False
        )

    def action_edge(self, bottom: int) -> None:
        box = self._box()
        if bottom:
            box.scroll_end(animate=False)
        else:
            box.scroll_home(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
