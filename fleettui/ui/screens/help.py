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
    "group:stellantis, tag:key=value; -term or !term excludes. Several terms must all match; "
    "several state: values match any."
)


def key_table(rows: Iterable[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for key, description in rows:
        table.add_row(Text(key), Text(description))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, rows: list[tuple[str, str]], title: str = "Keys") -> None:
        super().__init__()
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text(self.title_text + "  (Escape closes)", style="bold"))
            yield Static(key_table(self.rows))
            yield Static(Text(INTRO), id="help-intro")

    def action_close(self) -> None:
        self.dismiss(None)
